"""Small widgets the pages share: controls kept in sync with the URL (so a link shows exactly what an aide
sees), safe Markdown for data text, source links with their verified mark, and charts drawn offline."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote, urlencode

import streamlit as st

from assessment.brief import SourceRef
from assessment.charts import PLOTLY_CONFIG
from assessment.vocab import verified_mark

# Page files, for st.page_link / st.switch_page (paths relative to app.py).
OVERVIEW = "app_pages/overview.py"
COUNTRY = "app_pages/country.py"
COMPARE = "app_pages/compare.py"
TREATY = "app_pages/treaty.py"
BRIEF = "app_pages/brief.py"

def page_url(page: str, **params: str) -> str:
    """A relative deep link to a page with its parameters (for link columns, which cannot take st.page_link)."""
    return f"./{page.rsplit('/', 1)[-1].removesuffix('.py')}?{urlencode(params)}"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


#: Streamlit's Markdown finds bare URLs (https://, www.), e-mail addresses and :icon: shortcodes in the text
#: *after* backslash escapes are resolved, so escaping cannot stop them; a zero-width space after ':', 'www'
#: and '@' breaks each pattern while the text reads the same.
_AUTOLINK = re.compile(r"(:|(?<![^\W_])www|@)", re.IGNORECASE)
_ZWSP = "\u200b"


def md(text: object) -> str:
    """Data text made inert for st.markdown: no HTML, links (even bare URLs), images, icons, emphasis, LaTeX or
    headings can come from it."""
    escaped = _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")
    return _AUTOLINK.sub(lambda m: m.group() + _ZWSP, escaped)


def safe_url(url: str) -> str:
    """An http(s) URL made safe inside a Markdown link target (the models only admit http and https)."""
    if not re.match(r"^https?://", url):
        return ""
    return quote(url, safe=":/?#[]@!$&'*+,;=%~-._").replace("(", "%28").replace(")", "%29")


def source_md(ref: SourceRef | None) -> str:
    """'[Title](url) · ✓ verified' with the title escaped; 'no source recorded · unverified' when missing."""
    if ref is None:
        return f"no source recorded · {verified_mark(False)}"
    url = safe_url(ref.url) if ref.url else ""
    title = f"[{md(ref.title)}]({url})" if url else md(ref.title)
    return f"{title} · {verified_mark(ref.verified)}"


def _remember(key: str, value: str | None, param: str) -> None:
    if value is None:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = value
    st.session_state[f"_{key}_url"] = value


def choose(
    label: str,
    options: Sequence[str],
    param: str,
    default: str,
    *,
    format_func: Callable[[Any], str] = str,
    where: Any = None,
    help: str | None = None,
) -> str:
    """A selectbox whose value lives in the URL query parameter `param`.

    The URL wins when it changed since this control last wrote it (a shared link, a switch from another
    page); otherwise the control wins and the URL follows it. An unknown value in the URL is reported and
    replaced by the default. An empty string in `options` means "nothing chosen" and drops the parameter.
    """
    where = where or st
    key = f"choice_{param}"
    options = list(options)
    url = st.query_params.get(param)
    if url is not None and url not in options:
        st.warning(f"The link asks for {param}={md(url)}, which is not known here; showing {md(format_func(default))} instead.")
        url = None
    current = st.session_state.get(key)
    if url is not None and url != st.session_state.get(f"_{key}_url"):
        current = url  # a link or another page asked for this value
    elif current not in options:
        current = url if url is not None else (default if default in options else options[0])
    # Re-assigning keeps the value when the same control appears on another page (a new widget id).
    st.session_state[key] = current
    value = where.selectbox(label, options, key=key, format_func=format_func, help=help)
    _remember(key, value or None, param)
    return value


def choose_country(catalog: Any, codes: Sequence[str] | None = None, *, where: Any = None) -> str:
    """The country control (URL parameter iso), over `codes` (default: every assessed country)."""
    codes = sorted(catalog.countries) if codes is None else list(codes)
    default = "KOR" if "KOR" in codes else codes[0]
    return choose("Country", codes, "iso", default, where=where, format_func=lambda c: f"{catalog.countries[c].name} ({c})")


def choose_treaty(catalog: Any, param: str = "treaty", *, where: Any = None) -> str:
    """The treaty control (URL parameter `param`), Budapest Convention first by default."""
    return choose("Treaty", sorted(catalog.treaties), param, "ets185", where=where,
                  format_func=lambda t: f"{catalog.treaties[t].short_title} ({catalog.treaties[t].series})")


def choose_date(label: str, param: str, default: dt.date, *, where: Any = None, help: str | None = None) -> dt.date:
    """A date control kept in the URL as YYYY-MM-DD (the same rules as `choose`)."""
    where = where or st
    key = f"choice_{param}"
    earliest, latest = dt.date(1990, 1, 1), dt.date.today() + dt.timedelta(days=5 * 366)
    url = st.query_params.get(param)
    current = st.session_state.get(key)
    if url is not None and url != st.session_state.get(f"_{key}_url"):
        try:
            current = dt.date.fromisoformat(url)
        except ValueError:
            st.warning(f"The link's date {param}={md(url)} is not a date (YYYY-MM-DD); showing {default.isoformat()}.")
            current = None
        else:
            # the date control refuses (with an exception) a value outside its range: clamp it, and say so
            clamped = min(max(current, earliest), latest)
            if clamped != current:
                st.warning(f"The link's date {param}={md(url)} is outside {earliest.isoformat()} to {latest.isoformat()}; showing {clamped.isoformat()}.")
                current = clamped
    if not isinstance(current, dt.date):
        current = default
    st.session_state[key] = current
    value = where.date_input(label, key=key, min_value=earliest, max_value=latest, format="YYYY-MM-DD", help=help)
    _remember(key, value.isoformat(), param)
    return value


def toggle(label: str, param: str, *, where: Any = None, help: str | None = None) -> bool:
    """An on/off control kept in the URL as param=1 (absent when off)."""
    where = where or st
    key = f"choice_{param}"
    url = st.query_params.get(param)
    current = bool(st.session_state.get(key, False))
    if url is not None and url != st.session_state.get(f"_{key}_url"):
        current = url == "1"
    st.session_state[key] = current
    value = where.toggle(label, key=key, help=help)
    _remember(key, "1" if value else None, param)
    return value


def plotly(fig: Any, **kwargs: Any) -> Any:
    """st.plotly_chart with the offline config (local map topology, no cloud links)."""
    return st.plotly_chart(fig, config=PLOTLY_CONFIG, **kwargs)


def empty(message: str) -> None:
    """An empty state that says what to do next."""
    st.info(message, icon=":material/lightbulb:")


NO_COUNTRIES = (
    "No country has been assessed yet. Add a country file under `data/countries/` (format: docs/data-format.md), "
    "check it with `python -m assessment validate`, then reload this page."
)


# Constant markup only (no data text): the print layout, and a button that opens the browser's print dialog.
PRINT_CSS = """<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stElementToolbar"], .no-print, .stDownloadButton, [data-testid="stHorizontalBlock"]:has([data-testid="stSelectbox"]),
  [data-testid="stExpander"], [data-testid="stPageLink"] { display: none !important; }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: 100% !important; }
  h1, h2, h3 { break-after: avoid; }
  li, p { break-inside: avoid; }
  a { color: #000 !important; }
}
@page { size: A4; margin: 16mm; }
</style>"""
PRINT_BUTTON = '<button class="no-print" onclick="window.print()" style="padding:0.35rem 0.9rem;border-radius:0.5rem;border:1px solid #bbb;background:#fff;cursor:pointer">Print this brief</button>'
