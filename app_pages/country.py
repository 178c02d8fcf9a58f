"""Country: the score on a chosen date and with the bills, scores per chapter, the critical gaps with the
provisions and bills behind them, the timeline, and planned reservations and declarations. Every fact shows
its source and whether it was verified."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from app_pages import _data, _ui
from app_pages._ui import t
from assessment.brief import (
    PRECEDENTS_LEAD,
    ElementFact,
    GapFact,
    ProvisionFact,
    no_bill_text,
    no_law_text,
    obligation_elements,
    other_view_lines,
    precedent_provision_text,
)
from assessment.charts import register_frame
from assessment.i18n import N_
from assessment.vocab import (
    DRAFT_MARK,
    REGISTER_STYLE,
    RegisterStatus,
    article_label,
    coverage_note,
    day,
    legal_system_label,
    percent,
    register_badge,
    status_badge,
    verified_mark,
)

ws = _data.workspace()
catalog = ws.catalog
lang = _ui.lang()
content = _data.content(ws, lang)
today = dt.date.today()

if not catalog.countries:
    st.title(t("Country"))
    _ui.empty(t(_ui.NO_COUNTRIES))
    st.stop()

asked = (st.query_params.get("iso") or "").upper()
if asked and asked not in catalog.countries and asked in _data.country_names(ws):
    # On a treaty register but not assessed: its treaty status with the source, never another country's data.
    st.title(content.country_name(asked, _data.country_names(ws)[asked]))
    st.info(t("Not assessed yet: there is no assessment of this country's law. Its treaty status is below."))
    for tid in sorted(catalog.registers):
        frame = register_frame(catalog.registers[tid])
        rows = frame[frame["iso3"] == asked]
        if rows.empty:
            continue
        r = rows.iloc[0]
        dates = ", ".join(
            t(label).format(date=v)
            for label, v in ((N_("signed {date}"), r["signature"]), (N_("ratified {date}"), r["ratification"]))
            if v is not None and str(v) != "NaT"
        )
        link = f"[{_ui.md(r['source'])}]({_ui.safe_url(r['source_url'])})" if r["source_url"] else _ui.md(r["source"])
        st.markdown(
            f"**{_ui.md(content.treaty_short(tid))}**: {_ui.md(REGISTER_STYLE[RegisterStatus(r['status'])].badge_in(lang))}"
            + (f" ({_ui.md(dates)})" if dates else "")
            + f" — {link} · {verified_mark(bool(r['verified']), lang)}"
        )
    st.page_link(_ui.OVERVIEW, label=t("Back to the map"), query_params=_ui.params())
    st.stop()

c1, c2, c3 = st.columns([2, 2, 1])
iso = _ui.choose_country(catalog, where=c1)
treaty_id = _ui.choose_treaty(catalog, where=c2)

# What does not depend on the date is drawn once per page run; a date change reruns only `dated` below.
current = _data.brief(ws, iso, treaty_id, today, lang)  # the brief today
st.title(t("{country} and the {treaty}").format(country=current.name, treaty=current.treaty_short))
if current.register_source is None:
    st.markdown(
        t(
            "**Status under the {treaty} not recorded**: the treaty register read holds no entry for this country."
        ).format(treaty=_ui.md(current.treaty_short))
    )
else:
    standing = register_badge(current.register_status, lang) + (
        t(" since {date}").format(date=day(current.register_since, lang)) if current.register_since else ""
    )
    st.markdown(f"**{_ui.md(standing)}** — {_ui.source_md(current.register_source)}")
if current.summary:
    st.caption(_ui.md(current.summary))


def obligation_label(oid: str) -> str:
    o = catalog.obligations[oid]
    return f"{article_label(o.article, lang)} {content.obligation_title(o)}"


def element_rows(facts: list[ElementFact], as_of: dt.date) -> pd.DataFrame:
    rows = []
    for e in facts:
        first = e.provisions[0].source if e.provisions else e.judgment_source
        rows.append(
            {
                "status": status_badge(e.status, lang),
                "element": e.text,
                "core": e.core,
                "law": "; ".join(f"{p.citation} ({p.stage_text}, {p.extent})" for p in e.provisions)
                or (e.judgment or t("none found")),
                "bills": "; ".join(f"{p.bill_label}: {p.stage_text}" for p in e.bills),
                "source": first.title if first else "",
                "link": first.url if first else None,
                "verified": verified_mark(bool(first and first.verified), lang),
                "carried": e.carried_text or "",
                "basis": _ui.page_url(
                    _ui.COUNTRY,
                    iso=iso,
                    treaty=e.carried_from[0][1].split(".")[0],
                    as_of=as_of.isoformat(),
                    obligation=e.carried_from[0][1],
                )
                if e.carried_from
                else None,
            }
        )
    return pd.DataFrame(rows)


ELEMENT_COLUMNS = {
    "status": t("Status"),
    "element": st.column_config.TextColumn(t("What the treaty asks"), width="large"),
    "core": t("Core"),
    "law": st.column_config.TextColumn(t("National law"), width="medium"),
    "bills": t("Pending bills"),
    "source": t("Source"),
    "link": st.column_config.LinkColumn(t("Link"), display_text=t("open source")),
    "verified": t("Checked"),
    "carried": st.column_config.TextColumn(t("Carried over"), width="medium"),
    "basis": st.column_config.LinkColumn(t("Basis"), display_text=t("open the ETS 185 element")),
}


def provision_line(p: ProvisionFact) -> str:
    return f"- **{_ui.md(p.citation)}**, {_ui.md(p.stage_text)} — {_ui.source_md(p.source)}"


def gap_label(g: GapFact) -> str:
    """A gap at a glance, in the card's one line: status, article and title, and the bill that would close it."""
    closing = g.bills[0].stage_text if g.bills else t("no bill yet")
    return t("{status} · {article} {title} — {closing}").format(
        status=status_badge(g.status, lang), article=article_label(g.article, lang), title=g.title, closing=closing
    )


