"""assessment.grids: the Compare page's status table, its colours and where a click on a cell goes."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from assessment.catalog import Catalog
from assessment.charts import obligation_meta
from assessment.grids import ARTICLE, OBLIGATION, status_grid
from assessment.scoring import Engine
from assessment.vocab import STATUS_STYLE, Status

BEFORE_BILL = dt.date(2025, 8, 21)


@pytest.fixture(scope="module")
def mini(mini_catalog: Catalog) -> Engine:
    return Engine.from_catalog(mini_catalog)


def test_each_cell_names_the_status_a_country_has_for_an_obligation(mini: Engine, mini_catalog: Catalog) -> None:
    meta = obligation_meta(mini_catalog.treaty("tst1"))
    grid = status_grid(mini.score_all(BEFORE_BILL).obligations("tst1"), meta, {"AAA": "Testland"})
    expected = mini.score_country("AAA", "tst1", BEFORE_BILL).obligations.set_index("id")["status"].astype(str)
    assert list(grid.table.columns) == [ARTICLE, OBLIGATION, "AAA"] and grid.countries == {"AAA": "Testland"}
    assert grid.obligations == list(meta["id"])
    assert list(grid.table[OBLIGATION]) == list(meta["title"]) and list(grid.table[ARTICLE]) == list(meta["label"])
    assert list(grid.table["AAA"]) == [STATUS_STYLE[Status(expected[o])].badge for o in meta["id"]]
    assert len(set(grid.table["AAA"])) > 1  # the mini data has more than one status, so the check above means something


def test_a_click_on_a_country_cell_opens_that_obligation_and_other_cells_open_nothing(
    mini: Engine, mini_catalog: Catalog
) -> None:
    meta = obligation_meta(mini_catalog.treaty("tst1"))
    grid = status_grid(mini.score_all(BEFORE_BILL).obligations("tst1"), meta, {})
    last = len(meta) - 1
    assert grid.at(0, "AAA") == ("AAA", meta["id"].iloc[0]) and grid.at(last, "AAA") == ("AAA", meta["id"].iloc[last])
    assert grid.at(0, ARTICLE) is None and grid.at(0, OBLIGATION) is None
    assert grid.at(last + 1, "AAA") is None and grid.at(-1, "AAA") is None and grid.at(0, "ZZZ") is None


def test_cells_take_their_status_colours_and_a_country_without_a_status_stays_blank(mini_catalog: Catalog) -> None:
    meta = obligation_meta(mini_catalog.treaty("tst1"))
    first, second = meta["id"].iloc[0], meta["id"].iloc[1]
    long = pd.DataFrame(
        {
            "country": ["AAA", "AAA", "BBB"],
            "obligation": [first, second, first],
            "status": [Status.missing.value, Status.in_place.value, Status.partial.value],
        }
    )
    grid = status_grid(long, meta, {"BBB": "Bland"})
    assert grid.countries == {"AAA": "AAA", "BBB": "Bland"}
    assert grid.table.loc[1, "BBB"] == ""  # no status: an empty cell, not "nan" or a made-up status
    styles = grid.styled()._compute().ctx  # (row, column position) -> [(css property, value)]
    col = {c: i for i, c in enumerate(grid.table.columns)}
    for (row, iso), status in (
        ((0, "AAA"), Status.missing),
        ((1, "AAA"), Status.in_place),
        ((0, "BBB"), Status.partial),
    ):
        css = dict(styles[(row, col[iso])])
        assert css == {"background-color": STATUS_STYLE[status].colour, "color": STATUS_STYLE[status].ink}
    assert not styles.get((1, col["BBB"])) and not styles.get((0, col[OBLIGATION]))
