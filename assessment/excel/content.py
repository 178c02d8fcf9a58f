"""What a gap report says, as plain tables of cell values: no styling, no file format.

`build_report` scores the requested countries from one read of their saved assessments (so every number and
every editable value in a workbook come from the same moment), each country once (`_score`), then one function
per sheet lays its table out from those scores. The writer (`export.py`) only decides how each kind of column
looks; the benchmark writes the same tables unstyled as its baseline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..catalog import Catalog
from ..i18n import N_, gettext
from ..models import Country, Extent, Obligation, Provision, Source, Stage, Treaty
from ..records import CarryRecord, carry_records, records_from_saved
from ..scoring import CountryScore, Engine, rollup
from ..store import StoredAssessment
from ..translations import Content
from ..vocab import (
    NOT_ASSESSED,
    OPEN_STATUSES,
    PARTLY_ASSESSED,
    STATUSES,
    Status,
    Vocabulary,
    coverage_note,
    kind_label,
    label,
    label_text,
    status_badge,
)
from . import layout as L
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


def stage_label(stage: Stage, lang: str = "en") -> str:
    """A provision's stage as the sheets write it ('in force' / '시행'), from the one table in vocab."""
    return label_text(Vocabulary.stage, stage, lang)


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
    treaty: Treaty,
    countries: Sequence[Country],
    saved: Mapping[tuple[str, str], StoredAssessment],
    carry: CarryBasis | None = None,
) -> Engine:
    """The scorer over `countries`' provisions and the given assessments (not the ones inside the documents);
    with `carry`, statuses are carried over the crosswalks from the basis treaty's saved assessments too."""
    records = records_from_saved(countries, saved)
    if carry is None:
        return Engine.from_records([treaty], records)
    records.carries = list(carry.carries)
    return Engine.from_records([treaty, *carry.treaties], records)


# ------------------------------------------------------------------------------ what every sheet reads


@dataclass
class _Frame:
    """What every sheet reads besides the countries: the treaty's shape in the scorer, its texts in the report's
    language, and the words repeated on every row, looked up once (a 200-country report has 28,800 assessment rows)."""

    treaty: Treaty
    as_of: dt.date
    lang: str
    content: Content | None
    saved: Mapping[tuple[str, str], StoredAssessment]
    importable: bool
    engine: Engine
    obligations: dict[str, Obligation]
    obligation_ids: list[str]
    element_ids: list[str]
    element_obligation: list[Obligation]
    optional: list[bool]
    chapter_keys: np.ndarray
    chapter_groups: list[int]
    element_text: dict[str, str]
    obligation_title: dict[str, str]
    status_word: dict[str, str]
    badge: dict[str, str]
    yes_no: dict[bool, str]
    stage_word: dict[Stage, str]

    @classmethod
    def of(
        cls,
        treaty: Treaty,
        saved: Mapping[tuple[str, str], StoredAssessment],
        as_of: dt.date,
        importable: bool,
        engine: Engine,
        lang: str,
        content: Content | None,
    ) -> _Frame:
        structure = engine.structure
        o0, o1 = structure.treaty_obligations[treaty.id]
        e0, e1 = structure.treaty_elements[treaty.id]
        chapter_keys = structure.o_chapter[o0:o1]
        return cls(
            treaty=treaty,
            as_of=as_of,
            lang=lang,
            content=content,
            saved=saved,
            importable=importable,
            engine=engine,
            obligations={o.id: o for o in treaty.obligations()},
            obligation_ids=[o.id for o in structure.obligations[o0:o1]],
            element_ids=structure.element_ids[e0:e1],
            element_obligation=[structure.obligations[i] for i in structure.e_obligation[e0:e1].tolist()],
            optional=structure.e_optional[e0:e1].tolist(),
            chapter_keys=chapter_keys,
            chapter_groups=chapter_keys[np.flatnonzero(np.r_[True, chapter_keys[1:] != chapter_keys[:-1]])].tolist()
            if o1 > o0
            else [],
            element_text={
                e.id: (content.element(e.id) if content else e.text) for o in treaty.obligations() for e in o.elements
            },
            obligation_title={
                o.id: (content.obligation_title(o) if content else o.title) for o in treaty.obligations()
            },
            status_word={name: L.status_text(name, lang) for name in STATUS_NAMES},
            badge={name: status_badge(name, lang) for name in STATUS_NAMES},
            yes_no={flag: _yes(flag, lang) for flag in (True, False)},
            stage_word={s: stage_label(s, lang) for s in Stage},
        )

    @property
    def t(self) -> Callable[[str], str]:
        """The translator of the report's language."""
        return gettext(self.lang)

    def stored(self, iso3: str, element: str) -> StoredAssessment:
        """The saved assessment of an element, or an empty one (version 0: never saved; None: not importable)."""
        return self.saved.get((iso3, element)) or StoredAssessment(
            iso3, element, version=None if not self.importable else 0
        )


