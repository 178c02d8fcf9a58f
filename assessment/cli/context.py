"""What every command on the database starts from: the store of --root and the user named on the command line."""

from __future__ import annotations

import argparse

from .. import service
from ..store import PermissionDenied, Store, User


def store_and_user(args: argparse.Namespace, name: str | None) -> tuple[Store, User | None]:
    """The database of --root, and the user `name` (KeyError with a hint when there is none, PermissionDenied when
    an admin disabled it: a disabled user may run no command in their name)."""
    st = service.store(args.root)
    if name is None:
        return st, None
    user = st.user(name)
    if user is None:
        raise KeyError(
            f"no user named {name!r}; add one with: python -m assessment user add {name} --role editor --countries ISO3"
        )
    if user.disabled:
        raise PermissionDenied(
            f"{user.name} is disabled; an admin can enable the account with: python -m assessment user enable {user.name}"
        )
    return st, user
