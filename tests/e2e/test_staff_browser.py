"""A day of staff work in the real app in Debian's headless Chromium: a reload or a shared link keeps the person
signed in and on the page; a disabled user is put out at once; a save that changes nothing says so; drafts are
marked with the approved value beside them; a reviewer sees every change and sends it back; a map click opens
the country. No request leaves 127.0.0.1."""

from __future__ import annotations

import re
import uuid

from assessment import service
from assessment.store import SYSTEM
from tests.e2e.staff import ELEMENT, WAIT_MS, fill_sign_in, open_element, sign_in, wait_cookie
from tests.e2e.staff import add_user as user
from tests.e2e.staff import new_page as _new_page
from tests.e2e.test_browser import _left_the_machine

SEEN: list[str] = []


def new_page(browser):  # type: ignore[no-untyped-def]
    return _new_page(browser, SEEN)


def test_reload_and_deep_link_on_edit_keep_the_password_sign_in(browser, base: str) -> None:
    name = user()
    page = new_page(browser)
    page.goto(f"{base}/edit?iso=KOR&treaty=ets185")  # a shared link, signed out: the form in place
    page.get_by_text("Sign in to continue").wait_for(timeout=WAIT_MS)
    fill_sign_in(page, name)
    page.get_by_text("Edit an assessment").wait_for(timeout=WAIT_MS)  # ... and on to that page
    wait_cookie(page)
    cookie = next(c for c in page.context.cookies() if c["name"] == "ar_session")
    assert cookie["sameSite"] == "Strict" and not cookie["secure"]  # Secure only when served over HTTPS

    page.reload()  # F5 on Edit
    page.get_by_text("Edit an assessment").wait_for(timeout=WAIT_MS)
    assert "/edit" in page.url and "iso=KOR" in page.url
    assert page.get_by_text("Sign in to continue").count() == 0

    other = page.context.new_page()  # a deep link in a new tab of the same browser
    other.goto(f"{base}/history?iso=KOR")
    other.get_by_role("heading", name="History").wait_for(timeout=WAIT_MS)
    page.screenshot(path="/tmp/e2e-reload-edit.png", full_page=True)

    page.goto(f"{base}/signin")
    page.get_by_text(f"Signed in as {name}").wait_for(timeout=WAIT_MS)
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("User name").wait_for(timeout=WAIT_MS)
    page.goto(f"{base}/edit")
    page.get_by_text("Sign in to continue").wait_for(timeout=WAIT_MS)  # signed out stays signed out after a reload
    page.context.close()


def test_a_disabled_user_is_put_out(browser, base: str) -> None:
    name = user()
    page = new_page(browser)
    sign_in(page, base, name)
    wait_cookie(page)
    page.goto(f"{base}/edit")
    page.get_by_text("Edit an assessment").wait_for(timeout=WAIT_MS)
    service.store().set_disabled(SYSTEM, name, True)
    page.reload()
    page.get_by_text("Sign in to continue").wait_for(timeout=WAIT_MS)
    fill_sign_in(page, name)
    page.get_by_text("do not match").wait_for(timeout=WAIT_MS)
    page.screenshot(path="/tmp/e2e-disabled.png", full_page=True)
    page.context.close()


def test_no_op_save_draft_mark_review_diff_and_send_back(browser, base: str) -> None:
    store = service.store()
    name, reviewer = user(), user("reviewer", ())
    page = new_page(browser)
    sign_in(page, base, name)
    page.goto(f"{base}/edit?iso=KOR&treaty=ets185")
    box = open_element(page)
    assert "Art. 1" in box.locator("summary").inner_text()  # words, not ids
    version = store.assessment("KOR", ELEMENT).version
    box.get_by_role("button", name="Save").click()  # nothing typed: a save that changes nothing
    page.get_by_text("Nothing changed, so no new version was written.").wait_for(timeout=WAIT_MS)
    assert store.assessment("KOR", ELEMENT).version == version

    note = f"Read in the statute, {uuid.uuid4().hex[:6]}"
    box = open_element(page)
    box.get_by_label("Note").fill(note)
    box.get_by_role("button", name="Save").click()
    page.get_by_text("Saved at").first.wait_for(timeout=WAIT_MS)
    page.get_by_text("draft, not yet approved").first.wait_for(timeout=WAIT_MS)  # marked, with the approved value
    page.get_by_text("Approved:").first.wait_for(timeout=WAIT_MS)
    page.goto(f"{base}/country?iso=KOR&treaty=ets185")
    page.get_by_text("Draft, not yet approved").first.wait_for(timeout=WAIT_MS)
    page.get_by_text("Approved readiness on").wait_for(timeout=WAIT_MS)
    page.screenshot(path="/tmp/e2e-draft.png", full_page=True)
    store.submit_for_review(store.user(name), "KOR")
    page.context.close()

    page = new_page(browser)
    sign_in(page, base, reviewer)
    page.goto(f"{base}/review?iso=KOR")
    page.get_by_text("waiting for review").first.wait_for(timeout=WAIT_MS)
    page.get_by_text(note).first.wait_for(timeout=WAIT_MS)  # the change in words, old -> new, who
    # in the list of changes (not the table); earlier tests may have edited the same field, so others may be named too
    page.get_by_text(re.compile(f"by .*{name}.* at ")).first.wait_for(timeout=WAIT_MS)
    page.screenshot(path="/tmp/e2e-review.png", full_page=True)
    page.get_by_role("button", name="Send back to draft").click()
    page.get_by_text("a comment is needed to send it back").wait_for(timeout=WAIT_MS)
    page.get_by_label("Comment").fill("Cite the article, please")
    page.get_by_role("button", name="Send back to draft").click()
    page.get_by_text("was sent back to draft with your comment").wait_for(timeout=WAIT_MS)
    assert store.review_state("KOR") == "draft"
    assert any(
        e.field == "review_comment" and e.new == "Cite the article, please" for e in store.history("KOR", "country")
    )
    page.context.close()


