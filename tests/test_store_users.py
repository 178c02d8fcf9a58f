"""assessment/store/users.py beyond sign-in limits (tests/test_sign_in.py) and names (tests/test_user_names.py):
single sign-on's match of an identity to a user (issue 23: users have one home)."""

from __future__ import annotations

from backends import BACKENDS

from assessment.store import SYSTEM, Role, Store


@BACKENDS
def test_a_single_sign_on_identity_is_the_enabled_user_of_that_name(mini_store: Store) -> None:
    mini_store.add_user(SYSTEM, "ann@example.org", Role.editor, "password-long-1", ["AAA"])
    admin = mini_store.add_user(SYSTEM, "root", Role.admin, "password-long-1")
    user = mini_store.identity_user("ann@example.org ")  # as the identity provider spells it, blanks dropped
    assert user is not None and user.name == "ann@example.org" and user.role == Role.editor
    assert mini_store.identity_user("bob@example.org") is None  # no user of that name: no one is signed in
    mini_store.set_disabled(admin, "ann@example.org", True)
    assert mini_store.identity_user("ann@example.org") is None  # a disabled account answers as an unknown one
