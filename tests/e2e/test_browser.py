"""The real app in Debian's headless Chromium: the map draws offline, Korea's deep link shows the preservation
gap and its bill, a click in Compare's grid opens the country, the brief downloads as PDF, and no request leaves
127.0.0.1. Without /usr/bin/chromium these tests fail (CI installs it); they never download a browser."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest

from assessment.brief import country_brief
from assessment.catalog import Catalog
from assessment.grids import ARTICLE_WIDTH, COUNTRY_WIDTH, OBLIGATION_WIDTH
from assessment.scoring import Engine
from bench.harness import LOOPBACK

KOREA_THEN = dt.date(2025, 8, 21)
WAIT_MS = 60_000
SEEN: list[str] = []  # every request and websocket any page of this module made


@pytest.fixture
def page(browser, base: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1100}, accept_downloads=True)
    context.on("request", lambda request: SEEN.append(request.url))
    page = context.new_page()
    page.on("websocket", lambda ws: SEEN.append(ws.url))
    yield page
    context.close()
    assert not _left_the_machine(SEEN), _left_the_machine(SEEN)


def _left_the_machine(urls: list[str]) -> list[str]:
    out = []
    for url in urls:
        parsed = urlparse(url)
        if parsed.scheme in ("data", "blob", "about"):
            continue  # in-memory, never on the network
        if parsed.hostname != LOOPBACK:
            out.append(url)
    return out


def _main_text(page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def test_overview_draws_country_shapes_from_the_local_topology(page, base: str, catalog: Catalog) -> None:
    page.goto(f"{base}/")
    page.wait_for_function(
        "() => document.querySelectorAll('.geolayer path.choroplethlocation').length > 50", timeout=WAIT_MS
    )
    shapes = page.locator(".geolayer path.choroplethlocation").count()
    assert shapes >= 0.8 * len(catalog.registers["ets185"].entries)
    assert f"{base}/app/static/topojson/world_110m.json" in SEEN
    page.screenshot(path="/tmp/e2e-overview.png", full_page=True)


def test_korea_deep_link_shows_the_preservation_gap_and_its_bill(
    page, base: str, catalog: Catalog, engine: Engine
) -> None:
    page.goto(f"{base}/country?iso=KOR&treaty=ets185&as_of={KOREA_THEN.isoformat()}")
    page.get_by_text(f"Critical gaps on {KOREA_THEN:%d %b %Y}").wait_for(timeout=WAIT_MS)
    art16 = next(
        g for g in country_brief(catalog, engine, "KOR", "ets185", KOREA_THEN).gaps if g.obligation == "ets185.art16"
    )
    card = page.locator("[data-testid='stExpander']").filter(has_text=f"Art. {art16.article} {art16.title}").first
    line = card.locator("summary").inner_text()  # at a glance: the gap and the stage of the bill that would close it
    assert art16.bills and art16.bills[0].stage_text in line
    card.locator("summary").click()  # details on demand
    card.get_by_text("Bill that would close it").wait_for(timeout=WAIT_MS)
    text = card.inner_text()
    assert "Criminal Procedure Act" in text
    for bill in art16.bills:
        assert bill.bill_label in text and bill.stage_text in text
    assert "unverified" in text or "verified" in text
    query = parse_qs(urlparse(page.url).query)
    assert query["iso"] == ["KOR"] and query["as_of"] == [KOREA_THEN.isoformat()]
    page.screenshot(path="/tmp/e2e-korea.png", full_page=True)


def test_a_gap_cards_precedents_link_to_the_party_that_provides_it(
    page, base: str, catalog: Catalog, engine: Engine
) -> None:
    """Issue 20: a drafter opens Art. 29's gap card, reads how Parties provide it, and follows one to its page."""
    today = dt.date.today()
    brief = country_brief(catalog, engine, "KOR", "ets185", today)
    parties = brief.precedents["ets185.art29"]
    assert parties, "Korea's Art. 29 gap has no precedent in the shipped data"
    page.goto(f"{base}/country?iso=KOR&treaty=ets185")
    page.get_by_text("Critical gaps on").first.wait_for(timeout=WAIT_MS)
    art29 = next(g for g in brief.gaps if g.obligation == "ets185.art29")
    card = page.locator("[data-testid='stExpander']").filter(has_text=f"Art. {art29.article} {art29.title}").first
    card.locator("summary").click()
    card.get_by_text("How Parties provide it").wait_for(timeout=WAIT_MS)
    text = card.inner_text()
    for p in parties:
        assert p.name in text and p.provisions[0].citation.split(",")[0] in text
    card.get_by_role("link", name=parties[0].name).click()
    page.wait_for_url(f"**/country?*iso={parties[0].country}*", timeout=WAIT_MS)
    query = parse_qs(urlparse(page.url).query)
    assert query["iso"] == [parties[0].country] and query["obligation"] == ["ets185.art29"]
    page.get_by_text("Expedited preservation of stored computer data (mutual assistance)").first.wait_for(
        timeout=WAIT_MS
    )
    page.screenshot(path="/tmp/e2e-precedent.png", full_page=True)


