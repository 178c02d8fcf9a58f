"""How other Parties provide what a country lacks (외국 입법례): for an element, the assessed countries whose law
meets it on a date, with the provisions that do it, since when and by which law.

The statuses and the verified marks come from the scorer (one formula); this module only reads the catalog for
the provisions behind them and ranks the countries:
1. in place before partial;
2. verified before unverified (the scorer's mark: decisive findings read in a primary text, in force dates checked);
3. the legal family closest to the asking country's (same family, then mixed, then the other);
4. the most recent law first (a newer provision was written with today's technology and treaty in mind);
5. the country code, so the order never depends on dict order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .catalog import Catalog
from .models import Country, Extent, LegalSystem, Provision, Stage
from .scoring import CountryScore, Engine
from .translations import Content
from .vocab import STATUSES, Status

#: Statuses that make a country a precedent, best first.
MEETING = (Status.in_place.value, Status.partial.value)


@dataclass(frozen=True)
class PrecedentProvision:
    id: str
    statute: str
    article: str | None
    citation: str
    summary: str
    in_force: dt.date | None  # since when it is law (the lifecycle's in-force date)
    introduced_by: str | None  # the act that brought it in or last changed it, where the data names one
    verified: bool  # its finding was read in a primary text
    source_title: str = ""  # where it was read (the brief numbers it among its sources)
    source_url: str | None = None

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "statute": self.statute,
            "article": self.article,
            "summary": self.summary,
            "in_force": self.in_force.isoformat() if self.in_force else None,
            "introduced_by": self.introduced_by,
        }


@dataclass(frozen=True)
class Precedent:
    country: str
    name: str
    status: str  # in_place or partial
    verified: bool
    legal_system: str | None
    provisions: tuple[PrecedentProvision, ...]

    @property
    def latest(self) -> dt.date | None:
        dates = [p.in_force for p in self.provisions if p.in_force is not None]
        return max(dates) if dates else None

    def to_json(self) -> dict:
        return {
            "country": self.country,
            "name": self.name,
            "status": self.status,
            "verified": self.verified,
            "legal_system": self.legal_system,
            "provisions": [p.to_json() for p in self.provisions],
        }


@dataclass(frozen=True)
class ElementPrecedents:
    id: str
    status: str  # the asking country's status of the element on the date
    precedents: tuple[Precedent, ...]

    def to_json(self) -> dict:
        return {"id": self.id, "status": self.status, "precedents": [p.to_json() for p in self.precedents]}


def legal_distance(mine: LegalSystem | None, theirs: LegalSystem | None) -> int:
    """0 the same family, 1 where either is mixed, 2 otherwise (or not recorded)."""
    if mine is None or theirs is None:
        return 2
    if mine == theirs:
        return 0
    return 1 if LegalSystem.mixed in (mine, theirs) else 2


def rank(precedents: list[Precedent], mine: LegalSystem | None) -> list[Precedent]:
    """The module's ranking (see the docstring at the top), as one sort key."""

    def key(p: Precedent) -> tuple:
        latest = p.latest.toordinal() if p.latest else 0
        family = LegalSystem(p.legal_system) if p.legal_system else None
        return (MEETING.index(p.status), not p.verified, legal_distance(mine, family), -latest, p.country)

    return sorted(precedents, key=key)


def _family(country: Country) -> LegalSystem | None:
    return country.legal_system.family if country.legal_system is not None else None


def _introduced_by(p: Provision) -> str | None:
    if p.lifecycle.enacted_by:
        return p.lifecycle.enacted_by
    if p.text is not None and p.text.amended_by is not None:
        return p.text.amended_by.number
    return None


class Reader:
    """What precedents read, kept for one treaty and date: each country's element statuses (read off the scorer
    once per country and element, however many countries ask) and the provisions it cites for an element. A
    workbook of many countries shares one, so its Precedents sheet costs one read per country, not one per pair."""

    def __init__(self, catalog: Catalog, engine: Engine, treaty: str, as_of: dt.date, content: Content):
        self.catalog, self.engine, self.treaty, self.as_of, self.content = catalog, engine, treaty, as_of, content
        self._facts: dict[str, dict[str, tuple[str, bool]]] = {}
        self._provisions: dict[tuple[str, str], tuple[PrecedentProvision, ...]] = {}
        self._indexed: dict[str, tuple[dict, dict, dict]] = {}

    def facts(self, iso3: str, element_ids: list[str]) -> dict[str, tuple[str, bool]]:
        """element id -> (status, verified) of `iso3`, reading only the elements not read before."""
        known = self._facts.setdefault(iso3, {})
        missing = [e for e in dict.fromkeys(element_ids) if e not in known]
        if missing:
            known.update(_element_facts(self.engine, iso3, self.treaty, missing, self.as_of))
        return known

    def provisions(self, country: Country, element: str) -> tuple[PrecedentProvision, ...]:
        key = (country.iso3, element)
        if key not in self._provisions:
            if country.iso3 not in self._indexed:
                self._indexed[country.iso3] = (
                    {a.element: a for a in country.assessments},
                    {p.id: p for p in country.provisions},
                    {s.id: s for s in country.sources},
                )
            self._provisions[key] = _provisions(
                self.content, country, element, self.as_of, *self._indexed[country.iso3]
            )
        return self._provisions[key]


