"""The import reads the database and scores the saved findings while calamine parses the sheet (the read-ahead).

It may only ever save time: every plan must be the one the import gives without it, whatever was edited in the
workbook or saved in the database since the export. Each case below reads the same file twice, with and without
the read-ahead, and compares the whole plans."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from excel_helpers import edit, rows_of, workspace_of

from assessment.catalog import Catalog
from assessment.excel import export_workbook, importer, read_workbook
from assessment.excel import layout as L
from assessment.models import Judgment
from assessment.store import SYSTEM, Role, Store

pytestmark = pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")
AS_OF = dt.date(2025, 8, 21)


@pytest.fixture
def store(catalog: Catalog, tmp_path: Path):
    st = Store.open(catalog, f"sqlite:///{tmp_path}/x.sqlite")
    yield st
    st.engine.dispose()


def export(store: Store, catalog: Catalog, path: Path, countries=("KOR", "DEU"), treaty: str = "ets185") -> Path:
    export_workbook(workspace_of(store, catalog), list(countries), treaty, AS_OF, path, store=store)
    return path


class Spy:
    """Counts the scorer runs and the database reads of one import."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.scored = self.reads = 0
        statuses, saved = importer._element_statuses, Store.saved_assessments

        def scored(*args, **kwargs):
            self.scored += 1
            return statuses(*args, **kwargs)

        def reads(store, codes):
            self.reads += 1
            return saved(store, codes)

        monkeypatch.setattr(importer, "_element_statuses", scored)
        monkeypatch.setattr(Store, "saved_assessments", reads)


