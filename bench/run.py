"""Benchmarks: each prints one JSON line {"name", "ours_s", "baseline_s", "ratio", ...extra figures}.

The baseline is always measured in the same run on the same machine, so the ratio means something wherever it
runs. Times are medians of repeated runs. Usage: python bench/run.py [--only NAME] [--repeat N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assessment import scoring_reference  # noqa: E402
from assessment.catalog import load_catalog  # noqa: E402
from assessment.records import carry_records  # noqa: E402
from assessment.scoring import Engine  # noqa: E402
from assessment.synthetic import synthetic_records  # noqa: E402
from bench.timing import median_time  # noqa: E402

BENCHMARKS: dict[str, Callable[[int], dict | list[dict]]] = {}


def benchmark(fn: Callable[[int], dict | list[dict]]) -> Callable[[int], dict | list[dict]]:
    BENCHMARKS[fn.__name__.removeprefix("bench_")] = fn
    return fn


@benchmark
def bench_scoring(repeat: int) -> dict:
    """200 synthetic countries x every shipped treaty, every element, one date: vectorised vs plain loops."""
    catalog = load_catalog()
    treaties = list(catalog.treaties.values())
    records = synthetic_records(treaties, 200, seed=2025, carries=carry_records(catalog))
    when = dt.date(2025, 8, 21)
    t0 = time.perf_counter()
    engine = Engine.from_records(treaties, records)
    build_s = time.perf_counter() - t0
    ours = median_time(lambda: engine.score_all(when).treaties, repeat)
    baseline = median_time(lambda: scoring_reference.score_all(treaties, records, when), max(3, repeat // 4))
    first = records.countries[0]

    def one_country() -> None:  # the UN Convention: the biggest checklist, and most of it carried over
        r = engine.score_country(first, "uncc2024", when)
        _ = (r.score, r.coverage, r.critical_gaps, r.obligations, r.chapters, r.carried)  # what a dashboard rerun reads

    one = median_time(one_country, repeat * 5)
    return {
        "ours_s": ours,
        "baseline_s": baseline,
        "one_country_s": one,
        "build_s": build_s,
        "countries": len(records.countries),
        "treaties": len(treaties),
        "element_records": len(records.elements),
        "carry_links": len(records.carries),
    }


@benchmark
def bench_save(repeat: int) -> dict:
    """p50/p95 of one versioned save (read, validate, conditional UPDATE, audit) with 4 concurrent writers on
    SQLite and PostgreSQL, against a plain single-row UPDATE with the same writers. ours_s/baseline_s are p95."""
    from bench.save_bench import bench

    return bench(saves_per_writer=max(25, repeat * 2))


# ------------------------------------------------------------------------------------------- dashboard

APP = Path(__file__).resolve().parent.parent / "app.py"


def _bench_database() -> None:
    """Benchmarks never touch a developer's database: a throwaway SQLite file unless one is chosen."""
    import os
    import tempfile

    os.environ.setdefault(
        "ASSESSMENT_DATABASE_URL", f"sqlite:///{tempfile.mkdtemp(prefix='accession-bench-')}/bench.sqlite"
    )


def _our_page(file: str, params: dict[str, str]):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    at.query_params.update(params)
    at.switch_page(file).run()
    if at.exception:
        raise RuntimeError(f"{file} failed: {[e.value for e in at.exception]}")
    return at


def _rendered(at) -> list[tuple[str, object]]:
    """What a page put on screen, in order, as plain data: texts, metrics, figures (JSON), tables (frames),
    controls. The bare page replays exactly this without any of our code."""
    out: list[tuple[str, object]] = []

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            kind = getattr(child, "type", "")
            if kind in (
                "markdown",
                "title",
                "subheader",
                "header",
                "caption",
                "page_link",
                "alert",
                "warning",
                "info",
                "error",
            ):
                out.append(("markdown", getattr(child, "value", None) or getattr(child, "label", "")))
            elif kind == "metric":
                out.append(("metric", (child.label, child.value, child.delta or None)))
            elif kind == "plotly_chart":
                out.append(("plotly", (json.loads(child.proto.spec), json.loads(child.proto.config))))
            elif kind in ("dataframe", "arrow_data_frame"):
                out.append(("dataframe", child.value))
            elif kind in ("selectbox", "multiselect"):
                out.append((kind, (child.label, list(child.options))))
            elif kind == "date_input":
                out.append(("date_input", (child.label, child.value)))
            elif kind == "toggle":
                out.append(("toggle", child.label))
            elif kind == "download_button":
                out.append(("markdown", "Download"))
            elif kind == "html":
                out.append(("html", child.proto.body))
            walk(child)

    walk(at._tree)
    return out


def _bare_page(spec_path: str) -> None:
    """The same figures, tables, texts and controls with plain Streamlit and plotly calls (no assessment code)."""
    import pickle

    import plotly.graph_objects as go
    import streamlit as st

    @st.cache_resource
    def load(path: str):
        with open(path, "rb") as f:
            return pickle.load(f)

    for kind, value in load(spec_path):
        if kind == "markdown":
            st.markdown(value)
        elif kind == "metric":
            st.metric(value[0], value[1], delta=value[2])
        elif kind == "plotly":
            st.plotly_chart(go.Figure(value[0]), config=value[1])
        elif kind == "dataframe":
            st.dataframe(value, hide_index=True)
        elif kind == "selectbox":
            st.selectbox(value[0], value[1])
        elif kind == "multiselect":
            st.multiselect(value[0], value[1])
        elif kind == "date_input":
            st.date_input(value[0], value=value[1])
        elif kind == "toggle":
            st.toggle(value)
        elif kind == "html":
            st.html(value)


