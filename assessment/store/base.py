"""What every part of the store shares: the write transaction, the country row locks every write takes first, the
audit rows and write counters every write leaves, the clock writes are stamped with, and the errors of a write.
The parts (countries, assessments, provisions, review_steps, users) are mixins over `StoreBase`; store.py joins them
into `Store`.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Connection, Engine, String, bindparam, func, insert, literal, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..i18n import Msg
from ..vocab import AuditSource, ReviewState, local_time
from . import schema as tables
from .auth import PermissionDenied, User
from .db import writer

#: Name of the write counter (per country: "data_version:KOR"); readers cache on the sum of them.
DATA_VERSION = "data_version"


def _country_counter(iso3: str) -> str:
    """The write counter of one country (`StoreBase._counter_names`)."""
    return f"{DATA_VERSION}:{iso3}"


class StaleVersion(Exception):
    """The record changed since the caller read it; nothing was written."""

    def __init__(self, what: str, seen: int, current: int, updated_by: str, updated_at: dt.datetime):
        self.what, self.seen, self.current, self.updated_by, self.updated_at = (
            what,
            seen,
            current,
            updated_by,
            updated_at,
        )
        super().__init__(
            Msg(
                "{what} was changed by {user} at {at} (now version {current}, your edit was based on "
                "version {seen}); nothing was written",
                what=what,
                user=updated_by,
                at=local_time(updated_at, seconds=True),
                current=current,
                seen=seen,
            )
        )


class ValidationFailed(Exception):
    """The edit would make the data invalid; each message is meant for the person who typed it."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("; ".join(messages))


def now() -> dt.datetime:
    """The time a write is stamped with. The parts of the store call it as `base.now()`, so one patch sets the clock
    of every part (tests/test_review_rules.py runs instances whose clocks are wrong)."""
    return dt.datetime.now(dt.UTC)


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: dt.datetime
    user: str
    iso3: str
    record: str
    field: str
    old: str | None
    new: str | None
    source: str

    @classmethod
    def from_row(cls, r: Any) -> AuditEntry:
        return cls(
            r["id"], _utc(r["at"]), r["user_name"], r["iso3"], r["record"], r["field"], r["old"], r["new"], r["source"]
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "user": self.user,
            "field": self.field,
            "old": self.old,
            "new": self.new,
            "source": self.source,
        }


class Locked(NamedTuple):
    """A country row locked for a write: its review state, and the key of its checked copy."""

    state: str
    check_key: tuple


def _check_key(iso3: Any) -> list[Any]:
    """What the checked copy of a country (`CountryStore._country_for_check`) is cached on, for `iso3` (a code,
    or the countries' column in a query of them): the seeding counter (seeding and refreshing replace details and
    provisions) with the count and the version sum of the country's provisions (a provision save adds one or
    raises a version; nothing else writes them)."""
    p = tables.provisions.c
    return [
        select(tables.counters.c.value).where(tables.counters.c.name == DATA_VERSION).scalar_subquery(),
        select(func.count()).select_from(tables.provisions).where(p.iso3 == iso3).scalar_subquery(),
        select(func.coalesce(func.sum(p.version), 0)).where(p.iso3 == iso3).scalar_subquery(),
    ]


AUDIT_COLUMNS = ("at", "user_name", "iso3", "record", "field", "old", "new", "source")


