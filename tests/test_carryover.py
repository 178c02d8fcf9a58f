"""The crosswalk view: what Korea's ETS 185 assessment gives it toward the UN Convention (issue 9)."""

from __future__ import annotations

import datetime as dt

from assessment.carryover import carryover_rows
from assessment.catalog import Catalog
from assessment.scoring import Engine

DAY = dt.date(2026, 12, 1)


def test_each_un_element_stands_beside_its_ets185_counterparts(catalog: Catalog, engine: Engine) -> None:
    un = engine.score_country("KOR", "uncc2024", DAY)
    rows = carryover_rows(catalog, un, engine.score_country("KOR", "ets185", DAY))
    assert len(rows) == sum(len(o.elements) for o in catalog.treaty("uncc2024").obligations())
    carried = [r for r in rows if r.how == "carried over"]
    assert len(carried) == len(un.carried) > 0
    ets = dict(
        zip(
            engine.score_country("KOR", "ets185", DAY).elements["id"],
            engine.score_country("KOR", "ets185", DAY).elements["status"].astype(str),
        )
    )
    rank = {"in_place": 3, "partial": 2, "missing": 1, "unknown": 0}
    for r in carried:
        assert r.basis and all(b.startswith("ets185.") for b, _, _ in r.basis)
        assert all(ets[b] == s for b, _, s in r.basis)
        # never stronger than the strongest of its counterparts
        assert rank[r.status] <= max(rank.get(s, 0) for _, _, s in r.basis)
    lonely = [r for r in rows if r.how == "no ETS 185 counterpart"]
    assert lonely and all(r.left == "needs its own assessment" and r.status == "unknown" for r in lonely)
