"""The cells of an uploaded workbook, read with python-calamine (Rust) once `safety.check_upload` has passed it.

calamine gives cell values only; the importer also needs to know which cells hold a formula and which an error
(`#N/A`, which calamine gives as an empty cell), to refuse them with their cell, so the cells of the sheet's XML
are searched for `<f>` elements and `t="e"` types. calamine matches elements by local name whatever their
namespace prefix (`<x:c>`, `<x:f>`), and so does this search. Calamine's XML parser does not expand entities:
`safety.check_upload` refuses a DTD in any part before this reads them.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from python_calamine import CalamineWorkbook

from ..i18n import Msg
from .safety import UploadRefused

_NAME = rb"[A-Za-z_][A-Za-z0-9_.-]*"
_PREFIX = re.compile(_NAME)
#: a formula element: <f> (searched literally, fast) or <prefix:f> (found by its ':f', then its prefix checked)
_FORMULA = re.compile(rb"<f[\s/>]")
_PREFIXED_FORMULA = re.compile(rb":f[\s/>]")
#: a start or end tag and its local name (comments, CDATA and processing instructions do not match)
_TAG = re.compile(rb"<(/?)(?:" + _NAME + rb":)?(" + _NAME + rb")")
_SHEET_DATA = re.compile(rb"<(?:" + _NAME + rb":)?sheetData[\s/>]")
_ATTRIBUTE = re.compile(rb"""\s+((?:""" + _NAME + rb""":)?""" + _NAME + rb""")\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_ERROR_TYPE = re.compile(rb"""\st\s*=\s*["']e["']""")  # the unprefixed type attribute, the one calamine reads
_VALUE = re.compile(rb"\s*>\s*<(?:" + _NAME + rb":)?v\s*>([^<]{0,40})<")  # right after the cell's start tag
#: how far back from a formula its cell's start tag may be (a cell's <f> is its first child; more is refused as unplaced)
_MAX_WALK = 64
_NAMESPACE_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


class Unreadable(Exception):
    """calamine could not read the workbook or a sheet (a damaged file); the message says why."""


@dataclass
class Marks:
    """The cells of a sheet whose value calamine gives is not what a person typed."""

    formulas: set[
        tuple[int, int]
    ]  # (row, column), zero-based, of cells holding a formula (calamine gives its cached value)
    unplaced_formulas: int  # formulas whose cell has no reference (not written by Excel, XlsxWriter or openpyxl)
    errors: dict[tuple[int, int], str]  # cells of type error (calamine gives ""), with the error as written (#N/A)
    unplaced_errors: int  # error cells without a reference


@dataclass
class Sheet:
    rows: list[
        list[Any]
    ]  # values from A1, one list per row (blank rows included); empty cells are "" (as calamine gives them)
    marks: Marks

    @property
    def formulas(self) -> set[tuple[int, int]]:
        return self.marks.formulas