def both(
    store: Store, catalog: Catalog, path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[importer.ImportPlan, Spy]:
    """The plan with the read-ahead, after checking it equals the plan without it."""
    with monkeypatch.context() as m:
        m.setattr(importer._Reader, "_read_ahead", lambda self, treaty: None)
        without = read_workbook(path, workspace_of(store, catalog), store)
    with monkeypatch.context() as m:
        spy = Spy(m)
        plan = read_workbook(path, workspace_of(store, catalog), store)
    assert plan.to_json() == without.to_json()
    assert (plan.rows, plan.treaty, plan.as_of) == (without.rows, without.treaty, without.as_of)
    assert [c.change for c in plan.changes] == [c.change for c in without.changes]
    return plan, spy


def test_an_unedited_export_is_read_and_scored_once(
    store: Store, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan, spy = both(store, catalog, export(store, catalog, tmp_path / "two.xlsx"), monkeypatch)
    assert plan.to_json() == {"changes": [], "conflicts": [], "errors": []}
    assert (spy.reads, spy.scored) == (1, 1)


def test_a_carried_over_treaty_gives_the_same_plan(
    store: Store, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = export(store, catalog, tmp_path / "un.xlsx", ["KOR"], treaty="uncc2024")
    plan, spy = both(store, catalog, path, monkeypatch)
    assert plan.to_json() == {"changes": [], "conflicts": [], "errors": []} and (spy.reads, spy.scored) == (1, 1)
    row = next(r for r in rows_of(path) if not r["Findings"])
    provision = catalog.countries["KOR"].provisions[0].id
    plan, spy = both(
        store,
        catalog,
        edit(path, {f"F{row['_row']}": f"{provision}:partial", f"D{row['_row']}": L.FROM_FINDINGS}),
        monkeypatch,
    )
    assert spy.scored >= 2 and [c.element for c in plan.changes] == [
        row["Element id"]
    ]  # other findings than the read-ahead scored


def test_notes_and_judgments_edited_keep_the_saved_findings(
    store: Store, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Findings untouched: the rows are matched with the read-ahead, and a change keeps the saved findings
    themselves (notes, sources, verified marks), as without it."""
    path = export(store, catalog, tmp_path / "two.xlsx")
    rows = [r for r in rows_of(path) if r["Country"] == "KOR" and r["Findings"] and not r["Judgment reason"]]
    a, b = rows[0], rows[1]
    source = catalog.countries["KOR"].sources[0].id
    edited = edit(
        path,
        {
            f"J{a['_row']}": "checked again",
            f"D{b['_row']}": "not_applicable",
            f"G{b['_row']}": "Outside the legal system.",
            f"H{b['_row']}": source,
        },
    )
    plan, spy = both(store, catalog, edited, monkeypatch)
    assert not plan.errors and not plan.conflicts and spy.reads == 1
    assert [(c.element, sorted(c.fields)) for c in plan.changes] == [
        (a["Element id"], ["note"]),
        (b["Element id"], ["judgment_reason", "judgment_source", "status"]),
    ]
    for change in plan.changes:
        assert change.change.findings == store.assessment("KOR", change.element).findings


def test_edited_findings_are_scored_again(
    store: Store, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row whose findings no longer give the status it shows is refused, however the read-ahead scored."""
    path = export(store, catalog, tmp_path / "two.xlsx")
    row = next(r for r in rows_of(path) if r["Status"] == "in_place" and r["Findings"] and not r["Judgment reason"])
    partial = "; ".join(f.split(":")[0].strip() + ":partial" for f in row["Findings"].split(";"))
    weaker = edit(path, {f"F{row['_row']}": partial})  # every finding now partial, the status still says in_place
    plan, spy = both(store, catalog, weaker, monkeypatch)
    assert spy.scored == 2 and any(
        e.cell == f"D{row['_row']}" and "does not follow from the findings" in e.reason for e in plan.errors
    )
    plan, _ = both(
        store, catalog, edit(path, {f"F{row['_row']}": partial, f"D{row['_row']}": L.FROM_FINDINGS}), monkeypatch
    )
    assert not plan.errors and [c.element for c in plan.changes] == [row["Element id"]]
    assert plan.changes[0].fields["status"] == ("in_place", "partial")


def test_rows_deleted_or_of_a_country_lists_does_not_name(
    store: Store, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = export(store, catalog, tmp_path / "two.xlsx")
    rows = rows_of(path)
    # a row cleared: the rows are no longer the whole export
    plan, spy = both(store, catalog, edit(path, {f"{c}{rows[0]['_row']}": None for c in "ABCDEFGHIJ"}), monkeypatch)
    assert plan.rows == len(rows) - 1 and spy.scored == 2
    # Lists names one country only: the rows of the other are read from the database after all
    lists = {"B5": "KOR"}
    plan, spy = both(store, catalog, edit(path, lists, sheet=L.LISTS), monkeypatch)
    assert plan.to_json() == {"changes": [], "conflicts": [], "errors": []} and spy.reads == 2
    # Lists names nothing the catalog knows: nothing is read ahead
    plan, spy = both(store, catalog, edit(path, {"B5": "XXX zzz"}, sheet=L.LISTS), monkeypatch)
    assert plan.to_json() == {"changes": [], "conflicts": [], "errors": []} and (spy.reads, spy.scored) == (1, 1)


def test_saves_since_the_export_are_still_conflicts(
    store: Store, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cells equal to the export, but the database moved on (findings and a judgment saved by a colleague):
    the read-ahead reads the database as it is now, so the rows are conflicts exactly as before."""
    path = export(store, catalog, tmp_path / "two.xlsx")
    colleague = store.add_user(SYSTEM, "ann", Role.editor, "password-long-1", ["KOR"])
    rows = [r for r in rows_of(path) if r["Country"] == "KOR" and r["Findings"] and not r["Judgment reason"]]
    first, second = rows[0], rows[1]
    current = store.assessment("KOR", first["Element id"])
    store.save_assessment(
        colleague,
        "KOR",
        first["Element id"],
        findings=current.findings[1:],
        judgment=None,
        note=current.note,
        expected_version=current.version,
    )
    current = store.assessment("KOR", second["Element id"])
    source = catalog.countries["KOR"].sources[0].id
    store.save_assessment(
        colleague,
        "KOR",
        second["Element id"],
        findings=current.findings,
        judgment=Judgment(status="unknown", reason="Being checked.", source=source),
        note=current.note,
        expected_version=current.version,
    )
    plan, spy = both(store, catalog, path, monkeypatch)
    assert not plan.errors and not plan.changes
    assert [(c.element, c.row) for c in plan.conflicts] == [
        (first["Element id"], first["_row"]),
        (second["Element id"], second["_row"]),
    ]
    assert plan.conflicts[1].database["status"] == "unknown"


def test_a_failing_database_read_is_raised_after_the_sheet_is_parsed(
    store: Store, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The readers in the background are waited for before the error leaves (and the workbook is closed)."""
    path = export(store, catalog, tmp_path / "two.xlsx")
    values = importer.Book.values
    finished = []

    def slow_values(book, name, max_rows=None):
        out = values(book, name, max_rows)
        finished.append(name)
        return out

    def fails(store, codes):
        raise RuntimeError("database down")

    monkeypatch.setattr(importer.Book, "values", slow_values)
    monkeypatch.setattr(Store, "saved_assessments", fails)
    with pytest.raises(RuntimeError, match="database down"):
        read_workbook(path, workspace_of(store, catalog), store)
    assert L.ASSESSMENT in finished
