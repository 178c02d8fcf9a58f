"""Accession Readiness dashboard: the router. It sets the reader's language, builds the page list for the
signed-in role and runs the chosen page; the pages live in app_pages/ and read everything from assessment/
through app_pages/_data.py.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import streamlit as st

from app_pages import _auth, _ui
from app_pages._data import show_catalog_problems, workspace
from app_pages._nav import PAGES, SIGNED_IN_TITLE, SIGNIN_PATH, current_role, visible_to
from assessment.problems import CatalogInvalid

# No icons on pages or tab: Streamlit turns a Material icon into a favicon fetched from a font CDN.
st.set_page_config(page_title=_ui.t("Accession Readiness"), layout="wide")
_ui.language_switch()
role = current_role()
# Every page is registered, so a shared link to a staff page opens it (showing the sign-in form in place when
# needed); the menu lists only what this role can use.
signed_in = _auth.current_user() is not None


def title(spec) -> str:
    """The menu title; the sign-in page reads 'Your account' once someone is signed in."""
    return _ui.t(SIGNED_IN_TITLE) if signed_in and spec.url_path == SIGNIN_PATH else _ui.t(spec.title)


pages = {
    p.url_path: st.Page(
        p.file,
        title=title(p),
        url_path=p.url_path,
        default=p.default,
        visibility="visible" if visible_to(p, role) else "hidden",
    )
    for p in PAGES
}
page = st.navigation(list(pages.values()))
st.session_state[_auth.PAGE_PATH] = page.url_path
_auth.sync_cookies()
target = _auth.continue_after_sso()
if target and page.url_path in ("", "overview"):  # single sign-on came back to the start page: go where it began
    parts = urlsplit(target)
    if parts.path in pages:
        st.switch_page(pages[parts.path], query_params=dict(parse_qsl(parts.query)))
try:
    workspace()
except CatalogInvalid as exc:
    show_catalog_problems(exc)  # file:line: field: reason for every problem, instead of a stack trace
    st.stop()
page.run()
