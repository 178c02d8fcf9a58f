"""What an aide needs to know about one country and one treaty, as sourced facts and in plain words.

`country_brief()` gathers the facts the Country and Brief pages show: the score now and with the bills, the
critical gaps (each element, the provision that exists or is missing, the bill that would close it and its
stage), the timeline of accession steps and law changes, and the planned reservations and declarations.
Every fact carries its source and whether it was verified. The numbers come from the scoring engine; this
module only reads the catalog to say *why* and *where it was read*. `brief_sections()` turns the facts into
short plain-language paragraphs, and `brief_pdf()` prints them on A4 with fpdf2 (pure Python, no browser).
Pure: no streamlit, no I/O except reading a system font for the PDF when one is installed.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import Catalog
from .i18n import N_, gettext, ngettext, normalise
from .models import Country, EventKind, Kind, Lifecycle, Provision, Stage
from .positions import PositionView, positions
from .precedents import Precedent, PrecedentProvision, precedents
from .scoring import CountryScore, Engine
from .story import LAW_STEPS, effect_text, effects_on
from .translations import Content
from .vocab import (
    ASSESSED_ENOUGH,
    DRAFT_MARK,
    LIFECYCLE_STEPS,
    OPEN_STATUSES,
    SERIES_COLOUR,
    RegisterStatus,
    Series,
    Status,
    Vocabulary,
    article_label,
    basis_label,
    day,
    hook_label,
    label_text,
    month,
    percent,
    rgb,
    status_label,
)

# ------------------------------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class SourceRef:
    """Where a fact was read, and whether someone checked it in that source."""

    title: str
    url: str | None
    verified: bool


@dataclass(frozen=True)
class ProvisionFact:
    """A provision cited for an element, with its stage on the chosen date."""

    id: str
    citation: str
    summary: str
    stage: Stage
    stage_text: str  # "in force since 23 Sep 1954", "bill introduced 7 Nov 2024", ...
    history: str  # every dated step: "introduced 2 Oct 2025 · passed 12 Dec 2025"
    in_force: bool
    sponsor: str | None
    bill_number: str | None
    extent: str | None  # full / partial, as the finding says
    note: str | None
    source: SourceRef
    bill_label: str = ""  # 'Criminal Procedure Act (amendment bill), Art. 218-3 (Kim Hangyu, bill no. not found)'

    @property
    def is_bill(self) -> bool:
        return not self.in_force and self.stage in (Stage.introduced, Stage.passed, Stage.promulgated)


@dataclass(frozen=True)
class ElementFact:
    id: str
    text: str
    status: str
    core: bool
    optional: bool
    provisions: list[ProvisionFact]  # every provision the findings cite, in force or not
    bills: list[ProvisionFact]  # pending bills that would count for it (from the engine)
    judgment: str | None  # the reason of an explicit judgment
    judgment_source: SourceRef | None
    note: str | None
    carried_from: tuple[tuple[str, str], ...] = ()  # (ETS 185 element id, its obligation id) the status came from
    needs_own_assessment: bool = False  # carried through a superset/intersect link: at most partial
    lang: str = "en"

    @property
    def carried_text(self) -> str | None:
        """'carried over from ETS 185 Art. 16' for a status taken through a crosswalk; None when assessed here."""
        if not self.carried_from:
            return None
        t = gettext(self.lang)
        articles = list(dict.fromkeys(o.split(".")[1].removeprefix("art") for _, o in self.carried_from))
        treaty = self.carried_from[0][0].split(".")[0]
        label = {"ets185": "ETS 185"}.get(treaty, treaty)
        text = t("carried over from {treaty} {articles}").format(
            treaty=label, articles=", ".join(article_label(a, self.lang) for a in articles)
        )
        return text + (t("; the rest needs its own assessment") if self.needs_own_assessment else "")

    @property
    def in_force(self) -> list[ProvisionFact]:
        return [p for p in self.provisions if p.in_force]


@dataclass(frozen=True)
class GapFact:
    """A critical gap: a mandatory obligation that is missing, or one of whose core elements is."""

    obligation: str
    article: str
    title: str
    kind: str
    status: str
    elements: list[ElementFact]  # the elements not (fully) in place
    bills: list[ProvisionFact]  # pending on the date and cited for one of those elements

    def _cited(self, keep) -> list[ProvisionFact]:
        seen: dict[str, ProvisionFact] = {}
        for e in self.elements:
            for p in e.provisions:
                if keep(p) and p.id not in seen:
                    seen[p.id] = p
        return list(seen.values())

    @property
    def in_force(self) -> list[ProvisionFact]:
        """Law in force on the date that the findings cite for these elements (it does not fully do the job)."""
        return self._cited(lambda p: p.in_force)

    @property
    def later(self) -> list[ProvisionFact]:
        """Cited provisions whose first step comes after the date (what happened since)."""
        return self._cited(lambda p: p.stage is Stage.not_yet)

    @property
    def ended(self) -> list[ProvisionFact]:
        """Cited provisions that lapsed or were repealed by the date."""
        return self._cited(lambda p: p.stage in (Stage.lapsed, Stage.repealed))

    @property
    def judgments(self) -> list[tuple[str, SourceRef | None]]:
        """Reasons given where an assessor judged an element missing (or unknown) despite the findings."""
        return list(dict.fromkeys((e.judgment, e.judgment_source) for e in self.elements if e.judgment))


@dataclass(frozen=True)
class EventFact:
    date: dt.date
    date_text: str
    kind: str
    kind_label: str
    title: str
    source: SourceRef
    note: str | None
    later: bool  # after the chosen date


@dataclass(frozen=True)
class HookFact:
    """A reservation or declaration the country plans, with what the treaty says it does."""

    id: str
    kind: str
    basis: str
    paragraph: str
    summary: str
    effect: str
    note: str
    source: SourceRef
    label: str = ""  # 'reservation under Art. 42 (6(3))' / '제42조에 따른 유보(제6조제3항 관련)'


@dataclass
class CountryBrief:
    iso3: str
    name: str
    treaty: str
    treaty_title: str
    treaty_short: str
    as_of: dt.date
    score: float | None
    score_with_bills: float | None
    coverage: float | None
    register_status: RegisterStatus
    register_since: dt.date | None
    register_source: SourceRef | None  # None: the register holds no entry for the country (status not recorded)
    gaps: list[GapFact]
    events: list[EventFact]
    hooks: list[HookFact]
    researched: dt.date
    summary: str | None = None
    chapters: list[tuple[str, float | None, float | None]] = field(default_factory=list)  # label, now, with bills
    lang: str = "en"
    draft: bool = False  # the working assessment, not yet approved (staff's copy): the caption says so
    today: dt.date | None = None  # the day the brief was made: a brief for a past date tells every step since
    effects: dict[dt.date, str] = field(default_factory=dict)  # step day -> what it closed or changed, in words
    precedents: dict[str, list[Precedent]] = field(default_factory=dict)  # gap obligation -> up to 3 Parties
    positions: list[PositionView] = field(default_factory=list)  # others' statements said by the date
    position_texts: dict[str, str] = field(default_factory=dict)  # position id -> its summary in the brief's language
    position_sources: dict[str, SourceRef] = field(default_factory=dict)  # position id -> where it was read
    position_authors: dict[str, str] = field(
        default_factory=dict
    )  # position id -> who said it, in the brief's language
    reason_texts: dict[str, str] = field(
        default_factory=dict
    )  # a judgment's reason as written -> in the brief's language
    assessed_on: dt.date | None = None  # when the judgments were written (the research date)
    verified_share: float | None = None  # of the assessed elements, the share resting on verified facts

    @property
    def partly_assessed(self) -> bool:
        return self.coverage is not None and self.coverage < ASSESSED_ENOUGH

    @property
    def bills(self) -> list[ProvisionFact]:
        seen: dict[str, ProvisionFact] = {}
        for g in self.gaps:
            for b in g.bills:
                seen.setdefault(b.id, b)
        return list(seen.values())


# ----------------------------------------------------------------------------------------------- helpers


def stage_text(lc: Lifecycle, when: dt.date, lang: str = "en") -> str:
    """Plain words for a provision's stage on `when`."""
    t = gettext(lang)
    stage = lc.stage_at(when)
    if stage is Stage.in_force:
        return t("in force since {date}").format(date=day(lc.in_force, lang))
    if stage is Stage.promulgated:
        return t("promulgated {date}, not yet in force").format(date=day(lc.promulgated, lang))
    if stage is Stage.passed:
        return t("passed {date}, not yet in force").format(date=day(lc.passed, lang))
    if stage is Stage.introduced:
        return t("bill introduced {date}").format(date=day(lc.introduced, lang))
    if stage is Stage.repealed:
        return t("repealed {date}").format(date=day(lc.repealed, lang))
    if stage is Stage.lapsed:
        return t("lapsed {date}").format(date=day(lc.lapsed, lang))
    first = next((d for d in (lc.introduced, lc.passed, lc.promulgated, lc.in_force) if d is not None), None)
    text = t("not yet introduced on {date}").format(date=day(when, lang))
    return text + (t(" (first step {date})").format(date=day(first, lang)) if first else "")


