"""The saved assessments of some countries with their versions, read in one query, as light records.

A workbook's editable values and its version column must come from the same read, or an import could take
an old value for the current version and undo a colleague's save. Building 30,000 pydantic objects costs about
half a second, so the rows stay plain dicts here; only rows an import changes become models.
(Store has no bulk read yet; this is one SELECT on its assessments table. If Store gains one, use it here.)
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import select

from ..models import Country
from ..store import Store
from ..store import schema as t


@dataclass(frozen=True, slots=True)
class StoredAssessment:
    iso3: str
    element: str
    findings: list[dict] = field(default_factory=list)  # Finding documents: provision, extent, note, source, verified
    judgment: dict | None = None  # Judgment document or None
    note: str | None = None
    version: int | None = 0  # 0: never saved; None: from the approved (published) state, not importable
    updated_by: str | None = None
    updated_at: dt.datetime | None = None


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects that form no cycles (rows, cells):
    its repeated passes over them cost more than the work itself (DESIGN.md measured the same on Row objects)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return value if value is None or value.tzinfo else value.replace(tzinfo=dt.UTC)


def read_saved(store: Store, countries: Iterable[str]) -> dict[tuple[str, str], StoredAssessment]:
    """(iso3, element) -> the saved assessment, for every saved element of `countries`."""
    codes = sorted({c.upper() for c in countries})
    a = t.assessments.c
    query = select(a.iso3, a.element, a.findings, a.judgment, a.note, a.version, a.updated_by, a.updated_at).where(a.iso3.in_(codes))
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    return {
        (iso3, element): StoredAssessment(
            iso3, element, json.loads(findings), json.loads(judgment) if judgment else None, note or None, version, updated_by, _utc(updated_at)
        )
        for iso3, element, findings, judgment, note, version, updated_by, updated_at in rows
    }


def from_countries(countries: Iterable[Country]) -> dict[tuple[str, str], StoredAssessment]:
    """The same records from Country documents (the approved state a viewer sees): no versions, not importable."""
    out = {}
    for c in countries:
        for a in c.assessments:
            out[(c.iso3, a.element)] = StoredAssessment(
                c.iso3,
                a.element,
                [f.model_dump(mode="json", exclude_none=True) for f in a.findings],
                None if a.judgment is None else a.judgment.model_dump(mode="json", exclude_none=True),
                a.note or None,
                None,
            )
    return out


def findings_text(findings: Iterable[dict]) -> str:
    """The Findings cell: 'kor.cpa.215-2:full; kor.crim.316-2:partial'."""
    return "; ".join(f"{f['provision']}:{f['extent']}" for f in findings)
