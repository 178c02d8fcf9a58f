"""The working assessments in a database: versioned writes, an append-only audit log written in the same
transaction, review states, users and sessions. Every call checks the caller's role here, not in the UI.

Optimistic concurrency: each assessment, provision and country row has a version; a save names the version it
was based on and is applied with one conditional UPDATE (`... WHERE version = :seen`). If someone saved in
between, nothing is written and StaleVersion says who changed it and when.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pydantic import ValidationError
from sqlalchemy import Connection, Engine, String, bindparam, delete, func, insert, literal, or_, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from ..catalog import Catalog
from ..models import Country, ElementAssessment, Finding, Judgment, Provision, Treaty
from ..problems import field_path, validation_messages
from ..validators import Doc, TreatyIndex, check_country
from . import schema as t
from ..i18n import Msg
from ..vocab import AuditSource, ReviewState, local_time, review_word, role_word
from .auth import SYSTEM, PermissionDenied, Role, User, check_new_name, check_password, hash_password, name_key, normalise_name
from .db import make_engine, migrate, writer

SESSION_HOURS = 8
#: Sign-in throttling: failures within the window slow the next try down (doubling from the base delay, at most
#: 2 s); this many failures for one name, or four times as many from one client, lock it until the window passes.
SIGN_IN_WINDOW = dt.timedelta(minutes=15)
SIGN_IN_LOCK_AFTER = 5
#: Failures from one client count 1/4 as much towards its slowdown as failures for one name, and never lock.
SIGN_IN_CLIENT_FACTOR = 4
#: Password checks (argon2, 64 MiB each) running at once in this process; more wait, then are told to try again.
SIGN_IN_CHECKS = threading.BoundedSemaphore(int(os.environ.get("ASSESSMENT_SIGN_IN_CHECKS", "2")))
#: Name of the write counter (per country: "data_version:KOR"); readers cache on the sum of them.
DATA_VERSION = "data_version"


def _country_counter(iso3: str) -> str:
    """The write counter of one country (`Store._counter_names`)."""
    return f"{DATA_VERSION}:{iso3}"


class StaleVersion(Exception):
    """The record changed since the caller read it; nothing was written."""

    def __init__(self, what: str, seen: int, current: int, updated_by: str, updated_at: dt.datetime):
        self.what, self.seen, self.current, self.updated_by, self.updated_at = what, seen, current, updated_by, updated_at
        super().__init__(Msg(
            "{what} was changed by {user} at {at} (now version {current}, your edit was based on "
            "version {seen}); nothing was written", what=what, user=updated_by, at=local_time(updated_at, seconds=True), current=current, seen=seen))


class SignInLocked(Exception):
    """Too many failed sign-ins for this name or from this client; nothing was checked."""

    def __init__(self, until: dt.datetime):
        self.until = until
        super().__init__(Msg("too many failed sign-ins; try again after {until}", until=local_time(until)))


class SignInBusy(Exception):
    """Too many sign-ins are being checked at this moment; this one was not checked and not counted."""

    def __init__(self) -> None:
        super().__init__(Msg("too many sign-ins are being checked at once; try again in a moment"))


class ValidationFailed(Exception):
    """The edit would make the data invalid; each message is meant for the person who typed it."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("; ".join(messages))


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class AssessmentRecord:
    iso3: str
    element: str
    findings: tuple[Finding, ...]
    judgment: Judgment | None
    note: str | None
    version: int  # 0: never saved
    updated_by: str | None
    updated_at: dt.datetime | None
    changed: bool = True  # False: the save held what was saved already, so no version was written


@dataclass(frozen=True, slots=True)
class StoredAssessment:
    """A saved assessment as the bulk read returns it: the JSON documents as plain dicts (building 30,000
    pydantic objects costs about half a second; only rows an import changes become models)."""

    iso3: str
    element: str
    findings: list[dict] = field(default_factory=list)  # Finding documents: provision, extent, note, source, verified
    judgment: dict | None = None  # Judgment document or None
    note: str | None = None
    version: int | None = 0  # 0: never saved; None: from the approved (published) state, not importable
    updated_by: str | None = None
    updated_at: dt.datetime | None = None


@dataclass(frozen=True)
class AssessmentChange:
    """One element's new assessment, and the version it was based on (0: the element was never saved)."""

    iso3: str
    element: str
    findings: tuple[Finding, ...]
    judgment: Judgment | None
    note: str | None
    expected_version: int


@dataclass(frozen=True)
class ProvisionRecord:
    iso3: str
    provision: Provision
    version: int
    updated_by: str
    updated_at: dt.datetime
    changed: bool = True  # False: the save held what was saved already, so no version was written


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
        return cls(r["id"], _utc(r["at"]), r["user_name"], r["iso3"], r["record"], r["field"], r["old"], r["new"], r["source"])

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "user": self.user, "field": self.field, "old": self.old, "new": self.new, "source": self.source}


def _findings_json(findings: Iterable[Finding]) -> str:
    return json.dumps([f.model_dump(mode="json", exclude_none=True) for f in findings], ensure_ascii=False, sort_keys=True)


def _judgment_json(judgment: Judgment | None) -> str | None:
    return None if judgment is None else json.dumps(judgment.model_dump(mode="json", exclude_none=True), ensure_ascii=False, sort_keys=True)


def _meta_of(country: Country) -> str:
    return json.dumps(
        country.model_dump(mode="json", exclude={"iso3", "name", "provisions", "assessments"}, exclude_none=True),
        ensure_ascii=False,
    )


def _user_of(row: Any) -> User:
    return User(row["name"], Role(row["role"]), frozenset(c for c in row["countries"].split(",") if c), bool(row["disabled"]))


def _load_working(conn: Connection, iso3: str | None = None) -> dict[str, Country]:
    """Assemble Country documents from the rows (validated by the same model as the YAML files)."""
    cq, pq = select(t.countries).order_by(t.countries.c.iso3), select(t.provisions.c.iso3, t.provisions.c.document)
    aq = select(t.assessments.c.iso3, t.assessments.c.element, t.assessments.c.findings, t.assessments.c.judgment, t.assessments.c.note)
    if iso3 is not None:
        cq, pq, aq = cq.where(t.countries.c.iso3 == iso3), pq.where(t.provisions.c.iso3 == iso3), aq.where(t.assessments.c.iso3 == iso3)
    meta = conn.execute(cq).mappings().all()
    prov = conn.execute(pq.order_by(t.provisions.c.iso3, t.provisions.c.position)).all()
    assess = conn.execute(aq.order_by(t.assessments.c.iso3, t.assessments.c.position)).all()
    docs: dict[str, dict] = {m["iso3"]: {"iso3": m["iso3"], "name": m["name"], **json.loads(m["meta"]), "provisions": [], "assessments": []} for m in meta}
    for code, document in prov:
        docs[code]["provisions"].append(json.loads(document))
    for code, element, findings, judgment, note in assess:
        a: dict[str, Any] = {"element": element, "findings": json.loads(findings)}
        if judgment:
            a["judgment"] = json.loads(judgment)
        if note:
            a["note"] = note
        docs[code]["assessments"].append(a)
    return {code: Country.model_validate(d) for code, d in docs.items()}


