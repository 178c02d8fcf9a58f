"""`python -m assessment ...`: the command-line interface. Its commands and JSON shapes are a public interface
(see DESIGN.md, "Interfaces that must stay stable"); add fields, never rename or remove them."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from . import service
from .models import Country, Finding, Judgment, Treaty
from .problems import CatalogInvalid
from .store import SYSTEM, PermissionDenied, StaleVersion, Store, User, ValidationFailed
from .yamlio import dump_yaml

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m assessment", description="Accession Readiness: treaty checklists, country assessments, scores.")
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
    p.add_argument("--with-bills", action="store_true", help="count bills and passed-but-not-in-force law as if in force")
    p.add_argument("--published", action="store_true", help="score the approved state instead of the working drafts")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("finding", help="print one element's assessment record with its history")
    p.add_argument("country")
    p.add_argument("element", help="element id, e.g. ets185.art16.e1")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("set", help="change one element's assessment (versioned; exit 3 if stale, 4 if not permitted)")
    p.add_argument("country")
    p.add_argument("element")
    p.add_argument("--status", choices=["missing", "not_applicable", "reserved", "unknown", "none"], help="explicit judgment; 'none' removes it")
    p.add_argument("--provision", action="append", default=[], metavar="ID[:full|partial]", help="add or change a finding (repeatable)")
    p.add_argument("--remove-provision", action="append", default=[], metavar="ID", help="remove a finding (repeatable)")
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
    q.add_argument("--role", required=True, choices=["viewer", "editor", "reviewer", "admin"])
    q.add_argument("--countries", default="", help="ISO3 codes an editor may edit, comma-separated")
    q.add_argument("--password", help="password (at least 8 characters); read from standard input when absent")

    p = sub.add_parser("dump", help="write a country's working assessment from the database as YAML")
    p.add_argument("country")
    p.add_argument("--out", help="file to write (default: standard output); use data/countries/<ISO3>.yaml to publish")

    p = sub.add_parser("export", help="write a gap report workbook (.xlsx) for one or more countries")
    p.add_argument("countries", nargs="+", metavar="COUNTRY", help="ISO 3166-1 alpha-3 codes, e.g. KOR JPN")
    p.add_argument("--treaty", required=True, help="treaty id, e.g. ets185")
    p.add_argument("--out", required=True, help="workbook to write, e.g. report.xlsx")
    p.add_argument("--as-of", type=_date, default=None, help="date YYYY-MM-DD (default: today)")

    p = sub.add_parser("import", help="show the changes an edited workbook makes; save them with --apply (all or nothing)")
    p.add_argument("workbook", help="an edited workbook from 'export'")
    p.add_argument("--apply", action="store_true", help="save the changes (needs --user); nothing is saved if any row is refused")
    p.add_argument("--user", help="who makes the changes (required with --apply)")
    p.add_argument("--json", action="store_true", help='print {"changes", "conflicts", "errors"} as JSON')

    from .lawtext.cli import add_parser as add_lawtext_parser

    add_lawtext_parser(sub)
    return parser


def treaty_json(treaty: Treaty) -> dict:
    """The stable `treaty --json` shape."""
    return {
        "id": treaty.id,
        "title": treaty.title,
        "short_title": treaty.short_title,
        "series": treaty.series,
        "source_url": treaty.source_url,
        "obligations": [
            {
                "id": o.id,
                "article": o.article,
                "title": o.title,
                "kind": o.kind.value,
                "mandatory": o.mandatory,
                "due_at_accession": o.due_at_accession,
                "verified": o.verified,
                "summary": o.summary,
                "reservations": [h.model_dump(mode="json") for h in o.reservations],
                "declarations": [h.model_dump(mode="json") for h in o.declarations],
                "elements": [e.model_dump(mode="json") for e in o.elements],
            }
            for o in treaty.obligations()
        ],
    }


def _print_treaty(treaty: Treaty) -> None:
    print(f"{treaty.short_title} ({treaty.series}): {treaty.title}")
    for a in treaty.articles:
        print(f"  Art. {a.number} {a.title}")
        for o in a.obligations:
            hooks = ", ".join(h.id for h in o.hooks)
            print(f"    {o.id} [{o.kind.value}] {len(o.elements)} element(s)" + (f"; may reserve/declare: {hooks}" if hooks else ""))


def _schema(args: argparse.Namespace) -> int:
    from .catalog import PROJECT_ROOT
    from .schema import SCHEMAS, render, write_schemas

    if args.write:
        root = Path(args.root) if args.root else PROJECT_ROOT
        for path in write_schemas(root / "checklists" / "schema"):
            print(f"wrote {path}")
    else:
        print(json.dumps({name: json.loads(render(model)) for name, model in SCHEMAS.items()}, indent=2))
    return EXIT_OK


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.0f}%"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "schema":
        return _schema(args)
    try:
        catalog = service.catalog(args.root)
    except CatalogInvalid as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) found.", file=sys.stderr)
        return EXIT_INVALID

    if args.command == "validate":
        n_el = sum(len(o.elements) for t in catalog.treaties.values() for o in t.obligations())
        print(
            f"OK: {len(catalog.treaties)} treaties ({n_el} elements), {len(catalog.crosswalks)} crosswalks, "
            f"{len(catalog.countries)} countries, {len(catalog.registers)} status registers."
        )
        return EXIT_OK

    if args.command == "treaty":
        try:
            treaty = catalog.treaty(args.treaty)
        except KeyError as exc:
            print(exc.args[0], file=sys.stderr)
            return EXIT_USAGE
        if args.json:
            print(json.dumps(treaty_json(treaty), ensure_ascii=False, indent=2))
        else:
            _print_treaty(treaty)
        return EXIT_OK

    if args.command == "lawtext":
        from .lawtext.cli import run as run_lawtext

        return run_lawtext(args, catalog)

    if args.command in STORE_COMMANDS:
        return STORE_COMMANDS[args.command](args)
    return EXIT_USAGE


# ------------------------------------------------------------------------------------ commands on the database

EXIT_STALE, EXIT_DENIED = 3, 4
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


def store_and_user(args: argparse.Namespace, name: str | None) -> tuple[Store, User | None]:
    """The database of --root, and the user `name` (KeyError with a hint when there is none)."""
    st = service.store(args.root)
    if name is None:
        return st, None
    user = st.user(name)
    if user is None:
        raise KeyError(f"no user named {name!r}; add one with: python -m assessment user add {name} --role editor --countries ISO3")
    return st, user


def _cmd_score(args: argparse.Namespace) -> int:
    ws = service.load_workspace(args.root, user=None if args.published else SYSTEM)
    try:
        result = ws.engine.score_country(args.country, args.treaty, args.as_of or dt.date.today(), args.with_bills)
    except KeyError as exc:
        print(exc.args[0], file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return EXIT_OK
    label = " (with bills)" if result.with_bills else ""
    print(f"{result.country} / {result.treaty} as of {result.as_of}{label}: score {_pct(result.score)}, coverage {_pct(result.coverage)}")
    for _, row in result.chapters.iterrows():
        print(f"  Ch. {row['number']} {row['title']}: {_pct(None if row['score'] != row['score'] else row['score'])}")
    gaps = result.gap_bills()
    print(f"Critical gaps ({len(gaps)}):")
    for gap, bills in gaps.items():
        print(f"  {gap}" + (f"  <- bills: {', '.join(bills)}" if bills else ""))
    return EXIT_OK


def finding_json(root: str | None, st: Store, iso3: str, element: str, when: dt.date | None = None) -> dict:
    """The stable `finding --json` record: the element's saved assessment, its status today, its history."""
    record = st.assessment(iso3, element)
    ws = service.load_workspace(root, user=SYSTEM)
    obligation = ws.catalog.obligation_of_element[element]
    treaty = obligation.split(".", 1)[0]
    result = ws.engine.score_country(record.iso3, treaty, when or dt.date.today())
    status = dict(zip(result.elements["id"], result.elements["status"].astype(str)))[element]
    _provisions, bills, verified = result.element_detail()[element]
    return {
        "country": record.iso3,
        "element": element,
        "status": status,
        "status_verified": verified,
        "judgment": None if record.judgment is None else record.judgment.model_dump(mode="json", exclude_none=True),
        "note": record.note,
        "provisions": [f"{f.provision}:{f.extent.value}" for f in record.findings],
        "bills": bills,
        "version": record.version,
        "updated_by": record.updated_by,
        "updated_at": None if record.updated_at is None else record.updated_at.isoformat(),
        "history": [e.to_json() for e in st.history(record.iso3, element)],
    }


