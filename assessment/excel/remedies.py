"""The workbook's Precedents and Other views sheets: how other Parties provide what each country lacks, and
others' statements on its readiness set beside the assessment. Plain tables; the writer styles them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ..catalog import Catalog
from ..i18n import gettext
from ..positions import positions
from ..precedents import Reader, gap_elements, precedents
from ..scoring import Engine
from ..translations import Content
from ..vocab import article_label, claim_label, legal_system_label, status_badge, verified_mark
from .content import BADGE, DATE, LINK, WRAP, Link, Table, TableColumn

#: Parties shown per gap element on the Precedents sheet, best-ranked first (the brief shows three).
SHEET_PRECEDENTS = 5


def precedents_table(
    catalog: Catalog, engine: Engine, countries: Sequence[str], treaty: str, as_of: dt.date, lang: str
) -> Table:
    """One row per provision of each Party that meets an element of a country's critical gaps, ranked: the
    SHEET_PRECEDENTS best-ranked Parties per element. Every country's statuses are read once, however many
    countries the workbook holds (a Reader shared by all of them)."""
    t = gettext(lang)
    content = Content(catalog, lang)
    reader = Reader(catalog, engine, treaty, as_of, content)
    gaps = {iso3: gap_elements(catalog, engine.score_country(iso3, treaty, as_of)) for iso3 in countries}
    wanted = list(dict.fromkeys(e for elements in gaps.values() for e in elements))
    for iso3 in catalog.countries:
        reader.facts(iso3, wanted)
    table = Table(
        [
            TableColumn(t("Country"), 8),
            TableColumn(t("Article"), 10),
            TableColumn(t("Element id"), 18),
            TableColumn(t("Element"), 34, WRAP),
            TableColumn(t("Status"), 14, BADGE),
            TableColumn(t("Party"), 16),
            TableColumn(t("Party's status"), 14, BADGE),
            TableColumn(t("Verified"), 10),
            TableColumn(t("Legal system"), 10),
            TableColumn(t("Provision"), 34, WRAP),
            TableColumn(t("In force since"), 11, DATE),
            TableColumn(t("Brought in by"), 18, WRAP),
            TableColumn(t("What it does"), 50, WRAP),
            TableColumn(t("Source"), 28, LINK),
        ]
    )
    for iso3 in countries:
        for found in precedents(
            catalog, engine, iso3, treaty, gaps[iso3], as_of, lang, limit=SHEET_PRECEDENTS, reader=reader
        ):
            obligation = catalog.obligations[catalog.obligation_of_element[found.id]]
            for p in found.precedents:
                for pr in p.provisions:
                    table.rows.append(
                        [
                            iso3,
                            article_label(obligation.article, lang),
                            found.id,
                            content.element(found.id),
                            status_badge(found.status, lang),
                            p.name,
                            status_badge(p.status, lang),
                            verified_mark(p.verified, lang),
                            legal_system_label(p.legal_system, lang),
                            pr.citation,
                            pr.in_force,
                            pr.introduced_by,
                            pr.summary,
                            Link(pr.source_url, pr.source_title) if pr.source_url else None,
                        ]
                    )
    return table


def positions_table(
    catalog: Catalog, engine: Engine, countries: Sequence[str], treaty: str, as_of: dt.date, lang: str
) -> Table:
    """One row per recorded statement on a country's readiness said by the date, with where it differs."""
    t = gettext(lang)
    content = Content(catalog, lang)
    table = Table(
        [
            TableColumn(t("Country"), 8),
            TableColumn(t("Who"), 30, WRAP),
            TableColumn(t("Date"), 11, DATE),
            TableColumn(t("Claim"), 12),
            TableColumn(t("What they say"), 50, WRAP),
            TableColumn(t("This assessment differs on (that date)"), 26, WRAP),
            TableColumn(t("Still differs on ({date})").format(date=as_of.isoformat()), 26, WRAP),
            TableColumn(t("The assessment's reason"), 50, WRAP),
            TableColumn(t("Verified"), 10),
            TableColumn(t("Source"), 28, LINK),
        ]
    )
    for iso3 in countries:
        sources = {s.id: s for s in catalog.countries[iso3].sources}
        for v in positions(catalog, engine, iso3, treaty, later=as_of):
            p = v.position
            reasons = [f"{article_label(d.article, lang)}: {r}" for d in v.differences for r in d.reasons[:1]]
            still = v.later.differences if v.later is not None else v.differences
            src = sources.get(p.source)
            table.rows.append(
                [
                    iso3,
                    p.by,
                    p.date,
                    claim_label(p.claim.value, lang),
                    content.position_summary(iso3, p.id, p.summary),
                    ", ".join(article_label(d.article, lang) for d in v.differences)
                    or (t("the whole treaty") if v.differs else t("agrees")),
                    ", ".join(article_label(d.article, lang) for d in still) or t("agrees"),
                    "\n".join(reasons),
                    verified_mark(p.verified, lang),
                    Link(src.url, content.source_title(src.title)) if src else None,
                ]
            )
    return table
