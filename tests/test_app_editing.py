"""Editing through the real pages (AppTest): sign in, save at once, stale saves refused with the input kept,
roles respected by the pages and, underneath, by the store."""

from __future__ import annotations

import uuid

from streamlit.testing.v1 import AppTest

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
    assert any(f"Signed in as {name}" in s.value for s in at.success)


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
    store.save_assessment(store.user(other), "KOR", ELEMENT, findings=current.findings, judgment=current.judgment,
                          note="their note", expected_version=current.version)
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


def test_viewer_cannot_open_staff_pages() -> None:
    at = app()
    try:
        at.switch_page("app_pages/edit.py")
    except ValueError as exc:
        assert "Could not find a navigation page" in str(exc)
    else:  # pragma: no cover - the router must not register staff pages for anonymous visitors
        raise AssertionError("the edit page was registered for an anonymous visitor")


def test_edit_and_review_pages_mark_an_element_whose_law_changed(tmp_path, monkeypatch) -> None:
    """The statutes folder shows Art. 215-2 amended after the version it was read in: the Edit page marks the
    Art. 16 element citing it and the Review page lists it (issue 8). The statute file is written for the test
    from the pinned record, with an invented later amendment tag."""
    korea = service.catalog().country("KOR")
    law = next(p for p in korea.provisions if p.id == "kor.cpa.215-2")
    folder = tmp_path / "kr" / law.text.title
    folder.mkdir(parents=True)
    (folder / "법률.md").write_text(
        f"---\n제목: {law.text.title}\n공포일자: 2027-01-05\n공포번호: '99999'\n시행일자: 2027-01-05\n---\n\n"
        f"##### {law.text.article} ({law.text.heading})\n\n**①** 시험용 문장. <개정 2027.1.5>\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("ASSESSMENT_LAWTEXT_DIR", str(tmp_path))
    element = next(a.element for a in korea.assessments if any(f.provision == law.id for f in a.findings))
    name, password = new_user("editor")
    token = service.store().start_session(service.store().user(name))
    at = edit_page(token, element)
    assert not at.exception
    plain = [w.value.replace("\\", "").replace("\u200b", "") for w in at.warning]  # as a person reads it
    assert any(f"The law changed on 2027-01-05 ({law.text.label}): review" in w for w in plain), plain
    assert any("the law changed: review" in e.label for e in at.expander if e.label.startswith(element))
    review = app(token).switch_page("app_pages/review.py").run()
    assert any("rest on law that changed" in w.value for w in review.warning)
    listed = next(d.value for d in review.dataframe if "what changed" in d.value.columns)
    assert ((listed["country"] == "KOR") & (listed["element"] == element)).any()