class WriteStatements:
    """The statements every write runs (the country locks, the audit rows, the draft marks, the counter bumps),
    built once per store with bound parameters. Building SQLAlchemy constructs on every save, and compiling the
    ones it cannot cache (any multi-row VALUES), cost more Python per save than the database spent on the save;
    PostgreSQL's audit rows and counter names therefore go as arrays (unnest), one cached statement whatever
    their number. The save's own statements: `assessments.SaveStatements`."""

    def __init__(self, postgresql: bool):
        c = tables.countries.c
        disabled = (
            select(tables.users.c.disabled).where(tables.users.c.name == bindparam("user_name")).scalar_subquery()
        )
        #: countries.iso3, review_state, whether the user is disabled, the check key; locked in ISO order
        # (PostgreSQL: an array, not IN with a list, which SQLAlchemy renders anew on every execution)
        codes = (
            c.iso3 == func.any(bindparam("codes", type_=ARRAY(String)))
            if postgresql
            else c.iso3.in_(bindparam("codes", expanding=True))
        )
        self.lock = (
            select(c.iso3, c.review_state, disabled, *_check_key(c.iso3))
            .where(codes)
            .order_by(c.iso3)
            .with_for_update(of=tables.countries)
        )
        upsert = pg_insert if postgresql else sqlite_insert
        self.bump = (
            upsert(tables.counters)
            .values(name=bindparam("counter"), value=1)
            .on_conflict_do_update(index_elements=[tables.counters.c.name], set_={"value": tables.counters.c.value + 1})
        )
        self.draft = (
            update(tables.countries)
            .where(c.iso3.in_(bindparam("drafts", expanding=True)))
            .values(review_state=ReviewState.draft.value)
        )
        self.audit = insert(tables.audit)
        if postgresql:
            rows = (
                func.unnest(*(bindparam(f"audit_{k}", type_=ARRAY(tables.audit.c[k].type)) for k in AUDIT_COLUMNS))
                .table_valued(*AUDIT_COLUMNS, with_ordinality="n")
                .render_derived(name="audit_rows")
            )
            bump = pg_insert(tables.counters).from_select(
                ["name", "value"], select(func.unnest(bindparam("names", type_=ARRAY(String))), literal(1))
            )
            bump = bump.on_conflict_do_update(
                index_elements=[tables.counters.c.name], set_={"value": tables.counters.c.value + 1}
            )
            draft = (
                update(tables.countries)
                .where(c.iso3 == func.any(bindparam("drafts", type_=ARRAY(String))))
                .values(review_state=ReviewState.draft.value)
            )
            #: audit rows (in order), draft marks and counter bumps of a write in one statement: the two others
            #: are data-modifying CTEs of the audit INSERT; each writes its own table and none reads another's
            self.record_changes = (
                insert(tables.audit)
                .from_select(list(AUDIT_COLUMNS), select(*(rows.c[k] for k in AUDIT_COLUMNS)).order_by(rows.c.n))
                .add_cte(bump.cte("bump"))
                .add_cte(draft.cte("draft"))
            )


