"""The dashboard through Streamlit's AppTest: every page runs, deep links and controls stay in sync with the
URL, Korea's pages show what the engine says, invalid data is reported as file:line: field: reason, and no
data text reaches the page as raw HTML."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from streamlit.testing.v1 import AppTest

from app_pages import _nav, _ui
from assessment import service
from assessment.brief import SourceRef, brief_sections, country_brief
from assessment.catalog import PROJECT_ROOT, Catalog
from assessment.problems import CatalogInvalid, Problem
from assessment.scoring import Engine
from assessment.vocab import percent, status_badge, status_label

APP = str(PROJECT_ROOT / "app.py")
KOREA_THEN = dt.date(2025, 8, 21)
TIMEOUT = 60


def staff_token(role: str = "admin", countries: tuple[str, ...] = ()) -> str:
    """A live session of a user with `role` in the tests' database (what signing in leaves in the session)."""
    from assessment.store import SYSTEM

    store = service.store()
    name = f"test-{role}-{'-'.join(countries) or 'all'}"
    user = store.user(name) or store.add_user(SYSTEM, name, role, "password-long-1", countries)
    return store.start_session(user)


def open_page(file: str, token: str | None = None, **params: str) -> AppTest:
    """Run the app as a browser would on /<page>?params (the first run registers the pages)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if token is not None:
        at.session_state["session_token"] = token
    if file == "app_pages/overview.py":
        at.query_params.update(params)
        return at.run()
    at.run()
    at.query_params.clear()
    at.query_params.update(params)
    return at.switch_page(file).run()


def elements(at: AppTest, kind: str) -> list:
    out = []

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            if getattr(child, "type", None) == kind:
                out.append(child)
            walk(child)

    walk(at._tree)
    return out


def text_of(at: AppTest) -> str:
    return "\n".join(m.value for m in [*at.markdown, *at.title, *at.subheader, *at.caption])


# ------------------------------------------------------------------------------------------------ smoke


@pytest.mark.parametrize("page", _nav.PAGES, ids=lambda p: p.url_path)
def test_every_page_runs_without_exception(page: _nav.PageSpec) -> None:
    """Each page as the least privileged role that may open it (staff pages signed in as an admin)."""
    token = None if "viewer" in page.roles else staff_token("admin")
    at = open_page(page.file, token)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "every page says what it is"


def test_pages_for_roles() -> None:
    reading = ["overview", "country", "compare", "treaty", "brief"]
    assert [p.url_path for p in _nav.pages_for("viewer")] == [*reading, "signin"]
    staff = ["edit", "history", "import", "review"]
    assert [p.url_path for p in _nav.pages_for("editor")] == [*reading, *staff, "signin"]
    assert [p.url_path for p in _nav.pages_for("reviewer")] == [*reading, *staff, "law-watch", "signin"]
    assert [p.url_path for p in _nav.pages_for("admin")] == [*reading, *staff, "law-watch", "users", "signin"]
    assert sum(p.default for p in _nav.PAGES) == 1
    with pytest.raises(ValueError, match="unknown role"):
        _nav.pages_for("guest")


def test_invalid_data_is_listed_as_file_line_field_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    problems = [
        Problem("data/countries/KOR.yaml", ("assessments", 3, "element"), "unknown element ets185.art16.e99", 42),
        Problem("checklists/ets185.yaml", ("articles", 0, "title"), "required field is missing", 7),
    ]

    def broken(*args, **kwargs):
        raise CatalogInvalid(problems)

    monkeypatch.setattr(service, "current_version", broken)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert "did not validate" in at.error[0].value and "2 problems" in at.error[0].value
    listed = at.code[0].value.splitlines()
    assert listed == [
        "data/countries/KOR.yaml:42: assessments[3].element: unknown element ets185.art16.e99",
        "checklists/ets185.yaml:7: articles[0].title: required field is missing",
    ]


# ------------------------------------------------------------------------------------------- overview


def test_overview_map_draws_offline_and_ranks_every_assessed_country(catalog: Catalog, engine: Engine) -> None:
    at = open_page("app_pages/overview.py", treaty="ets185")
    chart = elements(at, "plotly_chart")[0].proto
    assert json.loads(chart.config)["topojsonURL"] == "/app/static/topojson/"
    spec = json.loads(chart.spec)
    assert {t["type"] for t in spec["data"]} >= {"choropleth", "scattergeo"}
    ranking = at.dataframe[0].value
    assert len(ranking) == len(catalog.countries)
    assert at.query_params["treaty"] == ["ets185"] or at.query_params["treaty"] == "ets185"


def test_treaty_switcher_changes_the_url() -> None:
    at = open_page("app_pages/overview.py")
    at.selectbox(key="choice_treaty").set_value("cets224").run()
    assert not at.exception
    assert _param(at, "treaty") == "cets224"


def _param(at: AppTest, name: str) -> str:
    value = at.query_params[name]
    return value[0] if isinstance(value, list) else value


# -------------------------------------------------------------------------------------------- country


@pytest.fixture(scope="module")
def korea_page() -> AppTest:
    return open_page("app_pages/country.py", iso="KOR", treaty="ets185", as_of=KOREA_THEN.isoformat())


def test_korea_deep_link_opens_korea_on_that_date(korea_page: AppTest, engine: Engine) -> None:
    at = korea_page
    assert not at.exception
    assert at.selectbox(key="choice_iso").value == "KOR"
    assert at.date_input(key="choice_as_of").value == KOREA_THEN
    metrics = {m.label: m.value for m in at.metric}
    then = engine.score_country("KOR", "ets185", KOREA_THEN)
    assert metrics["Readiness on 21 Aug 2025"] == percent(then.score)
    assert metrics["Readiness today"] == percent(engine.score_country("KOR", "ets185", dt.date.today()).score)
    assert metrics["If the pending bills pass"] == percent(
        engine.score_country("KOR", "ets185", KOREA_THEN, True).score
    )
    assert metrics["Critical gaps"] == str(len(then.critical_gaps))


def test_korea_gaps_show_element_provision_bill_and_stage(
    korea_page: AppTest, catalog: Catalog, engine: Engine
) -> None:
    then = engine.score_country("KOR", "ets185", KOREA_THEN)
    brief = country_brief(catalog, engine, "KOR", "ets185", KOREA_THEN)
    # at a glance: one line per gap, with the stage of the bill that would close it (or "no bill yet")
    labels = [e.label for e in korea_page.expander]
    assert len(labels) == len(brief.gaps)
    for gap, label in zip(brief.gaps, labels):
        assert f"Art\\. {_ui.md(gap.article)} {_ui.md(gap.title)}" in label
        assert (_ui.md(gap.bills[0].stage_text) if gap.bills else "no bill yet") in label
    assert "ets185.art16" in then.critical_gaps  # the story the data tells: preservation was missing then
    assert "Elements not met" not in text_of(korea_page)  # details on demand: a closed card draws nothing
    korea_page.session_state["gap_ets185.art16"] = True  # what a click on the card does
    text = text_of(korea_page.run())
    art16 = next(g for g in brief.gaps if g.obligation == "ets185.art16")
    for bill in art16.bills:
        assert _ui.md(bill.bill_label) in text and _ui.md(bill.stage_text) in text
    assert _ui.md(art16.elements[0].text) in text
    assert "Criminal Procedure Act" in text.replace("\\", "")
    assert "unverified" in text or "✓ verified" in text  # every fact carries its mark


def test_korea_chapter_scores_come_from_the_engine(korea_page: AppTest, engine: Engine) -> None:
    spec = json.loads(elements(korea_page, "plotly_chart")[0].proto.spec)
    chapters = engine.score_country("KOR", "ets185", KOREA_THEN).chapters
    first = spec["data"][0]
    assert first["text"] == [percent(v) for v in chapters["score"]]


def test_changing_the_date_updates_scores_and_url(engine: Engine) -> None:
    at = open_page("app_pages/country.py", iso="KOR", treaty="ets185", as_of=KOREA_THEN.isoformat())
    later = dt.date(2026, 1, 15)
    at.date_input(key="choice_as_of").set_value(later).run()
    assert not at.exception
    assert _param(at, "as_of") == later.isoformat()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[f"Readiness on {later:%d %b %Y}"] == percent(engine.score_country("KOR", "ets185", later).score)


def test_obligation_link_opens_its_elements(engine: Engine, catalog: Catalog) -> None:
    at = open_page(
        "app_pages/country.py", iso="KOR", treaty="ets185", as_of=KOREA_THEN.isoformat(), obligation="ets185.art16"
    )
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == len(catalog.obligations["ets185.art16"].elements)
    statuses = engine.score_country("KOR", "ets185", KOREA_THEN).elements.set_index("id")["status"].astype(str)
    # each row shows its element's status as the badge vocab defines ("✗ Missing"), in the checklist's order
    expected = [status_badge(statuses[e.id]) for e in catalog.obligations["ets185.art16"].elements]
    assert list(table["status"]) == expected
    assert status_badge("missing") in expected


@pytest.mark.parametrize("page", ["app_pages/country.py", "app_pages/brief.py", "app_pages/compare.py"])
@pytest.mark.parametrize("as_of", ["2999-01-01", "0001-01-01"])
def test_an_out_of_range_date_in_a_link_is_clamped_and_reported(page: str, as_of: str) -> None:
    at = open_page(page, iso="KOR", treaty="ets185", as_of=as_of)
    assert not at.exception, at.exception
    assert any("as_of=" in w.value and "outside" in w.value for w in at.warning)


def test_unknown_country_in_a_link_is_reported_not_a_crash() -> None:
    at = open_page("app_pages/country.py", iso="XXX")
    assert not at.exception
    assert any("iso=XXX" in w.value for w in at.warning)


# -------------------------------------------------------------------------------------- compare, treaty


def test_compare_grid_rows_are_obligations_columns_countries_and_a_cell_click_opens_one(
    catalog: Catalog, engine: Engine
) -> None:
    at = open_page("app_pages/compare.py", treaty="ets185", as_of=KOREA_THEN.isoformat())
    assert not at.exception
    grid = at.dataframe[0]
    table = grid.value
    obligations = [o for o in catalog.treaty("ets185").obligations() if o.elements]
    assert list(table["obligation"]) == [o.title for o in obligations]
    assert list(table.columns[2:]) == sorted(catalog.countries)
    korea = engine.score_country("KOR", "ets185", KOREA_THEN).obligations.set_index("id")["status"].astype(str)
    assert list(table["KOR"]) == [status_badge(korea[o.id]) for o in obligations]
    assert list(grid.proto.selection_mode) and not elements(
        at, "plotly_chart"
    )  # no plotly on this page: its code is 4.7 MB


@pytest.mark.parametrize("file", ["app_pages/compare.py", "app_pages/overview.py", "app_pages/brief.py"])
def test_staff_are_told_which_countries_they_see_in_draft(
    file: str, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assessment.store import Store

    token = staff_token("admin")
    monkeypatch.setattr(Store, "review_state", lambda self, iso: "draft" if iso == "KOR" else "approved")
    at = open_page(file, token, treaty="ets185", iso="KOR")
    assert not at.exception
    warnings = [w.value for w in at.warning if "working assessments" in w.value]
    assert (
        len(warnings) == 1
        and catalog.countries["KOR"].name in warnings[0]
        and catalog.countries["DEU"].name not in warnings[0]
    )
    other = open_page(file, token, treaty="ets185", iso="DEU")  # the brief of an approved country has nothing to mark
    assert any("working assessments" in w.value for w in other.warning) == (file != "app_pages/brief.py")
    viewer = open_page(file, treaty="ets185", iso="KOR")  # aides see the approved assessments: nothing to mark
    assert not any("working assessments" in w.value for w in viewer.warning)


def test_compare_filters_by_chapter_and_kind() -> None:
    at = open_page("app_pages/compare.py", treaty="ets185")
    at.multiselect[1].set_value(["criminalise"]).run()
    articles = list(at.dataframe[0].value["article"])
    assert articles and all(label.startswith("Art. ") for label in articles)
    assert len(articles) < 20


def test_treaty_checklist_lists_obligations_hooks_and_crosswalk(catalog: Catalog) -> None:
    at = open_page("app_pages/treaty.py", id="ets185", obligation="ets185.art16")
    assert not at.exception
    treaty = catalog.treaty("ets185")
    assert at.title[0].value == treaty.title
    assert len(at.dataframe[0].value) == len([o for o in treaty.obligations() if o.elements])
    elements_table = at.dataframe[1].value
    assert list(elements_table["id"]) == [e.id for e in catalog.obligations["ets185.art16"].elements]


def test_treaty_page_says_who_meets_an_obligation_and_how(catalog: Catalog, engine: Engine) -> None:
    """Issue 20: per obligation, every assessed country's status and law in force, those meeting it first."""
    at = open_page("app_pages/treaty.py", id="ets185", obligation="ets185.art29")
    assert not at.exception
    who = next(d.value for d in at.dataframe if "law" in d.value.columns and "country" in d.value.columns)
    first = who[who["element"] == who["element"].iloc[0]]
    assert set(first["country"]) == {
        c.name for c in catalog.countries.values()
    }  # every assessed country, once per element
    today = dt.date.today()
    e1 = engine.score_country("JPN", "ets185", today)
    status = dict(zip(e1.elements["id"], e1.elements["status"].astype(str)))["ets185.art29.e1"]
    japan = first[first["country"] == "Japan"].iloc[0]
    assert japan["status"].endswith(status_label(status))
    if status in ("in_place", "partial"):
        assert "International Assistance" in japan["law"]
    assert list(first["country"]).index("Republic of Korea") > list(first["country"]).index(
        "Japan"
    )  # meeting it comes first


