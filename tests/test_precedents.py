"""Precedents (외국 입법례): who meets an element, with which law, ranked (issue 20)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import random

import pytest

from assessment.catalog import Catalog
from assessment.models import Country, LegalSystem
from assessment.precedents import (
    Precedent,
    PrecedentProvision,
    gap_elements,
    legal_distance,
    precedents,
    precedents_json,
    rank,
)
from assessment.scoring import Engine

TODAY = dt.date(2026, 12, 6)
FAMILIES = [None, "civil", "common", "mixed"]


def _oracle_better(a: Precedent, b: Precedent, mine: LegalSystem | None) -> int:
    """The ranking written as the rules read, one rule at a time: -1 when a comes first."""
    if a.status != b.status:
        return -1 if a.status == "in_place" else 1
    if a.verified != b.verified:
        return -1 if a.verified else 1
    distance = {None: 2}
    for fam in ("civil", "common", "mixed"):
        theirs = LegalSystem(fam)
        if mine is None:
            distance[fam] = 2
        elif theirs == mine:
            distance[fam] = 0
        elif "mixed" in (fam, mine.value):
            distance[fam] = 1
        else:
            distance[fam] = 2
    if distance[a.legal_system] != distance[b.legal_system]:
        return -1 if distance[a.legal_system] < distance[b.legal_system] else 1
    la, lb = a.latest or dt.date.min, b.latest or dt.date.min
    if la != lb:
        return -1 if la > lb else 1
    return -1 if a.country < b.country else (1 if a.country > b.country else 0)


def _random_precedent(rng: random.Random, code: str) -> Precedent:
    provisions = tuple(
        PrecedentProvision(
            f"{code.lower()}.p{i}",
            "Act",
            str(i),
            f"Act, Art. {i}",
            "s",
            rng.choice([None, dt.date(1990, 1, 1) + dt.timedelta(days=rng.randint(0, 12000))]),
            None,
            rng.random() < 0.5,
        )
        for i in range(rng.randint(1, 3))
    )
    return Precedent(
        code, code, rng.choice(["in_place", "partial"]), rng.random() < 0.5, rng.choice(FAMILIES), provisions
    )


def test_the_ranking_agrees_with_an_oracle_written_rule_by_rule() -> None:
    rng = random.Random(20)
    for _ in range(300):
        found = [_random_precedent(rng, f"C{i:02d}") for i in range(rng.randint(0, 9))]
        mine = rng.choice([None, *LegalSystem])
        expected = sorted(found, key=functools.cmp_to_key(functools.partial(_oracle_better, mine=mine)))
        assert [p.country for p in rank(found, mine)] == [p.country for p in expected]


def test_legal_distance() -> None:
    assert legal_distance(LegalSystem.civil, LegalSystem.civil) == 0
    assert legal_distance(LegalSystem.civil, LegalSystem.mixed) == 1
    assert legal_distance(LegalSystem.civil, LegalSystem.common) == 2
    assert legal_distance(None, LegalSystem.civil) == 2


def _country(
    mini: Country,
    iso3: str,
    family: str | None,
    extent: str,
    in_force: str,
    verified: bool,
    dates_verified: bool = True,
) -> Country:
    """A synthetic Party meeting tst1.art3.e1 with one provision in force from `in_force`."""
    data = {
        "iso3": iso3,
        "name": f"Land {iso3}",
        "researched": "2026-01-01",
        "sources": [{"id": "gazette", "title": "Gazette", "url": "https://example.org/g", "kind": "primary"}],
        "provisions": [
            {
                "id": f"{iso3.lower()}.cpa.1",
                "statute": f"Procedure Act of {iso3}",
                "article": "1",
                "summary": f"{iso3} preserves data.",
                "source": "gazette",
                "verified": True,
                "lifecycle": {
                    "in_force": in_force,
                    "dates_verified": dates_verified,
                    "enacted_by": f"Act 1 of {in_force[:4]}",
                },
            }
        ],
        "assessments": [
            {
                "element": "tst1.art3.e1",
                "findings": [{"provision": f"{iso3.lower()}.cpa.1", "extent": extent, "verified": verified}],
            }
        ],
    }
    if family:
        data["legal_system"] = {"family": family, "source": "gazette"}
    return Country.model_validate(data)


@pytest.fixture
def parties(mini_catalog: Catalog) -> Catalog:
    aaa = mini_catalog.countries["AAA"].model_copy(update={"legal_system": None})
    aaa = Country.model_validate({**aaa.model_dump(), "legal_system": {"family": "civil", "source": "gazette"}})
    countries = {
        "AAA": aaa,
        "BBB": _country(aaa, "BBB", "common", "full", "2010-01-01", True),
        "CCC": _country(aaa, "CCC", "civil", "full", "2005-01-01", True),
        "DDD": _country(aaa, "DDD", "civil", "full", "2020-01-01", False),  # in place, not verified
        "EEE": _country(aaa, "EEE", "civil", "partial", "2021-01-01", True),
        "FFF": _country(aaa, "FFF", "civil", "full", "2027-01-01", True),  # not in force yet: no precedent
    }
    return dataclasses.replace(mini_catalog, countries=countries)


def test_precedents_list_parties_whose_law_in_force_meets_the_element_ranked(parties: Catalog) -> None:
    engine = Engine.from_catalog(parties)
    [element] = precedents(parties, engine, "AAA", "tst1", ["tst1.art3.e1"], TODAY)
    assert element.status == "in_place"  # AAA's own bill is in force by now
    order = [(p.country, p.status, p.verified) for p in element.precedents]
    # verified in place first (same family before the other), then unverified in place, then partial
    assert order == [
        ("CCC", "in_place", True),
        ("BBB", "in_place", True),
        ("DDD", "in_place", False),
        ("EEE", "partial", True),
    ]
    ccc = element.precedents[0]
    assert ccc.legal_system == "civil" and ccc.name == "Land CCC"
    [provision] = ccc.provisions
    assert (provision.statute, provision.article, provision.in_force, provision.introduced_by) == (
        "Procedure Act of CCC",
        "1",
        dt.date(2005, 1, 1),
        "Act 1 of 2005",
    )
    # as of 2015 only the law then in force counts, and AAA's element was still missing
    [then] = precedents(parties, engine, "AAA", "tst1", ["tst1.art3.e1"], dt.date(2015, 1, 1))
    assert then.status == "missing" and [p.country for p in then.precedents] == ["CCC", "BBB"]


def test_precedents_json_shape_and_gaps_default(parties: Catalog) -> None:
    engine = Engine.from_catalog(parties)
    report = precedents_json(parties, engine, "AAA", "tst1", None, dt.date(2025, 1, 1))
    assert set(report) == {"country", "treaty", "as_of", "elements"}
    assert [e["id"] for e in report["elements"]] == gap_elements(
        parties, engine.score_country("AAA", "tst1", dt.date(2025, 1, 1))
    )
    assert report["elements"] and report["elements"][0]["id"] == "tst1.art3.e1"
    first = report["elements"][0]["precedents"][0]
    assert set(first) == {"country", "name", "status", "verified", "legal_system", "provisions"}
    assert set(first["provisions"][0]) == {"id", "statute", "article", "summary", "in_force", "introduced_by"}


def test_korea_art29_precedents_are_parties_whose_verified_law_meets_it(catalog: Catalog) -> None:
    engine = Engine.from_catalog(catalog)
    [element] = precedents(catalog, engine, "KOR", "ets185", ["ets185.art29.e1"], TODAY)
    assert element.status in ("missing", "partial", "unknown")
    for p in element.precedents:
        status = dict(
            zip(
                *(lambda s: (s.elements["id"], s.elements["status"].astype(str)))(
                    engine.score_country(p.country, "ets185", TODAY)
                )
            )
        )
        assert status["ets185.art29.e1"] == p.status and p.status in ("in_place", "partial")
        assert p.provisions and all(pr.in_force is None or pr.in_force <= TODAY for pr in p.provisions)
        assert p.verified == engine.score_country(p.country, "ets185", TODAY).element_detail()["ets185.art29.e1"][2]
    verified = [p for p in element.precedents if p.verified]
    assert len(verified) >= 2, "fewer than two Parties with verified law for Art. 29(1)"
    statuses = [p.status for p in element.precedents]
    assert statuses == sorted(statuses, key=["in_place", "partial"].index)


def test_a_workbook_reads_each_countrys_statuses_once_however_many_countries_it_holds(
    catalog: Catalog, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Precedents sheet read every other country's statuses again for each country in the workbook: 200
    synthetic countries did not finish in 40 minutes. One shared Reader reads each country once."""
    import assessment.precedents as module
    from assessment.excel.remedies import precedents_table

    reads: list[str] = []
    real = module._element_facts
    monkeypatch.setattr(module, "_element_facts", lambda e, iso3, *a: reads.append(iso3) or real(e, iso3, *a))
    table = precedents_table(catalog, engine, sorted(catalog.countries), "ets185", dt.date(2026, 12, 6), "en")
    assert table.rows, "the shipped countries have gaps that other Parties meet"
    assert sorted(reads) == sorted(catalog.countries)  # once each, not once per pair
