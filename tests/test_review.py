"""assessment/review.py: the rules of review, the queue of the Review page (one query for every country), the steps
each user is offered, and the law-change list; the store takes its steps by these rules (issue 23)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import uuid

import pytest
from backends import BACKENDS
from sqlalchemy import event
from streamlit.testing.v1 import AppTest

from assessment import review, service
from assessment.catalog import PROJECT_ROOT
from assessment.lawtext.watch import LawChange
from assessment.models import Finding
from assessment.review import RULES, CountryReview, Step
from assessment.store import SYSTEM, PermissionDenied, Role, Store, User, ValidationFailed
from assessment.vocab import ReviewState

ELEMENT = "tst1.art3.e1"
PARTIAL = [Finding(provision="aaa.cc.10", extent="partial")]


def _copies(store: Store, codes: list[str]) -> None:
    """More countries in the database: copies of the test country AAA under other codes."""
    aaa = store.working_countries(SYSTEM)["AAA"]
    store.seed([aaa.model_copy(update={"iso3": code, "name": f"Copy {code}"}) for code in codes])


def _edit(store: Store, user: User, iso3: str, note: str) -> None:
    current = store.assessment(iso3, ELEMENT)
    store.save_assessment(
        user, iso3, ELEMENT, findings=PARTIAL, judgment=None, note=note, expected_version=current.version
    )


def _statements(store: Store) -> list[str]:
    """The SQL statements `review_queue(store.review_overview())` sends to the database."""
    sent: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        sent.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        review.review_queue(store.review_overview())
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    return sent


@BACKENDS
def test_the_queue_costs_one_query_whatever_the_number_of_countries(mini_store: Store) -> None:
    """The Review page used to read each country's state and latest change apart: 2 queries per country."""
    _copies(mini_store, ["BBB"])
    two = _statements(mini_store)
    _copies(mini_store, ["CCC", "DDD", "EEE", "FFF"])
    six = _statements(mini_store)
    assert len(review.review_queue(mini_store.review_overview()).countries) == 6
    assert len(six) == len(two)  # not one more statement for four more countries
    assert [s for s in six if s.lstrip().upper().startswith("SELECT")] == [six[-1]]  # one query (SQLite adds its BEGIN)


@BACKENDS
def test_the_queue_puts_what_waits_first_and_says_who_changed_it_last(mini_store: Store) -> None:
    _copies(mini_store, ["BBB", "CCC"])
    ed = mini_store.add_user(SYSTEM, "ed", Role.editor, "password-long-1", ["BBB", "CCC"])
    _edit(mini_store, ed, "CCC", "waiting")
    mini_store.submit_for_review(ed, "CCC")
    _edit(mini_store, ed, "BBB", "a draft")
    queue = review.review_queue(mini_store.review_overview())
    assert [(c.iso3, c.state) for c in queue.countries] == [
        ("CCC", ReviewState.in_review),
        ("BBB", ReviewState.draft),
        ("AAA", ReviewState.approved),
    ]
    assert queue.waiting == 1
    for c in queue.countries:  # the one query says what the per-country reads say
        last = mini_store.latest_change(c.iso3)
        assert last is not None and (c.last_change_at, c.last_change_by) == (last.at, last.user)
        assert c.state == mini_store.review_state(c.iso3) and c.last_approved_at == mini_store.last_approved_at(c.iso3)
    assert queue.get("ccc").last_change_by == "ed" and queue.get("AAA").last_change_by == SYSTEM.name  # the seeding
    with pytest.raises(KeyError):
        queue.get("ZZZ")


def _in_state(store: Store, state: ReviewState) -> None:
    """Bring AAA to `state` (the seed leaves it approved) by the editor's hand."""
    ed = store.user("ed")
    assert ed is not None
    if state != ReviewState.approved:
        _edit(store, ed, "AAA", f"to {state} {uuid.uuid4().hex[:6]}")
    if state == ReviewState.in_review:
        store.submit_for_review(ed, "AAA")
    assert store.review_state("AAA") == state


@pytest.mark.parametrize("step", list(Step))
@pytest.mark.parametrize("state", list(ReviewState))
def test_the_store_takes_a_step_only_from_the_state_its_rule_starts_from(
    mini_store: Store, step: Step, state: ReviewState
) -> None:
    mini_store.add_user(SYSTEM, "ed", Role.editor, "password-long-1", ["AAA"])
    rev = mini_store.add_user(
        SYSTEM, "rev", Role.reviewer, "password-long-1"
    )  # never edits: the four-eyes rule lets them approve
    _in_state(mini_store, state)
    if RULES[step].start != state:
        with pytest.raises(ValidationFailed, match="this step needs it to be"):
            mini_store.take_step(rev, step, "AAA")
        assert mini_store.review_state("AAA") == state
        return
    mini_store.take_step(rev, step, "aaa", comment="checked")
    assert mini_store.review_state("AAA") == RULES[step].end
    assert [(e.field, e.old, e.new) for e in mini_store.history("AAA", "country")][-2:] == [
        ("review_state", state.value, RULES[step].end.value),
        ("review_comment", None, "checked"),
    ]


