"""Overview: who has joined the chosen treaty (world map), and how ready the assessed countries are."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app_pages import _auth, _data, _ui
from app_pages._ui import t
from assessment.vocab import RegisterStatus, day, register_badge

ws = _data.workspace()
treaties = ws.catalog.treaties
lang = _ui.lang()
content = _data.content(ws, lang)
today = dt.date.today()

st.title(t("Accession readiness at a glance"))
left, right = st.columns([2, 1])
treaty_id = _ui.choose(
    t("Treaty"),
    sorted(treaties),
    "treaty",
    "ets185",
    where=left,
    format_func=lambda tid: f"{content.treaty_short(tid)} ({treaties[tid].series})",
)
short = content.treaty_short(treaty_id)
# ?as_of= is honoured (a shared link to a past date shows that date), never silently kept in the URL and ignored.
as_of = _ui.choose_date(t("As of"), "as_of", today, where=right, help=t("Scores count law in force on this date."))
right.caption(t("Scores count law in force on {date}. Status from the treaty register.").format(date=day(as_of, lang)))

register, ranking, world = _data.overview(ws, treaty_id, as_of, lang)
_ui.draft_warning([content.country_name(iso) for iso in _data.drafts(ws, ws.catalog.countries)])

NO_REGISTER = t(
    "Who has signed or joined the {treaty} is not recorded here yet, so no Party, signatory or "
    "invited State is counted or drawn."
).format(treaty=short)
if register.empty:  # no counts of 0: nothing was recorded, which is not the same as no Party
    st.metric(t("◆ Assessed countries"), int(ranking["score"].notna().sum()))
else:
    counts = register["status"].value_counts()
    cols = st.columns(4)
    for col, status in zip(cols[:3], (RegisterStatus.party, RegisterStatus.signatory, RegisterStatus.invited)):
        col.metric(register_badge(status, lang), int(counts.get(status.value, 0)))
    cols[3].metric(t("◆ Assessed countries"), int(ranking["score"].notna().sum()))

if register.empty and ranking["score"].notna().sum() == 0:
    _ui.empty(
        t(
            "Who has signed or joined the {treaty} is not recorded here yet, so no Party, signatory or invited State is counted "
            "or drawn. No country has been assessed against it either. Pick another treaty above."
        ).format(treaty=short)
    )
else:
    if register.empty:
        _ui.empty(
            t(
                "Who has signed or joined the {treaty} is not recorded here yet, so no Party, signatory or invited State is "
                "counted or drawn. The map shows readiness scores only."
            ).format(treaty=short)
        )
    clicked = _ui.plotly(world, key="world_map", on_select="rerun", selection_mode="points")
    st.caption(t("Click a country or a marker to open its page."))
    picked_iso = _ui.clicked_country(clicked, world)
    if picked_iso:
        st.switch_page(
            _ui.COUNTRY, query_params={"iso": picked_iso, "treaty": treaty_id, "as_of": as_of.isoformat(), "lang": lang}
        )

st.subheader(t("Ranking of assessed countries"))
if ranking.empty:
    _ui.empty(t(_ui.NO_COUNTRIES))
else:
    table = ranking.assign(
        score=ranking["score"] * 100,
        score_with_bills=ranking["score_with_bills"] * 100,
        coverage=ranking["coverage"] * 100,
        verified=ranking["verified"] * 100,
        open=[_ui.link("country", iso=c, treaty=treaty_id, as_of=as_of.isoformat()) for c in ranking["country"]],
        brief=[_ui.link("brief", iso=c, treaty=treaty_id, as_of=as_of.isoformat()) for c in ranking["country"]],
    )
    picked = st.dataframe(
        table[
            [
                "name",
                "status_label",
                "score",
                "score_with_bills",
                "coverage",
                "verified",
                "assessment",
                "critical_gaps",
                "open",
                "brief",
            ]
        ],
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="ranking",
        column_config={
            "name": t("Country"),
            "status_label": t("Treaty status"),
            "score": st.column_config.ProgressColumn(t("Readiness now"), format="%.0f%%", min_value=0, max_value=100),
            "score_with_bills": st.column_config.ProgressColumn(
                t("If bills pass"), format="%.0f%%", min_value=0, max_value=100
            ),
            "coverage": st.column_config.NumberColumn(t("Assessed"), format="%.0f%%"),
            "verified": st.column_config.NumberColumn(
                t("Verified"),
                format="%.0f%%",
                help=t("Of the assessed elements, the share resting on facts read in the law itself."),
            ),
            "assessment": t("Assessment"),
            "critical_gaps": st.column_config.NumberColumn(t("Critical gaps")),
            "open": st.column_config.LinkColumn(t("Country page"), display_text=t("open")),
            "brief": st.column_config.LinkColumn(t("Brief"), display_text=t("brief")),
        },
    )
    st.caption(
        t(
            "Select a row to open that country. Readiness counts only law in force; "
            "'If bills pass' counts pending bills as if they were in force."
        )
    )
    rows = picked.selection.rows if picked else []
    if rows:
        st.switch_page(
            _ui.COUNTRY,
            query_params=_ui.params(iso=ranking["country"][rows[0]], treaty=treaty_id, as_of=as_of.isoformat()),
        )

# Details on demand: the register table is built and drawn only while its expander is open.
register_box = st.expander(
    t("Treaty register: {n} States with their sources").format(n=len(register)), key="register_open", on_change="rerun"
)
if register_box.open:
    with register_box:
        if register.empty:
            _ui.empty(NO_REGISTER)
        else:
            st.dataframe(
                register[["name", "status_label", "signature", "ratification", "source", "source_url", "verified"]],
                hide_index=True,
                width="stretch",
                column_config={
                    "name": t("State"),
                    "status_label": t("Status"),
                    "signature": t("Signature"),
                    "ratification": t("Ratification"),
                    "source": t("Source"),
                    "source_url": st.column_config.LinkColumn(t("Link"), display_text=t("open source")),
                    "verified": st.column_config.CheckboxColumn(t("Verified")),
                },
            )
            reader = _auth.current_user()
            if (
                ws.catalog.registers.get(treaty_id)
                and ws.catalog.registers[treaty_id].note
                and reader is not None
                and reader.can_read_drafts()
            ):
                st.caption(
                    _ui.md(ws.catalog.registers[treaty_id].note)
                )  # a research note (field names, sources read): staff only
