"""Edited workbooks back in: read, check every row, show the diff, apply all or nothing.

`read_workbook` never writes. It refuses unsafe files before parsing (`safety.check_upload`: zip bombs, macros,
DTDs), reads the Assessment sheet's values with python-calamine (`cells.Book`, which also finds the cells that
hold formulas or errors), trusts only the id, country and version of the locked columns, and turns each row into
the assessment it asks for. A formula, an error value (#N/A) or a text longer than a cell holds (counted as Excel
counts it) is refused with its cell, never read as a value, an empty cell or a cut text:

* Status `in_place`, `partial` or `(from findings)`: no judgment; the findings decide. `in_place` or `partial`
  must be what the findings give on the workbook's as-of date, so a person never believes a status was saved
  that the data does not support.
* Status `missing`, `not_applicable`, `reserved` or `unknown`: a judgment, which needs a reason (column G), a
  source unless `unknown` (H), and for `reserved` the reservation or declaration (I). Without a reason, the
  row is taken as showing what the findings already give (as exported); otherwise that is an error.
* Findings `id:full; id:partial` (ids of the country's provisions); a finding kept unchanged keeps its note,
  source and verified mark; a changed one keeps its note and source and is no longer marked verified.

Rows equal to the database are left alone. A changed row whose version is older than the database's is a
conflict (both sides are shown); `apply_plan` refuses a plan with any error or conflict, and otherwise saves
every change in one transaction (`Store.save_assessments`, audited with source "excel").
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple
from xml.etree.ElementTree import ParseError

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from pydantic import ValidationError

from ..i18n import LANGUAGES, Msg, gettext, say
from ..models import (
    MAX_ID,
    MAX_TEXT,
    Country,
    ElementAssessment,
    Extent,
    Finding,
    Judgment,
    Status,
    Treaty,
    cell_length,
    too_long_for_a_cell,
)
from ..scoring import STATUSES
from ..store import AssessmentChange, AssessmentRecord, Store, StoredAssessment, User
from ..validators import Doc, TreatyIndex, check_country
from . import layout as L
from .cells import Book, Sheet, Unreadable
from .content import CarryBasis, evidence_engine
from .safety import MAX_FILE_BYTES, UNSAFE_XML, UploadRefused, check_upload, fit_cell
from .snapshot import findings_text, gc_paused

COL = L.ASSESSMENT_INDEX
#: The most problems a plan lists; the rest are counted ("... and 9,800 more"), so a bad million-row sheet
#: gives a page of errors, not 244 MB of them.
MAX_ERRORS = 200
#: Blank or stray rows tolerated below the last row the layout can hold, before the sheet is cut short.
SPARE_ROWS = 1_000
FIELD_COLUMN = {  # model field -> Assessment column, to place a validation message on the cell a person typed
    "findings": "findings",
    "provision": "findings",
    "extent": "findings",
    "reason": "judgment_reason",
    "source": "judgment_source",
    "hook": "hook",
    "note": "note",
    "status": "status",
    "judgment": "status",
    "element": "element",
}


# ------------------------------------------------------------------------------------------------ results


@dataclass(frozen=True)
class CellError:
    sheet: str  # "" when the whole file is refused
    cell: str  # "" when the problem is not one cell's
    reason: str

    @property
    def message(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.sheet and self.cell else self.sheet
        return f"{where}: {self.reason}" if where else self.reason

    def to_json(self) -> dict[str, str]:
        return {"sheet": self.sheet, "cell": self.cell, "reason": self.reason, "message": self.message}


@dataclass(frozen=True)
class PlannedChange:
    country: str
    element: str
    row: int  # sheet row, 1-based as a person sees it
    expected_version: int
    fields: dict[str, tuple[str | None, str | None]]  # field -> (old, new), only fields that change
    change: AssessmentChange

    def to_json(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "element": self.element,
            "row": self.row,
            "expected_version": self.expected_version,
            "fields": {k: {"old": old, "new": new} for k, (old, new) in self.fields.items()},
        }


@dataclass(frozen=True)
class Conflict:
    country: str
    element: str
    row: int
    workbook: dict[str, Any]  # version and the values the row asks for
    database: dict[str, Any]  # version, who saved it and when, and the values saved

    def to_json(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "element": self.element,
            "row": self.row,
            "workbook": self.workbook,
            "database": self.database,
        }


@dataclass
class ImportPlan:
    changes: list[PlannedChange] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    treaty: str | None = None
    as_of: dt.date | None = None
    rows: int = 0  # data rows read

    @property
    def can_apply(self) -> bool:
        return not self.errors and not self.conflicts

    def to_json(self) -> dict[str, list[dict[str, Any]]]:
        """The stable `import --json` shape: exactly changes, conflicts and errors."""
        return {
            "changes": [c.to_json() for c in self.changes],
            "conflicts": [c.to_json() for c in self.conflicts],
            "errors": [e.to_json() for e in self.errors],
        }


class PlanRefused(Exception):
    """apply_plan was given a plan with errors or conflicts; nothing was written."""

    def __init__(self, plan: ImportPlan):
        self.plan = plan
        if plan.errors and plan.conflicts:
            said = Msg(
                "the workbook has {problems} problem(s) and {conflicts} conflict(s) with newer saves; nothing was written",
                problems=len(plan.errors),
                conflicts=len(plan.conflicts),
            )
        elif plan.conflicts:
            said = Msg(
                "the workbook has {conflicts} conflict(s) with newer saves; nothing was written",
                conflicts=len(plan.conflicts),
            )
        else:
            said = Msg("the workbook has {problems} problem(s); nothing was written", problems=len(plan.errors))
        super().__init__(said)


def apply_plan(plan: ImportPlan, store: Store, user: User) -> list[AssessmentRecord]:
    """Save every change of a clean plan in one transaction (audited as source 'excel'); all or nothing.

    Raises PlanRefused (errors or conflicts), and from the store StaleVersion (someone saved since the plan was
    read), PermissionDenied or ValidationFailed; in every case nothing is written."""
    if not plan.can_apply:
        raise PlanRefused(plan)
    if not plan.changes:
        return []
    return store.save_assessments(user, [c.change for c in plan.changes], source="excel")


# ------------------------------------------------------------------------------------------------ reading


def _read_bytes(source: Path | str | bytes | IO[bytes]) -> tuple[bytes, str | None]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), None
    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.stat().st_size > MAX_FILE_BYTES:
            raise UploadRefused(
                f"the file is {path.stat().st_size / 2**20:.1f} MiB; workbooks above {MAX_FILE_BYTES // 2**20} MiB are refused"
            )
        return path.read_bytes(), path.name
    data = source.read(MAX_FILE_BYTES + 1)
    return data, getattr(source, "name", None)


def read_workbook(source: Path | str | bytes | IO[bytes], workspace: Any, store: Store, lang: str = "en") -> ImportPlan:
    """Read an edited workbook into a plan of changes, conflicts and errors; writes nothing.

    `workspace` is the staff ("working") view: its catalog gives the treaties and each country's provisions and
    sources; `store` gives the saved values and versions the rows are compared with. A file refused as a whole
    (not a workbook, too large, macros, damaged) is refused in `lang`, the language of the person who uploaded it;
    problems in cells are reported in the workbook's own language, as its headers are."""
    try:
        data, name = _read_bytes(source)
        check_upload(data, name)
    except UploadRefused as exc:
        return _refused(exc.reason, lang)
    except OSError as exc:
        return _refused(Msg("the file could not be read: {reason}", reason=exc.strerror or str(exc)), lang)
    try:
        wb = Book(data)
    except Unreadable as exc:
        return _refused(Msg("the file could not be read as an Excel workbook ({reason})", reason=_plain(exc)), lang)
    with gc_paused():
        return _read_plan(wb, workspace, store, lang)


