"""Shared fixtures: the shipped catalog, and a writable copy of the small test catalog for bad-input cases."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assessment.catalog import PROJECT_ROOT, Catalog, load_catalog
from assessment.scoring import Engine

MINI = Path(__file__).parent / "data" / "mini"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(PROJECT_ROOT)


@pytest.fixture(scope="session")
def engine(catalog: Catalog) -> Engine:
    return Engine.from_catalog(catalog)


@pytest.fixture(scope="session")
def mini_catalog() -> Catalog:
    return load_catalog(MINI)


@pytest.fixture
def mini_root(tmp_path: Path) -> Path:
    """A writable copy of tests/data/mini that a test may break."""
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    return root
