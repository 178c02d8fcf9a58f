"""What assessing ETS 185 gives a country toward another treaty: each element beside its ETS 185 counterparts,
their statuses, and what is left to assess (the Treaty page's crosswalk view; no streamlit here)."""

from __future__ import annotations

from dataclasses import dataclass

from .catalog import Catalog
from .records import carry_records
from .scoring import CountryScore
from .vocab import Status


@dataclass(frozen=True)
class CarryRow:
    element: str
    article: str
    text: str
    status: str
    how: str  # one of "assessed directly", "carried over", "counterpart not assessed", "no ETS 185 counterpart"
    basis: tuple[tuple[str, str, str], ...]  # (ETS 185 element id, its article, its status)
    left: str  # what is left to assess, in words ("" when nothing)


def carryover_rows(catalog: Catalog, result: CountryScore, basis: CountryScore) -> list[CarryRow]:
    """Rows for every element of `result`'s treaty; `basis` is the same country scored on ETS 185 that day."""
    links: dict[str, list] = {}
    for c in carry_records(catalog):
        links.setdefault(c.element, []).append(c)
    status = dict(zip(result.elements["id"], result.elements["status"].astype(str)))
    basis_status = dict(zip(basis.elements["id"], basis.elements["status"].astype(str)))
    direct = {a.element for a in catalog.country(result.country).assessments if a.findings or a.judgment}
    carried = result.carried
    rows = []
    for o in catalog.treaty(result.treaty).obligations():
        for e in o.elements:
            counterparts = tuple(dict.fromkeys(b for c in links.get(e.id, []) for b in c.basis))
            shown = tuple(
                (
                    b,
                    catalog.obligations[catalog.obligation_of_element[b]].article,
                    basis_status.get(b, Status.unknown.value),
                )
                for b in counterparts
            )
            s = status.get(e.id, Status.unknown.value)
            if e.id in direct:
                how, left = "assessed directly", ""
            elif e.id in carried:
                how = "carried over"
                left = "the part ETS 185 does not cover" if carried[e.id][1] else ""
            elif counterparts:
                how, left = "counterpart not assessed", "assess the ETS 185 counterpart, or this element directly"
            else:
                how, left = "no ETS 185 counterpart", "needs its own assessment"
            rows.append(CarryRow(e.id, o.article, e.text, s, how, shown, left))
    return rows