def _provisions(
    content: Content, country: Country, element: str, as_of: dt.date, assessments: dict, by_id: dict, sources: dict
) -> tuple[PrecedentProvision, ...]:
    """The provisions in force on `as_of` that the country's findings cite for the element, full ones first."""
    assessment = assessments.get(element)
    if assessment is None:
        return ()
    out: dict[str, tuple[bool, PrecedentProvision]] = {}
    for f in assessment.findings:
        p = by_id.get(f.provision)
        if p is None or p.lifecycle.stage_at(as_of) is not Stage.in_force or p.id in out:
            continue
        source = sources[f.source or p.source]
        out[p.id] = (
            f.extent is not Extent.full,
            PrecedentProvision(
                id=p.id,
                statute=content.statute_name(country.iso3, p),
                article=p.article,
                citation=content.citation(country.iso3, p),
                summary=content.provision_summary(country.iso3, p),
                in_force=p.lifecycle.in_force,
                introduced_by=_introduced_by(p),
                verified=f.verified,
                source_title=content.source_title(source.title),
                source_url=source.url,
            ),
        )
    return tuple(pp for _, pp in sorted(out.values(), key=lambda x: x[0]))


def _element_facts(
    engine: Engine, iso3: str, treaty: str, element_ids: list[str], as_of: dt.date
) -> dict[str, tuple[str, bool]]:
    """element id -> (status, verified) on `as_of`, read off the scorer's arrays for just these elements (a full
    element_detail per country cost more than the rest of the brief)."""
    st = engine.structure
    e0, _ = st.treaty_elements[treaty]
    index = st.element_index
    result = engine.score_country(iso3, treaty, as_of)
    codes = result.grid.element_codes[0]
    row = engine.rows_of(iso3).start
    day = as_of.toordinal()
    masks = engine.day_masks(day)
    out = {}
    for eid in element_ids:
        code = int(codes[index[eid] - e0])
        out[eid] = (STATUSES[code].value, engine.evidence_for(row, index[eid], day, code, masks)[2])
    return out


def precedents(
    catalog: Catalog,
    engine: Engine,
    iso3: str,
    treaty: str,
    element_ids: list[str],
    as_of: dt.date,
    lang: str = "en",
    *,
    limit: int | None = None,
    reader: Reader | None = None,
) -> list[ElementPrecedents]:
    """For each element, the other countries whose law meets it on `as_of`, ranked; at most `limit` each.
    `reader` (for this treaty, date and language) lets several calls share what they read."""
    iso3 = iso3.upper()
    reader = reader or Reader(catalog, engine, treaty, as_of, Content(catalog, lang))
    content = reader.content
    others = sorted(c for c in catalog.countries if c != iso3)
    facts = {c: reader.facts(c, element_ids) for c in [iso3, *others]}
    mine = _family(catalog.countries[iso3])
    out = []
    for eid in element_ids:
        found = []
        for other in others:
            status, verified = facts[other][eid]
            if status not in MEETING:
                continue
            country = catalog.countries[other]
            provisions = reader.provisions(country, eid)
            if not provisions:  # met through a carried-over status or a judgment: nothing to show a drafter
                continue
            family = _family(country)
            found.append(
                Precedent(
                    other, content.country_name(country), status, verified, family.value if family else None, provisions
                )
            )
        ranked = rank(found, mine)
        out.append(ElementPrecedents(eid, facts[iso3][eid][0], tuple(ranked[:limit] if limit else ranked)))
    return out


def gap_elements(catalog: Catalog, result: CountryScore) -> list[str]:
    """The elements behind a score's critical gaps that are not in place (optional ones left out), in order."""
    status = dict(zip(result.elements["id"], result.elements["status"].astype(str)))
    out = []
    for oid in result.critical_gaps:
        for e in catalog.obligations[oid].elements:
            if not e.optional and status.get(e.id) != Status.in_place.value:
                out.append(e.id)
    return out


def precedents_json(
    catalog: Catalog,
    engine: Engine,
    iso3: str,
    treaty: str,
    element_ids: list[str] | None,
    as_of: dt.date,
    lang: str = "en",
) -> dict:
    """The stable `precedents --json` shape. `element_ids` None: the elements of the country's critical gaps."""
    if element_ids is None:
        element_ids = gap_elements(catalog, engine.score_country(iso3, treaty, as_of))
    return {
        "country": iso3.upper(),
        "treaty": treaty,
        "as_of": as_of.isoformat(),
        "elements": [e.to_json() for e in precedents(catalog, engine, iso3, treaty, element_ids, as_of, lang)],
    }


@dataclass(frozen=True)
class Provider:
    """One country's answer to one element of an obligation (the Treaty page's 'who meets it and how')."""

    country: str
    name: str
    element: str
    status: str
    verified: bool
    provisions: tuple[PrecedentProvision, ...]


def providers(catalog: Catalog, engine: Engine, obligation_id: str, as_of: dt.date, lang: str = "en") -> list[Provider]:
    """Every assessed country's status and law in force for each element of one obligation, those meeting it
    first (in place, then partial; verified first), then the rest, so a reader sees who provides it and how."""
    content = Content(catalog, lang)
    obligation = catalog.obligations[obligation_id]
    treaty = obligation_id.split(".", 1)[0]
    element_ids = [e.id for e in obligation.elements]
    reader = Reader(catalog, engine, treaty, as_of, content)
    rows = []
    for iso3 in sorted(catalog.countries):
        if iso3 not in engine.evidence.country_index:
            continue
        facts = reader.facts(iso3, element_ids)
        country = catalog.countries[iso3]
        for eid in element_ids:
            status, verified = facts[eid]
            rows.append(
                Provider(
                    iso3,
                    content.country_name(country),
                    eid,
                    status,
                    verified,
                    reader.provisions(country, eid),
                )
            )
    order = {
        s: i
        for i, s in enumerate(
            (*MEETING, Status.missing.value, Status.reserved.value, Status.not_applicable.value, Status.unknown.value)
        )
    }
    return sorted(rows, key=lambda r: (element_ids.index(r.element), order.get(r.status, 9), not r.verified, r.country))
