"""The scoring formula written as plain Python loops, straight from the docstring of `assessment.scoring`.

It exists for two jobs: a test oracle (both scorers must agree on shipped and random data) and the
baseline of `bench/run.py --only scoring`. It reads the same prebuilt records as the vectorised scorer.
Keep it naive and obviously right; never optimise it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .models import Status, Treaty
from .records import EvidenceRecords, ProvisionRecord
from .vocab import STATUS_POINTS

#: Statuses that leave the denominator.
NOT_COUNTED = (Status.not_applicable, Status.reserved)


@dataclass
class ObligationResult:
    status: Status
    score: float | None
    critical: bool


@dataclass
class TreatyResult:
    score: float | None
    coverage: float | None
    obligations: dict[str, ObligationResult]
    elements: dict[str, Status]


def _counts(p: ProvisionRecord, when: dt.date, with_bills: bool) -> bool:
    if p.repealed is not None and p.repealed <= when:
        return False
    if with_bills:
        if p.lapsed is not None and p.lapsed <= when:
            return False
        return p.start is not None and p.start <= when
    return p.in_force is not None and p.in_force <= when


def score_all(
    treaties: list[Treaty], records: EvidenceRecords, when: dt.date, with_bills: bool = False
) -> dict[tuple[str, str], TreatyResult]:
    """(country, treaty) -> result, for every country in the records and every treaty."""
    provisions = {p.key: p for p in records.provisions}
    by_cell = {(r.country, r.element): r for r in records.elements}
    carries: dict[str, list] = {}
    for c in records.carries:
        carries.setdefault(c.element, []).append(c)
    out = {}
    for country in records.countries:
        for treaty in treaties:
            out[(country, treaty.id)] = _score_treaty(treaty, country, by_cell, provisions, when, with_bills, carries)
    return out


def _together(counted: list[Status]) -> Status:
    """The status of counted elements taken together (the obligation-status rule, also used for a link's basis)."""
    if all(s == Status.in_place for s in counted):
        return Status.in_place
    if all(s == Status.unknown for s in counted):
        return Status.unknown
    if any(s in (Status.in_place, Status.partial) for s in counted):
        return Status.partial
    return Status.missing


RANK = {Status.in_place: 3, Status.partial: 2, Status.missing: 1, Status.unknown: 0}


def _carried_status(element, country, by_cell, provisions, when, with_bills, carries) -> Status:
    """The strongest status any crosswalk link carries to an element the country did not assess itself."""
    best = Status.unknown
    for link in carries.get(element, []):
        counted = []
        for b in link.basis:
            s = _element_status(by_cell.get((country, b)), provisions, when, with_bills)
            if s in RANK:
                counted.append(s)
        status = _together(counted) if counted else Status.unknown
        if link.capped and status == Status.in_place:
            status = Status.partial
        if RANK[status] > RANK[best]:
            best = status
    return best


def _own(rec) -> bool:
    return rec is not None and (rec.judgment is not None or bool(rec.findings))


def _element_status(rec, provisions, when, with_bills) -> Status:
    if rec is None:
        return Status.unknown
    if rec.judgment is not None:
        return rec.judgment
    if not rec.findings:
        return Status.unknown
    best = Status.missing
    for key, full in rec.findings:
        if _counts(provisions[key], when, with_bills):
            if full:
                return Status.in_place
            best = Status.partial
    return best


def _score_treaty(treaty, country, by_cell, provisions, when, with_bills, carries) -> TreatyResult:
    elements: dict[str, Status] = {}
    obligations: dict[str, ObligationResult] = {}
    total_weight = 0.0
    total_points = 0.0
    scored_elements = 0
    unknown_elements = 0
    for article in treaty.articles:
        for o in article.obligations:
            if not o.elements:
                continue
            num = den = 0.0
            counted = []
            reserved = 0
            core_missing = False
            for e in o.elements:
                rec = by_cell.get((country, e.id))
                if _own(rec) or e.id not in carries:
                    status = _element_status(rec, provisions, when, with_bills)
                else:
                    status = _carried_status(e.id, country, by_cell, provisions, when, with_bills, carries)
                elements[e.id] = status
                if e.optional:
                    continue
                scored_elements += 1
                if status == Status.unknown:
                    unknown_elements += 1
                if status == Status.reserved:
                    reserved += 1
                if status not in NOT_COUNTED:
                    counted.append(status)
                    num += e.weight * STATUS_POINTS[status]
                    den += e.weight
                if status == Status.missing and e.core:
                    core_missing = True
            status = _together(counted) if counted else (Status.reserved if reserved else Status.not_applicable)
            score = num / den if den > 0 else None
            critical = o.mandatory and (status == Status.missing or core_missing)
            obligations[o.id] = ObligationResult(status, score, critical)
            if score is not None:
                total_points += o.weight * score
                total_weight += o.weight
    assessed = unknown_elements < scored_elements
    return TreatyResult(
        score=total_points / total_weight if total_weight and assessed else None,
        coverage=1 - unknown_elements / scored_elements if scored_elements else None,
        obligations=obligations,
        elements=elements,
    )
