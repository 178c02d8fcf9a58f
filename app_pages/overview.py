"""Overview: who has joined the chosen treaty (world map), and how ready the assessed countries are."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app_pages import _data, _ui
from assessment.vocab import REGISTER_STYLE, RegisterStatus

ws = _data.workspace()
treaties = ws.catalog.treaties
today = dt.date.today()

st.title("Accession readiness at a glance")
left, right = st.columns([2, 1])
treaty_id = _ui.choose(
    "Treaty", sorted(treaties), "treaty", "ets185", where=left,
    format_func=lambda t: f"{treaties[t].short_title} ({treaties[t].series})",
)
treaty = treaties[treaty_id]
right.caption(f"Scores count law in force on {today:%d %b %Y}. Status from the treaty register.")

register, ranking, world = _data.overview(ws, treaty_id, today)

NO_REGISTER = (f"Who has signed or joined the {treaty.short_title} is not recorded here yet, so no Party, signatory or "
               "invited State is counted or drawn.")
if register.empty:  # no counts of 0: nothing was recorded, which is not the same as no Party
    st.metric("◆ Assessed countries", int(ranking["score"].notna().sum()))
else:
    counts = register["status"].value_counts()
    cols = st.columns(4)
    for col, status in zip(cols[:3], (RegisterStatus.party, RegisterStatus.signatory, RegisterStatus.invited)):
        col.metric(REGISTER_STYLE[status].badge, int(counts.get(status.value, 0)))
    cols[3].metric("◆ Assessed countries", int(ranking["score"].notna().sum()))

if register.empty and ranking["score"].notna().sum() == 0:
    _ui.empty(f"{NO_REGISTER} No country has been assessed against it either. Pick another treaty above.")
else:
    if register.empty:
        _ui.empty(f"{NO_REGISTER} The map shows readiness scores only.")
    _ui.plotly(world, key="world_map")

st.subheader("Ranking of assessed countries")
if ranking.empty:
    _ui.empty(_ui.NO_COUNTRIES)
else:
    table = ranking.assign(
        score=ranking["score"] * 100, score_with_bills=ranking["score_with_bills"] * 100, coverage=ranking["coverage"] * 100,
        open=[f"country?iso={c}&treaty={treaty_id}" for c in ranking["country"]],
        brief=[f"brief?iso={c}&treaty={treaty_id}" for c in ranking["country"]],
    )
    picked = st.dataframe(
        table[["name", "status_label", "score", "score_with_bills", "coverage", "critical_gaps", "open", "brief"]],
        hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row", key="ranking",
        column_config={
            "name": "Country",
            "status_label": "Treaty status",
            "score": st.column_config.ProgressColumn("Readiness now", format="%.0f%%", min_value=0, max_value=100),
            "score_with_bills": st.column_config.ProgressColumn("If bills pass", format="%.0f%%", min_value=0, max_value=100),
            "coverage": st.column_config.NumberColumn("Assessed", format="%.0f%%"),
            "critical_gaps": st.column_config.NumberColumn("Critical gaps"),
            "open": st.column_config.LinkColumn("Country page", display_text="open"),
            "brief": st.column_config.LinkColumn("Brief", display_text="brief"),
        },
    )
    st.caption("Select a row to open that country. Readiness counts only law in force; "
               "'If bills pass' counts pending bills as if they were in force.")
    rows = picked.selection.rows if picked else []
    if rows:
        st.switch_page(_ui.COUNTRY, query_params={"iso": ranking["country"][rows[0]], "treaty": treaty_id})

# Details on demand: the register table is built and drawn only while its expander is open.
register_box = st.expander(f"Treaty register: {len(register)} States with their sources", key="register_open", on_change="rerun")
if register_box.open:
    with register_box:
        if register.empty:
            _ui.empty(NO_REGISTER)
        else:
            st.dataframe(
                register[["name", "status_label", "signature", "ratification", "source", "source_url", "verified"]],
                hide_index=True, width="stretch",
                column_config={
                    "name": "State", "status_label": "Status", "source": "Source",
                    "source_url": st.column_config.LinkColumn("Link", display_text="open source"),
                    "verified": st.column_config.CheckboxColumn("Verified"),
                },
            )
            if ws.catalog.registers.get(treaty_id) and ws.catalog.registers[treaty_id].note:
                st.caption(_ui.md(ws.catalog.registers[treaty_id].note))
