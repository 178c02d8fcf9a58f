"""Load and validate the checklists (checklists/) and the country research (data/).

Every document passes its pydantic model, then the cross-document validators; all problems are collected and
reported together as "file:line: field: reason", so an author can fix a file in one pass.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from .models import (
    Country,
    CountryTranslation,
    Crosswalk,
    Element,
    Hook,
    Obligation,
    StatusRegister,
    Treaty,
    TreatyTranslation,
)
from .problems import CatalogInvalid, Problem, display_path
from .validators import Doc, check_all
from .yamlio import YamlDocument, YamlSyntaxError, read_document

PROJECT_ROOT = Path(__file__).resolve().parent.parent
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Layout:
    """Where each kind of document lives under a root folder."""

    root: Path

    @property
    def treaties(self) -> list[Path]:
        return sorted((self.root / "checklists").glob("*.yaml"))

    @property
    def crosswalks(self) -> list[Path]:
        return sorted((self.root / "checklists" / "crosswalks").glob("*.yaml"))

    @property
    def countries(self) -> list[Path]:
        return sorted((self.root / "data" / "countries").glob("*.yaml"))

    @property
    def registers(self) -> list[Path]:
        return sorted((self.root / "data" / "status").glob("*.yaml"))

    @property
    def treaty_translations(self) -> list[Path]:
        """checklists/translations/<treaty>.<lang>.yaml"""
        return sorted((self.root / "checklists" / "translations").glob("*.yaml"))

    @property
    def country_translations(self) -> list[Path]:
        """data/translations/<ISO3>.<lang>.yaml"""
        return sorted((self.root / "data" / "translations").glob("*.yaml"))

    def all_files(self) -> list[Path]:
        return [
            *self.treaties,
            *self.crosswalks,
            *self.countries,
            *self.registers,
            *self.treaty_translations,
            *self.country_translations,
        ]


@dataclass
class Catalog:
    """Every treaty, crosswalk, country and register, validated, with look-ups by id."""

    root: Path
    treaties: dict[str, Treaty]
    crosswalks: list[Crosswalk]
    countries: dict[str, Country]
    registers: dict[str, StatusRegister]
    fingerprint: str = ""
    #: (treaty id, lang) -> our translation of the checklist's texts; (ISO3, lang) -> a country's texts
    treaty_translations: dict[tuple[str, str], TreatyTranslation] = dataclasses.field(default_factory=dict)
    country_translations: dict[tuple[str, str], CountryTranslation] = dataclasses.field(default_factory=dict)

    @cached_property
    def obligations(self) -> dict[str, Obligation]:
        return {o.id: o for t in self.treaties.values() for o in t.obligations()}

    @cached_property
    def elements(self) -> dict[str, Element]:
        return {e.id: e for o in self.obligations.values() for e in o.elements}

    @cached_property
    def obligation_of_element(self) -> dict[str, str]:
        return {e.id: o.id for o in self.obligations.values() for e in o.elements}

    @cached_property
    def hooks(self) -> dict[str, Hook]:
        return {h.id: h for o in self.obligations.values() for h in o.hooks}

    def treaty(self, treaty_id: str) -> Treaty:
        try:
            return self.treaties[treaty_id]
        except KeyError:
            raise KeyError(f"unknown treaty {treaty_id!r}; known: {', '.join(sorted(self.treaties))}") from None

    def country(self, iso3: str) -> Country:
        try:
            return self.countries[iso3.upper()]
        except KeyError:
            raise KeyError(f"unknown country {iso3!r}; known: {', '.join(sorted(self.countries))}") from None

    def crosswalk_links(self, obligation_id: str) -> list[tuple[str, str, str, bool]]:
        """(other end, relation seen from this obligation, note, verified) for every link touching the obligation
        or one of its elements; the other end is an obligation or, for an element-level link, an element."""
        inverse = {"subset": "superset", "superset": "subset"}
        mine = (
            {obligation_id, *(e.id for e in self.obligations[obligation_id].elements)}
            if obligation_id in self.obligations
            else {obligation_id}
        )
        out = []
        for cw in self.crosswalks:
            for link in cw.links:
                if link.source in mine:
                    out.append((link.target, link.relation.value, link.note or "", link.verified))
                elif link.target in mine:
                    rel = inverse.get(link.relation.value, link.relation.value)
                    out.append((link.source, rel, link.note or "", link.verified))
        return out


def _parse(
    path: Path, model: type[M], root: Path, problems: list[Problem], parsed: dict[str, YamlDocument]
) -> Doc[M] | None:
    """Validate one file against its model; `parsed` keeps its nodes, for the lines of later problems."""
    shown = display_path(path, root)
    try:
        document = parsed[shown] = read_document(path)
    except YamlSyntaxError as exc:
        problems.append(Problem(shown, (), exc.reason, exc.line))
        return None
    raw = document.data
    if not isinstance(raw, dict):
        problems.append(Problem(shown, (), "expected a mapping at the top of the file", 1))
        return None
    try:
        return Doc(shown, model.model_validate(raw))
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            reason = err["msg"]
            if err["type"] == "extra_forbidden":
                reason = "unknown field (not part of the format; check its spelling)"
            elif err["type"] == "missing":
                reason = "required field is missing"
            problems.append(Problem(shown, loc, reason, document.line_of(loc)))
        return None


def load_catalog(root: Path | str | None = None) -> Catalog:
    """Load and validate everything under `root` (default: the project). Raises CatalogInvalid with every problem."""
    root = Path(root) if root is not None else PROJECT_ROOT
    layout = Layout(root)
    problems: list[Problem] = []
    parsed: dict[str, YamlDocument] = {}
    treaties = [d for p in layout.treaties if (d := _parse(p, Treaty, root, problems, parsed))]
    crosswalks = [d for p in layout.crosswalks if (d := _parse(p, Crosswalk, root, problems, parsed))]
    countries = [d for p in layout.countries if (d := _parse(p, Country, root, problems, parsed))]
    registers = [d for p in layout.registers if (d := _parse(p, StatusRegister, root, problems, parsed))]
    treaty_tr = [d for p in layout.treaty_translations if (d := _parse(p, TreatyTranslation, root, problems, parsed))]
    country_tr = [
        d for p in layout.country_translations if (d := _parse(p, CountryTranslation, root, problems, parsed))
    ]
    if not treaties and not problems:
        problems.append(Problem(display_path(root / "checklists", root), (), "no treaty checklist found"))
    for problem in check_all(treaties, crosswalks, countries, registers, treaty_tr, country_tr):
        document = parsed.get(problem.file)
        problems.append(dataclasses.replace(problem, line=document.line_of(problem.loc) if document else None))
    if problems:
        raise CatalogInvalid(problems)
    digest = hashlib.sha256()
    for path in layout.all_files():
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return Catalog(
        root=root,
        treaties={d.model.id: d.model for d in treaties},
        crosswalks=[d.model for d in crosswalks],
        countries={d.model.iso3: d.model for d in countries},
        registers={d.model.treaty: d.model for d in registers},
        fingerprint=digest.hexdigest()[:16],
        treaty_translations={(d.model.treaty, d.model.lang): d.model for d in treaty_tr},
        country_translations={(d.model.iso3, d.model.lang): d.model for d in country_tr},
    )
