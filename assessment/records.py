"""Plain records that both scorers read: the catalog flattened to what scoring needs.

The vectorised scorer (`scoring`) and the plain-Python reference (`scoring_reference`) consume the same
records, so the benchmark compares like with like and the reference can serve as a test oracle. This is the
one path from an assessment to a scoring record: `element_record` takes an assessment as the documents hold
it (Finding and Judgment models) or as the store's bulk read holds it (plain dicts). Only made-up data builds
an ElementRecord directly (`assessment.synthetic` for the benchmarks, and unit tests).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .catalog import Catalog
from .models import Country, Extent, JudgmentStatus, Provision, Status


@dataclass(frozen=True, slots=True)
class ProvisionRecord:
    key: str  # "<ISO3>:<provision id>"
    citation: str
    start: dt.date | None  # first lifecycle date of any stage (introduced ... in force)
    in_force: dt.date | None
    repealed: dt.date | None
    lapsed: dt.date | None
    dates_verified: bool = False
    verified_from: dt.date | None = None  # from this day on, being in force is a checked fact


@dataclass(frozen=True, slots=True)
class ElementRecord:
    country: str
    element: str
    judgment: Status | None
    findings: tuple[tuple[str, bool], ...]  # (provision key, full?)
    verified: tuple[bool, ...] = ()  # per finding: read in a primary source
    judgment_verified: bool = False


@dataclass(frozen=True, slots=True)
class CarryRecord:
    """One crosswalk link, expanded to elements: `element` (of another treaty) may take its status from the
    `basis` elements (of ETS 185) for a country that has not assessed it directly."""

    element: str
    basis: tuple[str, ...]
    capped: bool  # superset / intersect: carries at most partial; the rest needs its own assessment
    verified: bool  # the link was checked against both texts


@dataclass
class EvidenceRecords:
    countries: list[str]
    provisions: list[ProvisionRecord] = field(default_factory=list)
    elements: list[ElementRecord] = field(default_factory=list)
    carries: list[CarryRecord] = field(default_factory=list)


_JUDGMENT_STATUS = {
    JudgmentStatus.missing: Status.missing,
    JudgmentStatus.not_applicable: Status.not_applicable,
    JudgmentStatus.reserved: Status.reserved,
    JudgmentStatus.unknown: Status.unknown,
}


def provision_key(iso3: str, provision_id: str) -> str:
    return f"{iso3}:{provision_id}"


def verified_in_force_from(p: Provision) -> dt.date | None:
    """The first day on which the provision's being in force is a checked fact: its in-force date when the
    lifecycle dates were read in a primary source; else, when it was read in a consolidated text, the day that
    consolidated version came into force (it shows the article as law from then on, whatever its older history)."""
    days = []
    if p.lifecycle.dates_verified and p.lifecycle.in_force is not None:
        days.append(p.lifecycle.in_force)
    if p.text is not None and p.text.version.in_force is not None and p.lifecycle.in_force is not None:
        days.append(max(p.text.version.in_force, p.lifecycle.in_force))
    return min(days) if days else None


def _get(item: Any, name: str) -> Any:
    """A field of a pydantic document or of the same document as a plain dict."""
    return item.get(name) if item.__class__ is dict or isinstance(item, Mapping) else getattr(item, name)


def element_record(iso3: str, element: str, findings: Iterable[Any], judgment: Any | None) -> ElementRecord:
    """One element's assessment as the scorers read it. `findings` and `judgment` are Finding / Judgment models
    or their JSON documents (dicts with provision, extent, verified / status, verified)."""
    keys: list[tuple[str, bool]] = []
    verified: list[bool] = []
    for f in findings:  # one loop, plain dicts first: the store's bulk read gives tens of thousands of them
        if f.__class__ is dict:
            keys.append((provision_key(iso3, f.get("provision")), f.get("extent") == Extent.full))
            verified.append(bool(f.get("verified")))
        else:
            keys.append((provision_key(iso3, _get(f, "provision")), _get(f, "extent") == Extent.full))
            verified.append(bool(_get(f, "verified")))
    return ElementRecord(
        country=iso3,
        element=element,
        judgment=None if judgment is None else _JUDGMENT_STATUS[JudgmentStatus(_get(judgment, "status"))],
        findings=tuple(keys),
        verified=tuple(verified),
        judgment_verified=bool(judgment is not None and _get(judgment, "verified")),
    )


def provision_records(country: Country) -> list[ProvisionRecord]:
    provisions = []
    for p in country.provisions:
        lc = p.lifecycle
        stages = [d for d in (lc.introduced, lc.passed, lc.promulgated, lc.in_force) if d is not None]
        provisions.append(
            ProvisionRecord(
                key=provision_key(country.iso3, p.id),
                citation=p.citation,
                start=min(stages) if stages else None,
                in_force=lc.in_force,
                repealed=lc.repealed,
                lapsed=lc.lapsed,
                dates_verified=lc.dates_verified,
                verified_from=verified_in_force_from(p),
            )
        )
    return provisions


def country_records(country: Country) -> tuple[list[ProvisionRecord], list[ElementRecord]]:
    elements = [element_record(country.iso3, a.element, a.findings, a.judgment) for a in country.assessments]
    return provision_records(country), elements


def carry_records(catalog: Catalog) -> list[CarryRecord]:
    """Crosswalk links expanded to element pairs. An obligation on either side stands for its elements (the
    options it offers left out of a basis); an element-level link for an element replaces the obligation-level
    ones, being the finer reading. Relations compare the link's source (the derived side) with its target."""

    def elements_of(ref: str, basis: bool) -> tuple[str, ...]:
        if ref in catalog.obligations:
            return tuple(e.id for e in catalog.obligations[ref].elements if not (basis and e.optional))
        return (ref,) if ref in catalog.elements else ()

    fine: dict[str, list[CarryRecord]] = {}
    coarse: dict[str, list[CarryRecord]] = {}
    for cw in catalog.crosswalks:
        for link in cw.links:
            basis = elements_of(link.target, basis=True)
            if not basis:
                continue
            capped = link.relation.value in ("superset", "intersect")
            by_element = link.source in catalog.elements
            for element in elements_of(link.source, basis=False):
                (fine if by_element else coarse).setdefault(element, []).append(
                    CarryRecord(element, basis, capped, link.verified)
                )
    return [c for element, carries in {**coarse, **fine}.items() for c in carries]


def records_from_catalog(catalog: Catalog) -> EvidenceRecords:
    out = EvidenceRecords(countries=sorted(catalog.countries), carries=carry_records(catalog))
    for iso3 in out.countries:
        provisions, elements = country_records(catalog.countries[iso3])
        out.provisions += provisions
        out.elements += elements
    return out


def records_from_saved(countries: Sequence[Country], saved: Mapping[tuple[str, str], Any]) -> EvidenceRecords:
    """`countries`' provisions with the given saved assessments ((iso3, element) -> a record with `findings`
    and `judgment` documents) instead of the ones inside the country documents."""
    out = EvidenceRecords(countries=[c.iso3 for c in countries])
    for c in countries:
        out.provisions += provision_records(c)
    wanted = set(out.countries)
    known = {p.key for p in out.provisions}
    for (iso3, element), s in saved.items():
        if iso3 not in wanted:
            continue
        # a provision saved after `countries` was read cannot be scored yet; the next read will count it
        findings = [f for f in s.findings if provision_key(iso3, _get(f, "provision")) in known] if s.findings else ()
        out.elements.append(element_record(iso3, element, findings, s.judgment))
    return out
