"""The change watch on hostile statute files (issue 18, item 5): every failure is a located error (file:line:
reason) under `errors`, never a traceback; matching is linear; files are capped in size; nothing outside the texts
folder is read; duplicate front-matter keys are refused.

The files are built here: each is a valid invented statute with one thing wrong.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_lawtext import _project_with, run_cli

from assessment.lawtext import LawTextError, check_country, find_statute_file, parse_statute
from assessment.lawtext.parse import MAX_FILE_BYTES
from assessment.lawtext.watch import law_changes
from assessment.models import Country, LawVersion, Lifecycle, Provision, Source, StatuteText

FRONT = "---\n제목: {title}\n공포일자: {day}\n공포번호: '{number}'\n시행일자: 2026-01-01\n{extra}---\n"
BODY = "\n##### 제1조 (목적)\n\n이 법은 시험을 위한 가상의 규정을 둔다.\n{tail}"


def statute_text(
    title: str = "가법", day: str = "2026-01-01", number: str = "1", extra: str = "", tail: str = ""
) -> str:
    return FRONT.format(title=title, day=day, number=number, extra=extra) + BODY.format(tail=tail)


ADDENDUM = "\n부칙 <제1호,2026.1.1>\n\n이 법은 공포 후 {n}{unit}이 경과한 날부터 시행한다.\n"

# name: (file text, line of the error, words in its reason)
HOSTILE = {
    "impossible date": (statute_text(day="2026-02-30"), 3, "공포일자 is not a date that exists"),
    "5,000-digit number": (statute_text(number="9" * 5000), 4, "공포번호 must be a number of at most 10 digits"),
    "5,000-digit plain number": (
        statute_text().replace("공포번호: '1'", "공포번호: " + "9" * 5000),
        4,
        "공포번호 must be a number",
    ),
    "5,000-digit number elsewhere": (
        statute_text(extra="법령MST: " + "9" * 5000 + "\n밀도: 1e99999\n", tail="##### 제" + "9" * 5000 + "조\n"),
        None,
        None,
    ),  # read as text: no field of ours is a number
    "5,000-deep nesting": (
        statute_text(extra="첨부파일: " + "[" * 5000 + "]" * 5000 + "\n"),
        6,
        "nested more than 8 levels",
    ),
    "100-deep block nesting": (
        statute_text(extra="".join("  " * i + f"k{i}:\n" for i in range(100))),
        14,
        "nested more than 8 levels",
    ),
    "300-deep block nesting (90 kB)": (
        statute_text(extra="".join("  " * i + f"k{i}:\n" for i in range(300))),
        2,
        "longer than 64 kB",
    ),
    "huge month count": (statute_text(tail=ADDENDUM.format(n="9" * 30, unit="개월")), 12, "commencement period"),
    "5,000-digit day count": (statute_text(tail=ADDENDUM.format(n="9" * 5000, unit="일")), 12, "commencement period"),
    "period past year 9999": (
        statute_text(tail=ADDENDUM.format(n="99", unit="년").replace("2026.1.1", "9950.1.1")),
        12,
        "commencement period",
    ),
    "impossible commencement date": (
        statute_text(tail="\n부칙 <제1호,2026.1.1>\n\n이 법은 2026년 2월 30일부터 시행한다.\n"),
        12,
        "does not exist",
    ),
    "impossible tag date": (
        statute_text(tail="\n<개정 2026.2.30>\n"),
        12,
        "amendment tag date 2026.2.30 does not exist",
    ),
    "duplicate key": (statute_text(extra="공포번호: '2'\n"), 6, "공포번호 appears twice (first at line 4)"),
    "duplicate nested key": (statute_text(extra="기타:\n  a: 1\n  a: 2\n"), 8, "a appears twice"),
    "alias": (statute_text(extra="a: &x [1, 2]\nb: *x\n"), 6, "anchors and aliases"),
    "title as a list": (statute_text(title="[가, 나]"), 2, "제목 (title) must be a single value"),
}


def provision(pid: str, title: str) -> Provision:
    return Provision(
        id=pid,
        statute="Test Act",
        article="제1조",
        summary="Invented.",
        lifecycle=Lifecycle(in_force=dt.date(2020, 1, 1)),
        source="lawgo",
        text=StatuteText(
            title=title,
            article="제1조",
            heading="목적",
            version=LawVersion(number="1", promulgated=dt.date(2026, 1, 1)),
        ),
    )


def country(*titles: str) -> Country:
    return Country(
        iso3="AAA",
        name="Testland",
        researched=dt.date(2026, 1, 5),
        sources=[Source(id="lawgo", title="Test Act", url="https://www.law.go.kr/법령/가법", kind="official")],
        provisions=[provision(f"aaa.h.{i}", title) for i, title in enumerate(titles)],
    )


def texts_with(folder: Path, files: dict[str, str]) -> Path:
    for title, text in files.items():
        path = folder / "kr" / title / "법률.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_file_is_a_located_error_not_a_crash(name: str, tmp_path: Path) -> None:
    text, line, reason = HOSTILE[name]
    folder = texts_with(tmp_path / "texts", {"가법": text, "나법": statute_text("나법")})
    path = folder / "kr" / "가법" / "법률.md"
    if reason is None:  # harmless: read, and nothing changed
        assert parse_statute(path).version.number == "1"
        assert check_country(country("가법", "나법"), folder).to_json()["errors"] == []
        return
    with pytest.raises(LawTextError) as caught:
        parse_statute(path)
    assert (caught.value.line, reason in caught.value.reason) == (line, True), str(caught.value)
    assert str(caught.value).startswith(f"{path}:{line}: ")
    report = check_country(country("가법", "나법"), folder)  # what the Review and Edit pages run
    assert report.errors == [{"file": str(path), "line": line, "reason": caught.value.reason}]
    assert report.checked == 1 and report.unreadable  # 나법 is still checked
    assert law_changes(country("가법", "나법"), folder) == {}


def test_the_cli_lists_hostile_files_under_errors_and_exits_3(tmp_path: Path) -> None:
    folder = texts_with(
        tmp_path / "texts", {"가법": HOSTILE["impossible date"][0], "나법": HOSTILE["5,000-deep nesting"][0]}
    )
    root = _project_with(tmp_path, country("가법", "나법"))
    result = run_cli(root, "lawtext", "check", "AAA", "--texts", str(folder), "--json")
    assert result.returncode == 3, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    errors = json.loads(result.stdout)["errors"]
    assert [(Path(e["file"]).parent.name, e["line"]) for e in errors] == [("가법", 3), ("나법", 6)]
    plain = run_cli(root, "lawtext", "check", "AAA", "--texts", str(folder))
    assert (
        plain.returncode == 3
        and f"unreadable: {folder / 'kr' / '가법' / '법률.md'}:3: front matter: 공포일자" in plain.stdout
    )


LINEAR_PROBE = """
import sys
from pathlib import Path
from assessment.lawtext import parse_statute
statute = parse_statute(Path(sys.argv[1]))
print(sorted(statute.articles))
"""


def test_heading_matching_is_linear_on_a_long_line(tmp_path: Path) -> None:
    """A 200,000-character heading line with a long run of spaces: the old pattern backtracked over the run from
    every position (80,000 characters took 105 s); now the file parses at once. The child is killed after 60 s,
    a bound about a thousand times what the linear parse needs, so only a quadratic parse can reach it."""
    line = "##### 제2조 가" + " " * 200_000 + "나\n"
    path = tmp_path / "long.md"
    path.write_text(statute_text(tail=line + "\n" + line.replace("제2조", "제3조 (긴 제목") + ")\n"), encoding="utf-8")
    try:
        done = subprocess.run(
            [sys.executable, "-c", LINEAR_PROBE, str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=Path(__file__).parents[1],
        )
    except subprocess.TimeoutExpired:
        pytest.fail("parsing a 200,000-character heading line did not finish in 60 s: the heading pattern backtracks")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['제1조', '제2조', '제3조']"


def test_a_file_over_20_mb_is_refused_with_its_size(tmp_path: Path) -> None:
    folder = tmp_path / "texts"
    path = folder / "kr" / "가법" / "법률.md"
    path.parent.mkdir(parents=True)
    with path.open("wb") as handle:
        handle.write(statute_text().encode())
        handle.truncate(25_000_000)  # sparse: nothing is read
    report = check_country(country("가법"), folder)
    assert report.errors == [
        {"file": str(path), "line": None, "reason": "is 25.0 MB; a statute file may be at most 20 MB"}
    ]
    assert MAX_FILE_BYTES == 20_000_000


def test_a_symbolic_link_out_of_the_texts_folder_is_never_followed(tmp_path: Path) -> None:
    outside = texts_with(tmp_path / "outside", {"가법": statute_text(), "나법": statute_text("나법")})
    folder = tmp_path / "texts"
    (folder / "kr" / "가법").mkdir(parents=True)
    os.symlink(outside / "kr" / "가법" / "법률.md", folder / "kr" / "가법" / "법률.md")  # the file is a link out
    os.symlink(outside / "kr" / "나법", folder / "kr" / "나법")  # the folder is a link out
    report = check_country(country("가법", "나법"), folder)
    assert report.checked == 0
    assert sorted((Path(e["file"]).parent.name, e["reason"]) for e in report.errors) == [
        ("가법", "a symbolic link leads out of the texts folder: refused"),
        ("나법", "a symbolic link leads out of the texts folder: refused"),
    ]


def test_a_symbolic_link_inside_the_texts_folder_is_read(tmp_path: Path) -> None:
    folder = texts_with(tmp_path / "texts", {"가법": statute_text()})
    os.symlink(folder / "kr" / "가법", folder / "kr" / "다법")
    assert find_statute_file(folder, "다법") == (folder / "kr" / "가법" / "법률.md").resolve()
    assert check_country(country("다법"), folder).checked == 1


@pytest.mark.parametrize("title", ["../outside", "..", "가법/../../outside", "..\\outside", "가\n법"])
def test_a_title_that_is_not_a_folder_name_is_refused(title: str, tmp_path: Path) -> None:
    texts_with(
        tmp_path, {"outside": statute_text()}
    )  # tmp/kr/outside/법률.md exists: ../outside from texts would reach it
    folder = tmp_path / "texts"
    (folder / "kr").mkdir(parents=True)
    with pytest.raises(LawTextError, match="not a plain folder name"):
        find_statute_file(folder, title)
    report = check_country(country(title), folder)
    assert report.checked == 0 and "not a plain folder name" in report.errors[0]["reason"]


def test_a_fifo_is_not_opened_for_reading(tmp_path: Path) -> None:
    path = tmp_path / "kr" / "가법" / "법률.md"
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    report = check_country(country("가법"), tmp_path)  # would block forever if the FIFO were read
    assert report.errors[0]["reason"] == "not a regular file"
