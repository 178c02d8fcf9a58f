"""The Law watch in Chromium (issue 21): a reviewer signs in, reads a change of the law beside our summary,
records that the assessment still holds, and the change leaves the list, re-pinned and audited under their name.
The server watches a folder written for this test, in which Art. 215-2 carries an invented later amendment."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from staff import WAIT_MS, add_user, app_with_changed_law, new_page, sign_in

from assessment import service

LAW = "kor.cpa.215-2"


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with app_with_changed_law(LAW, "브라우저 시험용 문장.", "99998") as url:
        yield url


def test_a_reviewer_reads_the_change_and_records_that_the_assessment_holds(browser, base: str) -> None:
    reviewer = add_user("reviewer", countries=())
    page = new_page(browser)
    sign_in(page, base, reviewer)
    page.get_by_role("link", name="Law watch").click()
    page.get_by_text("rest on law that changed").first.wait_for(timeout=WAIT_MS)
    page.get_by_text("브라우저 시험용 문장").first.wait_for(
        timeout=WAIT_MS
    )  # the article as it reads now (drawn as the run streams)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=WAIT_MS)
    # the first 'still holds' button after Art. 215-2's text now: the one of its entry
    page.locator(
        "xpath=//*[contains(text(), '브라우저 시험용 문장')]/following::button[contains(., 'still holds')][1]"
    ).click()
    page.get_by_text("re-pinned to today's text").wait_for(timeout=WAIT_MS)
    saved = next(r for r in service.store().provisions("KOR") if r.provision.id == LAW).provision.text
    assert saved.version.number == "99998" and saved.sha256
    audit = [e for e in service.store().history("KOR", LAW) if e.source == "law_watch"]
    assert audit and all(e.user == reviewer for e in audit)
    page.screenshot(path="/tmp/e2e-law-watch.png", full_page=True)
    page.context.close()
