"""Bad input is refused with file, line, field and reason; one test per kind of mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessment.catalog import load_catalog
from assessment.problems import CatalogInvalid, Problem

COUNTRY = "data/countries/AAA.yaml"
TREATY = "checklists/tst1.yaml"


def replace(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text()
    assert old in text, f"fixture text {old!r} not found in {rel}"
    path.write_text(text.replace(old, new, 1))


def problems_of(root: Path) -> list[Problem]:
    with pytest.raises(CatalogInvalid) as info:
        load_catalog(root)
    return info.value.problems


def line_containing(root: Path, rel: str, needle: str) -> int:
    for n, line in enumerate((root / rel).read_text().splitlines(), start=1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in {rel}")


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def test_mini_catalog_is_valid(mini_root: Path) -> None:
    catalog = load_catalog(mini_root)
    assert set(catalog.countries) == {"AAA"} and set(catalog.treaties) == {"tst1"}


def test_yaml_syntax_error_names_file_and_line(mini_root: Path) -> None:
    replace(mini_root, COUNTRY, "  - element: tst1.art2.e1\n", "  - element: [tst1.art2.e1\n")
    p = only(problems_of(mini_root))
    assert p.file == COUNTRY
    assert p.line is not None and p.line >= line_containing(mini_root, COUNTRY, "[tst1.art2.e1")
    assert "YAML syntax error" in p.reason


def test_unknown_element_id(mini_root: Path) -> None:
    replace(mini_root, COUNTRY, "element: tst1.art4.1a.e1", "element: tst1.art4.1a.e9")
    p = only(problems_of(mini_root))
    assert (p.file, p.field) == (COUNTRY, "assessments[5].element")
    assert p.line == line_containing(mini_root, COUNTRY, "tst1.art4.1a.e9")
    assert "unknown element tst1.art4.1a.e9" in p.reason
    assert str(p) == f"{COUNTRY}:{p.line}: assessments[5].element: unknown element tst1.art4.1a.e9"


def test_reservation_the_treaty_does_not_allow(mini_root: Path) -> None:
    replace(mini_root, COUNTRY, "hook: tst1.decl.2", "hook: tst1.res.2-9")
    p = only(problems_of(mini_root))
    assert p.field == "assessments[1].judgment.hook"
    assert "not a reservation or declaration the treaty allows" in p.reason
    assert p.line == line_containing(mini_root, COUNTRY, "tst1.res.2-9")


def test_reservation_on_an_element_it_does_not_cover(mini_root: Path) -> None:
    replace(mini_root, COUNTRY, "hook: tst1.decl.2", "hook: tst1.res.4-1b")
    p = only(problems_of(mini_root))
    assert p.field == "assessments[1].judgment.hook"
    assert "does not allow reserving tst1.art2.e2" in p.reason


def test_cited_provision_not_defined(mini_root: Path) -> None:
    replace(
        mini_root,
        COUNTRY,
        "findings: [{provision: aaa.cc.10, extent: full}]",
        "findings: [{provision: aaa.cc.11, extent: full}]",
    )
    p = only(problems_of(mini_root))
    assert p.field == "assessments[0].findings[0].provision"
    assert "'aaa.cc.11' is not defined" in p.reason
    assert p.line == line_containing(mini_root, COUNTRY, "aaa.cc.11")


def test_bad_date(mini_root: Path) -> None:
    replace(mini_root, COUNTRY, "lifecycle: {in_force: 2000-01-01}", "lifecycle: {in_force: 2000-13-01}")
    p = only(problems_of(mini_root))
    assert p.field == "provisions[0].lifecycle.in_force"
    assert "date" in p.reason.lower()
    assert p.line == line_containing(mini_root, COUNTRY, "2000-13-01")


def test_dates_out_of_order(mini_root: Path) -> None:
    replace(mini_root, COUNTRY, "passed: 2025-12-12", "passed: 2023-12-12")
    p = only(problems_of(mini_root))
    assert p.field == "provisions[1].lifecycle"
    assert "passed (2023-12-12) is before introduced (2024-11-07)" in p.reason


def test_duplicate_id(mini_root: Path) -> None:
    replace(mini_root, TREATY, "- {id: tst1.art3.e2,", "- {id: tst1.art3.e1,")
    found = problems_of(mini_root)
    # the country's assessment of the vanished tst1.art3.e2 is reported too, against the country file
    assert [q.file for q in found] == [TREATY, COUNTRY]
    p = found[0]
    assert p.file == TREATY
    assert "duplicate element id 'tst1.art3.e1'" in p.reason
    assert p.field == "articles[2].obligations[0].elements[1].id"
    assert p.line == line_containing(mini_root, TREATY, "- {id: tst1.art3.e1, text: Any person.")


def test_duplicate_assessment_of_an_element(mini_root: Path) -> None:
    replace(mini_root, COUNTRY, "element: tst1.art3.e2", "element: tst1.art3.e1")
    p = only(problems_of(mini_root))
    assert p.field == "assessments[3].element" and "duplicate assessment of element" in p.reason


def test_unknown_status(mini_root: Path) -> None:
    replace(mini_root, COUNTRY, "status: reserved, hook: tst1.decl.2,", "status: maybe,")
    p = only(problems_of(mini_root))
    assert p.field == "assessments[1].judgment.status"
    assert "'missing', 'not_applicable', 'reserved' or 'unknown'" in p.reason


def test_unknown_extent(mini_root: Path) -> None:
    replace(mini_root, COUNTRY, "{provision: aaa.cc.10, extent: full}", "{provision: aaa.cc.10, extent: mostly}")
    p = only(problems_of(mini_root))
    assert p.field == "assessments[0].findings[0].extent"


def test_misspelt_field_is_not_ignored(mini_root: Path) -> None:
    replace(mini_root, COUNTRY, "    summary: Access offence.", "    sumary: Access offence.")
    found = problems_of(mini_root)
    fields = {p.field: p.reason for p in found}
    assert "unknown field" in fields["provisions[0].sumary"]
    assert fields["provisions[0].summary"] == "required field is missing"


def test_unknown_source(mini_root: Path) -> None:
    replace(mini_root, COUNTRY, "    source: gazette\n    verified: true", "    source: nowhere\n    verified: true")
    p = only(problems_of(mini_root))
    assert p.field == "provisions[0].source" and "unknown source 'nowhere'" in p.reason


def test_judgment_without_source_is_refused(mini_root: Path) -> None:
    replace(
        mini_root,
        COUNTRY,
        "reason: Declared intent requirement., source: gazette}",
        "reason: Declared intent requirement.}",
    )
    p = only(problems_of(mini_root))
    assert p.field == "assessments[1].judgment.source" and "must cite a source" in p.reason


def test_every_problem_is_reported_not_just_the_first(mini_root: Path) -> None:
    replace(mini_root, COUNTRY, "element: tst1.art4.1a.e1", "element: tst1.art4.1a.e9")
    replace(
        mini_root,
        COUNTRY,
        "findings: [{provision: aaa.cc.10, extent: full}]",
        "findings: [{provision: aaa.cc.11, extent: full}]",
    )
    assert len(problems_of(mini_root)) == 2


def test_file_name_must_match_iso3(mini_root: Path) -> None:
    (mini_root / COUNTRY).rename(mini_root / "data/countries/BBB.yaml")
    p = only(problems_of(mini_root))
    assert p.field == "iso3" and "named BBB.yaml but iso3 is AAA" in p.reason


# ------------------------------------------------------------------- files that are not clean YAML (issue 14)


def test_duplicate_key_is_refused_naming_both_lines(mini_root: Path) -> None:
    replace(mini_root, COUNTRY, "name: Testland\n", "name: Testland\nname: Renamed\n")
    p = only(problems_of(mini_root))
    first, second = line_containing(mini_root, COUNTRY, "Testland"), line_containing(mini_root, COUNTRY, "Renamed")
    assert (p.file, p.line) == (COUNTRY, second)
    assert f"duplicate key 'name' (first on line {first})" in p.reason


def test_duplicate_key_deep_in_a_finding(mini_root: Path) -> None:
    replace(
        mini_root,
        COUNTRY,
        "findings: [{provision: aaa.cc.10, extent: full}]",
        "findings: [{provision: aaa.cc.10, extent: partial, extent: full}]",
    )
    p = only(problems_of(mini_root))
    assert "duplicate key 'extent'" in p.reason and p.line == line_containing(
        mini_root, COUNTRY, "extent: partial, extent: full"
    )


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda b: b.replace(b"Testland", b"Test\xffland"), "not UTF-8"),
        (lambda b: b.replace(b"Testland", b"Test\x00land"), "NUL"),
        (lambda b: b.replace(b"researched: 2026-01-01", b"researched: " + b"9" * 5000), "5000 digits"),
        (lambda b: b.decode().encode("utf-16"), "UTF-16"),
        (lambda b: b.decode().encode("utf-16-le"), "UTF-16"),
    ],
    ids=["non-utf8-byte", "nul-byte", "5000-digit-integer", "utf16-bom", "utf16-no-bom"],
)
def test_undecodable_files_are_reported_with_a_line(mini_root: Path, damage, reason: str) -> None:
    path = mini_root / COUNTRY
    path.write_bytes(damage(path.read_bytes()))
    p = only(problems_of(mini_root))
    assert p.file == COUNTRY and p.line is not None and reason in str(p), str(p)
    if reason in ("not UTF-8", "NUL"):
        assert p.line == 2  # the name line


def test_a_directory_named_like_a_yaml_file_is_reported(mini_root: Path) -> None:
    (mini_root / "data/countries/ZZZ.yaml").mkdir()
    p = only(problems_of(mini_root))
    assert p.file == "data/countries/ZZZ.yaml" and "a directory" in p.reason


def test_many_problems_are_found_in_linear_time(mini_root: Path) -> None:
    """Each problem's line comes from one parse of the file (the line lookup used to re-parse it per problem)."""
    import time

    import yaml

    path = mini_root / COUNTRY
    text = path.read_text()
    bad = "".join(f"  - element: tst1.bogus.e{i}\n    findings: []\n" for i in range(600))
    path.write_text(text.replace("assessments:\n", "assessments:\n" + bad, 1))
    composes = 0
    real_compose = yaml.compose

    def counting_compose(*a, **k):  # type: ignore[no-untyped-def]
        nonlocal composes
        composes += 1
        return real_compose(*a, **k)

    yaml.compose = counting_compose
    try:
        start = time.perf_counter()
        problems = problems_of(mini_root)
        elapsed = time.perf_counter() - start
    finally:
        yaml.compose = real_compose
    assert len(problems) >= 600 and all(p.line for p in problems)
    assert composes <= 1 and elapsed < 5
