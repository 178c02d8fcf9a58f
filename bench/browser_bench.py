"""What a person waits for: the real app in Debian's Chromium, against a bare one-line Streamlit page served the
same way (same server options, same browser, same run).

"Finished" means what a person sees as done, checked in the page itself:
* Streamlit's script state on the app root (`data-test-script-state`) is `notRunning` and no element is stale
  (greyed out, left over from the previous run);
* the page's own marker is there (a text from the end of the page, or the map's country shapes);
* every plotly chart on the page has drawn its SVG.

A returning visitor has the app's scripts in the browser cache and the server's caches warm: each page is opened
once before the timed visits, and every visit is a fresh navigation (a new websocket session) in the same
browser context. The date change types a date never shown before into Country's as-of control, so its scores
are really computed; the bare page's counterpart is a click on its one button (a plain rerun).
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from assessment.vocab import day
from bench.harness import PROJECT, chromium, streamlit_server

APP = PROJECT / "app.py"
BARE_TITLE = "Bare page"
WAIT_MS = 120_000

#: True once the page is finished: marker is a CSS selector that must match, or text that must be on the page.
FINISHED = """([selector, text, minCount]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-stale="true"]')) return false;
  if (selector && document.querySelectorAll(selector).length < minCount) return false;
  if (text && !document.querySelector('[data-testid="stMain"]')?.innerText.includes(text)) return false;
  for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    if (!chart.querySelector('.main-svg')) return false;
  }
  return true;
}"""

PAGES = {  # name -> (path and query, marker selector, marker text, how many of the selector)
    "browser_overview": ("/", ".geolayer path.choroplethlocation", "Treaty register:", 50),
    "browser_country": ("/country?iso=KOR&treaty=ets185", None, "Research last checked", 1),
    "browser_compare": (
        "/compare?treaty=ets185",
        "[data-testid='data-grid-canvas']",
        "Open a cell by choosing from lists",
        1,
    ),
    "browser_treaty": ("/treaty?id=ets185", None, "Every reservation and declaration", 1),
    "browser_brief": ("/brief?iso=KOR&treaty=ets185", None, "See the full country page", 1),
}
BARE = ("/", None, BARE_TITLE, 1)


def _bare_script() -> Path:
    path = Path(tempfile.mkdtemp(prefix="accession-bench-")) / "bare.py"
    # one button (its click is a plain rerun) and the run's time stamp, so a rerun that draws nothing new is seen
    path.write_text(f'import time\nimport streamlit as st\nst.button("{BARE_TITLE}")\nst.text(time.monotonic_ns())\n')
    return path


def _visit(page, base: str, target: tuple) -> float:
    path, selector, text, count = target
    t0 = time.perf_counter()
    page.goto(f"{base}{path}", wait_until="commit")
    page.wait_for_function(FINISHED, arg=[selector, text, count], timeout=WAIT_MS, polling=10)
    return time.perf_counter() - t0


def _visits(page, base: str, target: tuple, runs: int) -> float:
    _visit(page, base, target)  # the first visit fills the browser's and the server's caches
    return statistics.median(_visit(page, base, target) for _ in range(runs))


def _date_changes(page, base: str, runs: int) -> float:
    """Type a new as-of date into Country's date field, press Tab, and wait for the rerun to finish (each date a new
    one). The field is a text field since issue 22: the date applies on Enter or Tab, so the wait starts at the key."""
    times = []
    start = dt.date(2021, 3, 1)
    for i in range(runs + 1):
        _visit(page, base, PAGES["browser_country"])
        when = start + dt.timedelta(days=37 * i)
        field = page.get_by_role("textbox", name="As of").first
        field.click()
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type(when.isoformat(), delay=20)
        t0 = time.perf_counter()
        page.keyboard.press("Tab")
        page.wait_for_function(FINISHED, arg=[None, f"Critical gaps on {day(when)}", 1], timeout=WAIT_MS, polling=10)
        if i:  # the first change warms up the date control's code path
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _button_reruns(page, base: str, runs: int) -> float:
    times = []
    _visit(page, base, BARE)
    stamp = page.locator("[data-testid='stText']").first
    for i in range(runs + 1):
        before = stamp.inner_text()
        t0 = time.perf_counter()
        page.get_by_role("button", name=BARE_TITLE).click()
        page.wait_for_function(FINISHED, arg=[None, BARE_TITLE, 1], timeout=WAIT_MS, polling=10)
        page.wait_for_function(
            "b => document.querySelector(\"[data-testid='stText']\").innerText !== b",
            arg=before,
            timeout=WAIT_MS,
            polling=10,
        )
        if i:
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _cold_map(browser, bare: Path, runs: int) -> tuple[float, float]:
    """Server start to the map's country shapes drawn, against server start to the bare page shown."""
    ours, baseline = [], []
    for _ in range(runs):
        for script, target, sink in ((APP, PAGES["browser_overview"], ours), (bare, BARE, baseline)):
            page = browser.new_page()
            t0 = time.perf_counter()
            with streamlit_server(script, cwd=PROJECT) as base:
                page.goto(f"{base}/", wait_until="commit")
                page.wait_for_function(FINISHED, arg=list(target[1:]), timeout=WAIT_MS, polling=10)
                sink.append(time.perf_counter() - t0)
            page.close()
    return statistics.median(ours), statistics.median(baseline)


def browser_bench(repeat: int) -> list[dict]:
    """One line per page (ours against the bare page), the date change, and the cold start to the map."""
    runs = max(3, min(repeat, 7))
    bare = _bare_script()
    lines = []
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 1100})
        page = context.new_page()
        with streamlit_server(APP, cwd=PROJECT) as ours, streamlit_server(bare, cwd=PROJECT) as plain:
            for name, target in PAGES.items():
                baseline = _visits(page, plain, BARE, runs)  # interleaved, so a busy spell hits both sides
                lines.append(
                    {"name": name, "ours_s": _visits(page, ours, target, runs), "baseline_s": baseline, "runs": runs}
                )
            baseline = _button_reruns(page, plain, runs)
            lines.append(
                {
                    "name": "browser_country_date_change",
                    "ours_s": _date_changes(page, ours, runs),
                    "baseline_s": baseline,
                    "runs": runs,
                }
            )
        context.close()
        cold, cold_bare = _cold_map(browser, bare, max(2, min(runs, 3)))
        lines.append(
            {"name": "browser_cold_map", "ours_s": cold, "baseline_s": cold_bare, "runs": max(2, min(runs, 3))}
        )
    return lines
