"""Issue 22, item 9, in Debian's Chromium: a person types a date into the as-of field and presses Enter or Tab, and
the page applies it (the URL holds it, the figures are for it); a partial or mistyped date is refused with a
message and the date shown stays. Streamlit's own date field applied a typed date on neither key."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest

from assessment.scoring import Engine
from assessment.vocab import day, percent

THEN = dt.date(2025, 8, 21)
WAIT_MS = 60_000
#: How long the page may take to apply a typed date: a rerun of one page, well under this on the slowest CI.
APPLY_MS = 30_000


@pytest.fixture
def page(browser):
    # wide, so the sidebar never covers the controls
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    yield context.new_page()
    context.close()


def _settled(page) -> None:
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=WAIT_MS)


def _open(page, url: str, shown: str) -> None:
    """Open a page and wait until it is drawn (a text of its own, then the end of the script run)."""
    page.goto(url)
    page.get_by_text(shown).first.wait_for(timeout=WAIT_MS)
    _settled(page)


def _type_date(page, text: str, key: str) -> None:
    """What a person does: click into the as-of field, replace what it holds by `text`, press `key`. (In
    Streamlit's own date field, the control before issue 22, that means clicking its year and typing the digits,
    which fill year, month and day in turn: so this test shows that control failing for the right reason.)"""
    field = page.get_by_role("textbox", name="As of")
    segments = page.get_by_role("spinbutton", name="year, As of")
    field.or_(segments).first.wait_for(timeout=WAIT_MS)  # a page may still be drawing when its script has run
    if field.count():
        field.first.click()
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type(text, delay=20)
    else:
        segments.first.click()
        page.keyboard.type(text.replace("-", ""), delay=20)
    page.keyboard.press(key)


def _as_of(page) -> str | None:
    return parse_qs(urlparse(page.url).query).get("as_of", [None])[0]


def _readiness_on(page, on: dt.date) -> str:
    """The value of the Country page's metric "Readiness on <date>"."""
    metric = page.locator("[data-testid='stMetric']").filter(has_text=f"Readiness on {day(on)}").first
    metric.wait_for(timeout=APPLY_MS)
    return metric.locator("[data-testid='stMetricValue']").inner_text().strip()


@pytest.mark.parametrize("key", ["Enter", "Tab"])
def test_a_typed_date_applies_on_enter_and_on_tab(page, base: str, engine: Engine, key: str) -> None:
    target = dt.date(2010, 6, 1)
    before, after = (engine.score_country("KOR", "ets185", d).score for d in (THEN, target))
    assert percent(before) != percent(after), "pick a date whose score differs, so the figure shows the change"
    _open(page, f"{base}/country?iso=KOR&treaty=ets185&as_of={THEN.isoformat()}", "Critical gaps on")
    assert _readiness_on(page, THEN) == percent(before)

    _type_date(page, target.isoformat(), key)
    page.wait_for_url(f"**as_of={target.isoformat()}**", timeout=APPLY_MS)
    assert _readiness_on(page, target) == percent(after)  # the figures are for the typed date
    _settled(page)
    assert _as_of(page) == target.isoformat()
    assert page.get_by_role("textbox", name="As of").input_value() == target.isoformat()


@pytest.mark.parametrize(
    ("path", "shown", "applied"),
    [
        ("/?treaty=ets185", "Ranking of assessed countries", "Scores count law in force on 1 Jun 2010"),
        ("/compare?treaty=ets185", "Compare countries, obligation by obligation", None),
        ("/brief?iso=KOR&treaty=ets185", "Where it stands", "Readiness brief as of 1 Jun 2010"),
    ],
    ids=["overview", "compare", "brief"],
)
def test_every_page_with_the_date_applies_it_on_enter(
    page, base: str, path: str, shown: str, applied: str | None
) -> None:
    _open(page, f"{base}{path}&as_of={THEN.isoformat()}", shown)
    _type_date(page, "2010-06-01", "Enter")
    page.wait_for_url("**as_of=2010-06-01**", timeout=APPLY_MS)
    if applied:
        page.get_by_text(applied).first.wait_for(timeout=APPLY_MS)
    _settled(page)
    assert page.get_by_role("textbox", name="As of").input_value() == "2010-06-01"


MISTYPED = [  # what was typed, the key pressed, and what the message says about it
    ("garbage", "Enter", "“garbage” is not a whole date"),
    ("2024-03", "Tab", "“2024-03” is not a whole date"),  # a partial date
    ("2024-02-30", "Enter", "“2024-02-30” is not a whole date"),  # no such day
    ("1900-01-01", "Enter", "1900-01-01 is outside 1990-01-01"),
]


def test_a_mistyped_date_is_refused_and_the_shown_date_kept(page, base: str, engine: Engine) -> None:
    """One visit, four attempts in turn (each refusal is about its own attempt, and the page stays on THEN)."""
    _open(page, f"{base}/country?iso=KOR&treaty=ets185&as_of={THEN.isoformat()}", "Critical gaps on")
    then = percent(engine.score_country("KOR", "ets185", THEN).score)
    for typed, key, says in MISTYPED:
        _type_date(page, typed, key)
        warning = page.locator("[data-testid='stAlert']").filter(has_text=says).first
        warning.wait_for(timeout=APPLY_MS)
        assert f"Still showing {THEN.isoformat()}" in warning.inner_text(), typed
        _settled(page)
        assert _as_of(page) == THEN.isoformat(), typed
        assert _readiness_on(page, THEN) == then, typed
        assert page.get_by_role("textbox", name="As of").input_value() == THEN.isoformat(), typed  # the date in use


def test_the_calendar_beside_the_field_still_picks_a_date(page, base: str) -> None:
    _open(page, f"{base}/country?iso=KOR&treaty=ets185&as_of={THEN.isoformat()}", "Critical gaps on")
    page.get_by_test_id("stDateInputCalendarButton").first.click()
    page.get_by_role("grid").get_by_text("14", exact=True).first.click()
    page.wait_for_url("**as_of=2025-08-14**", timeout=APPLY_MS)
    _settled(page)
    assert page.get_by_role("textbox", name="As of").input_value() == "2025-08-14"
