"""Review in the database: a country's review state moves (submit, approve, send back) in one transaction under the
country's lock, audited, and an approval publishes exactly what was approved in the same transaction. The rules
each step follows are assessment/review.py's; this part reads what they need under the lock and writes the step.
Also the reads of review: one country's state and last approval, and every country's place in review at once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, func, insert, select, update

from ..i18n import Msg
from ..review import RULES, CountryReview, Step, four_eyes_refusal, require_may_take, wrong_state
from ..vocab import AuditSource, ReviewState
from . import base
from . import schema as tables
from .auth import PermissionDenied, User
from .base import StoreBase, ValidationFailed, _utc
from .countries import _load_working


class ReviewSteps(StoreBase):
    """The review steps of each country, and the reads the Review page needs."""

    # ------------------------------------------------------------------------------------------------ reads

    def review_state(self, iso3: str) -> str:
        with self.engine.connect() as conn:
            state = conn.execute(
                select(tables.countries.c.review_state).where(tables.countries.c.iso3 == iso3.upper())
            ).scalar_one_or_none()
        if state is None:
            raise KeyError(Msg("no country {iso} in the database", iso=iso3.upper()))
        return state

    def last_approved_at(self, iso3: str) -> dt.datetime | None:
        """When the country was last approved (its seeding counts as the first approval)."""
        s = tables.snapshots.c
        with self.engine.connect() as conn:
            at = conn.execute(select(func.max(s.approved_at)).where(s.iso3 == iso3.upper())).scalar_one_or_none()
        return None if at is None else _utc(at)

    def review_overview(self) -> list[CountryReview]:
        """Every country's review state, newest audit entry (who changed it last, and when) and last approval, by
        code, in one statement whatever the number of countries (the Review page's queue)."""
        c, a, s = tables.countries.c, tables.audit.c, tables.snapshots.c
        last = tables.audit.alias("last_change")
        newest = select(func.max(a.id)).where(a.iso3 == c.iso3).scalar_subquery()
        approved_at = select(func.max(s.approved_at)).where(s.iso3 == c.iso3).scalar_subquery()
        query = (
            select(c.iso3, c.review_state, last.c.at, last.c.user_name, approved_at)
            .select_from(tables.countries.outerjoin(last, last.c.id == newest))
            .order_by(c.iso3)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            CountryReview(
                iso3,
                ReviewState(state),
                None if at is None else _utc(at),
                by,
                None if approved is None else _utc(approved),
            )
            for iso3, state, at, by, approved in rows
        ]

    # ------------------------------------------------------------------------------------------------ steps

    def submit_for_review(
        self, user: User, iso3: str, source: str = AuditSource.browser, comment: str | None = None
    ) -> None:
        self.take_step(user, Step.submit, iso3, source, comment)

    def approve(self, user: User, iso3: str, source: str = AuditSource.browser, comment: str | None = None) -> None:
        self.take_step(user, Step.approve, iso3, source, comment)

    def send_back(self, user: User, iso3: str, source: str = AuditSource.browser, comment: str | None = None) -> None:
        self.take_step(user, Step.send_back, iso3, source, comment)

    def take_step(
        self, user: User, step: Step, iso3: str, source: str = AuditSource.browser, comment: str | None = None
    ) -> None:
        """Move the country by `step`: PermissionDenied when the user may not take it (the four-eyes rule too),
        ValidationFailed when the country is no longer in the state the step starts from, KeyError when there is
        no such country. Nothing is written then."""
        require_may_take(user, step, iso3)
        rule = RULES[step]
        iso3 = iso3.upper()
        at = base.now()
        with self._write() as conn:
            lock = self._lock_countries(conn, user, [iso3]).get(iso3)
            if lock is None:
                raise KeyError(Msg("no country {iso} in the database", iso=iso3))
            refused = wrong_state(step, iso3, lock.state)
            if refused is not None:
                raise ValidationFailed([refused])
            if rule.second_person:
                refused = four_eyes_refusal(user, step, iso3, self._edited_since_approval(conn, user, iso3))
                if refused is not None:
                    raise PermissionDenied(refused)
            conn.execute(
                update(tables.countries)
                .where(tables.countries.c.iso3 == iso3)
                .values(review_state=rule.end.value, updated_by=user.name, updated_at=at)
            )
            self._audit(conn, user, iso3, "country", [("review_state", lock.state, rule.end.value)], source, at)
            if comment:
                self._audit(conn, user, iso3, "country", [("review_comment", None, comment)], source, at)
            if rule.end == ReviewState.approved:  # publish exactly what was approved, in the same transaction
                country = _load_working(conn, iso3)[iso3]
                conn.execute(
                    insert(tables.snapshots).values(
                        iso3=iso3,
                        document=country.model_dump_json(exclude_none=True),
                        approved_by=user.name,
                        approved_at=at,
                    )
                )
            self._bump(conn, [iso3])

    def _edited_since_approval(self, conn: Connection, user: User, iso3: str) -> bool:
        """Whether `user` edited the country since its last approval (or its seeding); review steps do not count.

        "Since" is the order of the audit rows, never their times: every write of a country inserts its rows
        while it holds the country's lock, which the caller holds now, so a later id is a later write on every
        backend. A time is read from the writing instance's clock before it waits for the lock: an edit that
        read its clock before an approval and committed after it, or one from an instance whose clock runs
        slow, would look older than the approval it followed."""
        a = tables.audit.c
        approved = (a.field == "review_state") & (a.new == ReviewState.approved.value)
        last = conn.execute(
            select(func.max(a.id)).where(a.iso3 == iso3, approved | (a.field == "seed"))
        ).scalar_one_or_none()
        q = (
            select(func.count())
            .select_from(tables.audit)
            .where(a.iso3 == iso3, a.user_name == user.name, a.record != "country")
        )
        if last is not None:
            q = q.where(a.id > last)
        return bool(conn.execute(q).scalar_one())