def history_text(lc: Lifecycle, lang: str = "en") -> str:
    """Every dated step of a provision: 'introduced 2 Oct 2025 · passed 12 Dec 2025'."""
    t = gettext(lang)
    steps = [(label_text(Vocabulary.stage, n, lang), getattr(lc, n)) for n in LIFECYCLE_STEPS]
    return " · ".join(f"{name} {day(d, lang)}" for name, d in steps if d is not None) or t("no date recorded")


#: The timeline step each lifecycle date of a provision makes.
_STAGE_EVENT = {
    "introduced": EventKind.bill_introduced,
    "passed": EventKind.law_passed,
    "promulgated": EventKind.law_promulgated,
    "in_force": EventKind.law_in_force,
}


class _Sources:
    """Look-ups into one country file."""

    def __init__(self, country: Country, content: Content):
        self.country = country
        self.content = content
        self.lang = content.lang
        self.sources = {s.id: s for s in country.sources}
        self.provisions: dict[str, Provision] = {p.id: p for p in country.provisions}
        self.assessments = {a.element: a for a in country.assessments}

    def ref(self, source_id: str | None, verified: bool) -> SourceRef:
        if source_id is None:
            return SourceRef(gettext(self.lang)(N_("no source recorded")), None, False)
        s = self.sources.get(source_id)
        return (
            SourceRef(self.content.source_title(s.title), s.url, verified)
            if s
            else SourceRef(source_id, None, verified)
        )

    def provision_fact(
        self,
        pid: str,
        when: dt.date,
        extent: str | None = None,
        note: str | None = None,
        source: str | None = None,
        verified: bool | None = None,
    ) -> ProvisionFact:
        p = self.provisions[pid]
        stage = p.lifecycle.stage_at(when)
        ref = self.ref(source or p.source, p.verified if verified is None else verified)
        t, iso3 = gettext(self.lang), self.country.iso3
        citation = self.content.citation(iso3, p)
        sponsor = self.content.bill_sponsor(iso3, p)
        number = p.bill.number if p.bill else None
        who = sponsor or t("sponsor not recorded")
        no = t("bill no. {number}").format(number=number) if number else t("bill no. not found")
        return ProvisionFact(
            id=p.id,
            citation=citation,
            summary=self.content.provision_summary(iso3, p),
            stage=stage,
            stage_text=stage_text(p.lifecycle, when, self.lang),
            history=history_text(p.lifecycle, self.lang),
            in_force=stage is Stage.in_force,
            sponsor=sponsor,
            bill_number=number,
            extent=label_text(Vocabulary.extent, extent, self.lang) if extent else None,
            note=note,
            source=ref,
            bill_label=f"{citation} ({who}, {no})",
        )


