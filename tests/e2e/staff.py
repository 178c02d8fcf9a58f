"""What the staff browser tests share: a user made for the test, a browser page that records every request it
makes, the password sign-in, and the Edit page's form for one element, opened and settled before a click.

Settled matters: the element form holds a data editor whose code loads on its own after the form is drawn.
When it arrives the form grows and everything below it moves down, so a click aimed at Save before then lands
on whatever moved under the pointer (seen in CI as a "lost" save: the click hit the Judgment label)."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from assessment import service
from assessment.changes import element_label
from assessment.store import SYSTEM
from bench.harness import streamlit_server

WAIT_MS = 60_000
PASSWORD = "password-long-1"
ELEMENT = "ets185.art1.e1"  # the first element of the first obligation: the Edit page opens on it
#: The Edit page names an element by its article and text (words, not ids).
LABEL = element_label(service.catalog(), ELEMENT)


def add_user(role: str = "editor", countries=("KOR",), store=None) -> str:  # type: ignore[no-untyped-def]
    name = f"{role[:3]}{uuid.uuid4().hex[:6]}"
    (store or service.store()).add_user(SYSTEM, name, role, PASSWORD, countries)
    return name


def new_page(browser, seen: list[str] | None = None, **options):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 1100}, **options)
    if seen is not None:
        context.on("request", lambda r: seen.append(r.url))
    return context.new_page()


def fill_sign_in(page, name: str) -> None:  # type: ignore[no-untyped-def]
    # A server just started draws its first page only once the catalog is read: under load that took over
    # Playwright's 30 s default in a local run, so the field gets the tests' own wait.
    page.get_by_label("User name").wait_for(timeout=WAIT_MS)
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def sign_in(page, base: str, name: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/signin")
    fill_sign_in(page, name)
    page.get_by_text(f"Signed in as {name}").wait_for(timeout=WAIT_MS)
    wait_cookie(page)  # later page.goto calls are new sessions that sign in from the cookie


def wait_cookie(page) -> None:  # type: ignore[no-untyped-def]
    """The session cookie is written by a script in the page after the sign-in rerun."""
    for _ in range(100):
        if any(c["name"] == "ar_session" for c in page.context.cookies()):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"no session cookie: {page.context.cookies()}")


def settled(page, box) -> None:  # type: ignore[no-untyped-def]
    """Wait until the app's run is over, the form's data editor is drawn and its Save button stops moving."""
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(timeout=WAIT_MS)
    box.locator("[data-testid='data-grid-canvas']").first.wait_for(timeout=WAIT_MS)
    save = box.get_by_role("button", name="Save", exact=True)
    before = None
    for _ in range(100):
        now = save.bounding_box()
        if now is not None and now == before:
            return
        before = now
        page.wait_for_timeout(100)
    raise AssertionError("the Save button kept moving for 10 s")


def open_element(page, label: str | None = None, *, via_menu: bool = False):  # type: ignore[no-untyped-def]
    """Open the element's form on Edit (the first element, or the one named `label`) and return it settled.
    `via_menu` goes to Edit through the menu first: a page switch keeps the browser session."""
    if via_menu:
        page.get_by_role("link", name="Edit").click()
    page.get_by_text("Edit an assessment").wait_for(timeout=WAIT_MS)
    boxes = page.locator("[data-testid='stExpander']")
    box = (boxes.filter(has_text=label) if label else boxes).first
    summary = box.locator("summary").first
    summary.wait_for(timeout=WAIT_MS)
    # Click only once the run is over: a click during the run can land on a panel the run then redraws (it stayed
    # closed, or the click closed a panel the run was opening). A click that did not open it is tried again.
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(timeout=WAIT_MS)
    note = box.get_by_label("Note")
    for _ in range(3):
        if note.count() and note.is_visible():
            break
        summary.click()
        try:
            note.wait_for(timeout=WAIT_MS // 4)
        except PlaywrightTimeout:
            continue
    note.wait_for(timeout=WAIT_MS)
    settled(page, box)
    return box


@contextmanager
def app_with_changed_law(provision: str, sentence: str, number: str) -> Iterator[str]:
    """The app with a statute folder in which `provision`'s article carries a later amendment (No. `number`, its
    text `sentence`), so Law watch, Review and Edit show a change of the law rather than the watch being off."""
    law = next(p for p in service.catalog().country("KOR").provisions if p.id == provision)
    with tempfile.TemporaryDirectory(prefix="changed-law-") as folder:
        statute = Path(folder) / "kr" / law.text.title
        statute.mkdir(parents=True)
        (statute / "법률.md").write_text(
            f"---\n제목: {law.text.title}\n공포일자: 2027-01-05\n공포번호: '{number}'\n시행일자: 2027-01-05\n---\n\n"
            f"##### {law.text.article} ({law.text.heading})\n\n**①** {sentence} <개정 2027.1.5>\n",
            encoding="utf-8",
        )
        with streamlit_server(env={"ASSESSMENT_LAWTEXT_DIR": folder}) as url:
            yield url
