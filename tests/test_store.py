"""The store on SQLite and on a real PostgreSQL server: versioned saves, audit, roles, review, concurrency."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from backends import BACKENDS
from sqlalchemy import func, select, text

from assessment.models import Finding, Judgment
from assessment.store import SYSTEM, PermissionDenied, Role, StaleVersion, Store, User, ValidationFailed
from assessment.store import schema as t

ELEMENT = "tst1.art3.e1"
PARTIAL = [Finding(provision="aaa.cc.10", extent="partial")]


def editor(store: Store, countries=("AAA",), name: str = "ed") -> User:
    return store.add_user(SYSTEM, name, Role.editor, "password-long-1", countries)


def audit_count(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(t.audit)).scalar_one()


@BACKENDS
def test_seeded_from_shipped_data_and_published(mini_store: Store, mini_catalog) -> None:
    assert mini_store.country_codes() == ["AAA"]
    assert mini_store.working_countries(SYSTEM)["AAA"] == mini_catalog.countries["AAA"]
    assert mini_store.published_countries()["AAA"] == mini_catalog.countries["AAA"]
    assert mini_store.review_state("AAA") == "approved"


@BACKENDS
def test_save_bumps_version_and_audits_in_one_go(mini_store: Store) -> None:
    ed = editor(mini_store)
    before = mini_store.assessment("AAA", ELEMENT)
    assert before.version == 1
    after = mini_store.save_assessment(
        ed, "AAA", ELEMENT, findings=PARTIAL, judgment=None, note="read the code", expected_version=1
    )
    assert (after.version, after.updated_by, after.note) == (2, "ed", "read the code")
    history = mini_store.history("AAA", ELEMENT)
    assert [(h.field, h.user, h.source) for h in history] == [("findings", "ed", "browser"), ("note", "ed", "browser")]
    assert '"aaa.cpa.bill"' in history[0].old and '"aaa.cc.10"' in history[0].new
    assert mini_store.review_state("AAA") == "draft"  # an edit reopens an approved country


@BACKENDS
def test_stale_version_is_refused_and_nothing_written(mini_store: Store) -> None:
    ed, other = editor(mini_store), editor(mini_store, name="ann")
    mini_store.save_assessment(other, "AAA", ELEMENT, findings=PARTIAL, judgment=None, note=None, expected_version=1)
    n = audit_count(mini_store)
    with pytest.raises(StaleVersion) as info:
        mini_store.save_assessment(
            ed,
            "AAA",
            ELEMENT,
            findings=[],
            judgment=Judgment(status="unknown", reason="unsure"),
            note=None,
            expected_version=1,
        )
    assert "changed by ann" in str(info.value) and "nothing was written" in str(info.value)
    assert info.value.current == 2
    assert audit_count(mini_store) == n
    assert mini_store.assessment("AAA", ELEMENT).findings == tuple(PARTIAL)


@BACKENDS
def test_first_save_of_an_unassessed_element(mini_store: Store) -> None:
    ed = editor(mini_store)
    record = mini_store.save_assessment(
        ed, "AAA", "tst1.art4.1b.e1", findings=PARTIAL, judgment=None, note=None, expected_version=0
    )
    assert record.version == 1
    with pytest.raises(StaleVersion):
        mini_store.save_assessment(
            ed, "AAA", "tst1.art4.1b.e1", findings=PARTIAL, judgment=None, note="x", expected_version=0
        )


@BACKENDS
def test_invalid_edit_is_refused_with_plain_messages(mini_store: Store) -> None:
    ed = editor(mini_store)
    n = audit_count(mini_store)
    with pytest.raises(ValidationFailed) as info:
        mini_store.save_assessment(
            ed,
            "AAA",
            ELEMENT,
            findings=[Finding(provision="aaa.none", extent="full")],
            judgment=None,
            note=None,
            expected_version=1,
        )
    assert "provision 'aaa.none' is not defined" in info.value.messages[0]
    with pytest.raises(ValidationFailed, match="not a reservation or declaration the treaty allows"):
        mini_store.save_assessment(
            ed,
            "AAA",
            ELEMENT,
            findings=[],
            judgment=Judgment(status="reserved", hook="tst1.res.9", reason="r", source="gazette"),
            note=None,
            expected_version=1,
        )
    with pytest.raises(ValidationFailed, match="needs findings or a judgment"):
        mini_store.save_assessment(ed, "AAA", ELEMENT, findings=[], judgment=None, note=None, expected_version=1)
    assert audit_count(mini_store) == n and mini_store.assessment("AAA", ELEMENT).version == 1


@BACKENDS
def test_roles_are_enforced_in_the_store(mini_store: Store) -> None:
    viewer = mini_store.add_user(SYSTEM, "aide", Role.viewer, "password-long-1")
    other = editor(mini_store, countries=(), name="no-country-editor")
    ed = editor(mini_store)
    n = audit_count(mini_store)
    for user in (viewer, other):
        with pytest.raises(PermissionDenied, match="may not edit AAA"):
            mini_store.save_assessment(
                user, "AAA", ELEMENT, findings=PARTIAL, judgment=None, note=None, expected_version=1
            )
    with pytest.raises(PermissionDenied, match="read only the approved"):
        mini_store.working_countries(viewer)
    with pytest.raises(PermissionDenied, match="may not manage users"):
        mini_store.add_user(ed, "mallory", Role.admin, "password-long-1")
    with pytest.raises(PermissionDenied, match="may not approve"):
        mini_store.approve(ed, "AAA")
    with pytest.raises(PermissionDenied):
        mini_store.users(ed)
    assert audit_count(mini_store) == n
    assert mini_store.user("mallory") is None


@BACKENDS
def test_review_publishes_what_was_approved(mini_store: Store) -> None:
    ed = editor(mini_store)
    reviewer = mini_store.add_user(SYSTEM, "rev", Role.reviewer, "password-long-1")
    mini_store.save_assessment(ed, "AAA", ELEMENT, findings=PARTIAL, judgment=None, note=None, expected_version=1)
    published = mini_store.published_countries()["AAA"]
    assert published.assessments[2].findings[0].provision == "aaa.cpa.bill"  # aides still see the approved state
    with pytest.raises(ValidationFailed, match="needs it to be in_review"):
        mini_store.approve(reviewer, "AAA")
    mini_store.submit_for_review(ed, "AAA")
    assert mini_store.review_state("AAA") == "in_review"
    mini_store.approve(reviewer, "AAA")
    assert mini_store.review_state("AAA") == "approved"
    assert mini_store.published_countries()["AAA"].assessments[2].findings == PARTIAL


@BACKENDS
def test_restore_an_earlier_value(mini_store: Store) -> None:
    ed = editor(mini_store)
    mini_store.save_assessment(ed, "AAA", ELEMENT, findings=PARTIAL, judgment=None, note="first", expected_version=1)
    mini_store.save_assessment(ed, "AAA", ELEMENT, findings=PARTIAL, judgment=None, note="second", expected_version=2)
    note_changes = [h for h in mini_store.history("AAA", ELEMENT) if h.field == "note"]
    restored = mini_store.restore(ed, note_changes[-1].id, expected_version=3)
    assert restored.note == "first" and restored.version == 4
    assert mini_store.history("AAA", ELEMENT)[-1].source == "restore"


@BACKENDS
def test_diff_between_two_moments(mini_store: Store) -> None:
    ed = editor(mini_store)
    start = dt.datetime.now(dt.UTC)
    mini_store.save_assessment(ed, "AAA", ELEMENT, findings=PARTIAL, judgment=None, note="a", expected_version=1)
    mini_store.save_assessment(ed, "AAA", ELEMENT, findings=PARTIAL, judgment=None, note="b", expected_version=2)
    diff = {(d["record"], d["field"]): d for d in mini_store.diff("AAA", start, dt.datetime.now(dt.UTC))}
    assert diff[(ELEMENT, "note")]["before"] is None and diff[(ELEMENT, "note")]["after"] == "b"
    assert diff[(ELEMENT, "note")]["changes"] == 2
    assert mini_store.diff("AAA", start - dt.timedelta(days=2), start - dt.timedelta(days=1)) == []


@BACKENDS
def test_audit_log_is_append_only_in_the_database(mini_store: Store) -> None:
    editor(mini_store)
    with pytest.raises(Exception, match="append-only"), mini_store.writer.begin() as conn:
        conn.execute(text("UPDATE audit SET new = 'forged'"))
    with pytest.raises(Exception, match="append-only"), mini_store.writer.begin() as conn:
        conn.execute(text("DELETE FROM audit"))
    if mini_store.engine.dialect.name == "postgresql":  # TRUNCATE fires no row trigger: a statement trigger refuses it
        before = audit_count(mini_store)
        for statement in (
            "TRUNCATE audit",
            "TRUNCATE TABLE audit RESTART IDENTITY CASCADE",
            "TRUNCATE sessions, audit",
        ):
            with pytest.raises(Exception, match="append-only"), mini_store.writer.begin() as conn:
                conn.execute(text(statement))
        assert audit_count(mini_store) == before > 0


@BACKENDS
def test_two_writers_on_one_element_one_wins_nothing_lost(mini_store: Store) -> None:
    users = [editor(mini_store, name=f"w{i}") for i in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def write(user: User) -> None:
        barrier.wait()
        try:
            mini_store.save_assessment(
                user, "AAA", ELEMENT, findings=PARTIAL, judgment=None, note=f"by {user.name}", expected_version=1
            )
            outcomes.append("saved")
        except StaleVersion:
            outcomes.append("stale")

    threads = [threading.Thread(target=write, args=(u,)) for u in users]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(outcomes) == ["saved", "stale"]
    record = mini_store.assessment("AAA", ELEMENT)
    assert record.version == 2 and record.note == f"by {record.updated_by}"
    assert [h.user for h in mini_store.history("AAA", ELEMENT) if h.field == "note"] == [record.updated_by]


@BACKENDS
def test_concurrent_writers_lose_no_update(mini_store: Store) -> None:
    """4 writers each save 15 times, re-reading on a stale version: every save lands, the audit has them all."""
    elements = ["tst1.art2.e1", ELEMENT, "tst1.art3.e2", "tst1.art4.1a.e1"]
    users = [editor(mini_store, name=f"c{i}") for i in range(4)]
    errors: list[BaseException] = []
    rounds = 15

    def work(user: User, i: int) -> None:
        try:
            for n in range(rounds):
                element = elements[(i + n) % 2]  # two writers share each element
                while True:
                    current = mini_store.assessment("AAA", element)
                    try:
                        mini_store.save_assessment(
                            user,
                            "AAA",
                            element,
                            findings=PARTIAL,
                            judgment=None,
                            note=f"{user.name}-{n}",
                            expected_version=current.version,
                        )
                        break
                    except StaleVersion:
                        continue
        except BaseException as exc:  # noqa: BLE001 - surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(u, i)) for i, u in enumerate(users)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    total = sum(mini_store.assessment("AAA", e).version - 1 for e in elements[:2])
    assert total == 4 * rounds
    notes = [h for e in elements[:2] for h in mini_store.history("AAA", e) if h.field == "note"]
    assert len(notes) == 4 * rounds


@BACKENDS
def test_sessions_expire(mini_store: Store) -> None:
    ed = editor(mini_store)
    assert mini_store.authenticate("ed", "wrong-password") is None
    assert mini_store.authenticate("ed", "password-long-1") == ed
    live = mini_store.start_session(ed)
    dead = mini_store.start_session(ed, hours=-1)
    assert mini_store.session_user(live) == ed
    assert mini_store.session_user(dead) is None
    mini_store.end_session(live)
    assert mini_store.session_user(live) is None


@BACKENDS
def test_passwords_are_hashed(mini_store: Store) -> None:
    editor(mini_store)
    with mini_store.engine.connect() as conn:
        stored = conn.execute(select(t.users.c.password_hash)).scalar_one()
    assert "password-long-1" not in stored and stored.startswith("$argon2")


@BACKENDS
def test_migrations_match_the_table_definitions(mini_store: Store) -> None:
    with mini_store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), t.metadata)
    assert diff == []


def test_provision_lifecycle_edit_updates_every_element_that_cites_it(mini_store: Store, mini_catalog) -> None:
    """One edit of a bill's lifecycle (it came into force) changes the status of every element citing it."""
    import dataclasses

    from assessment.scoring import Engine

    ed = editor(mini_store)
    record = next(p for p in mini_store.provisions("AAA") if p.provision.id == "aaa.cpa.bill")
    when = dt.date(2026, 1, 15)

    def status_of(element: str) -> str:
        cat = dataclasses.replace(mini_catalog, countries=mini_store.working_countries(SYSTEM))
        r = Engine.from_catalog(cat).score_country("AAA", "tst1", when)
        return dict(zip(r.elements["id"], r.elements["status"].astype(str)))[element]

    assert status_of("tst1.art3.e1") == "missing"
    lifecycle = record.provision.lifecycle.model_copy(update={"in_force": dt.date(2026, 1, 1)})
    mini_store.save_provision(
        ed, "AAA", record.provision.model_copy(update={"lifecycle": lifecycle}), expected_version=record.version
    )
    assert status_of("tst1.art3.e1") == "in_place" and status_of("tst1.art3.e2") == "partial"


