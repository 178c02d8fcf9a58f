"""Editing in the real app in Debian's headless Chromium: an editor signs in, saves a note, leaves the page and
comes back, reloads: the saved value is there. A second editor working from a stale view is refused and keeps
what they typed. No request leaves 127.0.0.1."""

from __future__ import annotations

import uuid


from assessment import service
from assessment.changes import element_label
from assessment.store import SYSTEM
from tests.e2e.test_browser import _left_the_machine

WAIT_MS = 60_000
ELEMENT = "ets185.art1.e1"  # the first element of the first obligation: the Edit page opens on it
#: The Edit page names an element by its article and text (words, not ids).
LABEL = element_label(service.catalog(), ELEMENT)
SEEN: list[str] = []


def editor(countries=("KOR",)) -> str:
    name = f"ed{uuid.uuid4().hex[:6]}"
    service.store().add_user(SYSTEM, name, "editor", "password-long-1", countries)
    return name


def new_page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    context.on("request", lambda r: SEEN.append(r.url))
    return context.new_page()


def sign_in(page, base: str, name: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/signin")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password", exact=True).fill("password-long-1")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text(f"Signed in as {name}").wait_for(timeout=WAIT_MS)


def open_element(page):  # type: ignore[no-untyped-def]
    """Go to Edit through the menu (a page switch keeps the session) and open the element's form."""
    page.get_by_role("link", name="Edit").click()
    page.get_by_text("Edit an assessment").wait_for(timeout=WAIT_MS)
    summary = page.locator("[data-testid='stExpander'] summary").filter(has_text=LABEL).first
    summary.wait_for(timeout=WAIT_MS)
    box = page.locator("[data-testid='stExpander']").filter(has_text=LABEL).first
    if box.get_by_label("Note").count() == 0 or not box.get_by_label("Note").is_visible():
        summary.click()
    box.get_by_label("Note").wait_for(timeout=WAIT_MS)
    return box


def test_saved_edit_survives_page_change_and_reload(browser, base: str) -> None:
    name = editor()
    page = new_page(browser)
    sign_in(page, base, name)
    box = open_element(page)
    text = f"Checked in the statute on {uuid.uuid4().hex[:8]}"
    box.get_by_label("Note").fill(text)
    box.get_by_role("button", name="Save").click()
    page.get_by_text("Saved at").first.wait_for(timeout=WAIT_MS)
    assert service.store().assessment("KOR", ELEMENT).note == text

    page.get_by_role("link", name="Overview").click()
    page.get_by_role("link", name="Country").wait_for(timeout=WAIT_MS)
    assert open_element(page).get_by_label("Note").input_value() == text

    page.reload()  # a new browser session, still signed in (the session cookie): the value is read from the database
    assert open_element(page).get_by_label("Note").input_value() == text
    page.screenshot(path="/tmp/e2e-edit.png", full_page=True)
    page.context.close()


def test_stale_view_is_refused_and_keeps_the_input(browser, base: str) -> None:
    first, second = editor(), editor()
    a, b = new_page(browser), new_page(browser)
    sign_in(a, base, first)
    sign_in(b, base, second)
    box_a, box_b = open_element(a), open_element(b)  # both open the same version
    box_a.get_by_label("Note").fill("first editor's note")
    box_a.get_by_role("button", name="Save").click()
    a.get_by_text("Saved at").first.wait_for(timeout=WAIT_MS)

    mine = "second editor's careful note"
    box_b.get_by_label("Note").fill(mine)
    box_b.get_by_role("button", name="Save").click()
    b.get_by_text("saved this element at").first.wait_for(timeout=WAIT_MS)
    assert service.store().assessment("KOR", ELEMENT).note == "first editor's note"
    box_b = b.locator("[data-testid='stExpander']").filter(has_text=LABEL).first
    assert box_b.get_by_label("Note").input_value() == mine
    b.screenshot(path="/tmp/e2e-stale.png", full_page=True)
    for p in (a, b):
        p.context.close()


def test_no_request_left_the_machine() -> None:
    assert SEEN and not _left_the_machine(SEEN), _left_the_machine(SEEN)