class Book:
    def __init__(self, data: bytes):
        self._data = data
        self._zip = zipfile.ZipFile(io.BytesIO(data))
        try:
            self._wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        except Exception as exc:  # noqa: BLE001 - calamine raises its own kinds for damaged files
            raise Unreadable(str(exc) or type(exc).__name__) from None
        self.sheetnames: list[str] = list(self._wb.sheet_names)

    def close(self) -> None:
        self._wb.close()
        self._zip.close()

    def sheet(self, name: str, max_rows: int | None = None) -> Sheet:
        """The sheet's values (at most `max_rows` rows from the top) and where its formulas and error cells are."""
        return Sheet(self.values(name, max_rows), self.marks(name))

    def values(self, name: str, max_rows: int | None = None) -> list[list[Any]]:
        """The sheet's values from A1, one list per row, empty cells "" (not mapped to None: that pass over half a
        million cells would cost more than the reader's own checks of them). calamine parses without holding the
        GIL, so this may run in a thread while the caller does other work."""
        try:
            return self._wb.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=max_rows)
        except Exception as exc:  # noqa: BLE001
            raise Unreadable(str(exc) or type(exc).__name__) from None

    def marks(self, name: str) -> Marks:
        """The cells holding a formula or an error, searched in the sheet's cells (<sheetData>) only: extensions
        after them hold formulas of their own (Excel writes list validations as <xm:f>).

        Literal searches find the candidates (an unedited export has none: 0.05 s for 200 countries); each is
        placed by walking back to its cell's start tag, which is exact because '<' can occur in XML only as
        markup. Comments, CDATA sections and processing instructions can hold a '<' that is not markup: when
        the cells hold any, and a candidate was found, the sheet is parsed instead."""
        xml = self._zip.read(self._part_of(name))
        opening = _SHEET_DATA.search(xml)
        if opening is None:
            return Marks(set(), 0, {}, 0)
        lo, hi = opening.start(), len(xml)
        closing = xml.rfind(b"sheetData>", lo)
        if closing > 0:
            hi = closing
        formulas = [m.start() for m in _FORMULA.finditer(xml, lo, hi)]
        for m in _PREFIXED_FORMULA.finditer(xml, lo, hi):
            lt = xml.rfind(b"<", lo, m.start())
            if lt >= 0 and _PREFIX.fullmatch(xml, lt + 1, m.start()):
                formulas.append(lt)
        errors = (
            [m.start() for m in _ERROR_TYPE.finditer(xml, lo, hi)]
            if xml.find(b'"e"', lo, hi) >= 0 or xml.find(b"'e'", lo, hi) >= 0
            else []
        )
        if not formulas and not errors:
            return Marks(set(), 0, {}, 0)
        if xml.find(b"<!", lo + 1, hi) >= 0 or xml.find(b"<?", lo, hi) >= 0:
            return _parsed_marks(xml)
        found: set[tuple[int, int]] = set()
        error_cells: dict[tuple[int, int], str] = {}
        unplaced = unplaced_errors = 0
        for pos in formulas:
            start = _cell_start(xml, lo, pos)
            cell = _place(_attributes(xml, start)[0].get(b"r")) if start >= 0 else None
            if cell is None:
                unplaced += 1
            else:
                found.add(cell)
        for pos in errors:
            start = xml.rfind(b"<", lo, pos)
            tag = _TAG.match(xml, start) if start >= 0 else None
            if tag is None or tag.group(1) or tag.group(2) != b"c":
                continue  # not a cell's type
            attributes, end = _attributes(xml, start)
            if attributes.get(b"t") != b"e":
                continue  # the match was inside another attribute's value
            cell = _place(attributes.get(b"r"))
            if cell is None:
                unplaced_errors += 1
                continue
            value = _VALUE.match(xml, end)
            error_cells[cell] = value.group(1).decode("utf-8", "replace").strip() if value else "#?"
        return Marks(found, unplaced, error_cells, unplaced_errors)

    def _part_of(self, name: str) -> str:
        """The zip part of a sheet, from xl/workbook.xml and its relationships (defusedxml parses both)."""
        from defusedxml.ElementTree import fromstring

        workbook = fromstring(self._zip.read("xl/workbook.xml"))
        rid = next(
            (el.get(_NAMESPACE_R) for el in workbook.iter() if el.tag.endswith("}sheet") and el.get("name") == name),
            None,
        )
        rels = fromstring(self._zip.read("xl/_rels/workbook.xml.rels"))
        target = next((el.get("Target") for el in rels.iter() if el.get("Id") == rid), None)
        if not target:
            raise UploadRefused(
                Msg(
                    "the workbook lists the sheet '{name}' but not where it is stored; save it again as .xlsx",
                    name=name,
                )
            )
        return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def _cell_start(xml: bytes, lo: int, pos: int) -> int:
    """Where the start tag of the cell holding the element at `pos` begins; -1 when it is in no cell (or further back
    than a cell's children can be)."""
    for _ in range(_MAX_WALK):
        pos = xml.rfind(b"<", lo, pos)
        if pos < 0:
            return -1
        tag = _TAG.match(xml, pos)
        if tag is None:
            continue
        if tag.group(2) == b"c":
            return -1 if tag.group(1) else pos
        if tag.group(2) in (b"row", b"sheetData"):
            return -1
    return -1


def _attributes(xml: bytes, start: int) -> tuple[dict[bytes, bytes], int]:
    """The attributes of the start tag at `start` by name as written (calamine reads the unprefixed `r` and `t`),
    read one after another so that a value holding 'r=' or '>' is never taken for markup; and where they end."""
    tag = _TAG.match(xml, start)
    out: dict[bytes, bytes] = {}
    pos = tag.end() if tag else start
    while (m := _ATTRIBUTE.match(xml, pos)) is not None:
        out.setdefault(m.group(1), m.group(2) if m.group(2) is not None else m.group(3))
        pos = m.end()
    return out, pos


def _place(ref: bytes | str | None) -> tuple[int, int] | None:
    """'D17' -> (16, 3), zero-based (row, column); None when there is no reference."""
    if not ref:
        return None
    m = _CELL_REF.fullmatch(ref.decode("ascii", "replace") if isinstance(ref, bytes) else ref)
    return (int(m.group(2)) - 1, _column(m.group(1)) - 1) if m else None


def _column(letters: str) -> int:
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return col


def _parsed_marks(xml: bytes) -> Marks:
    """The same marks from a full parse (defusedxml), for sheets whose cells hold comments, CDATA sections or
    processing instructions. Elements are matched by local name, as calamine matches them."""
    from defusedxml.ElementTree import iterparse

    def local(tag: str) -> str:
        return tag.rsplit("}", 1)[-1]

    formulas: set[tuple[int, int]] = set()
    errors: dict[tuple[int, int], str] = {}
    unplaced = unplaced_errors = 0
    path: list[str] = []
    for event, el in iterparse(io.BytesIO(xml), events=("start", "end")):
        name = local(el.tag)
        if event == "start":
            path.append(name)
            continue
        path.pop()
        if name == "c" and path[-2:] == ["sheetData", "row"]:
            has_formula = any(local(child.tag) == "f" for child in el)
            is_error = el.get("t") == "e"
            cell = _place(el.get("r"))
            if has_formula:
                if cell is None:
                    unplaced += 1
                else:
                    formulas.add(cell)
            if is_error:
                if cell is None:
                    unplaced_errors += 1
                else:
                    value = next((child.text for child in el if local(child.tag) == "v"), None)
                    errors[cell] = (value or "#?").strip()[:40]
        if name == "row":
            el.clear()
    return Marks(formulas, unplaced, errors, unplaced_errors)
