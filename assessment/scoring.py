"""Readiness scores: element -> obligation -> article -> section -> chapter -> treaty, at any date.

The formula (also in docs/scoring.md; this is the one place it is implemented):

* **Element status at a date D.** An explicit judgment (missing, not_applicable, reserved, unknown) wins.
  Otherwise a finding *counts* when its provision is in force on D (in_force <= D and not repealed by D).
  Any counting `full` finding -> in_place; else any counting `partial` -> partial; findings exist but none
  counts (a bill, or a law passed but not in force) -> missing; no finding and no judgment -> unknown.
  "With bills" counts every provision introduced by D that has not lapsed or been repealed by D; it is a
  projection shown beside the score, never blended into it.
* **Element score.** in_place 1, partial 0.5, missing 0, unknown 0. not_applicable and reserved leave the
  denominator, and so do elements marked `optional` (options the treaty offers, shown but not scored).
* **Obligation score** = sum(weight_e * score_e) / sum(weight_e) over its counted elements.
* **Article, section, chapter, treaty score** = weighted mean of the level below, where each unit weighs the
  sum of the weights of its scored obligations (so splitting an article into paragraphs does not give it
  more weight). Obligations with no counted element (all reserved / not applicable) leave the mean.
* **Carried over.** An element of another treaty that the country has not assessed itself (no finding, no
  judgment) takes its status through the crosswalk links to ETS 185: each link gives the status its ETS 185
  basis elements have together, by the obligation-status rule below (not_applicable and reserved basis
  elements are not counted); a `superset` or `intersect` link gives at most partial (the rest needs its own
  assessment); of several links the strongest wins (in_place > partial > missing > unknown). A carried
  element is verified only when its links were checked against both texts and every basis element is verified.
* **Nothing assessed.** A treaty none of whose scored elements has a status other than unknown has no score
  (null, "not assessed"), never 0%.
* **Coverage** = share of a treaty's scored elements whose status is not `unknown`.
* **Obligation status**: reserved / not_applicable when nothing is counted; in_place when every counted
  element is in place; unknown when every counted element is unknown; partial when any is in place or
  partial; otherwise missing.
* **Critical gap**: a mandatory obligation (criminalise, empower, ensure, cooperate, designate) whose status
  is missing, or one of whose `core` elements is missing. Reserved elements are never gaps.

Implementation: the catalog is compiled once into NumPy arrays (country x element grids, a findings table
sorted by cell, provision lifecycles as day ordinals); a score is then a handful of vectorised operations
(`reduceat` over contiguous obligation and chapter segments), returned as pandas DataFrames. Scoring every
country costs the same operations as scoring one, on a bigger grid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from .catalog import Catalog
from .models import Obligation, Treaty
from .records import EvidenceRecords, records_from_catalog
from .vocab import ASSESSED_ENOUGH, OPEN_STATUSES, STATUS_POINTS, STATUSES, Status

IN_PLACE, PARTIAL, MISSING, UNKNOWN, NOT_APPLICABLE, RESERVED = (STATUSES.index(s) for s in Status)
STATUS_CODE = {s: i for i, s in enumerate(STATUSES)}
OPEN_CODES = frozenset(STATUS_CODE[s] for s in OPEN_STATUSES)
NEVER = 10**8  # a day ordinal after any real date


def element_points() -> np.ndarray:
    """Points per status code, read from vocab.STATUS_POINTS on every scoring run (six numbers: no cost)."""
    return np.array([STATUS_POINTS[s] for s in STATUSES], dtype=float)


def _ordinal(d: dt.date | None) -> int:
    return d.toordinal() if d is not None else NEVER


# --------------------------------------------------------------------------------------------- structure


@dataclass
class Structure:
    """Every scored obligation and element of the given treaties, sorted so each group is a contiguous run."""

    treaties: list[Treaty]
    obligations: list[Obligation]
    element_ids: list[str]
    e_obligation: np.ndarray
    e_weight: np.ndarray
    e_core: np.ndarray
    e_optional: np.ndarray
    o_treaty: np.ndarray
    o_chapter: np.ndarray
    o_section: np.ndarray
    o_article: np.ndarray
    o_weight: np.ndarray
    o_mandatory: np.ndarray
    o_element_start: np.ndarray
    chapters: list[tuple[str, str, str, str]]  # (treaty, chapter id, number, title)
    sections: list[tuple[str, str, str]]  # (treaty, section id, title)
    articles: list[tuple[str, str, str]]  # (treaty, number, title)
    treaty_obligations: dict[str, tuple[int, int]]  # treaty -> [start, end) in obligations
    treaty_elements: dict[str, tuple[int, int]]

    @cached_property
    def element_index(self) -> dict[str, int]:
        return {e: i for i, e in enumerate(self.element_ids)}

    @classmethod
    def build(cls, treaties: list[Treaty]) -> Structure:
        obligations: list[Obligation] = []
        e_ids: list[str] = []
        e_obl, e_w, e_core, e_opt = [], [], [], []
        o_t, o_c, o_s, o_a, o_w, o_m, o_start = [], [], [], [], [], [], []
        chapters, sections, articles = [], [], []
        t_obl, t_el = {}, {}
        for ti, t in enumerate(treaties):
            section_rank = {s.id: (ci, si) for ci, c in enumerate(t.chapters) for si, s in enumerate(c.sections)}
            chapter_base, section_base = len(chapters), len(sections)
            chapters += [(t.id, c.id, c.number, c.title) for c in t.chapters]
            sec_flat = [(t.id, s.id, s.title) for c in t.chapters for s in c.sections]
            sec_pos = {s[1]: section_base + i for i, s in enumerate(sec_flat)}
            sections += sec_flat
            ordered = sorted(
                ((section_rank[a.section], ai, a) for ai, a in enumerate(t.articles)), key=lambda x: (x[0], x[1])
            )
            o_begin, e_begin = len(obligations), len(e_ids)
            for (ci, _si), _ai, a in ordered:
                scored = [o for o in a.obligations if o.elements]
                if not scored:
                    continue
                article_index = len(articles)
                articles.append((t.id, a.number, a.title))
                for o in scored:
                    oi = len(obligations)
                    obligations.append(o)
                    o_t.append(ti)
                    o_c.append(chapter_base + ci)
                    o_s.append(sec_pos[a.section])
                    o_a.append(article_index)
                    o_w.append(o.weight)
                    o_m.append(o.mandatory)
                    o_start.append(len(e_ids))
                    for e in o.elements:
                        e_ids.append(e.id)
                        e_obl.append(oi)
                        e_w.append(e.weight)
                        e_core.append(e.core)
                        e_opt.append(e.optional)
            t_obl[t.id] = (o_begin, len(obligations))
            t_el[t.id] = (e_begin, len(e_ids))
        return cls(
            treaties=list(treaties),
            obligations=obligations,
            element_ids=e_ids,
            e_obligation=np.array(e_obl, dtype=np.int64),
            e_weight=np.array(e_w, dtype=float),
            e_core=np.array(e_core, dtype=bool),
            e_optional=np.array(e_opt, dtype=bool),
            o_treaty=np.array(o_t, dtype=np.int64),
            o_chapter=np.array(o_c, dtype=np.int64),
            o_section=np.array(o_s, dtype=np.int64),
            o_article=np.array(o_a, dtype=np.int64),
            o_weight=np.array(o_w, dtype=float),
            o_mandatory=np.array(o_m, dtype=bool),
            o_element_start=np.array(o_start, dtype=np.int64),
            chapters=chapters,
            sections=sections,
            articles=articles,
            treaty_obligations=t_obl,
            treaty_elements=t_el,
        )


# ---------------------------------------------------------------------------------------------- carrying

_RANK = np.array([3, 2, 1, 0, -1, -1], dtype=np.int8)  # in_place > partial > missing > unknown; n/a, reserved never win
_BY_RANK = np.array([UNKNOWN, MISSING, PARTIAL, IN_PLACE], dtype=np.int8)


@dataclass
class Carry:
    """Crosswalk links as arrays: which elements may take their status from which ETS 185 elements.

    Each link gives its element the status its basis elements have together (by the obligation-status rule:
    in_place when all counted are in place, unknown when all are unknown, partial when any is in place or
    partial, else missing; not_applicable and reserved basis elements are not counted), capped at partial for
    superset / intersect links. An element with several links takes the strongest; an element the country
    assessed itself keeps its own status.
    """

    target: np.ndarray  # (L,) element index per link, sorted
    basis: np.ndarray  # basis element indices, concatenated
    basis_start: np.ndarray  # (L,) where each link's basis begins
    capped: np.ndarray  # (L,)
    verified: np.ndarray  # (L,)
    run_start: np.ndarray  # first link of each target
    run_target: np.ndarray  # target element index of each run

    @classmethod
    def build(cls, records: EvidenceRecords, structure: Structure) -> Carry:
        index = structure.element_index
        links = sorted(
            (index[c.element], [index[b] for b in c.basis], c.capped, c.verified)
            for c in records.carries
            if c.element in index and all(b in index for b in c.basis)
        )
        basis_start = (
            np.cumsum([0] + [len(b) for _, b, _, _ in links[:-1]]).astype(np.int64) if links else np.zeros(0, np.int64)
        )
        target = np.array([t for t, _, _, _ in links], dtype=np.int64)
        run_start, run_target = _groups(target)
        return cls(
            target=target,
            basis=np.array([i for _, b, _, _ in links for i in b], dtype=np.int64),
            basis_start=basis_start,
            capped=np.array([c for _, _, c, _ in links], dtype=bool),
            verified=np.array([v for _, _, _, v in links], dtype=bool),
            run_start=run_start,
            run_target=run_target,
        )

    def link_codes(self, codes: np.ndarray) -> np.ndarray:
        """Status each link carries, shape (countries, links), from the element codes (countries, elements)."""
        basis = codes[:, self.basis]
        counted = basis <= UNKNOWN
        n = {
            k: _segment_sum(((basis == k) & counted).astype(np.int32), self.basis_start)
            for k in (IN_PLACE, PARTIAL, UNKNOWN)
        }
        n_counted = _segment_sum(counted.astype(np.int32), self.basis_start)
        carried = np.select(
            [n_counted == 0, n[IN_PLACE] == n_counted, n[UNKNOWN] == n_counted, (n[IN_PLACE] + n[PARTIAL]) > 0],
            [UNKNOWN, IN_PLACE, UNKNOWN, PARTIAL],
            default=MISSING,
        ).astype(np.int8)
        return np.where(self.capped & (carried == IN_PLACE), PARTIAL, carried).astype(np.int8)

    def apply(self, codes: np.ndarray, direct: np.ndarray) -> np.ndarray:
        """Element codes with the carried statuses filled in where the country has no status of its own."""
        if self.target.size == 0:
            return codes
        best = np.maximum.reduceat(_RANK[self.link_codes(codes)], self.run_start, axis=1)
        carried = _BY_RANK[np.maximum(best, 0)]
        out = codes.copy()
        own = direct[:, self.run_target]
        out[:, self.run_target] = np.where(own, codes[:, self.run_target], carried)
        return out


# ---------------------------------------------------------------------------------------------- evidence


@dataclass
class Evidence:
    """Country findings and judgments as arrays over the (country, element) grid."""

    countries: list[str]
    provision_keys: list[str]
    citations: list[str]
    p_start: np.ndarray
    p_in_force: np.ndarray
    p_repealed: np.ndarray
    p_lapsed: np.ndarray
    f_provision: np.ndarray  # findings sorted by cell
    f_full: np.ndarray
    f_verified: np.ndarray
    p_dates_verified: np.ndarray
    p_verified_from: np.ndarray  # day ordinal from which being in force is a checked fact
    judgment_verified: np.ndarray  # bool grid
    cell_ids: np.ndarray  # distinct cells that have findings (country * n_elements + element), sorted
    cell_starts: np.ndarray  # first finding of each of those cells
    country_cells: np.ndarray  # country c's cells are cell_ids[country_cells[c]:country_cells[c+1]]
    judgment: np.ndarray  # int8 grid, -1 = no judgment
    direct: np.ndarray  # bool grid: the country assessed the element itself (a finding or a judgment)
    carry: Carry

    @cached_property
    def country_index(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.countries)}

    @classmethod
    def build(cls, records: EvidenceRecords, structure: Structure) -> Evidence:
        countries = list(records.countries)
        c_index = {c: i for i, c in enumerate(countries)}
        p_index = {p.key: i for i, p in enumerate(records.provisions)}
        n_elements = len(structure.element_ids)
        e_index = structure.element_index
        judgment = np.full((len(countries), n_elements), -1, dtype=np.int8)
        judgment_verified = np.zeros((len(countries), n_elements), dtype=bool)
        cells, provs, fulls, verified = [], [], [], []
        for rec in records.elements:
            e = e_index.get(rec.element)
            if e is None:  # an element of a treaty not being scored
                continue
            cell = c_index[rec.country] * n_elements + e
            if rec.judgment is not None:
                judgment.flat[cell] = STATUS_CODE[rec.judgment]
                judgment_verified.flat[cell] = rec.judgment_verified
            for i, (key, full) in enumerate(rec.findings):
                cells.append(cell)
                provs.append(p_index[key])
                fulls.append(full)
                verified.append(rec.verified[i] if i < len(rec.verified) else False)
        cell_arr = np.array(cells, dtype=np.int64)
        order = np.argsort(cell_arr, kind="stable")
        cell_arr = cell_arr[order]
        cell_ids, cell_starts = np.unique(cell_arr, return_index=True)
        country_cells = np.searchsorted(cell_ids, np.arange(len(countries) + 1) * n_elements)
        direct = judgment >= 0
        direct.flat[cell_ids] = True
        return cls(
            countries=countries,
            provision_keys=[p.key for p in records.provisions],
            citations=[p.citation for p in records.provisions],
            p_start=np.array([_ordinal(p.start) for p in records.provisions], dtype=np.int64),
            p_in_force=np.array([_ordinal(p.in_force) for p in records.provisions], dtype=np.int64),
            p_repealed=np.array([_ordinal(p.repealed) for p in records.provisions], dtype=np.int64),
            p_lapsed=np.array([_ordinal(p.lapsed) for p in records.provisions], dtype=np.int64),
            f_provision=np.array(provs, dtype=np.int64)[order],
            f_full=np.array(fulls, dtype=bool)[order],
            f_verified=np.array(verified, dtype=bool)[order],
            p_dates_verified=np.array([p.dates_verified for p in records.provisions], dtype=bool),
            p_verified_from=np.array([_ordinal(p.verified_from) for p in records.provisions], dtype=np.int64),
            judgment_verified=judgment_verified,
            cell_ids=cell_ids,
            cell_starts=cell_starts,
            country_cells=country_cells,
            judgment=judgment,
            direct=direct,
            carry=Carry.build(records, structure),
        )

    def counting(self, day: int, with_bills: bool) -> np.ndarray:
        """Which provisions count on `day`: in force, or (with bills) at any stage and still alive."""
        if with_bills:
            return (self.p_start <= day) & (self.p_repealed > day) & (self.p_lapsed > day)
        return (self.p_in_force <= day) & (self.p_repealed > day)

    def pending(self, day: int) -> np.ndarray:
        """Bills on `day`: introduced (or passed, promulgated) but not in force, not lapsed, not repealed."""
        return (self.p_start <= day) & (self.p_in_force > day) & (self.p_repealed > day) & (self.p_lapsed > day)


# ------------------------------------------------------------------------------------------------ kernel


def element_codes(ev: Evidence, n_elements: int, rows: slice, day: int, with_bills: bool) -> np.ndarray:
    """Status codes of the elements of countries `rows` (a slice) on `day`, shape (countries, elements)."""
    judgment = ev.judgment[rows]
    first, last = ev.country_cells[rows.start], ev.country_cells[rows.stop]
    codes = np.full(judgment.size, UNKNOWN, dtype=np.int8)
    if last > first:
        f_begin = ev.cell_starts[first]
        f_end = ev.cell_starts[last] if last < len(ev.cell_starts) else len(ev.f_provision)
        counting = ev.counting(day, with_bills)[ev.f_provision[f_begin:f_end]]
        value = np.where(counting, np.where(ev.f_full[f_begin:f_end], 2, 1), 0).astype(np.int8)
        best = np.maximum.reduceat(value, ev.cell_starts[first:last] - f_begin)
        local = ev.cell_ids[first:last] - rows.start * n_elements
        codes[local] = np.array([MISSING, PARTIAL, IN_PLACE], dtype=np.int8)[best]
    codes = codes.reshape(judgment.shape)
    return ev.carry.apply(np.where(judgment >= 0, judgment, codes), ev.direct[rows])


def _segment_sum(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    return np.add.reduceat(values, starts, axis=-1) if values.shape[-1] else values[..., :0]


def _groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts of runs of equal keys in a sorted key array, and the key of each run."""
    if keys.size == 0:
        return np.zeros(0, dtype=np.int64), keys
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return starts, keys[starts]


