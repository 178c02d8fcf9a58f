"""What a gap report says, as plain tables of cell values: no styling, no file format.

`build_report` scores the requested countries from one read of their saved assessments (so every number and
every editable value in a workbook come from the same moment) and lays the results out sheet by sheet. The
writer (`export.py`) only decides how each kind of column looks; the benchmark writes the same tables
unstyled as its baseline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..models import Country, Provision, Stage, Treaty
from ..catalog import Catalog
from ..records import CarryRecord, carry_records, records_from_saved
from ..scoring import CountryScore, Engine, rollup
from ..i18n import N_, gettext
from ..translations import Content
from ..vocab import NOT_ASSESSED, OPEN_STATUSES, PARTLY_ASSESSED, STATUSES, Status, coverage_note, kind_label, status_badge
from . import layout as L
from ..store import StoredAssessment
from .snapshot import findings_text


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink we write ourselves (a source URL from our data), never one guessed from text."""

    url: str
    text: str


Cell = str | int | float | dt.date | Link | None

# How a column looks; the writer maps each kind to a format.
TEXT, WRAP, INT, PCT, DATE, STATUS, BADGE, LINK = "text", "wrap", "int", "pct", "date", "status", "badge", "link"


@dataclass(frozen=True)
class TableColumn:
    header: str
    width: float
    kind: str = TEXT
    editable: bool = False
    help: str = ""


@dataclass
class Table:
    columns: list[TableColumn]
    rows: list[list[Cell]] = field(default_factory=list)


@dataclass
class CountryResult:
    country: Country
    now: CountryScore
    with_bills: CountryScore
    pending_bills: int


@dataclass
class Report:
    treaty: Treaty
    as_of: dt.date
    importable: bool  # False: the approved (published) state, without versions
    results: list[CountryResult]
    headline: Table
    chapters: Table
    critical: Table
    gaps: Table
    assessment: Table
    assessment_rows: dict[str, tuple[int, int]]  # iso3 -> [first, last] data row index in `assessment.rows`
    provisions: Table
    bills: Table
    sources: Table
    comparison: Table | None
    source_ids: dict[str, list[str]]  # the Judgment source drop-down, per country
    hook_ids: list[str]  # the Reservation / declaration drop-down
    lang: str = "en"
    treaty_short: str = ""  # in `lang`
    treaty_title: str = ""
    precedents: Table | None = None  # how other Parties provide what each country lacks (excel.remedies)
    positions: Table | None = None  # others' statements on readiness, beside the assessment

    def tables(self) -> dict[str, list[Table]]:
        """Every table by sheet, in sheet order (the benchmark's baseline writes exactly these cells)."""
        out = {
            L.SUMMARY: [self.headline, self.chapters, self.critical],
            L.GAPS: [self.gaps],
            L.ASSESSMENT: [self.assessment],
            L.PROVISIONS: [self.provisions],
            L.BILLS: [self.bills],
            L.SOURCES: [self.sources],
        }
        if self.comparison is not None:
            out[L.COMPARISON] = [self.comparison]
        if self.precedents is not None:
            out[L.PRECEDENTS] = [self.precedents]
        if self.positions is not None:
            out[L.POSITIONS] = [self.positions]
        return out


_PENDING = frozenset({Stage.introduced, Stage.passed, Stage.promulgated})
STATUS_NAMES = [s.value for s in STATUSES]  # status code of the scorer -> its name


