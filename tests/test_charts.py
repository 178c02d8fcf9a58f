"""assessment.charts: status colours defined once, data shapes, and the figures the pages draw."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from assessment.catalog import PROJECT_ROOT, Catalog
from assessment.charts import (
    PLOTLY_CONFIG,
    chapter_bars,
    filter_obligations,
    obligation_meta,
    ranking_frame,
    register_frame,
    timeline,
    world_map,
)
from assessment.scoring import Engine
from assessment.vocab import REGISTER_STYLE, STATUS_STYLE, STATUSES, RegisterStatus, Status, percent, status_badge

BEFORE_BILL = dt.date(2025, 8, 21)


@pytest.fixture(scope="module")
def mini(mini_catalog: Catalog) -> Engine:
    return Engine.from_catalog(mini_catalog)


def _luminance(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_every_status_has_one_distinct_colour_symbol_and_label() -> None:
    assert tuple(STATUS_STYLE) == STATUSES == tuple(Status)
    for styles in (STATUS_STYLE, REGISTER_STYLE):
        assert len({s.colour for s in styles.values()}) == len(styles)
        assert len({s.symbol for s in styles.values()}) == len(styles), "colour must never be the only cue"
        assert len({s.label for s in styles.values()}) == len(styles)
    assert set(REGISTER_STYLE) == set(RegisterStatus)


def test_symbols_are_readable_on_their_colour() -> None:
    for style in [*STATUS_STYLE.values(), *REGISTER_STYLE.values()]:
        assert _contrast(style.colour, style.ink) >= 3.0, style


def test_badges_and_percentages_read_as_words() -> None:
    assert status_badge("missing") == "✗ Missing"
    assert status_badge(Status.in_place) == "✓ In place"
    assert percent(0.626) == "63%" and percent(1.0) == "100%"
    assert percent(None) == "not assessed" and percent(float("nan")) == "not assessed"  # never 0%


def test_maps_draw_from_the_local_topology() -> None:
    assert PLOTLY_CONFIG["topojsonURL"] == "/app/static/topojson/"
    assert (PROJECT_ROOT / "static" / "topojson" / "world_110m.json").stat().st_size > 100_000


def test_obligation_meta_lists_scored_obligations_with_their_chapter(mini_catalog: Catalog) -> None:
    meta = obligation_meta(mini_catalog.treaty("tst1"))
    assert list(meta["id"]) == ["tst1.art2", "tst1.art3", "tst1.art4.1a", "tst1.art4.1b", "tst1.art5"]
    assert meta.set_index("id").loc["tst1.art3", "chapter"] == "tst1.ch2"
    assert meta.set_index("id").loc["tst1.art2", "chapter_label"] == "Ch. I Offences"
    assert list(filter_obligations(meta, ["tst1.ch1"])["id"]) == ["tst1.art2"]
    assert list(filter_obligations(meta, kinds=["permissive"])["id"]) == ["tst1.art5"]
    assert filter_obligations(meta, ["tst1.ch1"], ["permissive"]).empty
    assert len(filter_obligations(meta)) == len(meta)


def test_register_frame_keeps_sources_and_verified_marks(catalog: Catalog) -> None:
    register = catalog.registers["ets185"]
    frame = register_frame(register)
    assert len(frame) == len(register.entries)
    assert frame["source_url"].str.startswith("http").all()
    assert set(frame["status"]) <= {s.value for s in RegisterStatus}
    assert register_frame(None).empty


def test_ranking_puts_the_best_score_first_and_shows_bills_beside_it(engine: Engine, catalog: Catalog) -> None:
    today = dt.date.today()
    now, bills = engine.score_all(today).treaties, engine.score_all(today, with_bills=True).treaties
    names = {c: catalog.countries[c].name for c in catalog.countries}
    ranking = ranking_frame(now, bills, "ets185", names, register_frame(catalog.registers["ets185"]))
    assert set(ranking["country"]) == set(catalog.countries)
    scores = ranking["score"].dropna().to_numpy()
    assert (np.diff(scores) <= 1e-12).all()
    for _, row in ranking.iterrows():
        assert row["score"] == pytest.approx(engine.score_country(row["country"], "ets185", today).score)
        assert row["score_with_bills"] == pytest.approx(
            engine.score_country(row["country"], "ets185", today, True).score
        )


def test_world_map_has_one_trace_per_treaty_status_and_scores_for_assessed(engine: Engine, catalog: Catalog) -> None:
    register = register_frame(catalog.registers["ets185"])
    today = dt.date.today()
    ranking = ranking_frame(
        engine.score_all(today).treaties, engine.score_all(today, True).treaties, "ets185", {}, register
    )
    fig = world_map(register, ranking, "Budapest Convention")
    choropleths = [t for t in fig.data if t.type == "choropleth"]
    assert {t.name for t in choropleths} == {
        REGISTER_STYLE[RegisterStatus(s)].label for s in register["status"].unique()
    }
    assert sum(len(t.locations) for t in choropleths) == len(register)
    assert all(t.locationmode == "ISO-3" for t in choropleths)
    markers = [t for t in fig.data if t.type == "scattergeo"]
    assert len(markers) == 1 and set(markers[0].locations) == set(ranking.dropna(subset=["score"])["country"])
    assert fig.layout.geo.resolution == 110 and fig.layout.geo.scope == "world"


def test_world_map_without_register_or_scores_is_empty_not_broken() -> None:
    empty_rank = pd.DataFrame(columns=["country", "name", "score", "critical_gaps"])
    fig = world_map(register_frame(None), empty_rank, "X")
    assert len(fig.data) == 0


def test_chapter_bars_show_today_only_when_the_date_differs(mini: Engine) -> None:
    now = mini.score_country("AAA", "tst1", BEFORE_BILL)
    bills = mini.score_country("AAA", "tst1", BEFORE_BILL, with_bills=True)
    two = chapter_bars(now.chapters, bills.chapters, as_of=BEFORE_BILL)
    three = chapter_bars(
        now.chapters, bills.chapters, mini.score_country("AAA", "tst1", dt.date(2026, 7, 1)).chapters, as_of=BEFORE_BILL
    )
    assert len(two.data) == 2 and len(three.data) == 3
    assert list(two.data[0].x) == pytest.approx(list(np.nan_to_num(now.chapters["score"])))
    assert list(two.data[1].text) == [percent(v) for v in bills.chapters["score"]]


def test_timeline_separates_verified_from_unverified() -> None:
    events = pd.DataFrame(
        {
            "date": [dt.date(2023, 2, 1), dt.date(2025, 12, 12)],
            "kind": ["invitation", "law_passed"],
            "title": ["Invited", "Passed"],
            "verified": [True, False],
        }
    )
    fig = timeline(events, dt.date(2025, 8, 21))
    assert [t.name for t in fig.data] == ["verified", "unverified"]
    assert list(fig.data[0].y) == ["Accession steps"] and list(fig.data[1].y) == ["Law changes"]
    assert len(timeline(events.iloc[:0]).data) == 0


def test_timeline_marks_the_chosen_date_and_today_and_labels_both() -> None:
    """Issue 20: on a past date the timeline shows where the reader stands and where today is."""
    events = pd.DataFrame([{"date": dt.date(2025, 12, 12), "kind": "law_passed", "title": "passed", "verified": True}])
    past = timeline(events, dt.date(2025, 8, 21), "en", today=dt.date(2026, 12, 6))
    labels = [a.text for a in past.layout.annotations]
    assert labels == ["as of 21 Aug 2025", "today, 6 Dec 2026"] and len(past.layout.shapes) == 2
    same = timeline(events, dt.date(2026, 12, 6), "ko", today=dt.date(2026, 12, 6))
    assert len(same.layout.shapes) == 1 and "2026년 12월 6일" in same.layout.annotations[0].text