def _element_facts(catalog: Catalog, srcs: _Sources, result: CountryScore, element_ids: list[str]) -> list[ElementFact]:
    status = dict(zip(result.elements["id"], result.elements["status"].astype(str)))
    detail = result.element_detail()
    carried = result.carried
    out = []
    for eid in element_ids:
        element = catalog.elements[eid]
        a = srcs.assessments.get(eid)
        basis, capped = carried.get(eid, ([], False))
        provisions = []
        for source in ([a] if a is not None else []) + [srcs.assessments[b] for b in basis if b in srcs.assessments]:
            for f in source.findings:
                provisions.append(
                    srcs.provision_fact(f.provision, result.as_of, f.extent.value, f.note, f.source, f.verified)
                )
        bills = [srcs.provision_fact(b, result.as_of) for b in detail.get(eid, ([], []))[1]]
        j = a.judgment if a is not None else None
        out.append(
            ElementFact(
                id=eid,
                text=srcs.content.element(eid),
                status=status.get(eid, Status.unknown.value),
                core=element.core,
                optional=element.optional,
                provisions=provisions,
                bills=bills,
                judgment=srcs.content.judgment_reason(srcs.country.iso3, eid, j.reason) if j else None,
                judgment_source=srcs.ref(j.source, j.verified) if j else None,
                note=srcs.content.assessment_note(srcs.country.iso3, eid, a.note) if a is not None and a.note else None,
                carried_from=tuple((b, catalog.obligation_of_element[b]) for b in basis),
                needs_own_assessment=capped,
                lang=srcs.lang,
            )
        )
    return out


def obligation_elements(
    catalog: Catalog, result: CountryScore, obligation_id: str, lang: str = "en"
) -> list[ElementFact]:
    """Every element of one obligation for the scored country, with provisions, bills and sources."""
    srcs = _Sources(catalog.country(result.country), Content(catalog, lang))
    return _element_facts(catalog, srcs, result, [e.id for e in catalog.obligations[obligation_id].elements])


def gap_facts(catalog: Catalog, result: CountryScore, lang: str = "en") -> list[GapFact]:
    """The critical gaps of a score, with the elements that are not in place (core elements first)."""
    srcs = _Sources(catalog.country(result.country), Content(catalog, lang))
    obligations = result.obligations.set_index("id")
    out = []
    for oid, bill_ids in result.gap_bills().items():  # the scorer's gaps and their bills
        o = catalog.obligations[oid]
        facts = _element_facts(catalog, srcs, result, [e.id for e in o.elements if not e.optional])
        open_ = sorted(
            (f for f in facts if f.status in OPEN_STATUSES),
            key=lambda f: (not f.core, OPEN_STATUSES.index(Status(f.status))),
        )
        out.append(
            GapFact(
                obligation=oid,
                article=o.article,
                title=srcs.content.obligation_title(o),
                kind=o.kind.value,
                status=str(obligations.loc[oid, "status"]),
                elements=open_,
                bills=[srcs.provision_fact(b, result.as_of) for b in bill_ids],
            )
        )
    return out


def timeline_facts(catalog: Catalog, iso3: str, treaty: str, as_of: dt.date, lang: str = "en") -> list[EventFact]:
    """Accession steps (the country's events for this treaty or for none) and law changes (lifecycle dates
    of the provisions cited for this treaty), oldest first; a lifecycle date already told by an event of the
    same day and kind is not repeated."""
    srcs = _Sources(catalog.country(iso3), Content(catalog, lang))
    out: list[EventFact] = []
    told = set()
    for e in srcs.country.events:
        if e.treaty not in (None, treaty):
            continue
        ref = srcs.ref(e.source, e.verified)
        fmt = {
            "day": day(e.date, lang),
            "month": month(e.date, lang),
            "year": f"{e.date.year}년" if lang == "ko" else f"{e.date:%Y}",
        }[e.precision.value]
        out.append(
            EventFact(
                e.date,
                fmt,
                e.kind.value,
                label_text(Vocabulary.event_kind, e.kind, lang),
                srcs.content.event_title(iso3, e),
                ref,
                e.note,
                e.date > as_of,
            )
        )
        told.add((e.date, e.kind))
    cited = {f.provision for eid, a in srcs.assessments.items() if eid.startswith(f"{treaty}.") for f in a.findings}
    for pid in sorted(cited):
        p = srcs.provisions[pid]
        lc = p.lifecycle
        if p.bill is None and lc.introduced is None and lc.passed is None:
            continue  # long-standing law: its entry into force is not news
        for stage, kind in _STAGE_EVENT.items():
            d = getattr(lc, stage)
            if d is None or (d, kind) in told:
                continue
            ref = srcs.ref(p.source, lc.dates_verified)
            title = f"{srcs.content.citation(iso3, p)}: {srcs.content.provision_summary(iso3, p)}"
            out.append(
                EventFact(
                    d,
                    day(d, lang),
                    kind.value,
                    label_text(Vocabulary.event_kind, kind, lang),
                    title,
                    ref,
                    lc.note,
                    d > as_of,
                )
            )
    return sorted(out, key=lambda e: e.date)


def hook_facts(catalog: Catalog, iso3: str, treaty: str, lang: str = "en") -> list[HookFact]:
    """Reservations and declarations the country plans for this treaty."""
    srcs = _Sources(catalog.country(iso3), Content(catalog, lang))
    out = []
    for ph in srcs.country.planned_hooks:
        if not ph.hook.startswith(f"{treaty}."):
            continue
        h = catalog.hooks.get(ph.hook)
        if h is None:
            continue
        kind = label_text(Vocabulary.hook_kind, h.kind, lang)
        out.append(
            HookFact(
                h.id,
                kind,
                basis_label(h.basis, lang),
                h.paragraph,
                srcs.content.hook_summary(h),
                srcs.content.hook_effect(h),
                ph.note,
                srcs.ref(ph.source, ph.verified),
                hook_label(kind, h.basis, h.paragraph, lang),
            )
        )
    return out


