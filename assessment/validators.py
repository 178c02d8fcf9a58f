"""Checks across documents: ids that must be unique, references that must resolve, hooks that must be allowed.

Each validator is named for what it checks and returns problems as (document, field path, reason); the
catalog turns them into file:line messages. They run after every document has passed its pydantic model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from .i18n import Msg
from .models import (
    Country,
    CountryTranslation,
    Crosswalk,
    Hook,
    JudgmentStatus,
    StatusRegister,
    Treaty,
    TreatyTranslation,
)
from .problems import Problem, field_path
from .vocab import status_word

M = TypeVar("M")
Loc = tuple[str | int, ...]


@dataclass
class Doc(Generic[M]):
    """A validated document and the file it came from."""

    file: str
    model: M


def duplicates(items: Iterable[tuple[str, Loc]], what: str, file: str) -> Iterator[Problem]:
    """Every repeat of an id after its first appearance."""
    seen: dict[str, Loc] = {}
    for value, loc in items:
        if value in seen:
            yield Problem(
                file,
                loc,
                Msg("duplicate {what} {value!r} (first at {first})", what=what, value=value, first=_fmt(seen[value])),
            )
        else:
            seen[value] = loc


def _fmt(loc: Loc) -> str:
    return field_path(loc)


# ----------------------------------------------------------------------------------------------- treaties


def treaty_ids_unique(doc: Doc[Treaty]) -> Iterator[Problem]:
    t = doc.model
    yield from duplicates(
        ((a.number, ("articles", i, "number")) for i, a in enumerate(t.articles)), "article", doc.file
    )
    sections = [
        (s.id, ("chapters", ci, "sections", si, "id"))
        for ci, c in enumerate(t.chapters)
        for si, s in enumerate(c.sections)
    ]
    yield from duplicates(sections, "section id", doc.file)
    obligations, elements, hooks = [], [], []
    for ai, a in enumerate(t.articles):
        for oi, o in enumerate(a.obligations):
            base: Loc = ("articles", ai, "obligations", oi)
            obligations.append((o.id, (*base, "id")))
            elements += [(e.id, (*base, "elements", ei, "id")) for ei, e in enumerate(o.elements)]
            hooks += [(h.id, (*base, "reservations", hi, "id")) for hi, h in enumerate(o.reservations)]
            hooks += [(h.id, (*base, "declarations", hi, "id")) for hi, h in enumerate(o.declarations)]
    yield from duplicates(obligations, "obligation id", doc.file)
    yield from duplicates(elements, "element id", doc.file)
    yield from duplicates(hooks, "reservation/declaration id", doc.file)


def treaty_ids_nested(doc: Doc[Treaty]) -> Iterator[Problem]:
    """Obligation ids start with the treaty id, element ids with their obligation id, hooks with the treaty."""
    t = doc.model
    for ci, c in enumerate(t.chapters):
        if not c.id.startswith(f"{t.id}."):
            yield Problem(doc.file, ("chapters", ci, "id"), f"chapter id {c.id!r} must start with '{t.id}.'")
    for ai, a in enumerate(t.articles):
        for oi, o in enumerate(a.obligations):
            base: Loc = ("articles", ai, "obligations", oi)
            if not o.id.startswith(f"{t.id}.art"):
                yield Problem(doc.file, (*base, "id"), f"obligation id {o.id!r} must start with '{t.id}.art'")
            for ei, e in enumerate(o.elements):
                if not e.id.startswith(f"{o.id}.e"):
                    yield Problem(
                        doc.file, (*base, "elements", ei, "id"), f"element id {e.id!r} must start with '{o.id}.e'"
                    )
            for key, hooks, prefix in (
                ("reservations", o.reservations, "res"),
                ("declarations", o.declarations, "decl"),
            ):
                for hi, h in enumerate(hooks):
                    if not h.id.startswith(f"{t.id}.{prefix}."):
                        yield Problem(
                            doc.file, (*base, key, hi, "id"), f"{h.kind} id {h.id!r} must start with '{t.id}.{prefix}.'"
                        )
                    expected = "reservation" if prefix == "res" else "declaration"
                    if h.kind != expected:
                        yield Problem(doc.file, (*base, key, hi, "kind"), f"listed under {key} but kind is {h.kind}")


def treaty_sections_exist(doc: Doc[Treaty]) -> Iterator[Problem]:
    sections = {s.id for c in doc.model.chapters for s in c.sections}
    for ai, a in enumerate(doc.model.articles):
        if a.section not in sections:
            yield Problem(doc.file, ("articles", ai, "section"), f"unknown section {a.section!r}")


def treaty_hook_elements_exist(doc: Doc[Treaty]) -> Iterator[Problem]:
    elements = {e.id for o in doc.model.obligations() for e in o.elements}
    for ai, a in enumerate(doc.model.articles):
        for oi, o in enumerate(a.obligations):
            for key, hooks in (("reservations", o.reservations), ("declarations", o.declarations)):
                for hi, h in enumerate(hooks):
                    for xi, element_id in enumerate(h.elements):
                        if element_id not in elements:
                            loc = ("articles", ai, "obligations", oi, key, hi, "elements", xi)
                            yield Problem(doc.file, loc, f"unknown element {element_id}")


def crosswalk_references_exist(doc: Doc[Crosswalk], treaties: dict[str, Treaty]) -> Iterator[Problem]:
    cw = doc.model
    for key in ("from_treaty", "to_treaty"):
        if getattr(cw, key) not in treaties:
            yield Problem(doc.file, (key,), f"unknown treaty {getattr(cw, key)}")
    # A link joins two obligations, or (finer, for carrying a status over) two elements.
    known = {o.id for t in treaties.values() for o in t.obligations()} | {
        e.id for t in treaties.values() for o in t.obligations() for e in o.elements
    }
    for li, link in enumerate(cw.links):
        for key, value, treaty in (("source", link.source, cw.from_treaty), ("target", link.target, cw.to_treaty)):
            if value not in known:
                yield Problem(doc.file, ("links", li, key), f"unknown obligation or element {value}")
            elif not value.startswith(f"{treaty}."):
                yield Problem(doc.file, ("links", li, key), f"{value} is not an obligation or element of {treaty}")


# ---------------------------------------------------------------------------------------------- countries


@dataclass(frozen=True)
class TreatyIndex:
    """What a country file may refer to."""

    elements: dict[str, str]  # element id -> obligation id
    hooks: dict[str, Hook]
    treaties: frozenset[str]

    @classmethod
    def build(cls, treaties: Iterable[Treaty]) -> TreatyIndex:
        elements: dict[str, str] = {}
        hooks: dict[str, Hook] = {}
        ids = []
        for t in treaties:
            ids.append(t.id)
            for o in t.obligations():
                elements.update((e.id, o.id) for e in o.elements)
                hooks.update((h.id, h) for h in o.hooks)
        return cls(elements, hooks, frozenset(ids))


def country_ids_unique(doc: Doc[Country]) -> Iterator[Problem]:
    c = doc.model
    yield from duplicates(((s.id, ("sources", i, "id")) for i, s in enumerate(c.sources)), Msg("source id"), doc.file)
    yield from duplicates(
        ((p.id, ("provisions", i, "id")) for i, p in enumerate(c.provisions)), Msg("provision id"), doc.file
    )
    yield from duplicates(
        ((a.element, ("assessments", i, "element")) for i, a in enumerate(c.assessments)),
        Msg("assessment of element"),
        doc.file,
    )


def country_file_named_for_iso3(doc: Doc[Country]) -> Iterator[Problem]:
    stem = doc.file.rsplit("/", 1)[-1].removesuffix(".yaml")
    if stem != doc.model.iso3:
        yield Problem(doc.file, ("iso3",), f"file is named {stem}.yaml but iso3 is {doc.model.iso3}")


def country_sources_exist(doc: Doc[Country]) -> Iterator[Problem]:
    c = doc.model
    known = {s.id for s in c.sources}

    def check(value: str | None, loc: Loc) -> Iterator[Problem]:
        if value is not None and value not in known:
            yield Problem(doc.file, loc, Msg("unknown source {source!r} (add it under sources)", source=value))

    for i, p in enumerate(c.provisions):
        yield from check(p.source, ("provisions", i, "source"))
    for i, a in enumerate(c.assessments):
        for fi, f in enumerate(a.findings):
            yield from check(f.source, ("assessments", i, "findings", fi, "source"))
        if a.judgment is not None:
            yield from check(a.judgment.source, ("assessments", i, "judgment", "source"))
    for i, e in enumerate(c.events):
        yield from check(e.source, ("events", i, "source"))
    for i, h in enumerate(c.planned_hooks):
        yield from check(h.source, ("planned_hooks", i, "source"))
    for i, pos in enumerate(c.positions):
        yield from check(pos.source, ("positions", i, "source"))
    if c.legal_system is not None:
        yield from check(c.legal_system.source, ("legal_system", "source"))


def country_claims_are_sourced(doc: Doc[Country]) -> Iterator[Problem]:
    """A judgment other than 'unknown' is a legal claim: it needs a source."""
    for i, a in enumerate(doc.model.assessments):
        j = a.judgment
        if j is not None and j.status != JudgmentStatus.unknown and j.source is None:
            yield Problem(
                doc.file,
                ("assessments", i, "judgment", "source"),
                Msg("a '{status}' judgment must cite a source", status=status_word(j.status)),
            )
        if j is None and not a.findings:
            yield Problem(doc.file, ("assessments", i), Msg("an assessment needs findings or a judgment"))


def country_provisions_exist(doc: Doc[Country]) -> Iterator[Problem]:
    known = {p.id for p in doc.model.provisions}
    for i, a in enumerate(doc.model.assessments):
        for fi, f in enumerate(a.findings):
            if f.provision not in known:
                yield Problem(
                    doc.file,
                    ("assessments", i, "findings", fi, "provision"),
                    Msg("provision {provision!r} is not defined under provisions", provision=f.provision),
                )


def country_elements_exist(doc: Doc[Country], index: TreatyIndex) -> Iterator[Problem]:
    for i, a in enumerate(doc.model.assessments):
        if a.element not in index.elements:
            yield Problem(doc.file, ("assessments", i, "element"), Msg("unknown element {element}", element=a.element))


def country_hooks_allowed(doc: Doc[Country], index: TreatyIndex) -> Iterator[Problem]:
    """'reserved' only under a reservation or declaration the treaty allows for that very element."""
    for i, a in enumerate(doc.model.assessments):
        j = a.judgment
        if j is None or j.hook is None:
            continue
        hook = index.hooks.get(j.hook)
        if hook is None:
            yield Problem(
                doc.file,
                ("assessments", i, "judgment", "hook"),
                Msg("{hook} is not a reservation or declaration the treaty allows", hook=j.hook),
            )
        elif a.element not in hook.elements:
            yield Problem(
                doc.file,
                ("assessments", i, "judgment", "hook"),
                Msg("{hook} does not allow reserving {element}", hook=j.hook, element=a.element),
            )
    for i, h in enumerate(doc.model.planned_hooks):
        if h.hook not in index.hooks:
            yield Problem(
                doc.file,
                ("planned_hooks", i, "hook"),
                Msg("{hook} is not a reservation or declaration the treaty allows", hook=h.hook),
            )
    for i, e in enumerate(doc.model.events):
        if e.treaty is not None and e.treaty not in index.treaties:
            yield Problem(doc.file, ("events", i, "treaty"), Msg("unknown treaty {treaty}", treaty=e.treaty))


# ---------------------------------------------------------------------------------------------- registers


def register_references_exist(doc: Doc[StatusRegister], treaties: dict[str, Treaty]) -> Iterator[Problem]:
    r = doc.model
    if r.treaty not in treaties:
        yield Problem(doc.file, ("treaty",), f"unknown treaty {r.treaty}")
    known = {s.id for s in r.sources}
    yield from duplicates(((s.id, ("sources", i, "id")) for i, s in enumerate(r.sources)), "source id", doc.file)
    yield from duplicates(((e.iso3, ("entries", i, "iso3")) for i, e in enumerate(r.entries)), "entry for", doc.file)
    for i, e in enumerate(r.entries):
        if e.source not in known:
            yield Problem(doc.file, ("entries", i, "source"), f"unknown source {e.source!r}")


def country_positions_refer_to_treaty(doc: Doc[Country], index: TreatyIndex) -> Iterator[Problem]:
    """A position names a known treaty, and each status it claims is for an obligation or element of it."""
    obligations = set(index.elements.values())
    for i, pos in enumerate(doc.model.positions):
        if pos.treaty not in index.treaties:
            yield Problem(doc.file, ("positions", i, "treaty"), Msg("unknown treaty {treaty}", treaty=pos.treaty))
            continue
        for key in pos.statuses:
            known = key in obligations or key in index.elements
            if not known or not key.startswith(pos.treaty + "."):
                yield Problem(
                    doc.file,
                    ("positions", i, "statuses", key),
                    Msg("{id} is not an obligation or element of {treaty}", id=key, treaty=pos.treaty),
                )


# ------------------------------------------------------------------------------------------------ composed

TREATY_CHECKS: list[Callable[[Doc[Treaty]], Iterator[Problem]]] = [
    treaty_ids_unique,
    treaty_ids_nested,
    treaty_sections_exist,
    treaty_hook_elements_exist,
]
COUNTRY_CHECKS: list[Callable[[Doc[Country]], Iterator[Problem]]] = [
    country_ids_unique,
    country_sources_exist,
    country_claims_are_sourced,
    country_provisions_exist,
]


def check_country(doc: Doc[Country], index: TreatyIndex, *, from_file: bool = True) -> list[Problem]:
    """Every check of one country document against the treaties. `from_file`: it was read from
    data/countries/<ISO3>.yaml, so its file name must match (an edit in the store or a workbook has no file)."""
    problems: list[Problem] = list(country_file_named_for_iso3(doc)) if from_file else []
    for check in COUNTRY_CHECKS:
        problems += check(doc)
    problems += country_elements_exist(doc, index)
    problems += country_hooks_allowed(doc, index)
    problems += country_positions_refer_to_treaty(doc, index)
    return problems


# ------------------------------------------------------------------------------------------- translations


def _named_for(doc: Doc, key: str, lang: str) -> Iterator[Problem]:
    stem = doc.file.rsplit("/", 1)[-1].removesuffix(".yaml")
    if stem != f"{key}.{lang}":
        yield Problem(
            doc.file, ("lang",), f"the file is named {stem}.yaml but holds {key}.{lang} (name it {key}.{lang}.yaml)"
        )


def treaty_translation_keys_exist(doc: Doc[TreatyTranslation], treaties: dict[str, Treaty]) -> Iterator[Problem]:
    """Every key of a checklist translation is an id (or article number) of its treaty."""
    tr = doc.model
    yield from _named_for(doc, tr.treaty, tr.lang)
    t = treaties.get(tr.treaty)
    if t is None:
        yield Problem(doc.file, ("treaty",), f"unknown treaty {tr.treaty}")
        return
    obligations = list(t.obligations())
    known = {
        "chapters": {c.id for c in t.chapters},
        "sections": {s.id for c in t.chapters for s in c.sections},
        "articles": {a.number for a in t.articles},
        "obligations": {o.id for o in obligations},
        "elements": {e.id for o in obligations for e in o.elements},
        "hooks": {h.id for o in obligations for h in o.hooks},
    }
    what = {
        "chapters": "chapter",
        "sections": "section",
        "articles": "article",
        "obligations": "obligation",
        "elements": "element",
        "hooks": "reservation/declaration",
    }
    for field, ids in known.items():
        for key in getattr(tr, field):
            if key not in ids:
                yield Problem(doc.file, (field, key), f"unknown {what[field]} {key} of {tr.treaty}")


def country_translation_keys_exist(doc: Doc[CountryTranslation], countries: dict[str, Country]) -> Iterator[Problem]:
    """Every key of a country translation is a provision (bills: a bill) or an event of its country file."""
    tr = doc.model
    yield from _named_for(doc, tr.iso3, tr.lang)
    c = countries.get(tr.iso3)
    if c is None:
        yield Problem(doc.file, ("iso3",), f"unknown country {tr.iso3} (no data/countries/{tr.iso3}.yaml)")
        return
    provisions = {p.id: p for p in c.provisions}
    for key in tr.provisions:
        if key not in provisions:
            yield Problem(doc.file, ("provisions", key), f"unknown provision {key} of {tr.iso3}")
    for key in tr.bills:
        if key not in provisions:
            yield Problem(doc.file, ("bills", key), f"unknown provision {key} of {tr.iso3}")
    sponsored = {p.id for p in c.provisions if p.bill is not None and p.bill.sponsor}
    for key in tr.sponsors:
        if key not in sponsored:
            yield Problem(
                doc.file, ("sponsors", key), f"{key} is not a bill with a sponsor in data/countries/{tr.iso3}.yaml"
            )
    judged = {a.element for a in c.assessments if a.judgment is not None}
    for key in tr.judgments:
        if key not in judged:
            yield Problem(doc.file, ("judgments", key), f"{key} carries no judgment in data/countries/{tr.iso3}.yaml")
    noted = {a.element for a in c.assessments if a.note}
    for key in tr.notes:
        if key not in noted:
            yield Problem(doc.file, ("notes", key), f"{key} has no note in data/countries/{tr.iso3}.yaml")
    positions = {p.id for p in c.positions}
    for key in [*tr.positions, *tr.position_authors]:
        if key not in positions:
            yield Problem(doc.file, ("positions", key), f"unknown position {key} of {tr.iso3}")
    events = {(e.date, e.kind) for e in c.events}
    for i, e in enumerate(tr.events):
        if (e.date, e.kind) not in events:
            yield Problem(
                doc.file,
                ("events", i),
                f"no event of kind {e.kind.value} on {e.date.isoformat()} in data/countries/{tr.iso3}.yaml",
            )


def check_all(
    treaties: list[Doc[Treaty]],
    crosswalks: list[Doc[Crosswalk]],
    countries: list[Doc[Country]],
    registers: list[Doc[StatusRegister]],
    treaty_translations: list[Doc[TreatyTranslation]] = (),  # type: ignore[assignment]
    country_translations: list[Doc[CountryTranslation]] = (),  # type: ignore[assignment]
) -> list[Problem]:
    problems: list[Problem] = []
    by_id: dict[str, Treaty] = {}
    seen_treaties: set[str] = set()
    for doc in treaties:
        if doc.model.id in seen_treaties:
            problems.append(Problem(doc.file, ("id",), f"duplicate treaty id {doc.model.id}"))
        seen_treaties.add(doc.model.id)
        by_id[doc.model.id] = doc.model
        for check in TREATY_CHECKS:
            problems += check(doc)
    for doc in treaties:
        if doc.model.parent is not None and doc.model.parent not in by_id:
            problems.append(Problem(doc.file, ("parent",), f"unknown treaty {doc.model.parent}"))
    for cw in crosswalks:
        problems += crosswalk_references_exist(cw, by_id)
    index = TreatyIndex.build(by_id.values())
    for doc in countries:
        problems += check_country(doc, index)
    for reg in registers:
        problems += register_references_exist(reg, by_id)
    for tt in treaty_translations:
        problems += treaty_translation_keys_exist(tt, by_id)
    by_iso = {d.model.iso3: d.model for d in countries}
    for ct in country_translations:
        problems += country_translation_keys_exist(ct, by_iso)
    return problems
