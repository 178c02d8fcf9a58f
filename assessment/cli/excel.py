"""`python -m assessment export ...` and `python -m assessment import ...`: the command-line side of the Excel
bridge (the options are declared with the other commands in parser.py). `cmd_export` and `cmd_import` take the
parsed arguments and return the exit code (0 done; 1 the workbook was refused; 2 bad usage; 3 stale version at
apply time; 4 not permitted). The CLI hands the Excel layer the workspace and the store; it never looks them up."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from .. import service
from ..excel import ImportPlan, PlanRefused, apply_plan, export_workbook, read_workbook
from ..store import SYSTEM
from .context import store_and_user
from .exits import EXIT_INVALID, EXIT_OK, EXIT_USAGE, WRITE_REFUSALS, report_refused_write

EXIT_REFUSED = EXIT_INVALID  # the workbook was refused


def cmd_export(args: argparse.Namespace) -> int:
    ws = service.load_workspace(args.root, user=SYSTEM)
    as_of = args.as_of or dt.date.today()
    try:
        export_workbook(
            ws, args.countries, args.treaty, as_of, Path(args.out), store=service.store(args.root), lang=args.lang
        )
    except KeyError as exc:
        print(exc.args[0], file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    codes = ", ".join(dict.fromkeys(c.upper() for c in args.countries))
    print(f"wrote {args.out} ({codes}; {args.treaty} as of {as_of.isoformat()})")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    if args.apply and not args.user:
        print("--apply needs --user NAME (who makes the changes)", file=sys.stderr)
        return EXIT_USAGE
    try:
        st, user = store_and_user(args, args.user)  # a named user must exist and be enabled, even for a preview
    except KeyError as exc:
        print(exc.args[0], file=sys.stderr)
        return EXIT_USAGE
    if not Path(args.workbook).is_file():
        print(f"no such file: {args.workbook}", file=sys.stderr)
        return EXIT_USAGE
    ws = service.load_workspace(args.root, user=SYSTEM)
    plan = read_workbook(Path(args.workbook), ws, st)
    if not args.apply or not plan.can_apply:
        _report(plan, args, applied=False)
        return EXIT_OK if plan.can_apply else EXIT_REFUSED
    assert user is not None
    try:
        apply_plan(plan, st, user)
    except WRITE_REFUSALS as exc:
        return report_refused_write(exc)
    except PlanRefused as exc:  # pragma: no cover - can_apply was checked above
        print(str(exc), file=sys.stderr)
        return EXIT_REFUSED
    _report(plan, args, applied=True)
    return EXIT_OK


def _report(plan: ImportPlan, args: argparse.Namespace, applied: bool) -> None:
    if args.json:
        print(json.dumps(plan.to_json(), ensure_ascii=False, indent=2))
        return
    out = sys.stdout
    for c in plan.changes:
        print(f"{c.country} {c.element} (row {c.row}, version {c.expected_version}):", file=out)
        for name, (old, new) in c.fields.items():
            print(f"    {name}: {_show(old)} -> {_show(new)}", file=out)
    for k in plan.conflicts:
        db = k.database
        print(
            f"CONFLICT {k.country} {k.element} (row {k.row}): your row is based on version {k.workbook['version']}; "
            f"{db['updated_by']} saved version {db['version']} at {db['updated_at']}",
            file=out,
        )
        width = max(len(f) for f in k.workbook if f != "version")
        print(f"    {'':<{width}}  {'workbook':<40}  database", file=out)
        for name in k.workbook:
            if name != "version":
                print(f"    {name:<{width}}  {_show(k.workbook[name]):<40}  {_show(db.get(name))}", file=out)
    for e in plan.errors:
        print(e.message, file=sys.stderr)
    summary = f"{len(plan.changes)} change(s), {len(plan.conflicts)} conflict(s), {len(plan.errors)} problem(s)"
    if applied:
        print(f"{summary}: saved", file=out)
    elif not plan.can_apply:
        print(f"{summary}: the workbook is refused; nothing was written", file=out)
    elif plan.changes:
        print(f"{summary}: nothing written yet; run again with --apply --user NAME to save them all", file=out)
    else:
        print(f"{summary}: nothing to save", file=out)


def _show(value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    text = str(value).replace("\n", " / ")
    return repr(text) if len(text) <= 60 else repr(text[:57] + "...")
