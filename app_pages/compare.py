"""Compare: every obligation of a treaty against every assessed country, by status. Click a cell to open
that country's obligation."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app_pages import _data, _ui
from app_pages._ui import t
from assessment.grids import ARTICLE, ARTICLE_WIDTH, COUNTRY_WIDTH, OBLIGATION, OBLIGATION_WIDTH
from assessment.vocab import STATUS_STYLE, article_label, coverage_note, kind_label

ws = _data.workspace()
catalog = ws.catalog
lang = _ui.lang()
content = _data.content(ws, lang)
today = dt.date.today()

st.title(t("Compare countries, obligation by obligation"))
if not catalog.countries:
    _ui.empty(t(_ui.NO_COUNTRIES))
    st.stop()

c1, c2, c3 = st.columns([2, 1, 1])
treaty_id = _ui.choose_treaty(catalog, where=c1)
as_of = _ui.choose_date(t("As of"), "as_of", today, where=c2)
with_bills = _ui.toggle(
    t("Count pending bills"),
    "bills",
    where=c3,
    help=t("Show what the map would look like if every pending bill were in force."),
)

meta = _data.obligation_meta(ws, treaty_id, lang)
f1, f2 = st.columns(2)
chapters = dict(zip(meta["chapter"], meta["chapter_label"]))
picked_chapters = f1.multiselect(t("Chapters"), list(chapters), format_func=chapters.get, placeholder=t("All chapters"))
kinds = sorted(meta["kind"].unique())
picked_kinds = f2.multiselect(
    t("Kinds of obligation"), kinds, placeholder=t("All kinds"), format_func=lambda k: kind_label(k, lang)
)
shown = _data.charts.filter_obligations(meta, picked_chapters, picked_kinds)

if shown.empty:
    _ui.empty(t("No obligation matches these filters. Clear a chapter or kind filter above."))
    st.stop()

names = _data.country_names(ws, lang)
assessed = tuple(sorted(ws.catalog.countries))
st.download_button(
    t("Download the comparison (Excel)"),
    data=lambda: _data.workbook(ws, assessed, treaty_id, as_of, lang),
    file_name=f"compare-{treaty_id}-{as_of.isoformat()}.xlsx",
    mime=_data.XLSX,
    icon=":material/download:",
    on_click="ignore",
    help=t("One workbook with a Comparison sheet and every assessed country's gaps and assessment."),
)
grid = _data.status_grid(ws, treaty_id, as_of, with_bills, picked_chapters, picked_kinds, lang)
_ui.draft_warning([names.get(iso, iso) for iso in _data.drafts(ws, grid.countries)])
shares = {
    iso: coverage_note(r.coverage, r.verified_share, lang)
    for iso, r in ((iso, _data.score(ws, iso, treaty_id, as_of)) for iso in grid.countries)
}
st.caption(
    t(
        "Each cell names the country's status, with its symbol and colour: {legend}. Click a country's cell to open that obligation."
    ).format(legend=" · ".join(s.badge_in(lang) for s in STATUS_STYLE.values()))
)
column_config = {
    ARTICLE: st.column_config.TextColumn(t("Article"), width=ARTICLE_WIDTH, pinned=True),
    OBLIGATION: st.column_config.TextColumn(t("Obligation"), width=OBLIGATION_WIDTH, pinned=True),
    **{
        iso: st.column_config.TextColumn(
            name,
            width=COUNTRY_WIDTH,
            help=t("{country}: click a cell to open that obligation").format(country=name) + f" ({shares[iso]})",
        )
        for iso, name in grid.countries.items()
    },
}
event = st.dataframe(
    grid.styled(),
    key="status_grid",
    on_select="rerun",
    selection_mode="single-cell",
    hide_index=True,
    width="stretch",
    height="content",
    column_config=column_config,
)
# How much of each country was read, under the grid (a low status count may mean 'not read yet').
st.caption(" · ".join(f"**{_ui.md(name)}**: {_ui.md(shares[iso])}" for iso, name in grid.countries.items()))

cells = event.selection.cells if event else []
picked = grid.at(*cells[0]) if cells else None
if picked:
    iso, obligation = picked
    st.switch_page(
        _ui.COUNTRY, query_params=_ui.params(iso=iso, treaty=treaty_id, as_of=as_of.isoformat(), obligation=obligation)
    )

# Details on demand: the controls are built and drawn only while the expander is open.
by_hand = st.expander(t("Open a cell by choosing from lists"), key="cell_by_hand_open", on_change="rerun")
if by_hand.open:
    with by_hand:
        a, o, go = st.columns([1, 2, 1])
        iso = a.selectbox(
            t("Country"),
            sorted(catalog.countries),
            format_func=lambda c: names.get(c, c),
            placeholder=t("Choose an option"),
        )
        obligation = o.selectbox(
            t("Obligation"),
            list(shown["id"]),
            placeholder=t("Choose an option"),
            format_func=lambda i: (
                f"{article_label(catalog.obligations[i].article, lang)} {content.obligation_title(i)}"
            ),
        )
        go.page_link(
            _ui.COUNTRY,
            label=t("Open"),
            icon=":material/open_in_new:",
            query_params=_ui.params(iso=iso, treaty=treaty_id, as_of=as_of.isoformat(), obligation=obligation),
        )
