"""The one entry point every surface (dashboard, CLI, Excel) uses to get the current data and its scorer.

Checklists, crosswalks and status registers are curated files, read once per process. Country assessments
live in the database (seeded from data/ on first start) and change while the app runs. A `Workspace` is an
immutable snapshot of both with an Engine compiled from it; its `version` changes whenever the data does, so
callers cache on it (`current_version` is one cheap query).
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from pathlib import Path

from .catalog import PROJECT_ROOT, Catalog, load_catalog
from .scoring import Engine
from .store import Store, User
from .store.db import database_url

_lock = threading.Lock()
_catalogs: dict[Path, Catalog] = {}
_stores: dict[tuple[Path, str], Store] = {}


@dataclass(frozen=True)
class Workspace:
    catalog: Catalog  # countries: what this user may see (drafts for staff, approved for viewers)
    engine: Engine
    version: str
    view: str  # "working" or "published"


def catalog(root: Path | str | None = None) -> Catalog:
    """The curated files, validated once per process (raises CatalogInvalid with every problem)."""
    key = Path(root).resolve() if root is not None else PROJECT_ROOT
    with _lock:
        if key not in _catalogs:
            _catalogs[key] = load_catalog(key)
        return _catalogs[key]


def store(root: Path | str | None = None, url: str | None = None) -> Store:
    """The database for `url` (default ASSESSMENT_DATABASE_URL or SQLite), migrated and seeded on first use."""
    cat = catalog(root)
    key = (cat.root, database_url(url))
    with _lock:
        if key not in _stores:
            _stores[key] = Store.open(cat, key[1])
        return _stores[key]


def view_for(user: User | None) -> str:
    return "working" if user is not None and user.can_read_drafts() else "published"


def current_version(root: Path | str | None = None, url: str | None = None, user: User | None = None) -> str:
    return f"{catalog(root).fingerprint}:{store(root, url).data_version()}:{view_for(user)}"


def load_workspace(root: Path | str | None = None, *, url: str | None = None, user: User | None = None) -> Workspace:
    """A snapshot of everything `user` may see; anonymous callers and viewers see the approved state."""
    cat = catalog(root)
    st = store(root, url)
    version = current_version(root, url, user)
    countries = st.countries_for(user)
    snapshot = dataclasses.replace(cat, countries=countries)
    return Workspace(catalog=snapshot, engine=Engine.from_catalog(snapshot), version=version, view=view_for(user))


def reset_caches() -> None:
    """Forget cached catalogs and stores (tests that change files or databases)."""
    with _lock:
        for s in _stores.values():
            s.engine.dispose()
        _catalogs.clear()
        _stores.clear()
