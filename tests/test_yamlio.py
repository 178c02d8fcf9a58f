"""Reading YAML (assessment/yamlio.py): hostile nesting is a located error, never a crash (issue 18, item 10)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assessment.catalog import PROJECT_ROOT, load_catalog
from assessment.problems import CatalogInvalid
from assessment.yamlio import MAX_DEPTH, YamlSyntaxError, read_document

COUNTRY = "data/countries/AAA.yaml"


def nest(depth: int) -> str:
    """A value of `depth` lists, one inside the other, in flow style."""
    return "[" * depth + "]" * depth


def test_nesting_up_to_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(f"a: {nest(MAX_DEPTH - 1)}\n", encoding="utf-8")  # the mapping is the first level
    assert read_document(path).data["a"] == eval(nest(MAX_DEPTH - 1))  # noqa: S307 - our own literal of brackets


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: " + nest(MAX_DEPTH) + "\n",  # flow lists
        "a: 1\nb:\n  " + "- " * MAX_DEPTH + "x\n",  # block lists, compact on one line
    ],
    ids=["flow", "block"],
)
def test_nesting_past_the_limit_is_a_located_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(YamlSyntaxError) as caught:
        read_document(path)
    assert caught.value.line in (2, 3)
    assert f"nested more than {MAX_DEPTH} levels deep" in caught.value.reason


def test_a_country_file_nested_200000_deep_fails_validate_with_file_and_line(mini_root: Path) -> None:
    """Reported as file:line: reason by `validate`, in a process of its own: libyaml used to build the nodes by
    recursion in C and the process died of a segfault (exit -11), with no message at all."""
    country = mini_root / COUNTRY
    country.write_text(country.read_text(encoding="utf-8") + f"deep: {nest(200_000)}\n", encoding="utf-8")
    line = country.read_text(encoding="utf-8").count("\n")
    result = subprocess.run(
        [sys.executable, "-m", "assessment", "--root", str(mini_root), "validate"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    assert (
        f"{COUNTRY}:{line}: (document): lists and mappings nested more than {MAX_DEPTH} levels deep" in result.stderr
    ), result.stderr
    assert "Traceback" not in result.stderr
    with pytest.raises(CatalogInvalid) as caught:  # and in process, now that it is safe
        load_catalog(mini_root)
    assert [(p.file, p.line) for p in caught.value.problems] == [(COUNTRY, line)]