@BACKENDS
def test_batch_save_is_all_or_nothing(mini_store: Store) -> None:
    from assessment.store import AssessmentChange

    ed, other = editor(mini_store), editor(mini_store, name="ann")
    mini_store.save_assessment(
        other, "AAA", "tst1.art3.e2", findings=PARTIAL, judgment=None, note="ann was here", expected_version=1
    )
    n = audit_count(mini_store)
    batch = [
        AssessmentChange("AAA", ELEMENT, tuple(PARTIAL), None, "fresh", 1),
        AssessmentChange("AAA", "tst1.art3.e2", tuple(PARTIAL), None, "stale", 1),  # ann saved version 2 meanwhile
    ]
    with pytest.raises(StaleVersion, match="AAA tst1.art3.e2 was changed by ann"):
        mini_store.save_assessments(ed, batch, source="excel")
    assert audit_count(mini_store) == n
    assert mini_store.assessment("AAA", ELEMENT).version == 1  # the valid row was rolled back too
    ok = mini_store.save_assessments(
        ed, [batch[0], AssessmentChange("AAA", "tst1.art3.e2", tuple(PARTIAL), None, "merged", 2)], source="excel"
    )
    assert [r.version for r in ok] == [2, 3]
    assert {h.source for h in mini_store.history("AAA", ELEMENT)} == {"excel"}


