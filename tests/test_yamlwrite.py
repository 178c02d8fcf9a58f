"""Rewriting research files (issue 18, item 2): a kill mid-write leaves the old file whole, and a pin or a dump
keeps the file's comments, key order and quoting, with no anchors or aliases."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import yaml
from test_lawtext import TEXTS, _project_with, pinned_country, run_cli

from assessment.yamlwrite import dump_round_trip, load_round_trip, merge, rewrite, write_atomic

#: Run in a child process: every text file opened for writing writes half of what it is given, says so in a
#: marker file, and then hangs, so the parent can kill it mid-write (kill -9: no clean-up runs).
SLOW_WRITER = textwrap.dedent("""
    import io, sys, time, runpy
    real_open = io.open
    class Slow:
        def __init__(self, f): self.f = f
        def write(self, s):
            self.f.write(s[: len(s) // 2]); self.f.flush()
            open(MARKER, "w").close()
            time.sleep(60)
        def __getattr__(self, name): return getattr(self.f, name)
        def __enter__(self): return self
        def __exit__(self, *a): self.f.close()
    def slow_open(file, mode="r", *args, **kwargs):
        f = real_open(file, mode, *args, **kwargs)
        return Slow(f) if ("w" in mode and "b" not in mode and not str(file).endswith(".marker")) else f
    MARKER = sys.argv[1]
    io.open = slow_open
    sys.argv = ["assessment", *sys.argv[2:]]
    runpy.run_module("assessment", run_name="__main__")
""")


def kill_mid_write(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> None:
    marker = tmp_path / "halfway.marker"
    child = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITER, str(marker), *args],
        cwd=Path(__file__).parents[1],
        env={**os.environ, **(env or {})},
    )
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert child.poll() is None, "the writer ended before it wrote anything"
        assert time.monotonic() < deadline, "the writer never started writing"
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()


def test_a_pin_killed_mid_write_leaves_the_old_file_whole(tmp_path: Path) -> None:
    root = _project_with(tmp_path, pinned_country())
    target = root / "data" / "countries" / "AAA.yaml"
    before = target.read_bytes()
    kill_mid_write(tmp_path, "--root", str(root), "lawtext", "pin", "AAA", "--texts", str(TEXTS))
    assert target.read_bytes() == before
    assert run_cli(root, "validate").returncode == 0


def test_a_dump_killed_mid_write_leaves_the_old_file_whole(tmp_path: Path) -> None:
    out = tmp_path / "AAA.yaml"
    out.write_text("# kept\niso3: AAA\n", encoding="utf-8")
    before = out.read_bytes()
    database = {"ASSESSMENT_DATABASE_URL": f"sqlite:///{tmp_path / 'dump.sqlite'}"}
    kill_mid_write(
        tmp_path, "--root", str(Path(__file__).parent / "data" / "mini"), "dump", "AAA", "--out", str(out), env=database
    )
    assert out.read_bytes() == before


def test_pin_keeps_comments_order_and_quoting_and_writes_no_aliases(tmp_path: Path) -> None:
    same = pinned_country().model_copy(
        update={"provisions": [p for p in pinned_country().provisions if p.id in {"aaa.t.1", "aaa.t.6"}]}
    )
    root = _project_with(tmp_path, same)
    target = root / "data" / "countries" / "AAA.yaml"
    lines = target.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("provisions:"))
    lines.insert(at, "# -- provisions below were read in the consolidated texts --")
    lines.insert(at + 2, "  # the first provision: a comment inside the list")
    lines = [line.replace("name: Testland", "name: 'Testland'") if line.startswith("name:") else line for line in lines]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = target.read_text(encoding="utf-8")
    pinned = run_cli(root, "lawtext", "pin", "AAA", "--texts", str(TEXTS))
    assert pinned.returncode == 0, pinned.stdout + pinned.stderr
    after = target.read_text(encoding="utf-8")
    assert "# -- provisions below were read in the consolidated texts --" in after
    assert "  # the first provision: a comment inside the list" in after
    assert after.count("sha256:") == 2
    assert "&id" not in after and "*id" not in after  # no anchors, no aliases
    assert "name: 'Testland'" in after  # quoting kept
    pin_lines = ("sha256:", "number:", "promulgated:", "in_force:")  # a pin writes the hash and the version read
    removed = [line for line in before.splitlines() if line not in after.splitlines()]
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    assert added and all(line.strip().startswith(pin_lines) for line in removed + added), (removed, added)
    assert run_cli(root, "validate").returncode == 0


def test_merge_keeps_what_did_not_change_and_takes_what_did() -> None:
    document = load_round_trip(
        textwrap.dedent("""\
        # header
        name: "Quoted"   # why quoted
        items:
        - id: a
          note: old   # stays? no: changed
        - id: b
          note: same  # kept
        gone: 1
        """)
    )
    merged = merge(
        document,
        {
            "name": "Quoted",
            "items": [{"id": "b", "note": "same"}, {"id": "a", "note": "new"}, {"id": "c", "note": "added"}],
        },
    )
    text = dump_round_trip(merged)
    assert '"Quoted"   # why quoted' in text and "note: same  # kept" in text and "# header" in text
    assert "gone" not in text
    assert yaml.safe_load(text)["items"] == [
        {"id": "b", "note": "same"},
        {"id": "a", "note": "new"},
        {"id": "c", "note": "added"},
    ]


def test_write_atomic_keeps_the_mode_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "x.yaml"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    write_atomic(target, "새 내용 — new\n")
    assert target.read_text(encoding="utf-8") == "새 내용 — new\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["x.yaml"]
    rewrite(tmp_path / "new.yaml", lambda doc: {"a": 1}, header="# made\n")
    assert (tmp_path / "new.yaml").read_text(encoding="utf-8") == "# made\na: 1\n"