def country_brief(
    catalog: Catalog, engine: Engine, iso3: str, treaty: str, as_of: dt.date, lang: str = "en"
) -> CountryBrief:
    """Every fact the Country and Brief pages show for one country and treaty on one date, in `lang`."""
    lang = normalise(lang)
    t = gettext(lang)
    content = Content(catalog, lang)
    country = catalog.country(iso3)
    tr = catalog.treaty(treaty)
    now = engine.score_country(country.iso3, treaty, as_of)
    projected = engine.score_country(country.iso3, treaty, as_of, with_bills=True)
    register = catalog.registers.get(treaty)
    entry = next((e for e in register.entries if e.iso3 == country.iso3), None) if register else None
    reg_source = None
    since = None
    if entry is not None and register is not None:
        src = next((s for s in register.sources if s.id == entry.source), None)
        reg_source = SourceRef(
            content.source_title(src.title) if src else entry.source, src.url if src else None, entry.verified
        )
        since = {
            RegisterStatus.party: entry.ratification or entry.entry_into_force,
            RegisterStatus.signatory: entry.signature,
            RegisterStatus.invited: entry.invitation,
        }.get(entry.status)
    chapter_ids = {c.title: c.id for c in tr.chapters}
    chapters = [
        (
            t("Ch. {number} {title}").format(
                number=n, title=content.chapter(treaty, chapter_ids.get(title, ""), title)
            ),
            _num(a),
            _num(b),
        )
        for n, title, a, b in zip(
            now.chapters["number"], now.chapters["title"], now.chapters["score"], projected.chapters["score"]
        )
    ]
    today = dt.date.today()
    events = timeline_facts(catalog, country.iso3, treaty, as_of, lang)
    gaps = gap_facts(catalog, now, lang)
    step_days = [e.date for e in events if e.date <= max(today, as_of) and (e.kind in LAW_STEPS or e.date > as_of)]
    effects = {
        d: effect_text(x, lang, article_label) for d, x in effects_on(engine, country.iso3, treaty, step_days).items()
    }
    views = positions(catalog, engine, country.iso3, treaty, later=as_of)
    return CountryBrief(
        today=today,
        effects=effects,
        precedents=_gap_precedents(catalog, engine, country.iso3, treaty, gaps, as_of, lang),
        positions=views,
        position_texts={
            v.position.id: content.position_summary(country.iso3, v.position.id, v.position.summary) for v in views
        },
        position_sources={
            v.position.id: _Sources(country, content).ref(v.position.source, v.position.verified) for v in views
        },
        position_authors={
            v.position.id: content.position_author(country.iso3, v.position.id, v.position.by) for v in views
        },
        reason_texts={
            a.judgment.reason: content.judgment_reason(country.iso3, a.element, a.judgment.reason)
            for a in country.assessments
            if a.judgment is not None and a.judgment.reason
        },
        assessed_on=country.researched,
        verified_share=now.verified_share,
        iso3=country.iso3,
        name=content.country_name(country),
        treaty=tr.id,
        treaty_title=content.treaty_title(tr.id),
        treaty_short=content.treaty_short(tr.id),
        as_of=as_of,
        lang=lang,
        score=now.score,
        score_with_bills=projected.score,
        coverage=now.coverage,
        register_status=entry.status if entry else RegisterStatus.none,
        register_since=since,
        register_source=reg_source,
        gaps=gaps,
        events=events,
        hooks=hook_facts(catalog, country.iso3, treaty, lang),
        researched=country.researched,
        summary=content.country_summary(country),
        chapters=chapters,
    )


#: Precedents the brief names after each gap.
BRIEF_PRECEDENTS = 3


def _gap_precedents(
    catalog: Catalog, engine: Engine, iso3: str, treaty: str, gaps: list[GapFact], as_of: dt.date, lang: str
) -> dict[str, list[Precedent]]:
    """For each gap, the best Parties for the element the brief names (its first core open element)."""
    wanted = {g.obligation: ((e for e in g.elements if e.core), g.elements) for g in gaps}
    element_of = {}
    for oid, (core, all_open) in wanted.items():
        first = next(core, None) or (all_open[0] if all_open else None)
        if first is not None:
            element_of[oid] = first.id
    found = precedents(catalog, engine, iso3, treaty, list(element_of.values()), as_of, lang, limit=BRIEF_PRECEDENTS)
    by_element = {e.id: list(e.precedents) for e in found}
    return {oid: by_element.get(eid, []) for oid, eid in element_of.items()}


def _num(x: float) -> float | None:
    return None if x != x else float(x)  # NaN -> None


# ------------------------------------------------------------------------------------------ plain words


def merge_sources(sources: list[SourceRef]) -> tuple[SourceRef, ...]:
    """One entry per (title, url), verified only when every fact read there was verified."""
    merged: dict[tuple[str, str | None], bool] = {}
    for s in sources:
        merged[(s.title, s.url)] = merged.get((s.title, s.url), True) and s.verified
    return tuple(SourceRef(t, u, v) for (t, u), v in merged.items())


@dataclass(frozen=True)
class Line:
    """One sentence or bullet of the brief and the sources it rests on."""

    text: str
    sources: tuple[SourceRef, ...] = ()
    lead: str = ""  # a short bold opening, e.g. "Art. 16 Expedited preservation"

    @property
    def verified(self) -> bool:
        return all(s.verified for s in self.sources)


_STANDING = {
    RegisterStatus.party: N_("{country} is a Party to the {treaty} ({title}){since}."),
    RegisterStatus.signatory: N_("{country} has signed but not ratified the {treaty} ({title}){since}."),
    RegisterStatus.invited: N_("{country} has been invited to accede to the {treaty} ({title}){since}."),
    RegisterStatus.none: N_("{country} is not a Party to the {treaty} ({title}){since}."),
}


def no_law_text(g: GapFact, lang: str = "en") -> str:
    """What the law says about a gap that no provision in force addresses (the Country page shows it too)."""
    t = gettext(lang)
    if g.kind == Kind.designate:
        return t(
            "Nothing has been designated yet; the designation is notified to the depositary at signature or deposit."
        )
    return t("No law in force does this yet.")


def no_bill_text(g: GapFact, lang: str = "en") -> str:
    """What would close a gap that no pending bill addresses (the Country page shows it too)."""
    t = gettext(lang)
    if g.kind == Kind.designate:
        return t(
            "No law is needed: the authority must be designated and notified, usually at signature or deposit. No "
            "designation is recorded yet."
        )
    return t("No pending bill addresses this gap; new legislation is needed.")


