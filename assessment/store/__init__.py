"""Storage of the working assessments (SQLAlchemy 2; SQLite default, PostgreSQL by URL)."""

from .auth import SYSTEM, PermissionDenied, Role, User
from .db import database_url, make_engine, migrate
from .store import (
    AssessmentChange, AssessmentRecord, AuditEntry, ProvisionRecord, SignInBusy, SignInLocked, StaleVersion, Store, StoredAssessment, ValidationFailed,
)

__all__ = [
    "SYSTEM", "AssessmentChange", "AssessmentRecord", "AuditEntry", "PermissionDenied", "ProvisionRecord", "Role", "SignInBusy", "SignInLocked", "StaleVersion",
    "Store", "StoredAssessment", "User", "ValidationFailed", "database_url", "make_engine", "migrate",
]
