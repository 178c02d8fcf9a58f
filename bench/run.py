"""Benchmarks: each prints one JSON line {"name", "ours_s", "baseline_s", "ratio", ...extra figures}.

The baseline is always measured in the same run on the same machine, so the ratio means something wherever it
runs. Times are medians of repeated runs. Usage: python bench/run.py [--only NAME] [--repeat N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assessment import scoring_reference  # noqa: E402
from assessment.catalog import load_catalog  # noqa: E402
from assessment.scoring import Engine  # noqa: E402
from assessment.synthetic import synthetic_records  # noqa: E402

BENCHMARKS: dict[str, Callable[[int], dict]] = {}


def benchmark(fn: Callable[[int], dict]) -> Callable[[int], dict]:
    BENCHMARKS[fn.__name__.removeprefix("bench_")] = fn
    return fn


def median_time(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm up
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


@benchmark
def bench_scoring(repeat: int) -> dict:
    """200 synthetic countries x every shipped treaty, every element, one date: vectorised vs plain loops."""
    catalog = load_catalog()
    treaties = list(catalog.treaties.values())
    records = synthetic_records(treaties, 200, seed=2025)
    when = dt.date(2025, 8, 21)
    t0 = time.perf_counter()
    engine = Engine.from_records(treaties, records)
    build_s = time.perf_counter() - t0
    ours = median_time(lambda: engine.score_all(when).treaties, repeat)
    baseline = median_time(lambda: scoring_reference.score_all(treaties, records, when), max(3, repeat // 4))
    first = records.countries[0]
    big = max(catalog.treaties, key=lambda t: len(catalog.treaties[t].obligations()))

    def one_country() -> None:
        r = engine.score_country(first, big, when)
        _ = (r.score, r.coverage, r.critical_gaps, r.obligations, r.chapters)  # what a dashboard rerun reads

    one = median_time(one_country, repeat * 5)
    return {
        "ours_s": ours,
        "baseline_s": baseline,
        "one_country_s": one,
        "build_s": build_s,
        "countries": len(records.countries),
        "treaties": len(treaties),
        "element_records": len(records.elements),
    }


@benchmark
def bench_save(repeat: int) -> dict:
    """p50/p95 of one versioned save (read, validate, conditional UPDATE, audit) with 4 concurrent writers on
    SQLite and PostgreSQL, against a plain single-row UPDATE with the same writers. ours_s/baseline_s are p95."""
    from bench.save_bench import bench

    return bench(saves_per_writer=max(25, repeat * 2))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=sorted(BENCHMARKS), help="run one benchmark")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per measurement (median is reported)")
    args = parser.parse_args()
    names = [args.only] if args.only else sorted(BENCHMARKS)
    for name in names:
        figures = BENCHMARKS[name](args.repeat)
        line = {"name": name, "ours_s": round(figures.pop("ours_s"), 6), "baseline_s": round(figures.pop("baseline_s"), 6)}
        line["ratio"] = round(line["ours_s"] / line["baseline_s"], 4) if line["baseline_s"] else None
        line.update({k: round(v, 6) if isinstance(v, float) else v for k, v in figures.items()})
        print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