# ---------------------------------------------------------------------------------------------- brief


def test_korea_brief_in_plain_language_with_pdf(catalog: Catalog, engine: Engine) -> None:
    at = open_page("app_pages/brief.py", iso="KOR", as_of=KOREA_THEN.isoformat())
    assert not at.exception
    assert [s.value for s in at.subheader][:6] == [
        "Where it stands",
        "What is missing",
        "Which bill fixes it",
        "What changed",
        "Other views",
        "What happens next",
    ]
    assert elements(at, "download_button"), "the brief downloads as PDF"
    text = text_of(at)
    sections = dict(brief_sections(country_brief(catalog, engine, "KOR", "ets185", KOREA_THEN)))
    for line in sections["Which bill fixes it"]:
        assert _ui.md(line.text) in text


# ------------------------------------------------------------------------------------------- security


@pytest.mark.parametrize("page", _nav.PAGES, ids=lambda p: p.url_path)
def test_no_data_text_is_rendered_as_html(page: _nav.PageSpec) -> None:
    token = None if "viewer" in page.roles else staff_token("admin")
    at = open_page(page.file, token, iso="KOR", treaty="ets185")
    for m in elements(at, "markdown"):
        assert not m.proto.allow_html, m.proto.body[:80]
    for h in elements(at, "html"):
        allowed = {
            _ui.PRINT_CSS,
            _ui.CALENDAR_ONLY_CSS,
            *(_ui.print_button(lang) for lang in ("en", "ko")),
        }  # constants only
        assert h.proto.body in allowed, "only constant markup may be raw HTML"


