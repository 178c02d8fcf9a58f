"""Accession Readiness dashboard (placeholder until the dashboard issue): shows that the data loads and scores.

Reads only from `assessment`; no score is computed here.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from assessment.catalog import load_catalog
from assessment.problems import CatalogInvalid
from assessment.scoring import Engine

st.set_page_config(page_title="Accession Readiness", layout="wide")
st.title("Accession Readiness")

try:
    catalog = load_catalog()
except CatalogInvalid as exc:
    st.error("The checklists or country data did not validate. Fix these problems, then reload:")
    st.code("\n".join(str(p) for p in exc.problems), language=None)
    st.stop()

engine = Engine.from_catalog(catalog)
as_of = st.date_input("As of", value=dt.date.today())
table = engine.score_all(as_of).treaties
projected = engine.score_all(as_of, with_bills=True).treaties
table["score_with_bills"] = projected["score"]
st.caption("Scores count only law in force on the chosen date; 'with bills' counts pending bills as if passed.")
st.dataframe(table, hide_index=True)
