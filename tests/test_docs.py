"""Documentation is tested: every CLI command and setting a user can reach is documented in the README."""

from __future__ import annotations

import argparse

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
        assert f"python -m assessment {name}" in README or f"-m assessment {name}" in README, f"README does not document '{name}'"


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


def test_no_tracked_file_names_a_development_machines_path() -> None:
    """An absolute path of a development machine (its work or home folder) means nothing elsewhere (issue 23)."""
    import re
    import subprocess

    from assessment.catalog import PROJECT_ROOT

    files = subprocess.run(["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True).stdout.split()
    pattern = re.compile(r"(?<![\w.:/~-])/(work|home|Users|root)/[\w.-]+")
    found = []
    for name in files:
        path = PROJECT_ROOT / name
        if path.suffix in (".png", ".xlsx", ".pdf", ".mo", ".sqlite") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        found += [f"{name}: {m.group()}" for m in pattern.finditer(text)]
    assert found == [], found