def _stands(b: CountryBrief) -> list[Line]:
    lang = b.lang
    t, nt = gettext(lang), ngettext(lang)
    reg = [b.register_source] if b.register_source else []
    since = t(" (since {date})").format(date=day(b.register_since, lang)) if b.register_since else ""
    stands = [
        Line(
            t(_STANDING[b.register_status]).format(
                country=b.name, treaty=b.treaty_short, title=b.treaty_title, since=since
            ),
            tuple(reg),
        )
        if b.register_source is not None
        else Line(
            t(
                "Whether {country} has signed or joined the {treaty} ({title}) is not recorded: "
                "the treaty register read holds no entry for it."
            ).format(country=b.name, treaty=b.treaty_short, title=b.treaty_title)
        ),
        Line(
            t(
                "On {date}, the law in force meets {score} of what the treaty asks (readiness score). "
                "{coverage} of the checklist has been assessed ({verified} of that verified); the rest counts as not met."
            ).format(
                date=day(b.as_of, lang),
                score=percent(b.score, lang=lang),
                coverage=percent(b.coverage, lang=lang),
                verified=percent(b.verified_share, lang=lang),
            )
            + (
                " " + t("Partly assessed: a low score here may mean 'not read yet' rather than 'missing'.")
                if b.partly_assessed
                else ""
            )
        )
        if b.score is not None
        else Line(
            t("Nothing has been assessed yet for {country} against the {treaty}: there is no readiness score.").format(
                country=b.name, treaty=b.treaty_short
            )
        ),
        Line(
            t(
                "If the pending bills passed and came into force, the score would be {score}. "
                "Only law in force counts towards the score."
            ).format(score=percent(b.score_with_bills, lang=lang))
        ),
    ]
    if b.gaps:
        stands.append(
            Line(
                nt(
                    "{n} critical gap would block or weaken accession.",
                    "{n} critical gaps would block or weaken accession.",
                    len(b.gaps),
                ).format(n=len(b.gaps))
            )
        )
    else:
        stands.append(Line(t("No critical gap remains on this date.")))
    return stands


def precedent_line(p: Precedent, lang: str) -> str:
    """One Party's way of meeting an element, in one line: who, how well, which law, since when, by which act."""
    return f"{p.name} ({status_label(p.status, lang)}): " + " ".join(
        precedent_provision_text(pr, lang) for pr in p.provisions
    )


def precedent_provision_text(pr: PrecedentProvision, lang: str) -> str:
    """'Act, Art. 8, in force since 1 Nov 2012 (Act No. 74 of 2011): what it does.'"""
    t = gettext(lang)
    since = t(", in force since {date}").format(date=day(pr.in_force, lang)) if pr.in_force else ""
    by = t(" ({act})").format(act=pr.introduced_by) if pr.introduced_by else ""
    return f"{pr.citation}{since}{by}: {pr.summary.rstrip('.')}."


def _missing(b: CountryBrief) -> list[Line]:
    lang = b.lang
    t, nt = gettext(lang), ngettext(lang)
    missing: list[Line] = []
    judged_later = b.assessed_on is not None and b.assessed_on > b.as_of
    for g in b.gaps:
        core = [e for e in g.elements if e.core]
        shown = (core or g.elements)[:1]
        parts = [f"{status_label(g.status, lang)}."]
        parts.append(t("Not met: {elements}").format(elements=" ".join(f"{e.text.rstrip('.')}." for e in shown)))
        rest = len(g.elements) - len(shown)
        if rest:
            parts.append(nt("({n} more element not met.)", "({n} more elements not met.)", rest).format(n=rest))
        sources: list[SourceRef] = []
        if g.in_force:
            parts.append(t("Law in force falls short: {laws}.").format(laws="; ".join(p.citation for p in g.in_force)))
            sources += [p.source for p in g.in_force]
        else:
            parts.append(no_law_text(g, lang))
        if judged_later and g.judgments:
            parts.append(t("(Judged on {date}, after the date of this brief.)").format(date=day(b.assessed_on, lang)))
        sources += [src for _, src in g.judgments[:1] if src]
        missing.append(
            Line(" ".join(parts), merge_sources(sources), lead=f"{article_label(g.article, lang)} {g.title}")
        )
        for p in b.precedents.get(g.obligation, []):
            refs = merge_sources([SourceRef(pr.source_title, pr.source_url, pr.verified) for pr in p.provisions])
            missing.append(Line(precedent_line(p, lang), refs, lead=t(PRECEDENTS_LEAD)))
    if not missing:
        missing.append(Line(t("Nothing critical is missing on this date.")))
    return missing


def _fixes(b: CountryBrief) -> list[Line]:
    t = gettext(b.lang)
    fixes: list[Line] = []
    for g in b.gaps:
        if g.bills:
            for bill in g.bills:
                fixes.append(
                    Line(
                        f"{bill.bill_label}, {bill.stage_text}. {bill.summary}",
                        (bill.source,),
                        lead=article_label(g.article, b.lang),
                    )
                )
        else:
            fixes.append(Line(no_bill_text(g, b.lang), lead=article_label(g.article, b.lang)))
    if not fixes:
        fixes.append(Line(t("No bill is needed for a critical gap.")))
    return fixes


def _step_line(b: CountryBrief, e: EventFact) -> Line:
    effect = b.effects.get(e.date, "")
    return Line(
        f"{e.kind_label}: {e.title.rstrip('.')}." + (f" {effect}" if effect else ""), (e.source,), lead=e.date_text
    )


def _changed(b: CountryBrief) -> list[Line]:
    """Each step of each bill and law up to the date, with what it closed or changed."""
    steps = [_step_line(b, e) for e in b.events if not e.later and e.kind in LAW_STEPS]
    return steps or [Line(gettext(b.lang)("No bill or law has moved an obligation of this treaty up to this date."))]