def test_markdown_escaping_makes_data_inert() -> None:
    hostile = "<script>alert(1)</script> [click](javascript:alert(1)) **bold** $x$ # head"
    escaped = _ui.md(hostile)
    assert "<script>" not in escaped and "](" not in escaped and "**" not in escaped and "$x$" not in escaped
    assert _ui.safe_url("javascript:alert(1)") == ""
    assert _ui.safe_url("https://example.org/a(b) c") == "https://example.org/a%28b%29%20c"
    link = _ui.source_md(SourceRef("MOJ <b>release</b>", "https://example.org/x", False))
    assert link == "[MOJ \\<b\\>release\\</b\\>](https://example.org/x) · unverified"
    assert _ui.source_md(None) == "no source recorded · unverified"


def test_markdown_escaping_stops_bare_links_images_and_icons() -> None:
    """Streamlit autolinks bare URLs and resolves :icon: codes after escapes: none may survive in data text."""
    import re

    hostile = (
        "Session expired: sign in again at https://evil.example/x or www.evil.example, mail a@evil.example "
        "![t](http://evil.example/i.png) :material/lock: :smile:"
    )
    escaped = _ui.md(hostile).replace("\\", "")
    assert not re.search(r"https?://|www\.|[\w.]+@[\w-]+\.|:material/\w+:|:smile:", escaped), escaped
    assert escaped.replace("\u200b", "") == hostile  # reads the same


