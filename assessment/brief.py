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
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import Catalog
from .models import Country, EventKind, HookKind, Kind, Lifecycle, Provision, Stage
from .scoring import CountryScore, Engine
from .vocab import OPEN_STATUSES, SERIES_COLOUR, RegisterStatus, Series, Status, day, percent, rgb, status_style

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

    @property
    def is_bill(self) -> bool:
        return not self.in_force and self.stage in (Stage.introduced, Stage.passed, Stage.promulgated)

    @property
    def bill_label(self) -> str:
        """'Criminal Procedure Act (amendment bill), Art. 218-3 (Kim Hangyu, bill no. not found)'"""
        who = self.sponsor or "sponsor not recorded"
        number = f"bill no. {self.bill_number}" if self.bill_number else "bill no. not found"
        return f"{self.citation} ({who}, {number})"


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

    @property
    def carried_text(self) -> str | None:
        """'carried over from ETS 185 Art. 16' for a status taken through a crosswalk; None when assessed here."""
        if not self.carried_from:
            return None
        articles = list(dict.fromkeys(o.split(".")[1].removeprefix("art") for _, o in self.carried_from))
        treaty = self.carried_from[0][0].split(".")[0]
        label = {"ets185": "ETS 185"}.get(treaty, treaty)
        text = f"carried over from {label} Art. {', '.join(articles)}"
        return text + ("; the rest needs its own assessment" if self.needs_own_assessment else "")

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

    @property
    def bills(self) -> list[ProvisionFact]:
        seen: dict[str, ProvisionFact] = {}
        for g in self.gaps:
            for b in g.bills:
                seen.setdefault(b.id, b)
        return list(seen.values())


# ----------------------------------------------------------------------------------------------- helpers


def stage_text(lc: Lifecycle, when: dt.date) -> str:
    """Plain words for a provision's stage on `when`."""
    stage = lc.stage_at(when)
    if stage is Stage.in_force:
        return f"in force since {day(lc.in_force)}"
    if stage is Stage.promulgated:
        return f"promulgated {day(lc.promulgated)}, not yet in force"
    if stage is Stage.passed:
        return f"passed {day(lc.passed)}, not yet in force"
    if stage is Stage.introduced:
        return f"bill introduced {day(lc.introduced)}"
    if stage is Stage.repealed:
        return f"repealed {day(lc.repealed)}"
    if stage is Stage.lapsed:
        return f"lapsed {day(lc.lapsed)}"
    first = next((d for d in (lc.introduced, lc.passed, lc.promulgated, lc.in_force) if d is not None), None)
    return f"not yet introduced on {day(when)}" + (f" (first step {day(first)})" if first else "")


def history_text(lc: Lifecycle) -> str:
    """Every dated step of a provision: 'introduced 2 Oct 2025 · passed 12 Dec 2025'."""
    steps = [(n.replace("_", " "), getattr(lc, n)) for n in ("introduced", "passed", "promulgated", "in_force", "repealed", "lapsed")]
    return " · ".join(f"{name} {day(d)}" for name, d in steps if d is not None) or "no date recorded"


_EVENT_LABEL = {
    EventKind.letter_of_intent: "Letter of intent",
    EventKind.invitation: "Invitation to accede",
    EventKind.signature: "Signature",
    EventKind.ratification: "Ratification",
    EventKind.accession: "Accession",
    EventKind.deposit: "Deposit of instrument",
    EventKind.entry_into_force: "Entry into force",
    EventKind.consent: "Parliamentary consent",
    EventKind.bill_introduced: "Bill introduced",
    EventKind.law_passed: "Law passed",
    EventKind.law_promulgated: "Law promulgated",
    EventKind.law_in_force: "Law in force",
    EventKind.statement: "Statement",
    EventKind.other: "Other",
}
_STAGE_EVENT = {
    "introduced": EventKind.bill_introduced,
    "passed": EventKind.law_passed,
    "promulgated": EventKind.law_promulgated,
    "in_force": EventKind.law_in_force,
}


