"""Text through Excel and back without a character lost or let in (issue 18, items 4 and 10): the cell limit
counted as Excel counts it (UTF-16 units) on every surface, `_xHHHH_` escapes undone once, whitespace-only
notes kept, error cells and namespaced formulas refused with their cell, over-long cells refused and never cut,
and macro-enabled documents embedded in a workbook refused."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from excel_helpers import db_state, edit, rezip, rows_of, workspace_of
from pydantic import ValidationError

from assessment.catalog import PROJECT_ROOT, Catalog
from assessment.editing import FROM_FINDINGS, save_element
from assessment.excel import PlanRefused, apply_plan, export_workbook, read_workbook
from assessment.excel.cells import Book
from assessment.models import MAX_TEXT, ElementAssessment, Judgment, Lifecycle, Provision
from assessment.store import SYSTEM, Store, ValidationFailed

pytestmark = pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")
AS_OF = dt.date(2026, 3, 1)
ELEMENT = "tst1.art3.e1"
EMOJI = "\U0001f600"  # one character, two UTF-16 units: Excel counts it as two
SPREADSHEETML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def units(text: str) -> int:
    """Characters as Excel counts them: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def export(store: Store, catalog: Catalog, path: Path) -> Path:
    export_workbook(workspace_of(store, catalog), ["AAA"], "tst1", AS_OF, path, store=store)
    return path


def read(store: Store, catalog: Catalog, source):
    return read_workbook(source, workspace_of(store, catalog), store)


def messages(plan) -> list[str]:
    return [e.message for e in plan.errors]


def save_note(store: Store, note: str | None, element: str = ELEMENT):
    record = store.assessment("AAA", element)
    return store.save_assessment(
        SYSTEM,
        "AAA",
        element,
        findings=record.findings,
        judgment=record.judgment,
        note=note,
        expected_version=record.version,
    )


def row_of(path: Path, element: str = ELEMENT) -> int:
    return next(r["_row"] for r in rows_of(path) if r["Element id"] == element)


def assessment_part(data: bytes) -> str:
    book = Book(data)
    try:
        return book._part_of("Assessment")
    finally:
        book.close()


def with_cell(data: bytes, ref: str, cell_xml: bytes) -> bytes:
    """The workbook with the Assessment sheet's cell `ref` replaced by `cell_xml` (raw SpreadsheetML)."""
    part = assessment_part(data)
    xml = zipfile.ZipFile(io.BytesIO(data)).read(part)
    changed, n = re.subn(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)', cell_xml, xml, count=1)
    assert n == 1, f"no cell {ref} in {part}"
    return rezip(data, replace={part: changed})


def refused(store: Store, catalog: Catalog, source, expected: str) -> list[str]:
    """The plan names `expected` among its errors, cannot be applied, and nothing is written."""
    before = db_state(store)
    plan = read(store, catalog, source)
    found = messages(plan)
    assert any(expected in m for m in found), found
    with pytest.raises(PlanRefused):
        apply_plan(plan, store, SYSTEM)
    assert db_state(store) == before
    return found


# ------------------------------------------------------------------------------------ the cell limit, as Excel counts


