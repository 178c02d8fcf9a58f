"""Compare a country's pinned provisions with the consolidated texts in a folder, and pin their hashes.

A provision is *changed* when its article now carries a later amendment tag than the one pinned, a different
heading, or (once pinned with `lawtext pin`) different wording; *missing* when the article is deleted or absent
from the current version; *not found* when the folder holds no file for its statute. A new consolidated version
alone is not a change: a statute gets one whenever any of its articles is amended.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..models import Country, Provision, StatuteText
from .parse import ArticleText, LawTextError, StatuteFile, find_statute_file, parse_statute


@dataclass
class LawCheck:
    """What `lawtext check` reports for one country (its `to_json` is the CLI's stable shape)."""

    country: str
    checked: int = 0
    changed: list[dict] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)
    not_found: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    unpinned: list[str] = field(default_factory=list)  # provisions with no text record (bills, unread law)

    @property
    def clean(self) -> bool:
        return not (self.changed or self.missing or self.errors)

    def to_json(self) -> dict:
        return {
            "country": self.country,
            "checked": self.checked,
            "changed": self.changed,
            "missing": self.missing,
            "not_found": self.not_found,
            "errors": self.errors,
            "unpinned": self.unpinned,
        }


def _state(text: StatuteText) -> dict:
    return {
        "version": text.version.number,
        "amended": text.amended.isoformat() if text.amended else None,
        "heading": text.heading,
        "sha256": text.sha256,
    }


def _current(statute: StatuteFile, article: ArticleText) -> dict:
    return {
        "version": statute.version.number,
        "amended": article.amended.isoformat() if article.amended else None,
        "heading": article.heading,
        "sha256": article.sha256,
    }


class _Texts:
    """Statute files of one folder, each parsed once; a file that fails to parse is remembered as its error."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._parsed: dict[str, StatuteFile | LawTextError | None] = {}

    def get(self, title: str) -> StatuteFile | LawTextError | None:
        if title not in self._parsed:
            path = find_statute_file(self.folder, title)
            if path is None:
                self._parsed[title] = None
            else:
                try:
                    self._parsed[title] = parse_statute(path)
                except LawTextError as exc:
                    self._parsed[title] = exc
        return self._parsed[title]


def _compare(p: Provision, text: StatuteText, statute: StatuteFile) -> tuple[str, str, dict | None] | None:
    """('changed' | 'missing', reason, current state) or None when the article is as pinned."""
    article = statute.articles.get(text.article)
    version = f"the version of Act No. {statute.version.number} ({statute.version.promulgated})"
    if article is None:
        moved = statute.article_headed(text.heading)
        hint = f"; an article headed '{text.heading}' is now {moved.label} (renumbered?)" if moved else ""
        return "missing", f"{text.article} is not in {version}{hint}", None
    current = _current(statute, article)
    if article.deleted:
        when = article.amended.isoformat() if article.amended else "a date not tagged"
        return "missing", f"{text.article} was deleted (삭제) on {when}", current
    reasons = []
    if article.amended != text.amended:
        pinned = text.amended.isoformat() if text.amended else "none"
        now = article.amended.isoformat() if article.amended else "none"
        reasons.append(f"amendment tag now {now}, pinned {pinned}")
    if text.heading and article.heading != text.heading:
        moved = statute.article_headed(text.heading)
        hint = f"; an article headed '{text.heading}' is now {moved.label} (renumbered?)" if moved else ""
        reasons.append(f"heading now '{article.heading}', pinned '{text.heading}'{hint}")
    if text.sha256 and article.sha256 != text.sha256:
        reasons.append("wording differs from the pinned text")
    if reasons:
        return "changed", "; ".join(reasons) + f" (read in {version})", current
    return None


def _entry(p: Provision, text: StatuteText, reason: str) -> dict:
    return {"provision": p.id, "statute": text.title, "article": text.article, "reason": reason}


def check_country(country: Country, folder: Path | str) -> LawCheck:
    """Check every provision of `country` that carries a pinned text against the statutes in `folder`."""
    texts = _Texts(Path(folder))
    report = LawCheck(country.iso3)
    for p in country.provisions:
        if p.text is None:
            report.unpinned.append(p.id)
            continue
        statute = texts.get(p.text.title)
        if statute is None:
            report.not_found.append(_entry(p, p.text, f"no file for {p.text.title} in {folder}"))
            continue
        if isinstance(statute, LawTextError):
            if statute.to_json() not in report.errors:
                report.errors.append(statute.to_json())
            continue
        report.checked += 1
        outcome = _compare(p, p.text, statute)
        if outcome is None:
            continue
        kind, reason, current = outcome
        entry = _entry(p, p.text, reason)
        if kind == "changed":
            report.changed.append({**entry, "pinned": _state(p.text), "current": current})
        else:
            report.missing.append({**entry, "current": current} if current else entry)  # a deletion keeps its date
    return report


@dataclass
class PinResult:
    country: Country  # with the hashes recorded
    pinned: list[str] = field(default_factory=list)
    refused: list[dict] = field(default_factory=list)  # changed or missing since they were read: review first
    errors: list[dict] = field(default_factory=list)
    not_found: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"country": self.country.iso3, "pinned": self.pinned, "refused": self.refused, "errors": self.errors, "not_found": self.not_found}


def pin_country(country: Country, folder: Path | str) -> PinResult:
    """Record the SHA-256 of each pinned article's normalised text, read from the files themselves.

    An article that changed since it was read (a later tag, another heading, other wording) is not pinned: its
    assessment must be reviewed and its text record updated first. Nothing is taken from a file that fails to parse.
    """
    texts = _Texts(Path(folder))
    provisions: list[Provision] = []
    result = PinResult(country)
    for p in country.provisions:
        statute = texts.get(p.text.title) if p.text is not None else None
        if p.text is None or statute is None or isinstance(statute, LawTextError):
            if p.text is not None and statute is None:
                result.not_found.append(_entry(p, p.text, f"no file for {p.text.title} in {folder}"))
            if isinstance(statute, LawTextError) and statute.to_json() not in result.errors:
                result.errors.append(statute.to_json())
            provisions.append(p)
            continue
        outcome = _compare(p, p.text, statute)
        if outcome is not None:
            result.refused.append(_entry(p, p.text, outcome[1]))
            provisions.append(p)
            continue
        article = statute.articles[p.text.article]
        text = p.text.model_copy(update={"sha256": article.sha256, "version": statute.version})
        provisions.append(p.model_copy(update={"text": text}))
        result.pinned.append(p.id)
    result.country = country.model_copy(update={"provisions": provisions})
    return result