class _Sources:
    """Look-ups into one country file."""

    def __init__(self, country: Country):
        self.country = country
        self.sources = {s.id: s for s in country.sources}
        self.provisions: dict[str, Provision] = {p.id: p for p in country.provisions}
        self.assessments = {a.element: a for a in country.assessments}

    def ref(self, source_id: str | None, verified: bool) -> SourceRef:
        if source_id is None:
            return SourceRef("no source recorded", None, False)
        s = self.sources.get(source_id)
        return SourceRef(s.title, s.url, verified) if s else SourceRef(source_id, None, verified)

    def provision_fact(self, pid: str, when: dt.date, extent: str | None = None, note: str | None = None,
                       source: str | None = None, verified: bool | None = None) -> ProvisionFact:
        p = self.provisions[pid]
        stage = p.lifecycle.stage_at(when)
        ref = self.ref(source or p.source, p.verified if verified is None else verified)
        return ProvisionFact(
            id=p.id, citation=p.citation, summary=p.summary, stage=stage, stage_text=stage_text(p.lifecycle, when),
            history=history_text(p.lifecycle),
            in_force=stage is Stage.in_force, sponsor=p.bill.sponsor if p.bill else None,
            bill_number=p.bill.number if p.bill else None, extent=extent, note=note, source=ref,
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
                provisions.append(srcs.provision_fact(f.provision, result.as_of, f.extent.value, f.note, f.source, f.verified))
        bills = [srcs.provision_fact(b, result.as_of) for b in detail.get(eid, ([], []))[1]]
        j = a.judgment if a is not None else None
        out.append(
            ElementFact(
                id=eid, text=element.text, status=status.get(eid, Status.unknown.value), core=element.core,
                optional=element.optional, provisions=provisions, bills=bills,
                judgment=j.reason if j else None, judgment_source=srcs.ref(j.source, j.verified) if j else None,
                note=a.note if a is not None else None,
                carried_from=tuple((b, catalog.obligation_of_element[b]) for b in basis), needs_own_assessment=capped,
            )
        )
    return out


def obligation_elements(catalog: Catalog, result: CountryScore, obligation_id: str) -> list[ElementFact]:
    """Every element of one obligation for the scored country, with provisions, bills and sources."""
    srcs = _Sources(catalog.country(result.country))
    return _element_facts(catalog, srcs, result, [e.id for e in catalog.obligations[obligation_id].elements])


def gap_facts(catalog: Catalog, result: CountryScore) -> list[GapFact]:
    """The critical gaps of a score, with the elements that are not in place (core elements first)."""
    srcs = _Sources(catalog.country(result.country))
    obligations = result.obligations.set_index("id")
    out = []
    for oid, bill_ids in result.gap_bills().items():  # the scorer's gaps and their bills
        o = catalog.obligations[oid]
        facts = _element_facts(catalog, srcs, result, [e.id for e in o.elements if not e.optional])
        open_ = sorted((f for f in facts if f.status in OPEN_STATUSES), key=lambda f: (not f.core, OPEN_STATUSES.index(Status(f.status))))
        out.append(
            GapFact(
                obligation=oid, article=o.article, title=o.title, kind=o.kind.value,
                status=str(obligations.loc[oid, "status"]), elements=open_,
                bills=[srcs.provision_fact(b, result.as_of) for b in bill_ids],
            )
        )
    return out


def timeline_facts(catalog: Catalog, iso3: str, treaty: str, as_of: dt.date) -> list[EventFact]:
    """Accession steps (the country's events for this treaty or for none) and law changes (lifecycle dates
    of the provisions cited for this treaty), oldest first; a lifecycle date already told by an event of the
    same day and kind is not repeated."""
    srcs = _Sources(catalog.country(iso3))
    out: list[EventFact] = []
    told = set()
    for e in srcs.country.events:
        if e.treaty not in (None, treaty):
            continue
        ref = srcs.ref(e.source, e.verified)
        fmt = {"day": day(e.date), "month": f"{e.date:%b %Y}", "year": f"{e.date:%Y}"}[e.precision.value]
        out.append(EventFact(e.date, fmt, e.kind.value, _EVENT_LABEL[e.kind], e.title, ref, e.note, e.date > as_of))
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
            out.append(EventFact(d, day(d), kind.value, _EVENT_LABEL[kind], f"{p.citation}: {p.summary}", ref, lc.note, d > as_of))
    return sorted(out, key=lambda e: e.date)


def hook_facts(catalog: Catalog, iso3: str, treaty: str) -> list[HookFact]:
    """Reservations and declarations the country plans for this treaty."""
    srcs = _Sources(catalog.country(iso3))
    out = []
    for ph in srcs.country.planned_hooks:
        if not ph.hook.startswith(f"{treaty}."):
            continue
        h = catalog.hooks.get(ph.hook)
        if h is None:
            continue
        out.append(HookFact(h.id, h.kind.value, h.basis, h.paragraph, h.summary, h.effect, ph.note, srcs.ref(ph.source, ph.verified)))
    return out


def country_brief(catalog: Catalog, engine: Engine, iso3: str, treaty: str, as_of: dt.date) -> CountryBrief:
    """Every fact the Country and Brief pages show for one country and treaty on one date."""
    country = catalog.country(iso3)
    t = catalog.treaty(treaty)
    now = engine.score_country(country.iso3, treaty, as_of)
    projected = engine.score_country(country.iso3, treaty, as_of, with_bills=True)
    register = catalog.registers.get(treaty)
    entry = next((e for e in register.entries if e.iso3 == country.iso3), None) if register else None
    reg_source = None
    since = None
    if entry is not None and register is not None:
        src = next((s for s in register.sources if s.id == entry.source), None)
        reg_source = SourceRef(src.title if src else entry.source, src.url if src else None, entry.verified)
        since = {RegisterStatus.party: entry.ratification or entry.entry_into_force, RegisterStatus.signatory: entry.signature,
                 RegisterStatus.invited: entry.invitation}.get(entry.status)
    chapters = [
        (f"Ch. {n} {title}", _num(a), _num(b))
        for n, title, a, b in zip(now.chapters["number"], now.chapters["title"], now.chapters["score"], projected.chapters["score"])
    ]
    return CountryBrief(
        iso3=country.iso3, name=country.name, treaty=t.id, treaty_title=t.title, treaty_short=t.short_title, as_of=as_of,
        score=now.score, score_with_bills=projected.score, coverage=now.coverage,
        register_status=entry.status if entry else RegisterStatus.none, register_since=since, register_source=reg_source,
        gaps=gap_facts(catalog, now), events=timeline_facts(catalog, country.iso3, treaty, as_of),
        hooks=hook_facts(catalog, country.iso3, treaty), researched=country.researched, summary=country.summary,
        chapters=chapters,
    )


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


LATER_EVENTS = 4  # steps after the chosen date that the brief lists before pointing to the timeline

_STANDING = {
    RegisterStatus.party: "is a Party to",
    RegisterStatus.signatory: "has signed but not ratified",
    RegisterStatus.invited: "has been invited to accede to",
    RegisterStatus.none: "is not a Party to",
}


def no_law_text(g: GapFact) -> str:
    """What the law says about a gap that no provision in force addresses (the Country page shows it too)."""
    if g.kind == Kind.designate:
        return "Nothing has been designated yet; the designation is notified to the depositary at signature or deposit."
    return "No law in force does this yet."


def no_bill_text(g: GapFact) -> str:
    """What would close a gap that no pending bill addresses (the Country page shows it too)."""
    if g.kind == Kind.designate:
        return "No law is needed: the authority must be designated and notified, usually at signature or deposit. No designation is recorded yet."
    return "No pending bill addresses this gap; new legislation is needed."


def brief_sections(b: CountryBrief) -> list[tuple[str, list[Line]]]:
    """The brief as (heading, lines): where the country stands, what is missing, which bill fixes it, what next."""
    reg = [b.register_source] if b.register_source else []
    since = f" (since {day(b.register_since)})" if b.register_since else ""
    stands = [
        Line(f"{b.name} {_STANDING[b.register_status]} the {b.treaty_short} ({b.treaty_title}){since}.", tuple(reg))
        if b.register_source is not None
        else Line(f"Whether {b.name} has signed or joined the {b.treaty_short} ({b.treaty_title}) is not recorded: "
                  "the treaty register read holds no entry for it."),
        Line(
            f"On {day(b.as_of)}, the law in force meets {percent(b.score)} of what the treaty asks "
            f"(readiness score). {percent(b.coverage)} of the checklist has been assessed; the rest counts as not met."
        )
        if b.score is not None
        else Line(f"Nothing has been assessed yet for {b.name} against the {b.treaty_short}: there is no readiness score."),
        Line(f"If the pending bills passed and came into force, the score would be {percent(b.score_with_bills)}. "
             "Only law in force counts towards the score."),
    ]
    if b.gaps:
        stands.append(Line(f"{len(b.gaps)} critical gap{'s' if len(b.gaps) != 1 else ''} would block or weaken accession."))
    else:
        stands.append(Line("No critical gap remains on this date."))

    missing: list[Line] = []
    for g in b.gaps:
        core = [e for e in g.elements if e.core]
        shown = (core or g.elements)[:1]
        parts = [f"{status_style(g.status).label}."]
        parts.append("Not met: " + " ".join(f"{e.text.rstrip('.')}." for e in shown))
        rest = len(g.elements) - len(shown)
        if rest:
            parts.append(f"({rest} more element{'s' if rest != 1 else ''} not met.)")
        sources: list[SourceRef] = []
        if g.in_force:
            parts.append("Law in force falls short: " + "; ".join(p.citation for p in g.in_force) + ".")
            sources += [p.source for p in g.in_force]
        else:
            parts.append(no_law_text(g))
        sources += [src for _, src in g.judgments[:1] if src]
        missing.append(Line(" ".join(parts), merge_sources(sources), lead=f"Art. {g.article} {g.title}"))
    if not missing:
        missing.append(Line("Nothing critical is missing on this date."))

    fixes: list[Line] = []
    for g in b.gaps:
        if g.bills:
            for bill in g.bills:
                fixes.append(Line(f"{bill.bill_label}, {bill.stage_text}. {bill.summary}", (bill.source,), lead=f"Art. {g.article}"))
        else:
            fixes.append(Line(no_bill_text(g), lead=f"Art. {g.article}"))
    if not fixes:
        fixes.append(Line("No bill is needed for a critical gap."))

    nxt: list[Line] = []
    for bill in b.bills:
        if bill.stage is Stage.introduced:
            nxt.append(Line(f"{bill.citation} has to pass parliament and come into force before it counts.", (bill.source,)))
        else:
            nxt.append(Line(f"{bill.citation} ({bill.stage_text}) has to come into force before it counts.", (bill.source,)))
    step = {
        RegisterStatus.invited: "Once the gaps are closed, the country can deposit its instrument of accession.",
        RegisterStatus.signatory: "Once the gaps are closed, the country can ratify and deposit its instrument.",
        RegisterStatus.party: "As a Party, it keeps its law in line and may review its reservations.",
        RegisterStatus.none: "To join, the country first needs an invitation to accede (or must sign, if it may).",
    }[b.register_status] if b.register_source is not None else "Check the depositary's record of signatures and ratifications for this country."
    nxt.append(Line(step))
    for h in b.hooks:
        kind = "reservation" if h.kind == HookKind.reservation.value else "declaration"
        nxt.append(Line(h.summary, (h.source,), lead=f"Planned {kind} under {h.basis} ({h.paragraph})"))
    later = [e for e in b.events if e.later]
    for e in later[:LATER_EVENTS]:
        nxt.append(Line(f"{e.kind_label}: {e.title.rstrip('.')}.", (e.source,), lead=f"Since then, {e.date_text}"))
    if len(later) > LATER_EVENTS:
        nxt.append(Line(f"{len(later) - LATER_EVENTS} more later steps are on the country page's timeline."))
    return [
        ("Where it stands", stands),
        ("What is missing", missing),
        ("Which bill fixes it", fixes),
        ("What happens next", nxt),
    ]


# ------------------------------------------------------------------------------------------------- PDF

_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
_ASCII = str.maketrans({"✓": "v", "✗": "x", "◐": "~", "–": "-", "—": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "...", "●": "*", "○": "o", "◑": "~"})


def brief_pdf(b: CountryBrief) -> bytes:
    """The brief on A4 as a text PDF (selectable, searchable), with numbered sources and their links.

    fpdf2 writes it in a few milliseconds in pure Python; a browser-based export would need Chromium on the
    server. DejaVu Sans is used when installed (for accents and symbols); otherwise the built-in Helvetica
    with the symbols spelt in ASCII.
    """
    from fpdf import FPDF  # imported here so the pages that never export do not pay for it

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(18, 16, 18)
    regular = next((d / "DejaVuSans.ttf" for d in _FONT_DIRS if (d / "DejaVuSans.ttf").exists()), None)
    bold = regular.with_name("DejaVuSans-Bold.ttf") if regular else None
    if regular and bold and bold.exists():
        pdf.add_font("Brief", "", str(regular))
        pdf.add_font("Brief", "B", str(bold))
        font, clean = "Brief", (lambda s: s)
    else:
        font = "Helvetica"

        def clean(s: str) -> str:
            return s.translate(_ASCII).encode("latin-1", "replace").decode("latin-1")

    pdf.set_title(f"{b.name}: {b.treaty_short} readiness brief")
    pdf.set_creator("Accession Readiness")
    pdf.add_page()
    width = pdf.epw
    pdf.set_font(font, "B", 17)
    pdf.multi_cell(width, 8, clean(f"{b.name} and the {b.treaty_short}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 10)
    pdf.set_text_color(80, 80, 80)
    pdf.multi_cell(width, 5, clean(f"Readiness brief as of {day(b.as_of)}. Research last checked {day(b.researched)}. "
                                   "Scores count only law in force; bills are shown beside them."), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    _score_bars(pdf, font, clean, b, width)

    sources: dict[tuple[str, str | None], int] = {}
    for heading, lines in brief_sections(b):
        pdf.ln(2)
        pdf.set_font(font, "B", 13)
        pdf.cell(width, 7, clean(heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(font, "", 10)
        for line in lines:
            refs = []
            for src in line.sources:
                n = sources.setdefault((src.title, src.url), len(sources) + 1)
                refs.append(f"[{n}]")
            tail = (" " + "".join(dict.fromkeys(refs))) if refs else ""
            if line.sources and not line.verified:
                tail += " (unverified)"
            pdf.set_x(pdf.l_margin)
            pdf.set_font(font, "", 10)
            pdf.write(4.9, "- ")
            if line.lead:
                pdf.set_font(font, "B", 10)
                pdf.write(4.9, clean(line.lead + ": "))
                pdf.set_font(font, "", 10)
            pdf.write(4.9, clean(line.text + tail))
            pdf.ln(5.8)
    if sources:
        pdf.ln(2)
        pdf.set_font(font, "B", 12)
        pdf.cell(width, 7, "Sources", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(font, "", 7.5)
        for (title, url), n in sources.items():
            pdf.set_x(pdf.l_margin)
            pdf.multi_cell(width, 3.8, clean(f"[{n}] {title}" + (f" - {url}" if url else "")), new_x="LMARGIN", new_y="NEXT",
                           link=url or "", align="L")
    return bytes(pdf.output())


def _score_bars(pdf, font: str, clean, b: CountryBrief, width: float) -> None:
    """Two bars: the score on the date and with the bills, drawn with rectangles (no image, prints crisply)."""
    label_w, bar_w = 62, width - 62 - 16
    for label, value, colour in (
        (f"Law in force, {day(b.as_of)}", b.score, rgb(SERIES_COLOUR[Series.now])),
        ("If the pending bills pass", b.score_with_bills, rgb(SERIES_COLOUR[Series.with_bills])),
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
        pdf.cell(14, 6, percent(value), new_x="LMARGIN", new_y="NEXT")


__all__ = [
    "CountryBrief", "ElementFact", "EventFact", "GapFact", "HookFact", "Line", "ProvisionFact", "SourceRef",
    "brief_pdf", "brief_sections", "country_brief", "day", "gap_facts", "hook_facts", "no_bill_text", "no_law_text", "obligation_elements",
    "stage_text", "timeline_facts",
]