#: The fields of an assessment a save writes and audits.
ASSESSMENT_FIELDS = ("findings", "judgment", "note")


class Locked(NamedTuple):
    """A country row locked for a write: its review state, and the key of its checked copy."""

    state: str
    check_key: tuple


def _check_key(iso3: Any) -> list[Any]:
    """What the checked copy of a country (`Store._country_for_check`) is cached on, for `iso3` (a code, or the
    countries' column in a query of them): the seeding counter (seeding and refreshing replace details and
    provisions) with the count and the version sum of the country's provisions (a provision save adds one or
    raises a version; nothing else writes them)."""
    p = t.provisions.c
    return [
        select(t.counters.c.value).where(t.counters.c.name == DATA_VERSION).scalar_subquery(),
        select(func.count()).select_from(t.provisions).where(p.iso3 == iso3).scalar_subquery(),
        select(func.coalesce(func.sum(p.version), 0)).where(p.iso3 == iso3).scalar_subquery(),
    ]


AUDIT_COLUMNS = ("at", "user_name", "iso3", "record", "field", "old", "new", "source")


class SaveStatements:
    """The statements of the save path, built once per store with bound parameters. Building SQLAlchemy
    constructs on every save, and compiling the ones it cannot cache (any multi-row VALUES), cost more Python
    per save than the database spent on the save; PostgreSQL's audit rows and counter names therefore go as
    arrays (unnest), one cached statement whatever their number."""

    def __init__(self, postgresql: bool):
        c, a = t.countries.c, t.assessments.c
        disabled = select(t.users.c.disabled).where(t.users.c.name == bindparam("user_name")).scalar_subquery()
        #: countries.iso3, review_state, whether the user is disabled, the check key; locked in ISO order
        # (PostgreSQL: an array, not IN with a list, which SQLAlchemy renders anew on every execution)
        codes = c.iso3 == func.any(bindparam("codes", type_=ARRAY(String))) if postgresql else c.iso3.in_(bindparam("codes", expanding=True))
        self.lock = (
            select(c.iso3, c.review_state, disabled, *_check_key(c.iso3))
            .where(codes)
            .order_by(c.iso3)
            .with_for_update(of=t.countries)
        )
        here = (a.iso3 == bindparam("at_iso3"), a.element == bindparam("at_element"))
        new = {f: bindparam(f"new_{f}", type_=a[f].type) for f in (*ASSESSMENT_FIELDS, "updated_by", "updated_at")}
        self.old_assessment = select(a.findings, a.judgment, a.note, a.version, a.updated_by, a.updated_at).where(*here)
        #: writes only at the expected version, and only when findings, judgment or note differ
        self.update_assessment = (
            update(t.assessments)
            .where(*here, a.version == bindparam("expected"), or_(*(a[f].is_distinct_from(new[f]) for f in ASSESSMENT_FIELDS)))
            .values(version=a.version + 1, **new)
        )
        upsert = pg_insert if postgresql else sqlite_insert
        self.bump = upsert(t.counters).values(name=bindparam("counter"), value=1).on_conflict_do_update(
            index_elements=[t.counters.c.name], set_={"value": t.counters.c.value + 1})
        self.draft = update(t.countries).where(c.iso3.in_(bindparam("drafts", expanding=True))).values(review_state=ReviewState.draft.value)
        self.audit = insert(t.audit)
        if postgresql:
            old = self.old_assessment.cte("old")
            written = self.update_assessment.returning(a.version).cte("written")
            #: the row as it was (a CTE beside the UPDATE: the same snapshot) and the version written, if any
            self.old_and_update = select(old, select(written.c.version).scalar_subquery().label("written"))
            rows = func.unnest(*(bindparam(f"audit_{k}", type_=ARRAY(t.audit.c[k].type)) for k in AUDIT_COLUMNS)).table_valued(
                *AUDIT_COLUMNS, with_ordinality="n").render_derived(name="audit_rows")
            bump = pg_insert(t.counters).from_select(["name", "value"], select(func.unnest(bindparam("names", type_=ARRAY(String))), literal(1)))
            bump = bump.on_conflict_do_update(index_elements=[t.counters.c.name], set_={"value": t.counters.c.value + 1})
            draft = update(t.countries).where(c.iso3 == func.any(bindparam("drafts", type_=ARRAY(String)))).values(review_state=ReviewState.draft.value)
            #: audit rows (in order), draft marks and counter bumps of a write in one statement: the two others
            #: are data-modifying CTEs of the audit INSERT; each writes its own table and none reads another's
            self.record_changes = (
                insert(t.audit)
                .from_select(list(AUDIT_COLUMNS), select(*(rows.c[k] for k in AUDIT_COLUMNS)).order_by(rows.c.n))
                .add_cte(bump.cte("bump"))
                .add_cte(draft.cte("draft"))
            )


