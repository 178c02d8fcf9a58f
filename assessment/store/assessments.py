"""Element assessments in the database: read one or every saved one of a country, save them (one, or a workbook's
batch all or nothing) with their audit rows in the same transaction, read their history and restore an older
value. Every call checks the caller's role here, not in the UI.

Optimistic concurrency: each assessment and provision row has a version; a save names the version it was based on
and is applied with one conditional UPDATE (`... WHERE version = :seen`). If someone saved in between, nothing is
written and StaleVersion says who changed it and when.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, Engine, bindparam, func, or_, select, update

from ..i18n import Msg
from ..models import ElementAssessment, Finding, Judgment, Treaty
from ..problems import validation_messages
from ..vocab import AuditSource
from . import base
from . import schema as tables
from .auth import User
from .base import DATA_VERSION, AuditEntry, StaleVersion, ValidationFailed, _country_counter, _utc
from .countries import CountryStore, _findings_json, _judgment_json


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


#: The fields of an assessment a save writes and audits.
ASSESSMENT_FIELDS = ("findings", "judgment", "note")


class SaveStatements:
    """The statements of an assessment's save, built once per store with bound parameters (see
    `base.WriteStatements`, which holds those every write runs)."""

    def __init__(self, postgresql: bool):
        a = tables.assessments.c
        here = (a.iso3 == bindparam("at_iso3"), a.element == bindparam("at_element"))
        new = {f: bindparam(f"new_{f}", type_=a[f].type) for f in (*ASSESSMENT_FIELDS, "updated_by", "updated_at")}
        self.old_assessment = select(a.findings, a.judgment, a.note, a.version, a.updated_by, a.updated_at).where(*here)
        #: writes only at the expected version, and only when findings, judgment or note differ
        self.update_assessment = (
            update(tables.assessments)
            .where(
                *here,
                a.version == bindparam("expected"),
                or_(*(a[f].is_distinct_from(new[f]) for f in ASSESSMENT_FIELDS)),
            )
            .values(version=a.version + 1, **new)
        )
        if postgresql:
            old = self.old_assessment.cte("old")
            written = self.update_assessment.returning(a.version).cte("written")
            #: the row as it was (a CTE beside the UPDATE: the same snapshot) and the version written, if any
            self.old_and_update = select(old, select(written.c.version).scalar_subquery().label("written"))


class AssessmentStore(CountryStore):
    """The element assessments of each country: reads, versioned saves, history and restore."""

    def __init__(self, engine: Engine, treaties: Iterable[Treaty]):
        super().__init__(engine, treaties)
        # iso3 -> (its write counters, its saved assessments): see saved_assessments
        self._saved: dict[str, tuple[tuple[int, int], dict[tuple[str, str], StoredAssessment]]] = {}
        self._saved_lock = threading.Lock()
        self._save_sql = SaveStatements(self._postgresql)

    # ----------------------------------------------------------------------------------------------- reads

    def latest_change(self, iso3: str) -> AuditEntry | None:
        """The newest audit entry of a country (who changed it last, and when)."""
        with self.engine.connect() as conn:
            r = (
                conn.execute(
                    select(tables.audit)
                    .where(tables.audit.c.iso3 == iso3.upper())
                    .order_by(tables.audit.c.id.desc())
                    .limit(1)
                )
                .mappings()
                .one_or_none()
            )
        return None if r is None else AuditEntry.from_row(r)

    def assessment(self, iso3: str, element: str) -> AssessmentRecord:
        iso3 = iso3.upper()
        if element not in self.index.elements:
            raise KeyError(Msg("unknown element {element}", element=element))
        with self.engine.connect() as conn:
            a = tables.assessments.c
            row = (
                conn.execute(select(tables.assessments).where(a.iso3 == iso3, a.element == element))
                .mappings()
                .one_or_none()
            )
            known = conn.execute(
                select(tables.countries.c.iso3).where(tables.countries.c.iso3 == iso3)
            ).scalar_one_or_none()
        if known is None:
            raise KeyError(Msg("no country {iso} in the database", iso=iso3))
        if row is None:
            return AssessmentRecord(iso3, element, (), None, None, 0, None, None)
        return AssessmentRecord(
            iso3,
            element,
            tuple(Finding.model_validate(f) for f in json.loads(row["findings"])),
            Judgment.model_validate_json(row["judgment"]) if row["judgment"] else None,
            row["note"],
            row["version"],
            row["updated_by"],
            _utc(row["updated_at"]),
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
        a, c = tables.assessments.c, tables.counters.c
        names = {_country_counter(code): code for code in codes}
        with self.engine.connect() as conn:
            counters = dict(conn.execute(select(c.name, c.value).where(c.name.in_([DATA_VERSION, *names]))).all())
            keys = {code: (counters.get(DATA_VERSION, 0), counters.get(name, 0)) for name, code in names.items()}
            with self._saved_lock:
                cached = {
                    code: self._saved[code][1]
                    for code in codes
                    if code in self._saved and self._saved[code][0] == keys[code]
                }
            stale = [code for code in codes if code not in cached]
            rows = (
                conn.execute(
                    select(
                        a.iso3, a.element, a.findings, a.judgment, a.note, a.version, a.updated_by, a.updated_at
                    ).where(a.iso3.in_(stale))
                ).all()
                if stale
                else []
            )
        fresh: dict[str, dict[tuple[str, str], StoredAssessment]] = {code: {} for code in stale}
        for iso3, element, findings, judgment, note, version, updated_by, updated_at in rows:
            fresh[iso3][(iso3, element)] = StoredAssessment(
                iso3,
                element,
                json.loads(findings),
                json.loads(judgment) if judgment else None,
                note or None,
                version,
                updated_by,
                None if updated_at is None else _utc(updated_at),
            )
        with self._saved_lock:
            for code, found in fresh.items():
                self._saved[code] = (keys[code], found)
        out: dict[tuple[str, str], StoredAssessment] = {}
        for code in codes:
            out.update(cached[code] if code in cached else fresh[code])
        return out

    def history(self, iso3: str, record: str | None = None) -> list[AuditEntry]:
        q = select(tables.audit).where(tables.audit.c.iso3 == iso3.upper())
        if record is not None:
            q = q.where(tables.audit.c.record == record)
        with self.engine.connect() as conn:
            rows = conn.execute(q.order_by(tables.audit.c.id)).mappings().all()
        return [AuditEntry.from_row(r) for r in rows]

    def diff(self, iso3: str, since: dt.datetime, until: dt.datetime) -> list[dict[str, Any]]:
        """What changed in a country between two moments: per record and field, the value before and after."""
        out: dict[tuple[str, str], dict[str, Any]] = {}
        for e in self.history(iso3):
            if since <= e.at <= until and e.source != AuditSource.seed:
                key = (e.record, e.field)
                if key not in out:
                    out[key] = {
                        "record": e.record,
                        "field": e.field,
                        "before": e.old,
                        "after": e.new,
                        "changes": 0,
                        "users": [],
                    }
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

    def save_assessments(
        self, user: User, changes: Sequence[AssessmentChange], *, source: str = AuditSource.browser
    ) -> list[AssessmentRecord]:
        """Save several assessments all or nothing (an imported workbook): every change is validated first, then
        applied in one transaction; one stale version refuses the whole batch and nothing is written."""
        prepared: list[tuple[str, ElementAssessment, int]] = []
        problems: list[str] = []
        for change in changes:
            iso3 = change.iso3.upper()
            user.require_edit(iso3)
            try:
                new = ElementAssessment(
                    element=change.element,
                    findings=list(change.findings),
                    judgment=change.judgment,
                    note=change.note or None,
                )
            except ValidationError as exc:
                problems += [
                    Msg("{iso} {element}: {problem}", iso=iso3, element=change.element, problem=m)
                    for m in validation_messages(exc, whole="assessment")
                ]
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
        at = base.now()
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

    def _write_assessment(
        self,
        conn: Connection,
        user: User,
        iso3: str,
        new: ElementAssessment,
        expected_version: int,
        source: str,
        at: dt.datetime,
    ) -> tuple[AssessmentRecord, list[dict[str, Any]]]:
        """Write one element (the caller holds its country's row lock); returns the record and its audit rows."""
        element = new.element
        values = {
            "findings": _findings_json(new.findings),
            "judgment": _judgment_json(new.judgment),
            "note": new.note,
            "updated_by": user.name,
            "updated_at": at,
        }
        old, written = self._update_assessment(conn, iso3, element, values, expected_version)
        if (
            old is None
            and expected_version == 0
            and (values["findings"], values["judgment"], values["note"]) == ("[]", None, None)
        ):
            return AssessmentRecord(
                iso3, element, (), None, None, 0, None, None, changed=False
            ), []  # nothing typed: nothing to save
        if (
            old is not None
            and not written
            and old["version"] == expected_version
            and all(old[f] == values[f] for f in ASSESSMENT_FIELDS)
        ):
            # A save that changes nothing writes no version: colleagues would get false "saved after you opened it" warnings.
            return AssessmentRecord(
                iso3,
                element,
                tuple(new.findings),
                new.judgment,
                new.note,
                old["version"],
                old["updated_by"],
                _utc(old["updated_at"]),
                changed=False,
            ), []
        if old is None:
            if expected_version != 0:
                raise StaleVersion(f"{iso3} {element}", expected_version, 0, "nobody", at)
            self._insert_assessment(conn, iso3, element, values)
            before: dict[str, Any] = {"findings": "[]", "judgment": None, "note": None}
        elif not written:
            raise StaleVersion(
                f"{iso3} {element}", expected_version, old["version"], old["updated_by"], _utc(old["updated_at"])
            )
        else:
            before = dict(old)
        rows = self._audit_rows(user, iso3, element, [(f, before[f], values[f]) for f in ASSESSMENT_FIELDS], source, at)
        version = 1 if old is None else expected_version + 1
        return AssessmentRecord(
            iso3, element, tuple(new.findings), new.judgment, new.note, version, user.name, at
        ), rows

    def _update_assessment(
        self, conn: Connection, iso3: str, element: str, values: dict[str, Any], expected_version: int
    ) -> tuple[Any, bool]:
        """(the element's row as it was, or None; whether it was updated to `values`). The conditional UPDATE
        writes only at `expected_version` and only when findings, judgment or note differ, so a stale or
        unchanged save writes nothing. PostgreSQL: one statement, the row as it was read by a CTE beside the
        UPDATE (the same snapshot; under the country's row lock no other save writes the row); else a read,
        then the UPDATE if the read says it applies."""
        params = {
            "at_iso3": iso3,
            "at_element": element,
            "expected": expected_version,
            **{f"new_{k}": v for k, v in values.items()},
        }
        if self._postgresql:
            row = conn.execute(self._save_sql.old_and_update, params).mappings().one_or_none()
            return row, row is not None and row["written"] is not None
        row = conn.execute(self._save_sql.old_assessment, params).mappings().one_or_none()
        if row is None or row["version"] != expected_version or all(row[f] == values[f] for f in ASSESSMENT_FIELDS):
            return row, False
        return row, conn.execute(self._save_sql.update_assessment, params).rowcount == 1

    def _insert_assessment(self, conn: Connection, iso3: str, element: str, values: dict[str, Any]) -> None:
        """The first save of an element, at the end of its country's list, in one statement. If the row exists
        after all (a writer that took no country lock), nothing is written and StaleVersion names its author."""
        a = tables.assessments.c
        position = select(func.coalesce(func.max(a.position), -1) + 1).where(a.iso3 == iso3).scalar_subquery()
        stmt = self._upsert(tables.assessments).values(
            iso3=iso3, element=element, position=position, version=1, **values
        )
        if (
            conn.execute(stmt.on_conflict_do_nothing(index_elements=[a.iso3, a.element]).returning(a.version)).first()
            is None
        ):
            current = (
                conn.execute(select(tables.assessments).where(a.iso3 == iso3, a.element == element)).mappings().one()
            )
            raise StaleVersion(
                f"{iso3} {element}", 0, current["version"], current["updated_by"], _utc(current["updated_at"])
            )

    def restore(self, user: User, entry_id: int, *, expected_version: int) -> AssessmentRecord:
        """Put back the value a field had before audit entry `entry_id`, as a new audited save."""
        with self.engine.connect() as conn:
            row = conn.execute(select(tables.audit).where(tables.audit.c.id == entry_id)).mappings().one_or_none()
        if row is None or row["field"] not in ("findings", "judgment", "note"):
            raise KeyError(
                Msg("audit entry {entry} is not a change of an element's findings, judgment or note", entry=entry_id)
            )
        current = self.assessment(row["iso3"], row["record"])
        value = row["old"]
        findings, judgment, note = current.findings, current.judgment, current.note
        if row["field"] == "findings":
            findings = tuple(Finding.model_validate(f) for f in json.loads(value or "[]"))
        elif row["field"] == "judgment":
            judgment = Judgment.model_validate_json(value) if value else None
        else:
            note = value
        return self.save_assessment(
            user,
            row["iso3"],
            row["record"],
            findings=findings,
            judgment=judgment,
            note=note,
            expected_version=expected_version,
            source=AuditSource.restore,
        )
