"""Who is signed in. A password sign-in starts a server-side session whose random token the browser keeps in a
cookie (SameSite=Strict, Secure over HTTPS), so a reload or a shared link keeps the person signed in; every run
checks the token against the sessions table, so signing out, an expired session or an admin disabling the user
ends it at once. Served by serve.py, the server sets that cookie (HttpOnly: no script can read it); under a bare
`streamlit run app.py` a script in the page writes it. Single sign-on (st.login, OIDC) maps the identity's e-mail
to a user row of that name. Every write checks the role again in the store, so nothing here is a security
boundary on its own."""

from __future__ import annotations

import html
import json
import os

import streamlit as st

from assessment import service
from assessment.i18n import N_
from assessment.store import Role, SignInBusy, SignInLocked, User
from assessment.store.auth import client_address

TOKEN = "session_token"
NOTICE = "_auth_notice"
COOKIE = "ar_session"  # the session token; nothing else about the person is kept in the browser
NEXT_COOKIE = "ar_next"  # the staff page a single sign-on started from, to continue there after the round trip
_SIGNED_OUT = "_auth_signed_out"  # the cookie this browser sent at connect time was revoked: do not read it again
PAGE_PATH = "_auth_page_path"  # the url path of the page this run shows (the router sets it)
_PENDING = "_auth_cookie_js"  # cookie changes to make in the browser on the next run
SESSION_SECONDS = 8 * 3600
ENDED = N_("Your session ended (it expired, or an admin ended it). Please sign in again; everything you saved is kept.")


def _cookies() -> dict[str, str]:
    try:
        return dict(st.context.cookies)
    except Exception:  # noqa: BLE001 - AppTest has no browser cookies
        return {}


def _queue_cookie(name: str, value: str | None, max_age: int = SESSION_SECONDS, same_site: str = "Strict") -> None:
    st.session_state.setdefault(_PENDING, {})[name] = (value, max_age, same_site)


#: Set by serve.py: the server route that sets and clears the session cookie (HttpOnly) from a token the page hands it.
SESSION_ROUTE_ENV = "ASSESSMENT_SESSION_COOKIE_ROUTE"
#: Makes the queued cookie changes in the browser. One constant script (its data sits in the element beside it), so
#: serve.py's Content-Security-Policy can allow exactly this script by its hash; a block of its own, so running it
#: again in the same tab declares nothing twice (a second top-level `const` would stop it with a SyntaxError).
COOKIE_SCRIPT = """(() => {
  const data = JSON.parse(document.currentScript.parentNode.querySelector('[data-ar-cookies]').dataset.arCookies);
  const https = window.location.protocol === 'https:';
  for (const [name, value, maxAge, sameSite] of data.cookies) {
    if (data.route && name === data.session) {
      fetch(data.route, {method: value === null ? 'DELETE' : 'POST', credentials: 'same-origin', keepalive: true,
                         headers: {'Content-Type': 'application/json'}, body: JSON.stringify({token: value, https})});
    } else {
      document.cookie = name + '=' + (value === null ? '' : encodeURIComponent(value)) + '; Path=/; Max-Age='
        + (value === null ? 0 : maxAge) + '; SameSite=' + sameSite + (https ? '; Secure' : '');
    }
  }
})();"""


def session_route() -> str | None:
    """The server route that sets the session cookie, when serve.py serves the app; None under a bare app.py."""
    return os.environ.get(SESSION_ROUTE_ENV) or None


def cookie_html(pending: dict[str, tuple[str | None, int, str]]) -> str:
    """The element that makes `pending` cookie changes in the browser: their data, then COOKIE_SCRIPT."""
    data = {
        "route": session_route(),
        "session": COOKIE,
        "cookies": [[name, value, int(max_age), same_site] for name, (value, max_age, same_site) in pending.items()],
    }
    return f'<div hidden data-ar-cookies="{html.escape(json.dumps(data), quote=True)}"></div><script>{COOKIE_SCRIPT}</script>'


def sync_cookies() -> None:
    """Make queued cookie changes in the browser: a few lines of script in the page (nothing is fetched from
    elsewhere; served by serve.py, the session cookie is handed to this server, which sets it HttpOnly). Called by
    the router on every run; renders nothing when nothing is queued."""
    pending = st.session_state.pop(_PENDING, None)
    if not pending:
        return
    with st.sidebar:
        st.html(cookie_html(pending), unsafe_allow_javascript=True)


def _sso_identity() -> str | None:
    """The e-mail of an identity signed in through OIDC (st.login), when [auth] is configured."""
    try:
        if not st.user.is_logged_in:  # raises or is False when no identity provider is configured
            return None
        email = st.user.get("email")
    except Exception:  # noqa: BLE001 - no [auth] section: OIDC is simply off
        return None
    return str(email) if email else None


def _sso_user() -> User | None:
    email = _sso_identity()
    if email is None:
        return None
    return service.store().identity_user(email)


def sso_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file
        return False


