"""Sign-in limits under attack (issue 18, item 1): parallel guesses, a bounded number of password checks at
once, and a shared client address that slows down but never locks out a correct password."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from backends import BACKENDS

import assessment.store.users as store_module
from assessment.store import SYSTEM, Role, SignInBusy, SignInLocked, Store
from assessment.store.auth import client_address


class CountingChecks:
    """Stands in for check_password: counts the checks, holds each for a moment so parallel attempts overlap,
    and records how many ran at once."""

    def __init__(self, real, hold: float = 0.05):
        self.real, self.hold = real, hold
        self.count = self.running = self.peak = 0
        self.lock = threading.Lock()

    def __call__(self, stored, password):
        with self.lock:
            self.count += 1
            self.running += 1
            self.peak = max(self.peak, self.running)
        try:
            threading.Event().wait(self.hold)
            return self.real(stored, password)
        finally:
            with self.lock:
                self.running -= 1


@BACKENDS
def test_thirty_parallel_wrong_passwords_get_at_most_five_checks(
    mini_store: Store, mini_catalog, database_url, monkeypatch
) -> None:
    """The lockout is decided and recorded before any check, in one transaction: parallel guesses for one name
    see each other. Three stores on one database stand for three app instances."""
    checks = CountingChecks(store_module.check_password)
    monkeypatch.setattr(store_module, "check_password", checks)
    mini_store.add_user(SYSTEM, "ed", Role.editor, "password-long-1", ["AAA"])
    stores = [mini_store] + [Store.open(mini_catalog, database_url, seed=False) for _ in range(2)]
    for s in stores:
        s.sign_in_delay = 0  # the slowdown is its own test; here every guess races the others

    def guess(i: int) -> str:
        try:
            return (
                "none"
                if stores[i % 3].authenticate("ed", f"wrong-password-{i}", client=f"10.1.0.{i}") is None
                else "user"
            )
        except SignInLocked:
            return "locked"

    with ThreadPoolExecutor(max_workers=30) as pool:
        answers = list(pool.map(guess, range(30)))
    assert checks.count <= store_module.SIGN_IN_LOCK_AFTER
    assert answers.count("none") == checks.count and answers.count("locked") == 30 - checks.count
    assert checks.peak <= 2  # ASSESSMENT_SIGN_IN_CHECKS: at most two 64 MiB argon2 checks at once
    assert len(mini_store.sign_in_attempts("ed")) == 30  # every guess is on record
    with pytest.raises(SignInLocked):
        mini_store.authenticate("ed", "password-long-1", client="10.2.0.1")
    for s in stores[1:]:
        s.engine.dispose()


@BACKENDS
def test_a_shared_client_address_slows_down_but_never_locks_out_a_correct_password(
    mini_store: Store, monkeypatch
) -> None:
    """Behind a reverse proxy every person has the proxy's address: failures with made-up names from it must not
    lock out someone who then types the right password."""
    slept: list[float] = []
    monkeypatch.setattr(store_module.time, "sleep", slept.append)
    mini_store.add_user(SYSTEM, "ed", Role.editor, "password-long-1", ["AAA"])
    for i in range(24):
        assert mini_store.authenticate(f"made-up-{i}", "wrong-password", client="10.0.0.1") is None
    user = mini_store.authenticate("ed", "password-long-1", client="10.0.0.1")
    assert user is not None and user.name == "ed"
    assert slept and slept[-1] > 0  # ... but the client was slowed down


@BACKENDS
def test_beyond_the_bounded_checks_the_answer_is_try_again_and_nothing_is_counted(
    mini_store: Store, monkeypatch
) -> None:
    places = threading.BoundedSemaphore(1)
    monkeypatch.setattr(store_module, "SIGN_IN_CHECKS", places)
    mini_store.add_user(SYSTEM, "ed", Role.editor, "password-long-1", ["AAA"])
    mini_store.sign_in_wait = 0.05
    places.acquire()  # another sign-in holds the only place
    try:
        with pytest.raises(SignInBusy, match="try again"):
            mini_store.authenticate("ed", "password-long-1")
    finally:
        places.release()
    assert mini_store.sign_in_attempts("ed") == []  # not checked, so neither a failure nor on record
    assert mini_store.authenticate("ed", "password-long-1") is not None


def test_the_client_address_comes_from_the_trusted_proxy_header_only_when_configured() -> None:
    headers = {"X-Forwarded-For": "6.6.6.6, 203.0.113.7, 10.0.0.2"}
    assert client_address("10.0.0.1", headers, None) == "10.0.0.1"  # no trusted proxy: the peer
    assert client_address("10.0.0.1", headers, "x-forwarded-for", 1) == "10.0.0.2"  # one proxy: its entry
    assert client_address("10.0.0.1", headers, "X-Forwarded-For", 2) == "203.0.113.7"  # two hops
    # the client's own forged entries on the left are never taken, and a short header falls back to the peer
    assert client_address("10.0.0.1", headers, "X-Forwarded-For", 4) == "10.0.0.1"
    assert client_address("10.0.0.1", {}, "X-Forwarded-For", 1) == "10.0.0.1"
    assert client_address(None, {}, None) == "unknown"
