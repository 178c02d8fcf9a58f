"""The CLI as scripts use it: real subprocesses, the stable JSON shapes of DESIGN.md, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assessment.catalog import PROJECT_ROOT

MINI = Path(__file__).parent / "data" / "mini"


def run(*args: str, db: str | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if db is not None:
        env["ASSESSMENT_DATABASE_URL"] = db
    return subprocess.run(
        [sys.executable, "-m", "assessment", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        input=stdin,
    )


@pytest.fixture
def mini_db(tmp_path: Path) -> str:
    """A database of its own for commands run on the small test catalog."""
    return f"sqlite:///{tmp_path / 'cli.sqlite'}"


def test_validate_passes_on_shipped_data() -> None:
    result = run("validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK:")


def test_validate_fails_with_located_messages(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "broken"
    shutil.copytree(MINI, root)
    country = root / "data/countries/AAA.yaml"
    country.write_text(country.read_text().replace("element: tst1.art4.1a.e1", "element: tst1.art9.e1"))
    result = run("--root", str(root), "validate")
    assert result.returncode == 1
    assert "data/countries/AAA.yaml:" in result.stderr
    assert "assessments[5].element: unknown element tst1.art9.e1" in result.stderr


def test_treaty_json_shape() -> None:
    result = run("treaty", "ets185", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    obligation = next(o for o in data["obligations"] if o["id"] == "ets185.art16")
    assert {"id", "article", "title", "kind", "reservations", "declarations", "elements"} <= obligation.keys()
    assert obligation["article"] == "16" and obligation["kind"] == "empower"
    assert all(e["id"].startswith("ets185.art16.e") for e in obligation["elements"])


def test_score_json_shape_on_test_catalog(mini_db: str) -> None:
    result = run("--root", str(MINI), "score", "AAA", "--treaty", "tst1", "--as-of", "2025-08-21", "--json", db=mini_db)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {
        "country",
        "treaty",
        "as_of",
        "with_bills",
        "score",
        "coverage",
        "critical_gaps",
        "obligations",
    } <= data.keys()
    assert data["as_of"] == "2025-08-21" and data["with_bills"] is False
    art3 = next(o for o in data["obligations"] if o["id"] == "tst1.art3")
    assert {"id", "article", "status", "score", "elements"} <= art3.keys()
    e1 = next(e for e in art3["elements"] if e["id"] == "tst1.art3.e1")
    assert e1 == {
        "id": "tst1.art3.e1",
        "status": "missing",
        "provisions": [],
        "bills": ["aaa.cpa.bill"],
        "verified": False,
        "derived_from": [],
        "needs_own_assessment": False,
    }
    e2 = next(
        e for o in data["obligations"] if o["id"] == "tst1.art2" for e in o["elements"] if e["id"] == "tst1.art2.e1"
    )
    assert e2["provisions"] == ["Criminal Code, Art. 10"]
    assert data["critical_gaps"] == ["tst1.art3"]


def test_score_rejects_bad_date_and_unknown_country(mini_db: str) -> None:
    bad_date = run("score", "KOR", "--treaty", "ets185", "--as-of", "2025-13-01", "--json")
    assert bad_date.returncode == 2 and "not a date" in bad_date.stderr
    unknown = run("--root", str(MINI), "score", "ZZZ", "--treaty", "tst1", "--json", db=mini_db)
    assert unknown.returncode == 2 and "no assessment data for 'ZZZ'" in unknown.stderr


def test_finding_set_and_the_exit_codes(mini_db: str) -> None:
    m = ("--root", str(MINI))
    assert (
        run(
            *m, "user", "add", "ed", "--role", "editor", "--countries", "AAA", db=mini_db, stdin="password-long-1\n"
        ).returncode
        == 0
    )
    assert (
        run(*m, "user", "add", "aide", "--role", "viewer", "--password", "password-long-1", db=mini_db).returncode == 0
    )
    record = json.loads(run(*m, "finding", "AAA", "tst1.art3.e1", "--json", db=mini_db).stdout)
    assert {
        "country",
        "element",
        "status",
        "note",
        "provisions",
        "bills",
        "version",
        "updated_by",
        "updated_at",
        "history",
    } <= record.keys()
    assert record["version"] == 1 and record["provisions"] == ["aaa.cpa.bill:full", "aaa.cpa.old-bill:partial"]

    saved = run(
        *m,
        "set",
        "AAA",
        "tst1.art3.e1",
        "--provision",
        "aaa.cc.10:partial",
        "--note",
        "checked",
        "--version",
        "1",
        "--user",
        "ed",
        "--json",
        db=mini_db,
    )
    assert saved.returncode == 0, saved.stderr
    after = json.loads(saved.stdout)
    assert after["version"] == 2 and after["updated_by"] == "ed" and "aaa.cc.10:partial" in after["provisions"]
    assert {(h["field"], h["source"]) for h in after["history"]} == {("findings", "cli"), ("note", "cli")}

    stale = run(*m, "set", "AAA", "tst1.art3.e1", "--note", "late", "--version", "1", "--user", "ed", db=mini_db)
    assert stale.returncode == 3
    assert "changed by ed at" in stale.stderr and "nothing was written" in stale.stderr
    denied = run(*m, "set", "AAA", "tst1.art3.e1", "--note", "x", "--version", "2", "--user", "aide", db=mini_db)
    assert denied.returncode == 4 and "may not edit AAA" in denied.stderr
    unsourced = run(
        *m,
        "set",
        "AAA",
        "tst1.art3.e1",
        "--status",
        "missing",
        "--note",
        "no power",
        "--version",
        "2",
        "--user",
        "ed",
        db=mini_db,
    )
    assert unsourced.returncode == 1 and "must cite a source" in unsourced.stderr
    assert json.loads(run(*m, "finding", "AAA", "tst1.art3.e1", "--json", db=mini_db).stdout)["version"] == 2


def test_dump_round_trips_through_the_yaml_format(mini_db: str, tmp_path: Path) -> None:
    import yaml

    from assessment.catalog import load_catalog
    from assessment.models import Country
    from assessment.yamlio import DocumentLoader

    out = tmp_path / "AAA.yaml"
    result = run("--root", str(MINI), "dump", "AAA", "--out", str(out), db=mini_db)
    assert result.returncode == 0, result.stderr
    dumped = Country.model_validate(yaml.load(out.read_text(), Loader=DocumentLoader))
    assert dumped == load_catalog(MINI).countries["AAA"]


def test_export_then_import_through_the_command_line(tmp_path: Path) -> None:
    """A policy officer's loop: export a gap report, edit one status offline, preview, apply."""
    import openpyxl

    db = f"sqlite:///{tmp_path / 'excel.sqlite'}"
    out = tmp_path / "kor.xlsx"
    assert (
        run(
            "user", "add", "officer", "--role", "editor", "--countries", "KOR", "--password", "password-long-1", db=db
        ).returncode
        == 0
    )
    exported = run("export", "KOR", "--treaty", "ets185", "--out", str(out), db=db)
    assert exported.returncode == 0, exported.stderr
    untouched = json.loads(run("import", str(out), "--json", db=db).stdout)
    assert untouched == {"changes": [], "conflicts": [], "errors": []}

    wb = openpyxl.load_workbook(out)
    sheet = wb["Assessment"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "ets185.art16.e8")
    row[header.index("Status")].value = "unknown"
    row[header.index("Judgment reason")].value = "Confidentiality duty not found in the enacted text."
    wb.save(out)

    preview = run("import", str(out), "--json", db=db)
    plan = json.loads(preview.stdout)
    assert [(c["country"], c["element"]) for c in plan["changes"]] == [("KOR", "ets185.art16.e8")]
    before = json.loads(run("finding", "KOR", "ets185.art16.e8", "--json", db=db).stdout)
    applied = run("import", str(out), "--apply", "--user", "officer", db=db)
    assert applied.returncode == 0, applied.stderr
    after = json.loads(run("finding", "KOR", "ets185.art16.e8", "--json", db=db).stdout)
    assert after["version"] == before["version"] + 1 and after["judgment"]["status"] == "unknown"
    assert {h["source"] for h in after["history"]} == {"excel"}
    again = json.loads(run("import", str(out), "--json", db=db).stdout)  # the same file again changes nothing
    assert again == {"changes": [], "conflicts": [], "errors": []}

    row[header.index("Judgment reason")].value = "A different reason, typed on the old copy."
    wb.save(out)  # this copy still says the version it was exported at: the database has moved on
    stale = run("import", str(out), "--apply", "--user", "officer", "--json", db=db)
    assert stale.returncode == 1
    assert [c["element"] for c in json.loads(stale.stdout)["conflicts"]] == ["ets185.art16.e8"]
    assert json.loads(run("finding", "KOR", "ets185.art16.e8", "--json", db=db).stdout)["version"] == after["version"]


