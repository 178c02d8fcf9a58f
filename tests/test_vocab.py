"""assessment.vocab is the one home of statuses, labels, points and colours: change one entry there and every
surface (scores and CLI JSON, charts, the Excel workbook, the brief, the pages) follows; the formula's words in
the scoring docstring and in the Excel README cannot drift from the points the scorer uses."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import sys

import openpyxl
import pytest

from assessment import scoring, scoring_reference, vocab
from assessment.brief import brief_sections, country_brief
from assessment.catalog import PROJECT_ROOT, Catalog
from assessment.charts import chapter_bars
from assessment.excel import export_workbook
from assessment.excel.export import element_formula_text
from assessment.grids import status_grid
from assessment.records import records_from_catalog
from assessment.scoring import Engine
from assessment.service import Workspace
from assessment.vocab import SERIES_COLOUR, STATUS_POINTS, STATUS_STYLE, Series, Status, Style

KOREA_THEN = dt.date(2025, 8, 21)  # Art. 16 is a critical gap, missing, with a pending bill


def _published(catalog: Catalog, engine: Engine) -> Workspace:
    return Workspace(catalog=catalog, engine=engine, version="test", view="published")


def _workbook(catalog: Catalog, engine: Engine) -> openpyxl.Workbook:
    out = io.BytesIO()
    export_workbook(_published(catalog, engine), ["KOR"], "ets185", KOREA_THEN, out)
    return openpyxl.load_workbook(io.BytesIO(out.getvalue()), read_only=True)


def _cells(wb: openpyxl.Workbook, sheet: str) -> list[str]:
    return [str(v) for row in wb[sheet].iter_rows(values_only=True) for v in row if v is not None]


def test_a_changed_status_label_shows_on_every_surface(
    catalog: Catalog, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = STATUS_STYLE[Status.missing]
    monkeypatch.setitem(STATUS_STYLE, Status.missing, Style("Not in the law", old.symbol, old.colour, old.ink))
    badge = f"{old.symbol} Not in the law"
    result = engine.score_country("KOR", "ets185", KOREA_THEN)
    assert "ets185.art16" in result.critical_gaps

    # the Compare grid: Korea's Art. 16 cell
    from assessment.charts import obligation_meta

    grid = status_grid(
        engine.score_all(KOREA_THEN).obligations("ets185"), obligation_meta(catalog.treaty("ets185")), {}
    )
    assert grid.table.loc[grid.obligations.index("ets185.art16"), "KOR"] == badge
    # Excel: the README legend and the badges of the Gaps sheet
    wb = _workbook(catalog, engine)
    assert badge in _cells(wb, "README") and badge in _cells(wb, "Gaps")
    assert old.badge not in _cells(wb, "Gaps")
    # brief: the plain-words status of the Art. 16 gap
    text = " ".join(
        line.text
        for _, lines in brief_sections(country_brief(catalog, engine, "KOR", "ets185", KOREA_THEN))
        for line in lines
    )
    assert "Not in the law." in text
    # page: the Country page's element table (AppTest runs the page in this process)
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    at.query_params.update(
        {"iso": "KOR", "treaty": "ets185", "as_of": KOREA_THEN.isoformat(), "obligation": "ets185.art16"}
    )
    at.switch_page("app_pages/country.py").run()
    assert not at.exception
    assert badge in list(at.dataframe[0].value["status"])


def test_a_changed_status_weight_changes_every_score(
    catalog: Catalog, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = engine.score_country("KOR", "ets185", KOREA_THEN).score
    monkeypatch.setitem(STATUS_POINTS, Status.partial, 0.25)
    after = engine.score_country("KOR", "ets185", KOREA_THEN)
    assert after.score is not None and before is not None and after.score < before
    # the plain-loop oracle follows the same table
    reference = scoring_reference.score_all([catalog.treaty("ets185")], records_from_catalog(catalog), KOREA_THEN)
    assert reference[("KOR", "ets185")].score == pytest.approx(after.score)
    # every view of all countries, the brief and the Excel workbook give the new score
    table = engine.score_all(KOREA_THEN).treaties.set_index(["country", "treaty"])
    assert table.loc[("KOR", "ets185"), "score"] == pytest.approx(after.score)
    assert country_brief(catalog, engine, "KOR", "ets185", KOREA_THEN).score == pytest.approx(after.score)
    wb = _workbook(catalog, engine)
    headline = next(r for r in wb["Summary"].iter_rows(values_only=True) if r[0] == "KOR")
    assert headline[2] == pytest.approx(after.score)
    assert any("partial (0.25)" in c for c in _cells(wb, "README")), "the README's formula text follows the points"
    # the CLI's score --json (the same in-process scorer; its shape is tested in test_cli.py)
    assert after.to_json()["score"] == pytest.approx(round(after.score, 4))


def test_scoring_docstring_states_the_points_the_scorer_uses() -> None:
    """The formula is written once in words (assessment/scoring.py's docstring, mirrored by docs/scoring.md);
    its points must be vocab.STATUS_POINTS, and the Excel README's sentence is generated from the same table."""
    doc = " ".join((scoring.__doc__ or "").split())
    stated = re.search(r"\*\*Element score\.\*\* (.+?)\. not_applicable", doc)
    assert stated, "the scoring docstring lost its 'Element score' bullet"
    points = dict((name, float(value)) for name, value in re.findall(r"(\w+) ([0-9.]+)", stated.group(1)))
    assert points == {
        s.value: STATUS_POINTS[s] for s in (Status.in_place, Status.partial, Status.missing, Status.unknown)
    }
    readme = element_formula_text()
    for status in (Status.in_place, Status.partial, Status.missing, Status.unknown):
        assert f"{status.value.replace('_', ' ')} ({vocab.points_text(status)}" in readme


def test_with_bills_has_one_colour_on_every_surface(catalog: Catalog, engine: Engine) -> None:
    """The dashboard's chapter bars and the Excel chart draw each series in the vocab colour (Excel once drew
    'with bills' in the colour the dashboard uses for 'today')."""
    score = engine.score_country("KOR", "ets185", KOREA_THEN)
    bills = engine.score_country("KOR", "ets185", KOREA_THEN, with_bills=True)
    fig = chapter_bars(score.chapters, bills.chapters, score.chapters, as_of=KOREA_THEN)
    assert [t.marker.color for t in fig.data] == [
        SERIES_COLOUR[s] for s in (Series.now, Series.today, Series.with_bills)
    ]
    out = io.BytesIO()
    export_workbook(_published(catalog, engine), ["KOR"], "ets185", KOREA_THEN, out)
    import zipfile

    chart = next(
        zipfile.ZipFile(out).read(n).decode()
        for n in zipfile.ZipFile(out).namelist()
        if n.startswith("xl/charts/chart")
    )
    fills = re.findall(r'<a:srgbClr val="([0-9A-F]{6})"', chart)
    assert fills[:2] == [SERIES_COLOUR[Series.now][1:], SERIES_COLOUR[Series.with_bills][1:]]


def test_excel_and_store_load_neither_plotly_nor_streamlit() -> None:
    code = "import sys, assessment.excel, assessment.store; print(sorted(m for m in ('plotly', 'streamlit') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    assert json.loads(done.stdout.replace("'", '"')) == []


def _module_graph() -> dict[str, set[str]]:
    """module -> the modules of assessment/ and app_pages/ it imports (at module level or inside functions).
    `from . import x` and `from .x import y` point at the submodule x; `from pkg import Name` at pkg itself."""
    import ast

    files = [
        p for d in ("assessment", "app_pages") for p in (PROJECT_ROOT / d).rglob("*.py") if "migrations" not in p.parts
    ]
    modules = {}
    for p in files:
        parts = p.relative_to(PROJECT_ROOT).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = p
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parent, base] if base else parent)
                for alias in node.names:
                    targets.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
            elif isinstance(node, ast.Import):
                targets |= {a.name for a in node.names}
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def test_no_import_cycle_in_assessment_or_app_pages() -> None:
    graph = _module_graph()
    assert "assessment.cli.commands" in graph and "app_pages.edit" in graph
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                pytest.fail("import cycle: " + " -> ".join([*path[path.index(nxt) :], nxt]))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)