def gap_details(g: GapFact, as_of: dt.date) -> str:
    """The card's details: elements not met, the law on the date, the bill, what changed since (one Markdown)."""
    core, not_met = t(" (core)"), t("Elements not met")
    parts = [
        f"**{not_met}**\n"
        + "\n".join(
            f"- {_ui.md(status_badge(e.status, lang))}{core if e.core else ''}: {_ui.md(e.text)}"
            + (f" — *{_ui.md(e.carried_text)}*" if e.carried_text else "")
            for e in g.elements
        )
    ]
    law = [provision_line(p) for p in g.in_force + g.ended]
    judged = t("Assessor's judgment")
    written = (
        ""
        if current.assessed_on is None or current.assessed_on <= as_of
        else " " + t("(assessed {date})").format(date=day(current.assessed_on, lang))
    )
    law += [f"- {judged}{written}: {_ui.md(reason)} — {_ui.source_md(src)}" for reason, src in g.judgments]
    law_on = t("National law on {date}").format(date=day(as_of, lang))
    closing = t("Bill that would close it")
    parts.append(f"**{law_on}**\n" + ("\n".join(law) if law else f"- {_ui.md(no_law_text(g, lang))}"))
    if g.bills:
        parts.append(
            f"**{closing}**\n"
            + "\n".join(
                f"- **{_ui.md(bill.bill_label)}**, {_ui.md(bill.stage_text)}: {_ui.md(bill.summary)} — {_ui.source_md(bill.source)}"
                for bill in g.bills
            )
        )
    else:
        parts.append(f"**{closing}**\n- *{_ui.md(no_bill_text(g, lang))}*")
    if g.later:
        since = t("Since {date}").format(date=day(as_of, lang))
        parts.append(
            f"**{since}**\n"
            + "\n".join(f"- **{_ui.md(p.citation)}**: {_ui.md(p.history)} — {_ui.source_md(p.source)}" for p in g.later)
        )
    return "\n\n".join(parts)


def precedents_block(found: list, obligation: str, as_of: dt.date) -> None:
    """'How Parties provide it' (외국 입법례): the best Parties side by side, each opening that Party's obligation."""
    st.markdown(f"**{t(PRECEDENTS_LEAD)}**")
    if not found:
        st.caption(t("No assessed Party's law in force meets this element yet."))
        return
    for column, p in zip(st.columns(len(found)), found):
        with column.container(border=True):
            st.page_link(
                _ui.COUNTRY,
                label=p.name,
                query_params=_ui.params(
                    iso=p.country, treaty=treaty_id, as_of=as_of.isoformat(), obligation=obligation
                ),
            )
            st.caption(
                _ui.md(
                    f"{status_badge(p.status, lang)} · {verified_mark(p.verified, lang)}"
                    + (f" · {legal_system_label(p.legal_system, lang)}" if p.legal_system else "")
                )
            )
            st.markdown("\n".join(f"- {_ui.md(precedent_provision_text(pr, lang))}" for pr in p.provisions))


