"""The cells of an uploaded workbook, read with python-calamine (Rust) once `safety.check_upload` has passed it.

calamine gives cell values only; the importer also needs to know which cells hold a formula (it refuses them,
with their cell), so the sheet's XML is searched for `<f>` elements and their cells' references. Calamine's XML
parser does not expand entities: `safety.check_upload` refuses a DTD in any part before this reads them.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from python_calamine import CalamineWorkbook

from .safety import UploadRefused

_FORMULA = re.compile(rb"<f[\s/>]")
_CELL_REF = re.compile(rb"""\br\s*=\s*["']([A-Z]{1,3})([0-9]{1,7})["']""")
_NAMESPACE_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


class Unreadable(Exception):
    """calamine could not read the workbook or a sheet (a damaged file); the message says why."""


@dataclass
class Sheet:
    rows: list[list[Any]]  # values from A1, one list per row (blank rows included); empty cells are "" (as calamine gives them)
    formulas: set[tuple[int, int]]  # (row, column), zero-based, of cells holding a formula
    unplaced_formulas: int  # formulas whose cell has no reference (not written by Excel, XlsxWriter or openpyxl)


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
        """The sheet's values (at most `max_rows` rows from the top) and where its formulas are."""
        return Sheet(self.values(name, max_rows), *self.formulas(name))

    def values(self, name: str, max_rows: int | None = None) -> list[list[Any]]:
        """The sheet's values from A1, one list per row, empty cells "" (not mapped to None: that pass over half a
        million cells would cost more than the reader's own checks of them). calamine parses without holding the
        GIL, so this may run in a thread while the caller does other work."""
        try:
            return self._wb.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=max_rows)
        except Exception as exc:  # noqa: BLE001
            raise Unreadable(str(exc) or type(exc).__name__) from None

    def formulas(self, name: str) -> tuple[set[tuple[int, int]], int]:
        """(row, column) of the cells holding a formula, zero-based, and how many formulas have no cell reference."""
        xml = self._zip.read(self._part_of(name))
        found: set[tuple[int, int]] = set()
        unplaced = 0
        for m in _FORMULA.finditer(xml):
            start = max(xml.rfind(b"<c ", 0, m.start()), xml.rfind(b"<c\t", 0, m.start()), xml.rfind(b"<c\n", 0, m.start()))
            ref = _CELL_REF.search(xml, start, xml.find(b">", start) + 1) if start >= 0 else None
            if ref is None:
                unplaced += 1
                continue
            letters, row = ref.group(1).decode(), int(ref.group(2))
            col = 0
            for ch in letters:
                col = col * 26 + ord(ch) - 64
            found.add((row - 1, col - 1))
        return found, unplaced

    def _part_of(self, name: str) -> str:
        """The zip part of a sheet, from xl/workbook.xml and its relationships (defusedxml parses both)."""
        from defusedxml.ElementTree import fromstring

        workbook = fromstring(self._zip.read("xl/workbook.xml"))
        rid = next((el.get(_NAMESPACE_R) for el in workbook.iter() if el.tag.endswith("}sheet") and el.get("name") == name), None)
        rels = fromstring(self._zip.read("xl/_rels/workbook.xml.rels"))
        target = next((el.get("Target") for el in rels.iter() if el.get("Id") == rid), None)
        if not target:
            raise UploadRefused(f"the workbook lists the sheet '{name}' but not where it is stored; save it again as .xlsx")
        return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
