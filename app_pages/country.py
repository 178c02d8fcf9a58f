"""Country: the score on a chosen date and with the bills, scores per chapter, the critical gaps with the
provisions and bills behind them, the timeline, and planned reservations and declarations. Every fact shows
its source and whether it was verified."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from app_pages import _data, _ui
from assessment.brief import ElementFact, ProvisionFact, no_bill_text, no_law_text, obligation_elements
from assessment.vocab import REGISTER_STYLE, day, percent, status_badge, verified_mark

ws = _data.workspace()
catalog = ws.catalog
today = dt.date.today()

if not catalog.countries:
    st.title("Country")
    _ui.empty(_ui.NO_COUNTRIES)
    st.stop()

c1, c2, c3 = st.columns([2, 2, 1])
iso = _ui.choose_country(catalog, where=c1)
treaty_id = _ui.choose_treaty(catalog, where=c2)
as_of = _ui.choose_date("As of", "as_of", today, where=c3, help="Compare a past date with today: the score counts law in force on this date.")

b = _data.brief(ws, iso, treaty_id, as_of)
st.title(f"{b.name} and the {b.treaty_short}")
if b.register_source is None:
    st.markdown(f"**Status under the {_ui.md(b.treaty_short)} not recorded**: the treaty register read holds no entry for this country.")
else:
    standing = REGISTER_STYLE[b.register_status].badge + (f" since {day(b.register_since)}" if b.register_since else "")
    st.markdown(f"**{_ui.md(standing)}** — {_ui.source_md(b.register_source)}")
if b.summary:
    st.caption(_ui.md(b.summary))

m = st.columns(5)
m[0].metric(f"Readiness on {as_of:%d %b %Y}", percent(b.score), help="Law in force on the chosen date.")
now = _data.brief(ws, iso, treaty_id, today) if as_of != today else b
if as_of != today:
    change = None if b.score is None or now.score is None else round((now.score - b.score) * 100)
    delta = f"{change:+d} points since then" if change else None
    m[1].metric("Readiness today", percent(now.score), delta=delta)
else:
    m[1].metric("Readiness today", percent(now.score))
m[2].metric("If the pending bills pass", percent(b.score_with_bills), help="Counts bills pending on the chosen date as if in force; never blended into the score.")
m[3].metric("Checklist assessed", percent(b.coverage), help="Share of elements with a finding or a judgment.")
m[4].metric("Critical gaps", len(b.gaps))
carried = _data.score(ws, iso, treaty_id, as_of).carried
if carried:
    own = sum(1 for _, capped in carried.values() if capped)
    st.info(_ui.md(f"{len(carried)} element(s) of this treaty are carried over from the Budapest Convention (ETS 185) through "
                   f"the crosswalk, not assessed here; {own} of them need their own assessment beyond what ETS 185 covers. "
                   "Look closer at an obligation to see each one and open its basis."))
st.download_button(
    "Download the gap report (Excel)", data=lambda: _data.workbook(ws, (iso,), treaty_id, as_of),
    file_name=f"gaps-{iso}-{treaty_id}-{as_of.isoformat()}.xlsx", mime=_data.XLSX, icon=":material/download:", on_click="ignore",
    help="README, Summary, Gaps, the editable Assessment sheet, Provisions, Bills and Sources. Staff can edit it and bring it back on the Import page.",
)

# Opened from a heatmap cell (or a shared link): one obligation in detail.
obligations = [o.id for o in catalog.treaty(treaty_id).obligations() if o.elements]
focus = _ui.choose("Look closer at an obligation", ["", *obligations], "obligation", "",
                   format_func=lambda o: "— pick one to see its elements —" if not o else f"Art. {catalog.obligations[o].article} {catalog.obligations[o].title}")


def element_rows(facts: list[ElementFact]) -> pd.DataFrame:
    rows = []
    for e in facts:
        first = e.provisions[0].source if e.provisions else e.judgment_source
        rows.append({
            "status": status_badge(e.status), "element": e.text, "core": e.core,
            "law": "; ".join(f"{p.citation} ({p.stage_text}, {p.extent})" for p in e.provisions) or (e.judgment or "none found"),
            "bills": "; ".join(f"{p.bill_label}: {p.stage_text}" for p in e.bills),
            "source": first.title if first else "", "link": first.url if first else None,
            "verified": verified_mark(bool(first and first.verified)),
            "carried": e.carried_text or "",
            "basis": _ui.page_url(_ui.COUNTRY, iso=iso, treaty=e.carried_from[0][1].split(".")[0], as_of=as_of.isoformat(),
                                  obligation=e.carried_from[0][1]) if e.carried_from else None,
        })
    return pd.DataFrame(rows)


ELEMENT_COLUMNS = {
    "status": "Status", "element": st.column_config.TextColumn("What the treaty asks", width="large"), "core": "Core",
    "law": st.column_config.TextColumn("National law", width="medium"), "bills": "Pending bills", "source": "Source",
    "link": st.column_config.LinkColumn("Link", display_text="open source"), "verified": "Checked",
    "carried": st.column_config.TextColumn("Carried over", width="medium"),
    "basis": st.column_config.LinkColumn("Basis", display_text="open the ETS 185 element"),
}

if focus:
    o = catalog.obligations[focus]
    with st.container(border=True):
        st.subheader(f"Art. {o.article} {o.title}")
        st.caption(_ui.md(o.summary))
        st.dataframe(element_rows(obligation_elements(catalog, _data.score(ws, iso, treaty_id, as_of), focus)),
                     hide_index=True, width="stretch", column_config=ELEMENT_COLUMNS)

st.subheader("Scores per chapter")
_ui.plotly(_data.chapter_figure(ws, iso, treaty_id, as_of, today), key="chapters")

st.subheader(f"Critical gaps on {as_of:%d %b %Y}")
if not b.gaps:
    _ui.empty("No critical gap on this date. Pick an earlier date to see what was missing, or open the Compare page.")


def provision_line(p: ProvisionFact) -> str:
    return f"- **{_ui.md(p.citation)}**, {_ui.md(p.stage_text)} — {_ui.source_md(p.source)}"


for g in b.gaps:
    with st.container(border=True):
        # one Markdown element per card, not five: each element costs the browser a render of its own
        parts = [f"#### {_ui.md(status_badge(g.status))} · Art\\. {_ui.md(g.article)} {_ui.md(g.title)}"]
        parts.append("**Elements not met**\n" + "\n".join(
            f"- {_ui.md(status_badge(e.status))}{' (core)' if e.core else ''}: {_ui.md(e.text)}"
            + (f" — *{_ui.md(e.carried_text)}*" if e.carried_text else "") for e in g.elements))
        law = [provision_line(p) for p in g.in_force + g.ended]
        law += [f"- Assessor's judgment: {_ui.md(reason)} — {_ui.source_md(src)}" for reason, src in g.judgments]
        parts.append(f"**National law on {as_of:%d %b %Y}**\n" + ("\n".join(law) if law else f"- {_ui.md(no_law_text(g))}"))
        if g.bills:
            parts.append("**Bill that would close it**\n" + "\n".join(
                f"- **{_ui.md(bill.bill_label)}**, {_ui.md(bill.stage_text)}: {_ui.md(bill.summary)} — {_ui.source_md(bill.source)}"
                for bill in g.bills))
        else:
            parts.append(f"**Bill that would close it**\n- *{_ui.md(no_bill_text(g))}*")
        if g.later:
            parts.append(f"**Since {as_of:%d %b %Y}**\n" + "\n".join(
                f"- **{_ui.md(p.citation)}**: {_ui.md(p.history)} — {_ui.source_md(p.source)}" for p in g.later))
        st.markdown("\n\n".join(parts))
        st.page_link(_ui.COUNTRY, label="Look closer at this obligation", icon=":material/zoom_in:",
                     query_params={"iso": iso, "treaty": treaty_id, "as_of": as_of.isoformat(), "obligation": g.obligation})

st.subheader("Timeline: accession steps and law changes")
if not b.events:
    _ui.empty("No events recorded for this country. Add `events:` to its data file (docs/data-format.md).")
else:
    events, figure = _data.timeline(ws, iso, treaty_id, as_of)
    _ui.plotly(figure, key="timeline")
    # Details on demand: the table of every step and its source is built and drawn only while it is open.
    steps = st.expander(f"Every step with its source ({len(events)})", key="timeline_table_open", on_change="rerun")
    if steps.open:
        with steps:
            st.dataframe(events[["when", "step", "title", "source", "link", "checked"]], hide_index=True, width="stretch",
                         column_config={"when": "Date", "step": "Step", "title": st.column_config.TextColumn("What happened", width="large"),
                                        "source": "Source", "link": st.column_config.LinkColumn("Link", display_text="open source"),
                                        "checked": "Checked"})

st.subheader("Planned reservations and declarations")
if not b.hooks:
    _ui.empty("None recorded. Add `planned_hooks:` to the country file when the government says what it will reserve or declare.")
else:
    st.dataframe(
        pd.DataFrame([{"kind": h.kind, "basis": f"{h.basis}, {h.paragraph}", "summary": h.summary, "effect": h.effect,
                       "note": h.note, "source": h.source.title, "link": h.source.url,
                       "checked": verified_mark(h.source.verified)} for h in b.hooks]),
        hide_index=True, width="stretch",
        column_config={"kind": "Kind", "basis": "Allowed by", "summary": st.column_config.TextColumn("What it allows", width="large"),
                       "effect": "Effect", "note": "Why", "source": "Source",
                       "link": st.column_config.LinkColumn("Link", display_text="open source"), "checked": "Checked"},
    )

st.page_link(_ui.BRIEF, label="Printable brief for an aide", icon=":material/description:",
             query_params={"iso": iso, "treaty": treaty_id, "as_of": as_of.isoformat()})
st.caption(f"Research last checked {day(b.researched)}.")
