"""Each documented CLI option has its documented effect (issue 22, item 7): run as a person would, in a
subprocess, on the shipped data in a throwaway database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('cli-options') / 'cli.sqlite'}"


def run(db: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSESSMENT_DATABASE_URL": db}
    return subprocess.run(
        [sys.executable, "-m", "assessment", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=180
    )


def test_export_lang_ko_writes_korean_sheets_that_name_japan_in_korean(db: str, tmp_path: Path) -> None:
    out = tmp_path / "ko.xlsx"
    result = run(db, "export", "KOR", "JPN", "--treaty", "ets185", "--lang", "ko", "--out", str(out))
    assert result.returncode == 0, result.stderr
    wb = openpyxl.load_workbook(out, read_only=True)
    assert "요약" in wb.sheetnames or any("요약" in n for n in wb.sheetnames), wb.sheetnames
    summary = [r for r in wb[wb.sheetnames[1]].iter_rows(values_only=True)]
    assert any(r[0] == "JPN" and r[1] == "일본" for r in summary)
    english = tmp_path / "en.xlsx"
    assert run(db, "export", "KOR", "JPN", "--treaty", "ets185", "--out", str(english)).returncode == 0
    assert "Summary" in openpyxl.load_workbook(english, read_only=True).sheetnames  # English stays the default


def test_export_as_of_sets_the_reports_date(db: str, tmp_path: Path) -> None:
    out = tmp_path / "then.xlsx"
    assert run(db, "export", "KOR", "--treaty", "ets185", "--as-of", "2025-08-21", "--out", str(out)).returncode == 0
    readme = list(openpyxl.load_workbook(out, read_only=True)["README"].iter_rows(values_only=True))
    assert any(r[0] == "As of" and str(r[1]).startswith("2025-08-21") for r in readme)


def test_precedents_options(db: str) -> None:
    one = run(db, "precedents", "KOR", "--treaty", "ets185", "--element", "ets185.art29.e1", "--json")
    assert one.returncode == 0, one.stderr
    report = json.loads(one.stdout)
    assert [e["id"] for e in report["elements"]] == ["ets185.art29.e1"]
    verified = [p for p in report["elements"][0]["precedents"] if p["verified"]]
    assert len(verified) >= 2  # the done-when
    gaps = json.loads(run(db, "precedents", "KOR", "--treaty", "ets185", "--gaps", "--json").stdout)
    default = json.loads(run(db, "precedents", "KOR", "--treaty", "ets185", "--json").stdout)
    assert gaps["elements"] == default["elements"] and len(gaps["elements"]) > 1  # --gaps is the default
    then = json.loads(run(db, "precedents", "KOR", "--treaty", "ets185", "--as-of", "2025-08-21", "--json").stdout)
    assert then["as_of"] == "2025-08-21" and "ets185.art16.e1" in [e["id"] for e in then["elements"]]  # a gap then
    korean = json.loads(
        run(
            db, "precedents", "KOR", "--treaty", "ets185", "--element", "ets185.art29.e1", "--lang", "ko", "--json"
        ).stdout
    )
    assert "일본" in {p["name"] for p in korean["elements"][0]["precedents"]}
    text = run(db, "precedents", "KOR", "--treaty", "ets185", "--element", "ets185.art29.e1")
    assert text.returncode == 0 and "ets185.art29.e1" in text.stdout and not text.stdout.startswith("{")
    assert "Art. 8, in force since" in text.stdout  # a numbered article reads as one
    assert "Sch. 1 para. 11, in force" in text.stdout and "Art. Sch." not in text.stdout  # a schedule names itself
    assert run(db, "precedents", "KOR", "--treaty", "ets185", "--element", "ets185.art99.e1").returncode == 2
    assert run(db, "precedents", "ZZZ", "--treaty", "ets185").returncode == 2


def test_score_with_bills_and_published(db: str) -> None:
    plain = json.loads(run(db, "score", "KOR", "--treaty", "ets185", "--as-of", "2025-08-21", "--json").stdout)
    bills = json.loads(
        run(db, "score", "KOR", "--treaty", "ets185", "--as-of", "2025-08-21", "--with-bills", "--json").stdout
    )
    assert bills["with_bills"] is True and plain["with_bills"] is False and bills["score"] >= plain["score"]
    published = run(db, "score", "KOR", "--treaty", "ets185", "--published", "--json")
    assert published.returncode == 0 and json.loads(published.stdout)["country"] == "KOR"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_brief_lang_and_suffix(db: str, tmp_path: Path, lang: str) -> None:
    from docx import Document

    out = tmp_path / f"brief-{lang}.docx"
    assert run(db, "brief", "KOR", "--treaty", "ets185", "--lang", lang, "--out", str(out)).returncode == 0
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert ("What changed" in text) if lang == "en" else ("변경 내용" in text)
    assert run(db, "brief", "KOR", "--treaty", "ets185", "--out", str(tmp_path / "brief.txt")).returncode == 2
