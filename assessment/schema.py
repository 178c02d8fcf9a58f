"""JSON Schemas of the YAML formats, generated from the pydantic models so that they can never disagree.

`python -m assessment schema --write` regenerates checklists/schema/; a test fails when the committed files drift.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from .models import Country, CountryTranslation, Crosswalk, StatusRegister, Treaty, TreatyTranslation

SCHEMAS: dict[str, type[BaseModel]] = {
    "treaty.schema.json": Treaty,
    "crosswalk.schema.json": Crosswalk,
    "country.schema.json": Country,
    "status-register.schema.json": StatusRegister,
    "treaty-translation.schema.json": TreatyTranslation,
    "country-translation.schema.json": CountryTranslation,
}


def render(model: type[BaseModel]) -> str:
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in SCHEMAS.items():
        path = folder / name
        path.write_text(render(model), encoding="utf-8")
        written.append(path)
    return written
