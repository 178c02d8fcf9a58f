"""Races between writers of one country, on SQLite and on a real PostgreSQL: every outcome must be one that some
serial order of the same calls could give (review transitions and saves serialise per country), and writers
that touch the same countries in a different order never deadlock."""

from __future__ import annotations

import threading
import time
from collections import Counter

from backends import BACKENDS
from sqlalchemy import event

from assessment.models import Finding
from assessment.store import SYSTEM, AssessmentChange, Role, StaleVersion, Store, ValidationFailed

ELEMENT = "tst1.art3.e1"
PARTIAL = [Finding(provision="aaa.cc.10", extent="partial")]


def _slow_down(store: Store, thread_prefix: str, sql_start: str, seconds: float, anywhere: bool = False) -> list[str]:
    """Widen a race window: after a statement starting with `sql_start` (or, `anywhere`, containing it: on
    PostgreSQL a save's UPDATE is a CTE of a statement starting WITH), threads named `thread_prefix...` pause,
    so an interleaving that happened in 1 round of 100 happens in nearly every round. Returns the threads'
    names, one per pause, so a test can tell that its window was widened."""
    paused: list[str] = []

    @event.listens_for(store.engine, "after_cursor_execute")
    def _pause(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        sql = " ".join(statement.upper().split())
        if threading.current_thread().name.startswith(thread_prefix) and (
            sql_start in sql if anywhere else sql.startswith(sql_start)
        ):
            paused.append(threading.current_thread().name)
            time.sleep(seconds)

    return paused


def _race(*calls) -> list[BaseException | None]:
    """Run the calls at once (a barrier), each in a thread named after its index; return what each raised."""
    barrier = threading.Barrier(len(calls))
    outcome: list[BaseException | None] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        try:
            calls[i]()
        except BaseException as exc:  # noqa: BLE001 - returned to the test
            outcome[i] = exc

    threads = [threading.Thread(target=run, args=(i,), name=f"race-{i}") for i in range(len(calls))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return outcome


def approve_save_race(store: Store, rounds: int) -> Counter:
    """An approval and an editor's save of the same country, at once, `rounds` times. Counts outcomes; an
    anomaly is a result no serial order gives (an unreviewed edit published, or the state left 'approved'
    with a newer edit in the working copy, or an audit row whose 'old' is not the state it replaced)."""
    ed = store.add_user(SYSTEM, "ed", Role.editor, "password-long-1", ["AAA"])
    rev = store.add_user(SYSTEM, "rev", Role.reviewer, "password-long-1")
    counts: Counter = Counter()
    for n in range(rounds):
        if store.review_state("AAA") != "in_review":
            if store.review_state("AAA") == "approved":
                base = store.assessment("AAA", "tst1.art2.e1")
                store.save_assessment(
                    ed,
                    "AAA",
                    "tst1.art2.e1",
                    findings=base.findings,
                    judgment=base.judgment,
                    note=f"prep {n}",
                    expected_version=base.version,
                )
            store.submit_for_review(ed, "AAA")
        current = store.assessment("AAA", ELEMENT)
        seen = len(store.history("AAA", "country"))
        note = f"racing edit {n}"
        outcome = _race(
            lambda: store.approve(rev, "AAA"),
            lambda note=note, current=current: store.save_assessment(
                ed, "AAA", ELEMENT, findings=PARTIAL, judgment=None, note=note, expected_version=current.version
            ),
        )
        approved, saved = outcome[0] is None, outcome[1] is None
        for exc in outcome:
            if exc is not None and not isinstance(exc, (ValidationFailed, StaleVersion)):
                raise exc
        counts["rounds"] += 1
        counts["both"] += approved and saved
        counts["approved"] += approved
        counts["saved"] += saved
        counts["refused"] += (not approved) + (not saved)
        published = store.published_countries()["AAA"]
        published_note = next((a.note for a in published.assessments if a.element == ELEMENT), None)
        state = store.review_state("AAA")
        anomaly = False
        if approved and saved:  # serial order must be approve, then save: the edit is a draft, not published
            anomaly = published_note == note or state != "draft"
        elif approved:
            anomaly = state != "approved"
        elif saved:  # the save came first and made it a draft, so the approval was refused
            anomaly = state != "draft" or published_note == note
        transitions = [(h.old, h.new) for h in store.history("AAA", "country")[seen - 1 :] if h.field == "review_state"]
        for (_, before), (old, _) in zip(transitions, transitions[1:]):
            anomaly |= old != before  # each transition starts from the state the previous one left
        counts["anomalies"] += anomaly
    return counts


@BACKENDS
def test_approve_and_save_of_one_country_serialise(mini_store: Store) -> None:
    # the approval pauses between reading the review state and acting on it: without a row lock the editor's
    # save slips into that gap on PostgreSQL and the unreviewed edit is published
    paused = _slow_down(mini_store, "race-0", "SELECT", 0.02)
    counts = approve_save_race(mini_store, rounds=8)
    print(dict(counts))
    assert counts["anomalies"] == 0, dict(counts)
    assert paused  # the window was widened (the approval paused after reading the state)
    assert counts["approved"] + counts["saved"] >= counts["rounds"]  # one of the two always goes through


def _second_country(store: Store) -> None:
    aaa = store.working_countries(SYSTEM)["AAA"]
    store.seed([aaa.model_copy(update={"iso3": "BBB", "name": "Otherland"})])


@BACKENDS
def test_batches_crossing_countries_do_not_deadlock(mini_store: Store) -> None:
    """Two imports touching AAA and BBB in opposite order: one saves, the other is stale; never a deadlock."""
    _second_country(mini_store)
    ed = mini_store.add_user(SYSTEM, "ed", Role.editor, "password-long-1", ["AAA", "BBB"])
    # each writer pauses after each row it updates, so both hold one country's row when they reach the other's
    paused = _slow_down(mini_store, "race-", "UPDATE ASSESSMENTS", 0.05, anywhere=True)
    counts: Counter = Counter()
    for n in range(4):
        v = {c: mini_store.assessment(c, ELEMENT).version for c in ("AAA", "BBB")}

        def batch(order: tuple[str, ...], tag: str, n: int = n, v: dict = v) -> list[AssessmentChange]:
            return [AssessmentChange(c, ELEMENT, tuple(PARTIAL), None, f"{tag} {n}", v[c]) for c in order]

        outcome = _race(
            lambda: mini_store.save_assessments(ed, batch(("AAA", "BBB"), "forward"), source="excel"),
            lambda: mini_store.save_assessments(ed, batch(("BBB", "AAA"), "backward"), source="excel"),
        )
        for exc in outcome:
            if exc is not None and not isinstance(exc, StaleVersion):
                raise exc
        counts["rounds"] += 1
        counts["saved"] += outcome.count(None)
        counts["stale"] += sum(isinstance(e, StaleVersion) for e in outcome)
        notes = {mini_store.assessment(c, ELEMENT).note.split()[0] for c in ("AAA", "BBB")}
        counts["anomalies"] += len(notes) != 1  # all or nothing: both countries hold the same writer's batch
    print(dict(counts))
    assert counts == Counter(rounds=4, saved=4, stale=4)
    assert paused  # the window was widened (the saving writer paused after updating its first country)
