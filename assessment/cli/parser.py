"""The argument parser of `python -m assessment`: every command, option and choice, in one place."""

from __future__ import annotations

import argparse
import datetime as dt

from ..i18n import LANGUAGES
from ..vocab import JudgmentStatus, Role


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m assessment", description="Accession Readiness: treaty checklists, country assessments, scores."
    )
    parser.add_argument("--root", help="project folder holding checklists/ and data/ (default: this project)")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("validate", help="check every checklist and data file; exit 1 listing file:line: field: reason")

    p = sub.add_parser("schema", help="print or write the JSON Schemas of the YAML formats")
    p.add_argument("--write", action="store_true", help="write them to checklists/schema/")

    p = sub.add_parser("treaty", help="print a treaty checklist")
    p.add_argument("treaty", help="treaty id, e.g. ets185")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("score", help="score a country against a treaty")
    p.add_argument("country", help="ISO 3166-1 alpha-3 code, e.g. KOR")
    p.add_argument("--treaty", required=True, help="treaty id, e.g. ets185")
    p.add_argument("--as-of", type=_date, default=None, help="date YYYY-MM-DD (default: today)")
    p.add_argument(
        "--with-bills", action="store_true", help="count bills and passed-but-not-in-force law as if in force"
    )
    p.add_argument("--published", action="store_true", help="score the approved state instead of the working drafts")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("precedents", help="how other Parties provide what a country lacks (외국 입법례), ranked")
    p.add_argument("country", help="ISO 3166-1 alpha-3 code, e.g. KOR")
    p.add_argument("--treaty", required=True, help="treaty id, e.g. ets185")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--element", action="append", default=None, metavar="ID", help="an element id (repeatable)")
    which.add_argument("--gaps", action="store_true", help="the elements of the country's critical gaps (the default)")
    p.add_argument("--as-of", type=_date, default=None, help="date YYYY-MM-DD (default: today)")
    p.add_argument("--lang", choices=LANGUAGES, default="en", help="language of names and summaries")
    p.add_argument("--published", action="store_true", help="read the approved state instead of the working drafts")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("finding", help="print one element's assessment record with its history")
    p.add_argument("country")
    p.add_argument("element", help="element id, e.g. ets185.art16.e1")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("set", help="change one element's assessment (versioned; exit 3 if stale, 4 if not permitted)")
    p.add_argument("country")
    p.add_argument("element")
    p.add_argument(
        "--status", choices=[*(s.value for s in JudgmentStatus), "none"], help="explicit judgment; 'none' removes it"
    )
    p.add_argument(
        "--provision",
        action="append",
        default=[],
        metavar="ID[:full|partial]",
        help="add or change a finding (repeatable)",
    )
    p.add_argument(
        "--remove-provision", action="append", default=[], metavar="ID", help="remove a finding (repeatable)"
    )
    p.add_argument("--note", help="note; with --status, also the judgment's reason")
    p.add_argument("--source", help="source id for the judgment")
    p.add_argument("--hook", help="reservation or declaration id, with --status reserved")
    p.add_argument("--version", type=int, required=True, help="the version you read (see 'finding')")
    p.add_argument("--user", required=True, help="who makes the change")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("user", help="manage users")
    user_sub = p.add_subparsers(dest="user_command", required=True)
    q = user_sub.add_parser("add", help="add a user (password from --password or standard input)")
    q.add_argument("name")
    q.add_argument("--role", required=True, choices=[r.value for r in Role])
    q.add_argument("--countries", default="", help="ISO3 codes an editor may edit, comma-separated")
    q.add_argument(
        "--password", help="password (at least 12 characters, not all blanks); read from standard input when absent"
    )
    q = user_sub.add_parser(
        "set", help="change a user's role, countries or password (a new password ends their sessions)"
    )
    q.add_argument("name")
    q.add_argument("--role", choices=[r.value for r in Role])
    q.add_argument("--countries", help="ISO3 codes an editor may edit, comma-separated (empty: none)")
    q.add_argument("--password", help="a new password (at least 12 characters, not all blanks)")
    q = user_sub.add_parser("disable", help="disable a user: their sessions end and their writes are refused")
    q.add_argument("name")
    q = user_sub.add_parser("enable", help="enable a disabled user again")
    q.add_argument("name")
    q = user_sub.add_parser("list", help="list users with role, countries and whether they are disabled")
    q.add_argument("--json", action="store_true", help='print [{"name", "role", "countries", "disabled"}]')

    p = sub.add_parser("review", help="move a country through review (exit 3 if its state moved, 4 if not permitted)")
    p.add_argument(
        "action", choices=["submit", "approve", "return"], help="submit a draft, approve or return one in review"
    )
    p.add_argument("country")
    p.add_argument("--user", required=True, help="who takes the step (the CLI trusts this name; see README)")
    p.add_argument("--comment", help="why, recorded in the audit log with the step")
    p.add_argument("--json", action="store_true", help='print {"country", "review_state", "previous_state", "user"}')

    p = sub.add_parser("dump", help="write a country's working assessment from the database as YAML")
    p.add_argument("country")
    p.add_argument("--out", help="file to write (default: standard output); use data/countries/<ISO3>.yaml to publish")

    p = sub.add_parser("export", help="write a gap report workbook (.xlsx) for one or more countries")
    p.add_argument("countries", nargs="+", metavar="COUNTRY", help="ISO 3166-1 alpha-3 codes, e.g. KOR JPN")
    p.add_argument("--treaty", required=True, help="treaty id, e.g. ets185")
    p.add_argument("--out", required=True, help="workbook to write, e.g. report.xlsx")
    p.add_argument("--as-of", type=_date, default=None, help="date YYYY-MM-DD (default: today)")
    p.add_argument(
        "--lang",
        choices=LANGUAGES,
        default="en",
        help="language of the workbook (sheet names, headers, README, drop-downs)",
    )

    p = sub.add_parser("brief", help="write the readiness brief of one country as PDF or Word (.pdf or .docx)")
    p.add_argument("country", help="ISO 3166-1 alpha-3 code, e.g. KOR")
    p.add_argument("--treaty", required=True, help="treaty id, e.g. ets185")
    p.add_argument("--as-of", type=_date, default=None, help="date YYYY-MM-DD (default: today)")
    p.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the brief")
    p.add_argument("--published", action="store_true", help="brief on the approved state instead of the working drafts")
    p.add_argument(
        "--out", required=True, help="file to write: brief.pdf or brief.docx (the suffix chooses the format)"
    )

    p = sub.add_parser(
        "import", help="show the changes an edited workbook makes; save them with --apply (all or nothing)"
    )
    p.add_argument("workbook", help="an edited workbook from 'export'")
    p.add_argument(
        "--apply", action="store_true", help="save the changes (needs --user); nothing is saved if any row is refused"
    )
    p.add_argument("--user", help="who makes the changes (required with --apply)")
    p.add_argument("--json", action="store_true", help='print {"changes", "conflicts", "errors"} as JSON')

    from ..lawtext.cli import add_parser as add_lawtext_parser

    add_lawtext_parser(sub)
    return parser