def _refused(reason: str, lang: str) -> ImportPlan:
    """The plan of a file refused as a whole: one error, said in `lang`."""
    return ImportPlan(errors=[CellError("", "", say(reason, lang))])


def _read_plan(wb: Book, workspace: Any, store: Store, lang: str = "en") -> ImportPlan:
    try:
        return _Reader(wb, workspace, store).plan()
    except UploadRefused as exc:
        return _refused(exc.reason, lang)
    except (Unreadable, ParseError, zipfile.BadZipFile, KeyError, ValueError, EOFError) as exc:
        return _refused(Msg("the workbook is damaged: it could not be read ({reason})", reason=_plain(exc)), lang)
    except Exception as exc:
        if _is_unsafe_xml(exc):
            return _refused(_UNSAFE_XML, lang)
        raise
    finally:
        wb.close()


_UNSAFE_XML = UNSAFE_XML


def _is_unsafe_xml(exc: BaseException | None) -> bool:
    """defusedxml refused something, perhaps wrapped by openpyxl in an exception of its own."""
    seen = 0
    while exc is not None and seen < 10:
        if type(exc).__module__.startswith("defusedxml"):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _position(error: CellError) -> tuple[str, int, int]:
    """Sort key: sheet, then row, then column, as a person reads them."""
    if not error.cell:  # a problem of the whole sheet (it is listed first)
        return (error.sheet, 0, 0)
    try:
        letters, row = coordinate_from_string(error.cell)
    except ValueError:
        return (error.sheet, 0, 0)
    return (error.sheet, row, column_index_from_string(letters))


def _cell(row: int, col: int) -> str:
    """Zero-based row and column -> 'D17'."""
    return f"{get_column_letter(col + 1)}{row + 1}"


def _plain(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) < 200 else text[:200] + "..."


@dataclass
class _Row:
    """One Assessment row as typed, parsed."""

    row: int
    element: str
    country: str
    version: int
    status: str
    findings: list[tuple[str, str]]  # (provision id, extent)
    reason: str | None
    source: str | None
    hook: str | None
    note: str | None
    long_findings: str | None = (
        None  # a Findings cell as long as a cell holds, read against the saved findings (`_compare`)
    )


