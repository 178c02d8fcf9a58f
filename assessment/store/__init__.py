"""Storage of the working assessments (SQLAlchemy 2; SQLite default, PostgreSQL by URL). `Store` is the front;
store.py lists the part that holds each job."""

from .assessments import AssessmentChange, AssessmentRecord, StoredAssessment
from .auth import SYSTEM, PermissionDenied, Role, User
from .base import AuditEntry, StaleVersion, ValidationFailed
from .countries import SEED_WRITER
from .db import database_url, make_engine, migrate
from .provisions import ProvisionRecord
from .store import Store
from .users import SignInBusy, SignInLocked

__all__ = [
    "SEED_WRITER",
    "SYSTEM",
    "AssessmentChange",
    "AssessmentRecord",
    "AuditEntry",
    "PermissionDenied",
    "ProvisionRecord",
    "Role",
    "SignInBusy",
    "SignInLocked",
    "StaleVersion",
    "Store",
    "StoredAssessment",
    "User",
    "ValidationFailed",
    "database_url",
    "make_engine",
    "migrate",
]
