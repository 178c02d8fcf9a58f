"""Accession Readiness dashboard: the router. It sets the reader's language, builds the page list for the
signed-in role and runs the chosen page; the pages live in app_pages/ and read everything from assessment/
through app_pages/_data.py.
"""

from __future__ import annotations

import streamlit as st

from app_pages import _ui
from app_pages._data import show_catalog_problems, workspace
from app_pages._nav import current_role, pages_for
from assessment.problems import CatalogInvalid

# No icons on pages or tab: Streamlit turns a Material icon into a favicon fetched from a font CDN.
st.set_page_config(page_title=_ui.t("Accession Readiness"), layout="wide")
_ui.language_switch()
page = st.navigation([st.Page(p.file, title=_ui.t(p.title), url_path=p.url_path, default=p.default) for p in pages_for(current_role())])
try:
    workspace()
except CatalogInvalid as exc:
    show_catalog_problems(exc)  # file:line: field: reason for every problem, instead of a stack trace
    st.stop()
page.run()
