"""Exit codes of `python -m assessment` (a public interface: scripts test them) and how a refused write is told."""

from __future__ import annotations

import sys

from ..store import PermissionDenied, StaleVersion, ValidationFailed

EXIT_OK = 0  # done
EXIT_INVALID = 1  # the data, the edit or the workbook is invalid (nothing was written)
EXIT_USAGE = 2  # bad arguments, unknown country, treaty, element or user
EXIT_STALE = 3  # the version given is not the current one (nothing was written)
EXIT_DENIED = 4  # the user may not do this (nothing was written)

#: Why the store refuses a write; `report_refused_write` turns each into its exit code.
WRITE_REFUSALS = (StaleVersion, PermissionDenied, ValidationFailed)


def report_refused_write(exc: Exception) -> int:
    """Say why the store refused a write (nothing was written) and return the exit code: 3 stale, 4 not
    permitted, 1 invalid."""
    if isinstance(exc, StaleVersion):
        print(f"stale version: {exc}", file=sys.stderr)
        return EXIT_STALE
    if isinstance(exc, PermissionDenied):
        print(f"not permitted: {exc}; nothing was written", file=sys.stderr)
        return EXIT_DENIED
    for m in getattr(exc, "messages", [str(exc)]):
        print(f"invalid: {m}", file=sys.stderr)
    return EXIT_INVALID
