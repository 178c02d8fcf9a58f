"""Gap report workbooks: the sheets a person gets, the cells the import relies on, and text that never runs."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from excel_helpers import rows_of, workspace_of
from openpyxl.utils import get_column_letter

from assessment.catalog import Catalog
from assessment.excel import export_workbook
from assessment.excel import layout as L
from assessment.excel.safety import unescape_ooxml
from assessment.scoring import Engine
from assessment.store import SYSTEM, Store

# openpyxl drops (and warns about) the data bars and cross-sheet drop-downs it does not model; these tests read values
pytestmark = pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")
AS_OF = dt.date(2025, 8, 21)
PAYLOADS = ["=1+1", '=HYPERLINK("http://evil.example/x","click")', "+SUM(1,2)", "-2+3", "@SUM(1)", "\t=1+1", "\r=1+1"]


@pytest.fixture(scope="module")
def shipped_store(catalog: Catalog, tmp_path_factory: pytest.TempPathFactory):
    store = Store.open(catalog, f"sqlite:///{tmp_path_factory.mktemp('excel-export')}/x.sqlite")
    yield store
    store.engine.dispose()


@pytest.fixture(scope="module")
def two_countries(shipped_store: Store, catalog: Catalog, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wb") / "report.xlsx"
    export_workbook(workspace_of(shipped_store, catalog), ["KOR", "JPN"], "ets185", AS_OF, path, store=shipped_store)
    return path


def test_sheets_of_one_and_of_several_countries(shipped_store: Store, catalog: Catalog, two_countries: Path) -> None:
    out = io.BytesIO()  # the dashboard's download button writes to memory
    export_workbook(workspace_of(shipped_store, catalog), ["KOR"], "ets185", AS_OF, out, store=shipped_store)
    one = openpyxl.load_workbook(io.BytesIO(out.getvalue()), read_only=True)
    assert one.sheetnames == [
        L.README,
        L.SUMMARY,
        L.GAPS,
        L.ASSESSMENT,
        L.PROVISIONS,
        L.BILLS,
        L.SOURCES,
        L.PRECEDENTS,
        L.POSITIONS,
        L.LISTS,
    ]
    several = openpyxl.load_workbook(two_countries, read_only=True)
    assert several.sheetnames == [
        L.README,
        L.SUMMARY,
        L.COMPARISON,
        L.GAPS,
        L.ASSESSMENT,
        L.PROVISIONS,
        L.BILLS,
        L.SOURCES,
        L.PRECEDENTS,
        L.POSITIONS,
        L.LISTS,
    ]
    comparison = next(several[L.COMPARISON].iter_rows(max_row=1, values_only=True))
    assert ("KOR" in comparison) and ("JPN" in comparison)
    readme = [r for r in several[L.README].iter_rows(values_only=True)]
    assert any(r[0] == "As of" and str(r[1]).startswith("2025-08-21") for r in readme)
    assert any(r[0] == "Legend" for r in readme)


def test_scores_and_critical_gaps_are_the_scorers(shipped_store: Store, catalog: Catalog, two_countries: Path) -> None:
    engine = Engine.from_catalog(workspace_of(shipped_store, catalog).catalog)
    kor = engine.score_country("KOR", "ets185", AS_OF)
    kor_bills = engine.score_country("KOR", "ets185", AS_OF, with_bills=True)
    wb = openpyxl.load_workbook(two_countries, read_only=True)
    rows = list(wb[L.SUMMARY].iter_rows(values_only=True))
    headline = next(r for r in rows if r[0] == "KOR")
    assert headline[2] == pytest.approx(kor.score) and headline[3] == pytest.approx(kor_bills.score)
    assert headline[4] == pytest.approx(kor.coverage) and headline[5] == len(kor.critical_gaps)
    listed = [r[4] for r in rows if r[0] == "KOR" and isinstance(r[4], str) and r[4].startswith("ets185.")]
    assert listed == kor.critical_gaps


@pytest.mark.parametrize("as_of", [AS_OF, dt.date(2026, 8, 21)])
def test_critical_gap_bills_in_the_report_are_the_scorers(catalog: Catalog, engine: Engine, as_of: dt.date) -> None:
    """The report writes the scorer's gap bills (computed once, in CountryScore.gap_bills), bill by bill."""
    from assessment.excel.content import build_report
    from assessment.excel.snapshot import from_countries

    countries = [catalog.countries[c] for c in sorted(catalog.countries)]
    report = build_report(catalog.treaty("ets185"), countries, from_countries(countries), as_of, importable=False)
    named = 0
    for r in report.results:
        expected = engine.score_country(r.country.iso3, "ets185", as_of).gap_bills()
        rows = [row for row in report.critical.rows if row[0] == r.country.iso3]
        assert [row[4] for row in rows] == list(expected)
        for row in rows:
            bills = expected[row[4]]
            assert row[5] == "none pending" if not bills else all(f"({b})" in row[5] for b in bills)
            named += len(bills)
    assert named > 0 or as_of != AS_OF, "the shipped data names pending bills for some gap on this date"


