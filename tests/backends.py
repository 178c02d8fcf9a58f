"""The store tests' database parametrisation, in a module of its own: tests/e2e has a conftest.py too, so
`from conftest import ...` would find whichever conftest was imported first."""

from __future__ import annotations

import pytest

#: Run a test once on SQLite and once on PostgreSQL (the `database_url` fixture of tests/conftest.py).
BACKENDS = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
