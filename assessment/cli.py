"""`python -m assessment ...`: the command-line interface. Its commands and JSON shapes are a public interface
(see DESIGN.md, "Interfaces that must stay stable"); add fields, never rename or remove them."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from .catalog import load_catalog
from .models import Treaty
from .problems import CatalogInvalid
from .scoring import Engine

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
    p.add_argument("--json", action="store_true", help="print JSON")
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
        catalog = load_catalog(args.root)
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

    if args.command == "score":
        engine = Engine.from_catalog(catalog)
        try:
            result = engine.score_country(args.country, args.treaty, args.as_of or dt.date.today(), args.with_bills)
        except KeyError as exc:
            print(exc.args[0], file=sys.stderr)
            return EXIT_USAGE
        if args.json:
            print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        else:
            label = " (with bills)" if result.with_bills else ""
            print(f"{result.country} / {result.treaty} as of {result.as_of}{label}: score {_pct(result.score)}, coverage {_pct(result.coverage)}")
            for _, row in result.chapters.iterrows():
                print(f"  Ch. {row['number']} {row['title']}: {_pct(None if row['score'] != row['score'] else row['score'])}")
            gaps = result.gap_bills()
            print(f"Critical gaps ({len(gaps)}):")
            for gap, bills in gaps.items():
                print(f"  {gap}" + (f"  <- bills: {', '.join(bills)}" if bills else ""))
        return EXIT_OK
    return EXIT_USAGE