def test_assessment_sheet_has_every_element_with_id_version_and_status(
    shipped_store: Store, catalog: Catalog, two_countries: Path
) -> None:
    rows = rows_of(two_countries)
    elements = [e.id for o in catalog.treaty("ets185").obligations() for e in o.elements]
    assert [r["Element id"] for r in rows] == elements + elements
    assert [r["Country"] for r in rows] == ["KOR"] * len(elements) + ["JPN"] * len(elements)
    engine = Engine.from_catalog(workspace_of(shipped_store, catalog).catalog)
    statuses = dict(
        zip(
            engine.score_country("KOR", "ets185", AS_OF).elements["id"],
            engine.score_country("KOR", "ets185", AS_OF).elements["status"].astype(str),
        )
    )
    for r in rows[: len(elements)]:
        saved = shipped_store.assessment("KOR", r["Element id"])
        assert r["Version"] == saved.version
        assert r["Status"] == statuses[r["Element id"]]
        assert (r["Findings"] or "") == "; ".join(f"{f.provision}:{f.extent.value}" for f in saved.findings)
        assert r["Judgment reason"] == (saved.judgment.reason if saved.judgment else None)


def test_locked_and_editable_columns_drop_downs_and_print_setup(two_countries: Path) -> None:
    with zipfile.ZipFile(two_countries) as z:
        workbook = z.read("xl/workbook.xml").decode()
        names = re.findall(r'<sheet name="([^"]+)" sheetId="\d+"(?: state="(\w+)")?', workbook)
        index = [n for n, _ in names].index(L.ASSESSMENT) + 1
        sheet = z.read(f"xl/worksheets/sheet{index}.xml").decode()
        styles = z.read("xl/styles.xml").decode()
    assert dict(names)[L.LISTS] == "hidden"
    assert "<sheetProtection" in sheet and "password" not in sheet.split("<sheetProtection", 1)[1].split("/>", 1)[0]
    assert '<pane xSplit="1" ySplit="1"' in sheet and "<autoFilter" in sheet
    assert "(from findings),in_place,partial,missing,unknown,not_applicable,reserved" in sheet
    assert '<pageSetUpPr fitToPage="1"/>' in sheet and 'fitToHeight="0"' in sheet and 'orientation="landscape"' in sheet
    assert "<conditionalFormatting" in sheet and '<formula>"in_place"</formula>' in sheet
    assert 'locked="0"' in styles
    wb = openpyxl.load_workbook(two_countries)  # full mode: styles and defined names
    ws = wb[L.ASSESSMENT]
    for key in ("element", "country", "version"):
        assert ws.cell(row=2, column=L.ASSESSMENT_INDEX[key] + 1).protection.locked
    for col in L.ASSESSMENT_COLUMNS:
        letter = get_column_letter(L.ASSESSMENT_INDEX[col.key] + 1)
        for row in range(2, ws.max_row + 1):
            cell = ws[f"{letter}{row}"]
            # a written cell has its own protection; an empty one takes its column's (Excel and LibreOffice alike)
            column = next(d for d in ws.column_dimensions.values() if d.min <= L.ASSESSMENT_INDEX[col.key] + 1 <= d.max)
            locked = cell.protection.locked if cell.value is not None else column.protection.locked
            assert locked is not col.editable, f"{col.header} row {row}"
    assert re.search(
        r'<definedName name="_xlnm.Print_Titles" localSheetId="\d+">Assessment!\$1:\$1</definedName>', workbook
    )


def test_source_links_are_ours_and_nothing_else_links(two_countries: Path, catalog: Catalog) -> None:
    urls = {s.url for c in catalog.countries.values() for s in c.sources} | {
        p.bill.url for c in catalog.countries.values() for p in c.provisions if p.bill and p.bill.url
    }
    with zipfile.ZipFile(two_countries) as z:
        targets = [
            m
            for n in z.namelist()
            if n.endswith(".rels")
            for m in re.findall(r'Target="(http[^"]+)"', z.read(n).decode())
        ]
    assert targets, "source links are written"
    from xml.sax.saxutils import unescape

    assert {unescape(t) for t in targets} <= urls