def other_views(b) -> None:
    """Others' statements on readiness said by the date, each beside this assessment: where it differs, why."""
    st.subheader(t("Other views"))
    for line in other_view_lines(b):
        lead = f"**{_ui.md(line.lead)}**: " if line.lead else ""
        sources = " · ".join(_ui.source_md(s) for s in line.sources)
        st.markdown(f"- {lead}{_ui.md(line.text)}" + (f" — {sources}" if sources else ""))


@st.fragment
def dated() -> None:
    """Everything that depends on the as-of date (or on the obligation looked at): a change of either reruns this
    part only, so the browser redraws what changed and nothing else. The date control sits in the top row."""
    as_of = _ui.choose_date(
        t("As of"),
        "as_of",
        today,
        where=c3,
        help=t("Compare a past date with today: the score counts law in force on this date."),
    )
    b = _data.brief(ws, iso, treaty_id, as_of, lang)
    if _data.drafts(ws, [iso]):
        approved_score = _data.approved_score(iso, treaty_id, as_of)
        st.warning(
            t(
                "**{mark}**: you see the working assessment of {country}. Approved readiness on {date}: **{approved}** (draft: {draft}). "
                "Aides see the approved one."
            ).format(
                mark=_ui.md(t(DRAFT_MARK).capitalize()),
                country=_ui.md(b.name),
                date=day(as_of, lang),
                approved=percent(approved_score, lang=lang),
                draft=percent(b.score, lang=lang),
            )
        )

    m = st.columns(5)
    m[0].metric(
        t("Readiness on {date}").format(date=day(as_of, lang)),
        percent(b.score, lang=lang),
        help=t("Law in force on the chosen date."),
    )
    now = current  # today's brief, from this page's last full run (iso and treaty change only in a full run)
    if as_of != today:
        change = None if b.score is None or now.score is None else round((now.score - b.score) * 100)
        delta = t("{change:+d} points since then").format(change=change) if change else None
        m[1].metric(t("Readiness today"), percent(now.score, lang=lang), delta=delta)
    else:
        m[1].metric(t("Readiness today"), percent(now.score, lang=lang))
    m[2].metric(
        t("If the pending bills pass"),
        percent(b.score_with_bills, lang=lang),
        help=t("Counts bills pending on the chosen date as if in force; never blended into the score."),
    )
    m[3].metric(
        t("Checklist assessed"),
        percent(b.coverage, lang=lang),
        help=t("Share of elements with a finding or a judgment."),
    )
    m[4].metric(t("Critical gaps"), len(b.gaps))
    st.caption(_ui.md(coverage_note(b.coverage, b.verified_share, lang)))
    if b.partly_assessed:
        st.info(
            t(
                "Partly assessed: less than 90% of the checklist has been read for this country, so a low score may mean "
                "'not read yet' rather than 'missing'. Unassessed elements still count as not met."
            )
        )
    carried = _data.score(ws, iso, treaty_id, as_of).carried
    if carried:
        own = sum(1 for _, capped in carried.values() if capped)
        st.info(
            _ui.md(
                t(
                    "{n} element(s) of this treaty are carried over from the Budapest Convention (ETS 185) through "
                    "the crosswalk, not assessed here; {own} of them need their own assessment beyond what ETS 185 covers. "
                    "Look closer at an obligation to see each one and open its basis."
                ).format(n=len(carried), own=own)
            )
        )
    st.download_button(
        t("Download the gap report (Excel)"),
        data=lambda: _data.workbook(ws, (iso,), treaty_id, as_of, lang),
        file_name=f"gaps-{iso}-{treaty_id}-{as_of.isoformat()}.xlsx",
        mime=_data.XLSX,
        icon=":material/download:",
        on_click="ignore",
        help=t(
            "README, Summary, Gaps, the editable Assessment sheet, Provisions, Bills and Sources. Staff can edit it "
            "and bring it back on the Import page."
        ),
    )

    # Opened from a cell of Compare's grid (or a shared link): one obligation in detail.
    obligations = [o.id for o in catalog.treaty(treaty_id).obligations() if o.elements]
    pick = t("— pick one to see its elements —")  # fixed now: Streamlit may call format_func outside this run
    focus = _ui.choose(
        t("Look closer at an obligation"),
        ["", *obligations],
        "obligation",
        "",
        format_func=lambda o: pick if not o else obligation_label(o),
    )
    if focus:
        o = catalog.obligations[focus]
        with st.container(border=True):
            st.subheader(obligation_label(focus))
            st.caption(_ui.md(content.obligation_summary(o)))
            st.dataframe(
                element_rows(obligation_elements(catalog, _data.score(ws, iso, treaty_id, as_of), focus, lang), as_of),
                hide_index=True,
                width="stretch",
                column_config=ELEMENT_COLUMNS,
            )

    st.subheader(t("Scores per chapter"))
    _ui.plotly(_data.chapter_figure(ws, iso, treaty_id, as_of, today, lang), key="chapters")

    st.subheader(t("Critical gaps on {date}").format(date=day(as_of, lang)))
    if not b.gaps:
        _ui.empty(
            t("No critical gap on this date. Pick an earlier date to see what was missing, or open the Compare page.")
        )
    else:
        st.caption(
            t(
                "Each line is a gap and the bill that would close it. Open one for its elements, the law and the sources."
            )
        )
    for g in b.gaps:
        # Details on demand: a closed card is one line; its details are built and drawn only while it is open.
        card = st.expander(_ui.md(gap_label(g)), key=f"gap_{g.obligation}", on_change="rerun")
        if card.open:
            with card:
                st.markdown(gap_details(g, as_of))
                st.page_link(
                    _ui.COUNTRY,
                    label=t("Look closer at this obligation"),
                    icon=":material/zoom_in:",
                    query_params=_ui.params(
                        iso=iso, treaty=treaty_id, as_of=as_of.isoformat(), obligation=g.obligation
                    ),
                )
                precedents_block(b.precedents.get(g.obligation, []), g.obligation, as_of)

    other_views(b)

    st.page_link(
        _ui.BRIEF,
        label=t("Printable brief for an aide"),
        icon=":material/description:",
        query_params=_ui.params(iso=iso, treaty=treaty_id, as_of=as_of.isoformat()),
    )

    st.subheader(t("Timeline: accession steps and law changes"))
    # The story up to today, with the chosen date and today both marked, so a past date is never read as now.
    if not current.events:
        _ui.empty(t("No events recorded for this country. Add `events:` to its data file (docs/data-format.md)."))
    else:
        events, figure = _data.timeline(ws, iso, treaty_id, as_of, lang, today)
        _ui.plotly(figure, key="timeline")
        st.dataframe(
            events[["when", "step", "title", "source", "link", "checked"]],
            hide_index=True,
            width="stretch",
            column_config={
                "when": t("Date"),
                "step": t("Step"),
                "title": st.column_config.TextColumn(t("What happened"), width="large"),
                "source": t("Source"),
                "link": st.column_config.LinkColumn(t("Link"), display_text=t("open source")),
                "checked": t("Checked"),
            },
        )


dated()


st.subheader(t("Planned reservations and declarations"))
if not current.hooks:
    _ui.empty(
        t(
            "None recorded. Add `planned_hooks:` to the country file when the government says what it will reserve or declare."
        )
    )
else:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "kind": h.kind,
                    "basis": f"{h.basis}, {h.paragraph}",
                    "summary": h.summary,
                    "effect": h.effect,
                    "note": h.note,
                    "source": h.source.title,
                    "link": h.source.url,
                    "checked": verified_mark(h.source.verified, lang),
                }
                for h in current.hooks
            ]
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "kind": t("Kind"),
            "basis": t("Allowed by"),
            "summary": st.column_config.TextColumn(t("What it allows"), width="large"),
            "effect": t("Effect"),
            "note": t("Why"),
            "source": t("Source"),
            "link": st.column_config.LinkColumn(t("Link"), display_text=t("open source")),
            "checked": t("Checked"),
        },
    )
st.caption(t("Research last checked {date}.").format(date=day(current.researched, lang)))
