"""Positions: others' claims about readiness, compared with the assessment on their own date (issue 20)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
import sys

import pytest

from assessment.catalog import Catalog
from assessment.models import Country, Finding
from assessment.positions import positions
from assessment.scoring import Engine


def _with_positions(cat: Catalog, *items: dict, assessments=None) -> Catalog:
    aaa = cat.countries["AAA"]
    data = aaa.model_dump()
    data["positions"] = list(items)
    if assessments is not None:
        data["assessments"] = assessments
    return dataclasses.replace(cat, countries={"AAA": Country.model_validate(data)})


MINISTRY = {
    "id": "aaa.pos.ministry-2025-01-01",
    "by": "Ministry",
    "date": "2025-01-01",
    "treaty": "tst1",
    "claim": "ready",
    "summary": "Says the law is ready.",
    "source": "gazette",
}


def test_a_ready_claim_differs_on_the_gaps_and_stops_differing_when_the_assessment_changes(
    mini_catalog: Catalog,
) -> None:
    cat = _with_positions(mini_catalog, MINISTRY)
    [view] = positions(cat, Engine.from_catalog(cat), "AAA", "tst1")
    assert view.differs and view.differs_on == ["tst1.art3"]  # on 1 Jan 2025 the bill was not in force
    assert view.differences[0].assessed == "missing"
    # the assessor now finds the long-standing seizure power does the job: the gap closes, the flag follows
    changed = [a.model_dump() for a in cat.countries["AAA"].assessments]
    for a in changed:
        if a["element"] == "tst1.art3.e1":
            a["findings"] = [Finding(provision="aaa.cpa.30", extent="full").model_dump()]
    cat2 = _with_positions(mini_catalog, MINISTRY, assessments=changed)
    [view2] = positions(cat2, Engine.from_catalog(cat2), "AAA", "tst1")
    assert not view2.differs and view2.differs_on == []
    assert "differs" not in cat2.countries["AAA"].positions[0].model_dump()  # computed, never stored


def test_statuses_and_not_ready_claims(mini_catalog: Catalog) -> None:
    claims = [
        {
            **MINISTRY,
            "id": "aaa.pos.a",
            "claim": "statuses",
            "statuses": {"tst1.art3.e1": "in_place", "tst1.art2": "in_place"},
        },
        {**MINISTRY, "id": "aaa.pos.b", "claim": "not_ready", "statuses": {"tst1.art2": "missing"}},
        {**MINISTRY, "id": "aaa.pos.c", "claim": "not_ready", "date": "2026-12-01"},
    ]
    cat = _with_positions(mini_catalog, *claims)
    views = {
        v.position.id: v for v in positions(cat, Engine.from_catalog(cat), "AAA", "tst1", later=dt.date(2026, 12, 6))
    }
    assert views["aaa.pos.a"].differs_on == ["tst1.art3"]  # art2 is in place as claimed; art3.e1 was missing then
    assert views["aaa.pos.a"].later.differs_on == []  # ... and in place today: the claim holds now
    assert views["aaa.pos.b"].differs_on == ["tst1.art2"]  # says art2 is not met, the assessment finds it in place
    assert views["aaa.pos.c"].differs and views["aaa.pos.c"].differs_on == []  # no critical gap on its date


def test_a_position_naming_an_unknown_obligation_is_refused_with_its_place(mini_root) -> None:
    path = mini_root / "data" / "countries" / "AAA.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "positions:\n  - {id: aaa.pos.x, by: X, date: 2025-01-01, treaty: tst1, "
        "claim: statuses, statuses: {tst1.art99: missing}, summary: s, source: gazette}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "assessment", "--root", str(mini_root), "validate"], capture_output=True, text=True
    )
    assert result.returncode == 1 and "positions[0].statuses.tst1.art99" in result.stdout + result.stderr


@pytest.mark.parametrize("as_of", ["2026-12-06", "2025-08-21"])
def test_score_json_carries_koreas_positions_with_the_ministry_differing(tmp_path, as_of: str) -> None:
    env = {"ASSESSMENT_DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite'}"}
    import os

    out = subprocess.run(
        [sys.executable, "-m", "assessment", "score", "KOR", "--treaty", "ets185", "--as-of", as_of, "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["positions"] and all(
        {"id", "by", "date", "claim", "summary", "source", "verified", "differs_on"} <= set(p)
        for p in report["positions"]
    )
    ministry = next((p for p in report["positions"] if p["id"] == "kor.pos.moj-2025-12-12"), None)
    if as_of == "2025-08-21":  # a position said after the date is not known yet on that date
        assert ministry is None and all(p["date"] <= as_of for p in report["positions"])
    else:
        assert ministry["claim"] == "ready" and "ets185.art29" in ministry["differs_on"]
        assert set(ministry["still_differs_on"]) == set(report["critical_gaps"])
