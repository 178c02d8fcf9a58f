"""Plain records that both scorers read: the catalog flattened to what scoring needs.

The vectorised scorer (`scoring`) and the plain-Python reference (`scoring_reference`) consume the same
records, so the benchmark compares like with like and the reference can serve as a test oracle.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .catalog import Catalog
from .models import Country, JudgmentStatus, Status


@dataclass(frozen=True, slots=True)
class ProvisionRecord:
    key: str  # "<ISO3>:<provision id>"
    citation: str
    start: dt.date | None  # first lifecycle date of any stage (introduced ... in force)
    in_force: dt.date | None
    repealed: dt.date | None
    lapsed: dt.date | None
    dates_verified: bool = False


@dataclass(frozen=True, slots=True)
class ElementRecord:
    country: str
    element: str
    judgment: Status | None
    findings: tuple[tuple[str, bool], ...]  # (provision key, full?)
    verified: tuple[bool, ...] = ()  # per finding: read in a primary source
    judgment_verified: bool = False


@dataclass
class EvidenceRecords:
    countries: list[str]
    provisions: list[ProvisionRecord] = field(default_factory=list)
    elements: list[ElementRecord] = field(default_factory=list)


_JUDGMENT_STATUS = {
    JudgmentStatus.missing: Status.missing,
    JudgmentStatus.not_applicable: Status.not_applicable,
    JudgmentStatus.reserved: Status.reserved,
    JudgmentStatus.unknown: Status.unknown,
}


def provision_key(iso3: str, provision_id: str) -> str:
    return f"{iso3}:{provision_id}"


def country_records(country: Country) -> tuple[list[ProvisionRecord], list[ElementRecord]]:
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
            )
        )
    elements = [
        ElementRecord(
            country=country.iso3,
            element=a.element,
            judgment=_JUDGMENT_STATUS[a.judgment.status] if a.judgment else None,
            findings=tuple((provision_key(country.iso3, f.provision), f.extent == "full") for f in a.findings),
            verified=tuple(f.verified for f in a.findings),
            judgment_verified=bool(a.judgment and a.judgment.verified),
        )
        for a in country.assessments
    ]
    return provisions, elements


def records_from_catalog(catalog: Catalog) -> EvidenceRecords:
    out = EvidenceRecords(countries=sorted(catalog.countries))
    for iso3 in out.countries:
        provisions, elements = country_records(catalog.countries[iso3])
        out.provisions += provisions
        out.elements += elements
    return out
