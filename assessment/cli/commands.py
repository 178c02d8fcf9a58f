"""The commands on checklists, scores and the database, and `main`, which dispatches every command (the
Excel ones live in `assessment.cli.excel`, loaded only when a workbook is asked for)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from .. import service
from ..models import Country, Extent, Finding, Judgment, Treaty
from ..problems import CatalogInvalid
from ..store import SYSTEM, PermissionDenied, Store, User, ValidationFailed
from ..vocab import AuditSource, JudgmentStatus, Vocabulary, label_text, percent
from ..yamlio import dump_yaml
from ..yamlwrite import merge, rewrite
from .context import store_and_user
from .exits import EXIT_INVALID, EXIT_OK, EXIT_STALE, EXIT_USAGE, WRITE_REFUSALS, report_refused_write
from .parser import build_parser


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
            print(
                f"    {o.id} [{o.kind.value}] {len(o.elements)} element(s)"
                + (f"; may reserve/declare: {hooks}" if hooks else "")
            )


def _schema(args: argparse.Namespace) -> int:
    from ..catalog import PROJECT_ROOT
    from ..schema import SCHEMAS, render, write_schemas

    if args.write:
        root = Path(args.root) if args.root else PROJECT_ROOT
        for path in write_schemas(root / "checklists" / "schema"):
            print(f"wrote {path}")
    else:
        print(json.dumps({name: json.loads(render(model)) for name, model in SCHEMAS.items()}, indent=2))
    return EXIT_OK


def _pct(x: float | None) -> str:
    return percent(x, missing="n/a")


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
        from ..lawtext.cli import run as run_lawtext

        return run_lawtext(args, catalog)

    if args.command in STORE_COMMANDS:
        try:
            return STORE_COMMANDS[args.command](args)
        except PermissionDenied as exc:  # e.g. --user names a disabled account: exit 4 for every command
            return report_refused_write(exc)
    return EXIT_USAGE


# ------------------------------------------------------------------------------------ commands on the database


def _cmd_score(args: argparse.Namespace) -> int:
    ws = service.load_workspace(args.root, user=None if args.published else SYSTEM)
    try:
        result = ws.engine.score_country(args.country, args.treaty, args.as_of or dt.date.today(), args.with_bills)
    except KeyError as exc:
        print(exc.args[0], file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        from ..positions import positions_json

        report = {
            **result.to_json(),
            "positions": positions_json(ws.catalog, ws.engine, result.country, result.treaty, result.as_of),
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return EXIT_OK
    label = " (with bills)" if result.with_bills else ""
    print(
        f"{result.country} / {result.treaty} as of {result.as_of}{label}: score {_pct(result.score)}, coverage {_pct(result.coverage)}"
    )
    for _, row in result.chapters.iterrows():
        print(f"  Ch. {row['number']} {row['title']}: {_pct(row['score'])}")
    gaps = result.gap_bills()
    print(f"Critical gaps ({len(gaps)}):")
    for gap, bills in gaps.items():
        print(f"  {gap}" + (f"  <- bills: {', '.join(bills)}" if bills else ""))
    return EXIT_OK


def _cmd_precedents(args: argparse.Namespace) -> int:
    from ..precedents import precedents_json

    ws = service.load_workspace(args.root, user=None if args.published else SYSTEM)
    cat = ws.catalog
    if args.country.upper() not in cat.countries or args.treaty not in cat.treaties:
        print(
            f"unknown country {args.country!r} or treaty {args.treaty!r}; countries: {', '.join(sorted(cat.countries))}; "
            f"treaties: {', '.join(sorted(cat.treaties))}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    unknown = [e for e in args.element or [] if not e.startswith(args.treaty + ".") or e not in cat.elements]
    if unknown:
        print(f"not an element of {args.treaty}: {', '.join(unknown)}", file=sys.stderr)
        return EXIT_USAGE
    report = precedents_json(
        cat, ws.engine, args.country, args.treaty, args.element, args.as_of or dt.date.today(), args.lang
    )
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"{report['country']} / {report['treaty']} as of {report['as_of']}: how other Parties provide it")
    for e in report["elements"]:
        print(f"{e['id']} ({e['status']}): {len(e['precedents'])} precedent(s)")
        for p in e["precedents"]:
            mark = "verified" if p["verified"] else "unverified"
            print(
                f"  {p['name']} ({p['country']}, {p['status']}, {mark}, {p['legal_system'] or 'legal system not recorded'})"
            )
            for pr in p["provisions"]:
                since = f", {label_text(Vocabulary.stage, 'in_force')} since {pr['in_force']}" if pr["in_force"] else ""
                by = f" by {pr['introduced_by']}" if pr["introduced_by"] else ""
                a = pr["article"] or ""
                article = (
                    f" Art. {a}" if a[:1].isdigit() else f" {a}" if a else ""
                )  # 'Rule 5', 'Sch. 1 para. 11' name themselves
                print(f"    {pr['statute']}{article}{since}{by}: {pr['summary']}")
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
        print(
            f"{data['country']} {data['element']}: {data['status']} (version {data['version']}, by "
            f"{data['updated_by']} at {data['updated_at']})"
        )
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
        extent = extent or Extent.full.value
        if extent not in tuple(Extent):
            print(f"--provision {spec}: the extent after ':' must be full or partial", file=sys.stderr)
            return EXIT_USAGE
        old = findings.get(pid)
        findings[pid] = Finding(
            provision=pid, extent=extent, note=old.note if old else None, source=old.source if old else None
        )
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
            judgment = Judgment(
                status=args.status,
                reason=reason,
                source=source,
                hook=args.hook if args.status == JudgmentStatus.reserved else None,
            )
        except ValueError as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_USAGE
    try:
        st.save_assessment(
            user,
            args.country,
            args.element,
            findings=list(findings.values()),
            judgment=judgment,
            note=note,
            expected_version=args.version,
            source=AuditSource.cli,
        )
    except WRITE_REFUSALS as exc:
        return report_refused_write(exc)
    data = finding_json(args.root, st, args.country, args.element)
    print(
        json.dumps(data, ensure_ascii=False, indent=2)
        if args.json
        else f"saved: {data['element']} is now version {data['version']} ({data['status']})"
    )
    return EXIT_OK


def _user_line(user: User) -> str:
    return (
        f"{user.name} ({user.role}"
        + (f", may edit {', '.join(sorted(user.countries))}" if user.countries else "")
        + (", disabled" if user.disabled else "")
        + ")"
    )


def _cmd_user(args: argparse.Namespace) -> int:
    st, _ = store_and_user(args, None)
    if args.user_command == "list":
        users = st.users(SYSTEM)
        if args.json:
            print(
                json.dumps(
                    [
                        {"name": u.name, "role": u.role.value, "countries": sorted(u.countries), "disabled": u.disabled}
                        for u in users
                    ],
                    ensure_ascii=False,
                )
            )
        else:
            for u in users:
                print(_user_line(u))
        return EXIT_OK
    try:
        if args.user_command == "add":
            password = args.password if args.password is not None else sys.stdin.readline().rstrip("\n")
            user = st.add_user(SYSTEM, args.name, args.role, password, args.countries.split(","))
            print(f"added {_user_line(user)}")
        elif args.user_command == "set":
            countries = None if args.countries is None else args.countries.split(",")
            user = st.update_user(SYSTEM, args.name, role=args.role, countries=countries, password=args.password)
            print(
                f"changed {_user_line(user)}"
                + ("; password reset, their sessions ended" if args.password is not None else "")
            )
        else:
            user = st.set_disabled(SYSTEM, args.name, args.user_command == "disable")
            print(f"{args.user_command}d {_user_line(user)}" + ("; their sessions ended" if user.disabled else ""))
    except KeyError as exc:
        print(exc.args[0], file=sys.stderr)
        return EXIT_USAGE
    except (ValidationFailed, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def _cmd_review(args: argparse.Namespace) -> int:
    try:
        st, user = store_and_user(args, args.user)
        before = st.review_state(args.country)
    except KeyError as exc:
        print(exc.args[0], file=sys.stderr)
        return EXIT_USAGE
    assert user is not None
    step = {"submit": st.submit_for_review, "approve": st.approve, "return": st.send_back}[args.action]
    try:
        step(user, args.country, source=AuditSource.cli, comment=args.comment)
    except PermissionDenied as exc:
        return report_refused_write(exc)
    except ValidationFailed as exc:  # the country is not in the state this step starts from
        print(f"stale state: {exc}; nothing was written", file=sys.stderr)
        return EXIT_STALE
    state = st.review_state(args.country)
    if args.json:
        print(
            json.dumps(
                {"country": args.country.upper(), "review_state": state, "previous_state": before, "user": user.name}
            )
        )
    else:
        print(f"{args.country.upper()}: {before} -> {state}")
    return EXIT_OK


def _cmd_dump(args: argparse.Namespace) -> int:
    st, _ = store_and_user(args, None)
    countries = st.working_countries(SYSTEM)
    country = countries.get(args.country.upper())
    if country is None:
        print(
            f"no country {args.country.upper()} in the database; known: {', '.join(sorted(countries))}", file=sys.stderr
        )
        return EXIT_USAGE
    if args.out:  # into an existing file: its comments, key order and quoting stay; never half-written
        data = country.model_dump(mode="python", exclude_none=True)
        rewrite(
            args.out, lambda document: data if document is None else merge(document, data), header=_dump_header(country)
        )
        print(f"wrote {args.out}")
    else:
        sys.stdout.write(country_yaml(country))
    return EXIT_OK


def _dump_header(country: Country) -> str:
    return f"# {country.name}: written by 'python -m assessment dump {country.iso3}'. Format: docs/data-format.md\n"


def country_yaml(country: Country) -> str:
    return _dump_header(country) + dump_yaml(country.model_dump(mode="python", exclude_none=True))


def _cmd_export(args: argparse.Namespace) -> int:
    from .excel import cmd_export  # XlsxWriter is loaded only when a workbook is asked for

    return cmd_export(args)


def _cmd_brief(args: argparse.Namespace) -> int:
    from ..brief import NoFontError, brief_docx, brief_pdf, country_brief

    out = Path(args.out)
    if out.suffix.lower() not in (".pdf", ".docx"):
        print(f"--out must end in .pdf or .docx: {args.out}", file=sys.stderr)
        return EXIT_USAGE
    ws = service.load_workspace(args.root, user=None if args.published else SYSTEM)
    as_of = args.as_of or dt.date.today()
    try:
        b = country_brief(ws.catalog, ws.engine, args.country, args.treaty, as_of, args.lang)
    except KeyError as exc:
        print(exc.args[0], file=sys.stderr)
        return EXIT_USAGE
    try:
        data = brief_pdf(b) if out.suffix.lower() == ".pdf" else brief_docx(b)
    except NoFontError as exc:
        print(f"{exc} (python -m assessment brief ... --out brief.docx)", file=sys.stderr)
        return EXIT_INVALID
    try:
        out.write_bytes(data)
    except OSError as exc:
        print(f"cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {args.out} ({b.iso3}; {b.treaty} as of {as_of.isoformat()}; {args.lang})")
    return EXIT_OK


def _cmd_import(args: argparse.Namespace) -> int:
    from .excel import cmd_import

    return cmd_import(args)


STORE_COMMANDS = {
    "score": _cmd_score,
    "precedents": _cmd_precedents,
    "finding": _cmd_finding,
    "set": _cmd_set,
    "user": _cmd_user,
    "dump": _cmd_dump,
    "export": _cmd_export,
    "import": _cmd_import,
    "review": _cmd_review,
    "brief": _cmd_brief,
}
