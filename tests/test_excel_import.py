"""Edited workbooks back in: round trips, the diff, all-or-nothing saves, and every refusal located and harmless."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest
from backends import BACKENDS
from excel_helpers import db_state, edit, rezip, rows_of, workspace_of

from assessment import service
from assessment.catalog import Catalog
from assessment.excel import PlanRefused, apply_plan, export_workbook, read_workbook
from assessment.excel import layout as L
from assessment.excel.safety import MAX_ENTRIES
from assessment.models import Finding, Judgment
from assessment.store import SYSTEM, PermissionDenied, Role, StaleVersion, Store

pytestmark = pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")
AS_OF = dt.date(2025, 8, 21)
PAYLOADS = ["=1+1", '=HYPERLINK("http://evil.example/x","click")', "+SUM(1,2)", "-2+3", "@SUM(1)", "\t=1+1", "\r=1+1"]


@pytest.fixture
def store(catalog: Catalog, tmp_path: Path):
    st = Store.open(catalog, f"sqlite:///{tmp_path}/x.sqlite")
    yield st
    st.engine.dispose()


def export(
    store: Store, catalog: Catalog, path: Path, countries=("KOR",), treaty: str = "ets185", as_of: dt.date = AS_OF
) -> Path:
    export_workbook(workspace_of(store, catalog), list(countries), treaty, as_of, path, store=store)
    return path


def read(store: Store, catalog: Catalog, source):
    return read_workbook(source, workspace_of(store, catalog), store)


def messages(plan) -> list[str]:
    return [e.message for e in plan.errors]


# ------------------------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("iso3", ["DEU", "GBR", "JPN", "KOR", "PHL", "USA"])
def test_round_trip_of_every_shipped_country(iso3: str, store: Store, catalog: Catalog, tmp_path: Path) -> None:
    assert iso3 in catalog.countries
    path = export(store, catalog, tmp_path / f"{iso3}.xlsx", [iso3])
    plan = read(store, catalog, path)
    assert plan.to_json() == {"changes": [], "conflicts": [], "errors": []}
    assert plan.rows == sum(len(o.elements) for o in catalog.treaty("ets185").obligations())

    # one status edited: an element the findings put in place (or partly) is judged not applicable
    row = next(r for r in rows_of(path) if r["Status"] in ("in_place", "partial") and not r["Judgment reason"])
    source = catalog.countries[iso3].sources[0].id
    edited = edit(
        path,
        {
            f"D{row['_row']}": "not_applicable",
            f"G{row['_row']}": "Outside this country's legal system.",
            f"H{row['_row']}": source,
        },
    )
    plan = read(store, catalog, edited)
    assert not plan.errors and not plan.conflicts
    assert [(c.country, c.element, c.row, c.expected_version) for c in plan.changes] == [
        (iso3, row["Element id"], row["_row"], row["Version"])
    ]
    assert plan.changes[0].fields == {
        "status": (row["Status"], "not_applicable"),
        "judgment_reason": (None, "Outside this country's legal system."),
        "judgment_source": (None, source),
    }
    before = db_state(store)
    [record] = apply_plan(plan, store, SYSTEM)
    assert record.version == row["Version"] + 1 and record.judgment.status == "not_applicable"
    assert [(h.field, h.source) for h in store.history(iso3, row["Element id"])][-1] == ("judgment", "excel")
    assert db_state(store)[1] == before[1] + 1
    # the findings were kept as they were, notes, sources and verified marks included
    assert record.findings == store.assessment(iso3, row["Element id"]).findings
    assert tuple(f.model_dump() for f in record.findings) == tuple(
        f.model_dump()
        for a in catalog.countries[iso3].assessments
        if a.element == row["Element id"]
        for f in a.findings
    )
    # and a fresh export of the saved state reads back as no change
    assert read(store, catalog, export(store, catalog, tmp_path / "again.xlsx", [iso3])).to_json()["changes"] == []


def test_several_countries_and_a_judgment_removed(store: Store, catalog: Catalog, tmp_path: Path) -> None:
    path = export(store, catalog, tmp_path / "two.xlsx", ["KOR", "DEU"], as_of=dt.date(2026, 8, 21))
    assert read(store, catalog, path).to_json() == {"changes": [], "conflicts": [], "errors": []}
    judged = {a.element for a in catalog.countries["DEU"].assessments if a.judgment is not None and a.findings}
    row = next(r for r in rows_of(path) if r["Country"] == "DEU" and r["Element id"] in judged)
    plan = read(store, catalog, edit(path, {f"D{row['_row']}": L.FROM_FINDINGS}))
    assert not plan.errors and len(plan.changes) == 1
    change = plan.changes[0]
    assert change.change.judgment is None and change.fields["judgment_reason"][1] is None
    assert change.fields["status"][0] == row["Status"]


def test_findings_cell_edits_keep_what_they_do_not_change(store: Store, catalog: Catalog, tmp_path: Path) -> None:
    path = export(store, catalog, tmp_path / "kor.xlsx")
    row = next(r for r in rows_of(path) if r["Findings"] and ";" in r["Findings"])
    first, second = [p.strip() for p in row["Findings"].split(";")][:2]
    other_id = second.split(":")[0]
    flipped = "partial" if second.endswith(":full") else "full"
    plan = read(
        store,
        catalog,
        edit(path, {f"F{row['_row']}": f"{first}; {other_id}:{flipped}", f"D{row['_row']}": L.FROM_FINDINGS}),
    )
    assert not plan.errors, messages(plan)
    [change] = plan.changes
    saved = {f.provision: f for f in store.assessment("KOR", row["Element id"]).findings}
    new = {f.provision: f for f in change.change.findings}
    kept = first.split(":")[0]
    assert new[kept] == saved[kept]  # unchanged finding: note, source and verified mark kept
    assert (
        new[other_id].extent.value == flipped
        and new[other_id].note == saved[other_id].note
        and new[other_id].verified is False
    )


def test_formula_payloads_survive_a_round_trip_as_text(store: Store, catalog: Catalog, tmp_path: Path) -> None:
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
    path = export(store, catalog, tmp_path / "payloads.xlsx")
    assert read(store, catalog, path).to_json() == {"changes": [], "conflicts": [], "errors": []}
    # typed by a person as text in a note, a payload is stored as that text, never evaluated
    row = next(r for r in rows_of(path) if r["Element id"] not in elements and r["Version"])
    plan = read(store, catalog, edit(path, {f"J{row['_row']}": '\'=HYPERLINK("http://x")'}))
    assert plan.changes[0].fields["note"][1] == '\'=HYPERLINK("http://x")'


# ----------------------------------------------------------------------------------------------- refusals


def refused(store: Store, catalog: Catalog, source, expected: str) -> list[str]:
    """Read a bad workbook: the plan has a located error saying `expected`, cannot be applied, and nothing is written."""
    before = db_state(store)
    plan = read(store, catalog, source)
    found = messages(plan)
    assert any(expected in m for m in found), found
    assert not plan.can_apply
    with pytest.raises(PlanRefused):
        apply_plan(plan, store, SYSTEM)
    assert db_state(store) == before
    assert set(plan.to_json()) == {"changes", "conflicts", "errors"}
    return found


def test_bad_status_values_unknown_ids_and_formulas_are_located(store: Store, catalog: Catalog, tmp_path: Path) -> None:
    path = export(store, catalog, tmp_path / "kor.xlsx")
    rows = rows_of(path)
    hook_of = {e: h.id for h in catalog.hooks.values() for e in h.elements}
    judged = next(
        r
        for r in rows
        if r["Judgment reason"] and r["Status"] != "reserved" and r["Element id"] in hook_of and r["_row"] > 30
    )
    in_place = next(r for r in rows if r["Status"] == "in_place" and r["_row"] > 30)
    edited = edit(
        path,
        {
            "D17": "maybe",
            "A18": "ets185.art99.e1",
            "B19": "XXX",
            "C20": "three",
            "F21": "kor.nonexistent.1:full",
            "F22": "kor.crim.314-2:mostly",
            "H23": "no-such-source",
            "I24": "ets185.res.6-3",
            "J25": "=1+1",
            f"D{in_place['_row']}": "missing",  # a judgment without a reason
            f"I{judged['_row']}": hook_of[judged["Element id"]],  # a hook on a status other than reserved
            "D30": "partial",  # a status the findings do not give (row 30 is checked below)
        },
    )
    found = refused(
        store,
        catalog,
        edited,
        "Assessment!D17: status 'maybe' is not one of (from findings), in_place, partial, missing, unknown, not_applicable, reserved",
    )
    text = "\n".join(found)
    assert "Assessment!A18: unknown element 'ets185.art99.e1'" in text
    assert "Assessment!B19: unknown country 'XXX'" in text and "Assessment!F19" not in text
    assert "Assessment!C20: the version 'three' is not a whole number" in text
    assert "Assessment!F21: 'kor.nonexistent.1' is not a provision of KOR" in text
    assert "Assessment!F22: 'kor.crim.314-2:mostly': the extent after ':' must be full or partial" in text
    assert "Assessment!H23: 'no-such-source' is not a source id of KOR" in text
    assert "Assessment!I24:" in text
    assert "Assessment!J25: contains a formula" in text
    assert (
        f"Assessment!G{in_place['_row']}: status 'missing' overrides what the findings give (in_place) and needs a reason here"
        in text
    )
    assert f"Assessment!I{judged['_row']}: only status 'reserved' names a reservation or declaration" in text
    if rows[28]["Status"] != "partial":
        assert "Assessment!D30: status partial does not follow from the findings on 2025-08-21" in text
    assert found == sorted(found, key=lambda m: int(m.split("!")[1].split(":")[0][1:]) if "!" in m else 0), (
        "errors in reading order"
    )


def test_wrong_sheet_layout(store: Store, catalog: Catalog, tmp_path: Path) -> None:
    path = export(store, catalog, tmp_path / "kor.xlsx")
    refused(
        store, catalog, edit(path, {"D1": "State"}), "Assessment!D1: expected the column 'Status' here, found 'State'"
    )
    import openpyxl

    wb = openpyxl.load_workbook(path)
    wb.remove(wb[L.ASSESSMENT])
    wb.save(tmp_path / "no-sheet.xlsx")
    refused(store, catalog, tmp_path / "no-sheet.xlsx", "Assessment: the workbook has no 'Assessment' sheet")
    wb = openpyxl.Workbook()
    wb.active.title = L.ASSESSMENT
    wb.save(tmp_path / "foreign.xlsx")
    refused(store, catalog, tmp_path / "foreign.xlsx", "no hidden 'Lists' sheet")
    refused(
        store,
        catalog,
        edit(path, {"B1": "something else"}, sheet=L.LISTS),
        "Lists!B1: this is not a workbook exported by Accession Readiness",
    )


def test_duplicate_rows_and_newer_versions(store: Store, catalog: Catalog, tmp_path: Path) -> None:
    path = export(store, catalog, tmp_path / "kor.xlsx")
    rows = rows_of(path)
    refused(
        store,
        catalog,
        edit(path, {"A3": rows[0]["Element id"]}),
        f"Assessment!A3: {rows[0]['Element id']} of KOR appears twice (also in row 2)",
    )
    refused(store, catalog, edit(path, {"C2": rows[0]["Version"] + 5}), "Assessment!C2: version")


def test_emptied_key_cells_are_said_to_be_empty(store: Store, catalog: Catalog, tmp_path: Path) -> None:
    """Cells a person cleared read as empty (calamine gives them as ''), not as a value that is wrong."""
    path = export(store, catalog, tmp_path / "kor.xlsx")
    refused(store, catalog, edit(path, {"C2": None}), "Assessment!C2: the version is empty; it must stay as exported")
    refused(store, catalog, edit(path, {"D2": None}), "Assessment!D2: the status is empty; choose one of")
    refused(store, catalog, edit(path, {"A2": None}), "Assessment!A2: the element id is empty")
    refused(store, catalog, edit(path, {"B2": " "}), "Assessment!B2: the country is empty")
    # a row cleared whole is skipped, not refused
    plan = read(store, catalog, edit(path, {f"{c}2": None for c in "ABCDEFGHIJKLMNOPQ"}))
    assert plan.to_json() == {"changes": [], "conflicts": [], "errors": []} and plan.rows == len(rows_of(path)) - 1


def test_stale_rows_are_conflicts_shown_side_by_side(store: Store, catalog: Catalog, tmp_path: Path) -> None:
    path = export(store, catalog, tmp_path / "kor.xlsx")
    row = next(r for r in rows_of(path) if r["Version"] and not r["Judgment reason"])
    colleague = store.add_user(SYSTEM, "ann", Role.editor, "password-long-1", ["KOR"])
    current = store.assessment("KOR", row["Element id"])
    store.save_assessment(
        colleague,
        "KOR",
        row["Element id"],
        findings=current.findings,
        judgment=None,
        note="ann's note",
        expected_version=current.version,
    )
    before = db_state(store)
    plan = read(store, catalog, edit(path, {f"J{row['_row']}": "my note"}))
    assert not plan.errors and not plan.changes
    [conflict] = plan.conflicts
    assert (conflict.element, conflict.row) == (row["Element id"], row["_row"])
    assert conflict.workbook["version"] == row["Version"] and conflict.workbook["note"] == "my note"
    assert (
        conflict.database["version"] == row["Version"] + 1
        and conflict.database["note"] == "ann's note"
        and conflict.database["updated_by"] == "ann"
    )
    with pytest.raises(PlanRefused, match="conflict"):
        apply_plan(plan, store, SYSTEM)
    assert db_state(store) == before
    # rows not edited since the export are no conflict when the database still holds what they show
    assert read(store, catalog, path).to_json()["conflicts"][0]["element"] == row["Element id"]


@BACKENDS
def test_apply_is_all_or_nothing_and_checks_permission(
    mini_store: Store, mini_catalog: Catalog, tmp_path: Path
) -> None:
    path = tmp_path / "aaa.xlsx"
    export_workbook(workspace_of(mini_store, mini_catalog), ["AAA"], "tst1", AS_OF, path, store=mini_store)
    rows = {r["Element id"]: r for r in rows_of(path)}
    a, b = rows["tst1.art2.e1"], rows["tst1.art4.1a.e1"]
    edited = edit(path, {f"J{a['_row']}": "first", f"J{b['_row']}": "second"})
    plan = read_workbook(edited, workspace_of(mini_store, mini_catalog), mini_store)
    assert [c.element for c in plan.changes] == ["tst1.art2.e1", "tst1.art4.1a.e1"], plan.to_json()
    outsider = mini_store.add_user(SYSTEM, "bob", Role.editor, "password-long-1", [])
    before = db_state(mini_store)
    with pytest.raises(PermissionDenied):
        apply_plan(plan, mini_store, outsider)
    assert db_state(mini_store) == before
    # someone saves the second element after the plan was read: the whole batch is refused
    current = mini_store.assessment("AAA", "tst1.art4.1a.e1")
    mini_store.save_assessment(
        SYSTEM,
        "AAA",
        "tst1.art4.1a.e1",
        findings=current.findings,
        judgment=current.judgment,
        note="meanwhile",
        expected_version=current.version,
    )
    before = db_state(mini_store)
    with pytest.raises(StaleVersion):
        apply_plan(plan, mini_store, SYSTEM)
    assert db_state(mini_store) == before and mini_store.assessment("AAA", "tst1.art2.e1").note is None
    plan = read_workbook(edited, workspace_of(mini_store, mini_catalog), mini_store)
    assert [c.element for c in plan.conflicts] == ["tst1.art4.1a.e1"]


def test_new_element_assessment_and_reserved_judgment(mini_store: Store, mini_catalog: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "aaa.xlsx"
    export_workbook(workspace_of(mini_store, mini_catalog), ["AAA"], "tst1", AS_OF, path, store=mini_store)
    rows = {r["Element id"]: r for r in rows_of(path)}
    never = next(r for r in rows.values() if r["Version"] == 0)
    edited = edit(path, {f"F{never['_row']}": "aaa.cc.10:partial", f"D{never['_row']}": "partial"})
    plan = read_workbook(edited, workspace_of(mini_store, mini_catalog), mini_store)
    assert not plan.errors, messages(plan)
    [change] = plan.changes
    assert change.expected_version == 0 and change.fields["findings"] == (None, "aaa.cc.10:partial")
    [record] = apply_plan(plan, mini_store, SYSTEM)
    assert record.version == 1 and record.findings == (Finding(provision="aaa.cc.10", extent="partial"),)
    reserved = rows["tst1.art2.e2"]
    assert reserved["Status"] == "reserved" and reserved["Reservation / declaration"] == "tst1.decl.2"
    plan = read_workbook(edit(path, {f"I{reserved['_row']}": None}), workspace_of(mini_store, mini_catalog), mini_store)
    assert [e.message for e in plan.errors] == [
        f"Assessment!I{reserved['_row']}: status 'reserved' needs the reservation or declaration it rests on"
    ]


def test_zip_bomb_macros_and_broken_files_are_refused_before_parsing(
    store: Store, catalog: Catalog, tmp_path: Path
) -> None:
    good = export(store, catalog, tmp_path / "kor.xlsx").read_bytes()
    refused(store, catalog, good[: len(good) // 2], "not a zip archive, or it is damaged")
    refused(store, catalog, b"id,status\nets185.art2.e1,missing\n", "not an Excel workbook")
    refused(
        store,
        catalog,
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
        "old-style .xls workbook or is password-protected",
    )

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            for _ in range(64):
                f.write(b"\0" * 2**20)
    refused(store, catalog, bomb.getvalue(), "a compression ratio this high is refused as a possible zip bomb")

    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as z:
        for i in range(MAX_ENTRIES + 1):
            z.writestr(f"xl/media/{i}.bin", b"x")
    refused(store, catalog, many.getvalue(), "parts; more than")

    macro = rezip(good, add={"xl/vbaProject.bin": b"\0" * 64})
    refused(store, catalog, macro, "carries macros")
    types = (
        zipfile.ZipFile(io.BytesIO(good))
        .read("[Content_Types].xml")
        .replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )
    )
    refused(store, catalog, rezip(good, replace={"[Content_Types].xml": types}), "macro-enabled (.xlsm)")
    (tmp_path / "report.xlsm").write_bytes(good)
    refused(store, catalog, tmp_path / "report.xlsm", "macro-enabled workbook")

    names = zipfile.ZipFile(io.BytesIO(good)).namelist()
    sheet = next(n for n in names if n.startswith("xl/worksheets/sheet4"))
    refused(store, catalog, rezip(good, replace={sheet: b"<worksheet><sheetData><row"}), "could not be read")
    entity = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><worksheet>&b;</worksheet>'
    refused(store, catalog, rezip(good, replace={sheet: entity}), "refused for safety")


def test_read_only_copy_cannot_be_imported(store: Store, catalog: Catalog, tmp_path: Path) -> None:
    import dataclasses

    path = tmp_path / "published.xlsx"
    export_workbook(dataclasses.replace(workspace_of(store, catalog), view="published"), ["KOR"], "ets185", AS_OF, path)
    refused(store, catalog, path, "read-only copy of the approved assessments")


# ------------------------------------------------------------------------------------------------------ CLI


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ASSESSMENT_DATABASE_URL", f"sqlite:///{tmp_path}/cli.sqlite")
    service.reset_caches()
    yield service.store(None)
    service.reset_caches()


def import_args(path: Path, **kw) -> argparse.Namespace:
    return argparse.Namespace(
        root=None, workbook=str(path), apply=kw.get("apply", False), user=kw.get("user"), json=kw.get("json", False)
    )


def test_cli_import_diff_apply_and_exit_codes(
    cli_db: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from assessment.cli.excel import cmd_export, cmd_import

    path = tmp_path / "r.xlsx"
    assert (
        cmd_export(
            argparse.Namespace(root=None, countries=["KOR"], treaty="ets185", out=str(path), as_of=AS_OF, lang="en")
        )
        == 0
    )
    row = next(r for r in rows_of(path) if r["Version"])
    note_before = cli_db.assessment("KOR", row["Element id"]).note
    edited = edit(path, {f"J{row['_row']}": "from the ministry"})
    capsys.readouterr()
    assert cmd_import(import_args(edited, json=True)) == 0
    shown = json.loads(capsys.readouterr().out)
    assert set(shown) == {"changes", "conflicts", "errors"}
    assert shown["changes"] == [
        {
            "country": "KOR",
            "element": row["Element id"],
            "row": row["_row"],
            "expected_version": row["Version"],
            "fields": {"note": {"old": note_before, "new": "from the ministry"}},
        }
    ]
    assert cli_db.assessment("KOR", row["Element id"]).version == row["Version"], "no write without --apply"

    assert cmd_import(import_args(edited, apply=True)) == 2  # --apply needs --user
    cli_db.add_user(SYSTEM, "kim", Role.editor, "password-long-1", ["JPN"])
    assert cmd_import(import_args(edited, apply=True, user="kim")) == 4
    cli_db.add_user(SYSTEM, "lee", Role.editor, "password-long-1", ["KOR"])
    assert cmd_import(import_args(edited, apply=True, user="lee")) == 0
    assert "1 change(s), 0 conflict(s), 0 problem(s): saved" in capsys.readouterr().out
    saved = cli_db.assessment("KOR", row["Element id"])
    assert (saved.note, saved.version, saved.updated_by) == ("from the ministry", row["Version"] + 1, "lee")
    assert cli_db.history("KOR", row["Element id"])[-1].source == "excel"

    # the same workbook again: its row is now older than the database's but equal to it, so nothing to do
    assert cmd_import(import_args(edited, apply=True, user="lee")) == 0
    # an edit on top of the stale row is a conflict: refused, exit 1, both sides printed
    stale = edit(edited, {f"J{row['_row']}": "an older idea"}, out=tmp_path / "stale.xlsx")
    assert cmd_import(import_args(stale, apply=True, user="lee")) == 1
    out = capsys.readouterr().out
    assert "CONFLICT KOR" in out and "an older idea" in out and "from the ministry" in out
    assert cmd_import(import_args(edit(path, {"D2": "maybe"}, out=tmp_path / "bad.xlsx"))) == 1
    assert "Assessment!D2: status 'maybe'" in capsys.readouterr().err


def test_cli_import_exit_3_when_a_save_lands_between_read_and_write(
    cli_db: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assessment.cli import excel as excel_cli

    path = tmp_path / "r.xlsx"
    assert (
        excel_cli.cmd_export(
            argparse.Namespace(root=None, countries=["KOR"], treaty="ets185", out=str(path), as_of=AS_OF, lang="en")
        )
        == 0
    )
    row = next(r for r in rows_of(path) if r["Version"])
    edited = edit(path, {f"J{row['_row']}": "mine"})
    real_read = excel_cli.read_workbook

    def read_then_someone_saves(*args, **kwargs):
        plan = real_read(*args, **kwargs)
        current = cli_db.assessment("KOR", row["Element id"])
        cli_db.save_assessment(
            SYSTEM,
            "KOR",
            row["Element id"],
            findings=current.findings,
            judgment=current.judgment,
            note="theirs",
            expected_version=current.version,
        )
        return plan

    monkeypatch.setattr(excel_cli, "read_workbook", read_then_someone_saves)
    before = db_state(cli_db)
    assert excel_cli.cmd_import(import_args(edited, apply=True, user="system")) in (2, 3)  # 'system' is no stored user
    cli_db.add_user(SYSTEM, "lee", Role.editor, "password-long-1", ["KOR"])
    assert excel_cli.cmd_import(import_args(edited, apply=True, user="lee")) == 3
    assert cli_db.assessment("KOR", row["Element id"]).note == "theirs"
    assert db_state(cli_db)[0] >= before[0]


def test_judgment_model_messages_are_placed_on_cells(store: Store, catalog: Catalog, tmp_path: Path) -> None:
    path = export(store, catalog, tmp_path / "kor.xlsx")
    row = next(r for r in rows_of(path) if r["Status"] == "in_place")
    plan = read(store, catalog, edit(path, {f"D{row['_row']}": "missing", f"G{row['_row']}": "Repealed in practice."}))
    assert messages(plan) == [
        f"Assessment!H{row['_row']}: status 'missing' is a legal claim and needs a source id here (see the Sources sheet)"
    ]
    src = catalog.countries["KOR"].sources[0].id
    plan = read(
        store,
        catalog,
        edit(path, {f"D{row['_row']}": "missing", f"G{row['_row']}": "Repealed in practice.", f"H{row['_row']}": src}),
    )
    assert not plan.errors
    assert plan.changes[0].change.judgment == Judgment(status="missing", reason="Repealed in practice.", source=src)


def test_an_upload_is_read_from_a_named_stream(store: Store, catalog: Catalog, tmp_path: Path) -> None:
    """The dashboard hands over the uploaded file object (a BytesIO with the file's name)."""
    data = export(store, catalog, tmp_path / "kor.xlsx").read_bytes()
    upload = io.BytesIO(data)
    upload.name = "report.xlsx"
    assert read(store, catalog, upload).to_json() == {"changes": [], "conflicts": [], "errors": []}
    renamed = io.BytesIO(data)
    renamed.name = "report.xlsm"
    refused(store, catalog, renamed, "report.xlsm is a macro-enabled workbook")


def test_clearing_the_only_judgment_of_an_element_without_findings_is_refused(
    store: Store, catalog: Catalog, tmp_path: Path
) -> None:
    path = export(store, catalog, tmp_path / "kor.xlsx")
    row = next(r for r in rows_of(path) if r["Judgment reason"] and not r["Findings"])
    refused(
        store,
        catalog,
        edit(path, {f"D{row['_row']}": L.FROM_FINDINGS}),
        f"Assessment!D{row['_row']}: an assessment needs findings or a judgment",
    )


def test_cli_accepts_the_documented_commands() -> None:
    from assessment.cli import build_parser

    parser = build_parser()
    args = parser.parse_args(
        ["export", "KOR", "JPN", "--treaty", "ets185", "--out", "report.xlsx", "--as-of", "2025-08-21"]
    )
    assert (args.countries, args.treaty, args.out, args.as_of) == (
        ["KOR", "JPN"],
        "ets185",
        "report.xlsx",
        dt.date(2025, 8, 21),
    )
    args = parser.parse_args(["import", "report.xlsx", "--apply", "--user", "kim", "--json"])
    assert (args.workbook, args.apply, args.user, args.json) == ("report.xlsx", True, "kim", True)


def test_a_carried_over_treaty_round_trips_and_scores_as_the_dashboard(
    store: Store, catalog: Catalog, tmp_path: Path
) -> None:
    """Korea's UN workbook shows the statuses carried over from ETS 185 (as the dashboard and CLI do), and
    reading it back untouched proposes nothing (issue 9)."""
    import openpyxl

    from assessment.scoring import Engine

    path = export(store, catalog, tmp_path / "un.xlsx", ["KOR"], treaty="uncc2024")
    assert read(store, catalog, path).to_json() == {"changes": [], "conflicts": [], "errors": []}
    engine = Engine.from_catalog(workspace_of(store, catalog).catalog)
    expected = engine.score_country("KOR", "uncc2024", AS_OF)
    summary = openpyxl.load_workbook(path, read_only=True)["Summary"]
    row = next(r for r in summary.iter_rows(values_only=True) if r[0] == "KOR")
    assert row[2] == pytest.approx(expected.score) and expected.carried
    statuses = {r["Element id"]: r["Status"] for r in rows_of(path)}
    assert all(statuses[e] != "unknown" for e in expected.carried)