def current_user() -> User | None:
    """The signed-in user, or None (an anonymous viewer of the approved assessments)."""
    state = st.session_state
    token = state.get(TOKEN)
    from_cookie = False
    if not token and not state.get(_SIGNED_OUT):
        token, from_cookie = _cookies().get(COOKIE), True
    if token:
        user = service.store().session_user(token)
        if user is not None:
            state[TOKEN] = token
            return user
        # Revoked, expired or disabled: forget it here and in the browser (the cookie the browser sent when it
        # connected stays in st.context until the next reload, hence the flag).
        state.pop(TOKEN, None)
        state[_SIGNED_OUT] = True
        _queue_cookie(COOKIE, None)
        if not from_cookie or _sso_identity() is None:
            state[NOTICE] = ENDED
    return _sso_user()


def role() -> str:
    user = current_user()
    return user.role.value if user is not None else Role.viewer.value


def _client() -> str:
    """The browser's address: failed sign-ins slow down per client. Behind a reverse proxy, name the header it
    writes in ASSESSMENT_TRUSTED_PROXY_HEADER and the number of proxies in ASSESSMENT_TRUSTED_PROXY_HOPS."""
    try:
        peer, headers = st.context.ip_address, {str(k): str(v) for k, v in (st.context.headers or {}).items()}
    except Exception:  # noqa: BLE001 - AppTest and old Streamlit have no address
        peer, headers = None, {}
    hops = os.environ.get("ASSESSMENT_TRUSTED_PROXY_HOPS", "1")
    return client_address(
        str(peer) if peer else None,
        headers,
        os.environ.get("ASSESSMENT_TRUSTED_PROXY_HEADER"),
        int(hops) if hops.isdigit() else 1,
    )


def sign_in(name: str, password: str) -> User | None:
    """The user, or None when name and password do not match; SignInLocked after too many failures."""
    store = service.store()
    user = store.authenticate(name, password, client=_client())
    if user is not None:
        token = store.start_session(user)
        st.session_state[TOKEN] = token
        st.session_state.pop(NOTICE, None)
        st.session_state.pop(_SIGNED_OUT, None)
        _queue_cookie(COOKIE, token)
        _queue_cookie(NEXT_COOKIE, None, same_site="Lax")
    return user


def sign_out() -> None:
    token = st.session_state.pop(TOKEN, None)
    if token:
        service.store().end_session(token)
    st.session_state[_SIGNED_OUT] = True
    _queue_cookie(COOKIE, None)
    try:
        if st.user.is_logged_in:
            st.logout()
    except Exception:  # noqa: BLE001 - OIDC not configured
        pass


def continue_after_sso() -> str | None:
    """The page (url path with its query) a single sign-on started from, once, after the identity provider sent
    the person back to the start page; None otherwise."""
    state = st.session_state
    if state.get("_auth_next_done"):
        return None
    state["_auth_next_done"] = True
    target = _cookies().get(NEXT_COOKIE)
    if not target or _sso_identity() is None:
        return None
    _queue_cookie(NEXT_COOKIE, None, same_site="Lax")
    from urllib.parse import unquote

    return unquote(target)  # written with encodeURIComponent


def sign_in_form(key: str = "sign_in") -> None:
    """The password form (and the single sign-on button when configured). On success the page reruns where it
    is, so a staff page opened while signed out continues to that page."""
    from app_pages._ui import md, says, t

    with st.form(key):
        name = st.text_input(t("User name"), autocomplete="username")
        password = st.text_input(t("Password"), type="password", autocomplete="current-password")
        submitted = st.form_submit_button(t("Sign in"), type="primary")
    if submitted:
        try:
            signed_in = sign_in(name, password)
        except SignInLocked as exc:
            st.error(t("Sign-in is locked for a while: {reason}.").format(reason=says(exc)))
        except SignInBusy as exc:
            st.warning(says(exc))
        else:
            if signed_in is None:
                st.error(t("That user name and password do not match."))
            else:
                st.rerun()
    if sso_configured():
        if _sso_identity() is not None:
            st.warning(
                t(
                    "You are signed in with your organisation's account ({identity}), but no active user of "
                    "that e-mail address exists here. Ask an admin to add or enable it."
                ).format(identity=md(_sso_identity()))
            )
        elif st.button(t("Sign in with your organisation's account"), key=f"{key}_sso"):
            st.login()


def require_staff() -> User:
    """The signed-in staff member (editor, reviewer, admin). Anyone else sees the sign-in form in place of the
    page, and continues to this very page once signed in."""
    from app_pages._ui import md, t

    user = current_user()
    if user is not None and user.can_read_drafts():
        return user
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        st.warning(t(notice))
    st.title(t("Sign in to continue"))
    if user is None:
        st.caption(
            t(
                "This page is for policy staff. Sign in with an editor, reviewer or admin account; you will continue to this page."
            )
        )
        _remember_page_for_sso()
        sync_cookies()
        sign_in_form("sign_in_here")
    else:
        st.info(
            t(
                "{name} is a viewer: this page is for policy staff (editor, reviewer or admin). Ask an admin for a staff role."
            ).format(name=md(user.name))
        )
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises


def _remember_page_for_sso() -> None:
    """Remember this page (with its query) in a short-lived cookie, so single sign-on, which returns to the start
    page, can continue here."""
    if not sso_configured():
        return
    from urllib.parse import urlencode

    path = st.session_state.get(PAGE_PATH)
    query = urlencode(st.query_params.to_dict())
    target = f"{path}?{query}" if query else path
    if target and st.session_state.get("_auth_next_sent") != target:
        st.session_state["_auth_next_sent"] = target
        _queue_cookie(NEXT_COOKIE, target, max_age=600, same_site="Lax")
