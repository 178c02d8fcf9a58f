"""Who may do what. Checked in the store on every call, so a caller that bypasses the UI is refused too."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..i18n import Msg
from ..vocab import Role as Role  # defined in vocab with its labels; re-exported here
from ..vocab import role_word

_hasher = PasswordHasher()


class PermissionDenied(Exception):
    """The user's role does not allow this action."""


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    countries: frozenset[str]  # editors: the ISO3 codes they may edit
    disabled: bool = False  # an admin ended this account: it may read only what anyone may, and write nothing

    def can_read_drafts(self) -> bool:
        return self.role != Role.viewer and not self.disabled

    def can_edit(self, iso3: str) -> bool:
        if self.disabled:
            return False
        if self.role in (Role.reviewer, Role.admin):
            return True
        return self.role == Role.editor and iso3.upper() in self.countries

    def can_review(self) -> bool:
        return self.role in (Role.reviewer, Role.admin) and not self.disabled

    def can_manage_users(self) -> bool:
        return self.role == Role.admin and not self.disabled

    def require_active(self) -> None:
        if self.disabled:
            raise PermissionDenied(Msg("{name} is disabled; an admin can enable the account again", name=self.name))

    def require_edit(self, iso3: str) -> None:
        self.require_active()
        if not self.can_edit(iso3):
            raise PermissionDenied(
                Msg("{name} ({role}) may not edit {iso}", name=self.name, role=role_word(self.role), iso=iso3.upper())
            )

    def require_review(self) -> None:
        self.require_active()
        if not self.can_review():
            raise PermissionDenied(
                Msg(
                    "{name} ({role}) may not approve or return assessments for review",
                    name=self.name,
                    role=role_word(self.role),
                )
            )

    def require_admin(self) -> None:
        self.require_active()
        if not self.can_manage_users():
            raise PermissionDenied(
                Msg("{name} ({role}) may not manage users", name=self.name, role=role_word(self.role))
            )


#: The store's own identity for seeding and migrations; never a signed-in person.
SYSTEM = User("system", Role.admin, frozenset())


#: Names the store writes under itself (seeding, migrations): a person registered under one of them could not be
#: told apart from the system in the audit log.
RESERVED_NAMES = frozenset({"system", "seed", "nobody"})
MAX_NAME = 100  # users.name is a column of 100 characters
MIN_PASSWORD = 12

#: Characters that show nothing although they are not controls (Unicode's Default_Ignorable_Code_Point outside
#: the C categories: fillers, variation selectors, the combining grapheme joiner), and the blank braille cell.
_IGNORABLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180d\u180f\u2800\u3164\ufe00-\ufe0f\uffa0\U000e0100-\U000e01ef]"
)


def is_invisible(ch: str) -> bool:
    """True for a character that leaves no mark: controls, formats (zero-width space, joiners, direction
    marks, BOM), private-use, surrogates, unassigned, line and paragraph separators, and the ignorables."""
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") or _IGNORABLE.match(ch) is not None


def visible_length(text: str) -> int:
    """How many characters of `text` (Unicode NFC, so a letter typed with a separate accent is one) show."""
    return sum(not is_invisible(ch) for ch in unicodedata.normalize("NFC", text))


def normalise_name(name: str) -> str:
    """The one form of a user name: Unicode NFC, surrounding blanks dropped (so 'admin ' is 'admin')."""
    return unicodedata.normalize("NFC", name).strip()


def name_key(name: str) -> str:
    """What two user names are compared by: NFKC with case folding (so 'ｓｙｓｔｅｍ' is 'system' and 'Admin1' is
    'admin1'), invisible characters dropped and runs of blanks made one space. Names are stored and looked up
    as typed (`normalise_name`); this only decides whether a new name is too like a reserved or existing one."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return " ".join("".join(ch for ch in folded if not is_invisible(ch)).split())


def check_new_name(name: str) -> str:
    """The normalised name, or ValueError saying why no user may be called that (checked the same on every
    database; PostgreSQL would otherwise refuse an over-long name with a traceback). Whether it is too like an
    existing name is the store's check (`name_key`), made under its write lock."""
    name = normalise_name(name)
    if not name:
        raise ValueError(Msg("a user needs a name"))
    if len(name) > MAX_NAME:
        raise ValueError(
            Msg("a user name has at most {limit} characters (this one has {n})", limit=MAX_NAME, n=len(name))
        )
    if any(is_invisible(ch) for ch in name):
        raise ValueError(Msg("a user name may not contain invisible or control characters"))
    if name_key(name) in RESERVED_NAMES:
        raise ValueError(Msg("{name!r} is reserved for the system's own audit entries; choose another name", name=name))
    return name


def hash_password(password: str) -> str:
    """The argon2 hash of a new password, or ValueError: it needs MIN_PASSWORD characters that show (zero-width
    spaces, NUL and other invisible or control characters do not count) and may not be only blanks."""
    counted = visible_length(password)
    if counted < MIN_PASSWORD:
        if counted < len(unicodedata.normalize("NFC", password)):
            raise ValueError(
                Msg(
                    "a password needs at least {n} characters; invisible and control characters do not count (this one has {counted})",
                    n=MIN_PASSWORD,
                    counted=counted,
                )
            )
        raise ValueError(Msg("a password needs at least {n} characters", n=MIN_PASSWORD))
    if not password.strip():
        raise ValueError(Msg("a password may not be only blanks"))
    return _hasher.hash(password)


#: Checked against when a name is unknown, so a wrong name takes as long to refuse as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password anyone has: " + "x" * 16)


def check_password(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches; a missing hash costs one verification too (no timing oracle on names)."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def client_address(peer: str | None, headers: Mapping[str, str], header: str | None, hops: int = 1) -> str:
    """The address sign-in failures are counted under. Without a trusted proxy it is the peer the server sees.
    Behind `hops` reverse proxies that each append the address they received from to `header` (e.g.
    X-Forwarded-For), the client is the `hops`-th entry from the right: entries further left were written by
    the client itself and prove nothing. A missing or too short header falls back to the peer."""
    if header and hops > 0:
        value = next((v for k, v in headers.items() if k.lower() == header.lower()), "")
        entries = [e.strip() for e in value.split(",") if e.strip()]
        if len(entries) >= hops:
            return entries[-hops][:100]
    return (peer or "unknown")[:100]