def test_times_are_shown_in_the_display_zone_with_its_name(monkeypatch) -> None:
    """Issue 22: staff read KST; a stored UTC time is never shown bare, and the zone is a setting."""
    import datetime as dt

    from assessment.vocab import local_time

    at = dt.datetime(2026, 1, 2, 10, 0, tzinfo=dt.UTC)
    assert local_time(at) == "2026-01-02 19:00 KST"
    assert local_time(at, seconds=True) == "2026-01-02 19:00:00 KST"
    monkeypatch.setenv("ASSESSMENT_TIMEZONE", "Europe/London")
    assert local_time(at) == "2026-01-02 10:00 GMT"
    monkeypatch.setenv("ASSESSMENT_TIMEZONE", "Not/AZone")
    assert local_time(at).endswith("KST")  # a bad setting falls back, never crashes a page


@pytest.mark.parametrize(
    ("article", "ko"),
    [
        ("24(7)", "제24조제7항"),
        ("18(1)(a)", "제18조제1항가목"),
        ("27(9)(e)", "제27조제9항마목"),
        ("16", "제16조"),
        ("1(d)", "제1조라목"),
    ],
)
def test_korean_citation_style_for_treaty_articles(article: str, ko: str) -> None:
    from assessment.vocab import article_label

    assert article_label(article, "ko") == ko
    assert article_label(article, "en") == f"Art. {article}"


def test_every_ets185_obligation_label_has_a_korean_form_without_english_brackets(catalog) -> None:
    """Issue 22: every obligation label of ETS 185 in Korean cites 제N조(제M항)(가목) and keeps no '(7)'-style bracket."""
    import re

    from assessment.vocab import article_label

    for o in catalog.treaty("ets185").obligations():
        label = article_label(o.article, "ko")
        assert re.fullmatch(r"제\d+조(제\d+항)?([가-하]목)?( \d+\))?", label), (o.article, label)


def test_reservations_are_named_in_korean_drafting_style() -> None:
    from assessment.vocab import hook_label

    assert hook_label("유보", "Art. 42", "6(3)", "ko") == "제42조에 따른 유보(제6조제3항 관련)"
    assert hook_label("reservation", "Art. 42", "6(3)", "en") == "reservation under Art. 42 (6(3))"