@dataclass
class _Scored:
    """One country scored once, with the look-ups every sheet needs; the sheet functions only read it."""

    country: Country
    name: str
    now: CountryScore
    with_bills: CountryScore
    provisions: dict[str, Provision]
    stage: dict[str, Stage]  # provision id -> its stage on the date
    sources: dict[str, Source]
    source_titles: dict[str, str]  # source id -> its title as the report's language opens it
    status_now: list[str]  # per element of the treaty, in the scorer's order
    status_bills: list[str]
    obligation_status: dict[str, str]
    detail: dict[str, tuple[list[str], list[str], bool]]
    gap_bills: dict[str, list[str]]
    pending: list[str]  # provision ids of the bills pending on the date
    cited_by: dict[str, list[str]]  # provision id -> the elements whose saved findings cite it

    @property
    def iso3(self) -> str:
        return self.country.iso3

    def source_link(self, source_id: str | None) -> Link | None:
        s = self.sources.get(source_id) if source_id else None
        return Link(s.url, self.source_titles[s.id]) if s else None


def _score(frame: _Frame, country: Country) -> _Scored:
    """Score a country now and with the bills, reading the scorer's arrays directly: per-country DataFrames
    cost more than the scoring (200 countries)."""
    iso3 = country.iso3
    now = frame.engine.score_country(iso3, frame.treaty.id, frame.as_of)
    with_bills = frame.engine.score_country(iso3, frame.treaty.id, frame.as_of, with_bills=True)
    provisions = {p.id: p for p in country.provisions}
    stage = {pid: p.lifecycle.stage_at(frame.as_of) for pid, p in provisions.items()}
    cited_by: dict[str, list[str]] = {}
    for eid in frame.element_ids:
        for f in frame.stored(iso3, eid).findings:
            cited_by.setdefault(f["provision"], []).append(eid)
    return _Scored(
        country=country,
        name=frame.content.country_name(country) if frame.content else country.name,
        now=now,
        with_bills=with_bills,
        provisions=provisions,
        stage=stage,
        sources={s.id: s for s in country.sources},
        source_titles={
            s.id: frame.content.source_title(s.title) if frame.content else s.title for s in country.sources
        },
        status_now=[STATUS_NAMES[c] for c in now.grid.element_codes[0].tolist()],
        status_bills=[STATUS_NAMES[c] for c in with_bills.grid.element_codes[0].tolist()],
        obligation_status=dict(
            zip(frame.obligation_ids, (STATUS_NAMES[c] for c in now.grid.obligation_code[0].tolist()))
        ),
        detail=now.element_detail(),
        gap_bills=now.gap_bills(),
        pending=[pid for pid, st in stage.items() if st in _PENDING],
        cited_by=cited_by,
    )


# -------------------------------------------------------------------------------------- one per sheet


