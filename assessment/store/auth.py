"""Who may do what. Checked in the store on every call, so a caller that bypasses the UI is refused too."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..vocab import Role as Role  # defined in vocab with its labels; re-exported here

_hasher = PasswordHasher()


class PermissionDenied(Exception):
    """The user's role does not allow this action."""


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    countries: frozenset[str]  # editors: the ISO3 codes they may edit

    def can_read_drafts(self) -> bool:
        return self.role != Role.viewer

    def can_edit(self, iso3: str) -> bool:
        if self.role in (Role.reviewer, Role.admin):
            return True
        return self.role == Role.editor and iso3.upper() in self.countries

    def can_review(self) -> bool:
        return self.role in (Role.reviewer, Role.admin)

    def can_manage_users(self) -> bool:
        return self.role == Role.admin

    def require_edit(self, iso3: str) -> None:
        if not self.can_edit(iso3):
            raise PermissionDenied(f"{self.name} ({self.role}) may not edit {iso3.upper()}")

    def require_review(self) -> None:
        if not self.can_review():
            raise PermissionDenied(f"{self.name} ({self.role}) may not approve or return assessments for review")

    def require_admin(self) -> None:
        if not self.can_manage_users():
            raise PermissionDenied(f"{self.name} ({self.role}) may not manage users")


#: The store's own identity for seeding and migrations; never a signed-in person.
SYSTEM = User("system", Role.admin, frozenset())


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise ValueError("a password needs at least 8 characters")
    return _hasher.hash(password)


def check_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False
