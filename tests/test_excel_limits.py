"""Workbooks crafted to hurt (issue 14): bounded rows and errors, rows beyond the sheet's <dimension>, macro
parts under other names, and notes at the cell limit surviving an untouched round trip."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from excel_helpers import edit, rezip, rows_of, workspace_of

from assessment.catalog import Catalog
from assessment.excel import export_workbook, read_workbook
from assessment.excel.importer import MAX_ERRORS
from assessment.models import MAX_TEXT
from assessment.store import SYSTEM, Store

pytestmark = pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")
AS_OF = dt.date(2026, 3, 1)


def export(store: Store, catalog: Catalog, path: Path) -> Path:
    export_workbook(workspace_of(store, catalog), ["AAA"], "tst1", AS_OF, path, store=store)
    return path


def read(store: Store, catalog: Catalog, source):
    return read_workbook(source, workspace_of(store, catalog), store)


def test_a_note_at_the_cell_limit_round_trips_untouched(
    mini_store: Store, mini_catalog: Catalog, tmp_path: Path
) -> None:
    record = mini_store.assessment("AAA", "tst1.art3.e1")
    mini_store.save_assessment(
        SYSTEM,
        "AAA",
        record.element,
        findings=record.findings,
        judgment=record.judgment,
        note="n" * MAX_TEXT,
        expected_version=record.version,
    )
    plan = read(mini_store, mini_catalog, export(mini_store, mini_catalog, tmp_path / "a.xlsx"))
    assert plan.to_json() == {"changes": [], "conflicts": [], "errors": []}


def test_a_huge_sheet_is_cut_short_and_errors_are_capped(
    mini_store: Store, mini_catalog: Catalog, tmp_path: Path
) -> None:
    path = export(mini_store, mini_catalog, tmp_path / "a.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Assessment"]
    for r in range(ws.max_row + 1, ws.max_row + 20_001):
        ws.cell(r, 1, f"tst1.bogus.e{r}")
        ws.cell(r, 2, "AAA")
    wb.save(path)
    plan = read(mini_store, mini_catalog, path)
    assert len(plan.errors) == MAX_ERRORS + 1
    assert any("rows" in e.reason and "at most" in e.reason for e in plan.errors), [e.message for e in plan.errors[-3:]]
    assert re.search(r"and [0-9,]+ more problem", plan.errors[-1].reason)
    assert plan.rows < 5_000  # reading stopped at the bound, not at row 20,000


def test_rows_beyond_the_declared_dimension_are_read(mini_store: Store, mini_catalog: Catalog, tmp_path: Path) -> None:
    path = export(mini_store, mini_catalog, tmp_path / "a.xlsx")
    last = rows_of(path)[-1]
    edited = edit(path, {f"J{last['_row']}": "a note past the dimension"})
    data = edited.read_bytes()
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    wb = openpyxl.load_workbook(edited, read_only=True)
    index = wb.sheetnames.index("Assessment") + 1
    wb.close()
    sheet = f"xl/worksheets/sheet{index}.xml"
    assert sheet in names
    xml = zipfile.ZipFile(io.BytesIO(data)).read(sheet)
    shrunk = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:B2"', xml, count=1)
    assert shrunk != xml
    plan = read(mini_store, mini_catalog, rezip(data, replace={sheet: shrunk}))
    assert [c.element for c in plan.changes] == [last["Element id"]], [e.message for e in plan.errors]


VBA_TYPE = b"application/vnd.ms-office.vbaProject"
VBA_REL = b"http://schemas.microsoft.com/office/2006/relationships/vbaProject"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504


def test_a_macro_part_under_another_name_is_refused(mini_store: Store, mini_catalog: Catalog, tmp_path: Path) -> None:
    good = export(mini_store, mini_catalog, tmp_path / "a.xlsx").read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(good))
    types, rels = archive.read("[Content_Types].xml"), archive.read("xl/_rels/workbook.xml.rels")
    # the content type spelt with a character reference, so no byte search finds it
    hidden = types.replace(
        b"</Types>",
        b'<Override PartName="/xl/code.bin" ContentType="application/vnd.ms-office.vba&#80;roject"/></Types>',
    )
    by_type = rezip(good, replace={"[Content_Types].xml": hidden}, add={"xl/code.bin": b"not ole"})
    linked = rels.replace(
        b"</Relationships>", b'<Relationship Id="rIdX" Type="' + VBA_REL + b'" Target="code.bin"/></Relationships>'
    )
    by_relationship = rezip(good, replace={"xl/_rels/workbook.xml.rels": linked}, add={"xl/code.bin": b"not ole"})
    by_content = rezip(good, add={"xl/code.bin": OLE})
    for data in (by_type, by_relationship, by_content):
        plan = read(mini_store, mini_catalog, data)
        assert [e.reason for e in plan.errors if "macro" in e.reason], [e.message for e in plan.errors]
        assert not plan.changes
