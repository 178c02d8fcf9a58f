"""Database connections: SQLite by default (WAL, busy timeout, foreign keys, writes that take the lock up front
with BEGIN IMMEDIATE), PostgreSQL by URL. `ASSESSMENT_DATABASE_URL` chooses."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event

DEFAULT_URL = "sqlite:///assessment.sqlite"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def database_url(url: str | None = None) -> str:
    return url or os.environ.get("ASSESSMENT_DATABASE_URL") or DEFAULT_URL


def make_engine(url: str | None = None) -> Engine:
    url = database_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            dbapi_conn.isolation_level = None  # SQLAlchemy, not the driver, begins transactions
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn) -> None:  # type: ignore[no-untyped-def]
            # Writes take the lock at BEGIN: deferred transactions that upgrade later fail with "database is
            # locked" under concurrent writers (measured), immediate ones queue on the busy timeout instead.
            mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def writer(engine: Engine) -> Engine:
    """The same engine, with SQLite write transactions that lock at BEGIN (no-op elsewhere)."""
    return engine.execution_options(sqlite_begin="IMMEDIATE") if engine.dialect.name == "sqlite" else engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (Alembic), creating it on an empty database."""
    from alembic import command  # imported here: only the first open of a database needs it (app start-up)
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with writer(engine).begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
