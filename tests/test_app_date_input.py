"""The as-of control (app_pages/_ui.py: choose_date) through AppTest: a date typed into its text field applies
when the field commits (Enter or Tab in a browser; tests/e2e/test_date_input_browser.py presses the keys), a
mistyped one is refused with a message in the page's language, and the calendar beside it stays in step."""

from __future__ import annotations

import datetime as dt

import pytest

from app_pages._ui import typed_date
from assessment.scoring import Engine
from assessment.vocab import percent
from tests.test_app_pages import open_page

THEN = dt.date(2025, 8, 21)
TYPED = "choice_as_of_typed"
PICKED = "choice_as_of"


def _as_of(at) -> str:
    value = at.query_params["as_of"]
    return value[0] if isinstance(value, list) else value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-15", dt.date(2024, 3, 15)),
        (" 2024-3-5 ", dt.date(2024, 3, 5)),
        ("2024/03/15", dt.date(2024, 3, 15)),
        ("2024. 3. 15.", dt.date(2024, 3, 15)),  # as Korean readers write a date
        ("20240315", dt.date(2024, 3, 15)),
        ("2024-03", None),
        ("2024-02-30", None),
        ("15/03/2024", None),  # day first is ambiguous: refused, not guessed
        ("garbage", None),
        ("", None),
    ],
)
def test_typed_date_reads_only_whole_dates(text: str, expected: dt.date | None) -> None:
    assert typed_date(text) == expected


def test_a_typed_date_applies_to_the_url_the_figures_and_the_calendar(engine: Engine) -> None:
    at = open_page("app_pages/country.py", iso="KOR", treaty="ets185", as_of=THEN.isoformat())
    assert at.text_input(key=TYPED).value == THEN.isoformat()
    later = dt.date(2026, 1, 15)
    at.text_input(key=TYPED).input(later.isoformat()).run()
    assert not at.exception, at.exception
    assert _as_of(at) == later.isoformat()
    assert at.date_input(key=PICKED).value == later
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[f"Readiness on {later:%d %b %Y}"] == percent(engine.score_country("KOR", "ets185", later).score)


def test_the_calendar_puts_its_date_in_the_typed_field() -> None:
    at = open_page("app_pages/compare.py", treaty="ets185", as_of=THEN.isoformat())
    at.date_input(key=PICKED).set_value(dt.date(2024, 3, 15)).run()
    assert not at.exception, at.exception
    assert at.text_input(key=TYPED).value == "2024-03-15"
    assert _as_of(at) == "2024-03-15"


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("2024-03", "is not a whole date: type it as YYYY-MM-DD"),
        ("[x](https://evil.example)", "is not a whole date"),
        ("1900-01-01", "is outside 1990-01-01"),
    ],
)
def test_a_mistyped_date_is_refused_and_the_date_shown_kept(typed: str, says: str) -> None:
    at = open_page("app_pages/brief.py", iso="KOR", treaty="ets185", as_of=THEN.isoformat())
    at.text_input(key=TYPED).input(typed).run()
    assert not at.exception, at.exception
    warnings = [w.value for w in at.warning if says in w.value]
    assert warnings and f"Still showing {THEN.isoformat()}" in warnings[0]
    assert "](" not in warnings[0]  # typed text is shown inert, never as a link
    assert _as_of(at) == THEN.isoformat() and at.date_input(key=PICKED).value == THEN
    assert at.text_input(key=TYPED).value == THEN.isoformat()  # the field shows the date in use again
    at.run()  # the message was about that attempt: it does not stay
    assert not [w for w in at.warning if says in w.value]


def test_an_emptied_field_keeps_the_date_without_a_message() -> None:
    at = open_page("app_pages/overview.py", treaty="ets185", as_of=THEN.isoformat())
    at.text_input(key=TYPED).input("").run()
    assert not at.exception, at.exception
    assert _as_of(at) == THEN.isoformat() and at.text_input(key=TYPED).value == THEN.isoformat()
    assert not at.warning


def test_a_korean_page_refuses_a_mistyped_date_too() -> None:
    """(Its words come from the catalogue: the Korean translation is added with the lead's catalogue update.)"""
    at = open_page("app_pages/country.py", lang="ko", iso="KOR", treaty="ets185", as_of=THEN.isoformat())
    at.text_input(key=TYPED).input("2024-13-01").run()
    assert not at.exception, at.exception
    assert _as_of(at) == THEN.isoformat()
    assert any("2024-13-01" in w.value.replace("\\", "") for w in at.warning)
