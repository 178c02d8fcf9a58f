"""Database tables. Documents (findings, provisions, country metadata) are stored as JSON validated by the same
pydantic models as the YAML files; every editable row carries a version for optimistic concurrency."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, MetaData, String, Table, Text

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("role", String(20), nullable=False),
    Column("countries", Text, nullable=False, default=""),  # comma-separated ISO3 codes an editor may edit; "" = none
    Column("password_hash", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column(
        "disabled", Boolean, nullable=False, default=False
    ),  # a disabled user keeps the name, loses every session and write
)

sessions = Table(
    "sessions",
    metadata,
    Column("token", String(64), primary_key=True),
    Column("user_name", String(100), ForeignKey("users.name", ondelete="CASCADE"), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

countries = Table(
    "countries",
    metadata,
    Column("iso3", String(3), primary_key=True),
    Column("name", Text, nullable=False),
    Column("meta", Text, nullable=False),  # JSON: researched, summary, sources, events, planned_hooks
    Column("review_state", String(20), nullable=False),  # draft | in_review | approved
    Column("version", Integer, nullable=False),
    Column("updated_by", String(100), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

provisions = Table(
    "provisions",
    metadata,
    Column("iso3", String(3), ForeignKey("countries.iso3", ondelete="CASCADE"), primary_key=True),
    Column("id", String(200), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("document", Text, nullable=False),  # JSON of models.Provision
    Column("version", Integer, nullable=False),
    Column("updated_by", String(100), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

assessments = Table(
    "assessments",
    metadata,
    Column("iso3", String(3), ForeignKey("countries.iso3", ondelete="CASCADE"), primary_key=True),
    Column("element", String(200), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("findings", Text, nullable=False),  # JSON list of models.Finding
    Column("judgment", Text, nullable=True),  # JSON of models.Judgment or NULL
    Column("note", Text, nullable=True),
    Column("version", Integer, nullable=False),
    Column("updated_by", String(100), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

snapshots = Table(
    "snapshots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("iso3", String(3), nullable=False, index=True),
    Column("document", Text, nullable=False),  # JSON of models.Country as approved
    Column("approved_by", String(100), nullable=False),
    Column("approved_at", DateTime(timezone=True), nullable=False),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("user_name", String(100), nullable=False),
    Column("iso3", String(3), nullable=False, index=True),
    Column("record", String(200), nullable=False),  # element id, provision id, or "country"
    Column("field", String(100), nullable=False),
    Column("old", Text, nullable=True),
    Column("new", Text, nullable=True),
    Column("source", String(20), nullable=False),  # browser | excel | cli | seed | restore
)

counters = Table(
    "counters",
    metadata,
    Column("name", String(50), primary_key=True),
    Column("value", Integer, nullable=False),
)

sign_in_attempts = Table(
    "sign_in_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("user_name", String(100), nullable=False, index=True),  # as typed (normalised), known or not
    Column("client", String(100), nullable=False, index=True),  # the client's address, or "cli"
    Column("ok", Boolean, nullable=False),
)
