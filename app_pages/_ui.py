"""Small widgets the pages share: controls kept in sync with the URL (so a link shows exactly what an aide
sees), safe Markdown for data text, source links with their verified mark, and charts drawn offline."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote, urlencode

import streamlit as st

from assessment import i18n
from assessment.brief import SourceRef
from assessment.charts import PLOTLY_CONFIG
from assessment.i18n import N_
from assessment.vocab import DRAFT_MARK, verified_mark

# Page files, for st.page_link / st.switch_page (paths relative to app.py).
OVERVIEW = "app_pages/overview.py"
COUNTRY = "app_pages/country.py"
COMPARE = "app_pages/compare.py"
TREATY = "app_pages/treaty.py"
BRIEF = "app_pages/brief.py"
EDIT = "app_pages/edit.py"

# ------------------------------------------------------------------------------------------------ language

LANG_KEY = "_lang"
#: The language switch's label reads in both languages, so anyone can find it.
LANGUAGE_LABEL = N_("Language · 언어")


def lang() -> str:
    """The reader's language: chosen in the sidebar (and kept in ?lang=), else the browser's, else English."""
    chosen = st.session_state.get(LANG_KEY)
    if chosen in i18n.LANGUAGES:
        return chosen
    url = st.query_params.get("lang")
    if url in i18n.LANGUAGES:
        return url
    try:
        browser = st.context.locale
    except Exception:  # noqa: BLE001 - no browser context (a script run)
        browser = None
    return i18n.normalise(browser)


def t(message: str) -> str:
    """`message` in the reader's language (extracted by Babel under this name)."""
    return i18n.gettext(lang())(message)


def nt(singular: str, plural: str, n: int) -> str:
    return i18n.ngettext(lang())(singular, plural, n)


def says(text: object) -> str:
    """A refusal or message of the core (an exception raised with an i18n.Msg, a Msg, a ValidationFailed with
    several) in the reader's language, made inert for Markdown."""
    messages = getattr(text, "messages", None)
    if isinstance(text, Exception) and isinstance(messages, list):
        return "; ".join(md(i18n.say(m, lang())) for m in messages)
    return md(i18n.say(text, lang()))


def language_switch() -> str:
    """The sidebar control of the language, kept in the URL as ?lang=ko on every page (also after a page change,
    when Streamlit drops the query of the page left behind)."""
    default = lang()
    value = choose(
        t(LANGUAGE_LABEL), i18n.LANGUAGES, "lang", default, where=st.sidebar, format_func=i18n.LANGUAGE_NAMES.get
    )
    st.session_state[LANG_KEY] = value
    return value


def params(**values: str) -> dict[str, str]:
    """Query parameters of a deep link to another page, with the reader's language kept in it."""
    return {**values, "lang": lang()}


def link(path: str, **values: str) -> str:
    """'country?iso=KOR&treaty=ets185&lang=ko': a relative deep link for a link column."""
    from urllib.parse import urlencode

    return f"{path}?{urlencode(params(**values))}"


def page_url(page: str, **params: str) -> str:
    """A relative deep link to a page with its parameters (for link columns, which cannot take st.page_link)."""
    return f"./{page.rsplit('/', 1)[-1].removesuffix('.py')}?{urlencode({**params, 'lang': lang()})}"


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
        return t("no source recorded") + f" · {verified_mark(False, lang())}"
    url = safe_url(ref.url) if ref.url else ""
    title = f"[{md(ref.title)}]({url})" if url else md(ref.title)
    return f"{title} · {verified_mark(ref.verified, lang())}"


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
        st.warning(
            t("The link asks for {param}={value}, which is not known here; showing {default} instead.").format(
                param=param, value=md(url), default=md(format_func(default))
            )
        )
        url = None
    current = st.session_state.get(key)
    if url is not None and url != st.session_state.get(f"_{key}_url"):
        current = url  # a link or another page asked for this value
    elif current not in options:
        current = url if url is not None else (default if default in options else options[0])
    # Re-assigning keeps the value when the same control appears on another page (a new widget id).
    st.session_state[key] = current
    value = where.selectbox(
        label, options, key=key, format_func=format_func, help=help, placeholder=t("Choose an option")
    )
    _remember(key, value or None, param)
    return value