def _num(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else float(x)


def _score_cell(x: float | None, lang: str = "en") -> float | str:
    """A score, or the words 'not assessed' when nothing is (an empty cell would read as 0 in a chart)."""
    value = _num(x)
    return gettext(lang)(NOT_ASSESSED) if value is None else value


def _yes(flag: bool, lang: str = "en") -> str:
    return gettext(lang)(N_("yes") if flag else N_("no"))


#: A provision's stage, as the sheets write it.
STAGE_LABEL = {
    Stage.not_yet: N_("not yet"), Stage.introduced: N_("introduced"), Stage.passed: N_("passed"), Stage.promulgated: N_("promulgated"),
    Stage.in_force: N_("in force"), Stage.repealed: N_("repealed"), Stage.lapsed: N_("lapsed"),
}


def stage_label(stage: Stage, lang: str = "en") -> str:
    return gettext(lang)(STAGE_LABEL[stage])


@dataclass(frozen=True)
class CarryBasis:
    """What the workbook's scorer needs to carry statuses over the crosswalks, as the dashboard does: the treaty
    the statuses come from (ETS 185) and the links expanded to elements."""

    treaties: tuple[Treaty, ...]
    carries: tuple[CarryRecord, ...]

    @classmethod
    def of(cls, catalog: Catalog, treaty: Treaty) -> CarryBasis:
        carries = tuple(c for c in carry_records(catalog) if c.element.startswith(f"{treaty.id}."))
        basis = {b.split(".", 1)[0] for c in carries for b in c.basis} - {treaty.id}
        return cls(tuple(catalog.treaty(t) for t in sorted(basis)), carries)


def evidence_engine(
    treaty: Treaty, countries: Sequence[Country], saved: Mapping[tuple[str, str], StoredAssessment], carry: CarryBasis | None = None
) -> Engine:
    """The scorer over `countries`' provisions and the given assessments (not the ones inside the documents);
    with `carry`, statuses are carried over the crosswalks from the basis treaty's saved assessments too."""
    records = records_from_saved(countries, saved)
    if carry is None:
        return Engine.from_records([treaty], records)
    records.carries = list(carry.carries)
    return Engine.from_records([treaty, *carry.treaties], records)


def build_report(  # noqa: C901 - one pass over the countries fills every sheet; split, it reads each country twice
    treaty: Treaty,
    countries: Sequence[Country],
    saved: Mapping[tuple[str, str], StoredAssessment],
    as_of: dt.date,
    importable: bool = True,
    carry: CarryBasis | None = None,
    lang: str = "en",
    content: Content | None = None,
) -> Report:
    """Every table of the workbook, in `lang` (`content` gives the translated data texts; English without it)."""
    t = gettext(lang)
    engine = evidence_engine(treaty, countries, saved, carry)
    structure = engine.structure
    o0, o1 = structure.treaty_obligations[treaty.id]
    e0, e1 = structure.treaty_elements[treaty.id]
    obligations = {o.id: o for o in treaty.obligations()}
    obligation_ids = [o.id for o in structure.obligations[o0:o1]]
    element_ids = structure.element_ids[e0:e1]
    element_obligation = [structure.obligations[i] for i in structure.e_obligation[e0:e1].tolist()]
    optional = structure.e_optional[e0:e1].tolist()
    chapter_keys = structure.o_chapter[o0:o1]
    chapter_groups = chapter_keys[np.flatnonzero(np.r_[True, chapter_keys[1:] != chapter_keys[:-1]])].tolist() if o1 > o0 else []
    element_text = {e.id: (content.element(e.id) if content else e.text) for o in treaty.obligations() for e in o.elements}
    obligation_title = {o.id: (content.obligation_title(o) if content else o.title) for o in treaty.obligations()}
    hook_ids = [h.id for o in treaty.obligations() for h in o.hooks]

    headline = Table([
        TableColumn(t("Country"), 9), TableColumn(t("Name"), 24), TableColumn(t("Score now"), 11, PCT), TableColumn(t("Score with bills"), 11, PCT),
        TableColumn(t("Coverage"), 10, PCT), TableColumn(t("Critical gaps"), 9, INT), TableColumn(t("Pending bills"), 9, INT),
        TableColumn(t("Verified"), 10, PCT), TableColumn(t("Assessment"), 16),
    ])
    chapter_cols = [TableColumn(t("Chapter"), 9), TableColumn(t("Title"), 34)]
    critical = Table([
        TableColumn(t("Country"), 9), TableColumn(t("Obligation"), 34, WRAP), TableColumn(t("Article"), 9), TableColumn(t("Status"), 16, BADGE),
        TableColumn(t("Obligation id"), 20), TableColumn(t("Bills that would close it"), 40, WRAP),
    ])
    gaps = Table([
        TableColumn(t("Country"), 8), TableColumn(t("Article"), 8), TableColumn(t("Obligation"), 22, WRAP), TableColumn(t("Element id"), 18),
        TableColumn(t("Element"), 38, WRAP), TableColumn(t("Status"), 16, BADGE), TableColumn(t("Critical gap"), 9),
        TableColumn(t("What exists"), 32, WRAP), TableColumn(t("What is missing"), 40, WRAP), TableColumn(t("Bill"), 28, WRAP),
        TableColumn(t("Stage"), 12, WRAP), TableColumn(t("Source"), 28, LINK),
    ])
    kinds = {"version": INT, "status": STATUS, "status_with_bills": STATUS, "element_text": WRAP, "findings": WRAP,
             "judgment_reason": WRAP, "note": WRAP, "obligation": WRAP, "in_force": WRAP, "bills": WRAP}
    assessment = Table([TableColumn(L.header(c, lang), c.width, kinds.get(c.key, TEXT), c.editable, L.column_help(c, lang)) for c in L.ASSESSMENT_COLUMNS])
    provisions = Table([
        TableColumn(t("Country"), 8), TableColumn(t("Provision id"), 24), TableColumn(t("Statute"), 26, WRAP), TableColumn(t("Article"), 9),
        TableColumn(t("Paragraph"), 9), TableColumn(t("Summary"), 48, WRAP), TableColumn(t("Stage on {date}").format(date=as_of.isoformat()), 12),
        TableColumn(t("Introduced"), 11, DATE), TableColumn(t("Passed"), 11, DATE), TableColumn(t("Promulgated"), 11, DATE),
        TableColumn(t("In force"), 11, DATE), TableColumn(t("Repealed"), 11, DATE), TableColumn(t("Lapsed"), 11, DATE),
        TableColumn(t("Dates verified"), 9), TableColumn(t("Text verified"), 9), TableColumn(t("Cited by elements"), 9, INT), TableColumn(t("Source"), 28, LINK),
    ])
    bills = Table([
        TableColumn(t("Country"), 8), TableColumn(t("Provision id"), 24), TableColumn(t("Bill number"), 14), TableColumn(t("Title"), 40, WRAP),
        TableColumn(t("Stage on {date}").format(date=as_of.isoformat()), 12), TableColumn(t("Introduced"), 11, DATE), TableColumn(t("Passed"), 11, DATE),
        TableColumn(t("Promulgated"), 11, DATE), TableColumn(t("In force"), 11, DATE), TableColumn(t("Lapsed"), 11, DATE),
        TableColumn(t("Elements it addresses"), 30, WRAP), TableColumn(t("Bill page"), 24, LINK), TableColumn(t("Source"), 28, LINK),
    ])
    sources = Table([
        TableColumn(t("Country"), 8), TableColumn(t("Source id"), 22), TableColumn(t("Title"), 50, WRAP), TableColumn(t("Publisher"), 24, WRAP),
        TableColumn(t("Kind"), 10), TableColumn(t("Date"), 11, DATE), TableColumn(t("Accessed"), 11, DATE), TableColumn(t("Link"), 40, LINK),
    ])

    # words repeated on every row, looked up once per report (a 200-country report has 28,800 assessment rows)
    status_word = {name: L.status_text(name, lang) for name in STATUS_NAMES}
    badge = {name: status_badge(name, lang) for name in STATUS_NAMES}
    yes_no = {flag: _yes(flag, lang) for flag in (True, False)}
    stage_word = {s: stage_label(s, lang) for s in Stage}

    results: list[CountryResult] = []
    chapter_scores: list[tuple[list, list]] = []
    assessment_rows: dict[str, tuple[int, int]] = {}
    source_ids: dict[str, list[str]] = {}
    obligation_status: dict[str, list[str]] = {}
    obligation_critical: dict[str, list[str]] = {}

    for country in countries:
        iso3 = country.iso3
        now = engine.score_country(iso3, treaty.id, as_of)
        with_bills = engine.score_country(iso3, treaty.id, as_of, with_bills=True)
        provs: dict[str, Provision] = {p.id: p for p in country.provisions}
        stage = {pid: p.lifecycle.stage_at(as_of) for pid, p in provs.items()}
        src = {s.id: s for s in country.sources}
        source_ids[iso3] = [s.id for s in country.sources]

        def source_link(source_id: str | None, src: dict = src) -> Link | None:
            s = src.get(source_id) if source_id else None
            return Link(s.url, s.title) if s else None

        # read the scorer's arrays directly: per-country DataFrames cost more than the scoring (200 countries)
        status_now = [STATUS_NAMES[c] for c in now.grid.element_codes[0].tolist()]
        status_bills = [STATUS_NAMES[c] for c in with_bills.grid.element_codes[0].tolist()]
        detail = now.element_detail()
        gap_bills = now.gap_bills()
        pending = [pid for pid, st in stage.items() if st in _PENDING]
        results.append(CountryResult(country, now, with_bills, len(pending)))
        name = content.country_name(country) if content else country.name
        headline.rows.append([iso3, name, _score_cell(now.score, lang), _score_cell(with_bills.score, lang), _num(now.coverage),
                              len(now.critical_gaps), len(pending), _num(now.verified_share), t(PARTLY_ASSESSED) if now.partly_assessed else ""])
        chapter_scores.append((rollup(now.grid, chapter_keys)[0].tolist(), rollup(with_bills.grid, chapter_keys)[0].tolist()))

        obl_status = dict(zip(obligation_ids, (STATUS_NAMES[c] for c in now.grid.obligation_code[0].tolist())))
        for oid, crit in zip(obligation_ids, now.grid.obligation_critical[0].tolist()):
            obligation_status.setdefault(oid, []).append(obl_status[oid])
            if crit:
                obligation_critical.setdefault(oid, []).append(iso3)
        for oid, bill_ids in gap_bills.items():
            o = obligations[oid]
            critical.rows.append([iso3, obligation_title[oid], o.article, badge[obl_status[oid]], oid,
                                  _bills_text(bill_ids, provs, stage, lang, iso3, content) or t("none pending")])

        cited_by: dict[str, list[str]] = {}
        first = len(assessment.rows)
        for eid, o, st_now, st_bills, opt in zip(element_ids, element_obligation, status_now, status_bills, optional):
            s = saved.get((iso3, eid)) or StoredAssessment(iso3, eid, version=None if not importable else 0)
            j = s.judgment or {}
            citations, bill_ids, verified = detail[eid]
            for f in s.findings:
                cited_by.setdefault(f["provision"], []).append(eid)
            assessment.rows.append([
                eid, iso3, s.version, status_word[st_now], element_text[eid], findings_text(s.findings), j.get("reason"), j.get("source"),
                j.get("hook"), s.note, o.article, obligation_title[o.id], "\n".join(citations), "\n".join(bill_ids), status_word[st_bills],
                yes_no[verified],
                f"{s.updated_by}, {s.updated_at:%Y-%m-%d %H:%M}" if s.updated_at else None,
            ])
            if opt or st_now not in OPEN_STATUSES:
                continue
            extent = {provs[f["provision"]].citation: f["extent"] for f in s.findings if f["provision"] in provs}
            exists = "\n".join(f"{c} ({extent[c]})" if c in extent else c for c in citations)
            source = j.get("source") or next((f.get("source") or provs[f["provision"]].source for f in s.findings if f["provision"] in provs), None)
            gaps.rows.append([
                iso3, o.article, obligation_title[o.id], eid, element_text[eid], badge[st_now], yes_no[True] if o.id in gap_bills else "",
                exists, _missing_text(st_now, s, element_text[eid], lang), _bills_text(bill_ids, provs, None, lang, iso3, content),
                "\n".join(stage_word[stage[b]] for b in bill_ids if b in stage), source_link(source),
            ])
        assessment_rows[iso3] = (first, len(assessment.rows) - 1)

        for p in country.provisions:
            lc = p.lifecycle
            provisions.rows.append([
                iso3, p.id, _statute(iso3, p, content), p.article, p.paragraph, content.provision_summary(iso3, p) if content else p.summary,
                stage_word[stage[p.id]], lc.introduced, lc.passed,
                lc.promulgated, lc.in_force, lc.repealed, lc.lapsed, yes_no[lc.dates_verified], yes_no[p.verified], len(cited_by.get(p.id, [])),
                source_link(p.source),
            ])
            if stage[p.id] not in (Stage.in_force, Stage.repealed):
                bill = p.bill
                bills.rows.append([
                    iso3, p.id, bill.number if bill else None, _bill_title(iso3, p, content),
                    stage_word[stage[p.id]], lc.introduced, lc.passed, lc.promulgated, lc.in_force, lc.lapsed,
                    ", ".join(cited_by.get(p.id, [])), Link(bill.url, t("bill page")) if bill and bill.url else None, source_link(p.source),
                ])
        for s in country.sources:
            sources.rows.append([iso3, s.id, s.title, s.publisher, s.kind.value, s.date, s.accessed, Link(s.url, s.url)])

    for r in results:
        chapter_cols += [TableColumn(t("{country} now").format(country=r.country.iso3), 10, PCT),
                         TableColumn(t("{country} with bills").format(country=r.country.iso3), 10, PCT)]
    chapters = Table(chapter_cols)
    if results:
        for i, k in enumerate(chapter_groups):
            _treaty, _id, number, title = structure.chapters[k]
            chapter_id = next((c.id for c in treaty.chapters if c.title == title), "")
            row: list[Cell] = [str(number), content.chapter(treaty.id, chapter_id, title) if content else title]
            for now_scores, bill_scores in chapter_scores:
                row += [_num(now_scores[i]), _num(bill_scores[i])]
            chapters.rows.append(row)

    comparison = None
    if len(results) > 1:
        comparison = Table(
            [TableColumn(t("Article"), 9), TableColumn(t("Obligation id"), 20), TableColumn(t("Obligation"), 34, WRAP), TableColumn(t("Kind"), 11)]
            + [TableColumn(r.country.iso3, 16, BADGE) for r in results]
            + [TableColumn(t("Critical gap in"), 16, WRAP)]
        )
        comparison.rows.append(["", "", t("Assessed, verified"), "",
                                *(coverage_note(r.now.coverage, r.now.verified_share, lang) for r in results), ""])
        for oid, statuses in obligation_status.items():
            o = obligations[oid]
            comparison.rows.append([o.article, oid, obligation_title[oid], kind_label(o.kind.value, lang), *(badge[s] for s in statuses),
                                    ", ".join(obligation_critical.get(oid, []))])

    return Report(
        treaty=treaty, as_of=as_of, importable=importable, results=results, headline=headline, chapters=chapters, critical=critical,
        gaps=gaps, assessment=assessment, assessment_rows=assessment_rows, provisions=provisions, bills=bills, sources=sources,
        comparison=comparison, source_ids=source_ids, hook_ids=hook_ids, lang=lang,
        treaty_short=content.treaty_short(treaty.id) if content else treaty.short_title,
        treaty_title=content.treaty_title(treaty.id) if content else treaty.title,
    )


def _statute(iso3: str, p: Provision, content: Content | None) -> str:
    """The statute as the sheets name it: in Korean beside the English where the data has it."""
    local = content.local_citation(iso3, p) if content else None
    if not local:
        return content.fallback(p.statute) if content else p.statute
    local_statute = p.text.title if p.text is not None else local
    return f"{local_statute} ({p.statute})"


def _bill_title(iso3: str, p: Provision, content: Content | None) -> str:
    if content is not None:
        title = content.bill_title(iso3, p)
        return title or f"{content.citation(iso3, p)}: {content.provision_summary(iso3, p)}"
    return (p.bill.title if p.bill and p.bill.title else None) or f"{p.citation}: {p.summary}"


def _bills_text(bill_ids: Sequence[str], provs: Mapping[str, Provision], stage: Mapping[str, Stage] | None, lang: str = "en",
                iso3: str = "", content: Content | None = None) -> str:
    lines = []
    for b in bill_ids:
        p = provs.get(b)
        if p is None:
            lines.append(b)
            continue
        citation = content.citation(iso3, p) if content else p.citation
        label = citation + (f" [{p.bill.number}]" if p.bill and p.bill.number and p.bill.number not in citation else "")
        lines.append(f"{label} ({b})" + (f": {stage_label(stage[b], lang)}" if stage else ""))
    return "\n".join(lines)


def _missing_text(status: str, s: StoredAssessment, element_text: str, lang: str = "en") -> str:
    """Plain words for the Gaps sheet: the judgment's reason, the notes of partial findings, or the element."""
    t = gettext(lang)
    if s.judgment:
        return s.judgment["reason"]
    if status == Status.unknown:
        return t("Not yet assessed: {element}").format(element=element_text)
    if status == Status.partial:
        notes = [f["note"] for f in s.findings if f["extent"] == "partial" and f.get("note")]
        return "\n".join(notes) if notes else t("Only partly provided: {element}").format(element=element_text)
    return t("No provision in force provides it: {element}").format(element=element_text)
