"""The scoring formula on a small hand-checked catalog, and agreement with the plain-Python oracle."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from assessment import scoring_reference as reference
from assessment.catalog import Catalog
from assessment.records import records_from_catalog
from assessment.scoring import Engine
from assessment.synthetic import synthetic_records

MINI = Path(__file__).parent / "data" / "mini"
BEFORE_BILL = dt.date(2025, 8, 21)  # the bill was introduced 2024-11-07, passed 2025-12-12, in force 2026-06-01
PASSED_NOT_IN_FORCE = dt.date(2026, 1, 15)
IN_FORCE = dt.date(2026, 7, 1)


@pytest.fixture(scope="module")
def mini(mini_catalog: Catalog) -> Engine:
    return Engine.from_catalog(mini_catalog)


def statuses(result) -> dict[str, str]:
    return dict(zip(result.elements["id"], result.elements["status"].astype(str)))


def test_law_in_force_counts_bill_does_not(mini: Engine) -> None:
    r = mini.score_country("AAA", "tst1", BEFORE_BILL)
    s = statuses(r)
    assert s["tst1.art2.e1"] == "in_place"  # in force since 2000
    assert s["tst1.art2.e2"] == "reserved"  # judgment under an allowed declaration
    assert s["tst1.art3.e1"] == "missing"  # cited provisions are a bill and a lapsed bill
    assert s["tst1.art4.1a.e1"] == "partial"
    assert s["tst1.art4.1b.e1"] == "unknown"  # never assessed
    # art2 = 1 (w1), art3 = 0 (w2), art4.1a = .5, art4.1b = 0, art5 = 0  ->  1.5 / 6
    assert r.score == pytest.approx(1.5 / 6)
    # 7 scored (non-optional) elements, 2 unknown
    assert r.coverage == pytest.approx(5 / 7)
    assert r.critical_gaps == ["tst1.art3"]
    assert r.gap_bills() == {"tst1.art3": ["aaa.cpa.bill"]}


def test_passed_but_not_in_force_is_still_missing(mini: Engine) -> None:
    r = mini.score_country("AAA", "tst1", PASSED_NOT_IN_FORCE)
    assert statuses(r)["tst1.art3.e1"] == "missing"
    assert "tst1.art3" in r.critical_gaps


def test_in_force_law_closes_the_gap(mini: Engine) -> None:
    r = mini.score_country("AAA", "tst1", IN_FORCE)
    s = statuses(r)
    assert s["tst1.art3.e1"] == "in_place" and s["tst1.art3.e2"] == "partial"
    # art3 = (1*1 + .5*3) / 4 = .625, weight 2  ->  (1 + 1.25 + .5) / 6
    assert r.score == pytest.approx(2.75 / 6)
    assert r.critical_gaps == []


def test_with_bills_is_a_projection_not_the_score(mini: Engine) -> None:
    now = mini.score_country("AAA", "tst1", BEFORE_BILL)
    projected = mini.score_country("AAA", "tst1", BEFORE_BILL, with_bills=True)
    assert projected.score == pytest.approx(2.75 / 6)
    assert now.score == pytest.approx(1.5 / 6)  # unchanged by asking for the projection


def test_bill_not_yet_introduced_is_not_projected(mini: Engine) -> None:
    r = mini.score_country("AAA", "tst1", dt.date(2023, 6, 1), with_bills=True)
    s = statuses(r)
    assert s["tst1.art3.e1"] == "partial"  # only the earlier (then alive) bill, which is partial
    assert s["tst1.art3.e2"] == "missing"


def test_lapsed_bill_is_not_projected(mini: Engine) -> None:
    r = mini.score_country("AAA", "tst1", dt.date(2024, 6, 1), with_bills=True)
    assert statuses(r)["tst1.art3.e1"] == "missing"
    assert mini.score_country("AAA", "tst1", dt.date(2024, 6, 1)).gap_bills() == {"tst1.art3": []}


def test_repealed_provision_stops_counting(mini: Engine) -> None:
    assert statuses(mini.score_country("AAA", "tst1", dt.date(2029, 12, 31)))["tst1.art4.1a.e1"] == "partial"
    assert statuses(mini.score_country("AAA", "tst1", dt.date(2030, 1, 1)))["tst1.art4.1a.e1"] == "missing"


def test_optional_element_is_shown_but_not_scored(mini: Engine) -> None:
    r = mini.score_country("AAA", "tst1", BEFORE_BILL)
    assert statuses(r)["tst1.art3.e3"] == "missing"
    obligations = r.obligations.set_index("id")
    assert obligations.loc["tst1.art3", "score"] == 0.0


def test_chapter_and_section_rollups(mini: Engine) -> None:
    r = mini.score_country("AAA", "tst1", IN_FORCE)
    chapters = r.chapters.set_index("id")["score"]
    assert chapters["tst1.ch1"] == pytest.approx(1.0)
    # ch2: art3 .625 (w2), art4.1a .5, art4.1b 0, art5 0  ->  1.75 / 5
    assert chapters["tst1.ch2"] == pytest.approx(1.75 / 5)
    sections = r.sections.set_index("id")["score"]
    assert sections["tst1.ch2.s2"] == pytest.approx(0.5 / 3)
    articles = r.articles.set_index("id")["score"]
    assert articles["4"] == pytest.approx(0.25)  # two split obligations of weight 1


def test_obligation_status_when_all_reserved() -> None:
    from assessment.catalog import load_catalog
    from assessment.models import Status, Treaty
    from assessment.records import ElementRecord, EvidenceRecords

    treaties = list(load_catalog(MINI).treaties.values())
    records = EvidenceRecords(
        countries=["BBB"], elements=[ElementRecord("BBB", "tst1.art4.1b.e1", Status.reserved, ())]
    )
    r = Engine.from_records(treaties, records).score_country("BBB", "tst1", IN_FORCE)
    obligations = r.obligations.set_index("id")
    assert obligations.loc["tst1.art4.1b", "status"] == "reserved"
    assert np.isnan(obligations.loc["tst1.art4.1b", "score"])
    assert isinstance(treaties[0], Treaty)


def test_unknown_country_and_treaty_are_clear_errors(mini: Engine) -> None:
    with pytest.raises(KeyError, match="no assessment data for 'ZZZ'"):
        mini.score_country("ZZZ", "tst1", IN_FORCE)
    with pytest.raises(KeyError, match="unknown treaty 'nope'"):
        mini.score_country("AAA", "nope", IN_FORCE)


def _assert_same(engine: Engine, treaties, records, when: dt.date, with_bills: bool) -> int:
    ours = engine.score_all(when, with_bills)
    oracle = reference.score_all(treaties, records, when, with_bills)
    checked = 0
    for row in ours.treaties.itertuples():
        expected = oracle[(row.country, row.treaty)]
        if expected.score is None:
            assert np.isnan(row.score)
        else:
            assert row.score == pytest.approx(expected.score, abs=1e-12), (row.country, row.treaty)
        assert row.coverage == pytest.approx(expected.coverage, abs=1e-12)
        assert row.critical_gaps == sum(o.critical for o in expected.obligations.values())
        checked += 1
    for treaty in engine.structure.treaty_obligations:
        for row in ours.obligations(treaty).itertuples():
            expected = oracle[(row.country, treaty)].obligations[row.obligation]
            assert (row.status, bool(row.critical)) == (expected.status, expected.critical), (
                row.country,
                row.obligation,
            )
            if expected.score is None:
                assert np.isnan(row.score)
            else:
                assert row.score == pytest.approx(expected.score, abs=1e-12)
            checked += 1
    return checked


@pytest.mark.parametrize("with_bills", [False, True])
@pytest.mark.parametrize("when", [dt.date(2004, 1, 1), dt.date(2010, 6, 30), dt.date(2025, 8, 21)])
def test_agrees_with_reference_on_random_data(catalog: Catalog, with_bills: bool, when: dt.date) -> None:
    from assessment.records import carry_records

    treaties = list(catalog.treaties.values())
    records = synthetic_records(treaties, 25, seed=when.toordinal(), carries=carry_records(catalog))
    engine = Engine.from_records(treaties, records)
    assert _assert_same(engine, treaties, records, when, with_bills) > 25
    carried = engine.score_country(records.countries[0], "uncc2024", when).carried
    assert carried, "the random data must exercise the carry-over"


@pytest.mark.parametrize("with_bills", [False, True])
@pytest.mark.parametrize("when", [dt.date(2025, 8, 21), dt.date(2026, 11, 23)])
def test_agrees_with_reference_on_shipped_data(
    catalog: Catalog, engine: Engine, with_bills: bool, when: dt.date
) -> None:
    treaties = list(catalog.treaties.values())
    assert _assert_same(engine, treaties, records_from_catalog(catalog), when, with_bills) > 0


def test_one_country_equals_its_row_in_all(catalog: Catalog, engine: Engine) -> None:
    when = dt.date(2026, 1, 1)
    table = engine.score_all(when).treaties.set_index(["country", "treaty"])
    for iso3 in catalog.countries:
        for treaty in catalog.treaties:
            one = engine.score_country(iso3, treaty, when)
            expected = table.loc[(iso3, treaty), "score"]
            assert (one.score is None and np.isnan(expected)) or one.score == pytest.approx(expected)
