"""Editing through the real pages (AppTest): sign in, save at once, stale saves refused with the input kept,
roles respected by the pages and, underneath, by the store."""

from __future__ import annotations

import json
import uuid

from streamlit.testing.v1 import AppTest

from app_pages import _ui
from assessment import service
from assessment.catalog import PROJECT_ROOT
from assessment.store import SYSTEM

APP = str(PROJECT_ROOT / "app.py")
ELEMENT = "ets185.art16.e8"


def new_user(role: str, countries=("KOR",)) -> tuple[str, str]:
    name = f"{role}{uuid.uuid4().hex[:6]}"  # no Markdown specials, so page text shows it as typed
    service.store().add_user(SYSTEM, name, role, "password-long-1", countries)
    return name, "password-long-1"


def app(token: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if token:
        at.session_state["session_token"] = token
    return at.run()


def edit_page(token: str, element: str = ELEMENT) -> AppTest:
    at = app(token)
    at.query_params.update({"iso": "KOR", "treaty": "ets185", "obligation": element.rsplit(".", 1)[0]})
    return at.switch_page("app_pages/edit.py").run()


def key(element: str) -> str:
    return f"edit_KOR_{element}"


def save(at: AppTest, element: str = ELEMENT) -> AppTest:
    submit = next(b for b in at.button if b.key and b.key.startswith("FormSubmitter:" + key(element)))
    return submit.click().run()


def test_sign_in_page_starts_a_session() -> None:
    name, password = new_user("editor")
    at = app().switch_page("app_pages/signin.py").run()
    at.text_input[0].input(name)
    at.text_input[1].input("wrong password")
    at = at.button[0].click().run()
    assert any("do not match" in e.value for e in at.error)
    at.text_input[1].input(password)
    at = at.button[0].click().run()
    token = at.session_state["session_token"]
    assert service.store().session_user(token).name == name
    assert any(f"Signed in as {name} (editor)" in s.value for s in at.success)
    assert at.title[0].value == "Your account"  # the page (and its menu entry) no longer says Sign in


def test_signed_in_korean_reader_sees_the_role_and_account_in_korean() -> None:
    """Issue 22: no 'editor' or '로그인 / Sign in' left on a Korean page after signing in."""
    name, _ = new_user("editor")
    store = service.store()
    token = store.start_session(store.user(name))
    at = app()
    at.session_state["session_token"] = token
    at.query_params["lang"] = "ko"
    at = at.switch_page("app_pages/signin.py").run()
    assert at.title[0].value == "내 계정"
    success = " ".join(s.value for s in at.success)
    assert "(편집자)" in success and "(editor)" not in success


def test_save_goes_to_the_database_at_once() -> None:
    name, _ = new_user("editor")
    store = service.store()
    token = store.start_session(store.user(name))
    before = store.assessment("KOR", ELEMENT)
    at = edit_page(token)
    assert not at.exception
    at.text_area(key=f"{key(ELEMENT)}_note").input("Checked the amendment text for a confidentiality duty.")
    at = save(at)
    assert not at.exception, [e.value for e in at.exception]
    after = store.assessment("KOR", ELEMENT)
    assert after.version == before.version + 1 and after.updated_by == name
    assert after.note == "Checked the amendment text for a confidentiality duty."
    assert any("Saved at" in s.value for s in at.success)
    # a fresh browser session (reload) shows the saved value, read back from the database
    again = edit_page(token)
    assert again.text_area(key=f"{key(ELEMENT)}_note").value == after.note


def test_stale_save_is_refused_and_keeps_the_input() -> None:
    name, _ = new_user("editor")
    other, _ = new_user("editor")
    store = service.store()
    token = store.start_session(store.user(name))
    at = edit_page(token)  # opened at the current version
    current = store.assessment("KOR", ELEMENT)
    store.save_assessment(
        store.user(other),
        "KOR",
        ELEMENT,
        findings=current.findings,
        judgment=current.judgment,
        note="their note",
        expected_version=current.version,
    )
    at.text_area(key=f"{key(ELEMENT)}_note").input("my careful note")
    at = save(at)
    assert not at.exception
    assert store.assessment("KOR", ELEMENT).note == "their note"  # nothing overwritten
    assert any(f"{other} saved this element" in w.value for w in at.warning)
    assert at.text_area(key=f"{key(ELEMENT)}_note").value == "my careful note"  # the input is kept
    # the user decides to keep theirs over the other: an explicit merge, then a save on the new base
    at = next(b for b in at.button if b.key == f"{key(ELEMENT)}_keep").click().run()
    at = save(at)
    assert store.assessment("KOR", ELEMENT).note == "my careful note"


def test_invalid_edit_is_explained_and_not_saved() -> None:
    name, _ = new_user("editor")
    store = service.store()
    token = store.start_session(store.user(name))
    before = store.assessment("KOR", ELEMENT)
    at = edit_page(token)
    at.selectbox(key=f"{key(ELEMENT)}_status").select("reserved")
    at.text_area(key=f"{key(ELEMENT)}_reason").input("Korea would reserve this.")
    at = save(at)  # 'reserved' without naming a reservation the treaty allows for this element
    assert any("must name the reservation or declaration" in e.value for e in at.error), [e.value for e in at.error]
    assert store.assessment("KOR", ELEMENT).version == before.version


def test_editor_sees_only_the_countries_they_may_edit() -> None:
    store = service.store()
    jpn_editor, _ = new_user("editor", ("JPN",))
    at = app(store.start_session(store.user(jpn_editor)))
    at.query_params.update({"iso": "KOR"})
    at = at.switch_page("app_pages/edit.py").run()
    country_box = at.selectbox[0]
    assert country_box.options == ["Japan (JPN)"]


def test_a_staff_page_opened_signed_out_shows_the_sign_in_form_and_continues_there() -> None:
    name, password = new_user("editor")
    at = app()
    at.query_params.update({"iso": "KOR", "treaty": "ets185"})
    at = at.switch_page("app_pages/edit.py").run()  # a shared link to Edit, signed out
    assert [t.value for t in at.title] == ["Sign in to continue"] and not at.exception
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    at = at.button[0].click().run()
    assert "Edit an assessment" in [t.value for t in at.title]  # the same page, now signed in
    assert at.query_params["iso"] in ("KOR", ["KOR"])


def test_a_disabled_user_is_signed_out_on_the_next_run() -> None:
    name, password = new_user("editor")
    token = service.store().start_session(service.store().user(name))
    at = edit_page(token)
    assert "Edit an assessment" in [t.value for t in at.title]
    service.store().set_disabled(SYSTEM, name, True)
    at = at.run()
    assert [t.value for t in at.title] == ["Sign in to continue"]
    assert any("session ended" in w.value for w in at.warning)
    assert "session_token" not in at.session_state


def test_users_page_changes_role_and_disables() -> None:
    admin, _ = new_user("admin")
    target, _ = new_user("editor")
    at = app(service.store().start_session(service.store().user(admin)))
    at = at.switch_page("app_pages/admin.py").run()
    at.selectbox[0].select(target)
    at = at.run()
    at.selectbox[1].select("reviewer")
    at = next(b for b in at.button if b.key and b.key.startswith(f"FormSubmitter:change_{target}")).click().run()
    assert any(f"Changed {target}: reviewer" in s.value for s in at.success), [s.value for s in at.success]
    at = next(b for b in at.button if b.key == f"toggle_{target}").click().run()
    assert any("disabled; their sessions ended" in s.value for s in at.success)
    assert service.store().user(target).disabled and service.store().user(target).role.value == "reviewer"


def korea_with_amended_215_2(folder, monkeypatch):  # type: ignore[no-untyped-def]
    """A statutes folder for the app in which CPA Art. 215-2 carries an invented amendment after the version it was
    read in (written from the pinned record), watched through ASSESSMENT_LAWTEXT_DIR: (Korea, that provision)."""
    korea = service.catalog().country("KOR")
    law = next(p for p in korea.provisions if p.id == "kor.cpa.215-2")
    statute = folder / "kr" / law.text.title
    statute.mkdir(parents=True)
    (statute / "법률.md").write_text(
        f"---\n제목: {law.text.title}\n공포일자: 2027-01-05\n공포번호: '99999'\n시행일자: 2027-01-05\n---\n\n"
        f"##### {law.text.article} ({law.text.heading})\n\n**①** 시험용 문장. <개정 2027.1.5>\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("ASSESSMENT_LAWTEXT_DIR", str(folder))
    return korea, law


def test_edit_and_review_pages_mark_an_element_whose_law_changed(tmp_path, monkeypatch) -> None:
    """The statutes folder shows Art. 215-2 amended after the version it was read in: the Edit page marks the
    Art. 16 element citing it and the Review page lists it (issue 8). The statute file is written for the test
    from the pinned record, with an invented later amendment tag."""
    korea, law = korea_with_amended_215_2(tmp_path, monkeypatch)
    element = next(a.element for a in korea.assessments if any(f.provision == law.id for f in a.findings))
    name, password = new_user("editor")
    token = service.store().start_session(service.store().user(name))
    at = edit_page(token, element)
    assert not at.exception
    plain = [w.value.replace("\\", "").replace("\u200b", "") for w in at.warning]  # as a person reads it
    assert any(f"The law changed on 2027-01-05 ({law.text.label}): review" in w for w in plain), plain
    assert any("the law changed: review" in e.label for e in at.expander)
    review = app(token).switch_page("app_pages/review.py").run()
    assert any("rest on law that changed" in w.value for w in review.warning)
    listed = next(d.value for d in review.dataframe if "what changed" in d.value.columns)
    assert ((listed["country"] == "KOR") & (listed["element"] == element)).any()


def plain(text: str) -> str:
    """Page text as a person reads it (Markdown escapes and the zero-width spaces of _ui.md removed)."""
    return text.replace("\\", "").replace("\u200b", "")


def korean(at: AppTest, page: str, **params: str) -> AppTest:
    at.query_params.update({"lang": "ko", **params})
    return at.switch_page(page).run()


def test_korean_edit_page_explains_a_refused_save_and_a_stale_one_in_korean() -> None:
    name, _ = new_user("editor")
    other, _ = new_user("editor")
    store = service.store()
    token = store.start_session(store.user(name))
    at = korean(app(token), "app_pages/edit.py", iso="KOR", treaty="ets185", obligation=ELEMENT.rsplit(".", 1)[0])
    assert "평가 편집" in [t.value for t in at.title] and not at.exception
    at.selectbox(key=f"{key(ELEMENT)}_status").select("missing")  # a judgment without its reason
    at = save(at)
    assert any(
        plain(e.value).startswith(
            "저장되지 않았습니다. 다음을 고치십시오: 판단 사유: '미비' 판단은 평가 근거를 대체하므로"
        )
        for e in at.error
    ), [e.value for e in at.error]
    at.selectbox(key=f"{key(ELEMENT)}_status").select("reserved")
    at.text_area(key=f"{key(ELEMENT)}_reason").input("유보 예정.")
    at = save(at)  # 'reserved' without a reservation: the model's refusal, said in Korean
    assert any("'유보' 판단에는 근거가 되는 유보 또는 선언을 지정해야 합니다" in plain(e.value) for e in at.error), [
        e.value for e in at.error
    ]
    current = store.assessment("KOR", ELEMENT)
    store.save_assessment(
        store.user(other),
        "KOR",
        ELEMENT,
        findings=current.findings,
        judgment=current.judgment,
        note="their note",
        expected_version=current.version,
    )
    at.selectbox(key=f"{key(ELEMENT)}_status").select(
        current.judgment.status.value if current.judgment else "(from the findings)"
    )
    at.text_area(key=f"{key(ELEMENT)}_note").input("내 메모")
    at = save(at)
    assert any(other in plain(w.value) and "저장했습니다" in w.value for w in at.warning), [w.value for w in at.warning]
    assert any(b.label == "내 버전 유지: 상대방 버전 위에 저장" for b in at.button)


def test_korean_users_and_review_pages_say_refusals_in_korean() -> None:
    admin, _ = new_user("admin")
    store = service.store()
    at = korean(app(store.start_session(store.user(admin))), "app_pages/admin.py")
    at.selectbox[0].select(admin)
    at = at.run()
    at = next(b for b in at.button if b.key == f"toggle_{admin}").click().run()  # an admin may not disable themselves
    assert any(
        "자기 계정을 사용 중지할 수 없습니다" in plain(e.value) and e.value.startswith("변경되지 않았습니다")
        for e in at.error
    ), [e.value for e in at.error]
    editor, _ = new_user("editor")
    at = korean(app(store.start_session(store.user(editor))), "app_pages/admin.py")
    assert any("사용자를 관리할 수 없습니다" in plain(e.value) and "(편집자)" in plain(e.value) for e in at.error), [
        e.value for e in at.error
    ]
    at = korean(app(store.start_session(store.user(editor))), "app_pages/review.py", iso="KOR")
    assert [t.value for t in at.title] == ["검토"] and not at.exception


# ------------------------------------------------------------------------------------------------ issue 18


def users_page(admin: str, **params: str) -> AppTest:
    at = app(service.store().start_session(service.store().user(admin)))
    at.query_params.update(params)
    return at.switch_page("app_pages/admin.py").run()


def add_form(at: AppTest):  # type: ignore[no-untyped-def]
    """The add form's name, role, countries and password widgets and its button (the last of each label)."""

    def last(widgets, label):  # type: ignore[no-untyped-def]
        return [w for w in widgets if w.label.startswith(label)][-1]

    return (
        last(at.text_input, "User name"),
        last(at.selectbox, "Role"),
        last(at.multiselect, "Countries"),
        last(at.text_input, "Initial password"),
        last(at.button, "Add user"),
    )


def test_users_page_keeps_a_refused_add_role_included() -> None:
    """Issue 18, item 9: a short password used to wipe the form and reset the role, so the retry added a viewer
    (or, here, nobody: the name was gone)."""
    admin, _ = new_user("admin")
    name = f"analyst{uuid.uuid4().hex[:6]}"
    at = users_page(admin)
    name_box, role, countries, password, add = add_form(at)
    name_box.input(name)
    role.select("editor")
    countries.select("KOR")
    password.input("too short")
    at = add.click().run()
    assert any(e.value.startswith("Not added") for e in at.error), [e.value for e in at.error]
    assert service.store().user(name) is None
    name_box, role, countries, password, add = add_form(at)
    assert (name_box.value, role.value, countries.value) == (name, "editor", ["KOR"])  # all still there, role included
    password.input("a long enough password")
    at = add.click().run()
    added = service.store().user(name)
    assert added is not None and added.role.value == "editor" and added.countries == {"KOR"}, [
        e.value for e in at.error
    ]
    name_box, role, countries, password, _ = add_form(at)  # and the form starts empty for the next person
    assert (name_box.value, role.value, countries.value, password.value) == ("", "viewer", [], "")


def test_users_page_shows_an_added_name_as_typed() -> None:
    """Issue 18, item 9: the new name went into the 'Added' message as live Markdown (bold, a link)."""
    admin, _ = new_user("admin")
    name = f"**shout{uuid.uuid4().hex[:4]}** [x](https://example.org)"
    at = users_page(admin)
    name_box, role, _, password, add = add_form(at)
    name_box.input(name)
    role.select("reviewer")
    password.input("a long enough password")
    at = add.click().run()
    assert service.store().user(name) is not None
    message = next(s.value for s in at.success if s.value.startswith("Added"))
    assert message == f"Added {_ui.md(name)} (reviewer).", message  # inert: shown as typed, no bold, no link


def test_korean_users_page_heads_the_account_state_column_not_as_a_country() -> None:
    """'State' (active or disabled) was translated 국가, a country."""
    admin, _ = new_user("admin")
    at = korean(app(service.store().start_session(service.store().user(admin))), "app_pages/admin.py")
    table = at.dataframe[0]
    headers = json.loads(table.proto.columns)
    assert headers["state"]["label"] != "국가", headers
    assert headers["name"]["label"] == "이름"  # the page is in Korean


def test_stale_save_after_their_judgment_change_opens_the_comparison_in_the_element() -> None:
    """Issue 18, item 11: when the other person changed the judgment (and so the element's status, which is in
    its panel's label), the panel still holds the side-by-side view and says so in its own label."""
    from assessment.models import Judgment

    name, _ = new_user("editor")
    other, _ = new_user("editor")
    store = service.store()
    at = edit_page(store.start_session(store.user(name)))
    current = store.assessment("KOR", ELEMENT)
    source = service.catalog().country("KOR").sources[0].id
    store.save_assessment(
        store.user(other),
        "KOR",
        ELEMENT,
        findings=current.findings,
        note=current.note,
        expected_version=current.version,
        judgment=Judgment(status="missing", reason="Their reading: the order cannot reach stored data.", source=source),
    )
    at.text_area(key=f"{key(ELEMENT)}_note").input("my careful note")
    at = save(at)
    assert not at.exception
    assert store.assessment("KOR", ELEMENT).note == current.note  # nothing overwritten
    panels = [e for e in at.expander if "changed by someone else since you opened it" in e.label]
    assert len(panels) == 1, [e.label for e in at.expander]
    panel = panels[0]
    assert panel.proto.expanded and "Missing" in panel.label
    inside = [w.value for w in panel.warning]
    assert any(f"{other} saved this element" in w for w in inside), inside  # the message beside the element
    texts = [x.value for x in panel.text]
    assert any("judgment: missing" in x for x in texts) and any("note: my careful note" in x for x in texts), (
        texts
    )  # side by side
    assert any(b.key == f"{key(ELEMENT)}_keep" for b in panel.button)
    assert at.text_area(key=f"{key(ELEMENT)}_note").value == "my careful note"


def test_law_watch_shows_the_change_and_a_reviewer_re_pins_it_audited(tmp_path, monkeypatch) -> None:
    """Issue 21: the Law watch lists a pinned provision whose law changed, with its text now and our summary; a
    reviewer's 'still holds' re-pins it (the current version and a hash of the wording), audited under their name,
    and the Edit page's 'the law changed' mark goes away."""
    korea, law = korea_with_amended_215_2(tmp_path, monkeypatch)
    editor_name, _ = new_user("editor")
    store = service.store()
    at = app(store.start_session(store.user(editor_name))).switch_page("app_pages/law_watch.py").run()
    assert not at.button and any("reviewers and admins" in i.value for i in at.info)  # an editor cannot review
    name, _ = new_user("reviewer")
    token = store.start_session(store.user(name))
    at = app(token).switch_page("app_pages/law_watch.py").run()
    assert not at.exception
    assert any("rest on law that changed" in w.value for w in at.warning)
    assert any("시험용 문장" in x.value for x in at.text)  # the article as it reads now
    at = next(b for b in at.button if b.key == f"holds_KOR_{law.id}").click().run()
    assert any("re-pinned" in s.value for s in at.success), [e.value for e in at.error]
    saved = next(r for r in store.provisions("KOR") if r.provision.id == law.id).provision.text
    assert saved.version.number == "99999" and saved.sha256 and saved.amended.isoformat() == "2027-01-05"
    audit = [
        e for e in store.history("KOR", law.id) if e.source == "law_watch" and e.user == name
    ]  # (other tests re-pin too)
    assert {e.field for e in audit} == {"provision", "law_review"}
    assert next(e for e in audit if e.field == "law_review").new == "holds"
    at = app(token).switch_page("app_pages/law_watch.py").run()
    assert not any(
        b.key == f"holds_KOR_{law.id}" for b in at.button
    )  # reviewed: no longer listed (the fake file drops others)
    element = next(a.element for a in korea.assessments if any(f.provision == law.id for f in a.findings))
    edit = edit_page(token, element)
    warnings = [w.value.replace("\\", "").replace("\u200b", "") for w in edit.warning]
    assert not any(f"({law.text.label}): review" in w for w in warnings), warnings  # this law's mark is gone
