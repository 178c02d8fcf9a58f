"""Documentation is tested: every CLI command and setting a user can reach is documented in the README."""

from __future__ import annotations

import argparse
import re
import subprocess
from collections.abc import Iterable
from pathlib import Path

from assessment.catalog import PROJECT_ROOT
from assessment.cli import build_parser

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_setup_and_test_commands() -> None:
    """The first code block holds exactly the two commands, and CI runs the second one."""
    block = README.split("```bash\n", 1)[1].split("```", 1)[0].strip().splitlines()
    assert len(block) == 2
    assert block[0].endswith("streamlit run serve.py")
    assert block[1] == "scripts/test"
    assert "scripts/test" in (PROJECT_ROOT / ".ci" / "run").read_text()
    assert "pytest" in (PROJECT_ROOT / "scripts" / "test").read_text()


def test_every_cli_command_is_documented() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name in sub.choices:
        assert f"python -m assessment {name}" in README or f"-m assessment {name}" in README, (
            f"README does not document '{name}'"
        )


def _formula_bullets(text: str) -> list[str]:
    """The '* **...**' bullets of the formula, whitespace folded."""
    bullets = ["* " + b.split("\n\n")[0] for b in text.split("\n* ")[1:]]
    return [" ".join(b.split()) for b in bullets]


def test_docs_state_the_same_formula_as_the_code() -> None:
    from assessment import scoring

    doc = (PROJECT_ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    code = _formula_bullets(scoring.__doc__ or "")
    assert len(code) >= 6
    assert _formula_bullets(doc) == code, "docs/scoring.md and the docstring of assessment/scoring.py disagree"


#: An absolute path of a development machine: its work folder or a home folder (Linux, macOS, Windows), also as a
#: file:// URL. Not preceded by a letter, dot or slash, so a web address's path (https://host/home/page) is no hit.
MACHINE_PATH = re.compile(
    r"(?<![\w.:/~-])(?:file://)?/(?:work|home|Users|root)/[\w.-]+|\b[A-Za-z]:[\\/]+Users[\\/]+[\w.-]+"
)
#: Files that are not text: their bytes could match by chance.
_BINARY = (".png", ".xlsx", ".pdf", ".mo", ".sqlite")


def machine_paths(root: Path, names: Iterable[str]) -> list[str]:
    """'file: path' for every machine path named in the text files `names` under `root`."""
    found = []
    for name in names:
        path = root / name
        if path.suffix in _BINARY or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        found += [f"{name}: {m.group()}" for m in MACHINE_PATH.finditer(text)]
    return found


def test_no_tracked_file_names_a_development_machines_path() -> None:
    """An absolute path of a development machine (its work or home folder) means nothing elsewhere (issue 23)."""
    listed = subprocess.run(["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    files = listed.stdout.splitlines()
    assert len(files) > 100  # the listing worked: the check below is not vacuous
    assert machine_paths(PROJECT_ROOT, files) == []


def test_the_machine_path_check_finds_each_kind_of_path(tmp_path: Path) -> None:
    """The check above would fail on a file naming any machine path, and only on those. The paths are put
    together here, so this file itself names none."""
    slash, backslash = "/", "\\"
    named = {
        "notes.md": f"read {slash}work{slash}main{slash}docs first",
        "ets185.yaml": f"# written from {slash}home{slash}kim{slash}treaty.txt\nid: ets185\n",
        "mac.txt": f"open {slash}Users{slash}kim{slash}law",
        "win.json": f'{{"font": "C:{backslash * 2}Users{backslash * 2}kim{backslash * 2}font.ttf"}}',
        "win.txt": f"C:{backslash}Users{backslash}kim{backslash}law",
        "link.md": f"see file://{slash}home{slash}kim{slash}x.html",
        "root.sh": f"cd {slash}root{slash}project",
    }
    clean = {
        "web.yaml": "url: https://www.example.com/home/categories/federal",
        "tmp.md": "python -m assessment score KOR > /tmp/score.json",
        "relative.md": "checklists/ets185.yaml and work/notes",
    }
    for name, text in {**named, **clean}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    found = machine_paths(tmp_path, [*named, *clean, "missing.txt"])
    assert sorted({hit.split(":", 1)[0] for hit in found}) == sorted(named)
    assert len(found) == len(named)
    docs = [str(p.relative_to(PROJECT_ROOT)) for p in (PROJECT_ROOT / "docs").rglob("*")]
    assert machine_paths(PROJECT_ROOT, ["checklists/ets185.yaml", *docs]) == []  # the files issue 23 named
