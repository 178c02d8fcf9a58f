"""The committed JSON Schemas are exactly what the models generate, so editors validate what the code validates."""

from __future__ import annotations

import json

from assessment.catalog import PROJECT_ROOT
from assessment.schema import SCHEMAS, render

SCHEMA_DIR = PROJECT_ROOT / "checklists" / "schema"


def test_committed_schemas_match_the_models() -> None:
    for name, model in SCHEMAS.items():
        path = SCHEMA_DIR / name
        assert path.exists(), f"{path} missing: run python -m assessment schema --write"
        assert path.read_text(encoding="utf-8") == render(model), (
            f"{name} drifted: run python -m assessment schema --write"
        )


def test_schema_forbids_unknown_fields_and_lists_statuses() -> None:
    country = json.loads(render(SCHEMAS["country.schema.json"]))
    assert country["additionalProperties"] is False
    judgment_status = country["$defs"]["JudgmentStatus"]["enum"]
    assert judgment_status == ["missing", "not_applicable", "reserved", "unknown"]
