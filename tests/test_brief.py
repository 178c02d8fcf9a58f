"""assessment.brief: the sourced facts behind the Country and Brief pages, the plain-language brief and its PDF."""

from __future__ import annotations

import datetime as dt

import pytest

from assessment import brief as brief_module
from assessment.brief import (
    brief_pdf,
    brief_sections,
    country_brief,
    gap_facts,
    history_text,
    obligation_elements,
    stage_text,
    timeline_facts,
)
from assessment.catalog import Catalog
from assessment.models import Lifecycle, Stage
from assessment.scoring import Engine
from assessment.vocab import day

BEFORE_BILL = dt.date(2025, 8, 21)  # mini: the bill was introduced 2024-11-07, passed 2025-12-12, in force 2026-06-01
KOREA_THEN = dt.date(2025, 8, 21)


@pytest.fixture(scope="module")
def mini(mini_catalog: Catalog) -> Engine:
    return Engine.from_catalog(mini_catalog)


def test_dates_and_stages_in_plain_words() -> None:
    lc = Lifecycle(introduced=dt.date(2024, 11, 7), passed=dt.date(2025, 12, 12), in_force=dt.date(2026, 6, 1))
    assert day(dt.date(2025, 12, 12)) == "12 Dec 2025"
    assert stage_text(lc, dt.date(2024, 1, 1)).startswith("not yet introduced on 1 Jan 2024")
    assert stage_text(lc, BEFORE_BILL) == "bill introduced 7 Nov 2024"
    assert stage_text(lc, dt.date(2026, 1, 15)) == "passed 12 Dec 2025, not yet in force"
    assert stage_text(lc, dt.date(2026, 7, 1)) == "in force since 1 Jun 2026"
    assert (
        stage_text(Lifecycle(introduced=dt.date(2023, 1, 10), lapsed=dt.date(2024, 5, 29)), BEFORE_BILL)
        == "lapsed 29 May 2024"
    )
    assert history_text(lc) == "introduced 7 Nov 2024 · passed 12 Dec 2025 · in force 1 Jun 2026"


def test_gap_names_element_missing_provision_and_the_bill_with_its_stage(mini: Engine, mini_catalog: Catalog) -> None:
    result = mini.score_country("AAA", "tst1", BEFORE_BILL)
    gaps = gap_facts(mini_catalog, result)
    assert [g.obligation for g in gaps] == result.critical_gaps == ["tst1.art3"]
    gap = gaps[0]
    assert gap.elements[0].id == "tst1.art3.e1" and gap.elements[0].core  # core elements first
    assert [b.id for b in gap.bills] == result.gap_bills()["tst1.art3"] == ["aaa.cpa.bill"]
    bill = gap.bills[0]
    assert bill.stage is Stage.introduced and bill.is_bill and not bill.in_force
    assert bill.sponsor == "A. Member" and "bill no. not found" in bill.bill_label
    assert gap.in_force == []
    assert [p.id for p in gap.ended] == ["aaa.cpa.old-bill"]  # the lapsed earlier bill is told, not counted
    assert bill.source.url == "https://example.org/gazette"


def test_when_the_law_is_in_force_the_gap_is_gone(mini: Engine, mini_catalog: Catalog) -> None:
    result = mini.score_country("AAA", "tst1", dt.date(2026, 7, 1))
    assert gap_facts(mini_catalog, result) == []
    facts = {e.id: e for e in obligation_elements(mini_catalog, result, "tst1.art3")}
    assert facts["tst1.art3.e1"].status == "in_place"
    assert [p.citation for p in facts["tst1.art3.e1"].in_force] == [
        "Criminal Procedure Act (amendment bill), Art. 20-2"
    ]


