"""Who says otherwise: others' sourced statements about a country's readiness, each compared with this
assessment on the statement's own date.

Whether a position differs is computed here every time from the scorer, never stored, so an edit to the
assessment (or a bill coming into force) changes it at once:
- `ready` (the whole treaty): differs on every critical gap the assessment finds on that date;
- `not_ready`: differs on each obligation it names that the assessment finds in place; naming none, it differs
  only when the assessment finds no critical gap at all;
- `statuses`: differs on each listed obligation or element whose assessed status on that date is another.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .catalog import Catalog
from .models import Country, Position, PositionClaim
from .scoring import CountryScore, Engine
from .vocab import Status


@dataclass(frozen=True)
class Difference:
    obligation: str
    article: str  # the obligation's article as printed, e.g. '24(7)'
    kind: str  # the obligation's kind (criminalise, empower, cooperate, designate, ...)
    claimed: str | None  # the status the position gives it (None: implied by 'ready' / 'not_ready')
    assessed: str  # the assessment's status of it on the position's date
    reasons: tuple[str, ...]  # the judgments' reasons behind the assessment, where an assessor wrote one


@dataclass(frozen=True)
class PositionView:
    position: Position
    differences: tuple[Difference, ...]
    differs: bool
    #: the same claim against the assessment on a later date (today, or the page's date): what still differs
    later: PositionView | None = None
    later_date: dt.date | None = None

    @property
    def differs_on(self) -> list[str]:
        return [d.obligation for d in self.differences]

    def to_json(self, catalog: Catalog, iso3: str) -> dict:
        p = self.position
        source = next((s for s in catalog.countries[iso3].sources if s.id == p.source), None)
        return {
            "id": p.id,
            "by": p.by,
            "date": p.date.isoformat(),
            "treaty": p.treaty,
            "claim": p.claim.value,
            "statuses": {k: v.value for k, v in p.statuses.items()},
            "summary": p.summary,
            "source": {
                "id": p.source,
                "title": source.title if source else None,
                "url": source.url if source else None,
            },
            "verified": p.verified,
            "differs": self.differs,
            "differs_on": self.differs_on,
            "still_differs_on": self.later.differs_on if self.later is not None else None,
            "still_as_of": self.later_date.isoformat() if self.later_date else None,
        }


def _reasons(country: Country, catalog: Catalog, obligation: str, element_status: dict[str, str]) -> tuple[str, ...]:
    """The reasons assessors wrote for the obligation's open elements (judgments), in element order."""
    by_element = {a.element: a for a in country.assessments}
    out = []
    for e in catalog.obligations[obligation].elements:
        a = by_element.get(e.id)
        open_judgment = a is not None and a.judgment is not None and element_status.get(e.id) != Status.in_place.value
        if open_judgment and a.judgment.reason not in out:
            out.append(a.judgment.reason)
    return tuple(out)


def compare(catalog: Catalog, country: Country, position: Position, result: CountryScore) -> PositionView:
    """One position against the assessment scored on its date (`result`)."""
    obligation_status = dict(zip(result.obligations["id"], result.obligations["status"].astype(str)))
    element_status = dict(zip(result.elements["id"], result.elements["status"].astype(str)))
    differences: dict[str, Difference] = {}

    def add(obligation: str, claimed: str | None, assessed: str) -> None:
        if obligation not in differences:
            o = catalog.obligations[obligation]
            differences[obligation] = Difference(
                obligation,
                o.article,
                o.kind.value,
                claimed,
                assessed,
                _reasons(country, catalog, obligation, element_status),
            )

    if position.claim is PositionClaim.ready:
        for gap in result.critical_gaps:
            add(gap, None, obligation_status[gap])
        return PositionView(position, tuple(differences.values()), bool(differences))
    for key, claimed in position.statuses.items():
        obligation = catalog.obligation_of_element.get(key, key)
        assessed = (
            element_status.get(key)
            if key in element_status
            else obligation_status.get(obligation, Status.unknown.value)
        )
        if position.claim is PositionClaim.not_ready:
            if assessed == Status.in_place.value:
                add(obligation, claimed.value, assessed)
        elif assessed != claimed.value:
            add(obligation, claimed.value, assessed)
    differs = bool(differences)
    if position.claim is PositionClaim.not_ready and not position.statuses:
        differs = not result.critical_gaps
    return PositionView(position, tuple(differences.values()), differs)


def positions(
    catalog: Catalog, engine: Engine, iso3: str, treaty: str | None = None, later: dt.date | None = None
) -> list[PositionView]:
    """Every position on the country (for one treaty, or all) said on or before `later` (default: all), oldest
    first, each compared on its own date and, with `later`, once more on that date."""
    country = catalog.countries[iso3.upper()]
    wanted = [
        p for p in country.positions if (treaty is None or p.treaty == treaty) and (later is None or p.date <= later)
    ]
    scores: dict[tuple[str, dt.date], CountryScore] = {}

    def scored(treaty_id: str, when: dt.date) -> CountryScore:
        if (treaty_id, when) not in scores:
            scores[(treaty_id, when)] = engine.score_country(country.iso3, treaty_id, when)
        return scores[(treaty_id, when)]

    out = []
    for p in sorted(wanted, key=lambda p: (p.date, p.id)):
        view = compare(catalog, country, p, scored(p.treaty, p.date))
        if later is not None and later != p.date:
            view = PositionView(
                p, view.differences, view.differs, compare(catalog, country, p, scored(p.treaty, later)), later
            )
        out.append(view)
    return out


def positions_json(
    catalog: Catalog, engine: Engine, iso3: str, treaty: str, later: dt.date | None = None
) -> list[dict]:
    """`score --json`'s positions: [{"id", "by", "date", "claim", "summary", "source", "verified", "differs_on",
    ...}]; `still_differs_on` compares the same claim with the assessment on `later` (the score's date)."""
    return [v.to_json(catalog, iso3.upper()) for v in positions(catalog, engine, iso3, treaty, later)]
