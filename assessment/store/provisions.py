"""Provisions and bills in the database: read them, create or change one with a versioned, audited save (e.g. a
bill that came into force). Every call checks the caller's role here, not in the UI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..models import Provision
from ..vocab import AuditSource
from . import base
from . import schema as tables
from .auth import User
from .base import StaleVersion, _utc
from .countries import CountryStore


@dataclass(frozen=True)
class ProvisionRecord:
    iso3: str
    provision: Provision
    version: int
    updated_by: str
    updated_at: dt.datetime
    changed: bool = True  # False: the save held what was saved already, so no version was written


class ProvisionStore(CountryStore):
    """The provisions and bills of each country."""

    def provisions(self, iso3: str) -> list[ProvisionRecord]:
        with self.engine.connect() as conn:
            rows = (
                conn.execute(
                    select(tables.provisions)
                    .where(tables.provisions.c.iso3 == iso3.upper())
                    .order_by(tables.provisions.c.position)
                )
                .mappings()
                .all()
            )
        return [
            ProvisionRecord(
                r["iso3"],
                Provision.model_validate_json(r["document"]),
                r["version"],
                r["updated_by"],
                _utc(r["updated_at"]),
            )
            for r in rows
        ]

    def save_provision(
        self,
        user: User,
        iso3: str,
        provision: Provision,
        *,
        expected_version: int,
        source: str = AuditSource.browser,
        law_review: str | None = None,
    ) -> ProvisionRecord:
        """Create (expected_version 0) or change a provision or bill, e.g. record that a bill came into force.
        `law_review` ('holds' or 'changed'): a reviewer read a change of the law behind it (audited beside the save)."""
        iso3 = iso3.upper()
        user.require_edit(iso3)
        if law_review is not None:
            user.require_review()
        at = base.now()
        prov = tables.provisions
        document = provision.model_dump_json(exclude_none=True)
        with self._write() as conn:
            locked = self._lock_countries(conn, user, [iso3])
            states = {code: lock.state for code, lock in locked.items()}
            _, country = self._country_for_check(conn, iso3, locked[iso3].check_key if iso3 in locked else None)
            others = [p for p in country.provisions if p.id != provision.id]
            self._check(country.model_copy(update={"provisions": [*others, provision]}))
            old = (
                conn.execute(select(prov).where(prov.c.iso3 == iso3, prov.c.id == provision.id))
                .mappings()
                .one_or_none()
            )
            if old is not None and old["version"] == expected_version and old["document"] == document:
                return ProvisionRecord(
                    iso3, provision, old["version"], old["updated_by"], _utc(old["updated_at"]), changed=False
                )
            if old is None:
                if expected_version != 0:
                    raise StaleVersion(provision.id, expected_version, 0, "nobody", at)
                position = conn.execute(
                    select(func.coalesce(func.max(prov.c.position), -1) + 1).where(prov.c.iso3 == iso3)
                ).scalar_one()
                try:
                    with conn.begin_nested():
                        conn.execute(
                            insert(prov).values(
                                iso3=iso3,
                                id=provision.id,
                                position=position,
                                document=document,
                                version=1,
                                updated_by=user.name,
                                updated_at=at,
                            )
                        )
                except IntegrityError:
                    current = (
                        conn.execute(select(prov).where(prov.c.iso3 == iso3, prov.c.id == provision.id))
                        .mappings()
                        .one()
                    )
                    raise StaleVersion(
                        provision.id, 0, current["version"], current["updated_by"], _utc(current["updated_at"])
                    ) from None
                old_doc = None
            else:
                done = conn.execute(
                    update(prov)
                    .where(prov.c.iso3 == iso3, prov.c.id == provision.id, prov.c.version == expected_version)
                    .values(document=document, version=prov.c.version + 1, updated_by=user.name, updated_at=at)
                )
                if done.rowcount != 1:
                    raise StaleVersion(
                        provision.id, expected_version, old["version"], old["updated_by"], _utc(old["updated_at"])
                    )
                old_doc = old["document"]
            changes = [("provision", old_doc, document)] + (
                [("law_review", None, law_review)] if law_review is not None else []
            )
            rows = self._audit_rows(user, iso3, provision.id, changes, source, at)
            self._record_changes(conn, user, rows, [iso3], states, source, at)
        return next(p for p in self.provisions(iso3) if p.provision.id == provision.id)
