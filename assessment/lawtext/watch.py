"""Which assessed elements rest on law that changed after it was read: what staff pages mark for review."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..i18n import Msg
from ..models import Country
from .check import check_country


@dataclass(frozen=True)
class LawChange:
    """A provision whose article changed (or went) since the version it was read in."""

    provision: str
    citation: str  # e.g. 형사소송법 제215조의2
    changed_on: dt.date | None  # the latest amendment tag now on the article, or the new version's date
    reason: str
    missing: bool

    @property
    def message(self) -> Msg:
        """What the Edit page says above the element (a Msg: the page says it in the reader's language)."""
        when = self.changed_on.isoformat() if self.changed_on else Msg("an unknown date")
        if self.missing:
            return Msg(
                "The law was deleted or moved on {when} ({citation}): review this assessment. {reason}",
                when=when,
                citation=self.citation,
                reason=self.reason,
            )
        return Msg(
            "The law changed on {when} ({citation}): review this assessment. {reason}",
            when=when,
            citation=self.citation,
            reason=self.reason,
        )


def law_changes(country: Country, folder: Path) -> dict[str, LawChange]:
    """Provision id -> its change, for every pinned provision that the texts in `folder` show changed or gone."""
    report = check_country(country, folder)
    out: dict[str, LawChange] = {}
    for entries, missing in ((report.changed, False), (report.missing, True)):
        for entry in entries:
            current = entry.get("current") or {}
            changed_on = dt.date.fromisoformat(current["amended"]) if current.get("amended") else None
            out[entry["provision"]] = LawChange(
                entry["provision"], f"{entry['statute']} {entry['article']}", changed_on, entry["reason"], missing
            )
    return out


def elements_to_review(country: Country, changes: dict[str, LawChange]) -> dict[str, list[LawChange]]:
    """Element id -> the changes of the provisions its findings cite."""
    out: dict[str, list[LawChange]] = {}
    for a in country.assessments:
        hits = [changes[f.provision] for f in a.findings if f.provision in changes]
        if hits:
            out[a.element] = hits
    return out