class StoreBase:
    """The connection, the write transaction and what every write does besides its own rows."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.writer = writer(engine)
        # SQLite has one writer at a time. Threads of this process queue on a mutex instead of polling in
        # SQLite's busy handler, whose back-off sleeps (up to 100 ms) dominated p95 latency; other processes
        # still wait on the busy timeout. PostgreSQL needs no such queue.
        self._sqlite_writers = threading.Lock() if engine.dialect.name == "sqlite" else None
        self._postgresql = engine.dialect.name == "postgresql"
        self._upsert = pg_insert if self._postgresql else sqlite_insert  # INSERT ... ON CONFLICT, which both have
        self._sql = WriteStatements(self._postgresql)

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A write transaction (BEGIN IMMEDIATE on SQLite)."""
        if self._sqlite_writers is None:
            with self.writer.begin() as conn:
                yield conn
            return
        with self._sqlite_writers, self.writer.begin() as conn:
            yield conn

    # --------------------------------------------------------------------------------------- counters

    @staticmethod
    def _counter_names(countries: Iterable[str] = ()) -> list[str]:
        """Count every write, so readers can tell cheaply whether anything changed.

        A write to countries bumps one counter per country (`data_version:KOR`), taken under that country's row
        lock, so writers on different countries never queue on a shared counter row; other writes (seeding)
        bump `data_version`. `data_version()` is their sum, which grows with every write. A counter that does
        not exist yet is inserted at 1 (INSERT ... ON CONFLICT DO UPDATE)."""
        return [_country_counter(c) for c in sorted(set(countries))] or [DATA_VERSION]

    def _bump(self, conn: Connection, countries: Iterable[str] = ()) -> None:
        for name in self._counter_names(countries):
            conn.execute(self._sql.bump, {"counter": name})

    def data_version(self) -> int:
        with self.engine.connect() as conn:
            counter = tables.counters.c.name
            query = select(func.coalesce(func.sum(tables.counters.c.value), 0)).where(
                (counter == DATA_VERSION) | counter.like(f"{DATA_VERSION}:%")
            )
            return int(conn.execute(query).scalar_one())

    def country_codes(self) -> list[str]:
        with self.engine.connect() as conn:
            return list(conn.execute(select(tables.countries.c.iso3).order_by(tables.countries.c.iso3)).scalars())

    # ------------------------------------------------------------------------------------------ audit

    @staticmethod
    def _audit_rows(
        user: User, iso3: str, record: str, changes: list[tuple[str, Any, Any]], source: str, at: dt.datetime
    ) -> list[dict[str, Any]]:
        if source not in tuple(AuditSource):
            raise ValueError(f"unknown source {source!r}")
        return [
            {
                "at": at,
                "user_name": user.name,
                "iso3": iso3,
                "record": record,
                "field": f,
                "old": old,
                "new": new,
                "source": source,
            }
            for f, old, new in changes
            if old != new
        ]

    def _audit(
        self,
        conn: Connection,
        user: User,
        iso3: str,
        record: str,
        changes: list[tuple[str, Any, Any]],
        source: str,
        at: dt.datetime,
    ) -> None:
        rows = self._audit_rows(user, iso3, record, changes, source, at)
        if rows:
            conn.execute(self._sql.audit, rows)

    def _record_changes(
        self,
        conn: Connection,
        user: User,
        rows: list[dict[str, Any]],
        changed: Iterable[str],
        states: dict[str, str],
        source: str,
        at: dt.datetime,
    ) -> None:
        """What every write of `changed` countries carries besides its rows: the audit `rows`, the review state
        set back to draft (audited too) where `states` (read under the row lock) is not draft, and the bump of
        their write counters. On PostgreSQL one statement (`WriteStatements.record_changes`); else one each."""
        changed = sorted(set(changed))
        drafts = [c for c in changed if states.get(c) not in (None, ReviewState.draft)]
        rows = rows + [
            r
            for c in drafts
            for r in self._audit_rows(
                user, c, "country", [("review_state", states[c], ReviewState.draft.value)], source, at
            )
        ]
        if self._postgresql:
            params = {f"audit_{k}": [r[k] for r in rows] for k in AUDIT_COLUMNS}
            conn.execute(self._sql.record_changes, {**params, "names": self._counter_names(changed), "drafts": drafts})
            return
        if drafts:
            conn.execute(self._sql.draft, {"drafts": drafts})
        if rows:
            conn.execute(self._sql.audit, rows)
        self._bump(conn, changed)

    # ------------------------------------------------------------------------------------------ locks

    def _require_active(self, conn: Connection, user: User) -> None:
        """Refuse a write by a user an admin has disabled since the caller read the account."""
        user.require_active()
        if conn.execute(select(tables.users.c.disabled).where(tables.users.c.name == user.name)).scalar_one_or_none():
            raise PermissionDenied(Msg("{name} is disabled; an admin can enable the account again", name=user.name))

    def _lock_countries(self, conn: Connection, user: User, codes: Iterable[str]) -> dict[str, Locked]:
        """Lock the review rows of these countries for the rest of the transaction and return their states (and
        the key of their checked copy, see `CountryStore._country_for_check`); refuse a user an admin has
        disabled since the caller read the account. One statement: the write's first.

        Every write takes these locks first, so saves and review transitions of one country serialise: an
        approval cannot publish an edit that slipped in after it read the state, and a save marks draft the
        state the approval left. The rows are locked in ISO-code order, so writers that touch the same
        countries in another order queue instead of deadlocking. (PostgreSQL: SELECT ... FOR UPDATE; SQLite has
        one writer at a time already and ignores the clause.)"""
        wanted = sorted(set(codes))
        user.require_active()
        if not wanted:
            self._require_active(conn, user)
            return {}
        rows = conn.execute(self._sql.lock, {"user_name": user.name, "codes": wanted}).all()
        if not rows:  # none of them exists: the account is still checked first, as for any write
            self._require_active(conn, user)
        elif rows[0][2]:
            raise PermissionDenied(Msg("{name} is disabled; an admin can enable the account again", name=user.name))
        return {r[0]: Locked(r[1], tuple(r[3:])) for r in rows}