def _headline(frame: _Frame, scored: list[_Scored]) -> Table:
    """Summary: one row per country, the scores now and with the bills."""
    t, lang = frame.t, frame.lang
    table = Table(
        [
            TableColumn(t("Country"), 9),
            TableColumn(t("Name"), 24),
            TableColumn(t("Score now"), 11, PCT),
            TableColumn(t("Score with bills"), 11, PCT),
            TableColumn(t("Coverage"), 10, PCT),
            TableColumn(t("Critical gaps"), 9, INT),
            TableColumn(t("Pending bills"), 9, INT),
            TableColumn(t("Verified"), 10, PCT),
            TableColumn(t("Assessment"), 16),
        ]
    )
    for c in scored:
        now = c.now
        table.rows.append(
            [
                c.iso3,
                c.name,
                _score_cell(now.score, lang),
                _score_cell(c.with_bills.score, lang),
                _num(now.coverage),
                len(now.critical_gaps),
                len(c.pending),
                _num(now.verified_share),
                t(PARTLY_ASSESSED) if now.partly_assessed else "",
            ]
        )
    return table


def _chapters(frame: _Frame, scored: list[_Scored]) -> Table:
    """Summary: each chapter's score per country, now and with the bills (the chart reads it)."""
    t, structure = frame.t, frame.engine.structure
    columns = [TableColumn(t("Chapter"), 9), TableColumn(t("Title"), 34)]
    for c in scored:
        columns += [
            TableColumn(t("{country} now").format(country=c.iso3), 10, PCT),
            TableColumn(t("{country} with bills").format(country=c.iso3), 10, PCT),
        ]
    table = Table(columns)
    if not scored:
        return table
    scores = [
        (rollup(c.now.grid, frame.chapter_keys)[0].tolist(), rollup(c.with_bills.grid, frame.chapter_keys)[0].tolist())
        for c in scored
    ]
    for i, k in enumerate(frame.chapter_groups):
        _treaty, chapter_id, number, title = structure.chapters[k]
        row: list[Cell] = [
            str(number),
            frame.content.chapter(frame.treaty.id, chapter_id, title) if frame.content else title,
        ]
        for now_scores, bill_scores in scores:
            row += [_num(now_scores[i]), _num(bill_scores[i])]
        table.rows.append(row)
    return table


def _critical(frame: _Frame, scored: list[_Scored]) -> Table:
    """Summary: the critical gaps of every country and the bills that would close them."""
    t = frame.t
    table = Table(
        [
            TableColumn(t("Country"), 9),
            TableColumn(t("Obligation"), 34, WRAP),
            TableColumn(t("Article"), 9),
            TableColumn(t("Status"), 16, BADGE),
            TableColumn(t("Obligation id"), 20),
            TableColumn(t("Bills that would close it"), 40, WRAP),
        ]
    )
    for c in scored:
        for oid, bill_ids in c.gap_bills.items():
            table.rows.append(
                [
                    c.iso3,
                    frame.obligation_title[oid],
                    frame.obligations[oid].article,
                    frame.badge[c.obligation_status[oid]],
                    oid,
                    _bills_text(bill_ids, c.provisions, c.stage, frame.lang, c.iso3, frame.content)
                    or t("none pending"),
                ]
            )
    return table