def other_view_lines(b: CountryBrief) -> list[Line]:
    """Each sourced statement on readiness said by the date, set plainly beside this assessment."""
    lang = b.lang
    t = gettext(lang)
    lines = []
    for v in b.positions:
        p = v.position
        text = [b.position_texts.get(p.id, p.summary).rstrip(".") + "."]
        articles = ", ".join(article_label(d.article, lang) for d in v.differences) if v.differences else ""
        if v.differs and articles:
            text.append(t("This assessment differs on {articles} on that date.").format(articles=articles))
            weightiest = sorted(
                (d for d in v.differences if d.reasons), key=lambda d: (d.assessed != "missing", d.kind == "designate")
            )
            if weightiest:
                d = weightiest[0]
                text.append(
                    t("Its reason ({article}): {reason}").format(
                        article=article_label(d.article, lang),
                        reason=b.reason_texts.get(d.reasons[0], d.reasons[0]).rstrip(".") + ".",
                    )
                )
        elif v.differs:
            text.append(t("This assessment differs: it finds no critical gap on that date."))
        else:
            text.append(t("This assessment agrees on that date."))
        if v.later is not None and v.later_date is not None:
            still = ", ".join(article_label(d.article, lang) for d in v.later.differences)
            if still:  # 'still' only where it differed on the position's own date too
                later = (
                    t("On {date} it still differs on {articles}.")
                    if v.differs
                    else t("On {date} it differs on {articles}.")
                )
                text.append(later.format(date=day(v.later_date, lang), articles=still))
            else:
                text.append(t("On {date} the assessment agrees with it.").format(date=day(v.later_date, lang)))
        lines.append(
            Line(
                " ".join(text),
                (b.position_sources.get(p.id, SourceRef(p.source, None, p.verified)),),
                lead=t("{who}, {date}").format(who=b.position_authors.get(p.id, p.by), date=day(p.date, lang)),
            )
        )
    return lines or [Line(t("No other view on this country's readiness is recorded."))]


def _next(b: CountryBrief) -> list[Line]:
    t = gettext(b.lang)
    nxt: list[Line] = []
    for bill in b.bills:
        if bill.stage is Stage.introduced:
            nxt.append(
                Line(
                    t("{bill} has to pass parliament and come into force before it counts.").format(bill=bill.citation),
                    (bill.source,),
                )
            )
        else:
            nxt.append(
                Line(
                    t("{bill} ({stage}) has to come into force before it counts.").format(
                        bill=bill.citation, stage=bill.stage_text
                    ),
                    (bill.source,),
                )
            )
    step = (
        {
            RegisterStatus.invited: N_(
                "Once the gaps are closed, the country can deposit its instrument of accession."
            ),
            RegisterStatus.signatory: N_(
                "Once the gaps are closed, the country can ratify and deposit its instrument."
            ),
            RegisterStatus.party: N_("As a Party, it keeps its law in line and may review its reservations."),
            RegisterStatus.none: N_(
                "To join, the country first needs an invitation to accede (or must sign, if it may)."
            ),
        }[b.register_status]
        if b.register_source is not None
        else N_("Check the depositary's record of signatures and ratifications for this country.")
    )
    nxt.append(Line(t(step)))
    for h in b.hooks:
        lead = t("Planned: {hook}").format(hook=h.label)
        nxt.append(Line(h.summary, (h.source,), lead=lead))
    return nxt


def _since(b: CountryBrief) -> list[Line]:
    """Every step after the date, down to the day the brief was made: a printout never points elsewhere."""
    until = b.today or dt.date.today()
    return [_step_line(b, e) for e in b.events if e.later and e.date <= until]


#: The lead of a precedent line in the brief.
PRECEDENTS_LEAD = N_("How Parties provide it")


def brief_sections(b: CountryBrief) -> list[tuple[str, list[Line]]]:
    """The brief as (heading, lines), in reading order: where the country stands, what is missing (and how
    Parties provide it), which bill fixes it, what changed, other views, what happens next, and, for a past
    date, every step since."""
    t = gettext(b.lang)
    sections = [
        (t("Where it stands"), _stands(b)),
        (t("What is missing"), _missing(b)),
        (t("Which bill fixes it"), _fixes(b)),
        (t("What changed"), _changed(b)),
        (t("Other views"), other_view_lines(b)),
        (t("What happens next"), _next(b)),
    ]
    since = _since(b)
    if since:
        sections.append((t("Since then, down to {date}").format(date=day(b.today or dt.date.today(), b.lang)), since))
    return sections


def brief_title(b: CountryBrief) -> str:
    """'Republic of Korea and the Budapest Convention' / '대한민국과 부다페스트 협약'."""
    return gettext(b.lang)(N_("{country} and the {treaty}")).format(country=b.name, treaty=b.treaty_short)


def brief_caption(b: CountryBrief) -> str:
    """The line under the title of the PDF and Word brief; a draft's begins by saying it is one."""
    t = gettext(b.lang)
    caption = t(
        "Readiness brief as of {date}. Research last checked {checked}. Scores count only law in force; "
        "bills are shown beside them."
    ).format(date=day(b.as_of, b.lang), checked=day(b.researched, b.lang))
    if not b.draft:
        return caption
    return (
        t("{mark}: a working assessment; aides see the approved one.").format(mark=t(DRAFT_MARK).capitalize())
        + " "
        + caption
    )


def _numbered_sources(b: CountryBrief) -> tuple[list[tuple[str, list[Line]]], dict[tuple[str, str | None], int]]:
    sections = brief_sections(b)
    numbers: dict[tuple[str, str | None], int] = {}
    for _, lines in sections:
        for line in lines:
            for src in line.sources:
                numbers.setdefault((src.title, src.url), len(numbers) + 1)
    return sections, numbers


def _tail(line: Line, numbers: dict[tuple[str, str | None], int], lang: str) -> str:
    refs = "".join(dict.fromkeys(f"[{numbers[(s.title, s.url)]}]" for s in line.sources))
    tail = f" {refs}" if refs else ""
    if line.sources and not line.verified:
        tail += " " + gettext(lang)(N_("(unverified)"))
    return tail


# ------------------------------------------------------------------------------------------------- fonts


class NoFontError(RuntimeError):
    """No installed font covers the characters of this brief: the PDF would drop them, so none is written."""

    def __init__(self, missing: str, lang: str = "en"):
        self.missing = missing
        super().__init__(
            gettext(lang)(
                N_(
                    "No font that covers these characters is installed ({chars}): install fonts-nanum or fonts-noto-cjk, "
                    "or name a font file in ASSESSMENT_PDF_FONT. The Word brief shows them in the reader's own fonts."
                )
            ).format(chars=missing[:20])
        )