@dataclass
class Grid:
    """The result of one scoring run over a block of countries and a block of obligations."""

    countries: list[str]
    element_codes: np.ndarray  # (C, E)
    obligation_score: np.ndarray  # (C, O), NaN where nothing is counted
    obligation_code: np.ndarray  # (C, O)
    obligation_critical: np.ndarray  # (C, O)
    obligation_weight: np.ndarray  # (C, O): weight of scored obligations, 0 elsewhere
    scored_elements: np.ndarray  # (C,) non-optional elements
    unknown_elements: np.ndarray  # (C,)


def score_block(
    st: Structure,
    ev: Evidence,
    rows: slice,
    obl: tuple[int, int],
    day: int,
    with_bills: bool,
    all_codes: np.ndarray | None = None,
) -> Grid:
    """Score obligations [obl) for countries `rows`; `all_codes` reuses element codes already computed for them."""
    o0, o1 = obl
    e0 = int(st.o_element_start[o0]) if o1 > o0 else 0
    e1 = int(st.o_element_start[o1]) if o1 < len(st.obligations) else len(st.element_ids)
    if all_codes is None:
        all_codes = element_codes(ev, len(st.element_ids), rows, day, with_bills)
    codes = all_codes[:, e0:e1]
    starts = st.o_element_start[o0:o1] - e0
    optional = st.e_optional[e0:e1]
    counted = (codes <= UNKNOWN) & ~optional
    weight = st.e_weight[e0:e1] * counted
    num = _segment_sum(element_points()[codes] * weight, starts)
    den = _segment_sum(weight, starts)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
    n = {
        k: _segment_sum(((codes == k) & ~optional).astype(np.int32), starts)
        for k in (IN_PLACE, PARTIAL, UNKNOWN, RESERVED)
    }
    n_counted = _segment_sum(counted.astype(np.int32), starts)
    status = np.select(
        [n_counted == 0, n[IN_PLACE] == n_counted, n[UNKNOWN] == n_counted, (n[IN_PLACE] + n[PARTIAL]) > 0],
        [np.where(n[RESERVED] > 0, RESERVED, NOT_APPLICABLE), IN_PLACE, UNKNOWN, PARTIAL],
        default=MISSING,
    ).astype(np.int8)
    core_missing = _segment_sum(((codes == MISSING) & st.e_core[e0:e1] & ~optional).astype(np.int32), starts) > 0
    critical = st.o_mandatory[o0:o1] & ((status == MISSING) | core_missing)
    return Grid(
        countries=ev.countries[rows],
        element_codes=codes,
        obligation_score=score,
        obligation_code=status,
        obligation_critical=critical,
        obligation_weight=np.where(den > 0, st.o_weight[o0:o1], 0.0),
        scored_elements=(~optional).sum() * np.ones(codes.shape[0], dtype=np.int64),
        unknown_elements=((codes == UNKNOWN) & ~optional).sum(axis=1),
    )