def test_judgments_carry_their_reason_and_source(mini: Engine, mini_catalog: Catalog) -> None:
    facts = {
        e.id: e for e in obligation_elements(mini_catalog, mini.score_country("AAA", "tst1", BEFORE_BILL), "tst1.art2")
    }
    reserved = facts["tst1.art2.e2"]
    assert reserved.status == "reserved" and reserved.judgment == "Declared intent requirement."
    assert reserved.judgment_source is not None and reserved.judgment_source.title == "Testland Gazette"
    assert facts["tst1.art2.e1"].status == "in_place"


# --------------------------------------------------------------------------------------------- Korea


@pytest.fixture(scope="module")
def korea_then(catalog: Catalog, engine: Engine):
    return country_brief(catalog, engine, "KOR", "ets185", KOREA_THEN)


def test_korea_brief_agrees_with_the_engine(catalog: Catalog, engine: Engine, korea_then) -> None:
    now = engine.score_country("KOR", "ets185", KOREA_THEN)
    assert korea_then.score == pytest.approx(now.score)
    assert korea_then.score_with_bills == pytest.approx(engine.score_country("KOR", "ets185", KOREA_THEN, True).score)
    assert korea_then.coverage == pytest.approx(now.coverage)
    assert [g.obligation for g in korea_then.gaps] == now.critical_gaps
    for g in korea_then.gaps:
        assert [b.id for b in g.bills] == now.gap_bills()[g.obligation]


def test_korea_preservation_gap_in_august_2025_names_the_criminal_procedure_bill(
    catalog: Catalog, engine: Engine, korea_then
) -> None:
    assert "ets185.art16" in engine.score_country("KOR", "ets185", KOREA_THEN).critical_gaps  # what the data says
    art16 = next(g for g in korea_then.gaps if g.obligation == "ets185.art16")
    assert art16.bills, "the data names a pending bill for the Art. 16 gap on this date"
    for bill in art16.bills:
        assert "Criminal Procedure Act" in bill.citation
        assert bill.is_bill and bill.stage in (Stage.introduced, Stage.passed, Stage.promulgated)
        assert bill.source.url and bill.source.url.startswith("http")
    # Everything that happened to the cited law after the date is told as "since then": the data cites law
    # (the amendment passed in Dec 2025) whose first step comes after the date.
    assert art16.later, "the data cites provisions for Art. 16 whose first step is after the date"
    kor = {p.id: p for p in catalog.country("KOR").provisions}
    for p in art16.later:
        lc = kor[p.id].lifecycle
        first = min(d for d in (lc.introduced, lc.passed, lc.promulgated, lc.in_force) if d is not None)
        assert p.stage is Stage.not_yet and first > KOREA_THEN


def test_every_fact_carries_the_source_and_verified_mark_of_the_data(korea_then, catalog: Catalog) -> None:
    """Each cited provision shows the title of the source its finding names (or the provision's) and the
    finding's own verified mark; events show their source's title and their own mark."""
    kor = catalog.country("KOR")
    titles = {s.id: s.title for s in kor.sources}
    provisions = {p.id: p for p in kor.provisions}
    findings = {(a.element, f.provision): f for a in kor.assessments for f in a.findings}
    checked = 0
    for g in korea_then.gaps:
        for e in g.elements:
            for p in e.provisions:
                f = findings[(e.id, p.id)]
                assert p.source.title == titles[f.source or provisions[p.id].source]
                assert p.source.verified is f.verified
                checked += 1
    assert checked > 0
    events = {(ev.date, ev.title): ev for ev in kor.events}
    for e in korea_then.events:
        ev = events.get((e.date, e.title))
        if ev is not None:  # an accession step (law changes are told from provisions)
            assert e.source.title == titles[ev.source] and e.source.verified is ev.verified
    assert korea_then.hooks == [] or all(h.source.title for h in korea_then.hooks)