def _gaps(frame: _Frame, scored: list[_Scored]) -> Table:
    """Gaps: every open element of every country, what exists, what is missing and the bill that would close it."""
    t, lang, content = frame.t, frame.lang, frame.content
    table = Table(
        [
            TableColumn(t("Country"), 8),
            TableColumn(t("Article"), 8),
            TableColumn(t("Obligation"), 22, WRAP),
            TableColumn(t("Element id"), 18),
            TableColumn(t("Element"), 38, WRAP),
            TableColumn(t("Status"), 16, BADGE),
            TableColumn(t("Critical gap"), 9),
            TableColumn(t("What exists"), 32, WRAP),
            TableColumn(t("What is missing"), 40, WRAP),
            TableColumn(t("Bill"), 28, WRAP),
            TableColumn(t("Stage"), 12, WRAP),
            TableColumn(t("Source"), 28, LINK),
        ]
    )
    for c in scored:
        provs = c.provisions
        for eid, o, st_now, opt in zip(frame.element_ids, frame.element_obligation, c.status_now, frame.optional):
            if opt or st_now not in OPEN_STATUSES:
                continue
            s = frame.stored(c.iso3, eid)
            j = s.judgment or {}
            citations, bill_ids, _verified = c.detail[eid]
            extent = {provs[f["provision"]].citation: f["extent"] for f in s.findings if f["provision"] in provs}
            exists = "\n".join(
                f"{x} ({label(Vocabulary.extent, extent[x], lang)})" if x in extent else x for x in citations
            )
            source = j.get("source") or next(
                (f.get("source") or provs[f["provision"]].source for f in s.findings if f["provision"] in provs), None
            )
            table.rows.append(
                [
                    c.iso3,
                    o.article,
                    frame.obligation_title[o.id],
                    eid,
                    frame.element_text[eid],
                    frame.badge[st_now],
                    frame.yes_no[True] if o.id in c.gap_bills else "",
                    exists,
                    _missing_text(st_now, s, frame.element_text[eid], lang),
                    _bills_text(bill_ids, provs, None, lang, c.iso3, content),
                    "\n".join(frame.stage_word[c.stage[b]] for b in bill_ids if b in c.stage),
                    c.source_link(source),
                ]
            )
    return table


def _assessment(frame: _Frame, scored: list[_Scored]) -> tuple[Table, dict[str, tuple[int, int]]]:
    """Assessment (the editable sheet): one row per element per country, and each country's [first, last] row."""
    lang = frame.lang
    kinds = {
        "version": INT,
        "status": STATUS,
        "status_with_bills": STATUS,
        "element_text": WRAP,
        "findings": WRAP,
        "judgment_reason": WRAP,
        "note": WRAP,
        "obligation": WRAP,
        "in_force": WRAP,
        "bills": WRAP,
    }
    table = Table(
        [
            TableColumn(L.header(c, lang), c.width, kinds.get(c.key, TEXT), c.editable, L.column_help(c, lang))
            for c in L.ASSESSMENT_COLUMNS
        ]
    )
    rows: dict[str, tuple[int, int]] = {}
    for c in scored:
        first = len(table.rows)
        for eid, o, st_now, st_bills in zip(frame.element_ids, frame.element_obligation, c.status_now, c.status_bills):
            s = frame.stored(c.iso3, eid)
            j = s.judgment or {}
            citations, bill_ids, verified = c.detail[eid]
            table.rows.append(
                [
                    eid,
                    c.iso3,
                    s.version,
                    frame.status_word[st_now],
                    frame.element_text[eid],
                    findings_text(s.findings),
                    j.get("reason"),
                    j.get("source"),
                    j.get("hook"),
                    s.note,
                    o.article,
                    frame.obligation_title[o.id],
                    "\n".join(citations),
                    "\n".join(bill_ids),
                    frame.status_word[st_bills],
                    frame.yes_no[verified],
                    f"{s.updated_by}, {s.updated_at:%Y-%m-%d %H:%M}" if s.updated_at else None,
                ]
            )
        rows[c.iso3] = (first, len(table.rows) - 1)
    return table, rows