def treaty_score(grid: Grid) -> np.ndarray:
    """The treaty score of each country of a grid, shape (C,): the weighted mean of its scored obligations;
    NaN when none is scored or nothing is assessed ("not assessed", never 0%). The one place the treaty level
    is computed."""
    w = grid.obligation_weight
    total = w.sum(axis=1)
    assessed = grid.unknown_elements < grid.scored_elements
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(
            (total > 0) & assessed,
            np.nansum(np.nan_to_num(grid.obligation_score) * w, axis=1) / np.where(total > 0, total, 1),
            np.nan,
        )


def coverage(grid: Grid) -> np.ndarray:
    """Share of scored elements that are not unknown, per country, shape (C,); NaN when nothing is scored."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(
            grid.scored_elements > 0, 1 - grid.unknown_elements / np.maximum(grid.scored_elements, 1), np.nan
        )


def rollup(grid: Grid, keys: np.ndarray) -> np.ndarray:
    """Weighted mean of obligation scores per run of equal `keys` (sorted); shape (C, groups). NaN if none scored."""
    starts, _ = _groups(keys)
    w = grid.obligation_weight
    num = _segment_sum(np.nan_to_num(grid.obligation_score) * w, starts)
    den = _segment_sum(w, starts)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


# ------------------------------------------------------------------------------------------------ engine


@dataclass
class Engine:
    """Compiled structure and evidence; build once per catalog version, score many times."""

    structure: Structure
    evidence: Evidence
    _bills: dict[int, list[tuple[int, int]]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_catalog(cls, catalog: Catalog) -> Engine:
        return cls.from_records(list(catalog.treaties.values()), records_from_catalog(catalog))

    @classmethod
    def from_records(cls, treaties: list[Treaty], records: EvidenceRecords) -> Engine:
        st = Structure.build(treaties)
        return cls(st, Evidence.build(records, st))

    def rows_of(self, iso3: str) -> slice:
        try:
            c = self.evidence.country_index[iso3.upper()]
        except KeyError:
            raise KeyError(f"no assessment data for {iso3!r}; known: {', '.join(self.evidence.countries)}") from None
        return slice(c, c + 1)

    def score_country(self, iso3: str, treaty: str, as_of: dt.date, with_bills: bool = False) -> CountryScore:
        rows = self.rows_of(iso3)
        span = self.structure.treaty_obligations.get(treaty)
        if span is None:
            raise KeyError(f"unknown treaty {treaty!r}; known: {', '.join(self.structure.treaty_obligations)}")
        grid = score_block(self.structure, self.evidence, rows, span, as_of.toordinal(), with_bills)
        return CountryScore(self, iso3.upper(), treaty, as_of, with_bills, grid, span)

    def score_all(self, as_of: dt.date, with_bills: bool = False) -> AllScores:
        """Every country x every treaty in one pass per treaty."""
        rows = slice(0, len(self.evidence.countries))
        day = as_of.toordinal()
        codes = element_codes(self.evidence, len(self.structure.element_ids), rows, day, with_bills)
        grids = {
            t: score_block(self.structure, self.evidence, rows, span, day, with_bills, codes)
            for t, span in self.structure.treaty_obligations.items()
        }
        return AllScores(self, as_of, with_bills, grids)

    def day_masks(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        """(in force, pending bill) per provision on `day`: computed once per question, not per element."""
        return self.evidence.counting(day, with_bills=False), self.evidence.pending(day)

    def evidence_for(
        self, country_row: int, element: int, day: int, code: int, masks: tuple[np.ndarray, np.ndarray] | None = None
    ) -> tuple[list[str], list[str], bool]:
        """For one element on `day`: citations of in-force provisions cited, pending bill keys cited, and
        whether its status rests on verified facts (a verified judgment; or decisive findings read in a primary
        source about provisions whose dates were checked)."""
        ev = self.evidence
        verified = bool(ev.judgment[country_row, element] >= 0 and ev.judgment_verified[country_row, element])
        cell = country_row * len(self.structure.element_ids) + element
        i = int(np.searchsorted(ev.cell_ids, cell))
        if i >= len(ev.cell_ids) or ev.cell_ids[i] != cell:
            return [], [], verified
        begin = ev.cell_starts[i]
        end = ev.cell_starts[i + 1] if i + 1 < len(ev.cell_starts) else len(ev.f_provision)
        provs = ev.f_provision[begin:end]
        force_mask, pending_mask = masks if masks is not None else self.day_masks(day)
        in_force = force_mask[provs]
        pending = pending_mask[provs]
        sure = ev.f_verified[begin:end] & (ev.p_verified_from[provs] <= day)
        if ev.judgment[country_row, element] < 0:
            if code == IN_PLACE:
                verified = bool((sure & in_force & ev.f_full[begin:end]).any())
            elif code == PARTIAL:
                verified = bool((sure & in_force).any())
            elif code == MISSING:
                verified = bool(ev.p_dates_verified[provs].all())
        citations = list(dict.fromkeys(ev.citations[p] for p, f in zip(provs, in_force) if f))
        bills = [ev.provision_keys[p] for p, b in zip(provs, pending) if b]
        return citations, bills, verified

    def carried_from(
        self, row: int, element: int, codes: np.ndarray, link_codes: np.ndarray
    ) -> tuple[list[int], bool, bool] | None:
        """For an element whose status was carried over: (basis element indices of the links that decided it,
        capped?, links verified?); None when the country assessed it itself or nothing carried. `codes` are the
        row's element codes over every treaty, `link_codes` what each link carries for that row."""
        carry = self.evidence.carry
        if self.evidence.direct[row, element] or codes[element] == UNKNOWN:
            return None
        lo, hi = np.searchsorted(carry.target, [element, element + 1])
        if lo == hi:
            return None
        basis: list[int] = []
        capped = verified = True
        for link in range(lo, hi):
            if link_codes[link] != codes[element]:
                continue
            end = carry.basis_start[link + 1] if link + 1 < len(carry.basis_start) else len(carry.basis)
            basis += [int(b) for b in carry.basis[carry.basis_start[link] : end] if b not in basis]
            capped &= bool(carry.capped[link])
            verified &= bool(carry.verified[link])
        return basis, capped, verified


