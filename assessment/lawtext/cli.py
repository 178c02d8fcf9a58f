"""`python -m assessment lawtext check|pin ISO3 --texts DIR` and `lawtext update --texts DIR`: the change watch
on the command line.

`check` and `pin` read the country's research file (data/countries/<ISO3>.yaml), where the pinned `text` records
are kept; `pin` writes the hashes back into it; `update` pulls the texts folder (a git checkout). Exit codes, so a
monitoring system can tell them apart: 0 nothing changed (or updated); 1 something changed or is missing (pin: an
article was refused); 3 a statute file could not be read, so the check is incomplete (even if something also
changed: the JSON lists both); 2 bad usage (no such country, no folder, no statute file of the country in it; for
`update`: not a git checkout, local changes, cannot be pulled).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

from ..catalog import Catalog
from ..models import Country
from ..yamlwrite import merge, rewrite
from .check import LawCheck, PinResult, check_country, pin_country
from .update import UpdateRefused, update_checkout

ENV = "ASSESSMENT_LAWTEXT_DIR"
EXIT_OK, EXIT_CHANGED, EXIT_USAGE, EXIT_UNREADABLE = 0, 1, 2, 3


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("lawtext", help="compare pinned provisions with consolidated statute texts; pin their hashes")
    lt = p.add_subparsers(dest="lawtext_command", required=True)
    for name, text in (
        (
            "check",
            "report provisions whose article changed, was deleted or is absent (exit 1 when any, 3 when a file is unreadable)",
        ),
        ("pin", "record a SHA-256 of each pinned article's normalised text in data/countries/<ISO3>.yaml"),
    ):
        q = lt.add_parser(name, help=text)
        q.add_argument("country", help="ISO 3166-1 alpha-3 code, e.g. KOR")
        q.add_argument("--texts", help=f"folder holding kr/<statute title>/법률.md (default: ${ENV})")
        q.add_argument("--json", action="store_true", help="print JSON")
        if name == "check":
            q.add_argument(
                "--since", type=_day, metavar="YYYY-MM-DD", help="report only changes promulgated after this day"
            )
    u = lt.add_parser("update", help="git pull --ff-only the texts folder (a git checkout); exit 2 when it cannot")
    u.add_argument("--texts", help=f"the checkout of the statute texts (default: ${ENV})")
    u.add_argument("--json", action="store_true", help="print JSON")


def texts_folder(given: str | None) -> Path | None:
    """The folder of consolidated statutes the user pointed to (argument, else environment), if it exists."""
    value = given or os.environ.get(ENV)
    return Path(value) if value and Path(value).is_dir() else None


def run(args: argparse.Namespace, catalog: Catalog) -> int:
    folder = texts_folder(args.texts)
    if folder is None:
        print(
            f"no folder of statute texts: give --texts DIR or set {ENV} (got {args.texts or os.environ.get(ENV)!r})",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.lawtext_command == "update":
        return _update(args, folder)
    try:
        country = catalog.country(args.country)
    except KeyError as exc:
        print(exc.args[0], file=sys.stderr)
        return EXIT_USAGE
    if args.lawtext_command == "pin":
        return _pin(args, catalog, country, folder)
    report = check_country(country, folder, since=args.since)
    if report.checked == 0 and not report.errors:
        return _nothing_to_compare(folder, country, len(report.not_found))
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        _print_check(report, folder)
    return check_exit(report)


def check_exit(report: LawCheck) -> int:
    """3 when a file could not be read (the check is incomplete), else 1 when anything changed or went, else 0."""
    if report.unreadable:
        return EXIT_UNREADABLE
    return EXIT_OK if report.clean else EXIT_CHANGED


def _print_check(report: LawCheck, folder: Path) -> None:
    since = f", changes promulgated after {report.since}" if report.since else ""
    print(f"{report.country}: {report.checked} provision(s) checked against {folder}{since}")
    for title, entries in (("changed", report.changed), ("missing", report.missing), ("not found", report.not_found)):
        for e in entries:
            print(f"  {title}: {e['provision']} ({e['statute']} {e['article']}): {e['reason']}")
            if e.get("diff"):
                print("    " + _diff_line(e["diff"]))
    for e in report.errors:
        print(f"  unreadable: {e['file']}:{e['line'] or ''}: {e['reason']}")
    if report.clean:
        print("  nothing changed since the provisions were read")


def _diff_line(diff: list[dict]) -> str:
    """The word diff on one line: [-removed-] {+added+}, unchanged runs shortened."""
    parts = []
    for op in diff:
        words = op["text"]
        if op["op"] == "equal":
            shown = words.split()
            parts.append(words if len(shown) <= 6 else " ".join([*shown[:3], "…", *shown[-3:]]))
        else:
            parts.append(f"[-{words}-]" if op["op"] == "delete" else f"{{+{words}+}}")
    return " ".join(parts)


def _update(args: argparse.Namespace, folder: Path) -> int:
    try:
        updated = update_checkout(folder)
    except UpdateRefused as exc:
        print(f"lawtext update: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(updated.to_json(), ensure_ascii=False, indent=2))
    elif updated.before == updated.after:
        print(f"{folder}: already up to date ({updated.after[:10]})")
    else:
        print(f"{folder}: updated {updated.before[:10]}..{updated.after[:10]}, {len(updated.files)} file(s) changed")
    return EXIT_OK


def _pin(args: argparse.Namespace, catalog: Catalog, country: Country, folder: Path) -> int:
    result = pin_country(country, folder)
    if not result.pinned and not result.refused and not result.errors:
        return _nothing_to_compare(folder, country, len(result.not_found))
    path = catalog.root / "data" / "countries" / f"{country.iso3}.yaml"
    if result.pinned:
        rewrite(path, lambda document: _pin_into(document, result))
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        print(f"{country.iso3}: pinned {len(result.pinned)} provision(s) in {path}")
        for e in result.refused:
            print(f"  not pinned, review first: {e['provision']} ({e['statute']} {e['article']}): {e['reason']}")
        for e in result.errors:
            print(f"  unreadable, nothing pinned from it: {e['file']}:{e['line'] or ''}: {e['reason']}")
    if result.errors:
        return EXIT_UNREADABLE
    return EXIT_OK if not result.refused else EXIT_CHANGED


def _nothing_to_compare(folder: Path, country: Country, not_found: int) -> int:
    """Say why nothing could be compared (bad usage, exit 2): no provision pinned, or no file of its statutes."""
    if not_found == 0:
        print(
            f"no provision of {country.iso3} carries a pinned text record (provisions[].text): nothing to compare",
            file=sys.stderr,
        )
    else:
        print(
            f"{folder} holds none of the statute files {country.iso3} cites ({not_found} provision(s); layout: kr/<title>/법률.md, "
            "시행령.md, 시행규칙.md)",
            file=sys.stderr,
        )
    return EXIT_USAGE


def _pin_into(document: Any, result: PinResult) -> None:
    """Only the pinned provisions' text records change; every other line of the file stays as it was."""
    pinned = {p.id: p for p in result.country.provisions if p.id in set(result.pinned)}
    for item in document["provisions"]:
        provision = pinned.get(str(item.get("id")))
        if provision is not None and provision.text is not None:
            item["text"] = merge(item["text"], provision.text.model_dump(mode="python", exclude_none=True))
