"""Which pages exist and who may open them: a plain table, so the router stays a few lines and tests can read
it without a running app. The menu only hides what a role cannot use: the store refuses it anyway."""

from __future__ import annotations

from dataclasses import dataclass

from assessment.i18n import N_
from assessment.vocab import STAFF_ROLES, Role

ROLES = tuple(r.value for r in Role)
STAFF = frozenset(r.value for r in STAFF_ROLES)


@dataclass(frozen=True)
class PageSpec:
    file: str  # relative to app.py
    title: str  # an English msgid; the router shows it translated
    url_path: str  # the deep link: /country?iso=KOR&treaty=ets185&as_of=2025-08-21
    roles: frozenset[str] = frozenset(ROLES)
    default: bool = False


PAGES = (
    PageSpec("app_pages/overview.py", N_("Overview"), "overview", default=True),
    PageSpec("app_pages/country.py", N_("Country"), "country"),
    PageSpec("app_pages/compare.py", N_("Compare"), "compare"),
    PageSpec("app_pages/treaty.py", N_("Treaty"), "treaty"),
    PageSpec("app_pages/brief.py", N_("Brief"), "brief"),
    PageSpec("app_pages/edit.py", N_("Edit"), "edit", roles=STAFF),
    PageSpec("app_pages/history.py", N_("History"), "history", roles=STAFF),
    PageSpec("app_pages/upload.py", N_("Import"), "import", roles=STAFF),
    PageSpec("app_pages/review.py", N_("Review"), "review", roles=STAFF),
    PageSpec(
        "app_pages/law_watch.py", N_("Law watch"), "law-watch", roles=frozenset({Role.reviewer.value, Role.admin.value})
    ),
    PageSpec("app_pages/admin.py", N_("Users"), "users", roles=frozenset({Role.admin.value})),
    PageSpec("app_pages/signin.py", N_("Sign in"), "signin"),
)


#: The sign-in page's menu title once someone is signed in (it then shows the account and signs out).
SIGNED_IN_TITLE = N_("Your account")
SIGNIN_PATH = "signin"


def pages_for(role: str) -> list[PageSpec]:
    """The pages `role` may open, in menu order."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; known: {', '.join(ROLES)}")
    return [p for p in PAGES if role in p.roles]


def visible_to(page: PageSpec, role: str) -> bool:
    """Whether the menu lists `page` for `role` (every page is registered, so links to the others still open)."""
    return role in page.roles


def current_role() -> str:
    """The signed-in user's role; anonymous visitors are viewers."""
    from app_pages import _auth  # streamlit-bound; imported late so tests can read the table without it

    return _auth.role()
