"""The one place the dashboard gets its data. Pages call these functions and nothing else in `assessment`
that reads files or the database, so a change in where data lives touches this file only.

`workspace()` returns the current Workspace (catalog + scoring engine, from `assessment.service`), cached per
data version, which `service.current_version()` answers with one cheap query: an edit in the database or a
new checklist gives a new version and so a fresh Workspace. A page calls it once per rerun and passes it on.
Everything derived from it (scores, a country's brief, tables, figures, the PDF) is cached per (version,
arguments) as shared, read-only objects, so a rerun pays for neither scoring nor building figures twice.
Signed-in staff (editor, reviewer, admin) see the working drafts; everyone else sees the approved
(published) assessments. The two views are separate Workspaces with separate versions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app_pages import _auth
from assessment import charts, grids, service
from assessment.brief import CountryBrief, brief_docx, brief_pdf, country_brief, pdf_font_available
from assessment.i18n import gettext
from assessment.problems import CatalogInvalid
from assessment.scoring import AllScores, CountryScore
from assessment.service import Workspace
from assessment.store import SYSTEM, Store
from assessment.translations import Content
from assessment.vocab import ASSESSED_ENOUGH, PARTLY_ASSESSED, ReviewState, verified_mark


@st.cache_resource(max_entries=4, show_spinner=False)
def _load(version: str) -> Workspace:
    view = version.rsplit(":", 1)[-1]  # service.current_version() ends with the view
    return service.load_workspace(user=SYSTEM if view == "working" else None)


def workspace() -> Workspace:
    """The current data and its scorer for whoever is signed in. Raises CatalogInvalid when the data is invalid."""
    return _load(service.current_version(user=_auth.current_user()))


def published_workspace() -> Workspace:
    """What aides see (the approved assessments), for staff pages that set the approved value beside a draft."""
    return _load(service.current_version(user=None))


def store() -> Store:
    """The database the staff pages read and write (every write checks the user's role again)."""
    return service.store()


def drafts(ws: Workspace, codes: Iterable[str]) -> list[str]:
    """Those of `codes` whose working assessment is not approved, when `ws` is the staff ("working") view; none
    in the approved view aides see."""
    if ws.view != "working":
        return []
    return [iso for iso in codes if store().review_state(iso) != ReviewState.approved]


def _cached(max_entries: int = 64):
    """Cache on (version, arguments); the Workspace itself is passed unhashed (leading underscore)."""
    return st.cache_resource(max_entries=max_entries, show_spinner=False)


# ------------------------------------------------------------------------------------------------ scores


@_cached(16)
def _all_scores(_ws: Workspace, version: str, as_of: dt.date, with_bills: bool) -> AllScores:
    return _ws.engine.score_all(as_of, with_bills)


def all_scores(ws: Workspace, as_of: dt.date, with_bills: bool = False) -> AllScores:
    return _all_scores(ws, ws.version, as_of, with_bills)


@_cached()
def _score(_ws: Workspace, version: str, iso3: str, treaty: str, as_of: dt.date, with_bills: bool) -> CountryScore:
    return _ws.engine.score_country(iso3, treaty, as_of, with_bills)


def score(ws: Workspace, iso3: str, treaty: str, as_of: dt.date, with_bills: bool = False) -> CountryScore:
    return _score(ws, ws.version, iso3, treaty, as_of, with_bills)


@_cached()
def _approved_score(_ws: Workspace, version: str, iso3: str, treaty: str, as_of: dt.date) -> float | None:
    return _ws.engine.score_country(iso3, treaty, as_of).score if iso3 in _ws.catalog.countries else None


def approved_score(iso3: str, treaty: str, as_of: dt.date) -> float | None:
    """The readiness aides see on `as_of` (the approved assessment), for staff pages that set it beside a draft;
    None when the country has no approved assessment or nothing of the treaty is assessed."""
    approved = published_workspace()
    return _approved_score(approved, approved.version, iso3, treaty, as_of)


@_cached()
def _brief(_ws: Workspace, version: str, iso3: str, treaty: str, as_of: dt.date, lang: str) -> CountryBrief:
    return country_brief(_ws.catalog, _ws.engine, iso3, treaty, as_of, lang)


def brief(ws: Workspace, iso3: str, treaty: str, as_of: dt.date, lang: str = "en") -> CountryBrief:
    return _brief(ws, ws.version, iso3, treaty, as_of, lang)


def _document_brief(ws: Workspace, iso3: str, treaty: str, as_of: dt.date, lang: str, draft: bool) -> CountryBrief:
    """The brief a PDF or Word file is made of: marked when staff download a draft."""
    b = brief(ws, iso3, treaty, as_of, lang)
    return dataclasses.replace(b, draft=True) if draft else b


@_cached(32)
def _pdf(_ws: Workspace, version: str, iso3: str, treaty: str, as_of: dt.date, lang: str, draft: bool) -> bytes:
    return brief_pdf(_document_brief(_ws, iso3, treaty, as_of, lang, draft))


def pdf(ws: Workspace, iso3: str, treaty: str, as_of: dt.date, lang: str = "en") -> bytes:
    return _pdf(ws, ws.version, iso3, treaty, as_of, lang, bool(drafts(ws, [iso3])))


@st.cache_resource(show_spinner=False)
def pdf_possible(lang: str) -> bool:
    """Whether a font for `lang` is installed (looked up once per process)."""
    return pdf_font_available(lang)


def docx(ws: Workspace, iso3: str, treaty: str, as_of: dt.date, lang: str = "en") -> bytes:
    """The brief as an editable Word document, built on request."""
    return brief_docx(_document_brief(ws, iso3, treaty, as_of, lang, bool(drafts(ws, [iso3]))))


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def content(ws: Workspace, lang: str) -> Content:
    """The data texts (treaty, obligations, countries, provisions) in `lang`, English where not translated."""
    return Content(ws.catalog, lang)


def workbook(ws: Workspace, countries: tuple[str, ...], treaty: str, as_of: dt.date, lang: str = "en") -> bytes:
    """The Excel gap report of `countries` (importable for staff, read-only for viewers), built on request."""
    from assessment.excel import export_workbook

    out = io.BytesIO()
    export_workbook(ws, list(countries), treaty, as_of, out, store=store() if ws.view == "working" else None, lang=lang)
    return out.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@_cached(4)
def _names(_ws: Workspace, version: str, lang: str) -> dict[str, str]:
    names = {e.iso3: e.name for r in _ws.catalog.registers.values() for e in r.entries}
    names.update({iso: c.name for iso, c in _ws.catalog.countries.items()})
    local = Content(_ws.catalog, lang)
    return {iso: local.country_name(iso, name) for iso, name in names.items()}


def country_names(ws: Workspace, lang: str = "en") -> dict[str, str]:
    """ISO3 -> name (in `lang` where translated), from the country files, then from the treaty registers."""
    return _names(ws, ws.version, lang)


# ------------------------------------------------------------------------------------- tables, figures


@_cached(16)
def _overview(
    _ws: Workspace, version: str, treaty: str, as_of: dt.date, lang: str
) -> tuple[pd.DataFrame, pd.DataFrame, go.Figure]:
    register = charts.register_frame(_ws.catalog.registers.get(treaty), lang)
    names = country_names(_ws, lang)
    register["name"] = [names.get(iso, name) for iso, name in zip(register["iso3"], register["name"])]
    ranking = charts.ranking_frame(
        all_scores(_ws, as_of).treaties, all_scores(_ws, as_of, True).treaties, treaty, names, register, lang
    )
    verified = [score(_ws, c, treaty, as_of).verified_share for c in ranking["country"]]
    ranking["verified"] = [v if v is not None else float("nan") for v in verified]
    ranking["assessment"] = [
        gettext(lang)(PARTLY_ASSESSED) if c == c and c < ASSESSED_ENOUGH else "" for c in ranking["coverage"]
    ]
    return register, ranking, charts.world_map(register, ranking, Content(_ws.catalog, lang).treaty_short(treaty), lang)


def overview(
    ws: Workspace, treaty: str, as_of: dt.date, lang: str = "en"
) -> tuple[pd.DataFrame, pd.DataFrame, go.Figure]:
    """(treaty register, ranking of assessed countries, world map) for one treaty on one date."""
    return _overview(ws, ws.version, treaty, as_of, lang)


@_cached()
def _chapter_figure(
    _ws: Workspace, version: str, iso3: str, treaty: str, as_of: dt.date, today: dt.date, lang: str
) -> go.Figure:
    then = score(_ws, iso3, treaty, as_of).chapters
    bills = score(_ws, iso3, treaty, as_of, True).chapters
    now = score(_ws, iso3, treaty, today).chapters if as_of != today else None
    labels = [label for label, _, _ in brief(_ws, iso3, treaty, as_of, lang).chapters]
    return charts.chapter_bars(then, bills, now, as_of=as_of, lang=lang, labels=labels)


def chapter_figure(
    ws: Workspace, iso3: str, treaty: str, as_of: dt.date, today: dt.date, lang: str = "en"
) -> go.Figure:
    """Chapter scores on the date, with the bills, and today when the date is another day."""
    return _chapter_figure(ws, ws.version, iso3, treaty, as_of, today, lang)


@_cached()
def _timeline(
    _ws: Workspace, version: str, iso3: str, treaty: str, as_of: dt.date, lang: str, today: dt.date
) -> tuple[pd.DataFrame, go.Figure]:
    events = pd.DataFrame(
        [
            {
                "date": e.date,
                "when": e.date_text,
                "kind": e.kind,
                "step": e.kind_label,
                "title": e.title,
                "source": e.source.title,
                "link": e.source.url,
                "verified": e.source.verified,
                "checked": verified_mark(e.source.verified, lang),
            }
            for e in brief(_ws, iso3, treaty, as_of, lang).events
        ],
        columns=["date", "when", "kind", "step", "title", "source", "link", "verified", "checked"],
    )
    return events, charts.timeline(events, as_of, lang, today)


def timeline(
    ws: Workspace, iso3: str, treaty: str, as_of: dt.date, lang: str = "en", today: dt.date | None = None
) -> tuple[pd.DataFrame, go.Figure]:
    """(table of accession steps and law changes with sources, timeline figure marking the chosen date and today)."""
    return _timeline(ws, ws.version, iso3, treaty, as_of, lang, today or as_of)


@_cached(8)
def _meta(_ws: Workspace, version: str, treaty: str, lang: str) -> pd.DataFrame:
    return charts.obligation_meta(_ws.catalog.treaty(treaty), lang, Content(_ws.catalog, lang))


def obligation_meta(ws: Workspace, treaty: str, lang: str = "en") -> pd.DataFrame:
    return _meta(ws, ws.version, treaty, lang)


@_cached(32)
def _status_grid(
    _ws: Workspace,
    version: str,
    treaty: str,
    as_of: dt.date,
    with_bills: bool,
    chapters: tuple[str, ...],
    kinds: tuple[str, ...],
    lang: str,
) -> grids.StatusGrid:
    shown = charts.filter_obligations(obligation_meta(_ws, treaty, lang), list(chapters), list(kinds))
    return grids.status_grid(
        all_scores(_ws, as_of, with_bills).obligations(treaty), shown, country_names(_ws, lang), lang
    )


def status_grid(
    ws: Workspace,
    treaty: str,
    as_of: dt.date,
    with_bills: bool,
    chapters: list[str],
    kinds: list[str],
    lang: str = "en",
) -> grids.StatusGrid:
    """Obligations x countries of one treaty, filtered by chapter and kind."""
    return _status_grid(ws, ws.version, treaty, as_of, with_bills, tuple(chapters), tuple(kinds), lang)


# ------------------------------------------------------------------------------------------------ errors


def show_catalog_problems(exc: CatalogInvalid) -> None:
    """Tell people exactly what to fix (file:line: field: reason) instead of a stack trace."""
    from app_pages._ui import nt

    n = len(exc.problems)
    st.error(
        nt(
            "The checklists or country data did not validate ({n} problem). Fix these in the files named, then reload the page. "
            "`python -m assessment validate` prints the same list.",
            "The checklists or country data did not validate ({n} problems). Fix these in the files named, then reload the page. "
            "`python -m assessment validate` prints the same list.",
            n,
        ).format(n=n)
    )
    st.code("\n".join(str(p) for p in exc.problems), language=None)


# ------------------------------------------------------------------------------------------------ law watch


@st.cache_resource(max_entries=32, ttl=600, show_spinner=False)
def _law_review(_ws: Workspace, version: str, iso3: str, folder: str) -> dict[str, list]:
    from assessment.lawtext.watch import elements_to_review, law_changes

    country = _ws.catalog.countries.get(iso3)
    if country is None:
        return {}
    return elements_to_review(country, law_changes(country, Path(folder)))


def law_review(ws: Workspace, iso3: str) -> dict[str, list] | None:
    """Element id -> the law changes (assessment.lawtext.watch.LawChange) behind it that call for a review;
    None when no folder of consolidated statutes is configured (ASSESSMENT_LAWTEXT_DIR). Rechecked every 10 min."""
    from assessment.lawtext.cli import texts_folder

    folder = texts_folder(None)
    return None if folder is None else _law_review(ws, ws.version, iso3, str(folder))


# ------------------------------------------------------------------------------------------------ crosswalk


@_cached(16)
def _carryover(_ws: Workspace, version: str, iso3: str, treaty: str, as_of: dt.date) -> list:
    from assessment.carryover import carryover_rows

    return carryover_rows(
        _ws.catalog, _ws.engine.score_country(iso3, treaty, as_of), _ws.engine.score_country(iso3, "ets185", as_of)
    )


def carryover(ws: Workspace, iso3: str, treaty: str, as_of: dt.date | None = None) -> list:
    """Each element of `treaty` beside its ETS 185 counterparts for one country (assessment.carryover.CarryRow)."""
    return _carryover(ws, ws.version, iso3, treaty, as_of or dt.date.today())