def test_clicking_a_grid_cell_opens_that_country_obligation(page, base: str) -> None:
    """Compare's grid is drawn on a canvas: the cell is found by its row in the grid's accessible table (the
    row whose first cell says "Art. 16") and its column from the widths the page gives the columns."""
    page.goto(f"{base}/compare?treaty=ets185")
    canvas = page.locator("[data-testid='data-grid-canvas']").first
    canvas.wait_for(timeout=WAIT_MS)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=WAIT_MS)
    row = page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stDataFrame"] td')].find(c => c.innerText === 'Art. 16')?.id""",
        timeout=WAIT_MS,
    ).json_value()
    headers = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stDataFrame"] th')].map(c => c.innerText)"""
    )
    column = headers.index("Republic of Korea") - 2  # after the article and obligation columns
    box = canvas.bounding_box()
    row_px = 35  # Streamlit's header and row height
    x = box["x"] + ARTICLE_WIDTH + OBLIGATION_WIDTH + COUNTRY_WIDTH * column + COUNTRY_WIDTH / 2
    y = box["y"] + row_px * (int(row.rsplit("-", 1)[1]) + 1) + row_px / 2
    assert x < box["x"] + box["width"], "Korea's column is off the grid's visible width: widen the viewport"
    page.mouse.click(x, y)
    page.wait_for_url("**/country?**", timeout=WAIT_MS)
    query = parse_qs(urlparse(page.url).query)
    assert query["iso"] == ["KOR"] and query["obligation"] == ["ets185.art16"] and query["treaty"] == ["ets185"]
    page.get_by_text("Expedited preservation of stored computer data").first.wait_for(timeout=WAIT_MS)
    page.go_back()  # back on Compare, the grid is shown again: the old selection does not open the country again
    canvas.wait_for(timeout=WAIT_MS)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=WAIT_MS)
    page.wait_for_timeout(1000)
    assert "/compare" in page.url


def test_brief_opens_and_downloads_as_pdf(page, base: str) -> None:
    page.goto(f"{base}/brief?iso=KOR&as_of={KOREA_THEN.isoformat()}")
    page.get_by_text("What happens next").wait_for(timeout=WAIT_MS)
    text = _main_text(page)
    for heading in ("Where it stands", "What is missing", "Which bill fixes it"):
        assert heading in text
    with page.expect_download(timeout=WAIT_MS) as download:
        page.get_by_text("Download PDF").click()
    path = download.value.path()
    with open(path, "rb") as f:
        assert f.read(5) == b"%PDF-"
    page.screenshot(path="/tmp/e2e-brief.png", full_page=True)


def test_koreas_un_page_marks_statuses_carried_over_from_ets185(page, base: str) -> None:
    page.goto(f"{base}/country?iso=KOR&treaty=uncc2024&obligation=uncc2024.art7")
    page.get_by_text("carried over from the Budapest Convention", exact=False).first.wait_for(timeout=WAIT_MS)
    card = (
        page.locator("[data-testid='stExpander']").filter(has_text="Art. 42").first
    )  # a gap carried over from Art. 29
    card.locator("summary").click()
    card.get_by_text("carried over from ETS 185 Art. 29", exact=False).first.wait_for(timeout=WAIT_MS)
    metric = page.locator("[data-testid='stMetric']").filter(has_text="Readiness today").first
    metric.wait_for(timeout=WAIT_MS)
    value = metric.locator("[data-testid='stMetricValue']").inner_text()
    assert value.endswith("%"), f"the carried-over score is shown, not {value!r}"
    page.screenshot(path="/tmp/e2e-korea-un.png", full_page=True)


def test_no_request_left_the_machine() -> None:
    assert SEEN, "the browser tests recorded no request at all"
    assert not _left_the_machine(SEEN), _left_the_machine(SEEN)


# ------------------------------------------------------------------------------------------------ Korean


def test_korean_country_link_shows_korean_and_the_switch_keeps_the_page(page, base: str) -> None:
    page.goto(f"{base}/country?iso=KOR&treaty=ets185&lang=ko")
    page.get_by_text("오늘 준비도").first.wait_for(timeout=WAIT_MS)
    page.get_by_text("형사소송법", exact=False).first.wait_for(timeout=WAIT_MS)
    text = _main_text(page)
    assert "핵심 미비사항" in text
    assert "Readiness today" not in text

    # switch to English in the sidebar: same page, same parameters, lang=en
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.locator("[data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="English").click()
    page.get_by_text("Readiness today").first.wait_for(timeout=WAIT_MS)
    query = parse_qs(urlparse(page.url).query)
    assert urlparse(page.url).path.endswith("/country")
    assert query.get("iso") == ["KOR"] and query.get("treaty") == ["ets185"] and query.get("lang") == ["en"]

    # and back to Korean, then to another page from the menu: the language stays
    sidebar.locator("[data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="한국어").click()
    page.get_by_text("오늘 준비도").first.wait_for(timeout=WAIT_MS)
    page.locator("[data-testid='stSidebarNav'] a", has_text="브리핑").first.click()
    page.get_by_text("현황").first.wait_for(timeout=WAIT_MS)
    assert parse_qs(urlparse(page.url).query).get("lang") == ["ko"]
    page.screenshot(path="/tmp/e2e-brief-ko.png", full_page=True)