def test_a_registered_country_without_assessment_states_its_status_not_another_country() -> None:
    at = open_page("app_pages/country.py", iso="FRA")
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["France"]
    assert any("Not assessed yet" in i.value for i in at.info)
    text = "\n".join(m.value for m in at.markdown)
    assert "Budapest Convention" in text and "Party" in text and "](https://" in text  # status with its source
    assert "Korea" not in text_of(at)


def test_a_map_click_names_the_country() -> None:
    from types import SimpleNamespace

    from app_pages._ui import clicked_country

    event = SimpleNamespace(
        selection=SimpleNamespace(points=[{"curve_number": 0, "location": "FRA", "point_index": 3}])
    )
    assert clicked_country(event) == "FRA"
    assert (
        clicked_country(SimpleNamespace(selection=SimpleNamespace(points=[]))) is None and clicked_country(None) is None
    )


def test_country_page_marks_what_is_carried_over_from_ets185() -> None:
    """Korea has assessed the Budapest Convention, not the UN Convention: its UN page says which statuses are
    carried over through the crosswalk and links each element to its ETS 185 basis (issue 9)."""
    at = open_page("app_pages/country.py", iso="KOR", treaty="uncc2024", obligation="uncc2024.art7")
    assert not at.exception
    assert any("carried over from the Budapest Convention" in i.value for i in at.info)
    table = next(d.value for d in at.dataframe if "carried" in d.value.columns)
    assert table["carried"].str.startswith("carried over from ETS 185 Art. 2").all()
    assert table["basis"].str.contains("obligation=ets185.art2").all()
    assert "not assessed" not in " ".join(m.value for m in at.metric)