def choose_country(catalog: Any, codes: Sequence[str] | None = None, *, where: Any = None) -> str:
    """The country control (URL parameter iso), over `codes` (default: every assessed country)."""
    codes = sorted(catalog.countries) if codes is None else list(codes)
    default = "KOR" if "KOR" in codes else codes[0]
    from assessment.translations import Content

    content = Content(catalog, lang())
    return choose(
        t("Country"), codes, "iso", default, where=where, format_func=lambda c: f"{content.country_name(c)} ({c})"
    )


def choose_treaty(catalog: Any, param: str = "treaty", *, where: Any = None) -> str:
    """The treaty control (URL parameter `param`), Budapest Convention first by default."""
    from assessment.translations import Content

    content = Content(catalog, lang())
    return choose(
        t("Treaty"),
        sorted(catalog.treaties),
        param,
        "ets185",
        where=where,
        format_func=lambda tid: f"{content.treaty_short(tid)} ({catalog.treaties[tid].series})",
    )


#: A typed date: 2025-08-21, also 2025/8/21, 2025.8.21 or 2025. 8. 21. (as Korean readers write it) and 20250821.
_TYPED_DATE = re.compile(r"(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\.?|(\d{4})(\d{2})(\d{2})")


def typed_date(text: str) -> dt.date | None:
    """The whole date a person typed, or None when the text is not one (a partial date, 2025-02-30, words)."""
    m = _TYPED_DATE.fullmatch(text.strip())
    if m is None:
        return None
    year, month, day_ = (int(g) for g in (m.groups()[:3] if m.group(1) else m.groups()[3:]))
    try:
        return dt.date(year, month, day_)
    except ValueError:
        return None


def _date_range() -> tuple[dt.date, dt.date]:
    """The dates the as-of controls accept (Streamlit's date control refuses, with an exception, any other)."""
    return dt.date(1990, 1, 1), dt.date.today() + dt.timedelta(days=5 * 366)


def _apply_typed_date(key: str) -> None:
    """On Enter or Tab in the typed field: a whole date in range becomes the control's date; anything else is
    refused with a message, and the date shown stays (the next run puts it back in the field)."""
    text = str(st.session_state.get(f"{key}_typed") or "").strip()
    shown = st.session_state.get(key)
    shown_text = shown.isoformat() if isinstance(shown, dt.date) else ""
    if not text:
        return  # the field was emptied: the date shown stays, and goes back into the field
    earliest, latest = _date_range()
    typed = typed_date(text)
    if typed is None:
        st.session_state[f"_{key}_refused"] = t(
            "“{value}” is not a whole date: type it as YYYY-MM-DD, for example {example}. Still showing {shown}."
        ).format(
            value=md(text if len(text) <= 24 else text[:23] + "…"),
            example=shown_text or earliest.isoformat(),
            shown=shown_text,
        )
    elif not earliest <= typed <= latest:
        st.session_state[f"_{key}_refused"] = t(
            "{value} is outside {earliest} to {latest}. Still showing {shown}."
        ).format(value=typed.isoformat(), earliest=earliest.isoformat(), latest=latest.isoformat(), shown=shown_text)
    else:
        st.session_state[key] = typed


#: Constant markup: hides the typed segments of every as-of date control (`choose_date` keys them choice_<param>,
#: and Streamlit gives a keyed widget the class st-key-<key>), leaving its calendar button. Were Streamlit to
#: rename these, the whole date control would show again: still working, only longer.
CALENDAR_ONLY_CSS = """<style>
[class*="st-key-choice_"] [data-testid="stDateInputFieldsScroller"] { display: none; }
[class*="st-key-choice_"] [data-testid="stDateInputField"] { border: none; background: transparent; padding: 0; }
</style>"""


