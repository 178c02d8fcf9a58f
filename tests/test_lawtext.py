"""The change watch on consolidated statutes: parsing the layout, checking pinned provisions, pinning hashes.

The statutes under tests/data/lawtext/ are invented; the country pinned against them is built here, as it
stood when it was read: 시험법 in the version of Act No. 30001 (30 Dec 2025).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assessment.lawtext import LawTextError, check_country, parse_statute, pin_country
from assessment.lawtext.parse import commencement
from assessment.models import Country, LawVersion, Lifecycle, Provision, Source, StatuteText
from assessment.yamlio import dump_yaml

DATA = Path(__file__).parent / "data"
TEXTS = DATA / "lawtext"
BAD = DATA / "lawtext-bad"
OLD = LawVersion(number="30001", promulgated=dt.date(2025, 12, 30), in_force=dt.date(2026, 7, 1))


def provision(
    pid: str, title: str, article: str, heading: str | None, amended: dt.date | None, version: LawVersion = OLD
) -> Provision:
    return Provision(
        id=pid,
        statute="Test Act",
        article=article,
        summary="Invented provision for the tests.",
        lifecycle=Lifecycle(in_force=dt.date(2020, 1, 1)),
        source="lawgo",
        verified=True,
        text=StatuteText(title=title, article=article, heading=heading, version=version, amended=amended),
    )


def pinned_country(*extra: Provision) -> Country:
    return Country(
        iso3="AAA",
        name="Testland",
        researched=dt.date(2026, 1, 5),
        sources=[Source(id="lawgo", title="Test Act", url="https://www.law.go.kr/법령/시험법", kind="official")],
        provisions=[
            provision("aaa.t.1", "시험법", "제1조", "목적", None),
            provision("aaa.t.2", "시험법", "제2조", "보전요청", dt.date(2025, 12, 30)),  # amended again on 4 Aug 2026
            provision("aaa.t.3", "시험법", "제3조", "정의", dt.date(2025, 12, 30)),  # deleted on 4 Aug 2026
            provision("aaa.t.4", "시험법", "제4조", "자료제출", dt.date(2025, 12, 30)),  # moved to 제5조
            provision("aaa.t.6", "시험법", "제6조", "비밀유지", dt.date(2025, 12, 30)),
            provision("aaa.x.1", "없는법", "제1조", "목적", None),  # no file for this statute
            *extra,
        ],
    )


# ------------------------------------------------------------------------------------------------ parsing


def test_front_matter_articles_and_addenda_are_read() -> None:
    statute = parse_statute(TEXTS / "kr" / "시험법" / "법률.md")
    assert statute.title == "시험법"
    assert statute.version == LawVersion(number="30002", promulgated=dt.date(2026, 8, 4), in_force=dt.date(2026, 8, 4))
    assert list(statute.articles) == ["제1조", "제2조", "제3조", "제5조", "제6조"]
    assert statute.articles["제2조"].heading == "보전요청"
    assert statute.articles["제2조"].amended == dt.date(2026, 8, 4)  # latest of its two tags
    assert statute.articles["제1조"].amended is None
    assert statute.articles["제3조"].deleted and not statute.articles["제2조"].deleted
    assert [(a.number, a.promulgated, a.in_force) for a in statute.addenda] == [
        ("30001", dt.date(2025, 12, 30), dt.date(2026, 7, 1)),
        ("30002", dt.date(2026, 8, 4), dt.date(2026, 8, 4)),
    ]


@pytest.mark.parametrize(
    ("promulgated", "rule", "expected"),
    [
        (dt.date(2025, 12, 30), "이 법은 공포 후 6개월이 경과한 날부터 시행한다.", dt.date(2026, 7, 1)),
        (dt.date(2020, 12, 8), "이 법은 공포 후 1년이 경과한 날부터 시행한다.", dt.date(2021, 12, 9)),
        (dt.date(2024, 1, 31), "이 법은 공포 후 1개월이 경과한 날부터 시행한다.", dt.date(2024, 3, 1)),
        (dt.date(2024, 3, 1), "이 법은 공포 후 30일이 경과한 날부터 시행한다.", dt.date(2024, 4, 1)),
        (dt.date(2026, 9, 29), "이 법은 2026년 10월 2일부터 시행한다.", dt.date(2026, 10, 2)),
        (
            dt.date(2026, 8, 4),
            "이 법은 공포한 날부터 시행한다. 다만, 제3조는 2027년 1월 1일부터 시행한다.",
            dt.date(2026, 8, 4),
        ),
        (dt.date(2026, 8, 4), "이 법은 대통령령으로 정하는 날부터 시행한다.", None),
    ],
)
def test_commencement_rules(promulgated: dt.date, rule: str, expected: dt.date | None) -> None:
    assert commencement(promulgated, rule) == expected


@pytest.mark.parametrize(
    ("name", "line", "reason"),
    [
        ("머리법", 4, "front matter is not valid YAML"),
        ("제목법", 12, "article heading cannot be parsed"),
        ("인코딩법", 10, "not UTF-8"),
    ],
)
def test_malformed_files_name_file_line_and_reason(name: str, line: int, reason: str) -> None:
    path = BAD / "kr" / name / "법률.md"
    with pytest.raises(LawTextError) as caught:
        parse_statute(path)
    assert caught.value.line == line
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_missing_front_matter_field_and_utf16_are_refused(tmp_path: Path) -> None:
    no_number = tmp_path / "a.md"
    no_number.write_text("---\n제목: 가법\n공포일자: 2026-01-01\n시행일자: 2026-01-01\n---\n", encoding="utf-8")
    with pytest.raises(LawTextError, match="공포번호"):
        parse_statute(no_number)
    utf16 = tmp_path / "b.md"
    utf16.write_text("---\n제목: 가법\n---\n", encoding="utf-16")
    with pytest.raises(LawTextError, match="UTF-16"):
        parse_statute(utf16)
    unclosed = tmp_path / "c.md"
    unclosed.write_text("---\n제목: 가법\n", encoding="utf-8")
    with pytest.raises(LawTextError, match="not closed"):
        parse_statute(unclosed)


# ------------------------------------------------------------------------------------------------ checking


def test_check_reports_unchanged_amended_deleted_renumbered_and_missing_files() -> None:
    report = check_country(pinned_country(), TEXTS)
    assert report.checked == 5
    changed = {e["provision"]: e for e in report.changed}
    missing = {e["provision"]: e for e in report.missing}
    assert set(changed) == {"aaa.t.2"}  # 제1조 and 제6조 are as read, though the statute has a new version
    assert changed["aaa.t.2"]["pinned"]["amended"] == "2025-12-30"
    assert changed["aaa.t.2"]["current"] == {
        **changed["aaa.t.2"]["current"],
        "amended": "2026-08-04",
        "version": "30002",
    }
    assert "amendment tag now 2026-08-04" in changed["aaa.t.2"]["reason"]
    assert set(missing) == {"aaa.t.3", "aaa.t.4"}
    assert "deleted" in missing["aaa.t.3"]["reason"]
    assert "제5조 (renumbered?)" in missing["aaa.t.4"]["reason"]
    assert [e["provision"] for e in report.not_found] == ["aaa.x.1"]
    assert not report.clean


def test_a_heading_that_changed_is_a_change() -> None:
    renamed = provision("aaa.t.5", "시험법", "제5조", "다른제목", dt.date(2026, 8, 4))
    report = check_country(pinned_country(renamed), TEXTS)
    assert "heading now '자료제출'" in {e["provision"]: e for e in report.changed}["aaa.t.5"]["reason"]


def test_unreadable_statute_is_an_error_not_a_pass(tmp_path: Path) -> None:
    shutil.copytree(BAD, tmp_path / "texts")
    country = pinned_country(provision("aaa.b.1", "머리법", "제1조", "목적", None))
    report = check_country(country, tmp_path / "texts")
    assert report.errors and report.errors[0]["line"] == 4 and report.errors[0]["file"].endswith("머리법/법률.md")
    assert not report.clean


def test_pin_records_hashes_and_then_catches_a_change_without_a_new_tag(tmp_path: Path) -> None:
    texts = tmp_path / "texts"
    shutil.copytree(TEXTS, texts)
    result = pin_country(pinned_country(), texts)
    assert set(result.pinned) == {"aaa.t.1", "aaa.t.6"}  # the changed and missing ones are refused, not pinned over
    assert {e["provision"] for e in result.refused} == {"aaa.t.2", "aaa.t.3", "aaa.t.4"}
    hashes = {p.id: p.text.sha256 for p in result.country.provisions if p.text}
    assert hashes["aaa.t.1"] is not None and len(hashes["aaa.t.1"]) == 64 and hashes["aaa.t.2"] is None
    assert check_country(result.country, texts).changed == check_country(pinned_country(), texts).changed
    # Reformatting is not a change; a new word with no new tag is.
    path = texts / "kr" / "시험법" / "법률.md"
    path.write_text(path.read_text(encoding="utf-8").replace("이 법은 시험을", "이  법은\n시험을"), encoding="utf-8")
    assert "aaa.t.1" not in {e["provision"] for e in check_country(result.country, texts).changed}
    path.write_text(path.read_text(encoding="utf-8").replace("가상의 규정을", "새로운 규정을"), encoding="utf-8")
    reasons = {e["provision"]: e["reason"] for e in check_country(result.country, texts).changed}
    assert "wording differs" in reasons["aaa.t.1"]


def test_pin_takes_nothing_from_a_malformed_file(tmp_path: Path) -> None:
    country = pinned_country(provision("aaa.b.1", "제목법", "제1조", "목적", None))
    result = pin_country(country, BAD)
    assert "aaa.b.1" not in result.pinned and result.errors[0]["line"] == 12
    assert next(p for p in result.country.provisions if p.id == "aaa.b.1").text.sha256 is None


# ------------------------------------------------------------------------------------------------ CLI


def _project_with(tmp_path: Path, country: Country) -> Path:
    root = tmp_path / "project"
    shutil.copytree(DATA / "mini", root)
    aaa = root / "data" / "countries" / "AAA.yaml"
    original = Country.model_validate(__import__("yaml").safe_load(aaa.read_text(encoding="utf-8")))
    merged = original.model_copy(
        update={
            "sources": [*original.sources, *country.sources],
            "provisions": [*original.provisions, *country.provisions],
        }
    )
    aaa.write_text("# test\n" + dump_yaml(merged.model_dump(mode="python", exclude_none=True)), encoding="utf-8")
    return root


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assessment", "--root", str(root), *args], capture_output=True, text=True, timeout=120
    )


def test_cli_check_json_shape_and_exit_codes(tmp_path: Path) -> None:
    root = _project_with(tmp_path, pinned_country())
    result = run_cli(root, "lawtext", "check", "AAA", "--texts", str(TEXTS), "--json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert {"country", "checked", "changed", "missing", "not_found"} <= set(report)
    assert report["country"] == "AAA" and report["checked"] == 5
    assert set(report["changed"][0]) >= {"provision", "statute", "article", "pinned", "current", "reason"}
    assert {e["provision"] for e in report["missing"]} == {"aaa.t.3", "aaa.t.4"}
    assert run_cli(root, "lawtext", "check", "AAA", "--texts", str(tmp_path / "nowhere")).returncode == 2
    assert run_cli(root, "lawtext", "check", "ZZZ", "--texts", str(TEXTS)).returncode == 2
    assert run_cli(root, "lawtext", "bogus").returncode == 2


def test_cli_check_exits_0_when_nothing_changed_and_pin_writes_hashes(tmp_path: Path) -> None:
    same = Country(
        **{
            **pinned_country().model_dump(),
            "provisions": [p for p in pinned_country().provisions if p.id in {"aaa.t.1", "aaa.t.6"}],
        }
    )
    root = _project_with(tmp_path, same)
    checked = run_cli(root, "lawtext", "check", "AAA", "--texts", str(TEXTS))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "nothing changed" in checked.stdout
    pinned = run_cli(root, "lawtext", "pin", "AAA", "--texts", str(TEXTS))
    assert pinned.returncode == 0, pinned.stdout + pinned.stderr
    text = (root / "data" / "countries" / "AAA.yaml").read_text(encoding="utf-8")
    assert text.startswith("# test\n") and text.count("sha256:") == 2
    assert run_cli(root, "validate").returncode == 0


# ------------------------------------------------------------------------------------------------ the watch


def test_elements_resting_on_changed_law_are_listed_for_review() -> None:
    from assessment.lawtext.watch import elements_to_review, law_changes
    from assessment.models import ElementAssessment, Finding

    country = pinned_country().model_copy(
        update={
            "assessments": [
                ElementAssessment(element="tst1.art1.e1", findings=[Finding(provision="aaa.t.2", extent="full")]),
                ElementAssessment(element="tst1.art1.e2", findings=[Finding(provision="aaa.t.1", extent="full")]),
                ElementAssessment(element="tst1.art2.e1", findings=[Finding(provision="aaa.t.3", extent="partial")]),
            ]
        }
    )
    flagged = elements_to_review(country, law_changes(country, TEXTS))
    assert set(flagged) == {"tst1.art1.e1", "tst1.art2.e1"}
    change = flagged["tst1.art1.e1"][0]
    assert change.changed_on == dt.date(2026, 8, 4) and not change.missing
    assert change.message.startswith("The law changed on 2026-08-04 (시험법 제2조): review")
    assert flagged["tst1.art2.e1"][0].missing


def test_a_folder_named_without_the_titles_spaces_is_found(tmp_path: Path) -> None:
    from assessment.lawtext import find_statute_file

    folder = tmp_path / "kr" / "시험에관한법률"
    folder.mkdir(parents=True)
    (folder / "법률.md").write_text("x", encoding="utf-8")
    assert find_statute_file(tmp_path, "시험에 관한 법률") == folder / "법률.md"
    assert find_statute_file(tmp_path, "없는 법률") is None


def test_a_deleted_article_is_reported_with_the_date_of_its_deletion() -> None:
    from assessment.lawtext.watch import law_changes

    changes = law_changes(pinned_country(), TEXTS)
    assert changes["aaa.t.3"].missing and changes["aaa.t.3"].changed_on == dt.date(2026, 8, 4)
    assert changes["aaa.t.4"].changed_on is None  # moved away: no article left to date it
