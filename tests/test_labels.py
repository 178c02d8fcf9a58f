"""Labels have one home: assessment.vocab holds every vocabulary's codes and labels, and one helper,
`label(kind, code, lang)`, says a code in English and its label in other languages. Change one label there and
every surface that shows it follows: the brief, the workbook, the CLI's text and the pages."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from assessment import models, vocab
from assessment.brief import brief_docx, country_brief
from assessment.catalog import PROJECT_ROOT, Catalog
from assessment.excel import export_workbook
from assessment.scoring import Engine
from assessment.service import Workspace
from assessment.vocab import LABELS, Vocabulary, label, label_text, label_word

#: Korea on this day: Art. 16 is a critical gap and the Act that closes it (Art. 215-2) is still to come.
BEFORE_215_2 = dt.date(2025, 9, 15)
PATCHED = "in effect per the label test"


def _published(catalog: Catalog, engine: Engine) -> Workspace:
    return Workspace(catalog=catalog, engine=engine, version="test", view="published")


def _sheet(
    catalog: Catalog, engine: Engine, sheet: str, lang: str = "en", when: dt.date = BEFORE_215_2
) -> list[list[object]]:
    out = io.BytesIO()
    export_workbook(_published(catalog, engine), ["KOR"], "ets185", when, out, lang=lang)
    wb = openpyxl.load_workbook(io.BytesIO(out.getvalue()), read_only=True)
    rows = [list(r) for r in wb[sheet].iter_rows(values_only=True)]
    wb.close()
    return rows


def _docx_text(data: bytes) -> str:
    from docx import Document

    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


@pytest.fixture
def fresh_page_caches():
    """The pages cache briefs and tables across AppTest runs in this process: start and leave them empty, so a
    changed label is neither hidden by an earlier run nor left behind for a later test."""
    import streamlit as st

    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


# -------------------------------------------------------------------------------------------- the tables


ENUMS = {
    Vocabulary.status: vocab.Status,
    Vocabulary.register: vocab.RegisterStatus,
    Vocabulary.role: vocab.Role,
    Vocabulary.review_state: vocab.ReviewState,
    Vocabulary.audit_source: vocab.AuditSource,
    Vocabulary.stage: models.Stage,
    Vocabulary.extent: models.Extent,
    Vocabulary.relation: models.Relation,
    Vocabulary.hook_kind: models.HookKind,
    Vocabulary.obligation_kind: models.Kind,
    Vocabulary.event_kind: models.EventKind,
    Vocabulary.legal_system: models.LegalSystem,
    Vocabulary.claim: models.PositionClaim,
}


@pytest.mark.parametrize("kind", list(ENUMS), ids=str)
def test_each_vocabulary_labels_every_code_of_its_enum_and_nothing_else(kind: Vocabulary) -> None:
    assert set(LABELS[kind]) == {m.value for m in ENUMS[kind]}


def test_every_carry_over_word_the_treaty_page_shows_has_a_label(catalog: Catalog, engine: Engine) -> None:
    from assessment.carryover import carryover_rows

    today = dt.date.today()
    for treaty in ("uncc2024", "cets224"):
        rows = carryover_rows(
            catalog, engine.score_country("KOR", treaty, today), engine.score_country("KOR", "ets185", today)
        )
        assert {r.how for r in rows} <= set(LABELS[Vocabulary.carried])
        assert {r.left for r in rows if r.left} <= set(LABELS[Vocabulary.left])


def test_label_is_the_code_in_english_and_the_label_in_korean() -> None:
    assert label(Vocabulary.stage, models.Stage.in_force, "en") == "in_force"
    assert label(Vocabulary.stage, "in_force", "ko") == "시행"
    assert label(Vocabulary.extent, models.Extent.partial, "ko") == "부분"
    assert label_text(Vocabulary.stage, "in_force", "en") == "in force"
    assert label_text(Vocabulary.relation, models.Relation.subset, "ko") == "더 적게 요구함"
    assert label(Vocabulary.status, "no_such_code", "ko") == "no_such_code"  # an unknown code is shown, never hidden
    from assessment.i18n import say

    word = label_word(Vocabulary.review_state, "in_review")
    assert (
        word == "in_review" and say(word, "ko") == label_text(Vocabulary.review_state, "in_review", "ko") != "in_review"
    )


def test_lifecycle_steps_are_the_lifecycle_dates_in_order() -> None:
    assert tuple(n for n in models.Lifecycle.model_fields if n in LABELS[Vocabulary.stage]) == vocab.LIFECYCLE_STEPS
    assert list(LABELS[Vocabulary.stage]) == [s.value for s in models.Stage]


# ------------------------------------------------------------------------------------ one label, everywhere


def test_a_changed_stage_label_shows_on_every_surface(
    catalog: Catalog,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fresh_page_caches,
) -> None:
    """The "in force" stage is written once (vocab.STAGE_LABEL); the brief, the workbook, the CLI and the Country
    page all read it there."""
    monkeypatch.setitem(vocab.STAGE_LABEL, "in_force", PATCHED)

    # the brief: the history of the Act that came after the date ("passed ... · in force 1 Jul 2026")
    brief = country_brief(catalog, engine, "KOR", "ets185", BEFORE_215_2)
    later = {p.id: p.history for g in brief.gaps for p in g.later}
    assert f"{PATCHED} 1 Jul 2026" in later["kor.cpa.215-2"]

    # the workbook: the Provisions sheet's stage on the date, for law in force then
    rows = _sheet(catalog, engine, "Provisions")
    stage = rows[0].index(f"Stage on {BEFORE_215_2.isoformat()}")
    stages = {r[stage] for r in rows[1:]}
    assert PATCHED in stages and "in force" not in stages

    # the CLI's text: `precedents` says since when a Party's law is in force
    from assessment.cli.commands import main

    assert main(["precedents", "KOR", "--treaty", "ets185", "--as-of", BEFORE_215_2.isoformat(), "--published"]) == 0
    out = capsys.readouterr().out
    assert f", {PATCHED} since " in out and ", in force since " not in out

    # a page: the Country page's Art. 16 card, opened, tells what came since the date
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    at.run()
    at.query_params.update({"iso": "KOR", "treaty": "ets185", "as_of": BEFORE_215_2.isoformat()})
    at.switch_page("app_pages/country.py").run()
    at.session_state["gap_ets185.art16"] = True  # what a click on the card does
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"{PATCHED} 1 Jul 2026" in m.value for m in at.markdown)


# ----------------------------------------------------------------------- Korean titles and names (issue 22)


def test_korean_sources_open_with_the_korean_statute_title(catalog: Catalog, engine: Engine) -> None:
    """Korean outputs open a Korean statute's source with its Korean title, English ones with the English; a
    source whose record carries no Korean title stays as written."""
    when = dt.date(2026, 12, 1)
    ko = _docx_text(brief_docx(country_brief(catalog, engine, "KOR", "ets185", when, "ko")))
    en = _docx_text(brief_docx(country_brief(catalog, engine, "KOR", "ets185", when, "en")))
    assert "형사소송법 (Criminal Procedure Act), consolidated text" in ko
    assert "Criminal Procedure Act (형사소송법), consolidated text" not in ko
    assert "Criminal Procedure Act (형사소송법), consolidated text" in en
    assert "형사소송법 (Criminal Procedure Act)" not in en

    titles_ko = {r[1]: r[2] for r in _sheet(catalog, engine, "출처", "ko", when)[1:]}
    titles_en = {r[1]: r[2] for r in _sheet(catalog, engine, "Sources", "en", when)[1:]}
    assert titles_ko["lawgo-cpa"] == "형사소송법 (Criminal Procedure Act), consolidated text"
    assert titles_en["lawgo-cpa"] == "Criminal Procedure Act (형사소송법), consolidated text"
    assert titles_ko["lawgo-chyp"].startswith("아동ㆍ청소년의 성보호에 관한 법률 (Act on the Protection of Children")
    assert (
        titles_ko["klri-cpa"] == titles_en["klri-cpa"]
    )  # an English translation's own title: no Korean title recorded


def test_korean_workbook_writes_the_extent_of_a_finding_in_korean(catalog: Catalog, engine: Engine) -> None:
    rows = _sheet(catalog, engine, "미비사항", "ko")
    exists = "\n".join(str(r[7]) for r in rows[1:] if r[7])
    assert "(부분)" in exists and "(partial)" not in exists
    rows = _sheet(catalog, engine, "Gaps", "en")
    assert "(partial)" in "\n".join(str(r[7]) for r in rows[1:] if r[7])  # the code, as the Findings column writes it


def test_korean_brief_names_bill_sponsors_in_korean(catalog: Catalog, engine: Engine) -> None:
    korean = catalog  # the shipped Korean overlay names the sponsors (CountryTranslation.sponsors)
    when = dt.date(2024, 12, 1)  # Art. 16 missing, Cho Baesook's bill pending
    ko = _docx_text(brief_docx(country_brief(korean, engine, "KOR", "ets185", when, "ko")))
    en = _docx_text(brief_docx(country_brief(korean, engine, "KOR", "ets185", when, "en")))
    assert "(조배숙 의원(국민의힘) 외 9인, " in ko and "People Power Party" not in ko
    assert "(Cho Baesook (People Power Party) and 9 co-sponsors, " in en and "조배숙" not in en


def test_shipped_korean_overlay_names_every_korean_bill_sponsor(catalog: Catalog) -> None:
    overlay = catalog.country_translations[("KOR", "ko")]
    sponsored = {p.id for p in catalog.countries["KOR"].provisions if p.bill and p.bill.sponsor}
    assert sponsored <= set(overlay.sponsors)


def test_a_sponsor_for_no_bill_is_a_validation_problem(catalog: Catalog) -> None:
    from assessment.validators import Doc, country_translation_keys_exist

    overlay = catalog.country_translations[("KOR", "ko")]
    wrong = overlay.model_copy(update={"sponsors": {**overlay.sponsors, "kor.cpa.215": "누군가"}})
    problems = [str(p) for p in country_translation_keys_exist(Doc("KOR.ko.yaml", wrong), catalog.countries)]
    assert any("kor.cpa.215 is not a bill with a sponsor" in p for p in problems), problems