def _page_ratio(file: str, params: dict[str, str], repeat: int) -> dict:
    """Warm rerun of our page (router, data access, scoring, charts) against the bare replay of its output."""
    import pickle
    import tempfile

    from streamlit.testing.v1 import AppTest

    _bench_database()
    ours_at = _our_page(file, params)
    rendered = _rendered(ours_at)
    with tempfile.NamedTemporaryFile(suffix=".pickle", delete=False) as f:
        pickle.dump(rendered, f)
    bare_at = AppTest.from_function(_bare_page, args=(f.name,), default_timeout=120)
    bare_at.run()
    if bare_at.exception:
        raise RuntimeError(f"bare page failed: {[e.value for e in bare_at.exception]}")
    ours = median_time(ours_at.run, repeat)
    baseline = median_time(bare_at.run, repeat)
    Path(f.name).unlink()
    return {
        "ours_s": ours,
        "baseline_s": baseline,
        "figures": sum(k == "plotly" for k, _ in rendered),
        "tables": sum(k == "dataframe" for k, _ in rendered),
        "elements": len(rendered),
    }


@benchmark
def bench_page_country(repeat: int) -> dict:
    """Korea's country page as of 2025-08-21 (a past date, so it also scores today): warm AppTest rerun."""
    return _page_ratio("app_pages/country.py", {"iso": "KOR", "treaty": "ets185", "as_of": "2025-08-21"}, repeat)


@benchmark
def bench_page_compare(repeat: int) -> dict:
    """The Compare grid (every Budapest obligation x every country): warm AppTest rerun."""
    return _page_ratio("app_pages/compare.py", {"treaty": "ets185"}, repeat)


@benchmark
def bench_cold_start(repeat: int) -> dict:
    """Server start to first paint in Debian's headless Chromium: our app's overview (title shown; map drawn)
    against a bare one-line Streamlit page, same server options and browser. Chromium is started first."""
    import tempfile

    from bench.harness import PROJECT, chromium, streamlit_server

    _bench_database()
    from assessment import service

    service.store()  # migrate and seed once: we time the server's start, not the first seeding
    bare = Path(tempfile.mkdtemp(prefix="accession-bench-")) / "bare.py"
    bare.write_text('import streamlit as st\nst.title("Bare page")\n')
    runs = max(2, min(repeat, 3))
    ours, drawn, baseline = [], [], []
    with chromium() as browser:
        for _ in range(runs):
            for script, title, sink in ((APP, "Accession readiness at a glance", ours), (bare, "Bare page", baseline)):
                page = browser.new_page()
                t0 = time.perf_counter()
                with streamlit_server(script, cwd=PROJECT) as base:
                    page.goto(f"{base}/")
                    page.get_by_text(title).wait_for(timeout=120_000)
                    sink.append(time.perf_counter() - t0)
                    if script == APP:
                        page.wait_for_function(
                            "document.querySelectorAll('.geolayer path.choroplethlocation').length > 50",
                            timeout=120_000,
                        )
                        drawn.append(time.perf_counter() - t0)
                page.close()
    return {
        "ours_s": statistics.median(ours),
        "baseline_s": statistics.median(baseline),
        "map_drawn_s": statistics.median(drawn),
        "runs": runs,
    }


@benchmark
def bench_browser(repeat: int) -> list[dict]:
    """What a person waits for in Debian's Chromium: Overview (map drawn), Country, Compare, Treaty and Brief
    for a returning visitor, a date change on Country, and server start to the map drawn, each against a bare
    one-line Streamlit page served the same way in the same run (bench/browser_bench.py says what "finished" is)."""
    from assessment import service
    from bench.browser_bench import browser_bench

    _bench_database()
    service.store()  # migrate and seed once: the servers then start on a ready database
    return browser_bench(repeat)


@benchmark
def bench_excel_export(repeat: int) -> dict:
    """Styled gap report of 200 synthetic countries (and of every shipped country) against XlsxWriter in
    constant-memory mode writing the same cells unstyled."""
    from bench.excel_bench import export_bench

    return export_bench(repeat)


@benchmark
def bench_excel_import(repeat: int) -> dict:
    """Reading an unedited 200-country workbook into an import plan against a raw openpyxl read-only pass."""
    from bench.excel_bench import import_bench

    return import_bench(repeat)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=sorted(BENCHMARKS), help="run one benchmark")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per measurement (median is reported)")
    args = parser.parse_args()
    names = [args.only] if args.only else sorted(BENCHMARKS)
    for name in names:
        result = BENCHMARKS[name](args.repeat)
        for figures in result if isinstance(result, list) else [{"name": name, **result}]:
            print(json.dumps(_line(figures)), flush=True)
    return 0


def _line(figures: dict) -> dict:
    line = {
        "name": figures.pop("name"),
        "ours_s": round(figures.pop("ours_s"), 6),
        "baseline_s": round(figures.pop("baseline_s"), 6),
    }
    line["ratio"] = round(line["ours_s"] / line["baseline_s"], 4) if line["baseline_s"] else None
    line.update({k: round(v, 6) if isinstance(v, float) else v for k, v in figures.items()})
    return line


if __name__ == "__main__":
    sys.exit(main())