def _cmd_finding(args: argparse.Namespace) -> int:
    st, _ = store_and_user(args, None)
    try:
        data = finding_json(args.root, st, args.country, args.element)
    except KeyError as exc:
        print(exc.args[0], file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(f"{data['country']} {data['element']}: {data['status']} (version {data['version']}, by {data['updated_by']} at {data['updated_at']})")
        for p in data["provisions"]:
            print(f"  finding: {p}")
        if data["judgment"]:
            print(f"  judgment: {data['judgment']['status']}: {data['judgment']['reason']}")
        if data["note"]:
            print(f"  note: {data['note']}")
        for h in data["history"]:
            print(f"  {h['at']} {h['user']} ({h['source']}) {h['field']}: {h['old']} -> {h['new']}")
    return EXIT_OK


def _cmd_set(args: argparse.Namespace) -> int:
    try:
        st, user = store_and_user(args, args.user)
        current = st.assessment(args.country, args.element)
    except KeyError as exc:
        print(exc.args[0], file=sys.stderr)
        return EXIT_USAGE
    assert user is not None
    findings = {f.provision: f for f in current.findings}
    for pid in args.remove_provision:
        findings.pop(pid, None)
    for spec in args.provision:
        pid, _, extent = spec.partition(":")
        extent = extent or "full"
        if extent not in ("full", "partial"):
            print(f"--provision {spec}: the extent after ':' must be full or partial", file=sys.stderr)
            return EXIT_USAGE
        old = findings.get(pid)
        findings[pid] = Finding(provision=pid, extent=extent, note=old.note if old else None, source=old.source if old else None)
    judgment = current.judgment
    note = current.note if args.note is None else args.note
    if args.status == "none":
        judgment = None
    elif args.status is not None:
        reason = args.note or (judgment.reason if judgment else None)
        if not reason:
            print("--status needs a reason: give it with --note", file=sys.stderr)
            return EXIT_USAGE
        source = args.source or (judgment.source if judgment else None)
        try:
            judgment = Judgment(status=args.status, reason=reason, source=source, hook=args.hook if args.status == "reserved" else None)
        except ValueError as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_USAGE
    try:
        st.save_assessment(user, args.country, args.element, findings=list(findings.values()), judgment=judgment, note=note, expected_version=args.version, source="cli")
    except WRITE_REFUSALS as exc:
        return report_refused_write(exc)
    data = finding_json(args.root, st, args.country, args.element)
    print(json.dumps(data, ensure_ascii=False, indent=2) if args.json else f"saved: {data['element']} is now version {data['version']} ({data['status']})")
    return EXIT_OK


def _cmd_user(args: argparse.Namespace) -> int:
    st, _ = store_and_user(args, None)
    password = args.password if args.password is not None else sys.stdin.readline().rstrip("\n")
    try:
        user = st.add_user(SYSTEM, args.name, args.role, password, args.countries.split(","))
    except (ValidationFailed, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    print(f"added {user.name} ({user.role}" + (f", may edit {', '.join(sorted(user.countries))}" if user.countries else "") + ")")
    return EXIT_OK


def _cmd_dump(args: argparse.Namespace) -> int:
    st, _ = store_and_user(args, None)
    countries = st.working_countries(SYSTEM)
    country = countries.get(args.country.upper())
    if country is None:
        print(f"no country {args.country.upper()} in the database; known: {', '.join(sorted(countries))}", file=sys.stderr)
        return EXIT_USAGE
    text = country_yaml(country)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def country_yaml(country: Country) -> str:
    header = f"# {country.name}: written by 'python -m assessment dump {country.iso3}'. Format: docs/data-format.md\n"
    return header + dump_yaml(country.model_dump(mode="python", exclude_none=True))


def _cmd_export(args: argparse.Namespace) -> int:
    from .excel.cli import cmd_export  # XlsxWriter is loaded only when a workbook is asked for

    return cmd_export(args)


def _cmd_import(args: argparse.Namespace) -> int:
    from .excel.cli import cmd_import

    return cmd_import(args)


STORE_COMMANDS = {
    "score": _cmd_score, "finding": _cmd_finding, "set": _cmd_set, "user": _cmd_user, "dump": _cmd_dump,
    "export": _cmd_export, "import": _cmd_import,
}
