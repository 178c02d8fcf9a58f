"""Brief: one printable page per country in plain language — where it stands, what is missing, which bill
fixes it, what happens next — with every source, as a PDF download too."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app_pages import _data, _ui
from assessment.brief import brief_sections
from assessment.vocab import day

ws = _data.workspace()
catalog = ws.catalog
today = dt.date.today()

st.html(_ui.PRINT_CSS)
if not catalog.countries:
    st.title("Brief")
    _ui.empty(_ui.NO_COUNTRIES)
    st.stop()

c1, c2, c3 = st.columns([2, 2, 1])
iso = _ui.choose_country(catalog, where=c1)
treaty_id = _ui.choose_treaty(catalog, where=c2)
as_of = _ui.choose_date("As of", "as_of", today, where=c3)

b = _data.brief(ws, iso, treaty_id, as_of)
st.title(f"{b.name} and the {b.treaty_short}")
st.caption(f"Readiness brief as of {day(as_of)} · research last checked {day(b.researched)} · "
           "scores count only law in force; pending bills are shown beside them, never blended in.")

a, p, _ = st.columns([1, 1, 3])
a.download_button(
    "Download PDF", data=lambda: _data.pdf(ws, iso, treaty_id, as_of), file_name=f"brief-{iso}-{treaty_id}-{as_of.isoformat()}.pdf",
    mime="application/pdf", icon=":material/download:", on_click="ignore",
)
with p:
    st.html(_ui.PRINT_BUTTON, unsafe_allow_javascript=True)  # constant markup: no data text is ever placed here

for heading, lines in brief_sections(b):
    st.subheader(heading)
    bullets = []
    for line in lines:
        refs = " — " + "; ".join(_ui.source_md(s) for s in line.sources) if line.sources else ""
        lead = f"**{_ui.md(line.lead)}:** " if line.lead else ""
        bullets.append(f"- {lead}{_ui.md(line.text)}{refs}")
    st.markdown("\n".join(bullets))

st.divider()
st.page_link(_ui.COUNTRY, label="See the full country page", icon=":material/arrow_back:",
             query_params={"iso": iso, "treaty": treaty_id, "as_of": as_of.isoformat()})