def test_a_treaty_with_nothing_assessed_reads_not_assessed_not_zero() -> None:
    at = open_page("app_pages/country.py", iso="KOR", treaty="ets189")
    assert not at.exception
    readiness = [m for m in at.metric if m.label.startswith("Readiness")]
    assert readiness and all(m.value == "not assessed" for m in readiness)


def test_treaty_page_shows_the_crosswalk_view_for_a_country() -> None:
    at = open_page("app_pages/treaty.py", id="uncc2024", iso="KOR")
    assert not at.exception
    assert any("carry their status over from ETS 185" in c.value for c in at.caption)
    table = next(d.value for d in at.dataframe if "ets185" in d.value.columns)
    assert (table["how"] == "carried over").any() and (table["left"] == "needs its own assessment").any()
    # the counts say what each counts and agree with the table (issue 22: '22 of 36 carried over... 36 still need')
    import re

    caption = next(c.value for c in at.caption if "carry their status over" in c.value)
    n, carried, partly, direct, none, left = map(int, re.findall(r"\d+", caption.replace("ETS 185", ""))[:6])
    assert (
        n == len(table)
        and carried == int((table["how"] == "carried over").sum())
        and direct == int((table["how"] == "assessed directly").sum())
    )
    assert left == none + partly == int((table["left"] != "").sum())


