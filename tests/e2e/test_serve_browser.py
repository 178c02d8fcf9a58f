"""The app as served by serve.py, in Debian's headless Chromium (issue 18, item 6): every response carries the
Content-Security-Policy and no other page may frame the app; the session cookie is set by the server, HttpOnly,
so no script in the page can read it; signing out and in again in the same tab keeps working; the pages run
under the policy without a single violation. No request leaves 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assessment import service
from bench.harness import PROJECT, streamlit_server
from tests.e2e.staff import WAIT_MS, add_user, fill_sign_in, sign_in
from tests.e2e.staff import new_page as _new_page
from tests.e2e.test_browser import _left_the_machine

SEEN: list[str] = []
VIOLATIONS: list[str] = []


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with streamlit_server(PROJECT / "serve.py") as url:
        yield url


def new_page(browser):  # type: ignore[no-untyped-def]
    page = _new_page(browser, SEEN)
    page.on("console", lambda m: VIOLATIONS.append(m.text) if "Content Security Policy" in m.text else None)
    return page


def session_cookie(page) -> dict | None:  # type: ignore[no-untyped-def]
    return next((c for c in page.context.cookies() if c["name"] == "ar_session"), None)


def finished(page) -> None:  # type: ignore[no-untyped-def]
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(timeout=WAIT_MS)


def test_pages_carry_the_policy_and_no_other_page_may_frame_them(browser, base: str) -> None:
    page = new_page(browser)
    response = page.goto(f"{base}/country?iso=KOR&treaty=ets185")
    assert "frame-ancestors 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    page.get_by_text("Readiness today").wait_for(timeout=WAIT_MS)
    page.locator("[data-testid='stPlotlyChart']").first.wait_for(timeout=WAIT_MS)  # charts draw under the policy
    finished(page)
    page.goto(f"{base}/brief?iso=KOR")
    page.get_by_role("button", name="Print this brief").click()  # an inline handler, allowed by its hash
    finished(page)

    refused: list[str] = []
    framing = page.context.new_page()
    framing.on("console", lambda m: refused.append(m.text))
    framing.set_content(f'<iframe src="{base}/" width="600" height="400"></iframe>')  # a page of no origin of ours
    for _ in range(100):
        if any("frame-ancestors" in text for text in refused):
            break
        framing.wait_for_timeout(100)
    assert any("frame-ancestors" in text for text in refused), refused
    assert framing.frames[-1].locator("[data-testid='stApp']").count() == 0
    page.context.close()


def test_the_server_sets_the_session_cookie_and_no_script_can_read_it(browser, base: str) -> None:
    name = add_user()
    page = new_page(browser)
    sign_in(page, base, name)
    cookie = session_cookie(page)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and not cookie["secure"]  # Secure only over HTTPS
    assert service.store().session_user(cookie["value"]).name == name
    assert "ar_session" not in page.evaluate("document.cookie")
    page.reload()
    page.get_by_text(f"Signed in as {name}").wait_for(timeout=WAIT_MS)

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("User name").wait_for(timeout=WAIT_MS)
    for _ in range(100):
        if session_cookie(page) is None:
            break
        page.wait_for_timeout(100)
    assert session_cookie(page) is None  # cleared by the server: a script could not have
    fill_sign_in(page, name)  # the same tab again
    page.get_by_text(f"Signed in as {name}").wait_for(timeout=WAIT_MS)
    for _ in range(100):
        if session_cookie(page) is not None:
            break
        page.wait_for_timeout(100)
    assert session_cookie(page)["value"] != cookie["value"] and session_cookie(page)["httpOnly"]
    page.goto(f"{base}/edit?iso=KOR&treaty=ets185")
    page.get_by_text("Edit an assessment").wait_for(timeout=WAIT_MS)
    finished(page)
    page.context.close()


def test_no_page_broke_the_policy_and_no_request_left_the_machine() -> None:
    assert not VIOLATIONS, VIOLATIONS
    assert SEEN and not _left_the_machine(SEEN), _left_the_machine(SEEN)
