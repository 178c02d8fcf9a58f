"""Shared helpers of the Excel tests: a staff workspace over a test store, workbook edits, database state."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path

import openpyxl
from sqlalchemy import func, select

from assessment.catalog import Catalog
from assessment.scoring import Engine
from assessment.service import Workspace
from assessment.store import SYSTEM, Store
from assessment.store import schema as t


def workspace_of(store: Store, catalog: Catalog) -> Workspace:
    """What service.load_workspace gives staff, over `store` instead of the process-wide database."""
    snapshot = dataclasses.replace(catalog, countries=store.working_countries(SYSTEM))
    return Workspace(catalog=snapshot, engine=Engine.from_catalog(snapshot), version="test", view="working")


def db_state(store: Store) -> tuple[int, int]:
    """(audit rows, data version): equal before and after means nothing was written."""
    with store.engine.connect() as conn:
        audit = conn.execute(select(func.count()).select_from(t.audit)).scalar_one()
    return audit, store.data_version()


def edit(path: Path, changes: dict[str, object], out: Path | None = None, sheet: str = "Assessment") -> Path:
    """Change cells as a person would in a spreadsheet program (openpyxl, full read and write)."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    for cell, value in changes.items():
        ws[cell] = value
    target = out or path.with_name(path.stem + "-edited.xlsx")
    wb.save(target)
    return target


def rows_of(path: Path) -> list[dict[str, object]]:
    """The Assessment sheet as dicts keyed by header, with the sheet row number under '_row'."""
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb["Assessment"].iter_rows(values_only=True))
    wb.close()
    header = rows[0]
    return [{"_row": i, **dict(zip(header, r))} for i, r in enumerate(rows[1:], start=2)]


def rezip(data: bytes, replace: dict[str, bytes | None] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """A copy of a zip archive with some entries replaced (None: removed) or added."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in replace:
                if replace[info.filename] is not None:
                    dst.writestr(info.filename, replace[info.filename])
            else:
                dst.writestr(info.filename, src.read(info.filename))
        for name, content in (add or {}).items():
            dst.writestr(name, content)
    return out.getvalue()
