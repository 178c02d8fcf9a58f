"""Two app instances on one PostgreSQL, as a deployment that outgrows one machine runs them: an edit saved
through one instance is what the other shows, and a save from a view that is stale across instances is
refused, keeping what was typed (issue 14)."""

from __future__ import annotations

import uuid

import pytest

from assessment.catalog import load_catalog
from assessment.store import Store
from bench.harness import chromium, streamlit_server
from tests.e2e.staff import ELEMENT, LABEL, WAIT_MS, add_user, new_page, open_element, sign_in


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_save_in_one_instance_is_seen_and_guarded_in_the_other(database_url: str) -> None:
    store = Store.open(load_catalog(), database_url)  # migrated and seeded once, before either instance starts
    first, second = (add_user("editor", ("KOR",), store=store) for _ in range(2))
    env = {"ASSESSMENT_DATABASE_URL": database_url}
    with streamlit_server(env=env) as one, streamlit_server(env=env) as two, chromium() as browser:
        a, b = new_page(browser), new_page(browser)
        sign_in(a, one, first)
        sign_in(b, two, second)
        box_a, box_b = (
            open_element(a, LABEL, via_menu=True),
            open_element(b, LABEL, via_menu=True),
        )  # both read the same version, each through its own server

        note = f"saved through instance one {uuid.uuid4().hex[:6]}"
        box_a.get_by_label("Note").fill(note)
        box_a.get_by_role("button", name="Save").click()
        a.get_by_text("Saved at").first.wait_for(timeout=WAIT_MS)
        assert store.assessment("KOR", ELEMENT).note == note

        mine = "typed in instance two from the older view"
        box_b.get_by_label("Note").fill(mine)
        box_b.get_by_role("button", name="Save").click()
        b.get_by_text("saved this element at").first.wait_for(timeout=WAIT_MS)  # refused: stale across instances
        assert store.assessment("KOR", ELEMENT).note == note
        assert (
            b.locator("[data-testid='stExpander']").filter(has_text=LABEL).first.get_by_label("Note").input_value()
            == mine
        )

        b.get_by_role("link", name="Overview").click()  # leave and come back: instance two reads the saved value
        b.get_by_role("link", name="Country").wait_for(timeout=WAIT_MS)
        assert open_element(b, LABEL, via_menu=True).get_by_label("Note").input_value() == note
        b.screenshot(path="/tmp/e2e-two-instances.png", full_page=True)
    store.engine.dispose()