def _add_editor_ed(db: str) -> None:
    """The mini catalogue's editor "ed", who may edit AAA, added through the CLI."""
    added = run(
        "--root",
        str(MINI),
        "user",
        "add",
        "ed",
        "--role",
        "editor",
        "--countries",
        "AAA",
        "--password",
        "password-long-1",
        db=db,
    )
    assert added.returncode == 0, added.stderr


def test_review_steps_with_exit_codes(mini_db: str) -> None:
    m = ("--root", str(MINI))
    _add_editor_ed(mini_db)
    stale = run(
        *m, "review", "submit", "AAA", "--user", "ed", db=mini_db
    )  # AAA is approved as seeded: nothing to submit
    assert stale.returncode == 3 and "needs it to be draft" in stale.stderr
    denied = run(*m, "review", "approve", "AAA", "--user", "ed", "--json", db=mini_db)
    assert denied.returncode == 4 and "may not approve" in denied.stderr
    unknown = run(*m, "review", "return", "AAA", "--user", "ghost", db=mini_db)
    assert unknown.returncode == 2 and "no user named 'ghost'" in unknown.stderr and "Traceback" not in unknown.stderr


def test_user_set_disable_enable_list_and_refusals(mini_db: str, tmp_path: Path) -> None:
    m = ("--root", str(MINI))
    _add_editor_ed(mini_db)
    listed = json.loads(run(*m, "user", "list", "--json", db=mini_db).stdout)
    assert listed == [{"name": "ed", "role": "editor", "countries": ["AAA"], "disabled": False}]

    changed = run(
        *m, "user", "set", "ed", "--role", "reviewer", "--countries", "", "--password", "another-long-pw", db=mini_db
    )
    assert changed.returncode == 0, changed.stderr
    assert "changed ed (reviewer)" in changed.stdout and "password reset" in changed.stdout
    assert json.loads(run(*m, "user", "list", "--json", db=mini_db).stdout)[0] == {
        "name": "ed",
        "role": "reviewer",
        "countries": [],
        "disabled": False,
    }
    short = run(*m, "user", "set", "ed", "--password", "short", db=mini_db)
    assert short.returncode == 2 and "at least 12 characters" in short.stderr
    unknown_country = run(*m, "user", "set", "ed", "--countries", "ZZZ", db=mini_db)
    assert unknown_country.returncode == 2 and "'ZZZ'" in unknown_country.stderr
    ghost = run(*m, "user", "disable", "ghost", db=mini_db)
    assert ghost.returncode == 2 and "no user named 'ghost'" in ghost.stderr

    disabled = run(*m, "user", "disable", "ed", db=mini_db)
    assert disabled.returncode == 0 and "disabled ed (reviewer, disabled)" in disabled.stdout
    assert "ed (reviewer, disabled)" in run(*m, "user", "list", db=mini_db).stdout
    # every command that takes --user refuses a disabled account with exit 4, and writes nothing
    refused = [
        run(*m, "set", "AAA", "tst1.art3.e1", "--note", "x", "--version", "1", "--user", "ed", db=mini_db),
        run(*m, "review", "return", "AAA", "--user", "ed", db=mini_db),
        run(*m, "import", str(tmp_path / "missing.xlsx"), "--apply", "--user", "ed", db=mini_db),
    ]
    for result in refused:
        assert result.returncode == 4, result.stderr
        assert "ed is disabled" in result.stderr and "Traceback" not in result.stderr
    assert json.loads(run(*m, "finding", "AAA", "tst1.art3.e1", "--json", db=mini_db).stdout)["version"] == 1

    enabled = run(*m, "user", "enable", "ed", db=mini_db)
    assert enabled.returncode == 0 and "enabled ed (reviewer)" in enabled.stdout
    saved = run(
        *m, "set", "AAA", "tst1.art3.e1", "--note", "back at work", "--version", "1", "--user", "ed", db=mini_db
    )
    assert saved.returncode == 0, saved.stderr
