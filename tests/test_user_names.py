"""New users' names and passwords: a name may not look like a reserved or an existing one once Unicode
compatibility forms and case are set aside, and a password's length counts only the characters that show."""

from __future__ import annotations

import threading
import time

import pytest
from backends import BACKENDS
from sqlalchemy import event

from assessment.store import SYSTEM, Role, Store, ValidationFailed
from assessment.store.auth import MIN_PASSWORD, hash_password, name_key, visible_length

GOOD = "password-long-1"


@pytest.mark.parametrize(
    "password",
    [
        "\u200b" * 12,  # zero-width spaces
        "\x00" * 12,  # NUL
        "\x00" * 40,
        "\u200b" * 11 + "a",
        "abcdefghijk"
        + "\u200d\u2060\ufeff\u00ad\u202e",  # 11 that show, then joiner, word joiner, BOM, soft hyphen, RLO
        "\u3164" * 12,  # Hangul filler: a letter that shows nothing
        "\ufe0f" * 12,  # variation selectors
        "\u2800" * 12,  # the blank braille cell
        "short\t\n\r\x07\x1b\x7f\x85\u2028\u2029",  # controls and line separators
        "\ue000" * 12,  # private use
    ],
)
def test_invisible_and_control_characters_do_not_count_towards_a_password(mini_store: Store, password: str) -> None:
    assert len(password) >= MIN_PASSWORD and visible_length(password) < MIN_PASSWORD
    with pytest.raises(ValueError, match="at least 12 characters; invisible and control characters do not count"):
        mini_store.add_user(SYSTEM, "admin2", Role.admin, password)
    assert mini_store.user("admin2") is None
    mini_store.add_user(SYSTEM, "admin3", Role.admin, GOOD)
    with pytest.raises(ValidationFailed, match="invisible and control characters do not count"):
        mini_store.update_user(SYSTEM, "admin3", password=password)
    assert mini_store.authenticate("admin3", GOOD) is not None  # the old password still holds


@pytest.mark.parametrize(
    ("password", "counted"),
    [
        ("correct horse\u200b", 13),  # an invisible character is allowed; it just does not count
        ("e\u0301" * 12, 12),  # a letter and its accent typed apart are one character, as they show
        ("비밀번호는열두글자이상입니다", 14),
        ("a" + " " * 11, 12),  # blanks show as blanks: they count (a password of blanks only is refused)
    ],
)
def test_passwords_with_enough_characters_that_show_are_accepted(password: str, counted: int) -> None:
    assert visible_length(password) == counted
    assert hash_password(password).startswith("$argon2")


def test_an_accent_typed_apart_does_not_make_a_short_password_long() -> None:
    with pytest.raises(ValueError, match=r"^a password needs at least 12 characters$"):
        hash_password("e\u0301" * 6)  # 12 code points, 6 characters


@pytest.mark.parametrize(
    "name", ["ｓｙｓｔｅｍ", "ＳＹＳＴＥＭ", "ſystem", "SEED", "ｓｅｅｄ", "Nobody", "ｎｏｂｏｄｙ"]
)
def test_look_alikes_of_reserved_names_are_refused(mini_store: Store, name: str) -> None:
    with pytest.raises(ValidationFailed, match="reserved for the system's own audit entries"):
        mini_store.add_user(SYSTEM, name, Role.admin, GOOD)
    assert mini_store.user(name) is None


@pytest.mark.parametrize("name", ["admin1\u200b", "ad\u200dmin1", "admin1\u3164", "\u115fadmin1", "admin\ufe0f1"])
def test_names_with_invisible_characters_are_refused(mini_store: Store, name: str) -> None:
    with pytest.raises(ValidationFailed, match="may not contain invisible or control characters"):
        mini_store.add_user(SYSTEM, name, Role.editor, GOOD)


@BACKENDS
def test_look_alikes_of_existing_names_are_refused(mini_store: Store) -> None:
    mini_store.add_user(SYSTEM, "admin1", Role.admin, GOOD)
    mini_store.add_user(SYSTEM, "Straße", Role.editor, GOOD)
    for look_alike, existing in [
        ("Admin1", "admin1"),
        ("ADMIN1", "admin1"),
        ("ａｄｍｉｎ１", "admin1"),
        ("admin¹", "admin1"),
        ("ＡＤＭＩＮ1", "admin1"),
        ("STRASSE", "Straße"),
        ("strasse", "Straße"),
    ]:
        with pytest.raises(ValidationFailed, match=f"a user named '{existing}' exists already"):
            mini_store.add_user(SYSTEM, look_alike, Role.admin, GOOD)
        assert mini_store.user(look_alike) is None
    mini_store.add_user(SYSTEM, "admin10", Role.viewer, GOOD)  # a different name is still a name
    mini_store.add_user(SYSTEM, "Kim Minsu", Role.viewer, GOOD)
    with pytest.raises(ValidationFailed, match="a user named 'Kim Minsu' exists already"):
        mini_store.add_user(SYSTEM, "kim\u3000 minsu", Role.viewer, GOOD)  # an ideographic space and a double blank
    assert sorted(u.name for u in mini_store.users(SYSTEM)) == ["Kim Minsu", "Straße", "admin1", "admin10"]


@BACKENDS
def test_two_admins_adding_look_alike_names_at_once_add_one(mini_store: Store) -> None:
    """Two admins add 'Dana' and 'dana' at the same moment: the check and the insert are one step under a lock,
    so one of them is refused. Each pauses after reading the names, so without the lock both would read before
    either inserts (as they would on PostgreSQL)."""
    paused: list[str] = []

    @event.listens_for(mini_store.engine, "after_cursor_execute")
    def _pause(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if " ".join(statement.upper().split()) == "SELECT USERS.NAME FROM USERS":
            paused.append(threading.current_thread().name)
            time.sleep(0.1)

    for n in range(3):
        names = [f"Dana{n}", f"dana{n}"]
        barrier = threading.Barrier(2)
        refused: list[str] = []

        def add(name: str, barrier: threading.Barrier = barrier, refused: list[str] = refused) -> None:
            barrier.wait()
            try:
                mini_store.add_user(SYSTEM, name, Role.editor, GOOD)
            except ValidationFailed as exc:
                refused.append(str(exc))

        threads = [threading.Thread(target=add, args=(name,)) for name in names]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        added = [u.name for u in mini_store.users(SYSTEM) if name_key(u.name) == f"dana{n}"]
        assert len(added) == 1 and len(refused) == 1 and "exists already" in refused[0], (added, refused)
    assert len(paused) == 6  # every add read the names (and paused there)


def test_name_key_folds_width_case_and_blanks() -> None:
    assert name_key("ｓｙｓｔｅｍ") == name_key("System") == "system"
    assert name_key("Ａｄｍｉｎ１") == name_key("admin1")
    assert name_key(" Kim\u3000\u3000Minsu ") == "kim minsu"
    assert name_key("관리자") == name_key("\u1100\u116a\u11ab\u1105\u1175\u110c\u1161")  # precomposed or jamo
