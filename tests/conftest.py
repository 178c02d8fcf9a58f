"""Shared fixtures: the shipped catalog, and a writable copy of the small test catalog for bad-input cases."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Tests never touch a developer's database: the app, the CLI and the service default to this throwaway file.
os.environ.setdefault("ASSESSMENT_DATABASE_URL", f"sqlite:///{tempfile.mkdtemp(prefix='accession-tests-')}/app.sqlite")

from assessment.catalog import PROJECT_ROOT, Catalog, load_catalog  # noqa: E402
from assessment.scoring import Engine  # noqa: E402

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


# ------------------------------------------------------------------------------------------------ databases
import os  # noqa: E402
import uuid  # noqa: E402

from sqlalchemy import create_engine, text  # noqa: E402

from assessment.store import Store  # noqa: E402

PG_ENV = "ASSESSMENT_TEST_POSTGRES_URL"


def postgres_admin_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(
                f"{PG_ENV} is not set: .ci/run starts PostgreSQL (scripts/postgres-test-server) and must export it"
            )
        pytest.skip(f"no PostgreSQL: export {PG_ENV}=$(scripts/postgres-test-server)")
    return url


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path):
    """A fresh empty database of the parametrised kind: 'sqlite' (a file) or 'postgresql' (a new database)."""
    kind = getattr(request, "param", "sqlite")
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    admin_url = postgres_admin_url()
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def mini_store(mini_catalog: Catalog, database_url: str):
    store = Store.open(mini_catalog, database_url)
    yield store
    store.engine.dispose()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the browser tests (tests/e2e) and the PostgreSQL runs of BACKENDS (tests/backends.py), so `-m` can pick or leave them
    during work; CI runs everything (see pyproject.toml)."""
    for item in items:
        if "e2e" in item.path.parts:
            item.add_marker(pytest.mark.browser)
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("database_url") == "postgresql":
            item.add_marker(pytest.mark.postgresql)