def test_aides_see_no_research_notes_or_raw_crosswalk_codes_on_the_treaty_page(catalog: Catalog) -> None:
    at = open_page("app_pages/treaty.py", id="uncc2024")
    assert not at.exception
    shown = " ".join(c.value for c in at.caption)
    assert (
        catalog.treaty("uncc2024").note and catalog.treaty("uncc2024").note[:40] not in shown
    )  # staff-only research notes
    checklist = at.dataframe[0].value
    assert not checklist["crosswalk"].str.contains(r"\b(?:ets185|uncc2024|cets224)\.", regex=True).any()
    assert (
        checklist["crosswalk"]
        .str.contains("asks the same as|asks less than|asks more than|overlaps with", regex=True)
        .any()
    )


def test_overview_of_a_treaty_without_a_register_counts_nothing_and_shows_no_path() -> None:
    at = open_page("app_pages/overview.py", treaty="ets189")
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert not any("Party" in label for label in labels)
    shown = " ".join(
        str(getattr(e, "value", "")) for kind in ("markdown", "caption", "info") for e in elements(at, kind)
    )
    assert "is not recorded here yet" in shown and "data/status" not in shown and ".yaml" not in shown


@pytest.mark.parametrize(("lang", "mark"), [("en", "partly assessed"), ("ko", "일부만 평가됨")])
def test_a_partly_assessed_country_carries_the_mark_on_overview_and_compare(lang: str, mark: str) -> None:
    """Issue 19: under 90% assessed, a score says why it may be low; the score itself is unchanged."""
    at = open_page("app_pages/overview.py", treaty="uncc2024", lang=lang)
    assert not at.exception
    ranking = next(d.value for d in at.dataframe if "assessment" in d.value.columns)
    korea = ranking[ranking["name"].isin(["Republic of Korea", "대한민국"])].iloc[0]
    assert korea["coverage"] < 90 and korea["assessment"] == mark and 0 <= korea["verified"] <= 100
    at = open_page("app_pages/compare.py", treaty="uncc2024", lang=lang)
    assert not at.exception
    assert any(mark in c.value for c in at.caption)
    at = open_page("app_pages/overview.py", treaty="ets185", lang=lang)
    ranking = next(d.value for d in at.dataframe if "assessment" in d.value.columns)
    assert (ranking["assessment"] == "").all()  # every country reads at least 90% of the Budapest checklist


def test_overview_honours_as_of_in_its_link(engine: Engine) -> None:
    """Issue 22: ?as_of= on Overview shows that date's scores instead of being kept in the URL and ignored."""
    at = open_page("app_pages/overview.py", treaty="ets185", as_of="2025-08-21")
    assert not at.exception
    ranking = next(d.value for d in at.dataframe if "score" in d.value.columns and "name" in d.value.columns)
    korea = ranking[ranking["name"] == "Republic of Korea"].iloc[0]
    then = engine.score_country("KOR", "ets185", dt.date(2025, 8, 21)).score
    assert korea["score"] == pytest.approx(then * 100)
    assert "as_of=2025-08-21" in korea["open"]


def test_treaty_page_link_to_an_unknown_obligation_shows_a_notice(catalog: Catalog) -> None:
    """Issue 18, item 10: /treaty?obligation=xyz raised KeyError; it says the link is not known and shows the first."""
    at = open_page("app_pages/treaty.py", id="ets185", obligation="xyz")
    assert not at.exception, [e.value for e in at.exception]
    first = next(o for o in catalog.treaty("ets185").obligations() if o.elements)
    notice = next(w.value for w in at.warning if "obligation=xyz" in w.value)
    assert "is not known here; showing Art\\. 1 " in notice, notice  # the first obligation, named (Markdown-escaped)
    assert list(at.dataframe[1].value["id"]) == [e.id for e in first.elements]  # the first obligation, in detail