def test_korea_timeline_orders_steps_and_marks_later_ones(catalog: Catalog, korea_then) -> None:
    events = timeline_facts(catalog, "KOR", "ets185", KOREA_THEN)
    assert events == korea_then.events
    dates = [e.date for e in events]
    assert dates == sorted(dates)
    assert all(e.later == (e.date > KOREA_THEN) for e in events)
    kinds = {e.kind for e in events}
    assert kinds & {"invitation", "letter_of_intent"}, "accession steps are on the timeline"
    assert kinds & {"bill_introduced", "law_passed", "law_promulgated", "law_in_force"}, (
        "law changes are on the timeline"
    )


def test_brief_sections_say_where_what_which_and_next(korea_then) -> None:
    sections = dict(brief_sections(korea_then))
    assert list(sections)[:6] == [
        "Where it stands",
        "What is missing",
        "Which bill fixes it",
        "What changed",
        "Other views",
        "What happens next",
    ]
    assert list(sections)[6].startswith("Since then, down to ")  # a brief for a past date tells every later step
    stands = " ".join(line.text for line in sections["Where it stands"])
    assert "Republic of Korea" in stands and korea_then.score is not None and f"{korea_then.score * 100:.0f}%" in stands
    leads = [line.lead for line in sections["What is missing"]]
    assert any(lead.startswith("Art. 16 ") for lead in leads)
    fixes = [line for line in sections["Which bill fixes it"] if line.lead == "Art. 16"]
    assert fixes and all("Criminal Procedure Act" in line.text for line in fixes)
    assert all(line.sources for line in fixes)


def test_missing_designations_are_described_as_designations_not_as_law(korea_then) -> None:
    lines = {line.lead: line.text for line in dict(brief_sections(korea_then))["What is missing"]}
    designations = [g for g in korea_then.gaps if g.kind == "designate" and not g.in_force]
    assert designations, "Korea, not yet a Party, has designations still to make"
    for g in designations:
        text = lines[f"Art. {g.article} {g.title}"]
        assert "designated" in text and "No law in force" not in text


def test_pdf_is_a_real_pdf_with_a_fallback_font(korea_then, monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = brief_pdf(korea_then)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    # a machine without any font file: core Helvetica, ASCII symbols (an English brief only)
    monkeypatch.setattr(brief_module, "find_pdf_fonts", lambda: None)
    monkeypatch.setattr(brief_module, "_SYMBOL_FONT", brief_module.Path("/nonexistent/DejaVuSans.ttf"))
    with pytest.raises(brief_module.NoFontError) as refused:  # Korea's sources are Korean: never dropped silently
        brief_pdf(korea_then)
    assert "형" in refused.value.missing
    import dataclasses

    latin = dataclasses.replace(korea_then, gaps=[], events=[], hooks=[], register_source=None)
    plain = brief_pdf(latin)
    assert plain.startswith(b"%PDF-") and b"Helvetica" in plain


def test_a_treaty_with_nothing_assessed_says_so_in_brief_and_workbook(engine, catalog) -> None:
    """Korea has no finding for ETS 189 and no crosswalk reaches it: 'not assessed', never 0% (issue 9)."""
    import datetime as dt

    from assessment.brief import brief_sections, country_brief

    b = country_brief(catalog, engine, "KOR", "ets189", dt.date(2026, 12, 1))
    assert b.score is None
    text = " ".join(line.text for _, lines in brief_sections(b) for line in lines)
    assert "Nothing has been assessed yet" in text and " 0%" not in text


def test_a_country_missing_from_the_register_is_not_called_a_non_party(engine, catalog) -> None:
    """The UN register holds no entry for Korea (not settled): the brief says so instead of 'not a Party'."""
    import datetime as dt

    from assessment.brief import brief_sections, country_brief

    assert "KOR" not in {e.iso3 for e in catalog.registers["uncc2024"].entries}
    b = country_brief(catalog, engine, "KOR", "uncc2024", dt.date(2026, 12, 1))
    text = " ".join(line.text for _, lines in brief_sections(b) for line in lines)
    assert "is not recorded" in text and "is not a Party" not in text
