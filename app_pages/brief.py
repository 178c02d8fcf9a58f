"""Brief: one printable page per country in plain language — where it stands, what is missing, which bill
fixes it, what happens next — with every source, as PDF and Word downloads too."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app_pages import _data, _ui
from app_pages._ui import t
from assessment.brief import brief_sections
from assessment.vocab import day

ws = _data.workspace()
catalog = ws.catalog
lang = _ui.lang()
today = dt.date.today()

st.html(_ui.PRINT_CSS)
if not catalog.countries:
    st.title(t("Brief"))
    _ui.empty(t(_ui.NO_COUNTRIES))
    st.stop()

c1, c2, c3 = st.columns([2, 2, 1])
iso = _ui.choose_country(catalog, where=c1)
treaty_id = _ui.choose_treaty(catalog, where=c2)
as_of = _ui.choose_date(t("As of"), "as_of", today, where=c3)

b = _data.brief(ws, iso, treaty_id, as_of, lang)
st.title(t("{country} and the {treaty}").format(country=b.name, treaty=b.treaty_short))
_ui.draft_warning([b.name] if _data.drafts(ws, [iso]) else [])
st.caption(
    t(
        "Readiness brief as of {date} · research last checked {checked} · "
        "scores count only law in force; pending bills are shown beside them, never blended in."
    ).format(date=day(as_of, lang), checked=day(b.researched, lang))
)

name = f"brief-{iso}-{treaty_id}-{as_of.isoformat()}-{lang}"
a, w, p, _ = st.columns([1, 1, 1, 2])
if _data.pdf_possible(lang):
    a.download_button(
        t("Download PDF"),
        data=lambda: _data.pdf(ws, iso, treaty_id, as_of, lang),
        file_name=f"{name}.pdf",
        mime="application/pdf",
        icon=":material/download:",
        on_click="ignore",
    )
else:
    a.button(
        t("PDF: no Korean font installed"),
        disabled=True,
        key="no_pdf",
        help=t(
            "The server has no font that covers Korean (fonts-nanum or fonts-noto-cjk, or ASSESSMENT_PDF_FONT), so a PDF would "
            "drop characters. Download the Word brief instead: it shows Korean in your own fonts."
        ),
    )
w.download_button(
    t("Download Word"),
    data=lambda: _data.docx(ws, iso, treaty_id, as_of, lang),
    file_name=f"{name}.docx",
    mime=_data.DOCX,
    icon=":material/download:",
    on_click="ignore",
    help=t("An editable Word document of this brief."),
)
with p:
    st.html(_ui.print_button(), unsafe_allow_javascript=True)  # constant markup with a catalogue label: no data text

for heading, lines in brief_sections(b):
    st.subheader(heading)
    bullets = []
    for line in lines:
        refs = " — " + "; ".join(_ui.source_md(s) for s in line.sources) if line.sources else ""
        lead = f"**{_ui.md(line.lead)}:** " if line.lead else ""
        bullets.append(f"- {lead}{_ui.md(line.text)}{refs}")
    st.markdown("\n".join(bullets))

st.divider()
st.page_link(
    _ui.COUNTRY,
    label=t("See the full country page"),
    icon=":material/arrow_back:",
    query_params=_ui.params(iso=iso, treaty=treaty_id, as_of=as_of.isoformat()),
)