_KNOWN_FONTS = (  # Debian's packages, in order of preference: (regular, bold)
    ("/usr/share/fonts/truetype/nanum/NanumGothic.ttf", "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf"),
    (
        "/usr/share/fonts/truetype/nanum/NanumBarunGothic.ttf",
        "/usr/share/fonts/truetype/nanum/NanumBarunGothicBold.ttf",
    ),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
)
_ASCII = str.maketrans(
    {
        "✓": "v",
        "✗": "x",
        "◐": "~",
        "–": "-",
        "—": "-",
        "’": "'",
        "‘": "'",
        "“": '"',
        "”": '"',
        "…": "...",
        "●": "*",
        "○": "o",
        "◑": "~",
    }
)
_SYMBOL_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _fc_match(pattern: str) -> Path | None:
    if shutil.which("fc-match") is None:
        return None
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, timeout=5
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(out) if out and Path(out).exists() else None


def _covers(path: Path, chars: str) -> bool:
    return not _uncovered([path], chars)


def _cmap(path: Path) -> set[int]:
    from fontTools.ttLib import TTCollection, TTFont

    font = TTCollection(str(path)).fonts[0] if path.suffix.lower() == ".ttc" else TTFont(str(path), lazy=True)
    return set(font.getBestCmap() or {})


_CMAPS: dict[Path, set[int]] = {}


def _uncovered(paths: list[Path], chars: str) -> str:
    covered: set[int] = set()
    for p in paths:
        if p not in _CMAPS:
            _CMAPS[p] = _cmap(p)
        covered |= _CMAPS[p]
    return "".join(c for c in dict.fromkeys(chars) if not c.isspace() and ord(c) not in covered)


def find_pdf_fonts() -> tuple[Path, Path] | None:
    """(regular, bold) font files covering Hangul: ASSESSMENT_PDF_FONT, then fontconfig, then Debian's paths."""
    named = os.environ.get("ASSESSMENT_PDF_FONT")
    if named:
        path = Path(named)
        return (path, path) if path.exists() else None
    candidates: list[tuple[Path, Path]] = []
    regular = _fc_match(":lang=ko")
    if regular is not None:
        candidates.append((regular, _fc_match(":lang=ko:weight=bold") or regular))
    candidates += [(Path(r), Path(b) if Path(b).exists() else Path(r)) for r, b in _KNOWN_FONTS if Path(r).exists()]
    for regular, bold in candidates:
        try:
            if _covers(regular, "한국어"):
                return regular, bold
        except Exception:  # noqa: BLE001 - a font file fontTools cannot read is simply not a candidate
            continue
    return None


def _han_font() -> Path | None:
    """A font for Japanese kanji and kana (fontconfig's choice for Japanese, e.g. Debian's fonts-ipafont-gothic)."""
    path = _fc_match(":lang=ja")
    try:
        return path if path is not None and _covers(path, "刑事訴訟法捜") else None
    except Exception:  # noqa: BLE001 - a font file fontTools cannot read is simply not used
        return None


def pdf_font_available(lang: str = "en") -> bool:
    """Whether brief_pdf can write a brief in `lang` (the Brief page offers Word instead when not)."""
    return lang == "en" or find_pdf_fonts() is not None


# ------------------------------------------------------------------------------------------------- PDF


def _pdf_fonts(pdf, everything: str, lang: str):
    """Register the fonts that cover `everything` (Hangul, symbols, Japanese kanji) and return (font name, a
    cleaner for text); NoFontError names the characters no installed font covers (nothing is dropped)."""
    fonts = find_pdf_fonts()
    files = [fonts[0]] if fonts else []
    if _SYMBOL_FONT.exists():
        files.append(_SYMBOL_FONT)
    han = _han_font() if fonts else None  # Japanese statute titles (刑事訴訟法) beyond the Korean font's hanja
    if han is not None:
        files.append(han)
    if files:
        missing = _uncovered(files, everything)
        if missing:
            raise NoFontError(missing, lang)
        font, clean = "Brief", (lambda text: text)
        main = fonts if fonts else (_SYMBOL_FONT, _SYMBOL_FONT.with_name("DejaVuSans-Bold.ttf"))
        for style, path in (("", main[0]), ("B", main[1] if main[1].exists() else main[0])):
            extra = {"collection_font_number": 0} if path.suffix.lower() == ".ttc" else {}
            pdf.add_font(font, style, str(path), **extra)
        fallbacks = []
        if fonts and _SYMBOL_FONT.exists():
            pdf.add_font("Symbols", "", str(_SYMBOL_FONT))
            pdf.add_font("Symbols", "B", str(_SYMBOL_FONT))
            fallbacks.append("Symbols")
        if han is not None:
            extra = {"collection_font_number": 0} if han.suffix.lower() == ".ttc" else {}
            pdf.add_font("Han", "", str(han), **extra)
            pdf.add_font("Han", "B", str(han), **extra)
            fallbacks.append("Han")
        if fallbacks:
            pdf.set_fallback_fonts(fallbacks, exact_match=False)
    else:  # no font file at all: the built-in Helvetica, symbols spelt in ASCII, and nothing else may be lost
        missing = "".join(c for c in dict.fromkeys(everything.translate(_ASCII)) if ord(c) > 255)
        if missing:
            raise NoFontError(missing, lang)
        font = "Helvetica"

        def clean(text: str) -> str:
            return text.translate(_ASCII)

    return font, clean


