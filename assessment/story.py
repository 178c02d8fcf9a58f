"""What changed: the steps of each bill and law on a country's road to a treaty, each with the obligations it
closed or changed, so a brief tells the story on paper, up to its date and, for a past date, everything since.

A step's effect is read off the scorer, never written by hand: the obligations whose status on the step's day
differs from the day before (law in force), and, for a bill's steps, those whose status "if the bills pass"
differs (what the bill would close once in force).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .i18n import gettext
from .models import EventKind
from .scoring import Engine
from .vocab import STATUSES, Status, status_label

#: The kinds of timeline step that belong to the legislative story (accession steps are told elsewhere).
LAW_STEPS = frozenset(
    {
        EventKind.bill_introduced.value,
        EventKind.law_passed.value,
        EventKind.law_promulgated.value,
        EventKind.law_in_force.value,
    }
)


@dataclass(frozen=True)
class Effect:
    obligation: str
    article: str
    before: str
    after: str
    projected: bool  # a change of the "if the bills pass" status only: what the step would do once in force

    @property
    def closed(self) -> bool:
        return self.after == Status.in_place.value and self.before != Status.in_place.value


def effects_on(engine: Engine, iso3: str, treaty: str, days: list[dt.date]) -> dict[dt.date, tuple[Effect, ...]]:
    """For each day, the obligations whose status changed from the day before: in force first, then projected.
    Reads the scorer's obligation codes directly (a DataFrame per scoring cost more than the scoring)."""
    o0, o1 = engine.structure.treaty_obligations[treaty]
    obligations = engine.structure.obligations[o0:o1]
    seen_codes: dict[tuple[dt.date, bool], list[int]] = {}

    def codes(when: dt.date, with_bills: bool) -> list[int]:
        if (when, with_bills) not in seen_codes:
            seen_codes[(when, with_bills)] = (
                engine.score_country(iso3, treaty, when, with_bills).grid.obligation_code[0].tolist()
            )
        return seen_codes[(when, with_bills)]

    out: dict[dt.date, tuple[Effect, ...]] = {}
    for day in sorted(set(days)):
        found: list[Effect] = []
        changed: set[str] = set()
        for with_bills in (False, True):
            before, after = codes(day - dt.timedelta(days=1), with_bills), codes(day, with_bills)
            for o, b, a in zip(obligations, before, after):
                if b != a and o.id not in changed:
                    changed.add(o.id)
                    found.append(Effect(o.id, o.article, STATUSES[b].value, STATUSES[a].value, with_bills))
        out[day] = tuple(found)
    return out


def effect_text(effects: tuple[Effect, ...], lang: str, article_label) -> str:
    """'Closes Art. 16. Art. 19: missing -> partly in place. Would close Art. 29 once in force.' in the reader's
    language; '' when nothing changed."""
    t = gettext(lang)
    closed = [article_label(e.article, lang) for e in effects if e.closed and not e.projected]
    changed = [
        t("{article}: {before} → {after}").format(
            article=article_label(e.article, lang),
            before=status_label(e.before, lang),
            after=status_label(e.after, lang),
        )
        for e in effects
        if not e.closed and not e.projected
    ]
    would = [article_label(e.article, lang) for e in effects if e.projected and e.closed]
    would_change = [
        t("{article} to {after}").format(article=article_label(e.article, lang), after=status_label(e.after, lang))
        for e in effects
        if e.projected and not e.closed
    ]
    parts = []
    if closed:
        parts.append(t("Closed {articles}.").format(articles=", ".join(closed)))
    if changed:
        parts.append(t("Changed {changes}.").format(changes="; ".join(changed)))
    if would:
        parts.append(t("Would close {articles} once in force.").format(articles=", ".join(would)))
    if would_change:
        parts.append(t("Would bring {changes} once in force.").format(changes="; ".join(would_change)))
    return " ".join(parts)