class Store:
    """All reads and writes of working assessments. One instance per process; it is thread-safe."""

    def __init__(self, engine: Engine, treaties: Iterable[Treaty]):
        self.engine = engine
        self.writer = writer(engine)
        self.index = TreatyIndex.build(treaties)
        # SQLite has one writer at a time. Threads of this process queue on a mutex instead of polling in
        # SQLite's busy handler, whose back-off sleeps (up to 100 ms) dominated p95 latency; other processes
        # still wait on the busy timeout. PostgreSQL needs no such queue.
        self._sqlite_writers = threading.Lock() if engine.dialect.name == "sqlite" else None
        self._checked: dict[str, tuple[tuple, Country]] = {}  # iso3 -> (_check_key, _country_for_check)
        # iso3 -> (its write counters, its saved assessments): see saved_assessments
        self._saved: dict[str, tuple[tuple[int, int], dict[tuple[str, str], StoredAssessment]]] = {}
        self._saved_lock = threading.Lock()
        self._postgresql = engine.dialect.name == "postgresql"
        self._upsert = pg_insert if self._postgresql else sqlite_insert  # INSERT ... ON CONFLICT, which both have
        self._sql = SaveStatements(self._postgresql)

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A write transaction (BEGIN IMMEDIATE on SQLite)."""
        if self._sqlite_writers is None:
            with self.writer.begin() as conn:
                yield conn
            return
        with self._sqlite_writers, self.writer.begin() as conn:
            yield conn

    @classmethod
    def open(cls, catalog: Catalog, url: str | None = None, seed: bool = True) -> Store:
        """Connect, migrate to the newest schema, and seed an empty database from the shipped data."""
        store = cls(make_engine(url), catalog.treaties.values())
        migrate(store.engine)
        if seed:
            known = set(store.country_codes())
            new = [c for code, c in catalog.countries.items() if code not in known]
            if new:  # an empty database, or countries shipped since it was seeded
                store.seed(new)
            store.refresh_untouched([c for code, c in catalog.countries.items() if code in known])
        return store

    # ------------------------------------------------------------------------------------------ internals

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

    @staticmethod
    def _audit_rows(user: User, iso3: str, record: str, changes: list[tuple[str, Any, Any]], source: str, at: dt.datetime) -> list[dict[str, Any]]:
        if source not in tuple(AuditSource):
            raise ValueError(f"unknown source {source!r}")
        return [
            {"at": at, "user_name": user.name, "iso3": iso3, "record": record, "field": f, "old": old, "new": new, "source": source}
            for f, old, new in changes
            if old != new
        ]

    def _audit(self, conn: Connection, user: User, iso3: str, record: str, changes: list[tuple[str, Any, Any]], source: str, at: dt.datetime) -> None:
        rows = self._audit_rows(user, iso3, record, changes, source, at)
        if rows:
            conn.execute(self._sql.audit, rows)

    def _record_changes(self, conn: Connection, user: User, rows: list[dict[str, Any]], changed: Iterable[str], states: dict[str, str], source: str,
                        at: dt.datetime) -> None:
        """What every write of `changed` countries carries besides its rows: the audit `rows`, the review state
        set back to draft (audited too) where `states` (read under the row lock) is not draft, and the bump of
        their write counters. On PostgreSQL one statement (`SaveStatements.record_changes`); else one each."""
        changed = sorted(set(changed))
        drafts = [c for c in changed if states.get(c) not in (None, ReviewState.draft)]
        rows = rows + [r for c in drafts for r in self._audit_rows(user, c, "country", [("review_state", states[c], ReviewState.draft.value)], source, at)]
        if self._postgresql:
            params = {f"audit_{k}": [r[k] for r in rows] for k in AUDIT_COLUMNS}
            conn.execute(self._sql.record_changes, {**params, "names": self._counter_names(changed), "drafts": drafts})
            return
        if drafts:
            conn.execute(self._sql.draft, {"drafts": drafts})
        if rows:
            conn.execute(self._sql.audit, rows)
        self._bump(conn, changed)

    def _require_active(self, conn: Connection, user: User) -> None:
        """Refuse a write by a user an admin has disabled since the caller read the account."""
        user.require_active()
        if conn.execute(select(t.users.c.disabled).where(t.users.c.name == user.name)).scalar_one_or_none():
            raise PermissionDenied(Msg("{name} is disabled; an admin can enable the account again", name=user.name))

    def _lock_countries(self, conn: Connection, user: User, codes: Iterable[str]) -> dict[str, Locked]:
        """Lock the review rows of these countries for the rest of the transaction and return their states (and
        the key of their checked copy, see `_country_for_check`); refuse a user an admin has disabled since the
        caller read the account. One statement: the write's first.

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

    def _country_for_check(self, conn: Connection, iso3: str, key: tuple | None = None) -> tuple[tuple, Country]:
        """(its cache key, the country as the reference checks see it). Stored provisions were validated when
        written, so they are rebuilt without re-validation (the checks read only their ids and sources).

        Kept per country until its provisions or details may have changed, so a save need not read and rebuild
        every provision again (see `_check_key`). The key (read here unless the caller read it, as the lock
        does) is read before the rows, so a cached country is never older than its key."""
        if key is None:
            key = tuple(conn.execute(select(*_check_key(iso3))).one())
        cached = self._checked.get(iso3)
        if cached is not None and cached[0] == key:
            return cached
        row = conn.execute(select(t.countries.c.name, t.countries.c.meta).where(t.countries.c.iso3 == iso3)).one_or_none()
        if row is None:
            raise ValidationFailed([Msg("no country {iso} in the database", iso=iso3)])
        provisions = [Provision.model_construct(**json.loads(d)) for d in conn.execute(select(t.provisions.c.document).where(t.provisions.c.iso3 == iso3)).scalars()]
        country = Country.model_validate({"iso3": iso3, "name": row.name, **json.loads(row.meta)}).model_copy(update={"provisions": provisions})
        self._checked[iso3] = (key, country)
        return key, country

    def _problems(self, country: Country, new: ElementAssessment, many: bool) -> list[str]:
        """What is wrong with one element's new assessment in this country (prefixed with the element in a batch)."""
        try:
            self._check(country.model_copy(update={"assessments": [new]}))
        except ValidationFailed as exc:
            return [Msg("{iso} {element}: {problem}", iso=country.iso3, element=new.element, problem=m) if many else m for m in exc.messages]
        return []

    def _check(self, country: Country) -> None:
        issues = check_country(Doc(country.iso3, country), self.index, from_file=False)
        if issues:
            # an edit touches one record: name its fields, not its place in a whole country document
            def where(loc: tuple) -> str:
                return field_path(loc[2:]) if loc[:1] in (("assessments",), ("provisions",)) and len(loc) > 2 else field_path(loc)

            raise ValidationFailed([Msg("{field}: {reason}", field=where(i.loc), reason=i.reason) if where(i.loc) != "(document)" else i.reason
                                    for i in issues])

    # ------------------------------------------------------------------------------------------------ seed

    def seed(self, countries: Iterable[Country]) -> int:
        """Load shipped countries into an empty database, each as version 1 and as its first approved snapshot."""
        at = now()
        n = 0
        with self._write() as conn:
            for c in countries:
                conn.execute(insert(t.countries).values(iso3=c.iso3, name=c.name, meta=_meta_of(c), review_state=ReviewState.approved.value, version=1, updated_by="seed", updated_at=at))
                if c.provisions:
                    conn.execute(
                        insert(t.provisions),
                        [
                            {"iso3": c.iso3, "id": p.id, "position": i, "document": p.model_dump_json(exclude_none=True), "version": 1, "updated_by": "seed", "updated_at": at}
                            for i, p in enumerate(c.provisions)
                        ],
                    )
                if c.assessments:
                    conn.execute(
                        insert(t.assessments),
                        [
                            {
                                "iso3": c.iso3, "element": a.element, "position": i, "findings": _findings_json(a.findings),
                                "judgment": _judgment_json(a.judgment), "note": a.note, "version": 1, "updated_by": "seed", "updated_at": at,
                            }
                            for i, a in enumerate(c.assessments)
                        ],
                    )
                conn.execute(insert(t.snapshots).values(iso3=c.iso3, document=c.model_dump_json(exclude_none=True), approved_by="seed", approved_at=at))
                self._audit(conn, SYSTEM, c.iso3, "country", [("seed", None, f"data/countries/{c.iso3}.yaml")], AuditSource.seed, at)
                n += 1
            self._bump(conn)
        return n

    def refresh_untouched(self, countries: Iterable[Country]) -> list[str]:
        """Replace countries nobody has edited yet by their newer shipped research.

        A database seeded from an older release would otherwise keep showing the law as that release read it.
        A country that staff have changed (any audit row not written by the seed) is left alone: their work
        wins, and the newer research reaches it through review. Returns the codes refreshed."""
        with self.engine.connect() as conn:
            edited = set(conn.execute(select(t.audit.c.iso3).where(t.audit.c.source != "seed").distinct()).scalars())
            seeded = {
                r.iso3: r.document
                for r in conn.execute(
                    select(t.snapshots.c.iso3, t.snapshots.c.document)
                    .where(t.snapshots.c.id.in_(select(func.max(t.snapshots.c.id)).group_by(t.snapshots.c.iso3)))
                )
            }
        stale = [c for c in countries if c.iso3 not in edited and seeded.get(c.iso3) != c.model_dump_json(exclude_none=True)]
        if not stale:
            return []
        with self._write() as conn:
            for c in stale:
                conn.execute(delete(t.assessments).where(t.assessments.c.iso3 == c.iso3))
                conn.execute(delete(t.provisions).where(t.provisions.c.iso3 == c.iso3))
                conn.execute(delete(t.countries).where(t.countries.c.iso3 == c.iso3))
        self.seed(stale)
        return [c.iso3 for c in stale]

    # ----------------------------------------------------------------------------------------------- reads

    def data_version(self) -> int:
        with self.engine.connect() as conn:
            counter = t.counters.c.name
            query = select(func.coalesce(func.sum(t.counters.c.value), 0)).where((counter == DATA_VERSION) | counter.like(f"{DATA_VERSION}:%"))
            return int(conn.execute(query).scalar_one())

    def latest_change(self, iso3: str) -> AuditEntry | None:
        """The newest audit entry of a country (who changed it last, and when)."""
        with self.engine.connect() as conn:
            r = conn.execute(select(t.audit).where(t.audit.c.iso3 == iso3.upper()).order_by(t.audit.c.id.desc()).limit(1)).mappings().one_or_none()
        return None if r is None else AuditEntry.from_row(r)

    def last_approved_at(self, iso3: str) -> dt.datetime | None:
        """When the country was last approved (its seeding counts as the first approval)."""
        with self.engine.connect() as conn:
            at = conn.execute(select(func.max(t.snapshots.c.approved_at)).where(t.snapshots.c.iso3 == iso3.upper())).scalar_one_or_none()
        return None if at is None else _utc(at)

    def country_codes(self) -> list[str]:
        with self.engine.connect() as conn:
            return list(conn.execute(select(t.countries.c.iso3).order_by(t.countries.c.iso3)).scalars())

    def review_state(self, iso3: str) -> str:
        with self.engine.connect() as conn:
            state = conn.execute(select(t.countries.c.review_state).where(t.countries.c.iso3 == iso3.upper())).scalar_one_or_none()
        if state is None:
            raise KeyError(Msg("no country {iso} in the database", iso=iso3.upper()))
        return state

    def working_countries(self, user: User) -> dict[str, Country]:
        """The drafts everyone on the staff edits. Viewers may not read them."""
        if not user.can_read_drafts():
            raise PermissionDenied(Msg("{name} ({role}) may read only the approved assessments", name=user.name, role=role_word(user.role)))
        with self.engine.connect() as conn:
            return _load_working(conn)

    def published_countries(self) -> dict[str, Country]:
        """The latest approved snapshot of every country: what aides see."""
        latest = select(t.snapshots.c.iso3, func.max(t.snapshots.c.id).label("id")).group_by(t.snapshots.c.iso3).subquery()
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.snapshots.c.iso3, t.snapshots.c.document).join(latest, t.snapshots.c.id == latest.c.id)).all()
        return {iso3: Country.model_validate_json(doc) for iso3, doc in sorted(rows)}

    def countries_for(self, user: User | None) -> dict[str, Country]:
        return self.working_countries(user) if user is not None and user.can_read_drafts() else self.published_countries()

    def assessment(self, iso3: str, element: str) -> AssessmentRecord:
        iso3 = iso3.upper()
        if element not in self.index.elements:
            raise KeyError(Msg("unknown element {element}", element=element))
        with self.engine.connect() as conn:
            row = conn.execute(select(t.assessments).where(t.assessments.c.iso3 == iso3, t.assessments.c.element == element)).mappings().one_or_none()
            known = conn.execute(select(t.countries.c.iso3).where(t.countries.c.iso3 == iso3)).scalar_one_or_none()
        if known is None:
            raise KeyError(Msg("no country {iso} in the database", iso=iso3))
        if row is None:
            return AssessmentRecord(iso3, element, (), None, None, 0, None, None)
        return AssessmentRecord(
            iso3, element,
            tuple(Finding.model_validate(f) for f in json.loads(row["findings"])),
            Judgment.model_validate_json(row["judgment"]) if row["judgment"] else None,
            row["note"], row["version"], row["updated_by"], _utc(row["updated_at"]),
        )

    def saved_assessments(self, countries: Iterable[str]) -> dict[tuple[str, str], StoredAssessment]:
        """(iso3, element) -> the saved assessment with its version, for every saved element of `countries`. A
        workbook's editable values and its version column come from this one read, or an import could take an
        old value for the current version and undo a colleague's save.

        Each country's rows are cached on its write counters (`data_version:KOR` and the seeding counter, which
        every write to its assessments bumps in the same transaction). One query reads the counters, then one
        reads the rows of the countries whose counters moved. The counters are read first, so a cached copy is
        never older than its key: a save between the two reads only makes the next read fetch the rows again.
        An export followed by the import of the same workbook reads the rows once (0.3 s for 200 countries).
        The records are shared between callers: treat them as read-only."""
        codes = sorted({c.upper() for c in countries})
        if not codes:
            return {}
        a, c = t.assessments.c, t.counters.c
        names = {_country_counter(code): code for code in codes}
        with self.engine.connect() as conn:
            counters = dict(conn.execute(select(c.name, c.value).where(c.name.in_([DATA_VERSION, *names]))).all())
            keys = {code: (counters.get(DATA_VERSION, 0), counters.get(name, 0)) for name, code in names.items()}
            with self._saved_lock:
                cached = {code: self._saved[code][1] for code in codes if code in self._saved and self._saved[code][0] == keys[code]}
            stale = [code for code in codes if code not in cached]
            rows = conn.execute(
                select(a.iso3, a.element, a.findings, a.judgment, a.note, a.version, a.updated_by, a.updated_at).where(a.iso3.in_(stale))
            ).all() if stale else []
        fresh: dict[str, dict[tuple[str, str], StoredAssessment]] = {code: {} for code in stale}
        for iso3, element, findings, judgment, note, version, updated_by, updated_at in rows:
            fresh[iso3][(iso3, element)] = StoredAssessment(
                iso3, element, json.loads(findings), json.loads(judgment) if judgment else None, note or None, version, updated_by,
                None if updated_at is None else _utc(updated_at),
            )
        with self._saved_lock:
            for code, found in fresh.items():
                self._saved[code] = (keys[code], found)
        out: dict[tuple[str, str], StoredAssessment] = {}
        for code in codes:
            out.update(cached[code] if code in cached else fresh[code])
        return out

    def provisions(self, iso3: str) -> list[ProvisionRecord]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.provisions).where(t.provisions.c.iso3 == iso3.upper()).order_by(t.provisions.c.position)).mappings().all()
        return [ProvisionRecord(r["iso3"], Provision.model_validate_json(r["document"]), r["version"], r["updated_by"], _utc(r["updated_at"])) for r in rows]

    def history(self, iso3: str, record: str | None = None) -> list[AuditEntry]:
        q = select(t.audit).where(t.audit.c.iso3 == iso3.upper())
        if record is not None:
            q = q.where(t.audit.c.record == record)
        with self.engine.connect() as conn:
            rows = conn.execute(q.order_by(t.audit.c.id)).mappings().all()
        return [AuditEntry.from_row(r) for r in rows]

    def diff(self, iso3: str, since: dt.datetime, until: dt.datetime) -> list[dict[str, Any]]:
        """What changed in a country between two moments: per record and field, the value before and after."""
        out: dict[tuple[str, str], dict[str, Any]] = {}
        for e in self.history(iso3):
            if since <= e.at <= until and e.source != AuditSource.seed:
                key = (e.record, e.field)
                if key not in out:
                    out[key] = {"record": e.record, "field": e.field, "before": e.old, "after": e.new, "changes": 0, "users": []}
                out[key]["after"] = e.new
                out[key]["at"] = e.at
                out[key]["changes"] += 1
                if e.user not in out[key]["users"]:
                    out[key]["users"].append(e.user)
        return [d for d in out.values() if d["before"] != d["after"]]

    # ---------------------------------------------------------------------------------------------- writes

    def save_assessment(
        self,
        user: User,
        iso3: str,
        element: str,
        *,
        findings: Iterable[Finding],
        judgment: Judgment | None,
        note: str | None,
        expected_version: int,
        source: str = AuditSource.browser,
    ) -> AssessmentRecord:
        """Save one element's assessment if nobody saved it since `expected_version`; audit it in the same transaction."""
        change = AssessmentChange(iso3, element, tuple(findings), judgment, note, expected_version)
        return self.save_assessments(user, [change], source=source)[0]

    def save_assessments(self, user: User, changes: Sequence[AssessmentChange], *, source: str = AuditSource.browser) -> list[AssessmentRecord]:
        """Save several assessments all or nothing (an imported workbook): every change is validated first, then
        applied in one transaction; one stale version refuses the whole batch and nothing is written."""
        prepared: list[tuple[str, ElementAssessment, int]] = []
        problems: list[str] = []
        for change in changes:
            iso3 = change.iso3.upper()
            user.require_edit(iso3)
            try:
                new = ElementAssessment(element=change.element, findings=list(change.findings), judgment=change.judgment, note=change.note or None)
            except ValidationError as exc:
                problems += [Msg("{iso} {element}: {problem}", iso=iso3, element=change.element, problem=m) for m in validation_messages(exc, whole="assessment")]
                continue
            prepared.append((iso3, new, change.expected_version))
        # Validate before taking the write lock (WAL readers do not block writers), against the checked copy of
        # the country the last write kept (no read at all) or, when there is none or it refuses, against the
        # rows read now. The lock reads the copy's key again: if provisions or details changed meanwhile, the
        # edits are checked once more under the lock, so they are never written against an outdated check.
        many = len(changes) > 1
        found: dict[int, list[str]] = {}
        checked: dict[str, tuple] = {}  # iso3 -> key of the copy its edits were checked against
        for iso3 in dict.fromkeys(p[0] for p in prepared):
            mine = [i for i, p in enumerate(prepared) if p[0] == iso3]
            cached = self._checked.get(iso3)
            if cached is not None:
                checked[iso3] = cached[0]
                found.update((i, self._problems(cached[1], prepared[i][1], many)) for i in mine)
            if cached is None or any(found[i] for i in mine):  # the copy may predate a provision just added
                with self.engine.connect() as conn:
                    checked[iso3], country = self._country_for_check(conn, iso3)
                found.update((i, self._problems(country, prepared[i][1], many)) for i in mine)
        problems += [m for i in sorted(found) for m in found[i]]
        if problems:
            raise ValidationFailed(problems)
        at = now()
        records = []
        with self._write() as conn:
            locked = self._lock_countries(conn, user, checked)
            for iso3, key in checked.items():
                if iso3 not in locked:
                    raise ValidationFailed([Msg("no country {iso} in the database", iso=iso3)])
                if locked[iso3].check_key != key:
                    _, country = self._country_for_check(conn, iso3, locked[iso3].check_key)
                    again = [m for code, new, _ in prepared if code == iso3 for m in self._problems(country, new, many)]
                    if again:
                        raise ValidationFailed(again)
            states = {code: lock.state for code, lock in locked.items()}
            rows: list[dict[str, Any]] = []
            for iso3, new, expected_version in prepared:
                record, audit = self._write_assessment(conn, user, iso3, new, expected_version, source, at)
                records.append(record)
                rows += audit
            changed = sorted({r.iso3 for r in records if r.changed})
            if changed:
                self._record_changes(conn, user, rows, changed, states, source, at)
        return records

    def _write_assessment(self, conn: Connection, user: User, iso3: str, new: ElementAssessment, expected_version: int, source: str,
                          at: dt.datetime) -> tuple[AssessmentRecord, list[dict[str, Any]]]:
        """Write one element (the caller holds its country's row lock); returns the record and its audit rows."""
        element = new.element
        values = {"findings": _findings_json(new.findings), "judgment": _judgment_json(new.judgment), "note": new.note, "updated_by": user.name, "updated_at": at}
        old, written = self._update_assessment(conn, iso3, element, values, expected_version)
        if old is None and expected_version == 0 and (values["findings"], values["judgment"], values["note"]) == ("[]", None, None):
            return AssessmentRecord(iso3, element, (), None, None, 0, None, None, changed=False), []  # nothing typed: nothing to save
        if old is not None and not written and old["version"] == expected_version and all(old[f] == values[f] for f in ASSESSMENT_FIELDS):
            # A save that changes nothing writes no version: colleagues would get false "saved after you opened it" warnings.
            return AssessmentRecord(iso3, element, tuple(new.findings), new.judgment, new.note, old["version"], old["updated_by"],
                                    _utc(old["updated_at"]), changed=False), []
        if old is None:
            if expected_version != 0:
                raise StaleVersion(f"{iso3} {element}", expected_version, 0, "nobody", at)
            self._insert_assessment(conn, iso3, element, values)
            before: dict[str, Any] = {"findings": "[]", "judgment": None, "note": None}
        elif not written:
            raise StaleVersion(f"{iso3} {element}", expected_version, old["version"], old["updated_by"], _utc(old["updated_at"]))
        else:
            before = dict(old)
        rows = self._audit_rows(user, iso3, element, [(f, before[f], values[f]) for f in ASSESSMENT_FIELDS], source, at)
        version = 1 if old is None else expected_version + 1
        return AssessmentRecord(iso3, element, tuple(new.findings), new.judgment, new.note, version, user.name, at), rows

    def _update_assessment(self, conn: Connection, iso3: str, element: str, values: dict[str, Any], expected_version: int) -> tuple[Any, bool]:
        """(the element's row as it was, or None; whether it was updated to `values`). The conditional UPDATE
        writes only at `expected_version` and only when findings, judgment or note differ, so a stale or
        unchanged save writes nothing. PostgreSQL: one statement, the row as it was read by a CTE beside the
        UPDATE (the same snapshot; under the country's row lock no other save writes the row); else a read,
        then the UPDATE if the read says it applies."""
        params = {"at_iso3": iso3, "at_element": element, "expected": expected_version, **{f"new_{k}": v for k, v in values.items()}}
        if self._postgresql:
            row = conn.execute(self._sql.old_and_update, params).mappings().one_or_none()
            return row, row is not None and row["written"] is not None
        row = conn.execute(self._sql.old_assessment, params).mappings().one_or_none()
        if row is None or row["version"] != expected_version or all(row[f] == values[f] for f in ASSESSMENT_FIELDS):
            return row, False
        return row, conn.execute(self._sql.update_assessment, params).rowcount == 1

    def _insert_assessment(self, conn: Connection, iso3: str, element: str, values: dict[str, Any]) -> None:
        """The first save of an element, at the end of its country's list, in one statement. If the row exists
        after all (a writer that took no country lock), nothing is written and StaleVersion names its author."""
        a = t.assessments.c
        position = select(func.coalesce(func.max(a.position), -1) + 1).where(a.iso3 == iso3).scalar_subquery()
        stmt = self._upsert(t.assessments).values(iso3=iso3, element=element, position=position, version=1, **values)
        if conn.execute(stmt.on_conflict_do_nothing(index_elements=[a.iso3, a.element]).returning(a.version)).first() is None:
            current = conn.execute(select(t.assessments).where(a.iso3 == iso3, a.element == element)).mappings().one()
            raise StaleVersion(f"{iso3} {element}", 0, current["version"], current["updated_by"], _utc(current["updated_at"]))

    def save_provision(self, user: User, iso3: str, provision: Provision, *, expected_version: int, source: str = AuditSource.browser,
                       law_review: str | None = None) -> ProvisionRecord:
        """Create (expected_version 0) or change a provision or bill, e.g. record that a bill came into force.
        `law_review` ('holds' or 'changed'): a reviewer read a change of the law behind it (audited beside the save)."""
        iso3 = iso3.upper()
        user.require_edit(iso3)
        if law_review is not None:
            user.require_review()
        at = now()
        document = provision.model_dump_json(exclude_none=True)
        with self._write() as conn:
            locked = self._lock_countries(conn, user, [iso3])
            states = {code: lock.state for code, lock in locked.items()}
            _, country = self._country_for_check(conn, iso3, locked[iso3].check_key if iso3 in locked else None)
            others = [p for p in country.provisions if p.id != provision.id]
            self._check(country.model_copy(update={"provisions": [*others, provision]}))
            old = conn.execute(select(t.provisions).where(t.provisions.c.iso3 == iso3, t.provisions.c.id == provision.id)).mappings().one_or_none()
            if old is not None and old["version"] == expected_version and old["document"] == document:
                return ProvisionRecord(iso3, provision, old["version"], old["updated_by"], _utc(old["updated_at"]), changed=False)
            if old is None:
                if expected_version != 0:
                    raise StaleVersion(provision.id, expected_version, 0, "nobody", at)
                position = conn.execute(select(func.coalesce(func.max(t.provisions.c.position), -1) + 1).where(t.provisions.c.iso3 == iso3)).scalar_one()
                try:
                    with conn.begin_nested():
                        conn.execute(insert(t.provisions).values(iso3=iso3, id=provision.id, position=position, document=document, version=1, updated_by=user.name, updated_at=at))
                except IntegrityError:
                    current = conn.execute(select(t.provisions).where(t.provisions.c.iso3 == iso3, t.provisions.c.id == provision.id)).mappings().one()
                    raise StaleVersion(provision.id, 0, current["version"], current["updated_by"], _utc(current["updated_at"])) from None
                old_doc = None
            else:
                done = conn.execute(
                    update(t.provisions)
                    .where(t.provisions.c.iso3 == iso3, t.provisions.c.id == provision.id, t.provisions.c.version == expected_version)
                    .values(document=document, version=t.provisions.c.version + 1, updated_by=user.name, updated_at=at)
                )
                if done.rowcount != 1:
                    raise StaleVersion(provision.id, expected_version, old["version"], old["updated_by"], _utc(old["updated_at"]))
                old_doc = old["document"]
            changes = [("provision", old_doc, document)] + ([("law_review", None, law_review)] if law_review is not None else [])
            rows = self._audit_rows(user, iso3, provision.id, changes, source, at)
            self._record_changes(conn, user, rows, [iso3], states, source, at)
        return next(p for p in self.provisions(iso3) if p.provision.id == provision.id)

    def restore(self, user: User, entry_id: int, *, expected_version: int) -> AssessmentRecord:
        """Put back the value a field had before audit entry `entry_id`, as a new audited save."""
        with self.engine.connect() as conn:
            row = conn.execute(select(t.audit).where(t.audit.c.id == entry_id)).mappings().one_or_none()
        if row is None or row["field"] not in ("findings", "judgment", "note"):
            raise KeyError(Msg("audit entry {entry} is not a change of an element's findings, judgment or note", entry=entry_id))
        current = self.assessment(row["iso3"], row["record"])
        value = row["old"]
        findings, judgment, note = current.findings, current.judgment, current.note
        if row["field"] == "findings":
            findings = tuple(Finding.model_validate(f) for f in json.loads(value or "[]"))
        elif row["field"] == "judgment":
            judgment = Judgment.model_validate_json(value) if value else None
        else:
            note = value
        return self.save_assessment(user, row["iso3"], row["record"], findings=findings, judgment=judgment, note=note, expected_version=expected_version, source=AuditSource.restore)

    # ---------------------------------------------------------------------------------------------- review

    def _set_state(self, user: User, iso3: str, allowed_from: tuple[ReviewState, ...], to: ReviewState, source: str, comment: str | None = None) -> None:
        iso3 = iso3.upper()
        at = now()
        with self._write() as conn:
            lock = self._lock_countries(conn, user, [iso3]).get(iso3)
            state = None if lock is None else lock.state
            if state is None:
                raise KeyError(Msg("no country {iso} in the database", iso=iso3))
            if state not in allowed_from:
                needed = review_word(allowed_from[0]) if len(allowed_from) == 1 else Msg.word(" or ".join(allowed_from), " / ".join(allowed_from))
                raise ValidationFailed([Msg("{iso} is '{state}'; this step needs it to be {needed}", iso=iso3, state=review_word(state), needed=needed)])
            if to == ReviewState.approved:
                self._require_second_person(conn, user, iso3)
            conn.execute(update(t.countries).where(t.countries.c.iso3 == iso3).values(review_state=to.value, updated_by=user.name, updated_at=at))
            self._audit(conn, user, iso3, "country", [("review_state", state, to.value)], source, at)
            if comment:
                self._audit(conn, user, iso3, "country", [("review_comment", None, comment)], source, at)
            if to == ReviewState.approved:  # publish exactly what was approved, in the same transaction
                country = _load_working(conn, iso3)[iso3]
                conn.execute(insert(t.snapshots).values(iso3=iso3, document=country.model_dump_json(exclude_none=True), approved_by=user.name, approved_at=at))
            self._bump(conn, [iso3])

    def _require_second_person(self, conn: Connection, user: User, iso3: str) -> None:
        """Approval needs a second person: the reviewer may not approve edits of their own made since the last
        approval (state changes do not count).

        "Since" is the order of the audit rows, never their times: every write of a country inserts its rows
        while it holds the country's lock, which the caller holds now, so a later id is a later write on every
        backend. A time is read from the writing instance's clock before it waits for the lock: an edit that
        read its clock before an approval and committed after it, or one from an instance whose clock runs
        slow, would look older than the approval it followed."""
        a = t.audit.c
        approved = (a.field == "review_state") & (a.new == ReviewState.approved.value)
        last = conn.execute(select(func.max(a.id)).where(a.iso3 == iso3, approved | (a.field == "seed"))).scalar_one_or_none()
        q = select(func.count()).select_from(t.audit).where(a.iso3 == iso3, a.user_name == user.name, a.record != "country")
        if last is not None:
            q = q.where(a.id > last)
        if conn.execute(q).scalar_one():
            raise PermissionDenied(Msg("{name} edited {iso} since its last approval; another reviewer must approve it", name=user.name, iso=iso3))

    def submit_for_review(self, user: User, iso3: str, source: str = AuditSource.browser, comment: str | None = None) -> None:
        user.require_edit(iso3)
        self._set_state(user, iso3, (ReviewState.draft,), ReviewState.in_review, source, comment)

    def approve(self, user: User, iso3: str, source: str = AuditSource.browser, comment: str | None = None) -> None:
        user.require_review()
        self._set_state(user, iso3, (ReviewState.in_review,), ReviewState.approved, source, comment)

    def send_back(self, user: User, iso3: str, source: str = AuditSource.browser, comment: str | None = None) -> None:
        user.require_review()
        self._set_state(user, iso3, (ReviewState.in_review,), ReviewState.draft, source, comment)

    # ----------------------------------------------------------------------------------------------- users

    def add_user(self, actor: User, name: str, role: Role | str, password: str, countries: Iterable[str] = ()) -> User:
        """Add a user. The name may not be reserved, nor the same as an existing one once both are compared by
        `name_key` (NFKC, case folded): 'Admin1' beside 'admin1' would be two people no one can tell apart."""
        actor.require_admin()
        role = Role(role)
        try:
            name = check_new_name(name)
        except ValueError as exc:
            raise ValidationFailed([exc.args[0] if exc.args else str(exc)]) from None
        codes = self._country_list(countries)
        password_hash = hash_password(password)  # before the write lock: a check costs 64 MiB and a tenth of a second
        key = name_key(name)
        with self._write() as conn:
            self._require_active(conn, actor)
            if self._postgresql:  # one adder of users at a time across instances; SQLite's BEGIN IMMEDIATE already is one
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('add-user'))"))
            same = next((n for n in conn.execute(select(t.users.c.name)).scalars() if name_key(n) == key), None)
            if same is not None:
                raise ValidationFailed([Msg("a user named {name!r} exists already", name=same)])
            try:
                with conn.begin_nested():
                    conn.execute(insert(t.users).values(name=name, role=role.value, countries=",".join(codes), password_hash=password_hash, created_at=now()))
            except IntegrityError:
                raise ValidationFailed([Msg("a user named {name!r} exists already", name=name)]) from None
        return User(name, role, frozenset(codes))

    def _country_list(self, countries: Iterable[str]) -> list[str]:
        """The ISO3 codes an editor may edit, checked against the database (ValidationFailed names the unknown)."""
        codes = sorted({c.strip().upper() for c in countries if c.strip()})
        known_codes = set(self.country_codes())
        unknown = [c for c in codes if c not in known_codes]
        if unknown:
            known = ", ".join(self.country_codes())
            raise ValidationFailed([Msg("{codes}: not the ISO 3166-1 alpha-3 code of a country in the database (known: {known}); separate codes with "
                                        "commas", codes=", ".join(repr(c) for c in unknown), known=known)])
        return codes

    def _user_row(self, conn: Connection, name: str) -> Any:
        row = conn.execute(select(t.users).where(t.users.c.name == normalise_name(name))).mappings().one_or_none()
        if row is None:
            raise KeyError(Msg("no user named {name!r}", name=normalise_name(name)))
        return row

    def update_user(self, actor: User, name: str, *, role: Role | str | None = None, countries: Iterable[str] | None = None,
                    password: str | None = None) -> User:
        """Change a user's role, countries or password (None leaves it). A new password ends their sessions."""
        actor.require_admin()
        values: dict[str, Any] = {}
        if role is not None:
            values["role"] = Role(role).value
        if countries is not None:
            values["countries"] = ",".join(self._country_list(countries))
        if password is not None:
            try:
                values["password_hash"] = hash_password(password)
            except ValueError as exc:
                raise ValidationFailed([exc.args[0] if exc.args else str(exc)]) from None
        with self._write() as conn:
            self._require_active(conn, actor)
            row = self._user_row(conn, name)
            if values:
                conn.execute(update(t.users).where(t.users.c.name == row["name"]).values(**values))
            if password is not None:
                conn.execute(delete(t.sessions).where(t.sessions.c.user_name == row["name"]))
            return _user_of(self._user_row(conn, row["name"]))

    def set_disabled(self, actor: User, name: str, disabled: bool) -> User:
        """Disable (every session ends at once, every write is refused) or enable a user. An admin cannot
        disable their own account, so there is always someone left to enable it again."""
        actor.require_admin()
        with self._write() as conn:
            self._require_active(conn, actor)
            row = self._user_row(conn, name)
            if disabled and row["name"] == actor.name:
                raise ValidationFailed([Msg("{name} may not disable their own account; ask another admin", name=actor.name)])
            conn.execute(update(t.users).where(t.users.c.name == row["name"]).values(disabled=disabled))
            if disabled:
                conn.execute(delete(t.sessions).where(t.sessions.c.user_name == row["name"]))
            return _user_of(self._user_row(conn, row["name"]))

    def user(self, name: str) -> User | None:
        name = normalise_name(name)
        with self.engine.connect() as conn:
            row = conn.execute(select(t.users).where(t.users.c.name == name)).mappings().one_or_none()
        return None if row is None else _user_of(row)

    def users(self, actor: User) -> list[User]:
        actor.require_admin()
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.users).order_by(t.users.c.name)).mappings().all()
        return [_user_of(r) for r in rows]

    #: Base of the slowdown after a failed sign-in, in seconds (tests set it to 0).
    sign_in_delay = 0.25
    #: How long a sign-in waits for one of the password-check places before it is told to try again.
    sign_in_wait = 5.0

    def _recent_failures(self, conn: Connection, column: Any, value: str, at: dt.datetime) -> list[dt.datetime]:
        """Times of the failed (or still unfinished) sign-ins for this name or client in the window, since its
        last success."""
        a = t.sign_in_attempts
        last_ok = conn.execute(select(func.max(a.c.at)).where(column == value, a.c.ok.is_(True))).scalar_one_or_none()
        since = max(at - SIGN_IN_WINDOW, _utc(last_ok)) if last_ok is not None else at - SIGN_IN_WINDOW
        return [_utc(x) for x in conn.execute(select(a.c.at).where(column == value, a.c.ok.is_(False), a.c.at >= since).order_by(a.c.at)).scalars()]

    def _admit_sign_in(self, name: str, client: str) -> tuple[int, int]:
        """Decide and record in one transaction, before any password is checked: the attempt is written as a
        failure at once (made a success only if the password then matches), so parallel attempts for one name
        see each other and at most SIGN_IN_LOCK_AFTER of them are ever checked. Returns (the attempt's row id,
        recent failures for the slowdown); SignInLocked when the name is locked. The client only slows down: a
        shared address (a reverse proxy) must never lock out a person who types the right password."""
        a = t.sign_in_attempts
        with self._write() as conn:
            if self._postgresql:  # one gate per name across instances; SQLite's BEGIN IMMEDIATE already is one
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": "sign-in:" + name})
            at = now()
            by_name = self._recent_failures(conn, a.c.user_name, name, at)
            by_client = self._recent_failures(conn, a.c.client, client, at)
            attempt = conn.execute(insert(a).values(at=at, user_name=name, client=client, ok=False).returning(a.c.id)).scalar_one()
        if len(by_name) >= SIGN_IN_LOCK_AFTER:
            raise SignInLocked(by_name[-SIGN_IN_LOCK_AFTER] + SIGN_IN_WINDOW)
        return attempt, max(len(by_name), len(by_client) // SIGN_IN_CLIENT_FACTOR)

    def authenticate(self, name: str, password: str, client: str = "unknown") -> User | None:
        """The user when name and password match, else None. Every attempt is recorded before the password is
        checked; failures slow the next try for that name and client, and enough of them for one name lock it
        for a while (SignInLocked). At most `sign_in_checks` password checks (64 MiB of memory each) run at
        once in this process; beyond that the answer is SignInBusy, unrecorded. An unknown name costs a
        password check like a known one, so the time to answer does not reveal which names exist."""
        name, client = normalise_name(name)[:100], client[:100]
        attempt, failures = self._admit_sign_in(name, client)
        a = t.sign_in_attempts
        if failures and self.sign_in_delay:
            time.sleep(min(self.sign_in_delay * 2 ** (failures - 1), 2.0))
        if not SIGN_IN_CHECKS.acquire(timeout=self.sign_in_wait):
            with self._write() as conn:  # not checked, so not a failure: the person may simply try again
                conn.execute(delete(a).where(a.c.id == attempt))
            raise SignInBusy()
        try:
            with self.engine.connect() as conn:
                stored = conn.execute(select(t.users.c.password_hash).where(t.users.c.name == name)).scalar_one_or_none()
            ok = check_password(stored, password)
        finally:
            SIGN_IN_CHECKS.release()
        user = self.user(name) if ok else None
        if user is not None and user.disabled:
            user, ok = None, False  # the same answer as a wrong password: a disabled account reveals nothing
        if ok:
            with self._write() as conn:
                conn.execute(update(a).where(a.c.id == attempt).values(ok=True))
        return user

    def sign_in_attempts(self, name: str) -> list[tuple[dt.datetime, str, bool]]:
        """(when, client, succeeded) of every sign-in attempt under this name: the audit of sign-ins."""
        a = t.sign_in_attempts
        with self.engine.connect() as conn:
            rows = conn.execute(select(a.c.at, a.c.client, a.c.ok).where(a.c.user_name == normalise_name(name)).order_by(a.c.id)).all()
        return [(_utc(at), client, ok) for at, client, ok in rows]

    def start_session(self, user: User, hours: float = SESSION_HOURS) -> str:
        user.require_active()
        token = secrets.token_urlsafe(32)
        with self._write() as conn:
            conn.execute(insert(t.sessions).values(token=token, user_name=user.name, expires_at=now() + dt.timedelta(hours=hours)))
        return token

    def session_user(self, token: str | None) -> User | None:
        """The user of a live session; None when the token is unknown or expired."""
        if not token:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(t.sessions).where(t.sessions.c.token == token)).mappings().one_or_none()
        if row is None or _utc(row["expires_at"]) <= now():
            return None
        user = self.user(row["user_name"])
        return None if user is None or user.disabled else user

    def end_session(self, token: str) -> None:
        with self._write() as conn:
            conn.execute(delete(t.sessions).where(t.sessions.c.token == token))