def test_the_limit_counts_utf16_units_with_the_count_in_the_message() -> None:
    from assessment.models import cell_length

    assert cell_length("abc") == 3 and cell_length(EMOJI) == 2 and cell_length("가" + EMOJI) == 3
    fits = EMOJI * (MAX_TEXT // 2) + "x"  # 32,767 units in 16,384 characters
    assert ElementAssessment(element=ELEMENT, note=fits).note == fits
    with pytest.raises(ValidationError) as note:
        ElementAssessment(element=ELEMENT, note=EMOJI * MAX_TEXT)  # 32,767 characters: 65,534 units
    assert "65,534 characters" in str(note.value) and "32,767" in str(note.value)
    with pytest.raises(ValidationError) as reason:
        Judgment(status="unknown", reason=EMOJI * 20_000)
    assert "40,000 characters" in str(reason.value)
    with pytest.raises(ValidationError) as plain:  # beyond the limit in plain characters too, with the count
        ElementAssessment(element=ELEMENT, note="n" * (MAX_TEXT + 5))
    assert "32,772 characters" in str(plain.value)


def test_an_over_long_note_is_refused_by_the_form_and_the_cli(mini_store: Store, tmp_path: Path) -> None:
    record = mini_store.assessment("AAA", ELEMENT)
    rows = [{"provision": f.provision, "extent": f.extent.value} for f in record.findings]
    with pytest.raises(ValidationFailed) as form:
        save_element(
            mini_store,
            SYSTEM,
            "AAA",
            ELEMENT,
            rows=rows,
            status=FROM_FINDINGS,
            reason="",
            hook="",
            source="",
            verified=False,
            note=EMOJI * MAX_TEXT,
            expected_version=record.version,
        )
    assert "65,534 characters" in str(form.value) and "32,767" in str(form.value)
    assert mini_store.assessment("AAA", ELEMENT).version == record.version

    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    assert (
        cli(
            db, "user", "add", "ed", "--role", "editor", "--countries", "AAA", "--password", "password-long-1"
        ).returncode
        == 0
    )
    result = cli(db, "set", "AAA", ELEMENT, "--note", EMOJI * 20_000, "--version", "1", "--user", "ed")
    assert result.returncode == 1, (result.returncode, result.stderr[-500:])
    assert "40,000 characters" in result.stderr and "32,767" in result.stderr
    assert json.loads(cli(db, "finding", "AAA", ELEMENT, "--json").stdout)["version"] == 1


def cli(db: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The command line on the small test catalog and database `db`."""
    return subprocess.run(
        [sys.executable, "-m", "assessment", "--root", str(Path(__file__).parent / "data" / "mini"), *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "ASSESSMENT_DATABASE_URL": db},
    )


def test_a_note_at_the_limit_in_emoji_round_trips_and_an_over_long_one_typed_in_a_cell_is_refused(
    mini_store: Store,
    mini_catalog: Catalog,
    tmp_path: Path,
) -> None:
    at_limit = EMOJI * (MAX_TEXT // 2) + "x"
    save_note(mini_store, at_limit)
    path = export(mini_store, mini_catalog, tmp_path / "a.xlsx")
    assert read(mini_store, mini_catalog, path).to_json() == {"changes": [], "conflicts": [], "errors": []}
    r = row_of(path)
    # 20,000 emoji: what a spreadsheet program lets a person paste, and 40,000 units for Excel
    found = refused(mini_store, mini_catalog, edit(path, {f"J{r}": EMOJI * 20_000}), f"Assessment!J{r}:")
    assert any("40,000 characters" in m and "32,767" in m for m in found), found
    assert mini_store.assessment("AAA", ELEMENT).note == at_limit


def test_an_over_long_findings_cell_is_refused_never_cut(
    mini_store: Store, mini_catalog: Catalog, tmp_path: Path
) -> None:
    data = export(mini_store, mini_catalog, tmp_path / "a.xlsx").read_bytes()
    r = row_of(tmp_path / "a.xlsx")
    saved = "; ".join(f"{f.provision}:{f.extent.value}" for f in mini_store.assessment("AAA", ELEMENT).findings)
    long = (saved + ";" * 228_888)[:228_888]  # the saved findings, then separators: 228,888 characters
    cell = f'<c r="F{r}" t="inlineStr"><is><t>{long}</t></is></c>'.encode()
    found = refused(mini_store, mini_catalog, with_cell(data, f"F{r}", cell), f"Assessment!F{r}:")
    assert any("228,888 characters" in m for m in found), found
    # at the limit exactly, the same findings are read whole
    full = (saved + ";" * MAX_TEXT)[:MAX_TEXT]
    plan = read(
        mini_store,
        mini_catalog,
        with_cell(data, f"F{r}", f'<c r="F{r}" t="inlineStr"><is><t>{full}</t></is></c>'.encode()),
    )
    assert plan.to_json() == {"changes": [], "conflicts": [], "errors": []}


# ------------------------------------------------------------------------------------------ escapes and blanks


def test_escapes_are_undone_once(mini_store: Store, mini_catalog: Catalog, tmp_path: Path) -> None:
    note = "see _x0041_ and _x0000_ and _x005F_"
    save_note(mini_store, note)
    path = export(mini_store, mini_catalog, tmp_path / "a.xlsx")
    assert read(mini_store, mini_catalog, path).to_json() == {"changes": [], "conflicts": [], "errors": []}
    # typed in Excel, which escapes a literal '_x' as '_x005F_x': read once, the text is what was typed
    r = row_of(path)
    typed = with_cell(
        path.read_bytes(),
        f"J{r}",
        f'<c r="J{r}" t="inlineStr"><is><t>code _x005F_x0042_ stays_x000A_here</t></is></c>'.encode(),
    )
    plan = read(mini_store, mini_catalog, typed)
    assert not plan.errors, messages(plan)
    assert [c.fields for c in plan.changes] == [{"note": (note, "code _x0042_ stays\nhere")}]


@pytest.mark.parametrize("note", ["\n", " ", "\t\n "])
def test_a_whitespace_only_note_is_kept(note: str, mini_store: Store, mini_catalog: Catalog, tmp_path: Path) -> None:
    save_note(mini_store, note)
    assert mini_store.assessment("AAA", ELEMENT).note == note
    plan = read(mini_store, mini_catalog, export(mini_store, mini_catalog, tmp_path / "a.xlsx"))
    assert plan.to_json() == {"changes": [], "conflicts": [], "errors": []}


# ---------------------------------------------------------------------------------- cells that are not values


@pytest.mark.parametrize("error", ["#N/A", "#DIV/0!", "#REF!"])
def test_an_error_cell_in_the_note_column_is_refused_with_its_cell(
    error: str, mini_store: Store, mini_catalog: Catalog, tmp_path: Path
) -> None:
    save_note(mini_store, "a note that must not be deleted")
    path = export(mini_store, mini_catalog, tmp_path / "a.xlsx")
    r = row_of(path)
    bad = with_cell(path.read_bytes(), f"J{r}", f'<c r="J{r}" t="e"><v>{error}</v></c>'.encode())
    found = refused(mini_store, mini_catalog, bad, f"Assessment!J{r}:")
    assert any(error in m for m in found), found
    assert mini_store.assessment("AAA", ELEMENT).note == "a note that must not be deleted"
    # prefixed, and in another column
    status = with_cell(
        path.read_bytes(), f"D{r}", f'<x:c xmlns:x="{SPREADSHEETML}" r="D{r}" t="e"><x:v>#N/A</x:v></x:c>'.encode()
    )
    refused(mini_store, mini_catalog, status, f"Assessment!D{r}:")


def test_a_formula_under_a_prefixed_namespace_is_refused(
    mini_store: Store, mini_catalog: Catalog, tmp_path: Path
) -> None:
    save_note(mini_store, "cached")
    path = export(mini_store, mini_catalog, tmp_path / "a.xlsx")
    r = row_of(path)
    data = path.read_bytes()
    prefixed_f = f'<c r="J{r}" t="str"><x:f xmlns:x="{SPREADSHEETML}">"cached"&amp;""</x:f><v>cached</v></c>'.encode()
    refused(mini_store, mini_catalog, with_cell(data, f"J{r}", prefixed_f), f"Assessment!J{r}: contains a formula")
    all_prefixed = (
        f'<x:c xmlns:x="{SPREADSHEETML}" r="J{r}" t="str"><x:f>"cached"&amp;""</x:f><x:v>cached</x:v></x:c>'.encode()
    )
    refused(mini_store, mini_catalog, with_cell(data, f"J{r}", all_prefixed), f"Assessment!J{r}: contains a formula")
    # placed by the cell's own reference, not by look-alikes in an attribute value or a comment
    decoy = f'<c title=" r=\'Z{r}\' &gt;" r="J{r}" t="str"><f>"cached"&amp;""</f><v>cached</v></c>'.encode()
    refused(mini_store, mini_catalog, with_cell(data, f"J{r}", decoy), f"Assessment!J{r}: contains a formula")
    commented = (
        f'<c r="J{r}" t="str"><!-- <c r="Z{r}"> --><x:f xmlns:x="{SPREADSHEETML}">1</x:f><v>cached</v></c>'.encode()
    )
    refused(mini_store, mini_catalog, with_cell(data, f"J{r}", commented), f"Assessment!J{r}: contains a formula")
    error_commented = f'<c r="J{r}" t="e"><!-- <c r="Z{r}"> --><v>#N/A</v></c>'.encode()
    refused(
        mini_store,
        mini_catalog,
        with_cell(data, f"J{r}", error_commented),
        f"Assessment!J{r}: holds the error value #N/A",
    )


def test_formulas_of_extensions_after_the_cells_are_not_taken_for_cell_formulas(
    mini_store: Store, mini_catalog: Catalog, tmp_path: Path
) -> None:
    """Excel writes list validations that point at another sheet as an x14 extension with <xm:f>, after the cells."""
    data = export(mini_store, mini_catalog, tmp_path / "a.xlsx").read_bytes()
    part = assessment_part(data)
    xml = zipfile.ZipFile(io.BytesIO(data)).read(part)
    ext = (
        b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
        b'<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:dataValidation type="list">'
        b"<x14:formula1><xm:f>Lists!$D$2:$D$5</xm:f></x14:formula1><xm:sqref>I2:I20</xm:sqref></x14:dataValidation></x14:dataValidations>"
        b"</ext></extLst></worksheet>"
    )
    plan = read(mini_store, mini_catalog, rezip(data, replace={part: xml.replace(b"</worksheet>", ext)}))
    assert plan.to_json() == {"changes": [], "conflicts": [], "errors": []}


# --------------------------------------------------------------------------- findings too long for one cell


def test_saved_findings_longer_than_a_cell_survive_an_untouched_round_trip(
    mini_store: Store, mini_catalog: Catalog, tmp_path: Path
) -> None:
    """Findings cited one by one in the app can outgrow a cell; the workbook shows them cut (Excel could not hold
    them), so an untouched row keeps every saved finding and an edited one is refused, never saved cut."""
    ids = [f"aaa.long.{'p' * 180}-{i:03d}" for i in range(170)]
    for pid in ids:
        provision = Provision(
            id=pid,
            statute="Long Act",
            article="1",
            summary="A provision with a long id.",
            source="gazette",
            lifecycle=Lifecycle(in_force=dt.date(2000, 1, 1)),
        )
        mini_store.save_provision(SYSTEM, "AAA", provision, expected_version=0)
    record = mini_store.assessment("AAA", ELEMENT)
    findings = [{"provision": pid, "extent": "full"} for pid in ids]
    saved = mini_store.save_assessment(
        SYSTEM, "AAA", ELEMENT, findings=findings, judgment=None, note=record.note, expected_version=record.version
    )
    full = "; ".join(f"{f.provision}:{f.extent.value}" for f in saved.findings)
    assert units(full) > MAX_TEXT

    path = export(mini_store, mini_catalog, tmp_path / "a.xlsx")
    plan = read(mini_store, mini_catalog, path)
    assert plan.to_json() == {"changes": [], "conflicts": [], "errors": []}
    r = row_of(path)
    other = next(x for x in rows_of(path) if x["Element id"] != ELEMENT)
    plan = read(mini_store, mini_catalog, edit(path, {f"J{other['_row']}": "an unrelated note"}))
    assert not plan.errors, messages(plan)
    assert [c.element for c in plan.changes] == [other["Element id"]]

    shown = next(x["Findings"] for x in rows_of(path) if x["Element id"] == ELEMENT)
    shorter = shown.rsplit(";", 1)[0]  # a person drops the last (cut) finding: the rest would be lost
    found = refused(mini_store, mini_catalog, edit(path, {f"F{r}": shorter}), f"Assessment!F{r}:")
    assert any(f"{units(full):,} characters" in m for m in found), found
    assert mini_store.assessment("AAA", ELEMENT).findings == saved.findings


# ------------------------------------------------------------------------------------- embedded macros (item 10)


def _package(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in parts.items():
            z.writestr(name, content)
    return out.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
DOCX_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCM_TYPES = DOCX_TYPES.replace(
    b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
).replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
DOCUMENT = b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>'


def _embed(workbook: bytes, name: str, content: bytes) -> bytes:
    """`content` embedded as an OLE package part, declared as a Word document whatever it holds."""
    archive = zipfile.ZipFile(io.BytesIO(workbook))
    types = archive.read("[Content_Types].xml").replace(
        b"</Types>",
        b'<Default Extension="docx" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document"/></Types>',
    )
    return rezip(workbook, replace={"[Content_Types].xml": types}, add={name: content})


def test_a_macro_enabled_document_embedded_in_a_workbook_is_refused(
    mini_store: Store, mini_catalog: Catalog, tmp_path: Path
) -> None:
    good = export(mini_store, mini_catalog, tmp_path / "a.xlsx").read_bytes()
    docm = _package({"[Content_Types].xml": DOCM_TYPES, "word/document.xml": DOCUMENT, "word/vbaProject.bin": OLE})
    hidden_project = _package({"[Content_Types].xml": DOCX_TYPES, "word/document.xml": DOCUMENT, "word/code.dat": OLE})
    nested = _package(
        {"[Content_Types].xml": DOCX_TYPES, "word/document.xml": DOCUMENT, "word/embeddings/inner.docx": docm}
    )
    for name, content in [
        ("xl/embeddings/Microsoft_Word_Document.docx", docm),  # declared a plain .docx, holding a VBA project
        (
            "xl/embeddings/Microsoft_Word_Document1.docm",
            _package({"[Content_Types].xml": DOCX_TYPES, "word/document.xml": DOCUMENT}),
        ),
        ("xl/embeddings/Microsoft_Word_Document2.docx", hidden_project),  # a VBA project under another name
        ("xl/embeddings/Microsoft_Word_Document3.docx", nested),  # one package deeper
    ]:
        plan = read(mini_store, mini_catalog, _embed(good, name, content))
        assert [e.reason for e in plan.errors if "macro" in e.reason], (name, messages(plan))
        assert not plan.changes and not plan.can_apply
    # a Word document without macros is no reason to refuse a workbook
    plain = _package({"[Content_Types].xml": DOCX_TYPES, "word/document.xml": DOCUMENT})
    plan = read(mini_store, mini_catalog, _embed(good, "xl/embeddings/Microsoft_Word_Document.docx", plain))
    assert plan.to_json() == {"changes": [], "conflicts": [], "errors": []}


@pytest.mark.parametrize(
    ("data", "english", "korean"),
    [
        (b"plain text, not a workbook", "is not an Excel workbook", "Excel 통합 문서(.xlsx)가 아닙니다"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "old-style .xls workbook", "예전 형식(.xls)"),
    ],
)
def test_a_file_refused_as_a_whole_is_refused_in_the_uploaders_language(
    data: bytes, english: str, korean: str, mini_store: Store, mini_catalog: Catalog
) -> None:
    """Issue 22: before a workbook's own language is known, its refusal is said in the page's language."""
    ws = workspace_of(mini_store, mini_catalog)
    in_english = read_workbook(data, ws, mini_store).errors
    in_korean = read_workbook(data, ws, mini_store, "ko").errors
    assert len(in_english) == len(in_korean) == 1
    assert english in in_english[0].reason and korean not in in_english[0].reason
    assert korean in in_korean[0].reason and english not in in_korean[0].reason
