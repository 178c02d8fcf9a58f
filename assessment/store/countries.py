"""Whole countries in the database: seeded from the shipped research (data/countries/*.yaml) and refreshed while
nobody has edited them, read back as Country documents (the working drafts, or the approved snapshots aides
see), and the checked copy of a country that every save of an assessment or a provision is validated against."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select

from ..i18n import Msg
from ..models import Country, ElementAssessment, Finding, Judgment, Provision, Treaty
from ..problems import field_path
from ..validators import Doc, TreatyIndex, check_country
from ..vocab import AuditSource, ReviewState, role_word
from . import base
from . import schema as tables
from .auth import SYSTEM, PermissionDenied, User
from .base import StoreBase, ValidationFailed, _check_key

#: The writer named on rows loaded from the shipped data (version 1 of every country, provision and assessment).
SEED_WRITER = "seed"


def _findings_json(findings: Iterable[Finding]) -> str:
    return json.dumps(
        [f.model_dump(mode="json", exclude_none=True) for f in findings], ensure_ascii=False, sort_keys=True
    )


def _judgment_json(judgment: Judgment | None) -> str | None:
    return (
        None
        if judgment is None
        else json.dumps(judgment.model_dump(mode="json", exclude_none=True), ensure_ascii=False, sort_keys=True)
    )


def _meta_of(country: Country) -> str:
    return json.dumps(
        country.model_dump(mode="json", exclude={"iso3", "name", "provisions", "assessments"}, exclude_none=True),
        ensure_ascii=False,
    )


def _load_working(conn: Connection, iso3: str | None = None) -> dict[str, Country]:
    """Assemble Country documents from the rows (validated by the same model as the YAML files)."""
    c, p, a = tables.countries.c, tables.provisions.c, tables.assessments.c
    cq, pq, aq = (
        select(tables.countries).order_by(c.iso3),
        select(p.iso3, p.document),
        select(a.iso3, a.element, a.findings, a.judgment, a.note),
    )
    if iso3 is not None:
        cq, pq, aq = cq.where(c.iso3 == iso3), pq.where(p.iso3 == iso3), aq.where(a.iso3 == iso3)
    meta = conn.execute(cq).mappings().all()
    prov = conn.execute(pq.order_by(p.iso3, p.position)).all()
    assess = conn.execute(aq.order_by(a.iso3, a.position)).all()
    docs: dict[str, dict] = {
        m["iso3"]: {"iso3": m["iso3"], "name": m["name"], **json.loads(m["meta"]), "provisions": [], "assessments": []}
        for m in meta
    }
    for code, document in prov:
        docs[code]["provisions"].append(json.loads(document))
    for code, element, findings, judgment, note in assess:
        entry: dict[str, Any] = {"element": element, "findings": json.loads(findings)}
        if judgment:
            entry["judgment"] = json.loads(judgment)
        if note:
            entry["note"] = note
        docs[code]["assessments"].append(entry)
    return {code: Country.model_validate(d) for code, d in docs.items()}


class CountryStore(StoreBase):
    """Seeding, the drafts and the approved snapshots of whole countries, and the checks every save runs."""

    def __init__(self, engine: Engine, treaties: Iterable[Treaty]):
        super().__init__(engine)
        self.index = TreatyIndex.build(treaties)
        self._checked: dict[str, tuple[tuple, Country]] = {}  # iso3 -> (_check_key, _country_for_check)

    # ---------------------------------------------------------------------------------------------------- seed

    def seed(self, countries: Iterable[Country]) -> int:
        """Load shipped countries into an empty database, each as version 1 and as its first approved snapshot."""
        at = base.now()
        n = 0
        with self._write() as conn:
            for c in countries:
                conn.execute(
                    insert(tables.countries).values(
                        iso3=c.iso3,
                        name=c.name,
                        meta=_meta_of(c),
                        review_state=ReviewState.approved.value,
                        version=1,
                        updated_by=SEED_WRITER,
                        updated_at=at,
                    )
                )
                if c.provisions:
                    conn.execute(
                        insert(tables.provisions),
                        [
                            {
                                "iso3": c.iso3,
                                "id": p.id,
                                "position": i,
                                "document": p.model_dump_json(exclude_none=True),
                                "version": 1,
                                "updated_by": SEED_WRITER,
                                "updated_at": at,
                            }
                            for i, p in enumerate(c.provisions)
                        ],
                    )
                if c.assessments:
                    conn.execute(
                        insert(tables.assessments),
                        [
                            {
                                "iso3": c.iso3,
                                "element": a.element,
                                "position": i,
                                "findings": _findings_json(a.findings),
                                "judgment": _judgment_json(a.judgment),
                                "note": a.note,
                                "version": 1,
                                "updated_by": SEED_WRITER,
                                "updated_at": at,
                            }
                            for i, a in enumerate(c.assessments)
                        ],
                    )
                conn.execute(
                    insert(tables.snapshots).values(
                        iso3=c.iso3,
                        document=c.model_dump_json(exclude_none=True),
                        approved_by=SEED_WRITER,
                        approved_at=at,
                    )
                )
                self._audit(
                    conn,
                    SYSTEM,
                    c.iso3,
                    "country",
                    [("seed", None, f"data/countries/{c.iso3}.yaml")],
                    AuditSource.seed,
                    at,
                )
                n += 1
            self._bump(conn)
        return n

    def refresh_untouched(self, countries: Iterable[Country]) -> list[str]:
        """Replace countries nobody has edited yet by their newer shipped research.

        A database seeded from an older release would otherwise keep showing the law as that release read it.
        A country that staff have changed (any audit row not written by the seed) is left alone: their work
        wins, and the newer research reaches it through review. Returns the codes refreshed."""
        with self.engine.connect() as conn:
            edited = set(
                conn.execute(select(tables.audit.c.iso3).where(tables.audit.c.source != "seed").distinct()).scalars()
            )
            seeded = {
                r.iso3: r.document
                for r in conn.execute(
                    select(tables.snapshots.c.iso3, tables.snapshots.c.document).where(
                        tables.snapshots.c.id.in_(
                            select(func.max(tables.snapshots.c.id)).group_by(tables.snapshots.c.iso3)
                        )
                    )
                )
            }
        stale = [
            c for c in countries if c.iso3 not in edited and seeded.get(c.iso3) != c.model_dump_json(exclude_none=True)
        ]
        if not stale:
            return []
        with self._write() as conn:
            for c in stale:
                conn.execute(delete(tables.assessments).where(tables.assessments.c.iso3 == c.iso3))
                conn.execute(delete(tables.provisions).where(tables.provisions.c.iso3 == c.iso3))
                conn.execute(delete(tables.countries).where(tables.countries.c.iso3 == c.iso3))
        self.seed(stale)
        return [c.iso3 for c in stale]

    # --------------------------------------------------------------------------------------------------- reads

    def working_countries(self, user: User) -> dict[str, Country]:
        """The drafts everyone on the staff edits. Viewers may not read them."""
        if not user.can_read_drafts():
            raise PermissionDenied(
                Msg("{name} ({role}) may read only the approved assessments", name=user.name, role=role_word(user.role))
            )
        with self.engine.connect() as conn:
            return _load_working(conn)

    def published_countries(self) -> dict[str, Country]:
        """The latest approved snapshot of every country: what aides see."""
        latest = (
            select(tables.snapshots.c.iso3, func.max(tables.snapshots.c.id).label("id"))
            .group_by(tables.snapshots.c.iso3)
            .subquery()
        )
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(tables.snapshots.c.iso3, tables.snapshots.c.document).join(
                    latest, tables.snapshots.c.id == latest.c.id
                )
            ).all()
        return {iso3: Country.model_validate_json(doc) for iso3, doc in sorted(rows)}

    def countries_for(self, user: User | None) -> dict[str, Country]:
        return (
            self.working_countries(user) if user is not None and user.can_read_drafts() else self.published_countries()
        )

    # -------------------------------------------------------------------------------------------------- checks

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
        row = conn.execute(
            select(tables.countries.c.name, tables.countries.c.meta).where(tables.countries.c.iso3 == iso3)
        ).one_or_none()
        if row is None:
            raise ValidationFailed([Msg("no country {iso} in the database", iso=iso3)])
        provisions = [
            Provision.model_construct(**json.loads(d))
            for d in conn.execute(
                select(tables.provisions.c.document).where(tables.provisions.c.iso3 == iso3)
            ).scalars()
        ]
        country = Country.model_validate({"iso3": iso3, "name": row.name, **json.loads(row.meta)}).model_copy(
            update={"provisions": provisions}
        )
        self._checked[iso3] = (key, country)
        return key, country

    def _problems(self, country: Country, new: ElementAssessment, many: bool) -> list[str]:
        """What is wrong with one element's new assessment in this country (prefixed with the element in a batch)."""
        try:
            self._check(country.model_copy(update={"assessments": [new]}))
        except ValidationFailed as exc:
            return [
                Msg("{iso} {element}: {problem}", iso=country.iso3, element=new.element, problem=m) if many else m
                for m in exc.messages
            ]
        return []

    def _check(self, country: Country) -> None:
        issues = check_country(Doc(country.iso3, country), self.index, from_file=False)
        if issues:
            # an edit touches one record: name its fields, not its place in a whole country document
            def where(loc: tuple) -> str:
                return (
                    field_path(loc[2:])
                    if loc[:1] in (("assessments",), ("provisions",)) and len(loc) > 2
                    else field_path(loc)
                )

            raise ValidationFailed(
                [
                    Msg("{field}: {reason}", field=where(i.loc), reason=i.reason)
                    if where(i.loc) != "(document)"
                    else i.reason
                    for i in issues
                ]
            )