def test_a_map_click_opens_the_country(browser, base: str) -> None:
    page = new_page(browser)
    page.goto(f"{base}/")
    chart = page.locator("[data-testid='stPlotlyChart']").first
    chart.wait_for(timeout=WAIT_MS)
    page.locator(".scattergeo text, .scattergeo path.point").first.wait_for(timeout=WAIT_MS)
    marker = page.locator(".scattergeo path.point").first
    marker.click(force=True)
    page.get_by_text("Readiness today").wait_for(timeout=WAIT_MS)
    assert "/country" in page.url and "iso=" in page.url, page.url
    page.screenshot(path="/tmp/e2e-map-click.png", full_page=True)
    page.context.close()


def test_no_request_left_the_machine() -> None:
    assert SEEN and not _left_the_machine(SEEN), _left_the_machine(SEEN)


# ------------------------------------------------------------------------------------------------ issue 18


def session_cookie(page) -> str | None:  # type: ignore[no-untyped-def]
    return next((c["value"] for c in page.context.cookies() if c["name"] == "ar_session"), None)


def wait_no_cookie(page) -> None:  # type: ignore[no-untyped-def]
    for _ in range(100):
        if session_cookie(page) is None:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the session cookie is still there: {page.context.cookies()}")


def sign_in_again_and_reload(page, name: str, before: str | None) -> None:  # type: ignore[no-untyped-def]
    """Sign in on the form in place, see a new cookie written, reload: still signed in."""
    fill_sign_in(page, name)
    page.get_by_text(f"Signed in as {name}").wait_for(timeout=WAIT_MS)
    for _ in range(100):
        if session_cookie(page) not in (None, before):
            break
        page.wait_for_timeout(100)
    assert session_cookie(page) not in (None, before), "the sign-in wrote no cookie"
    page.reload()
    page.get_by_text(f"Signed in as {name}").wait_for(timeout=WAIT_MS)


def test_signing_in_again_in_the_same_tab_writes_the_cookie(browser, base: str) -> None:
    """Issue 18, item 6: after a sign-out, or an expired session, the next sign-in in the same tab wrote no cookie
    (the cookie script declared `const secure` at the top level, and a second run in one tab stopped there), so
    a reload signed the person out."""
    name = user()
    page = new_page(browser)
    sign_in(page, base, name)
    first = session_cookie(page)
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("User name").wait_for(timeout=WAIT_MS)
    wait_no_cookie(page)
    sign_in_again_and_reload(page, name, first)

    second = session_cookie(page)
    service.store().end_session(second)  # as when it expires: the next run finds it gone
    page.reload()
    page.get_by_label("User name").wait_for(timeout=WAIT_MS)
    page.get_by_text("Your session ended").wait_for(timeout=WAIT_MS)
    sign_in_again_and_reload(page, name, second)
    page.context.close()


def test_their_judgment_change_leaves_my_element_open_with_the_comparison(browser, base: str) -> None:
    """Issue 18, item 11: the other person's judgment changes the element's status, which is in its panel's
    label, and Streamlit redrew the relabelled panel closed, the comparison hidden inside it; only the banner at
    the top said anything. The panel stays open, its label says so, and a refused save shows both versions."""
    from assessment.models import Judgment
    from tests.e2e.staff import LABEL, settled

    store = service.store()
    name, other = user(), user()
    page = new_page(browser)
    sign_in(page, base, name)
    page.goto(f"{base}/edit?iso=KOR&treaty=ets185")
    box = open_element(page)
    current = store.assessment("KOR", ELEMENT)
    source = service.catalog().country("KOR").sources[0].id
    store.save_assessment(
        store.user(other),
        "KOR",
        ELEMENT,
        findings=current.findings,
        note=current.note,
        expected_version=current.version,
        judgment=Judgment(status="missing", reason="Their reading differs.", source=source),
    )
    page.get_by_role("tab", name="Provisions and bills").click()  # anything that reruns the page
    page.get_by_label("Change a provision or bill (e.g. record that it came into force)").click()
    page.get_by_role("option").nth(1).click()
    page.get_by_text("changed Republic of Korea at").wait_for(timeout=WAIT_MS)  # the banner at the top
    page.get_by_role("tab", name="Elements").click()
    box = page.locator("[data-testid='stExpander']").filter(has_text=LABEL).first
    box.get_by_text("changed by someone else since you opened it").wait_for(timeout=WAIT_MS)
    settled(page, box)
    assert box.locator("details").get_attribute("open") is not None, "the element's panel was closed"
    assert box.get_by_text(f"{other} saved this element at").is_visible()

    box.get_by_label("Note").fill("my careful note")
    box.get_by_role("button", name="Save", exact=True).click()
    # The refused save draws my version beside theirs; wait for it rather than for "not running", which the page
    # can still show in the instant before the save's rerun starts (CI read it then).
    box = page.locator("[data-testid='stExpander']").filter(has_text=LABEL).first
    box.get_by_text("note: my careful note").wait_for(timeout=WAIT_MS)  # my version beside theirs
    settled(page, box)
    assert box.locator("details").get_attribute("open") is not None
    assert box.get_by_text(f"{other} saved this element at").is_visible()
    assert box.get_by_label("Note").input_value() == "my careful note"
    assert store.assessment("KOR", ELEMENT).judgment.reason == "Their reading differs."
    page.screenshot(path="/tmp/e2e-stale-judgment.png", full_page=True)
    page.context.close()
