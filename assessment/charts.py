"""Scores and catalog facts -> plotly Figures (pure: no streamlit, no I/O).

Colours, symbols and labels come from `assessment.vocab`, like every other surface's.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .i18n import N_, gettext
from .models import EventKind, StatusRegister, Treaty
from .vocab import (
    REGISTER_STYLE,
    SCORE_SCALE,
    SERIES_COLOUR,
    VERMILLION,
    RegisterStatus,
    Series,
    article_label,
    day,
    percent,
)

#: Where the app serves the world topology (static/topojson/world_110m.json), so maps draw offline.
TOPOJSON_URL = "/app/static/topojson/"
#: Config every st.plotly_chart call passes: local topology, no link to plotly's cloud, no logo.
PLOTLY_CONFIG = {"topojsonURL": TOPOJSON_URL, "displaylogo": False, "showLink": False, "showSendToCloud": False}


# ------------------------------------------------------------------------------------------- data shapes


def obligation_meta(treaty: Treaty, lang: str = "en", content=None) -> pd.DataFrame:
    """One row per obligation with elements: id, article, label, title, kind, chapter, chapter_label, in `lang`
    (`content`, an assessment.translations.Content, gives the translated titles)."""
    t = gettext(lang)
    chapter_of_section = {s.id: c for c in treaty.chapters for s in c.sections}
    rows = []
    for a in treaty.articles:
        chapter = chapter_of_section.get(a.section)
        for o in a.obligations:
            if not o.elements:
                continue
            rows.append(
                {
                    "id": o.id,
                    "article": o.article,
                    "label": article_label(o.article, lang),
                    "title": content.obligation_title(o) if content else o.title,
                    "kind": o.kind.value,
                    "chapter": chapter.id if chapter else "",
                    "chapter_label": t("Ch. {number} {title}").format(
                        number=chapter.number,
                        title=content.chapter(treaty.id, chapter.id, chapter.title) if content else chapter.title,
                    )
                    if chapter
                    else "",
                    "mandatory": o.mandatory,
                }
            )
    return pd.DataFrame(
        rows, columns=["id", "article", "label", "title", "kind", "chapter", "chapter_label", "mandatory"]
    )


def filter_obligations(
    meta: pd.DataFrame, chapters: list[str] | None = None, kinds: list[str] | None = None
) -> pd.DataFrame:
    """Rows of obligation_meta() in the given chapters and of the given kinds (an empty filter keeps all)."""
    keep = np.ones(len(meta), dtype=bool)
    if chapters:
        keep &= meta["chapter"].isin(chapters).to_numpy()
    if kinds:
        keep &= meta["kind"].isin(kinds).to_numpy()
    return meta[keep]


def register_frame(register: StatusRegister | None, lang: str = "en") -> pd.DataFrame:
    """The treaty status register as a table: iso3, name, status, status_label, dates, source title and url."""
    columns = [
        "iso3",
        "name",
        "status",
        "status_label",
        "signature",
        "ratification",
        "source",
        "source_url",
        "verified",
    ]
    if register is None:
        return pd.DataFrame(columns=columns)
    sources = {s.id: s for s in register.sources}
    rows = []
    for e in register.entries:
        src = sources.get(e.source)
        rows.append(
            {
                "iso3": e.iso3,
                "name": e.name,
                "status": e.status.value,
                "status_label": gettext(lang)(REGISTER_STYLE[e.status].label),
                "signature": e.signature,
                "ratification": e.ratification,
                "source": src.title if src else e.source,
                "source_url": src.url if src else None,
                "verified": e.verified,
            }
        )
    return pd.DataFrame(rows, columns=columns)


def ranking_frame(
    now: pd.DataFrame,
    with_bills: pd.DataFrame,
    treaty: str,
    names: dict[str, str],
    register: pd.DataFrame,
    lang: str = "en",
) -> pd.DataFrame:
    """Assessed countries for one treaty, best first: country, name, status_label, score, score_with_bills,
    coverage, critical_gaps. `now` and `with_bills` are AllScores.treaties frames of the same date."""
    mine = now[now["treaty"] == treaty].set_index("country")
    projected = with_bills[with_bills["treaty"] == treaty].set_index("country")["score"]
    status = dict(zip(register["iso3"], register["status_label"]))
    out = pd.DataFrame(
        {
            "country": mine.index,
            "name": [names.get(c, c) for c in mine.index],
            "status_label": [
                status.get(c, gettext(lang)(REGISTER_STYLE[RegisterStatus.none].label)) for c in mine.index
            ],
            "score": mine["score"].to_numpy(),
            "score_with_bills": projected.reindex(mine.index).to_numpy(),
            "coverage": mine["coverage"].to_numpy(),
            "critical_gaps": mine["critical_gaps"].to_numpy(),
        }
    )
    return out.sort_values(["score", "name"], ascending=[False, True], na_position="last").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------- figures


def world_map(register: pd.DataFrame, ranking: pd.DataFrame, treaty_title: str, lang: str = "en") -> go.Figure:
    """Choropleth of treaty status (one trace per status, so the legend names them) with the readiness score
    of every assessed country as a labelled marker. Draws from the local topology (PLOTLY_CONFIG)."""
    t = gettext(lang)
    fig = go.Figure()
    for status, style in REGISTER_STYLE.items():
        rows = register[register["status"] == status.value]
        if rows.empty:
            continue
        fig.add_trace(
            go.Choropleth(
                locations=rows["iso3"],
                locationmode="ISO-3",
                z=np.zeros(len(rows)),
                colorscale=[[0, style.colour], [1, style.colour]],
                showscale=False,
                marker_line_color="#FFFFFF",
                marker_line_width=0.5,
                name=t(style.label),
                showlegend=True,
                customdata=np.stack([rows["name"], [t(style.label)] * len(rows)], axis=-1),
                hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>",
            )
        )
    assessed = ranking.dropna(subset=["score"])
    if not assessed.empty:
        fig.add_trace(
            go.Scattergeo(
                locations=assessed["country"],
                locationmode="ISO-3",
                mode="markers+text",
                text=list(assessed["country"]),
                textposition="top center",
                textfont={"size": 11, "color": "#111111"},
                marker={
                    "size": 14,
                    "color": assessed["score"],
                    "cmin": 0,
                    "cmax": 1,
                    "colorscale": SCORE_SCALE,
                    "line": {"color": "#111111", "width": 1.5},
                    "symbol": "diamond",
                    "colorbar": {"title": {"text": t("Readiness")}, "tickformat": ".0%", "len": 0.6, "thickness": 12},
                },
                name=t("Readiness score (assessed)"),
                showlegend=True,
                customdata=np.stack(
                    [assessed["name"], [percent(s, lang=lang) for s in assessed["score"]], assessed["critical_gaps"]],
                    axis=-1,
                ),
                hovertemplate="<b>%{customdata[0]}</b><br>"
                + t("Readiness")
                + " %{customdata[1]}<br>"
                + t("Critical gaps")
                + ": %{customdata[2]}<extra></extra>",
            )
        )
    fig.update_geos(
        scope="world",
        resolution=110,
        projection_type="natural earth",
        showframe=False,
        showcoastlines=False,
        showcountries=True,
        countrycolor="#FFFFFF",
        showland=True,
        landcolor="#EEEEEE",
        showocean=False,
        lataxis_range=[-58, 85],
    )
    fig.update_layout(
        title={"text": t("{treaty}: treaty status and readiness").format(treaty=treaty_title)},
        height=520,
        margin={"l": 0, "r": 0, "t": 40, "b": 0},
        legend={"orientation": "h", "y": -0.02, "x": 0, "yanchor": "top"},
    )
    return fig


def chapter_bars(
    now: pd.DataFrame,
    with_bills: pd.DataFrame,
    today: pd.DataFrame | None = None,
    *,
    as_of: dt.date | None = None,
    lang: str = "en",
    labels: list[str] | None = None,
) -> go.Figure:
    """Horizontal bars of the chapter scores (CountryScore.chapters frames): on the chosen date, with the
    pending bills counted, and (when the date is not today) today, side by side."""
    t = gettext(lang)
    if labels is None:
        labels = [
            t("Ch. {number} {title}").format(number=n, title=title) for n, title in zip(now["number"], now["title"])
        ]
    when = as_of.isoformat() if as_of else t("chosen date")
    series = [(t("Law in force on {date}").format(date=when), now, SERIES_COLOUR[Series.now], "")]
    if today is not None:
        series.append((t("Law in force today"), today, SERIES_COLOUR[Series.today], "/"))
    series.append(
        (
            t("If the pending bills pass (as of {date})").format(date=when),
            with_bills,
            SERIES_COLOUR[Series.with_bills],
            "x",
        )
    )
    fig = go.Figure()
    for name, frame, colour, pattern in series:
        values = frame["score"].to_numpy(dtype=float)
        fig.add_trace(
            go.Bar(
                y=labels,
                x=np.nan_to_num(values),
                orientation="h",
                name=name,
                marker_color=colour,
                marker_pattern_shape=pattern,
                text=[percent(v, lang=lang) for v in values],
                textposition="outside",
                hovertemplate="%{y}<br>" + name + ": %{text}<extra></extra>",
            )
        )
    fig.update_layout(
        barmode="group",
        height=120 + 70 * len(labels),
        margin={"l": 0, "r": 30, "t": 30, "b": 0},
        xaxis={"range": [0, 1.12], "tickformat": ".0%", "title": t("Readiness score")},
        yaxis={"autorange": "reversed"},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
    )
    return fig


LAW_CHANGES, ACCESSION_STEPS = N_("Law changes"), N_("Accession steps")
_EVENT_GROUP = {
    EventKind.bill_introduced: LAW_CHANGES,
    EventKind.law_passed: LAW_CHANGES,
    EventKind.law_promulgated: LAW_CHANGES,
    EventKind.law_in_force: LAW_CHANGES,
}


def timeline(
    events: pd.DataFrame, as_of: dt.date | None = None, lang: str = "en", today: dt.date | None = None
) -> go.Figure:
    """Accession steps and law changes on a date axis. `events` has date, kind (EventKind value), title,
    verified; verified facts are filled markers, unverified ones hollow. The chosen date and today are both
    marked and labelled, so a past date is never read as the present."""
    t = gettext(lang)
    fig = go.Figure()
    if not events.empty:
        lanes = [t(_EVENT_GROUP.get(EventKind(k), ACCESSION_STEPS)) for k in events["kind"]]
        verified = events["verified"].astype(bool).to_numpy()
        for flag, symbol, name in ((True, "circle", t("verified")), (False, "circle-open", t("unverified"))):
            mask = verified == flag
            if not mask.any():
                continue
            fig.add_trace(
                go.Scatter(
                    x=pd.to_datetime(events["date"][mask]),
                    y=np.array(lanes)[mask],
                    mode="markers",
                    marker={
                        "symbol": symbol,
                        "size": 13,
                        "color": SERIES_COLOUR[Series.now],
                        "line": {"width": 2, "color": SERIES_COLOUR[Series.now]},
                    },
                    name=name,
                    customdata=events["title"][mask],
                    hovertemplate="%{x|%d %b %Y}<br>%{customdata}<extra></extra>",
                )
            )
    marks = []
    if as_of is not None:
        marks.append(
            (
                as_of,
                t("as of {date}").format(date=day(as_of, lang)),
                VERMILLION,
                "dot",
                "right" if today and today > as_of else "left",
            )
        )
    if today is not None and today != as_of:
        marks.append(
            (today, t("today, {date}").format(date=day(today, lang)), SERIES_COLOUR[Series.today], "dash", "left")
        )
    for when, label, colour, dash, side in marks:
        fig.add_vline(x=dt.datetime.combine(when, dt.time()).timestamp() * 1000, line_dash=dash, line_color=colour)
        fig.add_annotation(
            x=pd.Timestamp(when),
            y=1.0,
            yref="paper",
            text=label,
            showarrow=False,
            yanchor="bottom",
            xanchor="right" if side == "right" else "left",
            font={"color": colour},
        )
    fig.update_layout(
        height=220,
        margin={"l": 0, "r": 0, "t": 30, "b": 0},
        yaxis={"type": "category", "categoryorder": "array", "categoryarray": [t(LAW_CHANGES), t(ACCESSION_STEPS)]},
        legend={"orientation": "h", "y": -0.25, "x": 0},
    )
    return fig