@dataclass
class _Ahead:
    """Read while calamine parses the sheet (`_Reader._read_ahead`)."""

    codes: list[str]  # the countries Lists names that the catalog knows, sorted
    saved: dict[tuple[str, str], StoredAssessment]  # Store.saved_assessments(codes)
    carry: CarryBasis
    findings: dict[tuple[str, str], list[tuple[str, str]]]  # the findings the rows of an unedited export hold
    derived: dict[tuple[str, str], str]  # the statuses those give on the as-of date


def _text(value: Any) -> str | None:
    """A cell as text: numbers and dates a person typed into a text column become their plain form. A string is
    taken as calamine gives it: calamine has undone the _xHHHH_ escapes already, and undoing them again would turn
    a typed '_x0041_' into 'A'."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _blank(text: str | None) -> str | None:
    return text.strip() or None if text is not None else None


class _Reader:
    def __init__(self, wb: Book, workspace: Any, store: Store):
        self.wb = wb
        self.workspace = workspace
        self.store = store
        self.catalog = workspace.catalog
        self.plan_ = ImportPlan()
        self.errors = self.plan_.errors
        self.lang = "en"  # the workbook's language (Lists: lang), in which its errors are reported
        self.t = gettext(self.lang)
        self.sheet = L.ASSESSMENT
        self.meta: dict[str, str] = {}  # the Lists sheet's keys and values
        self.ahead: _Ahead | None = None

    def error(self, row: int, column: str, reason: str) -> None:
        self.errors.append(CellError(self.sheet, _cell(row - 1, COL[column]), reason))

    def _language(self) -> None:
        """Read the workbook's language from the hidden Lists sheet (English when it does not say)."""
        self.lists = [
            row + [None, None] for row in self.wb.values(L.LISTS, max_rows=12)
        ]  # its key/value rows, read once
        for key, value, *_ in self.lists:
            if key == "lang" and _text(value) in LANGUAGES:
                self.lang = str(_text(value))
        self.t = gettext(self.lang)
        self.sheet = L.sheet(L.ASSESSMENT, self.lang)

    # ----------------------------------------------------------------------------------------- structure

    def plan(self) -> ImportPlan:
        names = self.wb.sheetnames
        if L.LISTS not in names:
            self.errors.append(
                CellError(
                    L.LISTS,
                    "",
                    "the workbook has no hidden 'Lists' sheet: it was not exported by Accession Readiness, or that "
                    "sheet was deleted; export a new workbook",
                )
            )
            return self.plan_
        self._language()
        t = self.t
        if self.sheet not in names:
            self.errors.append(
                CellError(
                    self.sheet,
                    "",
                    t("the workbook has no '{sheet}' sheet; export a new workbook and edit that sheet").format(
                        sheet=self.sheet
                    ),
                )
            )
        if self.errors:
            return self.plan_
        treaty = self._meta()
        if treaty is None:
            return self.plan_
        # never more than one row per element and country plus some spare rows (and the header) are read
        capacity = sum(len(o.elements) for o in treaty.obligations()) * len(self.catalog.countries)
        # calamine parses the sheet without holding the GIL: while it does, this thread reads the database for
        # the countries the workbook was exported for, then searches the sheet's XML for formulas (200 countries:
        # calamine 0.25 s; the database and scoring 0.2 s, the search 0.05 s). The search holds the GIL, so it
        # runs here, not in a second worker where it would slow the database read. Leaving the block waits for
        # the worker, so the workbook is never closed under it.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="xlsx-read") as pool:
            values = pool.submit(self.wb.values, self.sheet, 1 + capacity + SPARE_ROWS + 1)
            self.ahead = self._read_ahead(treaty)
            marks = self.wb.marks(self.sheet)
            self.cells = Sheet(values.result(), marks)
        if not self._headers():
            return self.plan_
        if self.cells.marks.unplaced_formulas:
            self.errors.append(
                CellError(
                    self.sheet,
                    "",
                    self.t(
                        "{n} cell(s) hold a formula without a cell reference; formulas are not accepted: "
                        "type the values themselves and save the workbook again"
                    ).format(n=self.cells.marks.unplaced_formulas),
                )
            )
        if self.cells.marks.unplaced_errors:
            self.errors.append(
                CellError(
                    self.sheet,
                    "",
                    self.t(
                        "{n} cell(s) hold an error value (such as #N/A) without a cell reference; type the values "
                        "themselves and save the workbook again"
                    ).format(n=self.cells.marks.unplaced_errors),
                )
            )
        rows = self._rows(treaty)
        self._compare(rows, treaty)
        self.errors.sort(key=_position)
        if len(self.errors) > MAX_ERRORS:
            more = len(self.errors) - MAX_ERRORS
            del self.errors[MAX_ERRORS:]
            self.errors.append(
                CellError(
                    "",
                    "",
                    self.t(
                        "... and {n} more problem(s) not listed; fix these and import the file again to see the rest"
                    ).format(n=f"{more:,}"),
                )
            )
        return self.plan_

    def _meta(self) -> Treaty | None:
        self.meta = meta = {}
        for key, value, *_ in self.lists:
            if isinstance(key, str):
                meta[key] = _text(value) or ""
        t = self.t
        if meta.get("format") != L.FORMAT_MARKER:
            self.errors.append(
                CellError(
                    L.LISTS,
                    "B1",
                    t(
                        "this is not a workbook exported by Accession Readiness (or its hidden 'Lists' sheet was changed); export a new one"
                    ),
                )
            )
            return None
        if meta.get("state") != "working":
            self.errors.append(
                CellError(
                    L.LISTS,
                    "B4",
                    t(
                        "this workbook is a read-only copy of the approved assessments and cannot be imported; "
                        "staff can export an editable one"
                    ),
                )
            )
            return None
        treaty = self.catalog.treaties.get(meta.get("treaty", ""))
        if treaty is None:
            self.errors.append(
                CellError(
                    L.LISTS,
                    "B2",
                    t("unknown treaty {treaty}; known: {known}").format(
                        treaty=repr(meta.get("treaty")), known=", ".join(sorted(self.catalog.treaties))
                    ),
                )
            )
        try:
            self.plan_.as_of = dt.date.fromisoformat(meta.get("as_of", ""))
        except ValueError:
            self.errors.append(
                CellError(
                    L.LISTS,
                    "B3",
                    t("the as-of date {value} is not a date in the form YYYY-MM-DD").format(
                        value=repr(meta.get("as_of"))
                    ),
                )
            )
            return None
        if treaty is not None:
            self.plan_.treaty = treaty.id
        return treaty

    def _read_ahead(self, treaty: Treaty) -> _Ahead | None:
        """What `_compare` will need if the rows are the countries' saved assessments as exported: the saved
        records of the countries Lists names, and the statuses their findings give. `_compare` uses each part
        only when the rows turn out to ask for exactly that; otherwise it reads and scores as if this were not."""
        as_of = self.plan_.as_of
        codes = sorted({c.upper() for c in self.meta.get("countries", "").split()} & set(self.catalog.countries))
        if as_of is None or not codes:
            return None
        saved = self.store.saved_assessments(codes)
        elements = [e.id for o in treaty.obligations() for e in o.elements]
        findings = {}
        for iso3 in codes:
            for element in elements:
                db = saved.get((iso3, element))
                findings[(iso3, element)] = (
                    [(f["provision"], f["extent"]) for f in db.findings] if db is not None else []
                )
        carry = CarryBasis.of(self.catalog, treaty)
        countries = [self.catalog.countries[c] for c in codes]
        return _Ahead(codes, saved, carry, findings, _derived(treaty, countries, saved, findings, as_of, carry))

    def _headers(self) -> bool:
        found = tuple(self.cells.rows[0][: L.ASSESSMENT_READ_COLUMNS]) if self.cells.rows else ()
        found = found + (None,) * (L.ASSESSMENT_READ_COLUMNS - len(found))
        ok = True
        for i, col in enumerate(L.ASSESSMENT_COLUMNS[: L.ASSESSMENT_READ_COLUMNS]):
            text = _blank(_text(found[i]))
            expected = L.header(col, self.lang)
            if text != expected:
                ok = False
                shown = f"'{text}'" if text else self.t("nothing")
                self.errors.append(
                    CellError(
                        self.sheet,
                        _cell(0, i),
                        self.t(
                            "expected the column '{column}' here, found {found}; columns may not be moved, added or removed"
                        ).format(column=expected, found=shown),
                    )
                )
        return ok

    # ---------------------------------------------------------------------------------------------- rows

    def _rows(self, treaty: Treaty) -> list[_Row]:
        elements = {e.id for o in treaty.obligations() for e in o.elements}
        hooks = {h.id: h for o in treaty.obligations() for h in o.hooks}
        countries = self.catalog.countries
        provision_ids = {iso3: {p.id for p in c.provisions} for iso3, c in countries.items()}
        source_ids = {iso3: {s.id for s in c.sources} for iso3, c in countries.items()}
        t = self.t
        choices = ", ".join(L.status_choices(self.lang))
        status_codes = L.status_codes()  # once per read, not once per row
        seen: dict[tuple[str, str], int] = {}
        out: list[_Row] = []
        # The sheet's <dimension> is whatever the writer claims; calamine reads every row that is there instead
        # of trusting it, but never more than one row per element and country plus some spare rows.
        capacity = len(elements) * len(countries)
        last_row = 1 + capacity + SPARE_ROWS
        width = L.ASSESSMENT_READ_COLUMNS
        formulas, error_cells = self.cells.marks.formulas, self.cells.marks.errors
        marked = bool(formulas or error_cells)
        free_texts, half_a_cell = (COL["findings"], COL["judgment_reason"], COL["note"]), MAX_TEXT // 2
        c_element, c_country, c_version, c_status, c_findings = (
            COL["element"],
            COL["country"],
            COL["version"],
            COL["status"],
            COL["findings"],
        )
        c_reason, c_source, c_hook, c_note = COL["judgment_reason"], COL["judgment_source"], COL["hook"], COL["note"]
        status_choices = frozenset(L.STATUS_CHOICES)
        for r, row in enumerate(self.cells.rows[1:], start=2):
            if r > last_row:
                self.errors.append(
                    CellError(
                        self.sheet,
                        "",
                        t(
                            "the sheet goes on past row {last}; a workbook of {treaty} holds at most {capacity} "
                            "rows (one per element and country), so the rest was not read; delete the extra rows"
                        ).format(last=f"{last_row:,}", treaty=treaty.id, capacity=f"{capacity:,}"),
                    )
                )
                break
            values = row[:width] if len(row) >= width else row + [None] * (width - len(row))
            first = values[0]  # an element id: the row is not blank (most rows)
            if (
                (first is None or first.__class__ is str and not first.strip())
                and all(v is None or (isinstance(v, str) and not v.strip()) for v in values)
                and not (marked and any((r - 1, i) in formulas or (r - 1, i) in error_cells for i in range(width)))
            ):
                continue
            self.plan_.rows += 1
            before = len(self.errors)
            # the free texts, refused when longer than a cell holds (a text of at most half the limit fits even if
            # every character counts twice); ids and codes that long are refused as unknown
            long = [i for i in free_texts if values[i].__class__ is str and len(values[i]) > half_a_cell]
            if (marked or long) and not self._cells_read_as_typed(r, values, marked, long):
                continue
            text = [v if v.__class__ is str else _text(v) for v in values]
            element = _blank(text[c_element]) or ""
            country = (_blank(text[c_country]) or "").upper()
            if element not in elements:
                self.error(
                    r,
                    "element",
                    t("unknown element {element} (not an element of {treaty})").format(
                        element=repr(element), treaty=treaty.id
                    )
                    if element
                    else t("the element id is empty"),
                )
            if country not in countries:
                self.error(
                    r,
                    "country",
                    t("unknown country {country}").format(country=repr(country))
                    if country
                    else t("the country is empty"),
                )
            version = self._version(r, values[c_version])
            typed_status = _blank(text[c_status]) or ""
            status = L.status_code(typed_status, status_codes) or ""  # a status word of either language -> its code
            if status not in status_choices:
                self.error(
                    r,
                    "status",
                    t("status '{status}' is not one of {choices}").format(status=typed_status, choices=choices)
                    if typed_status
                    else t("the status is empty; choose one of {choices}").format(choices=choices),
                )
            findings_cell, long_findings = text[c_findings], None
            if country not in countries:
                findings = []
            elif (
                findings_cell is not None
                and len(findings_cell) > half_a_cell
                and cell_length(findings_cell) >= MAX_TEXT - 1
            ):
                findings, long_findings = [], findings_cell  # perhaps saved findings the export could only write cut
            else:
                findings = self._findings(r, _blank(findings_cell), provision_ids[country], country)
            reason = _blank(text[c_reason])
            source = _blank(text[c_source])
            if source is not None and country in countries and source not in source_ids[country]:
                self.error(
                    r,
                    "judgment_source",
                    t("{source} is not a source id of {country} (see the Sources sheet)").format(
                        source=repr(source), country=country
                    ),
                )
            hook = _blank(text[c_hook])
            if hook is not None:
                if hook not in hooks:
                    self.error(
                        r,
                        "hook",
                        t("{hook} is not a reservation or declaration of {treaty}").format(
                            hook=repr(hook), treaty=treaty.id
                        ),
                    )
                elif element in elements and element not in hooks[hook].elements:
                    self.error(
                        r, "hook", t("{hook} does not allow reserving {element}").format(hook=hook, element=element)
                    )
            note = (
                text[c_note] or None
            )  # kept as typed, a note of blanks or line breaks too (as the Edit page keeps it)
            key = (country, element)
            if key in seen and element and country:
                self.error(
                    r,
                    "element",
                    t("{element} of {country} appears twice (also in row {row}); keep one row").format(
                        element=element, country=country, row=seen[key]
                    ),
                )
            seen.setdefault(key, r)
            if len(self.errors) == before and version is not None and findings is not None:
                out.append(
                    _Row(r, element, country, version, status, findings, reason, source, hook, note, long_findings)
                )
        return out

    def _cells_read_as_typed(self, r: int, values: list[Any], marked: bool, long: list[int]) -> bool:
        """False, after saying why with the cell, when a cell of the row holds something other than what was typed:
        a formula (calamine gives its cached value), an error (calamine gives an empty cell: taken as typed, it
        would clear the value) or, among the columns `long`, a text longer than a cell holds (refused, never cut)."""
        before, t, not_read = (
            len(self.errors),
            self.t,
            COL["element_text"],
        )  # shown, never read: nothing there changes anything
        formulas, error_cells = self.cells.marks.formulas, self.cells.marks.errors
        for i in range(len(values)) if marked else ():
            if i == not_read:
                continue
            if (r - 1, i) in formulas:
                self.errors.append(
                    CellError(
                        self.sheet,
                        _cell(r - 1, i),
                        t(
                            "contains a formula; formulas are not accepted here: type the value itself (start it "
                            "with an apostrophe to keep a leading '=')"
                        ),
                    )
                )
            elif (r - 1, i) in error_cells:
                self.errors.append(
                    CellError(
                        self.sheet,
                        _cell(r - 1, i),
                        t(
                            "holds the error value {error}, not a value; type the value itself, or clear the cell "
                            "to leave it empty"
                        ).format(error=error_cells[(r - 1, i)]),
                    )
                )
        for i in long:
            if (problem := too_long_for_a_cell(values[i])) is not None:
                self.errors.append(CellError(self.sheet, _cell(r - 1, i), say(problem, self.lang)))
        return len(self.errors) == before

    def _version(self, r: int, value: Any) -> int | None:
        if isinstance(value, bool) or value is None or value == "":
            self.error(r, "version", self.t("the version is empty; it must stay as exported"))
            return None
        if isinstance(value, (int, float)) and float(value).is_integer() and value >= 0:
            return int(value)
        if isinstance(value, str) and value.strip().isdigit():
            return int(value.strip())
        self.error(
            r,
            "version",
            self.t("the version {value!r} is not a whole number; it must stay as exported").format(value=_text(value)),
        )
        return None

    def _findings(self, r: int, cell: str | None, known: set[str], country: str) -> list[tuple[str, str]] | None:
        if cell is None:
            return []
        out: list[tuple[str, str]] = []
        ok, t = True, self.t
        for part in cell.replace("\n", ";").split(";"):
            part = part.strip()
            if not part:
                continue
            pid, sep, extent = part.partition(":")
            pid, extent = pid.strip(), (extent.strip().lower() if sep else Extent.full.value)
            if extent not in {e.value for e in Extent}:
                self.error(r, "findings", t("'{part}': the extent after ':' must be full or partial").format(part=part))
                ok = False
            elif pid not in known:
                self.error(
                    r,
                    "findings",
                    t("{provision!r} is not a provision of {country} (ids are in the Provisions sheet)").format(
                        provision=pid, country=country or t("this country")
                    ),
                )
                ok = False
            elif out and any(p == pid for p, _ in out):
                self.error(r, "findings", t("{provision} is listed twice").format(provision=pid))
                ok = False
            else:
                out.append((pid, extent))
        return out if ok else None

    # ------------------------------------------------------------------------------------------ compare

    def _compare(self, rows: list[_Row], treaty: Treaty) -> None:
        if not rows:
            return
        as_of = self.plan_.as_of
        assert as_of is not None
        codes = sorted({r.country for r in rows})
        countries = [self.catalog.countries[c] for c in codes]
        ahead = self.ahead if self.ahead is not None and self.ahead.codes == codes else None
        saved = ahead.saved if ahead is not None else self.store.saved_assessments(codes)
        rows = self._findings_longer_than_a_cell(rows, saved)
        if not rows:
            return
        # what each row's findings give; statuses carried over the crosswalks read the saved basis elements
        carry = ahead.carry if ahead is not None else CarryBasis.of(self.catalog, treaty)
        # (the keys of `rows` are distinct: a second row of the same element and country is an error, left out)
        matched = (
            ahead is not None
            and len(rows) == len(ahead.findings)
            and all(ahead.findings.get((r.country, r.element)) == r.findings for r in rows)
        )
        if matched:
            derived = ahead.derived  # the same function of the same records, computed while the sheet was parsed
        else:
            derived = _derived(
                treaty, countries, saved, {(r.country, r.element): r.findings for r in rows}, as_of, carry
            )
        pending: list[tuple[_Row, StoredAssessment, list[dict], dict | None]] = []
        for row in rows:
            key = (row.country, row.element)
            db = saved.get(key) or StoredAssessment(row.country, row.element)
            d = derived[key]
            judgment = self._judgment(row, d, db)
            if judgment is False:
                continue
            # matched: every row holds its saved findings' pairs, in their order, which _merge_findings gives back
            findings = db.findings if matched else _merge_findings(row.findings, db.findings)
            if findings == db.findings and judgment == db.judgment and row.note == db.note:
                if row.version > (db.version or 0):
                    self.error(
                        row.row,
                        "version",
                        self.t(
                            "version {version} is newer than the database's ({saved}): this workbook was not exported "
                            "from this database"
                        ).format(version=row.version, saved=db.version),
                    )
                continue
            pending.append((row, db, findings, judgment))
        if not pending:
            return
        current = _element_statuses(treaty, countries, saved, as_of, carry)  # what the saved data gives, for the diff
        changed: dict[str, list[tuple[_Row, ElementAssessment]]] = {}
        for row, db, findings, judgment in pending:
            key = (row.country, row.element)
            new_status = judgment["status"] if judgment else derived[key]
            db_version = db.version or 0
            if row.version < db_version:
                self.plan_.conflicts.append(
                    Conflict(
                        row.country,
                        row.element,
                        row.row,
                        {"version": row.version, "status": row.status, **_values(findings, judgment, row.note)},
                        {
                            "version": db_version,
                            "updated_by": db.updated_by,
                            "updated_at": db.updated_at.isoformat() if db.updated_at else None,
                            "status": current[key],
                            **_values(db.findings, db.judgment, db.note),
                        },
                    )
                )
                continue
            if row.version > db_version:
                self.error(
                    row.row,
                    "version",
                    self.t(
                        "version {version} is newer than the database's ({saved}): this workbook was not exported "
                        "from this database"
                    ).format(version=row.version, saved=db_version),
                )
                continue
            model = self._model(row, findings, judgment)
            if model is None:
                continue
            changed.setdefault(row.country, []).append((row, model))
            old, new = _values(db.findings, db.judgment, db.note), _values(findings, judgment, row.note)
            fields = {"status": (current[key], new_status)} if current[key] != new_status else {}
            fields.update({k: (old[k], new[k]) for k in old if old[k] != new[k]})
            self.plan_.changes.append(
                PlannedChange(
                    row.country,
                    row.element,
                    row.row,
                    db_version,
                    fields,
                    AssessmentChange(
                        row.country, row.element, tuple(model.findings), model.judgment, model.note, db_version
                    ),
                )
            )
        self._cross_checks(changed)

    def _findings_longer_than_a_cell(
        self, rows: list[_Row], saved: Mapping[tuple[str, str], StoredAssessment]
    ) -> list[_Row]:
        """The rows, with those whose saved findings are longer than a cell holds settled first: the export could
        only write them cut, so a cell holding exactly that cut keeps them as saved, and anything else there is
        refused (it may be a cut list, and saving it would drop the rest). A long cell of other findings is read
        now. Nearly always there is nothing to settle."""
        few = MAX_TEXT // (MAX_ID + len(":partial; "))  # ids are at most MAX_ID long: fewer findings always fit
        too_long = {}
        for key, db in saved.items():
            if len(db.findings) > few and cell_length(full := findings_text(db.findings)) > MAX_TEXT:
                too_long[key] = (full, [(f["provision"], f["extent"]) for f in db.findings])
        if not too_long and all(row.long_findings is None for row in rows):
            return rows
        out = []
        for row in rows:
            long = too_long.get((row.country, row.element))
            if long is not None and row.long_findings is not None and row.long_findings == fit_cell(long[0]):
                row.findings = long[1]
            elif long is not None:
                self.error(
                    row.row,
                    "findings",
                    self.t(
                        "the saved findings of this element take {count} characters as Excel counts them, more than "
                        "the {limit} a cell holds, so the "
                        "workbook shows them cut; leave this cell as exported and change these findings on the Edit page"
                    ).format(count=f"{cell_length(long[0]):,}", limit=f"{MAX_TEXT:,}"),
                )
                continue
            elif row.long_findings is not None:
                known = {p.id for p in self.catalog.countries[row.country].provisions}
                findings = self._findings(row.row, _blank(row.long_findings), known, row.country)
                if findings is None:
                    continue
                row.findings = findings
            out.append(row)
        return out

    def _judgment(self, row: _Row, derived: str, db: StoredAssessment) -> dict | None | bool:
        """The judgment the row asks for (None: the findings decide), or False after reporting why it cannot be."""
        s = row.status
        t, word = self.t, (lambda code: L.status_text(code, self.lang))  # noqa: E731 - the status as the workbook writes it
        if s in L.FINDINGS_CHOICES:
            if s != L.FROM_FINDINGS and s != derived:
                self.error(
                    row.row,
                    "status",
                    t(
                        "status {status} does not follow from the findings on {date} (they give {derived}); "
                        "change the findings in column {column}, or choose '{from_findings}'"
                    ).format(
                        status=word(s),
                        date=self.plan_.as_of,
                        derived=word(derived),
                        column=get_column_letter(COL["findings"] + 1),
                        from_findings=word(L.FROM_FINDINGS),
                    ),
                )
                return False
            return None
        if row.reason is None:
            if s == derived and row.hook is None:
                return None  # the row shows what the findings already give, as exported
            self.error(
                row.row,
                "judgment_reason",
                t("status '{status}' overrides what the findings give ({derived}) and needs a reason here").format(
                    status=word(s), derived=word(derived)
                ),
            )
            return False
        ok = True
        if s == Status.reserved and row.hook is None:
            self.error(
                row.row,
                "hook",
                t("status '{status}' needs the reservation or declaration it rests on").format(status=word(s)),
            )
            ok = False
        if s != Status.reserved and row.hook is not None:
            self.error(
                row.row,
                "hook",
                t(
                    "only status '{reserved}' names a reservation or declaration; clear this cell or choose "
                    "{reserved} (status is '{status}')"
                ).format(reserved=word(Status.reserved), status=word(s)),
            )
            ok = False
        if s != Status.unknown and row.source is None:
            self.error(
                row.row,
                "judgment_source",
                t("status '{status}' is a legal claim and needs a source id here (see the Sources sheet)").format(
                    status=word(s)
                ),
            )
            ok = False
        if not ok:
            return False
        judgment: dict[str, Any] = {"status": s, "reason": row.reason}
        if row.source is not None:
            judgment["source"] = row.source
        if row.hook is not None:
            judgment["hook"] = row.hook
        old = db.judgment
        if old is not None and all(old.get(k) == judgment.get(k) for k in ("status", "reason", "source", "hook")):
            return old  # unchanged: keep its verified mark
        return judgment

    def _model(self, row: _Row, findings: list[dict], judgment: dict | None) -> ElementAssessment | None:
        """The same pydantic models as the YAML files and the store; messages placed on the cell typed."""
        try:
            return ElementAssessment(
                element=row.element,
                findings=[Finding.model_validate(f) for f in findings],
                judgment=None if judgment is None else Judgment.model_validate(judgment),
                note=row.note,
            )
        except ValidationError as exc:
            for e in exc.errors(include_url=False):
                column = next((FIELD_COLUMN[str(p)] for p in reversed(e["loc"]) if str(p) in FIELD_COLUMN), "status")
                if judgment is not None and not e["loc"]:
                    column = "hook"
                error = (e.get("ctx") or {}).get("error")
                self.error(
                    row.row,
                    column,
                    say(error, self.lang)
                    if isinstance(error, ValueError)
                    else str(e["msg"]).removeprefix("Value error, "),
                )
            return None

    def _cross_checks(self, changed: dict[str, list[tuple[_Row, ElementAssessment]]]) -> None:
        """The store's own reference checks (sources, provisions, hooks, sourced claims), run before any write."""
        index = TreatyIndex.build(self.catalog.treaties.values())
        for iso3, items in changed.items():
            country: Country = self.catalog.countries[iso3]
            doc = Doc(iso3, country.model_copy(update={"assessments": [m for _, m in items]}))
            for issue in check_country(doc, index, from_file=False):
                if len(issue.loc) >= 2 and issue.loc[0] == "assessments" and isinstance(issue.loc[1], int):
                    row = items[issue.loc[1]][0]
                    column = next(
                        (FIELD_COLUMN[str(p)] for p in reversed(issue.loc[2:]) if str(p) in FIELD_COLUMN), "status"
                    )
                    self.error(row.row, column, say(issue.reason, self.lang))
                # problems outside the rows (a country's own provisions) were there before the import; the store
                # refuses them at apply time with its own message