def _bare_id(provision_key: str) -> str:
    return provision_key.split(":", 1)[1]


@dataclass
class CountryScore:
    """One country against one treaty on one date."""

    engine: Engine
    country: str
    treaty: str
    as_of: dt.date
    with_bills: bool
    grid: Grid
    span: tuple[int, int]

    @property
    def assessed(self) -> bool:
        """Whether anything is known for this treaty: a finding, a judgment or a carried-over status."""
        return int(self.grid.unknown_elements[0]) < int(self.grid.scored_elements[0])

    @property
    def score(self) -> float | None:
        """None when nothing is assessed ("not assessed", never 0%)."""
        return _none_if_nan(treaty_score(self.grid)[0])

    @property
    def coverage(self) -> float | None:
        return _none_if_nan(coverage(self.grid)[0])

    @property
    def verified_share(self) -> float | None:
        """Share of the assessed elements whose status rests on verified facts (the scorer's per-element mark);
        None when nothing is assessed."""
        statuses = self.elements["status"].astype(str).tolist()
        detail = self.element_detail()
        assessed = [eid for eid, s in zip(self.elements["id"], statuses) if s != Status.unknown.value]
        return sum(detail[e][2] for e in assessed) / len(assessed) if assessed else None

    @property
    def partly_assessed(self) -> bool:
        """Under ASSESSED_ENOUGH of the checklist assessed: a low score may mean 'not read yet', not 'missing'."""
        return self.coverage is not None and self.coverage < ASSESSED_ENOUGH

    @property
    def critical_gaps(self) -> list[str]:
        o0, _ = self.span
        return [self.engine.structure.obligations[o0 + i].id for i in np.flatnonzero(self.grid.obligation_critical[0])]

    def _level(self, keys: np.ndarray, names: list[tuple]) -> pd.DataFrame:
        starts, group_keys = _groups(keys)
        scores = rollup(self.grid, keys)[0]
        weights = _segment_sum(self.grid.obligation_weight, starts)[0]
        return pd.DataFrame(
            {
                "id": [names[k][1] for k in group_keys],
                "title": [names[k][-1] for k in group_keys],
                "score": scores,
                "weight": weights,
            }
        )

    @cached_property
    def chapters(self) -> pd.DataFrame:
        o0, o1 = self.span
        df = self._level(self.engine.structure.o_chapter[o0:o1], self.engine.structure.chapters)
        df.insert(
            1,
            "number",
            [self.engine.structure.chapters[k][2] for k in _groups(self.engine.structure.o_chapter[o0:o1])[1]],
        )
        return df

    @cached_property
    def sections(self) -> pd.DataFrame:
        o0, o1 = self.span
        return self._level(self.engine.structure.o_section[o0:o1], self.engine.structure.sections)

    @cached_property
    def articles(self) -> pd.DataFrame:
        o0, o1 = self.span
        return self._level(self.engine.structure.o_article[o0:o1], self.engine.structure.articles)

    @cached_property
    def obligations(self) -> pd.DataFrame:
        o0, o1 = self.span
        st = self.engine.structure
        obls = st.obligations[o0:o1]
        return pd.DataFrame(
            {
                "id": [o.id for o in obls],
                "article": [o.article for o in obls],
                "title": [o.title for o in obls],
                "kind": [o.kind.value for o in obls],
                "chapter": [st.chapters[k][1] for k in st.o_chapter[o0:o1]],
                "status": pd.Categorical.from_codes(
                    self.grid.obligation_code[0], categories=[s.value for s in STATUSES]
                ),
                "score": self.grid.obligation_score[0],
                "critical": self.grid.obligation_critical[0],
            }
        )

    @cached_property
    def elements(self) -> pd.DataFrame:
        o0, o1 = self.span
        st = self.engine.structure
        e0 = int(st.o_element_start[o0])
        e1 = e0 + self.grid.element_codes.shape[1]
        return pd.DataFrame(
            {
                "id": st.element_ids[e0:e1],
                "obligation": [st.obligations[i].id for i in st.e_obligation[e0:e1]],
                "status": pd.Categorical.from_codes(self.grid.element_codes[0], categories=[s.value for s in STATUSES]),
                "optional": st.e_optional[e0:e1],
                "core": st.e_core[e0:e1],
            }
        )

    @cached_property
    def _row_codes(self) -> np.ndarray:
        """This country's element codes over every treaty (the basis of carried statuses lies outside the treaty)."""
        rows = self.engine.rows_of(self.country)
        return element_codes(
            self.engine.evidence, len(self.engine.structure.element_ids), rows, self.as_of.toordinal(), self.with_bills
        )[0]

    @cached_property
    def _carried_hits(self) -> dict[int, tuple[list[int], bool, bool]]:
        """element index -> (basis element indices, capped?, links verified?) for this treaty's carried elements;
        what each link carries is computed once for the row."""
        o0, _ = self.span
        st = self.engine.structure
        e0 = int(st.o_element_start[o0])
        row = self.engine.rows_of(self.country).start
        codes = self._row_codes
        link_codes = self.engine.evidence.carry.link_codes(codes[None, :])[0]
        out = {}
        for e in range(e0, e0 + self.grid.element_codes.shape[1]):
            hit = self.engine.carried_from(row, e, codes, link_codes)
            if hit is not None:
                out[e] = hit
        return out

    @cached_property
    def carried(self) -> dict[str, tuple[list[str], bool]]:
        """element id -> (ETS 185 element ids its status was carried over from, capped at partial?), for the
        elements of this treaty that took their status through a crosswalk."""
        ids = self.engine.structure.element_ids
        return {ids[e]: ([ids[b] for b in basis], capped) for e, (basis, capped, _) in self._carried_hits.items()}

    @cached_property
    def _detail(self) -> dict[str, tuple[list[str], list[str], bool]]:
        o0, _ = self.span
        st = self.engine.structure
        e0 = int(st.o_element_start[o0])
        row = self.engine.rows_of(self.country).start
        day = self.as_of.toordinal()
        codes = self.grid.element_codes[0]
        all_codes = self._row_codes
        masks = self.engine.day_masks(day)
        out = {}
        for offset in range(codes.shape[0]):
            e = e0 + offset
            hit = self._carried_hits.get(e)
            if hit is None:
                citations, bills, verified = self.engine.evidence_for(row, e, day, int(codes[offset]), masks)
            else:  # carried over: the basis elements' evidence, verified only when the links and every basis are
                basis, _capped, verified = hit
                citations, bills = [], []
                for b in basis:
                    c, bl, v = self.engine.evidence_for(row, b, day, int(all_codes[b]), masks)
                    citations += [x for x in c if x not in citations]
                    bills += [x for x in bl if x not in bills]
                    verified &= v
            out[st.element_ids[e]] = (citations, [_bare_id(k) for k in bills], verified)
        return out

    def element_detail(self) -> dict[str, tuple[list[str], list[str], bool]]:
        """element id -> (in-force provision citations, pending bill ids, verified?), for this treaty's elements;
        for a carried-over element, those of the ETS 185 elements it was carried from."""
        return self._detail

    def gap_bills(self) -> dict[str, list[str]]:
        """Critical gap obligation -> pending bills cited by its open (missing, partial, unknown) elements: the
        bills that would close (part of) it on this date. Computed here once; every surface reads it."""
        return {g: list(bills) for g, bills in self._gap_bills.items()}

    @cached_property
    def _gap_bills(self) -> dict[str, list[str]]:
        o0, _ = self.span
        st = self.engine.structure
        e0 = int(st.o_element_start[o0])
        detail = self.element_detail()
        gaps = self.critical_gaps
        wanted = set(gaps)
        out: dict[str, list[str]] = {g: [] for g in gaps}
        for offset, code in enumerate(self.grid.element_codes[0].tolist()):
            obligation = st.obligations[int(st.e_obligation[e0 + offset])].id
            if obligation in wanted and code in OPEN_CODES:
                bills = out[obligation]
                bills += [b for b in detail[st.element_ids[e0 + offset]][1] if b not in bills]
        return out

    def to_json(self) -> dict:
        """The stable `score --json` shape (DESIGN.md)."""
        detail = self.element_detail()
        elements = self.elements
        by_obligation: dict[str, list[dict]] = {}
        carried = self.carried
        for eid, obl, status in zip(elements["id"], elements["obligation"], elements["status"]):
            provisions, bills, verified = detail[eid]
            basis, capped = carried.get(eid, ([], False))
            by_obligation.setdefault(obl, []).append(
                {
                    "id": eid,
                    "status": str(status),
                    "provisions": provisions,
                    "bills": bills,
                    "verified": verified,
                    "derived_from": basis,
                    "needs_own_assessment": capped,
                }
            )
        obligations = self.obligations
        return {
            "country": self.country,
            "treaty": self.treaty,
            "as_of": self.as_of.isoformat(),
            "with_bills": self.with_bills,
            "score": _round(self.score),
            "coverage": _round(self.coverage),
            "critical_gaps": self.critical_gaps,
            "critical_gap_bills": self.gap_bills(),
            "obligations": [
                {
                    "id": oid,
                    "article": art,
                    "status": str(status),
                    "score": _round(score),
                    "derived": any(e["derived_from"] for e in by_obligation.get(oid, [])),
                    "elements": by_obligation.get(oid, []),
                }
                for oid, art, status, score in zip(
                    obligations["id"], obligations["article"], obligations["status"], obligations["score"]
                )
            ],
        }


