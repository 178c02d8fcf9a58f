"""The change watch on a git checkout of the statute texts (issue 21): the text before and after each change,
decrees beside the Act, `--since`, the exit codes, and `lawtext update`.

Each test builds its own repository with several commits of one invented statute (시험법) and its decree:
  version 30001 (2025-12-30): 제1조-제4조 as first enacted; decree 40001 (2026-01-05): 제1조, 제2조
  version 30002 (2026-08-04): 제2조 amended (tagged), 제3조 deleted, 제4조 reworded with no new tag
  version 30003 (2026-10-01): 제5조 added (nothing pinned changes); decree 40002: 제2조 amended (tagged)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from test_lawtext import _project_with, run_cli

from assessment.lawtext import check_country, find_statute_file, parse_statute, pin_country
from assessment.models import Country, ElementAssessment, Finding, LawVersion, Lifecycle, Provision, Source, StatuteText

MINI = Path(__file__).parent / "data" / "mini"
V1 = LawVersion(number="30001", promulgated=dt.date(2025, 12, 30), in_force=dt.date(2026, 7, 1))
D1 = LawVersion(number="40001", promulgated=dt.date(2026, 1, 5), in_force=dt.date(2026, 1, 5))

ACT_V1 = {
    "제1조": "##### 제1조 (목적)\n\n이 법은 시험을 위한 가상의 규정을 둔다.",
    "제2조": "##### 제2조 (보전요청)\n\n**①** 검사는 정보를 보관하는 자에게 보전을 요청할 수 있다. <신설 2025.12.30>",
    "제3조": '##### 제3조 (정의)\n\n이 법에서 "정보"란 전자적 기록을 말한다. <신설 2025.12.30>',
    "제4조": "##### 제4조 (비밀유지)\n\n요청을 받은 자는 그 사실을 누설하여서는 아니 된다. <신설 2025.12.30>",
}
ACT_V2 = {
    **ACT_V1,
    "제2조": (
        "##### 제2조 (보전요청)\n\n**①** 검사 또는 사법경찰관은 정보를 보관하는 자에게 90일 동안 보전을 요청할 수 있다. "
        "<개정 2026.8.4>"
    ),
    "제3조": "##### 제3조\n\n삭제 <2026.8.4>",
    "제4조": "##### 제4조 (비밀유지)\n\n요청을 받은 자는 그 사실을 누구에게도 누설하여서는 아니 된다. <신설 2025.12.30>",
}
ACT_V3 = {**ACT_V2, "제5조": "##### 제5조 (보고)\n\n검사는 보전요청의 현황을 보고한다. <신설 2026.10.1>"}
DECREE_V1 = {
    "제1조": "##### 제1조 (목적)\n\n이 영은 「시험법」에서 위임된 사항을 정한다.",
    "제2조": "##### 제2조 (보전기간)\n\n보전 기간은 30일로 한다.",
}
DECREE_V2 = {**DECREE_V1, "제2조": "##### 제2조 (보전기간)\n\n보전 기간은 60일로 한다. <개정 2026.10.1>"}
ACT_ADDENDA = [
    ("30001", "2025.12.30", "이 법은 공포 후 6개월이 경과한 날부터 시행한다."),
    ("30002", "2026.8.4", "이 법은 공포한 날부터 시행한다."),
    ("30003", "2026.10.1", "이 법은 공포한 날부터 시행한다."),
]


def statute(
    title: str,
    number: str,
    promulgated: str,
    in_force: str,
    articles: dict[str, str],
    addenda: list[tuple[str, str, str]],
) -> str:
    front = (
        f"---\n제목: {title}\n법령구분: 법률\n공포일자: {promulgated}\n공포번호: '{number}'\n시행일자: {in_force}\n"
        f"상태: 시행\n첨부파일: []\n---\n\n# {title}\n\n"
    )
    body = "\n\n".join(articles.values())
    tail = "\n\n## 부칙\n\n" + "\n\n".join(f"부칙 <제{n}호,{d}>\n\n{rule}" for n, d, rule in addenda)
    return front + body + tail + "\n"


def git(cwd: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_TERMINAL_PROMPT="0")
    ident = [
        "-c",
        "user.name=Test",
        "-c",
        "user.email=test@example.org",
        "-c",
        "commit.gpgsign=false",
        "-c",
        "init.defaultBranch=main",
    ]
    done = subprocess.run(["git", *ident, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def write(repo: Path, rel: str, text: str) -> None:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


ACT, DECREE = "kr/시험법/법률.md", "kr/시험법/시행령.md"


def commit_v1(repo: Path) -> None:
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q")
    write(repo, ACT, statute("시험법", "30001", "2025-12-30", "2026-07-01", ACT_V1, ACT_ADDENDA[:1]))
    write(
        repo,
        DECREE,
        statute(
            "시험법 시행령",
            "40001",
            "2026-01-05",
            "2026-01-05",
            DECREE_V1,
            [("40001", "2026.1.5", "이 영은 공포한 날부터 시행한다.")],
        ),
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "시험법 30001, 시행령 40001")


def commit_v2_v3(repo: Path) -> None:
    write(repo, ACT, statute("시험법", "30002", "2026-08-04", "2026-08-04", ACT_V2, ACT_ADDENDA[:2]))
    git(repo, "commit", "-q", "-am", "시험법 30002")
    write(repo, ACT, statute("시험법", "30003", "2026-10-01", "2026-10-01", ACT_V3, ACT_ADDENDA))
    decree_addenda = [
        ("40001", "2026.1.5", "이 영은 공포한 날부터 시행한다."),
        ("40002", "2026.10.1", "이 영은 공포한 날부터 시행한다."),
    ]
    write(repo, DECREE, statute("시험법 시행령", "40002", "2026-10-01", "2026-10-01", DECREE_V2, decree_addenda))
    git(repo, "commit", "-q", "-am", "시험법 30003, 시행령 40002")


def provision(
    pid: str,
    title: str,
    article: str,
    heading: str | None,
    amended: dt.date | None,
    version: LawVersion = V1,
    kind: str | None = None,
) -> Provision:
    return Provision(
        id=pid,
        statute="Test Act",
        article=article,
        summary=f"Invented provision {pid}.",
        lifecycle=Lifecycle(in_force=dt.date(2020, 1, 1)),
        source="lawgo",
        verified=True,
        text=StatuteText(title=title, kind=kind, article=article, heading=heading, version=version, amended=amended),  # type: ignore[arg-type]
    )


def read_country() -> Country:
    """Testland as read in version 30001 of 시험법 and 40001 of its decree."""
    return Country(
        iso3="AAA",
        name="Testland",
        researched=dt.date(2026, 1, 10),
        sources=[Source(id="lawgo", title="Test Act", url="https://www.law.go.kr/법령/시험법", kind="official")],
        provisions=[
            provision("aaa.t.1", "시험법", "제1조", "목적", None),  # unchanged
            provision("aaa.t.2", "시험법", "제2조", "보전요청", dt.date(2025, 12, 30)),  # tagged amendment
            provision("aaa.t.3", "시험법", "제3조", "정의", dt.date(2025, 12, 30)),  # deleted
            provision(
                "aaa.t.4", "시험법", "제4조", "비밀유지", dt.date(2025, 12, 30)
            ),  # reworded, no new tag (hash pinned below)
            provision("aaa.d.1", "시험법 시행령", "제1조", "목적", None, D1, kind="decree"),  # decree, unchanged
            provision(
                "aaa.d.2", "시험법 시행령", "제2조", "보전기간", None, D1
            ),  # decree (kind read from the title), tagged
        ],
        assessments=[
            ElementAssessment(
                element="tst1.art1.e1",
                findings=[Finding(provision="aaa.t.2", extent="full"), Finding(provision="aaa.d.2", extent="partial")],
            ),
            ElementAssessment(element="tst1.art1.e2", findings=[Finding(provision="aaa.t.2", extent="partial")]),
        ],
    )


@pytest.fixture()
def texts(tmp_path: Path) -> tuple[Path, Country]:
    """A checkout at version 30003 and the country as pinned (with hashes, by `lawtext pin`) at version 30001."""
    repo = tmp_path / "legalize-kr"
    commit_v1(repo)
    pinned = pin_country(read_country(), repo)
    assert set(pinned.pinned) == {p.id for p in read_country().provisions}, pinned.to_json()
    commit_v2_v3(repo)
    return repo, pinned.country


def test_a_decree_beside_the_act_is_found_and_read_like_an_act(texts: tuple[Path, Country]) -> None:
    repo, _ = texts
    assert find_statute_file(repo, "시험법 시행령") == repo / DECREE  # kind read from the title
    assert find_statute_file(repo, "시험법", "decree") == repo / DECREE
    assert find_statute_file(repo, "시험법", "rule") is None  # no 시행규칙.md
    decree = parse_statute(repo / DECREE)
    assert decree.title == "시험법 시행령" and decree.version.number == "40002"
    assert decree.articles["제2조"].amended == dt.date(2026, 10, 1)


def test_check_gives_before_after_and_a_word_diff_for_each_change(texts: tuple[Path, Country]) -> None:
    repo, country = texts
    report = check_country(country, repo)
    assert report.history and report.checked == 6 and not report.errors
    changed = {e["provision"]: e for e in report.changed}
    missing = {e["provision"]: e for e in report.missing}
    assert set(changed) == {"aaa.t.2", "aaa.t.4", "aaa.d.2"}  # 제1조 and the decree's 제1조 are unchanged
    assert set(missing) == {"aaa.t.3"}

    amended = changed["aaa.t.2"]  # a tagged amendment
    assert "검사는 정보를" in amended["before"] and "검사 또는 사법경찰관은" in amended["after"]
    assert {"op": "insert", "text": "90일 동안"} in amended["diff"]
    assert any(op["op"] == "delete" and "<신설 2025.12.30>" in op["text"] for op in amended["diff"])
    assert (
        amended["promulgated"] == "2026-08-04"
        and amended["pinned"]["version"] == "30001"
        and amended["current"]["version"] == "30003"
    )
    assert (
        amended["elements"] == ["tst1.art1.e1", "tst1.art1.e2"] and amended["summary"] == "Invented provision aaa.t.2."
    )
    assert amended["pinned_commit"] == git(repo, "rev-list", "--max-parents=0", "HEAD").strip()

    reworded = changed["aaa.t.4"]  # no new tag: caught by the hash pinned in 30001
    assert "amendment tag" not in reworded["reason"] and "wording differs from the pinned text" in reworded["reason"]
    assert {"op": "insert", "text": "누구에게도"} in reworded["diff"]
    assert reworded["changed_in"]["version"] == "30002" and reworded["promulgated"] == "2026-08-04"  # not 30003's date

    deleted = missing["aaa.t.3"]
    assert "deleted (삭제) on 2026-08-04" in deleted["reason"]
    assert "전자적 기록" in deleted["before"] and "삭제 <2026.8.4>" in deleted["after"]

    decree = changed["aaa.d.2"]
    assert decree["kind"] == "decree" and decree["statute"] == "시험법 시행령"
    assert "30일" in decree["before"] and "60일" in decree["after"] and decree["promulgated"] == "2026-10-01"
    assert decree["pinned"]["version"] == "40001" and decree["current"]["version"] == "40002"
    assert decree["elements"] == ["tst1.art1.e1"]


def test_the_history_of_several_files_is_read_in_one_walk(texts: tuple[Path, Country]) -> None:
    from assessment.lawtext.history import History

    repo, _ = texts
    with History(repo) as one_walk, History(repo) as file_by_file:
        one_walk.prefetch([ACT, DECREE])
        assert one_walk._logs == {ACT: file_by_file.commits(ACT), DECREE: file_by_file.commits(DECREE)}
        assert len(one_walk._logs[ACT]) == 3 and len(one_walk._logs[DECREE]) == 2


def test_an_untagged_rewording_is_caught_from_the_history_even_without_a_hash(texts: tuple[Path, Country]) -> None:
    repo, _ = texts
    report = check_country(read_country(), repo)  # as read, before any `lawtext pin`: no hashes at all
    changed = {e["provision"]: e for e in report.changed}
    assert "aaa.t.4" in changed and "wording differs from the pinned version's text" in changed["aaa.t.4"]["reason"]
    assert "aaa.t.1" not in changed and "aaa.d.1" not in changed


def test_without_history_before_and_after_are_null_and_the_check_works_as_before(
    texts: tuple[Path, Country], tmp_path: Path
) -> None:
    repo, country = texts
    plain = tmp_path / "plain"
    shutil.copytree(repo, plain, ignore=shutil.ignore_patterns(".git"))
    report = check_country(country, plain)
    assert not report.history
    assert {e["provision"] for e in report.changed} == {"aaa.t.2", "aaa.t.4", "aaa.d.2"}  # the hash still catches 제4조
    assert all(
        e["before"] is None and e["after"] is None and e["diff"] is None for e in report.changed + report.missing
    )
    unhashed = check_country(read_country(), plain)
    assert "aaa.t.4" not in {e["provision"] for e in unhashed.changed}  # no hash, no history: invisible, as before


def test_since_reports_only_changes_promulgated_after_the_day(texts: tuple[Path, Country]) -> None:
    repo, country = texts
    everything = check_country(country, repo, since=dt.date(2026, 8, 3))
    assert {e["provision"] for e in everything.changed + everything.missing} == {
        "aaa.t.2",
        "aaa.t.3",
        "aaa.t.4",
        "aaa.d.2",
    }
    later = check_country(country, repo, since=dt.date(2026, 8, 4))
    assert {e["provision"] for e in later.changed + later.missing} == {"aaa.d.2"}
    assert later.to_json()["since"] == "2026-08-04"


def test_cli_check_json_since_and_exit_codes(texts: tuple[Path, Country], tmp_path: Path) -> None:
    repo, country = texts
    root = _project_with(tmp_path, country)
    result = run_cli(root, "lawtext", "check", "AAA", "--texts", str(repo), "--json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    entry = next(e for e in report["changed"] if e["provision"] == "aaa.t.2")
    assert {"provision", "statute", "article", "pinned", "current", "before", "after", "diff", "elements"} <= set(entry)
    later = run_cli(root, "lawtext", "check", "AAA", "--texts", str(repo), "--since", "2026-10-01", "--json")
    assert later.returncode == 0 and json.loads(later.stdout)["changed"] == []  # nothing promulgated after 1 Oct 2026
    assert run_cli(root, "lawtext", "check", "AAA", "--texts", str(repo), "--since", "2026-02-30").returncode == 2
    text = run_cli(root, "lawtext", "check", "AAA", "--texts", str(repo))
    assert "{+90일 동안+}" in text.stdout
    (repo / ACT).write_text(
        "---\n제목: 시험법\n공포일자: 2026-02-30\n공포번호: '30004'\n시행일자: 2026-03-01\n---\n", encoding="utf-8"
    )
    broken = run_cli(root, "lawtext", "check", "AAA", "--texts", str(repo), "--json")
    assert broken.returncode == 3, broken.stdout + broken.stderr
    errors = json.loads(broken.stdout)["errors"]
    assert (
        errors[0]["file"].endswith("kr/시험법/법률.md")
        and errors[0]["line"] == 3
        and "2026-02-30" in errors[0]["reason"]
    )
    assert {e["provision"] for e in json.loads(broken.stdout)["changed"]} == {"aaa.d.2"}  # the decree was still read


# ------------------------------------------------------------------------------------------------ update


@pytest.fixture()
def checkout(tmp_path: Path) -> tuple[Path, Path]:
    """An upstream repository at version 30001 and a clone of it (the texts folder staff run the watch on)."""
    upstream = tmp_path / "upstream"
    commit_v1(upstream)
    git(tmp_path, "clone", "-q", str(upstream), "texts")
    return upstream, tmp_path / "texts"


def test_update_pulls_a_clean_checkout(checkout: tuple[Path, Path]) -> None:
    upstream, texts = checkout
    commit_v2_v3(upstream)
    result = run_cli(MINI, "lawtext", "update", "--texts", str(texts), "--json")
    assert result.returncode == 0, result.stderr
    update = json.loads(result.stdout)
    assert update["updated"] and update["after"] == git(upstream, "rev-parse", "HEAD").strip()
    assert set(update["files"]) == {ACT, DECREE}
    assert parse_statute(texts / ACT).version.number == "30003"
    again = run_cli(MINI, "lawtext", "update", "--texts", str(texts))
    assert again.returncode == 0 and "already up to date" in again.stdout


def test_update_refuses_a_dirty_checkout_and_changes_nothing(checkout: tuple[Path, Path]) -> None:
    upstream, texts = checkout
    commit_v2_v3(upstream)
    head = git(texts, "rev-parse", "HEAD")
    (texts / ACT).write_text((texts / ACT).read_text(encoding="utf-8").replace("검사는", "누구든지"), encoding="utf-8")
    result = run_cli(MINI, "lawtext", "update", "--texts", str(texts))
    assert result.returncode == 2
    assert (
        "local changes" in result.stderr and "kr/시험법/법률.md" in result.stderr and "Traceback" not in result.stderr
    )
    assert git(texts, "rev-parse", "HEAD") == head and "누구든지" in (texts / ACT).read_text(encoding="utf-8")


def test_update_refuses_a_folder_that_is_not_a_git_checkout(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    write(folder, ACT, statute("시험법", "30001", "2025-12-30", "2026-07-01", ACT_V1, ACT_ADDENDA[:1]))
    result = run_cli(MINI, "lawtext", "update", "--texts", str(folder))
    assert result.returncode == 2 and "not a git checkout" in result.stderr


def test_update_refuses_a_folder_inside_another_checkout_local_commits_and_a_lost_upstream(
    checkout: tuple[Path, Path],
) -> None:
    upstream, texts = checkout
    inside = run_cli(MINI, "lawtext", "update", "--texts", str(texts / "kr" / "시험법"))
    assert inside.returncode == 2 and "inside the git checkout" in inside.stderr
    assert run_cli(MINI, "lawtext", "update", "--texts", str(texts / "kr")).returncode == 0  # the kr folder is fine
    write(texts, "kr/시험법/시행규칙.md", "local")
    git(texts, "add", "-A")
    git(texts, "commit", "-q", "-m", "local edit")
    ahead = run_cli(MINI, "lawtext", "update", "--texts", str(texts))
    assert ahead.returncode == 2 and "local commit" in ahead.stderr
    git(texts, "reset", "-q", "--hard", "HEAD~1")
    shutil.rmtree(upstream)
    lost = run_cli(MINI, "lawtext", "update", "--texts", str(texts))
    assert lost.returncode == 2 and "could not be pulled" in lost.stderr


def test_a_presidential_decree_without_a_parent_act_is_found_in_its_own_folder(tmp_path: Path) -> None:
    """Issue 21: the working procedures of CPA Art. 215-2(9) stand in a decree of its own (대통령령.md), and a
    provision read in it is watched like any other."""
    title = "검사와 사법경찰관의 상호협력과 일반적 수사준칙에 관한 규정"
    write(
        tmp_path,
        f"kr/{title}/대통령령.md",
        statute(
            title,
            "36704",
            "2026.9.30",
            "2026-10-02",
            {"제42조의2": "##### 제42조의2 (보전요청)\n\n사법경찰관은 보전요청을 신청한다."},
            [],
        ),
    )
    assert find_statute_file(tmp_path, title) == tmp_path / "kr" / title / "대통령령.md"
    assert find_statute_file(tmp_path, title, "decree") is None  # a decree of an Act is still only its 시행령.md