def _merge_findings(typed: list[tuple[str, str]], saved: list[dict]) -> list[dict]:
    """The findings a row asks for; unchanged ones are the saved documents themselves (note, source, verified)."""
    by_id = {f["provision"]: f for f in saved}
    if {(f["provision"], f["extent"]) for f in saved} == set(typed) and len(saved) == len(typed):
        return saved
    out = []
    for pid, extent in typed:
        old = by_id.get(pid)
        if old is not None and old["extent"] == extent:
            out.append(old)
        elif old is not None:  # a new claim about the same provision: keep its note and source, not its verified mark
            out.append({**{k: v for k, v in old.items() if k != "verified"}, "extent": extent})
        else:
            out.append({"provision": pid, "extent": extent})
    return out


def _values(findings: Iterable[dict], judgment: dict | None, note: str | None) -> dict[str, str | None]:
    j = judgment or {}
    return {
        "findings": findings_text(findings) or None,
        "judgment_reason": j.get("reason"),
        "judgment_source": j.get("source"),
        "hook": j.get("hook"),
        "note": note,
    }


class _Evidence(NamedTuple):
    """A row's findings as the scorer's records read them (`records_from_saved` reads `findings` and `judgment`);
    lighter than a StoredAssessment, of which 28,800 cost a 200-country import 30 ms to build."""

    findings: list[dict]
    judgment: dict | None = None


