"""The CLI as scripts use it: real subprocesses, the stable JSON shapes of DESIGN.md, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from assessment.catalog import PROJECT_ROOT

MINI = Path(__file__).parent / "data" / "mini"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assessment", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)


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


def test_score_json_shape_on_test_catalog() -> None:
    result = run("--root", str(MINI), "score", "AAA", "--treaty", "tst1", "--as-of", "2025-08-21", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"country", "treaty", "as_of", "with_bills", "score", "coverage", "critical_gaps", "obligations"} <= data.keys()
    assert data["as_of"] == "2025-08-21" and data["with_bills"] is False
    art3 = next(o for o in data["obligations"] if o["id"] == "tst1.art3")
    assert {"id", "article", "status", "score", "elements"} <= art3.keys()
    e1 = next(e for e in art3["elements"] if e["id"] == "tst1.art3.e1")
    assert e1 == {"id": "tst1.art3.e1", "status": "missing", "provisions": [], "bills": ["aaa.cpa.bill"]}
    e2 = next(e for o in data["obligations"] if o["id"] == "tst1.art2" for e in o["elements"] if e["id"] == "tst1.art2.e1")
    assert e2["provisions"] == ["Criminal Code, Art. 10"]
    assert data["critical_gaps"] == ["tst1.art3"]


def test_score_rejects_bad_date_and_unknown_country() -> None:
    bad_date = run("score", "KOR", "--treaty", "ets185", "--as-of", "2025-13-01", "--json")
    assert bad_date.returncode == 2 and "not a date" in bad_date.stderr
    unknown = run("--root", str(MINI), "score", "ZZZ", "--treaty", "tst1", "--json")
    assert unknown.returncode == 2 and "no assessment data for 'ZZZ'" in unknown.stderr
