"""The models explain themselves: every field says what it holds, so the JSON Schemas help someone editing YAML."""

from __future__ import annotations

import inspect
import json
import typing

from pydantic import BaseModel

from assessment import models
from assessment.catalog import PROJECT_ROOT
from assessment.schema import SCHEMAS


def _models_in(annotation: object) -> list[type[BaseModel]]:
    """The models an annotation names, however wrapped (list[...], X | None, dict[..., X], Annotated[...])."""
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def every_model() -> list[type[BaseModel]]:
    """Every model defined in assessment.models, and every model nested in their fields (wherever it is defined)."""
    todo = [*SCHEMAS.values()]
    todo += [
        c
        for c in vars(models).values()
        if inspect.isclass(c) and issubclass(c, BaseModel) and c.__module__ == models.__name__
    ]
    seen: dict[type[BaseModel], None] = {}
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen[model] = None
        todo += [nested for field in model.model_fields.values() for nested in _models_in(field.annotation)]
    return list(seen)


def test_every_field_of_every_model_has_a_description() -> None:
    found = every_model()
    names = {m.__name__ for m in found}
    assert {"Treaty", "Country", "Lifecycle", "StatuteText", "LawVersion", "CountryTranslation"} <= names
    fields = [(m.__name__, name, info) for m in found for name, info in m.model_fields.items()]
    assert len(fields) > 200
    undescribed = [f"{model}.{name}" for model, name, info in fields if not (info.description or "").strip()]
    assert undescribed == [], f"fields without Field(description=...): {undescribed}"
    # one plain sentence: starts like one, ends like one
    ragged = [
        f"{model}.{name}: {info.description}"
        for model, name, info in fields
        if not (info.description[0].isupper() or info.description.startswith("full "))  # a code first
        or not info.description.endswith((".", ")"))
    ]
    assert ragged == []


def _properties(schema: object) -> list[tuple[str, dict]]:
    """(where, property schema) for every property of every object in a JSON Schema."""
    if isinstance(schema, list):
        return [p for item in schema for p in _properties(item)]
    if not isinstance(schema, dict):
        return []
    own = [(f"{schema.get('title', '?')}.{name}", prop) for name, prop in schema.get("properties", {}).items()]
    return own + [p for value in schema.values() for p in _properties(value)]


def test_every_property_in_the_committed_schemas_is_explained() -> None:
    """What an editor shows on hover: the committed schema files carry a description for every property."""
    for name in SCHEMAS:
        schema = json.loads((PROJECT_ROOT / "checklists" / "schema" / name).read_text(encoding="utf-8"))
        properties = _properties(schema)
        assert properties, name
        assert [where for where, prop in properties if not prop.get("description")] == [], name
