"""Scores -> status tables for the dashboard (pure: no streamlit, no I/O).

The Compare page's grid was a plotly heatmap; a table shows the same statuses with the obligation titles beside
them, names each status in words as well as by symbol and colour, and spares the browser plotly's 4.7 MB
chart code (Compare finished in 3.5-4.3x a bare page with the heatmap, 2.9-3.2x with a table).
Colours, symbols and labels come from `assessment.vocab`, like every other surface's.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from pandas.io.formats.style import Styler

from .vocab import STATUS_STYLE, Status

ARTICLE, OBLIGATION = "article", "obligation"  # the grid's two leading columns; the others are ISO3 codes
#: Column widths in pixels: wide enough for "Art. 11(2)", an obligation's title and a status badge.
ARTICLE_WIDTH, OBLIGATION_WIDTH, COUNTRY_WIDTH = 75, 260, 140


@dataclass(frozen=True)
class StatusGrid:
    """Obligations (rows, in checklist order) x countries (columns), each cell the country's status badge."""

    table: pd.DataFrame  # columns: article (label), obligation (title), then one per country (ISO3): badge or ""
    obligations: list[str]  # the obligation id of each row, by position
    countries: dict[str, str]  # ISO3 column -> the country's name, in column order
    statuses: pd.DataFrame  # the country columns' status codes ("" where the country has no status)

    def at(self, row: int, column: str) -> tuple[str, str] | None:
        """(ISO3, obligation id) of a country cell, None for the article and title columns or outside the grid."""
        if column not in self.countries or not 0 <= row < len(self.obligations):
            return None
        return column, self.obligations[row]

    def styled(self) -> Styler:
        """The table with each status cell in its palette colour and ink (the badge's words say it too)."""
        css = {s.value: f"background-color: {STATUS_STYLE[s].colour}; color: {STATUS_STYLE[s].ink}" for s in Status}
        colours = self.statuses.apply(lambda col: col.map(lambda code: css.get(code, "")))
        return self.table.style.apply(lambda _: colours, axis=None, subset=list(self.countries))


def status_grid(long: pd.DataFrame, meta: pd.DataFrame, names: dict[str, str], lang: str = "en") -> StatusGrid:
    """`long` is AllScores.obligations(treaty) (country, obligation, status, ...), `meta` is obligation_meta() of
    the obligations to show, in order; `names` gives the countries' column labels."""
    ids = list(meta["id"])
    frame = long[long["obligation"].isin(ids)]
    codes = frame.pivot(index="obligation", columns="country", values="status").reindex(index=ids)
    codes = codes.astype(object).where(codes.notna(), "").astype(str)  # "" where a country has no status
    countries = {str(c): names.get(str(c), str(c)) for c in codes.columns}
    codes.columns = list(countries)
    badges = {s.value: STATUS_STYLE[s].badge_in(lang) for s in Status}
    table = pd.DataFrame({ARTICLE: list(meta["label"]), OBLIGATION: list(meta["title"])})
    for iso3 in countries:
        table[iso3] = [badges.get(code, "") for code in codes[iso3]]
    return StatusGrid(table, ids, countries, codes.reset_index(drop=True))