def choose_date(label: str, param: str, default: dt.date, *, where: Any = None, help: str | None = None) -> dt.date:
    """A date kept in the URL as YYYY-MM-DD (the same rules as `choose`).

    The date is typed into a text field, which applies it on Enter and on Tab (Streamlit's own date field applies
    a typed date only once the focus has left both it and its calendar button, and never on Enter), with
    Streamlit's calendar button beside it. Both show one date, held under the key `choice_{param}`.
    """
    where = where or st
    key = f"choice_{param}"
    earliest, latest = _date_range()
    url = st.query_params.get(param)
    current = st.session_state.get(key)
    if url is not None and url != st.session_state.get(f"_{key}_url"):
        try:
            current = dt.date.fromisoformat(url)
        except ValueError:
            st.warning(
                t("The link's date {param}={value} is not a date (YYYY-MM-DD); showing {default}.").format(
                    param=param, value=md(url), default=default.isoformat()
                )
            )
            current = None
        else:
            # the date control refuses (with an exception) a value outside its range: clamp it, and say so
            clamped = min(max(current, earliest), latest)
            if clamped != current:
                st.warning(
                    t("The link's date {param}={value} is outside {earliest} to {latest}; showing {shown}.").format(
                        param=param,
                        value=md(url),
                        earliest=earliest.isoformat(),
                        latest=latest.isoformat(),
                        shown=clamped.isoformat(),
                    )
                )
                current = clamped
    if not isinstance(current, dt.date):
        current = default
    st.session_state[key] = current
    st.session_state[f"{key}_typed"] = current.isoformat()  # also puts the shown date back after a refused one
    refused = st.session_state.pop(f"_{key}_refused", None)
    field, calendar = where.columns([4, 1], gap="small", vertical_alignment="bottom")
    field.text_input(
        label,
        key=f"{key}_typed",
        placeholder="YYYY-MM-DD",
        on_change=_apply_typed_date,
        args=(key,),
        help=(help + " " if help else "")
        + t("Type a date as YYYY-MM-DD and press Enter or Tab, or pick it on the calendar."),
    )
    # The calendar: Streamlit's date control with its own typed field hidden, so only its calendar button shows.
    calendar.html(CALENDAR_ONLY_CSS)
    value = calendar.date_input(
        label, key=key, min_value=earliest, max_value=latest, format="YYYY-MM-DD", label_visibility="collapsed"
    )
    if refused:
        where.warning(refused)  # under the field, where the eye is (a page's own notices may be far below)
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


def clicked_country(event: Any, figure: Any = None) -> str | None:
    """The ISO3 code of the map shape or marker a click selected, or None: plotly's 'location' when the event
    carries it, else looked up in `figure` by trace and point index."""
    try:
        points = event.selection.points if event else []
    except AttributeError:
        return None
    for point in points or []:
        if not hasattr(point, "get"):
            continue
        location = point.get("location")
        if location is None and figure is not None:
            curve, index = point.get("curve_number"), point.get("point_index", point.get("point_number"))
            try:
                location = figure.data[curve].locations[index]
            except (IndexError, KeyError, TypeError, AttributeError):
                location = None
        if isinstance(location, str) and len(location) == 3:
            return location.upper()
    return None


def draft_warning(names: Sequence[str]) -> None:
    """Staff see working assessments: name the countries shown in draft (`_data.drafts`), so no screenshot or
    print of the page passes for the approved picture."""
    if names:
        st.warning(
            t("**{mark}**: you see the working assessments of {countries}. Aides see the approved ones.").format(
                mark=md(t(DRAFT_MARK).capitalize()), countries=md(", ".join(names))
            )
        )


def empty(message: str) -> None:
    """An empty state that says what to do next."""
    st.info(message, icon=":material/lightbulb:")  # callers pass it translated (t(...))


NO_COUNTRIES = N_(
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
_PRINT_BUTTON = (
    '<button class="no-print" onclick="window.print()" '
    'style="padding:0.35rem 0.9rem;border-radius:0.5rem;border:1px solid #bbb;background:#fff;cursor:pointer">{label}</button>'
)


def print_button(language: str | None = None) -> str:
    """The print button's constant markup; its label comes from the catalogue (no data text), HTML-escaped."""
    import html

    return _PRINT_BUTTON.format(label=html.escape(i18n.gettext(language or lang())(N_("Print this brief"))))
