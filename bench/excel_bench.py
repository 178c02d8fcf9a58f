"""Excel export and import against the plain library doing the least it can on the same cells.

* export: our styled gap report (scoring, every sheet, formats, drop-downs, conditional formats, chart) against
  XlsxWriter in constant-memory mode writing the same cell values unstyled (the tables are built once,
  outside the baseline's timing). Measured on 200 synthetic countries (the headline figures) and on every
  shipped country.
* import: `read_workbook` of an unedited 200-country export (safety checks, parsing, validation, comparison
  with the database, derived statuses) against a raw openpyxl read-only pass over the Assessment sheet of the
  same file, and against a raw python-calamine read of it (`calamine_s`, `calamine_ratio`).

The synthetic countries are real Country documents (built from `assessment.synthetic` evidence), seeded into a
throwaway SQLite database, so export and import run the same code on them as on shipped data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import tempfile
import time
from pathlib import Path

import openpyxl
import xlsxwriter

from assessment.catalog import Catalog, load_catalog
from assessment.excel import export_workbook, read_workbook
from assessment.excel.content import Link, Report, build_report
from assessment.excel.snapshot import gc_paused
from assessment.models import (
    Country,
    ElementAssessment,
    Finding,
    Judgment,
    Lifecycle,
    Provision,
    Source,
    Status,
    Treaty,
)
from assessment.scoring import Engine
from assessment.service import Workspace
from assessment.store import Store
from assessment.synthetic import synthetic_records
from bench.timing import median_time

AS_OF = dt.date(2025, 8, 21)
TREATY = "ets185"


def synthetic_countries(treaty: Treaty, n: int, seed: int = 2025) -> list[Country]:
    """`n` valid Country documents with provisions, sources, findings and judgments (reserved ones name a hook
    the treaty allows for the element, or become not_applicable)."""
    if n > 26 * 26:
        raise ValueError("at most 676 synthetic countries (codes QAA..QZZ)")
    records = synthetic_records([treaty], n, seed=seed)
    iso_of = {c: "Q" + c[2:] for c in records.countries}  # synthetic codes are 'QAAA'..: keep three letters
    hook_for = {e: h.id for o in treaty.obligations() for h in o.hooks for e in h.elements}
    provisions: dict[str, list[Provision]] = {iso_of[c]: [] for c in records.countries}
    ids: dict[str, str] = {}
    for p in records.provisions:
        code, local = p.key.split(":")
        iso = iso_of[code]
        pid = f"{iso.lower()}.act.{local}"
        ids[p.key] = pid
        provisions[iso].append(
            Provision(
                id=pid,
                statute=f"Act {local[1:]}",
                article=local[1:],
                summary=f"Synthetic provision {local}.",
                source="gazette",
                lifecycle=Lifecycle(introduced=p.start, in_force=p.in_force, repealed=p.repealed, lapsed=p.lapsed),
            )
        )
    assessments: dict[str, list[ElementAssessment]] = {iso_of[c]: [] for c in records.countries}
    for e in records.elements:
        judgment = None
        if e.judgment is not None:
            status, hook = e.judgment.value, None
            if e.judgment == Status.reserved:
                hook = hook_for.get(e.element)
                status = "reserved" if hook else "not_applicable"
            judgment = Judgment(status=status, reason="Synthetic judgment.", hook=hook, source="gazette")
        findings = {ids[k]: Finding(provision=ids[k], extent="full" if full else "partial") for k, full in e.findings}
        assessments[iso_of[e.country]].append(
            ElementAssessment(element=e.element, findings=list(findings.values()), judgment=judgment)
        )
    return [
        Country(
            iso3=iso,
            name=f"Synthland {iso}",
            researched=AS_OF,
            sources=[
                Source(
                    id="gazette",
                    title=f"Official gazette of {iso}",
                    url=f"https://example.org/{iso.lower()}/gazette",
                    kind="primary",
                )
            ],
            provisions=provisions[iso],
            assessments=assessments[iso],
        )
        for iso in iso_of.values()
    ]


def _workspace(catalog: Catalog, countries: list[Country]) -> Workspace:
    snapshot = dataclasses.replace(catalog, countries={c.iso3: c for c in countries})
    return Workspace(catalog=snapshot, engine=Engine.from_catalog(snapshot), version="bench", view="working")


def write_unstyled(report: Report, target: str | io.BytesIO) -> None:
    """The baseline: the report's cells, written by XlsxWriter in constant-memory mode with no formatting."""
    wb = xlsxwriter.Workbook(
        target,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    for name, tables in report.tables().items():
        ws = wb.add_worksheet(name)
        r = 0
        for table in tables:
            for c, col in enumerate(table.columns):
                ws.write_string(r, c, col.header)
            r += 1
            for row in table.rows:
                for c, v in enumerate(row):
                    if v is None:
                        continue
                    if isinstance(v, str):
                        ws.write_string(r, c, v)
                    elif isinstance(v, Link):
                        ws.write_string(r, c, v.text)
                    elif isinstance(v, dt.date):
                        ws.write_datetime(r, c, v)
                    else:
                        ws.write_number(r, c, v)
                r += 1
            r += 1
    wb.close()


def _calamine_read(path: Path) -> int:
    """The fastest reader we know: python-calamine (Rust), the Assessment sheet's values as Python lists."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    try:
        return sum(len(row) for row in wb.get_sheet_by_name("Assessment").to_python())
    finally:
        wb.close()


def _raw_read(path: Path) -> int:
    wb = openpyxl.load_workbook(path, read_only=True)
    n = 0
    for row in wb["Assessment"].iter_rows(values_only=True):
        n += len(row)
    wb.close()
    return n


class _Setup:
    """Shipped and synthetic workspaces over two throwaway databases."""

    def __init__(self, n_countries: int):
        import warnings

        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        self.tmp = tempfile.TemporaryDirectory(prefix="excel-bench-")
        self.dir = Path(self.tmp.name)
        self.catalog = load_catalog()
        treaty = self.catalog.treaty(TREATY)
        self.shipped_store = Store.open(self.catalog, f"sqlite:///{self.dir}/shipped.sqlite")
        self.shipped = _workspace(self.catalog, list(self.shipped_store.working_countries(_system()).values()))
        t0 = time.perf_counter()
        countries = synthetic_countries(treaty, n_countries)
        synthetic_catalog = dataclasses.replace(self.catalog, countries={c.iso3: c for c in countries})
        self.synthetic_store = Store.open(synthetic_catalog, f"sqlite:///{self.dir}/synthetic.sqlite")
        self.synthetic = _workspace(self.catalog, countries)
        self.setup_s = time.perf_counter() - t0

    def close(self) -> None:
        self.shipped_store.engine.dispose()
        self.synthetic_store.engine.dispose()
        self.tmp.cleanup()


def _system():  # type: ignore[no-untyped-def]
    from assessment.store import SYSTEM

    return SYSTEM


def _export_pair(ws: Workspace, store: Store, runs: int, path: Path) -> tuple[float, float, int, int]:
    codes = list(ws.catalog.countries)
    treaty = ws.catalog.treaty(TREATY)
    ours = median_time(lambda: export_workbook(ws, codes, TREATY, AS_OF, path, store=store), runs)
    report = build_report(treaty, [ws.catalog.countries[c] for c in codes], store.saved_assessments(codes), AS_OF)
    baseline = median_time(lambda: write_unstyled(report, str(path.with_suffix(".plain.xlsx"))), runs)

    def paused() -> None:
        with gc_paused():
            write_unstyled(report, str(path.with_suffix(".plain.xlsx")))

    baseline_paused = median_time(paused, runs)
    cells = sum(len(t.columns) * (len(t.rows) + 1) for tables in report.tables().values() for t in tables)
    export_workbook(ws, codes, TREATY, AS_OF, path, store=store)
    return ours, baseline, baseline_paused, cells, path.stat().st_size


def export_bench(repeat: int, n_countries: int = 200) -> dict:
    setup = _Setup(n_countries)
    try:
        runs = max(3, min(5, repeat // 4))
        ours, baseline, baseline_paused, cells, size = _export_pair(
            setup.synthetic, setup.synthetic_store, runs, setup.dir / "synthetic.xlsx"
        )
        s_ours, s_baseline, _s_paused, s_cells, _s_size = _export_pair(
            setup.shipped, setup.shipped_store, max(5, repeat // 2), setup.dir / "shipped.xlsx"
        )
        first = next(iter(setup.shipped.catalog.countries))
        one = median_time(
            lambda: export_workbook(setup.shipped, [first], TREATY, AS_OF, io.BytesIO(), store=setup.shipped_store),
            max(5, repeat // 2),
        )
        return {
            "ours_s": ours,
            "baseline_s": baseline,
            "one_country_s": one,
            "baseline_gc_paused_s": baseline_paused,
            "countries": n_countries,
            "cells": cells,
            "file_mib": size / 2**20,
            "shipped_ours_s": s_ours,
            "shipped_baseline_s": s_baseline,
            "shipped_ratio": s_ours / s_baseline,
            "shipped_countries": len(setup.shipped.catalog.countries),
            "shipped_cells": s_cells,
            "setup_s": setup.setup_s,
        }
    finally:
        setup.close()


def import_bench(repeat: int, n_countries: int = 200) -> dict:
    setup = _Setup(n_countries)
    try:
        runs = max(3, min(5, repeat // 4))
        path = setup.dir / "synthetic.xlsx"
        codes = list(setup.synthetic.catalog.countries)
        export_workbook(setup.synthetic, codes, TREATY, AS_OF, path, store=setup.synthetic_store)
        plan = read_workbook(path, setup.synthetic, setup.synthetic_store)
        assert plan.can_apply and not plan.changes, plan.to_json()["errors"][:3]
        ours = median_time(lambda: read_workbook(path, setup.synthetic, setup.synthetic_store), runs)
        baseline = median_time(lambda: _raw_read(path), runs)

        def paused() -> None:
            with gc_paused():
                _raw_read(path)

        calamine = median_time(lambda: _calamine_read(path), runs)
        return {
            "ours_s": ours,
            "baseline_s": baseline,
            "calamine_s": calamine,
            "calamine_ratio": ours / calamine,
            "baseline_gc_paused_s": median_time(paused, runs),
            "countries": n_countries,
            "rows": plan.rows,
            "file_mib": path.stat().st_size / 2**20,
        }
    finally:
        setup.close()
