"""Versioned saves under concurrent writers, against a plain single-row UPDATE on the same database."""

from __future__ import annotations

import os
import statistics
import tempfile
import threading
import time
import uuid

from sqlalchemy import create_engine, event, text

from assessment.catalog import load_catalog
from assessment.models import Finding
from assessment.store import SYSTEM, Role, StaleVersion, Store
from assessment.store.db import make_engine, writer


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _run_threads(n_writers: int, work) -> list[float]:  # type: ignore[no-untyped-def]
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(n_writers)

    def run(i: int) -> None:
        barrier.wait()
        mine = work(i)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n_writers)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return latencies


def measure(url: str, saves_per_writer: int = 50, n_writers: int = 4, same_country: bool = False) -> dict:
    """Each writer edits its own country (or, with same_country, all of them one country: those saves queue on
    the country's row lock by design, so that figure is shown for information, not held to the target)."""
    catalog = load_catalog()
    store = Store.open(catalog, url)
    assessed = sorted(
        c
        for c, country in catalog.countries.items()
        if sum(1 for a in country.assessments if a.findings) >= 3 * n_writers
    )
    codes = (
        ["KOR" if "KOR" in assessed else assessed[0]] * n_writers
        if same_country or len(assessed) < n_writers
        else assessed[:n_writers]
    )
    # per writer: (country, its elements, a provision of that country to cite)
    work = []
    for i, iso3 in enumerate(codes):
        country = catalog.countries[iso3]
        elements = [a.element for a in country.assessments if a.findings]
        mine = elements[3 * i : 3 * i + 3] if same_country else elements[:3]
        work.append((iso3, mine, next(a.findings[0].provision for a in country.assessments if a.findings)))
    # What one save costs the database: SQL statements and transactions sent while a timed save runs (the
    # connection's pre-ping and BEGIN/COMMIT are one round trip each on top; the plain UPDATE is 1 and 1).
    timing = threading.local()
    sent = {"statements": 0, "transactions": 0}
    sent_lock = threading.Lock()

    def _count(kind: str):  # type: ignore[no-untyped-def]
        def count(*_args) -> None:  # type: ignore[no-untyped-def]
            if getattr(timing, "on", False):
                with sent_lock:
                    sent[kind] += 1

        return count

    event.listen(store.engine, "before_cursor_execute", _count("statements"))
    event.listen(store.engine, "begin", _count("transactions"))
    users = [
        store.add_user(SYSTEM, f"bench-{uuid.uuid4().hex[:8]}", Role.editor, "password-long-1", sorted(set(codes)))
        for _ in range(n_writers)
    ]
    stale = [0]

    def versioned(i: int) -> list[float]:
        out = []
        iso3, elements, provision = work[i]
        # Each writer mostly edits two elements and every fourth save a third one; every save call is timed,
        # refused ones included.
        for n in range(saves_per_writer):
            element = elements[2 if n % 4 == 3 else n % 2]
            current = store.assessment(iso3, element)  # what the page showed
            timing.on = True
            t0 = time.perf_counter()
            try:
                store.save_assessment(
                    users[i],
                    iso3,
                    element,
                    findings=[Finding(provision=provision, extent="partial")],
                    judgment=None,
                    note=f"bench {i}-{n}",
                    expected_version=current.version,
                )
            except StaleVersion:
                stale[0] += 1
            out.append(time.perf_counter() - t0)
            timing.on = False
        return out

    ours = _run_threads(n_writers, versioned)
    plain_engine = writer(make_engine(url))
    # The same conditions as the versioned writers had: their pool held open connections (so no timed write
    # paid for connecting), and each of them read the row before writing, which loads the other writers too.
    warm = [plain_engine.connect() for _ in range(n_writers)]
    for conn in warm:
        conn.execute(text("SELECT 1"))
        conn.close()

    def plain(i: int) -> list[float]:
        out = []
        iso3, elements, _ = work[i]
        for n in range(saves_per_writer):
            element = elements[n % len(elements)]
            store.assessment(iso3, element)  # what the page showed, as above
            t0 = time.perf_counter()
            with plain_engine.begin() as conn:
                conn.execute(
                    text("UPDATE assessments SET note = :note WHERE iso3 = :iso3 AND element = :element"),
                    {"note": f"plain {i}-{n}", "iso3": iso3, "element": element},
                )
            out.append(time.perf_counter() - t0)
        return out

    baseline = _run_threads(n_writers, plain)
    plain_engine.dispose()
    store.engine.dispose()
    return {
        "p50_s": statistics.median(ours),
        "p95_s": _percentile(ours, 0.95),
        "plain_p50_s": statistics.median(baseline),
        "plain_p95_s": _percentile(baseline, 0.95),
        "saves": len(ours),
        "statements_per_save": sent["statements"] / len(ours),
        "transactions_per_save": sent["transactions"] / len(ours),
        "stale_refused": stale[0],
        "countries": len(set(codes)),
    }


def fresh_postgres_url() -> tuple[str, callable] | None:  # type: ignore[valid-type]
    admin_url = os.environ.get("ASSESSMENT_TEST_POSTGRES_URL")
    if not admin_url:
        return None
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin_url.rsplit("/", 1)[0] + f"/{name}", drop


def bench(saves_per_writer: int = 50) -> dict:
    folder = tempfile.mkdtemp(prefix="accession-bench-")
    sqlite = measure(f"sqlite:///{folder}/bench.sqlite", saves_per_writer)
    out = {
        "ours_s": sqlite["p95_s"],
        "baseline_s": sqlite["plain_p95_s"],
        "sqlite_p50_s": sqlite["p50_s"],
        "sqlite_p95_s": sqlite["p95_s"],
        "sqlite_plain_p50_s": sqlite["plain_p50_s"],
        "sqlite_plain_p95_s": sqlite["plain_p95_s"],
        "sqlite_stale_refused": sqlite["stale_refused"],
        "sqlite_statements_per_save": sqlite["statements_per_save"],
        "writers": 4,
        "countries": sqlite["countries"],
        "saves": sqlite["saves"],
    }
    pg = fresh_postgres_url()
    if pg is None:
        out["postgresql"] = "not measured: set ASSESSMENT_TEST_POSTGRES_URL (scripts/postgres-test-server)"
        return out
    url, drop = pg
    try:
        res = measure(url, saves_per_writer)
        same = measure(url, saves_per_writer, same_country=True)
    finally:
        drop()
    out.update(
        {
            "postgresql_p50_s": res["p50_s"],
            "postgresql_p95_s": res["p95_s"],
            "postgresql_plain_p50_s": res["plain_p50_s"],
            "postgresql_plain_p95_s": res["plain_p95_s"],
            "postgresql_stale_refused": res["stale_refused"],
            "postgresql_statements_per_save": res["statements_per_save"],
            "postgresql_transactions_per_save": res["transactions_per_save"],
            "postgresql_ratio": res["p95_s"] / res["plain_p95_s"],
            "postgresql_same_country_p95_s": same["p95_s"],
            "postgresql_same_country_plain_p95_s": same["plain_p95_s"],
        }
    )
    return out