def _provisions(frame: _Frame, scored: list[_Scored]) -> Table:
    """Provisions: every provision of every country, its stage on the date and its dates."""
    t, content, yes_no = frame.t, frame.content, frame.yes_no
    table = Table(
        [
            TableColumn(t("Country"), 8),
            TableColumn(t("Provision id"), 24),
            TableColumn(t("Statute"), 26, WRAP),
            TableColumn(t("Article"), 9),
            TableColumn(t("Paragraph"), 9),
            TableColumn(t("Summary"), 48, WRAP),
            TableColumn(t("Stage on {date}").format(date=frame.as_of.isoformat()), 12),
            TableColumn(t("Introduced"), 11, DATE),
            TableColumn(t("Passed"), 11, DATE),
            TableColumn(t("Promulgated"), 11, DATE),
            TableColumn(t("In force"), 11, DATE),
            TableColumn(t("Repealed"), 11, DATE),
            TableColumn(t("Lapsed"), 11, DATE),
            TableColumn(t("Dates verified"), 9),
            TableColumn(t("Text verified"), 9),
            TableColumn(t("Cited by elements"), 9, INT),
            TableColumn(t("Source"), 28, LINK),
        ]
    )
    for c in scored:
        for p in c.country.provisions:
            lc = p.lifecycle
            table.rows.append(
                [
                    c.iso3,
                    p.id,
                    _statute(c.iso3, p, content),
                    p.article,
                    p.paragraph,
                    content.provision_summary(c.iso3, p) if content else p.summary,
                    frame.stage_word[c.stage[p.id]],
                    lc.introduced,
                    lc.passed,
                    lc.promulgated,
                    lc.in_force,
                    lc.repealed,
                    lc.lapsed,
                    yes_no[lc.dates_verified],
                    yes_no[p.verified],
                    len(c.cited_by.get(p.id, [])),
                    c.source_link(p.source),
                ]
            )
    return table


def _bills(frame: _Frame, scored: list[_Scored]) -> Table:
    """Bills: every provision not (or no longer) in force on the date, with the elements it addresses."""
    t = frame.t
    table = Table(
        [
            TableColumn(t("Country"), 8),
            TableColumn(t("Provision id"), 24),
            TableColumn(t("Bill number"), 14),
            TableColumn(t("Title"), 40, WRAP),
            TableColumn(t("Stage on {date}").format(date=frame.as_of.isoformat()), 12),
            TableColumn(t("Introduced"), 11, DATE),
            TableColumn(t("Passed"), 11, DATE),
            TableColumn(t("Promulgated"), 11, DATE),
            TableColumn(t("In force"), 11, DATE),
            TableColumn(t("Lapsed"), 11, DATE),
            TableColumn(t("Elements it addresses"), 30, WRAP),
            TableColumn(t("Bill page"), 24, LINK),
            TableColumn(t("Source"), 28, LINK),
        ]
    )
    for c in scored:
        for p in c.country.provisions:
            if c.stage[p.id] in (Stage.in_force, Stage.repealed):
                continue
            lc, bill = p.lifecycle, p.bill
            table.rows.append(
                [
                    c.iso3,
                    p.id,
                    bill.number if bill else None,
                    _bill_title(c.iso3, p, frame.content),
                    frame.stage_word[c.stage[p.id]],
                    lc.introduced,
                    lc.passed,
                    lc.promulgated,
                    lc.in_force,
                    lc.lapsed,
                    ", ".join(c.cited_by.get(p.id, [])),
                    Link(bill.url, t("bill page")) if bill and bill.url else None,
                    c.source_link(p.source),
                ]
            )
    return table


def _sources(frame: _Frame, scored: list[_Scored]) -> Table:
    """Sources: every source of every country, with its link."""
    t = frame.t
    table = Table(
        [
            TableColumn(t("Country"), 8),
            TableColumn(t("Source id"), 22),
            TableColumn(t("Title"), 50, WRAP),
            TableColumn(t("Publisher"), 24, WRAP),
            TableColumn(t("Kind"), 10),
            TableColumn(t("Date"), 11, DATE),
            TableColumn(t("Accessed"), 11, DATE),
            TableColumn(t("Link"), 40, LINK),
        ]
    )
    for c in scored:
        for s in c.country.sources:
            table.rows.append(
                [c.iso3, s.id, c.source_titles[s.id], s.publisher, s.kind.value, s.date, s.accessed, Link(s.url, s.url)]
            )
    return table