# ------------------------------------------------------------------------- identity and input edges (issue 14)


@BACKENDS
def test_sign_in_failures_slow_down_lock_and_are_recorded(mini_store: Store) -> None:
    from assessment.store import SignInLocked

    mini_store.sign_in_delay = 0  # the doubling delay is measured below, not slept through 60 times
    editor(mini_store)
    refused = 0
    for _ in range(60):
        try:
            assert mini_store.authenticate("ed", "wrong-password", client="10.0.0.9") is None
        except SignInLocked:
            refused += 1
    assert refused == 55  # locked after the fifth failure
    with pytest.raises(SignInLocked, match="too many failed sign-ins"):
        mini_store.authenticate("ed", "password-long-1", client="10.0.0.9")
    with pytest.raises(SignInLocked):  # the lock is per name too, not only per client
        mini_store.authenticate("ed", "password-long-1", client="10.0.0.10")
    attempts = mini_store.sign_in_attempts("ed")
    assert len(attempts) == 62 and not any(ok for _, _, ok in attempts)


@BACKENDS
def test_sign_in_slows_down_after_a_failure(mini_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """The delay the store asks for doubles with each recent failure and stops after a success (the requested
    sleeps are recorded, not timed, so a busy machine cannot make this test lie)."""
    import assessment.store.users as store_module

    slept: list[float] = []
    monkeypatch.setattr(store_module.time, "sleep", slept.append)
    editor(mini_store)
    mini_store.sign_in_delay = 0.2
    assert mini_store.authenticate("ed", "password-long-1") is not None and slept == []  # no failure yet: no delay
    assert mini_store.authenticate("ed", "wrong-password") is None
    assert mini_store.authenticate("ed", "wrong-password") is None
    assert mini_store.authenticate("ed", "password-long-1") is not None
    assert slept == [0.2, 0.4]
    assert mini_store.authenticate("ed", "password-long-1") is not None and slept == [0.2, 0.4]  # a success resets it


@BACKENDS
def test_an_unknown_name_costs_a_password_check_like_a_known_one(
    mini_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No timing oracle on names: an unknown name is verified against a dummy hash, one real argon2 check."""
    import assessment.store.auth as auth
    import assessment.store.users as store_module

    verified: list[str] = []
    real = auth._hasher

    class Counting:
        def hash(self, password: str) -> str:
            return real.hash(password)

        def verify(self, stored: str, password: str) -> bool:
            verified.append(stored)
            return real.verify(stored, password)

    monkeypatch.setattr(auth, "_hasher", Counting())
    monkeypatch.setattr(store_module.time, "sleep", lambda s: None)
    editor(mini_store)
    assert mini_store.authenticate("ed", "wrong-password", client="a") is None
    assert mini_store.authenticate("ghost", "wrong-password", client="b") is None
    assert len(verified) == 2 and verified[1] == auth._DUMMY_HASH and verified[0] != auth._DUMMY_HASH
    assert verified[1].startswith("$argon2")


@pytest.mark.parametrize("password", ["        ", " " * 12, "short-pw", "\t" * 14])
def test_weak_passwords_are_refused(mini_store: Store, password: str) -> None:
    with pytest.raises(ValueError, match="at least 12 characters|only blanks"):
        mini_store.add_user(SYSTEM, "admin2", Role.admin, password)
    assert mini_store.user("admin2") is None


@BACKENDS
def test_user_names_are_normalised_bounded_and_not_reserved(mini_store: Store) -> None:
    added = mini_store.add_user(SYSTEM, "admin ", Role.admin, "password-long-1")
    assert added.name == "admin" and mini_store.user("admin") == added == mini_store.user(" admin")
    with pytest.raises(ValidationFailed, match="exists already"):
        mini_store.add_user(SYSTEM, "admin", Role.admin, "password-long-1")
    for reserved in ("system", "seed", "Seed "):
        with pytest.raises(ValidationFailed, match="reserved"):
            mini_store.add_user(SYSTEM, reserved, Role.editor, "password-long-1")
    with pytest.raises(ValidationFailed, match="at most 100 characters") as info:
        mini_store.add_user(SYSTEM, "x" * 101, Role.editor, "password-long-1")
    assert "argon2" not in str(info.value)
    for countries in (["AAA;JPN"], ["../../ETC"], ["QQQ"]):
        with pytest.raises(ValidationFailed, match="not the ISO 3166-1 alpha-3 code of a country"):
            mini_store.add_user(SYSTEM, "ed2", Role.editor, "password-long-1", countries)
    assert mini_store.user("ed2") is None


@BACKENDS
def test_text_no_database_can_store_is_refused_alike(mini_store: Store) -> None:
    ed = editor(mini_store)
    for bad in ("before\x00after", "lone \ud800 surrogate"):
        with pytest.raises(ValidationFailed, match="cannot be stored|unable to parse raw data as a unicode string"):
            mini_store.save_assessment(
                ed, "AAA", ELEMENT, findings=PARTIAL, judgment=None, note=bad, expected_version=1
            )
    with pytest.raises(ValidationFailed, match="32,767"):
        mini_store.save_assessment(
            ed, "AAA", ELEMENT, findings=PARTIAL, judgment=None, note="n" * 32_768, expected_version=1
        )
    saved = mini_store.save_assessment(
        ed, "AAA", ELEMENT, findings=PARTIAL, judgment=None, note="n" * 32_767, expected_version=1
    )
    assert mini_store.assessment("AAA", ELEMENT).note == saved.note


@BACKENDS
def test_a_reviewer_may_not_approve_their_own_edits(mini_store: Store) -> None:
    ed = editor(mini_store)
    rev = mini_store.add_user(SYSTEM, "rev", Role.reviewer, "password-long-1")
    rev2 = mini_store.add_user(SYSTEM, "rev2", Role.reviewer, "password-long-1")
    mini_store.save_assessment(
        rev, "AAA", ELEMENT, findings=PARTIAL, judgment=None, note="by the reviewer", expected_version=1
    )
    mini_store.submit_for_review(ed, "AAA")
    with pytest.raises(PermissionDenied, match="another reviewer must approve"):
        mini_store.approve(rev, "AAA")
    assert mini_store.review_state("AAA") == "in_review"
    mini_store.approve(rev2, "AAA")
    mini_store.save_assessment(
        ed, "AAA", ELEMENT, findings=PARTIAL, judgment=None, note="by the editor", expected_version=2
    )
    mini_store.submit_for_review(ed, "AAA")
    mini_store.approve(rev, "AAA")  # their own edit was approved by someone else before


@BACKENDS
def test_newer_shipped_research_replaces_a_country_nobody_edited(mini_catalog, database_url: str) -> None:
    """A database seeded from an older release must not keep showing the law as that release read it."""
    import dataclasses

    Store.open(mini_catalog, database_url).engine.dispose()
    aaa = mini_catalog.countries["AAA"]
    newer = aaa.model_copy(update={"summary": "Re-read in the consolidated text."})
    shipped = dataclasses.replace(mini_catalog, countries={"AAA": newer})
    store = Store.open(shipped, database_url)
    assert store.working_countries(SYSTEM)["AAA"].summary == "Re-read in the consolidated text."
    assert store.published_countries()["AAA"].summary == "Re-read in the consolidated text."
    assert store.refresh_untouched([newer]) == []  # nothing more to do once it is current
    # Once staff have edited it, their work wins over a newer release.
    store.save_assessment(
        editor(store), "AAA", ELEMENT, findings=PARTIAL, judgment=None, note="staff", expected_version=1
    )
    store.engine.dispose()
    newest = dataclasses.replace(mini_catalog, countries={"AAA": aaa.model_copy(update={"summary": "Release 3."})})
    store = Store.open(newest, database_url)
    assert store.working_countries(SYSTEM)["AAA"].summary == "Re-read in the consolidated text."
    store.engine.dispose()


@BACKENDS
def test_a_save_that_changes_nothing_writes_no_version(mini_store: Store) -> None:
    ed = editor(mini_store)
    current = mini_store.assessment("AAA", ELEMENT)
    n, data_version = audit_count(mini_store), mini_store.data_version()
    same = mini_store.save_assessment(
        ed, "AAA", ELEMENT, findings=current.findings, judgment=current.judgment, note=current.note, expected_version=1
    )
    assert not same.changed and same.version == 1 and same.updated_by == "seed"
    assert audit_count(mini_store) == n and mini_store.data_version() == data_version
    assert mini_store.review_state("AAA") == "approved"  # nothing changed: the country stays approved
    record = mini_store.provisions("AAA")[0]
    again = mini_store.save_provision(ed, "AAA", record.provision, expected_version=record.version)
    assert not again.changed and again.version == record.version and audit_count(mini_store) == n


@BACKENDS
def test_a_provision_another_process_added_can_be_cited_at_once(
    mini_store: Store, mini_catalog, database_url: str
) -> None:
    """A save is checked against the copy of the country the last save kept; when that copy refuses a reference
    (here: a provision another app process added since), the country is read again before the save is refused."""
    ed = editor(mini_store)
    mini_store.save_assessment(
        ed, "AAA", ELEMENT, findings=PARTIAL, judgment=None, note="first", expected_version=1
    )  # keeps a copy
    other = Store.open(mini_catalog, database_url)
    added = other.provisions("AAA")[0].provision.model_copy(update={"id": "aaa.cc.11", "article": "11"})
    other.save_provision(ed, "AAA", added, expected_version=0)
    other.engine.dispose()
    saved = mini_store.save_assessment(
        ed,
        "AAA",
        ELEMENT,
        findings=[Finding(provision="aaa.cc.11", extent="full")],
        judgment=None,
        note=None,
        expected_version=2,
    )
    assert saved.version == 3 and mini_store.assessment("AAA", ELEMENT).findings[0].provision == "aaa.cc.11"


@BACKENDS
def test_a_save_checked_against_an_outdated_copy_is_checked_again_under_the_lock(mini_store: Store) -> None:
    """The copy a save was checked against passes it, but the country's provisions changed meanwhile (nothing in
    the app deletes one; the SQL stands for any change the copy missed): the lock sees the new key, checks the
    edit again against the rows, refuses it, and nothing is written."""
    ed = editor(mini_store)
    mini_store.save_assessment(
        ed, "AAA", ELEMENT, findings=PARTIAL, judgment=None, note="first", expected_version=1
    )  # keeps a copy
    with mini_store.engine.begin() as conn:
        conn.execute(text("DELETE FROM provisions WHERE iso3 = 'AAA' AND id = 'aaa.cpa.30'"))
    n, data_version = audit_count(mini_store), mini_store.data_version()
    with pytest.raises(ValidationFailed, match="'aaa.cpa.30' is not defined"):
        mini_store.save_assessment(
            ed,
            "AAA",
            ELEMENT,
            findings=[Finding(provision="aaa.cpa.30", extent="partial")],
            judgment=None,
            note=None,
            expected_version=2,
        )
    assert mini_store.assessment("AAA", ELEMENT).version == 2
    assert audit_count(mini_store) == n and mini_store.data_version() == data_version


@BACKENDS
def test_a_batch_records_audit_draft_and_counter_in_order(mini_store: Store) -> None:
    """The audit rows, the draft mark and the counter bump (on PostgreSQL one statement, the audit rows as arrays;
    on SQLite one statement each) record every change, in the order made."""
    from assessment.store import AssessmentChange

    ed = editor(mini_store)
    n, data_version = audit_count(mini_store), mini_store.data_version()
    batch = [
        AssessmentChange("AAA", ELEMENT, tuple(PARTIAL), None, "one", 1),  # findings and note change
        AssessmentChange("AAA", "tst1.art4.1b.e1", tuple(PARTIAL), None, None, 0),  # a first save
    ]
    mini_store.save_assessments(ed, batch, source="excel")
    rows = [(h.record, h.field, h.old, h.new) for h in mini_store.history("AAA")][n:]
    assert [r[:2] for r in rows] == [
        (ELEMENT, "findings"),
        (ELEMENT, "note"),
        ("tst1.art4.1b.e1", "findings"),
        ("country", "review_state"),
    ]
    assert rows[-1][2:] == ("approved", "draft") and mini_store.review_state("AAA") == "draft"
    assert mini_store.data_version() == data_version + 1
    mini_store.save_assessments(
        ed, [AssessmentChange("AAA", ELEMENT, tuple(PARTIAL), None, "two", 2)], source="excel"
    )  # a draft already
    assert [(h.field, h.new) for h in mini_store.history("AAA")][n + 4 :] == [
        ("note", "two")
    ] and mini_store.data_version() == data_version + 2


@BACKENDS
def test_a_first_save_that_meets_a_row_written_meanwhile_is_stale(mini_store: Store) -> None:
    """Every save inserts under its country's row lock, so a first save cannot meet a row written meanwhile;
    should one exist all the same (a writer without the lock, simulated in the same transaction here), the
    insert writes nothing and says who wrote the row."""
    at = dt.datetime.now(dt.UTC)
    element = "tst1.art4.1b.e1"
    with mini_store._write() as conn:
        conn.execute(
            t.assessments.insert().values(
                iso3="AAA",
                element=element,
                position=99,
                findings="[]",
                note="theirs",
                version=1,
                updated_by="ann",
                updated_at=at,
            )
        )
        with pytest.raises(StaleVersion, match="changed by ann"):
            mini_store._insert_assessment(
                conn,
                "AAA",
                element,
                {"findings": "[]", "judgment": None, "note": "mine", "updated_by": "ed", "updated_at": at},
            )
    assert mini_store.assessment("AAA", element).note == "theirs"


@BACKENDS
def test_users_are_changed_disabled_and_enabled(mini_store: Store) -> None:
    admin = mini_store.add_user(SYSTEM, "root", Role.admin, "password-long-1")
    ed = editor(mini_store)
    token = mini_store.start_session(ed)
    assert mini_store.session_user(token) == ed
    changed = mini_store.update_user(admin, "ed", role=Role.reviewer, countries=[])
    assert (changed.role, changed.countries) == (Role.reviewer, frozenset())
    assert mini_store.session_user(token) is not None  # a role change keeps the session; the next run reads the role
    with pytest.raises(ValidationFailed):
        mini_store.update_user(admin, "ed", countries=["ZZZ"])
    with pytest.raises(PermissionDenied):
        mini_store.update_user(ed, "root", role=Role.viewer)  # only admins manage users

    gone = mini_store.set_disabled(admin, "ed", True)
    assert gone.disabled and mini_store.session_user(token) is None  # the session ended at once
    assert mini_store.authenticate("ed", "password-long-1") is None  # and no new one starts
    with pytest.raises(PermissionDenied, match="ed is disabled"):  # a write from a page opened before is refused too
        mini_store.save_assessment(ed, "AAA", ELEMENT, findings=PARTIAL, judgment=None, note="late", expected_version=1)
    with pytest.raises(ValidationFailed, match="own account"):
        mini_store.set_disabled(admin, "root", True)

    assert not mini_store.set_disabled(admin, "ed", False).disabled
    assert mini_store.authenticate("ed", "password-long-1") is not None
    new_token = mini_store.start_session(mini_store.user("ed"))
    mini_store.update_user(admin, "ed", password="a-new-long-password")  # a password reset ends every session
    assert mini_store.session_user(new_token) is None
    assert mini_store.authenticate("ed", "a-new-long-password") is not None


@BACKENDS
def test_saved_assessments_are_read_again_after_any_write(mini_store: Store, mini_catalog, database_url: str) -> None:
    """The bulk read is cached per country on its write counters: an unchanged country is served from the cache,
    and every way of writing an assessment (a save here, a save by another app process, a restore) is seen by
    the next read."""
    ed = editor(mini_store)
    first = mini_store.saved_assessments(["AAA"])
    assert (
        mini_store.saved_assessments(["aaa"])[("AAA", ELEMENT)] is first[("AAA", ELEMENT)]
    )  # nothing changed: the cached record
    assert first[("AAA", ELEMENT)].version == 1

    mini_store.save_assessment(ed, "AAA", ELEMENT, findings=PARTIAL, judgment=None, note="mine", expected_version=1)
    mine = mini_store.saved_assessments(["AAA"])[("AAA", ELEMENT)]
    assert (mine.version, mine.note, mine.findings[0]["extent"]) == (2, "mine", "partial")

    other = Store.open(mini_catalog, database_url)
    other.save_assessment(ed, "AAA", ELEMENT, findings=PARTIAL, judgment=None, note="theirs", expected_version=2)
    other.engine.dispose()
    theirs = mini_store.saved_assessments(["AAA"])[("AAA", ELEMENT)]
    assert (theirs.version, theirs.note) == (3, "theirs")

    entry = [h for h in mini_store.history("AAA", ELEMENT) if h.field == "note"][
        -1
    ]  # "mine" -> "theirs": restores "mine"
    mini_store.restore(ed, entry.id, expected_version=3)
    restored = mini_store.saved_assessments(["AAA"])[("AAA", ELEMENT)]
    assert (restored.version, restored.note) == (4, "mine")
    assert mini_store.saved_assessments([]) == {}