def _derived(
    treaty: Treaty,
    countries: list[Country],
    saved: dict[tuple[str, str], StoredAssessment],
    findings: dict[tuple[str, str], list[tuple[str, str]]],
    as_of: dt.date,
    carry: CarryBasis,
) -> dict[tuple[str, str], str]:
    """What the rows' findings give on `as_of` (their judgments aside); statuses carried over the crosswalks read
    the saved basis elements."""
    as_rows = {key: _Evidence([{"provision": p, "extent": x} for p, x in pairs]) for key, pairs in findings.items()}
    return _element_statuses(treaty, countries, {**saved, **as_rows} if carry.carries else as_rows, as_of, carry)


def _element_statuses(
    treaty: Treaty,
    countries: list[Country],
    assessments: Mapping[tuple[str, str], StoredAssessment | _Evidence],
    as_of: dt.date,
    carry: CarryBasis | None = None,
) -> dict[tuple[str, str], str]:
    """(country, element) -> status on `as_of`, from the one scorer (element statuses of every country at once)."""
    engine = evidence_engine(treaty, countries, assessments, carry)
    grid = engine.score_all(as_of).grids[treaty.id]
    e0, e1 = engine.structure.treaty_elements[treaty.id]
    ids = engine.structure.element_ids[e0:e1]
    names = [s.value for s in STATUSES]
    out = {}
    for ci, iso3 in enumerate(grid.countries):
        for ei, code in enumerate(grid.element_codes[ci].tolist()):
            out[(iso3, ids[ei])] = names[code]
    return out
