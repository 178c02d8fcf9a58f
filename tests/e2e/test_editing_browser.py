"""Editing in the real app in Debian's headless Chromium: an editor signs in, saves a note, leaves the page and
comes back, reloads: the saved value is there. A second editor working from a stale view is refused and keeps
what they typed. No request leaves 127.0.0.1."""

from __future__ import annotations

import uuid

from assessment import service
from tests.e2e.staff import ELEMENT, LABEL, WAIT_MS, add_user, sign_in
from tests.e2e.staff import new_page as _new_page
from tests.e2e.staff import open_element as _open_element
from tests.e2e.test_browser import _left_the_machine

SEEN: list[str] = []


def editor(countries=("KOR",)) -> str:
    return add_user("editor", countries)


def new_page(browser):  # type: ignore[no-untyped-def]
    return _new_page(browser, SEEN)


def open_element(page):  # type: ignore[no-untyped-def]
    """Go to Edit through the menu (a page switch keeps the session) and open the element's form."""
    return _open_element(page, LABEL, via_menu=True)


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