def test_the_four_eyes_rule_refuses_an_approval_of_ones_own_edit(mini_store: Store) -> None:
    mini_store.add_user(SYSTEM, "ed", Role.editor, "password-long-1", ["AAA"])
    rev = mini_store.add_user(SYSTEM, "rev", Role.reviewer, "password-long-1")
    _edit(mini_store, rev, "AAA", "the reviewer's own edit")
    _in_state(mini_store, ReviewState.in_review)
    assert review.four_eyes_refusal(rev, Step.approve, "AAA", edited_since_approval=True) is not None
    assert (
        review.four_eyes_refusal(rev, Step.send_back, "AAA", edited_since_approval=True) is None
    )  # only approving needs a second person
    with pytest.raises(PermissionDenied, match="another reviewer must approve"):
        mini_store.approve(rev, "AAA")
    mini_store.send_back(rev, "AAA")  # sending back is not approving their own work
    assert mini_store.review_state("AAA") == ReviewState.draft


def test_each_user_is_offered_the_steps_their_role_allows() -> None:
    editor = User("ed", Role.editor, frozenset({"AAA"}))
    reviewer = User("rev", Role.reviewer, frozenset())
    viewer = User("vi", Role.viewer, frozenset())
    gone = User("old", Role.admin, frozenset(), disabled=True)
    assert review.offer(editor, "AAA", ReviewState.draft) == review.Offer((Step.submit,), False)
    assert review.offer(editor, "BBB", ReviewState.draft) == review.Offer((), False)  # not one of their countries
    assert review.offer(editor, "AAA", ReviewState.in_review) == review.Offer((), True)
    assert review.offer(reviewer, "BBB", ReviewState.draft) == review.Offer((Step.submit,), False)
    assert review.offer(reviewer, "AAA", ReviewState.in_review) == review.Offer((Step.approve, Step.send_back), False)
    assert review.offer(viewer, "AAA", ReviewState.in_review) == review.Offer((), True)
    assert review.offer(gone, "AAA", ReviewState.in_review) == review.Offer((), True)
    for user in (editor, reviewer, viewer, gone):
        assert review.offer(user, "AAA", ReviewState.approved).steps == ()  # an edit makes it a draft first
    assert [s for s in Step if RULES[s].asks_comment] == [Step.send_back]


def test_the_law_change_list_is_none_without_statutes_and_lists_each_element() -> None:
    assert review.law_to_review({"KOR": None, "JPN": None}) is None  # no folder of statutes configured
    assert review.law_to_review({"KOR": {}, "JPN": {}}) == []  # watched, and nothing changed
    changed = LawChange("kor.cpa.215-2", "형사소송법 제215조의2", dt.date(2027, 1, 5), "amended", missing=False)
    rows = review.law_to_review({"KOR": {"ets185.art16.e1": [changed], "ets185.art16.e2": [changed]}, "JPN": {}})
    assert rows == [
        review.LawToReview("KOR", "ets185.art16.e1", "형사소송법 제215조의2", dt.date(2027, 1, 5), "amended"),
        review.LawToReview("KOR", "ets185.art16.e2", "형사소송법 제215조의2", dt.date(2027, 1, 5), "amended"),
    ]


def test_the_rules_import_nothing_of_the_store_so_either_may_be_imported_first() -> None:
    """The store imports assessment.review's rules; were review to import the store back, importing review first
    would fail half-way."""
    for first, second in (("assessment.review", "assessment.store"), ("assessment.store", "assessment.review")):
        done = subprocess.run(
            [sys.executable, "-c", f"import {first}, {second}"], cwd=PROJECT_ROOT, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr


def test_a_queue_entry_is_built_from_the_stores_row() -> None:
    at = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
    queue = review.review_queue(
        [
            CountryReview("BBB", ReviewState.approved, at, "ann", at),
            CountryReview("AAA", ReviewState.approved, None, None, None),
        ]
    )
    assert [c.iso3 for c in queue.countries] == ["AAA", "BBB"] and queue.waiting == 0


# --------------------------------------------------------------------------------------------- the page


def _review_page(name: str, iso3: str) -> AppTest:
    store = service.store()
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    at.session_state["session_token"] = store.start_session(store.user(name))
    at.run()
    at.query_params.update({"iso": iso3})
    return at.switch_page("app_pages/review.py").run()


def test_the_review_page_offers_each_user_their_steps_and_takes_them() -> None:
    store = service.store()
    editor, reviewer = f"editor{uuid.uuid4().hex[:6]}", f"reviewer{uuid.uuid4().hex[:6]}"
    store.add_user(SYSTEM, editor, Role.editor, "password-long-1", ["DEU"])
    store.add_user(SYSTEM, reviewer, Role.reviewer, "password-long-1")
    ed = store.user(editor)
    assert ed is not None
    element = "ets185.art2.e1"
    current = store.assessment("DEU", element)
    store.save_assessment(
        ed,
        "DEU",
        element,
        findings=current.findings,
        judgment=current.judgment,
        note=f"note {uuid.uuid4().hex[:6]}",
        expected_version=current.version,
    )
    at = _review_page(editor, "DEU")
    assert not at.exception and [b.label for b in at.button] == ["Submit for review"]
    at = at.button[0].click().run()
    assert (
        any("DEU was submitted for review." in s.value for s in at.success) and store.review_state("DEU") == "in_review"
    )
    assert not at.button and any(i.value == "Waiting for a reviewer." for i in at.info)
    at = _review_page(reviewer, "DEU")
    assert [b.label for b in at.button] == ["Approve and publish", "Send back to draft"]
    at = next(b for b in at.button if b.label == "Send back to draft").click().run()
    assert (
        any("a comment is needed to send it back" in e.value for e in at.error)
        and store.review_state("DEU") == "in_review"
    )
    at = next(b for b in at.button if b.label == "Approve and publish").click().run()
    assert any(s.value.startswith("Approved: aides now see DEU as it stands") for s in at.success), [
        s.value for s in at.success
    ]
    assert store.review_state("DEU") == "approved"
