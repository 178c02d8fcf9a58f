"""Who is signed in. The session token lives in this browser session's state; the store checks the token and
its expiry on every rerun, and every write checks the role again, so nothing here is a security boundary."""

from __future__ import annotations

import streamlit as st

from assessment import service
from assessment.store import Role, User

TOKEN = "session_token"
NOTICE = "_auth_notice"


def _sso_user() -> User | None:
    """A user signed in through OIDC (st.login), when [auth] is configured in secrets and the e-mail is a user."""
    try:
        if not st.user.is_logged_in:  # raises or is False when no identity provider is configured
            return None
        email = st.user.get("email")
    except Exception:  # noqa: BLE001 - no [auth] section: OIDC is simply off
        return None
    return service.store().user(str(email)) if email else None


def sso_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file
        return False


def current_user() -> User | None:
    """The signed-in user, or None (an anonymous viewer of the approved assessments)."""
    token = st.session_state.get(TOKEN)
    if token:
        user = service.store().session_user(token)
        if user is not None:
            return user
        st.session_state.pop(TOKEN, None)
        st.session_state[NOTICE] = "Your session expired. Please sign in again; everything you saved is kept."
    return _sso_user()


def role() -> str:
    user = current_user()
    return user.role.value if user is not None else Role.viewer.value


def _client() -> str:
    """The browser's address as the server sees it: failed sign-ins are counted per name and per client."""
    try:
        return str(st.context.ip_address or "unknown")
    except Exception:  # noqa: BLE001 - AppTest and old Streamlit have no address
        return "unknown"


def sign_in(name: str, password: str) -> User | None:
    """The user, or None when name and password do not match; SignInLocked after too many failures."""
    store = service.store()
    user = store.authenticate(name, password, client=_client())
    if user is not None:
        st.session_state[TOKEN] = store.start_session(user)
        st.session_state.pop(NOTICE, None)
    return user


def sign_out() -> None:
    token = st.session_state.pop(TOKEN, None)
    if token:
        service.store().end_session(token)
    try:
        if st.user.is_logged_in:
            st.logout()
    except Exception:  # noqa: BLE001 - OIDC not configured
        pass


def require_staff() -> User:
    """Stop the page with a hint unless someone from the staff (editor, reviewer, admin) is signed in."""
    user = current_user()
    if user is None or not user.can_read_drafts():
        st.info("This page is for policy staff. Sign in (page 'Sign in') with an editor, reviewer or admin account.")
        st.stop()
    return user