def _round(x: float | None) -> float | None:
    return None if x is None or np.isnan(x) else round(float(x), 4)


def _none_if_nan(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


@dataclass
class AllScores:
    """Every country against every treaty on one date."""

    engine: Engine
    as_of: dt.date
    with_bills: bool
    grids: dict[str, Grid]

    @cached_property
    def treaties(self) -> pd.DataFrame:
        """One row per (country, treaty): score, coverage, number of critical gaps."""
        frames = []
        for treaty, g in self.grids.items():
            frames.append(
                pd.DataFrame(
                    {
                        "country": g.countries,
                        "treaty": treaty,
                        "score": treaty_score(g),
                        "coverage": coverage(g),
                        "critical_gaps": g.obligation_critical.sum(axis=1),
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)

    def obligations(self, treaty: str) -> pd.DataFrame:
        """Long table (country, obligation, status, score, critical) for one treaty, for the Compare grid."""
        g = self.grids[treaty]
        o0, o1 = self.engine.structure.treaty_obligations[treaty]
        ids = [o.id for o in self.engine.structure.obligations[o0:o1]]
        n_c, n_o = g.obligation_score.shape
        return pd.DataFrame(
            {
                "country": pd.Categorical(np.repeat(g.countries, n_o), categories=g.countries),
                "obligation": pd.Categorical(np.tile(ids, n_c), categories=ids),
                "status": pd.Categorical.from_codes(g.obligation_code.ravel(), categories=[s.value for s in STATUSES]),
                "score": g.obligation_score.ravel(),
                "critical": g.obligation_critical.ravel(),
            }
        )