def _comparison(frame: _Frame, scored: list[_Scored]) -> Table | None:
    """Comparison (several countries only): each obligation's status in every country, and where it is a critical gap."""
    if len(scored) < 2:
        return None
    t, lang = frame.t, frame.lang
    table = Table(
        [
            TableColumn(t("Article"), 9),
            TableColumn(t("Obligation id"), 20),
            TableColumn(t("Obligation"), 34, WRAP),
            TableColumn(t("Kind"), 11),
        ]
        + [TableColumn(c.iso3, 16, BADGE) for c in scored]
        + [TableColumn(t("Critical gap in"), 16, WRAP)]
    )
    table.rows.append(
        [
            "",
            "",
            t("Assessed, verified"),
            "",
            *(coverage_note(c.now.coverage, c.now.verified_share, lang) for c in scored),
            "",
        ]
    )
    critical = [dict(zip(frame.obligation_ids, c.now.grid.obligation_critical[0].tolist())) for c in scored]
    for oid in frame.obligation_ids:
        o = frame.obligations[oid]
        table.rows.append(
            [
                o.article,
                oid,
                frame.obligation_title[oid],
                kind_label(o.kind.value, lang),
                *(frame.badge[c.obligation_status[oid]] for c in scored),
                ", ".join(c.iso3 for c, crit in zip(scored, critical) if crit[oid]),
            ]
        )
    return table


def build_report(
    treaty: Treaty,
    countries: Sequence[Country],
    saved: Mapping[tuple[str, str], StoredAssessment],
    as_of: dt.date,
    importable: bool = True,
    carry: CarryBasis | None = None,
    lang: str = "en",
    content: Content | None = None,
) -> Report:
    """Every table of the workbook, in `lang` (`content` gives the translated data texts; English without it).
    Each country is scored once (`_score`); each sheet's function then reads those scores."""
    frame = _Frame.of(treaty, saved, as_of, importable, evidence_engine(treaty, countries, saved, carry), lang, content)
    scored = [_score(frame, country) for country in countries]
    assessment, assessment_rows = _assessment(frame, scored)
    return Report(
        treaty=treaty,
        as_of=as_of,
        importable=importable,
        results=[CountryResult(c.country, c.now, c.with_bills, len(c.pending)) for c in scored],
        headline=_headline(frame, scored),
        chapters=_chapters(frame, scored),
        critical=_critical(frame, scored),
        gaps=_gaps(frame, scored),
        assessment=assessment,
        assessment_rows=assessment_rows,
        provisions=_provisions(frame, scored),
        bills=_bills(frame, scored),
        sources=_sources(frame, scored),
        comparison=_comparison(frame, scored),
        source_ids={c.iso3: list(c.sources) for c in scored},
        hook_ids=[h.id for o in treaty.obligations() for h in o.hooks],
        lang=lang,
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


def _bills_text(
    bill_ids: Sequence[str],
    provs: Mapping[str, Provision],
    stage: Mapping[str, Stage] | None,
    lang: str = "en",
    iso3: str = "",
    content: Content | None = None,
) -> str:
    lines = []
    for b in bill_ids:
        p = provs.get(b)
        if p is None:
            lines.append(b)
            continue
        citation = content.citation(iso3, p) if content else p.citation
        named = citation + (f" [{p.bill.number}]" if p.bill and p.bill.number and p.bill.number not in citation else "")
        lines.append(f"{named} ({b})" + (f": {stage_label(stage[b], lang)}" if stage else ""))
    return "\n".join(lines)


def _missing_text(status: str, s: StoredAssessment, element_text: str, lang: str = "en") -> str:
    """Plain words for the Gaps sheet: the judgment's reason, the notes of partial findings, or the element."""
    t = gettext(lang)
    if s.judgment:
        return s.judgment["reason"]
    if status == Status.unknown:
        return t("Not yet assessed: {element}").format(element=element_text)
    if status == Status.partial:
        notes = [f["note"] for f in s.findings if f["extent"] == Extent.partial and f.get("note")]
        return "\n".join(notes) if notes else t("Only partly provided: {element}").format(element=element_text)
    return t("No provision in force provides it: {element}").format(element=element_text)
