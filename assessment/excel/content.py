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
from ..vocab import NOT_ASSESSED, OPEN_STATUSES, STATUSES, Status, status_badge
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
        return out


_PENDING = frozenset({Stage.introduced, Stage.passed, Stage.promulgated})
STATUS_NAMES = [s.value for s in STATUSES]  # status code of the scorer -> its name


def _num(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else float(x)


def _score_cell(x: float | None) -> float | str:
    """A score, or the words 'not assessed' when nothing is (an empty cell would read as 0 in a chart)."""
    value = _num(x)
    return NOT_ASSESSED if value is None else value


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


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
) -> Report:
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
    element_text = {e.id: e.text for o in treaty.obligations() for e in o.elements}
    hook_ids = [h.id for o in treaty.obligations() for h in o.hooks]

    headline = Table([
        TableColumn("Country", 9), TableColumn("Name", 24), TableColumn("Score now", 11, PCT), TableColumn("Score with bills", 11, PCT),
        TableColumn("Coverage", 10, PCT), TableColumn("Critical gaps", 9, INT), TableColumn("Pending bills", 9, INT),
    ])
    chapter_cols = [TableColumn("Chapter", 9), TableColumn("Title", 34)]
    critical = Table([
        TableColumn("Country", 9), TableColumn("Obligation", 34, WRAP), TableColumn("Article", 9), TableColumn("Status", 16, BADGE),
        TableColumn("Obligation id", 20), TableColumn("Bills that would close it", 40, WRAP),
    ])
    gaps = Table([
        TableColumn("Country", 8), TableColumn("Article", 8), TableColumn("Obligation", 22, WRAP), TableColumn("Element id", 18),
        TableColumn("Element", 38, WRAP), TableColumn("Status", 16, BADGE), TableColumn("Critical gap", 9),
        TableColumn("What exists", 32, WRAP), TableColumn("What is missing", 40, WRAP), TableColumn("Bill", 28, WRAP),
        TableColumn("Stage", 12, WRAP), TableColumn("Source", 28, LINK),
    ])
    kinds = {"version": INT, "status": STATUS, "status_with_bills": STATUS, "element_text": WRAP, "findings": WRAP,
             "judgment_reason": WRAP, "note": WRAP, "obligation": WRAP, "in_force": WRAP, "bills": WRAP}
    assessment = Table([TableColumn(c.header, c.width, kinds.get(c.key, TEXT), c.editable, c.help) for c in L.ASSESSMENT_COLUMNS])
    provisions = Table([
        TableColumn("Country", 8), TableColumn("Provision id", 24), TableColumn("Statute", 26, WRAP), TableColumn("Article", 9),
        TableColumn("Paragraph", 9), TableColumn("Summary", 48, WRAP), TableColumn(f"Stage on {as_of.isoformat()}", 12),
        TableColumn("Introduced", 11, DATE), TableColumn("Passed", 11, DATE), TableColumn("Promulgated", 11, DATE),
        TableColumn("In force", 11, DATE), TableColumn("Repealed", 11, DATE), TableColumn("Lapsed", 11, DATE),
        TableColumn("Dates verified", 9), TableColumn("Text verified", 9), TableColumn("Cited by elements", 9, INT), TableColumn("Source", 28, LINK),
    ])
    bills = Table([
        TableColumn("Country", 8), TableColumn("Provision id", 24), TableColumn("Bill number", 14), TableColumn("Title", 40, WRAP),
        TableColumn(f"Stage on {as_of.isoformat()}", 12), TableColumn("Introduced", 11, DATE), TableColumn("Passed", 11, DATE),
        TableColumn("Promulgated", 11, DATE), TableColumn("In force", 11, DATE), TableColumn("Lapsed", 11, DATE),
        TableColumn("Elements it addresses", 30, WRAP), TableColumn("Bill page", 24, LINK), TableColumn("Source", 28, LINK),
    ])
    sources = Table([
        TableColumn("Country", 8), TableColumn("Source id", 22), TableColumn("Title", 50, WRAP), TableColumn("Publisher", 24, WRAP),
        TableColumn("Kind", 10), TableColumn("Date", 11, DATE), TableColumn("Accessed", 11, DATE), TableColumn("Link", 40, LINK),
    ])

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
        headline.rows.append([iso3, country.name, _score_cell(now.score), _score_cell(with_bills.score), _num(now.coverage), len(now.critical_gaps), len(pending)])
        chapter_scores.append((rollup(now.grid, chapter_keys)[0].tolist(), rollup(with_bills.grid, chapter_keys)[0].tolist()))

        obl_status = dict(zip(obligation_ids, (STATUS_NAMES[c] for c in now.grid.obligation_code[0].tolist())))
        for oid, crit in zip(obligation_ids, now.grid.obligation_critical[0].tolist()):
            obligation_status.setdefault(oid, []).append(obl_status[oid])
            if crit:
                obligation_critical.setdefault(oid, []).append(iso3)
        for oid, bill_ids in gap_bills.items():
            o = obligations[oid]
            critical.rows.append([iso3, o.title, o.article, status_badge(obl_status[oid]), oid, _bills_text(bill_ids, provs, stage) or "none pending"])

        cited_by: dict[str, list[str]] = {}
        first = len(assessment.rows)
        for eid, o, st_now, st_bills, opt in zip(element_ids, element_obligation, status_now, status_bills, optional):
            s = saved.get((iso3, eid)) or StoredAssessment(iso3, eid, version=None if not importable else 0)
            j = s.judgment or {}
            citations, bill_ids, verified = detail[eid]
            for f in s.findings:
                cited_by.setdefault(f["provision"], []).append(eid)
            assessment.rows.append([
                eid, iso3, s.version, st_now, element_text[eid], findings_text(s.findings), j.get("reason"), j.get("source"),
                j.get("hook"), s.note, o.article, o.title, "\n".join(citations), "\n".join(bill_ids), st_bills, _yes(verified),
                f"{s.updated_by}, {s.updated_at:%Y-%m-%d %H:%M}" if s.updated_at else None,
            ])
            if opt or st_now not in OPEN_STATUSES:
                continue
            extent = {provs[f["provision"]].citation: f["extent"] for f in s.findings if f["provision"] in provs}
            exists = "\n".join(f"{c} ({extent[c]})" if c in extent else c for c in citations)
            source = j.get("source") or next((f.get("source") or provs[f["provision"]].source for f in s.findings if f["provision"] in provs), None)
            gaps.rows.append([
                iso3, o.article, o.title, eid, element_text[eid], status_badge(st_now), "yes" if o.id in gap_bills else "",
                exists, _missing_text(st_now, s, element_text[eid]), _bills_text(bill_ids, provs, None),
                "\n".join(stage[b].value.replace("_", " ") for b in bill_ids if b in stage), source_link(source),
            ])
        assessment_rows[iso3] = (first, len(assessment.rows) - 1)

        for p in country.provisions:
            lc = p.lifecycle
            provisions.rows.append([
                iso3, p.id, p.statute, p.article, p.paragraph, p.summary, stage[p.id].value.replace("_", " "), lc.introduced, lc.passed,
                lc.promulgated, lc.in_force, lc.repealed, lc.lapsed, _yes(lc.dates_verified), _yes(p.verified), len(cited_by.get(p.id, [])),
                source_link(p.source),
            ])
            if stage[p.id] not in (Stage.in_force, Stage.repealed):
                bill = p.bill
                bills.rows.append([
                    iso3, p.id, bill.number if bill else None, (bill.title if bill and bill.title else None) or f"{p.citation}: {p.summary}",
                    stage[p.id].value.replace("_", " "), lc.introduced, lc.passed, lc.promulgated, lc.in_force, lc.lapsed,
                    ", ".join(cited_by.get(p.id, [])), Link(bill.url, "bill page") if bill and bill.url else None, source_link(p.source),
                ])
        for s in country.sources:
            sources.rows.append([iso3, s.id, s.title, s.publisher, s.kind.value, s.date, s.accessed, Link(s.url, s.url)])

    for r in results:
        chapter_cols += [TableColumn(f"{r.country.iso3} now", 10, PCT), TableColumn(f"{r.country.iso3} with bills", 10, PCT)]
    chapters = Table(chapter_cols)
    if results:
        for i, k in enumerate(chapter_groups):
            _treaty, _id, number, title = structure.chapters[k]
            row: list[Cell] = [str(number), title]
            for now_scores, bill_scores in chapter_scores:
                row += [_num(now_scores[i]), _num(bill_scores[i])]
            chapters.rows.append(row)

    comparison = None
    if len(results) > 1:
        comparison = Table(
            [TableColumn("Article", 9), TableColumn("Obligation id", 20), TableColumn("Obligation", 34, WRAP), TableColumn("Kind", 11)]
            + [TableColumn(r.country.iso3, 16, BADGE) for r in results]
            + [TableColumn("Critical gap in", 16, WRAP)]
        )
        for oid, statuses in obligation_status.items():
            o = obligations[oid]
            comparison.rows.append([o.article, oid, o.title, o.kind.value, *(status_badge(s) for s in statuses), ", ".join(obligation_critical.get(oid, []))])

    return Report(
        treaty=treaty, as_of=as_of, importable=importable, results=results, headline=headline, chapters=chapters, critical=critical,
        gaps=gaps, assessment=assessment, assessment_rows=assessment_rows, provisions=provisions, bills=bills, sources=sources,
        comparison=comparison, source_ids=source_ids, hook_ids=hook_ids,
    )


def _bills_text(bill_ids: Sequence[str], provs: Mapping[str, Provision], stage: Mapping[str, Stage] | None) -> str:
    lines = []
    for b in bill_ids:
        p = provs.get(b)
        if p is None:
            lines.append(b)
            continue
        label = p.citation + (f" [{p.bill.number}]" if p.bill and p.bill.number and p.bill.number not in p.citation else "")
        lines.append(f"{label} ({b})" + (f": {stage[b].value.replace('_', ' ')}" if stage else ""))
    return "\n".join(lines)


def _missing_text(status: str, s: StoredAssessment, element_text: str) -> str:
    """Plain words for the Gaps sheet: the judgment's reason, the notes of partial findings, or the element."""
    if s.judgment:
        return s.judgment["reason"]
    if status == Status.unknown:
        return "Not yet assessed: " + element_text
    if status == Status.partial:
        notes = [f["note"] for f in s.findings if f["extent"] == "partial" and f.get("note")]
        return "\n".join(notes) if notes else "Only partly provided: " + element_text
    return "No provision in force provides it: " + element_text