def brief_pdf(b: CountryBrief) -> bytes:
    """The brief on A4 as a text PDF (selectable, searchable), with numbered sources and their links.

    fpdf2 writes it in a few milliseconds in pure Python. The font is one found at run time that covers
    Hangul (find_pdf_fonts), with DejaVu Sans for symbols; every character is checked against the fonts
    first, and NoFontError is raised rather than a character dropped.
    """
    import logging

    from fpdf import FPDF  # imported here so the pages that never export do not pay for it

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)  # it lists every table it does not subset
    t = gettext(b.lang)
    sections, numbers = _numbered_sources(b)
    texts = [
        brief_title(b),
        brief_caption(b),
        t("Sources"),
        t("Law in force, {date}").format(date=day(b.as_of, b.lang)),
        t("If the pending bills pass"),
        percent(b.score, lang=b.lang),
        percent(b.score_with_bills, lang=b.lang),
    ]
    for heading, lines in sections:
        texts.append(heading)
        texts += [f"- {line.lead}: {line.text}{_tail(line, numbers, b.lang)}" for line in lines]
    texts += [f"[{n}] {title}" + (f" - {url}" if url else "") for (title, url), n in numbers.items()]
    everything = "".join(texts)

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(18, 16, 18)
    font, clean = _pdf_fonts(pdf, everything, b.lang)

    pdf.set_title(clean(t("{country}: {treaty} readiness brief").format(country=b.name, treaty=b.treaty_short)))
    pdf.set_lang(b.lang)
    pdf.set_creator("Accession Readiness")
    pdf.add_page()
    width = pdf.epw
    pdf.set_font(font, "B", 17)
    pdf.multi_cell(width, 8, clean(brief_title(b)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 10)
    pdf.set_text_color(80, 80, 80)
    pdf.multi_cell(width, 5, clean(brief_caption(b)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    _score_bars(pdf, font, clean, b, width)

    for heading, lines in sections:
        pdf.ln(2)
        pdf.set_font(font, "B", 13)
        pdf.cell(width, 7, clean(heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(font, "", 10)
        for line in lines:
            pdf.set_x(pdf.l_margin)
            pdf.set_font(font, "", 10)
            pdf.write(4.9, "- ")
            if line.lead:
                pdf.set_font(font, "B", 10)
                pdf.write(4.9, clean(line.lead + ": "))
                pdf.set_font(font, "", 10)
            pdf.write(4.9, clean(line.text + _tail(line, numbers, b.lang)))
            pdf.ln(5.8)
    if numbers:
        pdf.ln(2)
        pdf.set_font(font, "B", 12)
        pdf.cell(width, 7, clean(t("Sources")), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(font, "", 7.5)
        for (title, url), n in numbers.items():
            pdf.set_x(pdf.l_margin)
            pdf.multi_cell(
                width,
                3.8,
                clean(f"[{n}] {title}" + (f" - {url}" if url else "")),
                new_x="LMARGIN",
                new_y="NEXT",
                link=url or "",
                align="L",
            )
    return bytes(pdf.output())


def _score_bars(pdf, font: str, clean, b: CountryBrief, width: float) -> None:
    """Two bars: the score on the date and with the bills, drawn with rectangles (no image, prints crisply)."""
    t = gettext(b.lang)
    label_w, bar_w = 62, width - 62 - 22
    for label, value, colour in (
        (t("Law in force, {date}").format(date=day(b.as_of, b.lang)), b.score, rgb(SERIES_COLOUR[Series.now])),
        (t("If the pending bills pass"), b.score_with_bills, rgb(SERIES_COLOUR[Series.with_bills])),
    ):
        y = pdf.get_y()
        pdf.set_font(font, "", 10)
        pdf.cell(label_w, 6, clean(label))
        pdf.set_draw_color(120, 120, 120)
        pdf.rect(pdf.l_margin + label_w, y + 1, bar_w, 4)
        if value:
            pdf.set_fill_color(*colour)
            pdf.rect(pdf.l_margin + label_w, y + 1, bar_w * value, 4, style="F")
        pdf.set_xy(pdf.l_margin + label_w + bar_w + 2, y)
        pdf.set_font(font, "B", 10)
        pdf.cell(20, 6, clean(percent(value, lang=b.lang)), new_x="LMARGIN", new_y="NEXT")


# ------------------------------------------------------------------------------------------------ Word


def brief_docx(b: CountryBrief) -> bytes:
    """The brief as an editable Word document. No font is embedded or forced: the text is tagged with its
    language (ko-KR for Korean), so Word shows it in the reader's own fonts and aides can edit it."""
    import io

    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    t = gettext(b.lang)
    sections, numbers = _numbered_sources(b)
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    rpr = normal.element.get_or_add_rPr()
    lang_el = rpr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang_el)
    lang_el.set(qn("w:val"), "ko-KR" if b.lang == "ko" else "en-GB")
    lang_el.set(qn("w:eastAsia"), "ko-KR")
    doc.core_properties.title = t("{country}: {treaty} readiness brief").format(country=b.name, treaty=b.treaty_short)
    doc.core_properties.language = "ko-KR" if b.lang == "ko" else "en-GB"
    doc.add_heading(brief_title(b), level=1)
    caption = doc.add_paragraph(brief_caption(b))
    for run in caption.runs:
        run.font.color.rgb = RGBColor(80, 80, 80)
    in_force, with_bills = t("Law in force, {date}").format(date=day(b.as_of, b.lang)), t("If the pending bills pass")
    doc.add_paragraph(
        f"{in_force}: {percent(b.score, lang=b.lang)} · {with_bills}: {percent(b.score_with_bills, lang=b.lang)}"
    )
    for heading, lines in sections:
        doc.add_heading(heading, level=2)
        for line in lines:
            para = doc.add_paragraph(style="List Bullet")
            if line.lead:
                para.add_run(line.lead + ": ").bold = True
            para.add_run(line.text + _tail(line, numbers, b.lang))
    if numbers:
        doc.add_heading(t("Sources"), level=2)
        for (title, url), n in numbers.items():
            para = doc.add_paragraph(f"[{n}] {title}" + (f" - {url}" if url else ""))
            for run in para.runs:
                run.font.size = Pt(8)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


__all__ = [
    "CountryBrief",
    "ElementFact",
    "EventFact",
    "GapFact",
    "HookFact",
    "Line",
    "ProvisionFact",
    "SourceRef",
    "NoFontError",
    "brief_caption",
    "brief_docx",
    "brief_pdf",
    "brief_sections",
    "brief_title",
    "find_pdf_fonts",
    "pdf_font_available",
    "country_brief",
    "gap_facts",
    "hook_facts",
    "no_bill_text",
    "no_law_text",
    "obligation_elements",
    "stage_text",
    "timeline_facts",
]
