"""Users, their sessions and sign-in limits in the database. Every call checks the caller's role here, not in the
UI. A sign-in is admitted and recorded before any password is checked (`_admit_sign_in`), so parallel guesses
see each other; at most SIGN_IN_CHECKS password checks run at once in a process. Single sign-on maps an
identity's e-mail to the enabled user of that name (`identity_user`)."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import threading
import time
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from ..i18n import Msg
from ..vocab import local_time
from . import base
from . import schema as tables
from .auth import Role, User, check_new_name, check_password, hash_password, name_key, normalise_name
from .base import StoreBase, ValidationFailed, _utc

SESSION_HOURS = 8
#: Sign-in throttling: failures within the window slow the next try down (doubling from the base delay, at most
#: 2 s); this many failures for one name, or four times as many from one client, lock it until the window passes.
SIGN_IN_WINDOW = dt.timedelta(minutes=15)
SIGN_IN_LOCK_AFTER = 5
#: Failures from one client count 1/4 as much towards its slowdown as failures for one name, and never lock.
SIGN_IN_CLIENT_FACTOR = 4
#: Password checks (argon2, 64 MiB each) running at once in this process; more wait, then are told to try again.
SIGN_IN_CHECKS = threading.BoundedSemaphore(int(os.environ.get("ASSESSMENT_SIGN_IN_CHECKS", "2")))


class SignInLocked(Exception):
    """Too many failed sign-ins for this name or from this client; nothing was checked."""

    def __init__(self, until: dt.datetime):
        self.until = until
        super().__init__(Msg("too many failed sign-ins; try again after {until}", until=local_time(until)))


class SignInBusy(Exception):
    """Too many sign-ins are being checked at this moment; this one was not checked and not counted."""

    def __init__(self) -> None:
        super().__init__(Msg("too many sign-ins are being checked at once; try again in a moment"))


def _user_of(row: Any) -> User:
    return User(
        row["name"], Role(row["role"]), frozenset(c for c in row["countries"].split(",") if c), bool(row["disabled"])
    )


class UserStore(StoreBase):
    """Users (added, changed, disabled by admins), sign-ins and sessions."""

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
            if (
                self._postgresql
            ):  # one adder of users at a time across instances; SQLite's BEGIN IMMEDIATE already is one
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('add-user'))"))
            same = next((n for n in conn.execute(select(tables.users.c.name)).scalars() if name_key(n) == key), None)
            if same is not None:
                raise ValidationFailed([Msg("a user named {name!r} exists already", name=same)])
            try:
                with conn.begin_nested():
                    conn.execute(
                        insert(tables.users).values(
                            name=name,
                            role=role.value,
                            countries=",".join(codes),
                            password_hash=password_hash,
                            created_at=base.now(),
                        )
                    )
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
            raise ValidationFailed(
                [
                    Msg(
                        "{codes}: not the ISO 3166-1 alpha-3 code of a country in the database (known: {known}); separate codes with "
                        "commas",
                        codes=", ".join(repr(c) for c in unknown),
                        known=known,
                    )
                ]
            )
        return codes

    def _user_row(self, conn: Connection, name: str) -> Any:
        row = (
            conn.execute(select(tables.users).where(tables.users.c.name == normalise_name(name)))
            .mappings()
            .one_or_none()
        )
        if row is None:
            raise KeyError(Msg("no user named {name!r}", name=normalise_name(name)))
        return row

    def update_user(
        self,
        actor: User,
        name: str,
        *,
        role: Role | str | None = None,
        countries: Iterable[str] | None = None,
        password: str | None = None,
    ) -> User:
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
                conn.execute(update(tables.users).where(tables.users.c.name == row["name"]).values(**values))
            if password is not None:
                conn.execute(delete(tables.sessions).where(tables.sessions.c.user_name == row["name"]))
            return _user_of(self._user_row(conn, row["name"]))

    def set_disabled(self, actor: User, name: str, disabled: bool) -> User:
        """Disable (every session ends at once, every write is refused) or enable a user. An admin cannot
        disable their own account, so there is always someone left to enable it again."""
        actor.require_admin()
        with self._write() as conn:
            self._require_active(conn, actor)
            row = self._user_row(conn, name)
            if disabled and row["name"] == actor.name:
                raise ValidationFailed(
                    [Msg("{name} may not disable their own account; ask another admin", name=actor.name)]
                )
            conn.execute(update(tables.users).where(tables.users.c.name == row["name"]).values(disabled=disabled))
            if disabled:
                conn.execute(delete(tables.sessions).where(tables.sessions.c.user_name == row["name"]))
            return _user_of(self._user_row(conn, row["name"]))

    def user(self, name: str) -> User | None:
        name = normalise_name(name)
        with self.engine.connect() as conn:
            row = conn.execute(select(tables.users).where(tables.users.c.name == name)).mappings().one_or_none()
        return None if row is None else _user_of(row)

    def identity_user(self, email: str) -> User | None:
        """The user a single sign-on identity is: the enabled user named as the identity's e-mail, else None (a
        disabled account answers as an unknown one)."""
        user = self.user(email)
        return None if user is None or user.disabled else user

    def users(self, actor: User) -> list[User]:
        actor.require_admin()
        with self.engine.connect() as conn:
            rows = conn.execute(select(tables.users).order_by(tables.users.c.name)).mappings().all()
        return [_user_of(r) for r in rows]

    # ------------------------------------------------------------------------------------------------- sign-in

    #: Base of the slowdown after a failed sign-in, in seconds (tests set it to 0).
    sign_in_delay = 0.25
    #: How long a sign-in waits for one of the password-check places before it is told to try again.
    sign_in_wait = 5.0

    def _recent_failures(self, conn: Connection, column: Any, value: str, at: dt.datetime) -> list[dt.datetime]:
        """Times of the failed (or still unfinished) sign-ins for this name or client in the window, since its
        last success."""
        a = tables.sign_in_attempts
        last_ok = conn.execute(select(func.max(a.c.at)).where(column == value, a.c.ok.is_(True))).scalar_one_or_none()
        since = max(at - SIGN_IN_WINDOW, _utc(last_ok)) if last_ok is not None else at - SIGN_IN_WINDOW
        return [
            _utc(x)
            for x in conn.execute(
                select(a.c.at).where(column == value, a.c.ok.is_(False), a.c.at >= since).order_by(a.c.at)
            ).scalars()
        ]

    def _admit_sign_in(self, name: str, client: str) -> tuple[int, int]:
        """Decide and record in one transaction, before any password is checked: the attempt is written as a
        failure at once (made a success only if the password then matches), so parallel attempts for one name
        see each other and at most SIGN_IN_LOCK_AFTER of them are ever checked. Returns (the attempt's row id,
        recent failures for the slowdown); SignInLocked when the name is locked. The client only slows down: a
        shared address (a reverse proxy) must never lock out a person who types the right password."""
        a = tables.sign_in_attempts
        with self._write() as conn:
            if self._postgresql:  # one gate per name across instances; SQLite's BEGIN IMMEDIATE already is one
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": "sign-in:" + name})
            at = base.now()
            by_name = self._recent_failures(conn, a.c.user_name, name, at)
            by_client = self._recent_failures(conn, a.c.client, client, at)
            attempt = conn.execute(
                insert(a).values(at=at, user_name=name, client=client, ok=False).returning(a.c.id)
            ).scalar_one()
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
        a = tables.sign_in_attempts
        if failures and self.sign_in_delay:
            time.sleep(min(self.sign_in_delay * 2 ** (failures - 1), 2.0))
        if not SIGN_IN_CHECKS.acquire(timeout=self.sign_in_wait):
            with self._write() as conn:  # not checked, so not a failure: the person may simply try again
                conn.execute(delete(a).where(a.c.id == attempt))
            raise SignInBusy()
        try:
            with self.engine.connect() as conn:
                stored = conn.execute(
                    select(tables.users.c.password_hash).where(tables.users.c.name == name)
                ).scalar_one_or_none()
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
        a = tables.sign_in_attempts
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(a.c.at, a.c.client, a.c.ok).where(a.c.user_name == normalise_name(name)).order_by(a.c.id)
            ).all()
        return [(_utc(at), client, ok) for at, client, ok in rows]

    # ------------------------------------------------------------------------------------------------ sessions

    def start_session(self, user: User, hours: float = SESSION_HOURS) -> str:
        user.require_active()
        token = secrets.token_urlsafe(32)
        with self._write() as conn:
            conn.execute(
                insert(tables.sessions).values(
                    token=token, user_name=user.name, expires_at=base.now() + dt.timedelta(hours=hours)
                )
            )
        return token

    def session_user(self, token: str | None) -> User | None:
        """The user of a live session; None when the token is unknown or expired."""
        if not token:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(tables.sessions).where(tables.sessions.c.token == token)).mappings().one_or_none()
        if row is None or _utc(row["expires_at"]) <= base.now():
            return None
        user = self.user(row["user_name"])
        return None if user is None or user.disabled else user

    def end_session(self, token: str) -> None:
        with self._write() as conn:
            conn.execute(delete(tables.sessions).where(tables.sessions.c.token == token))