def test_formula_payloads_in_notes_stay_text(catalog: Catalog, tmp_path: Path) -> None:
    store = Store.open(catalog, f"sqlite:///{tmp_path}/x.sqlite")
    elements = [a.element for a in catalog.countries["KOR"].assessments if a.element.startswith("ets185.")][
        : len(PAYLOADS)
    ]
    for element, payload in zip(elements, PAYLOADS):
        current = store.assessment("KOR", element)
        store.save_assessment(
            SYSTEM,
            "KOR",
            element,
            findings=current.findings,
            judgment=current.judgment,
            note=payload,
            expected_version=current.version,
        )
    path = tmp_path / "payloads.xlsx"
    export_workbook(workspace_of(store, catalog), ["KOR"], "ets185", AS_OF, path, store=store)
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = z.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, f"{name} holds a formula"
    wb = openpyxl.load_workbook(path)
    ws = wb[L.ASSESSMENT]
    note_col = L.ASSESSMENT_INDEX["note"] + 1
    found = {}
    for row in ws.iter_rows(min_row=2):
        cell = row[note_col - 1]
        if row[0].value in elements:
            assert cell.data_type == "s", (row[0].value, cell.data_type)
            found[row[0].value] = (unescape_ooxml(cell.value), cell.quotePrefix)
    assert {e: v for e, (v, _) in found.items()} == dict(zip(elements, PAYLOADS))
    assert all(quoted for _, quoted in found.values()), "formula-like text is marked as text for later edits too"
    store.engine.dispose()


def test_unknown_country_or_treaty_is_a_plain_key_error(shipped_store: Store, catalog: Catalog) -> None:
    ws = workspace_of(shipped_store, catalog)
    with pytest.raises(KeyError, match="unknown country"):
        export_workbook(ws, ["XXX"], "ets185", AS_OF, io.BytesIO(), store=shipped_store)
    with pytest.raises(KeyError, match="unknown treaty"):
        export_workbook(ws, ["KOR"], "ets999", AS_OF, io.BytesIO(), store=shipped_store)


def test_published_view_is_a_read_only_copy(shipped_store: Store, catalog: Catalog) -> None:
    import dataclasses

    ws = dataclasses.replace(workspace_of(shipped_store, catalog), view="published")
    out = io.BytesIO()
    export_workbook(ws, ["KOR"], "ets185", AS_OF, out)
    wb = openpyxl.load_workbook(io.BytesIO(out.getvalue()), read_only=True)
    versions = [r[2] for r in wb[L.ASSESSMENT].iter_rows(min_row=2, max_col=3, values_only=True)]
    assert versions and all(v is None for v in versions)
    meta = dict(r[:2] for r in wb[L.LISTS].iter_rows(max_col=2, values_only=True) if r[0])
    assert meta["state"] == "published"


def test_cli_export_writes_the_file(catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse

    from assessment import service
    from assessment.cli.excel import cmd_export

    monkeypatch.setenv("ASSESSMENT_DATABASE_URL", f"sqlite:///{tmp_path}/cli.sqlite")
    service.reset_caches()
    try:
        out = tmp_path / "r.xlsx"
        args = argparse.Namespace(
            root=None, countries=["kor", "JPN"], treaty="ets185", out=str(out), as_of=AS_OF, lang="en"
        )
        assert cmd_export(args) == 0 and out.stat().st_size > 10_000
        assert (
            cmd_export(
                argparse.Namespace(root=None, countries=["XXX"], treaty="ets185", out=str(out), as_of=AS_OF, lang="en")
            )
            == 2
        )
        assert not list(tmp_path.glob(".export-*")), "a failed export leaves no partial file"
    finally:
        service.reset_caches()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_precedents_other_views_and_the_partly_assessed_mark(shipped_store: Store, catalog: Catalog, lang: str) -> None:
    """Issue 20's Precedents and Other views sheets, and issue 19's mark beside a score under 90% assessed."""
    from assessment.i18n import gettext

    t = gettext(lang)
    ws = workspace_of(shipped_store, catalog)
    out = io.BytesIO()
    export_workbook(ws, ["KOR"], "ets185", dt.date(2026, 12, 6), out, store=shipped_store, lang=lang)
    wb = openpyxl.load_workbook(io.BytesIO(out.getvalue()), read_only=True)
    precedents = list(wb[L.sheet(L.PRECEDENTS, lang)].iter_rows(values_only=True))
    art29 = [r for r in precedents[1:] if r[2] == "ets185.art29.e1"]
    parties = {r[5] for r in art29}
    assert len(parties) >= 2 and (("Japan" in parties) if lang == "en" else ("일본" in parties))
    views = list(wb[L.sheet(L.POSITIONS, lang)].iter_rows(values_only=True))
    ministry = next(r for r in views[1:] if str(r[2]).startswith("2025-12-12") and r[3] == t("ready"))
    assert ("Art. 29" if lang == "en" else "제29조") in ministry[5]
    out2 = io.BytesIO()
    export_workbook(ws, ["KOR"], "uncc2024", dt.date(2026, 12, 6), out2, store=shipped_store, lang=lang)
    summary = list(
        openpyxl.load_workbook(io.BytesIO(out2.getvalue()), read_only=True)[L.sheet(L.SUMMARY, lang)].iter_rows(
            values_only=True
        )
    )
    row = next(r for r in summary if r[0] == "KOR")
    assert row[8] == ("partly assessed" if lang == "en" else "일부만 평가됨") and 0 < row[7] <= 1
