"""`python -m assessment ...`: the command-line interface. Its commands, JSON shapes and exit codes are a public
interface (see DESIGN.md, "Interfaces that must stay stable"); add fields, never rename or remove them.

    parser.py    every command, option and choice
    commands.py  main() and the commands on checklists, scores and the database
    excel.py     export and import of workbooks (loaded only when asked for)
    context.py   the store and user a command works with
    exits.py     exit codes and how a refused write is told
"""

from .commands import country_yaml, finding_json, main, treaty_json
from .context import store_and_user
from .exits import EXIT_DENIED, EXIT_INVALID, EXIT_OK, EXIT_STALE, EXIT_USAGE
from .parser import build_parser

__all__ = [
    "EXIT_DENIED",
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_STALE",
    "EXIT_USAGE",
    "build_parser",
    "country_yaml",
    "finding_json",
    "main",
    "store_and_user",
    "treaty_json",
]
