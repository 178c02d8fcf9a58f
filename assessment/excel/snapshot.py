"""Helpers around the store's light assessment records (`StoredAssessment`, from `Store.saved_assessments`):
the same records built from approved Country documents, the Findings cell text, and a pause of the garbage
collector while many such small objects are built."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from ..models import Country
from ..store import StoredAssessment


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
