"""Compare a country's pinned provisions with the consolidated texts in a folder, and pin their hashes.

A provision is *changed* when its article now carries a later amendment tag than the one pinned, a different
heading, or different wording (against the hash recorded by `lawtext pin`, or, in a git checkout, against the
article's text in the pinned version); *missing* when the article is deleted or absent from the current version;
*not found* when the folder holds no file for its statute. A new consolidated version alone is not a change: a
statute gets one whenever any of its articles is amended.

In a git checkout each changed or missing article also carries `before` (its text in the pinned version: the
newest commit whose front matter carries the pinned 공포번호), `after` (its text now) and a word-level `diff`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..i18n import N_, Msg
from ..models import Country, LawVersion, Provision, StatuteText
from .diff import word_diff
from .history import History, Pinned, promulgated_after
from .parse import FILE_OF_KIND, ArticleText, LawTextError, StatuteFile, find_statute_file, parse_statute, statute_kind


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
    since: dt.date | None = None  # only changes promulgated after this day are listed
    history: bool = False  # the folder is a git checkout: before, after and diff are filled in

    @property
    def clean(self) -> bool:
        return not (self.changed or self.missing or self.errors)

    @property
    def unreadable(self) -> bool:
        """Some statute file could not be read, so the check is incomplete."""
        return bool(self.errors)

    def to_json(self) -> dict:
        return {
            "country": self.country,
            "checked": self.checked,
            "changed": self.changed,
            "missing": self.missing,
            "not_found": self.not_found,
            "errors": self.errors,
            "unpinned": self.unpinned,
            "since": self.since.isoformat() if self.since else None,
            "history": self.history,
        }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _state(text: StatuteText) -> dict:
    return {
        "version": text.version.number,
        "amended": _iso(text.amended),
        "heading": text.heading,
        "sha256": text.sha256,
    }


def _current(statute: StatuteFile, article: ArticleText) -> dict:
    return {
        "version": statute.version.number,
        "amended": _iso(article.amended),
        "heading": article.heading,
        "sha256": article.sha256,
    }


class _Texts:
    """Statute files of one folder, each parsed once (a file that fails to parse is remembered as its error), and
    the folder's git history when it has one."""

    def __init__(self, folder: Path, history: bool = True):
        self.folder = folder
        self._parsed: dict[tuple[str, str], StatuteFile | LawTextError | None] = {}
        self.history = History(folder) if history else None

    @property
    def has_history(self) -> bool:
        return self.history is not None and self.history.available

    def get(self, text: StatuteText) -> StatuteFile | LawTextError | None:
        key = (text.title, statute_kind(text.title, text.kind))
        if key not in self._parsed:
            try:
                path = find_statute_file(self.folder, text.title, text.kind)
                self._parsed[key] = None if path is None else parse_statute(path)
            except LawTextError as exc:
                self._parsed[key] = exc
            except OSError as exc:  # e.g. a folder we may not enter
                self._parsed[key] = LawTextError(
                    exc.filename or self.folder, None, f"cannot be read: {exc.strerror or exc}"
                )
        return self._parsed[key]

    def prefetch(self, country: Country) -> None:
        """Read every cited statute, and the history of all of them in one walk."""
        statutes = [self.get(p.text) for p in country.provisions if p.text is not None]
        if self.history is not None and self.history.available:
            rels = [self.history.relative(s.path) for s in statutes if isinstance(s, StatuteFile)]
            self.history.prefetch([r for r in rels if r is not None])

    def pinned(self, statute: StatuteFile, text: StatuteText) -> Pinned | None:
        """The statute as it read in the pinned version, from the history (None without history)."""
        if self.history is None or not self.history.available:
            return None
        rel = self.history.relative(statute.path)
        return None if rel is None else self.history.pinned(rel, text.version)

    def introduced(self, statute: StatuteFile, article: ArticleText, pinned: Pinned) -> tuple[str, LawVersion] | None:
        """(commit, version) that brought the article's current wording, from the history."""
        if self.history is None or (rel := self.history.relative(statute.path)) is None:
            return None
        return self.history.introduced(rel, article.label, article.sha256, pinned)

    def close(self) -> None:
        if self.history is not None:
            self.history.close()


@dataclass(frozen=True)
class _Outcome:
    kind: str  # 'changed' | 'missing'
    reason: str
    article: ArticleText | None  # the article now (a deleted one included)
    tagged: bool  # the change shows in the amendment tags (so its date is the tag's)


def _moved_hint(statute: StatuteFile, heading: str | None) -> str:
    moved = statute.article_headed(heading)
    return (
        Msg("; an article headed '{heading}' is now {article} (renumbered?)", heading=heading, article=moved.label)
        if moved
        else ""
    )


#: The kinds of statute as a version names them ("the version of Act No. 21241"): the word in English, the
#: kind's name in other languages (법률, 대통령령, 시행규칙).
_LAW_WORD = {
    "act": Msg.word("Act", N_("Act")),
    "decree": Msg.word("Decree", N_("Decree")),
    "rule": Msg.word("Rule", N_("Rule")),
}


def _joined(parts: list[Msg]) -> Msg:
    """Reasons joined with '; ', each still said in the reader's language."""
    out = parts[0]
    for part in parts[1:]:
        out = Msg("{before}; {after}", before=out, after=part)
    return out


def _compare(text: StatuteText, statute: StatuteFile, pinned: Pinned | None) -> _Outcome | None:
    """What changed in the article since it was read, or None when it is as pinned."""
    article = statute.articles.get(text.article)
    law = _LAW_WORD[statute_kind(text.title, text.kind)]
    version = Msg(
        "the version of {law} No. {number} ({date})",
        law=law,
        number=statute.version.number,
        date=statute.version.promulgated,
    )
    if article is None:
        return _Outcome(
            "missing",
            Msg(
                "{article} is not in {version}{hint}",
                article=text.article,
                version=version,
                hint=_moved_hint(statute, text.heading),
            ),
            None,
            False,
        )
    if article.deleted:
        when = article.amended.isoformat() if article.amended else Msg("a date not tagged")
        return _Outcome(
            "missing",
            Msg("{article} was deleted (삭제) on {when}", article=text.article, when=when),
            article,
            article.amended is not None,
        )
    reasons: list[Msg] = []
    tagged = article.amended != text.amended
    if tagged:
        reasons.append(
            Msg(
                "amendment tag now {now}, pinned {pinned}",
                now=_iso(article.amended) or Msg("none"),
                pinned=_iso(text.amended) or Msg("none"),
            )
        )
    if text.heading and article.heading != text.heading:
        reasons.append(
            Msg(
                "heading now '{now}', pinned '{pinned}'{hint}",
                now=article.heading,
                pinned=text.heading,
                hint=_moved_hint(statute, text.heading),
            )
        )
    if text.sha256 and article.sha256 != text.sha256:
        reasons.append(Msg("wording differs from the pinned text"))
    elif not text.sha256 and pinned is not None:
        was = pinned.statute.articles.get(text.article)
        if was is not None and was.sha256 != article.sha256:
            reasons.append(
                Msg("wording differs from the pinned version's text (commit {commit})", commit=pinned.commit[:10])
            )
    if reasons:
        return _Outcome(
            "changed",
            Msg("{reasons} (read in {version})", reasons=_joined(reasons), version=version),
            article,
            tagged and article.amended is not None,
        )
    return None


def _entry(p: Provision, text: StatuteText, reason: str) -> dict:
    return {
        "provision": p.id,
        "statute": text.title,
        "article": text.article,
        "kind": statute_kind(text.title, text.kind),
        "reason": reason,
    }


def _elements_citing(country: Country) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for a in country.assessments:
        for f in a.findings:
            if a.element not in out.setdefault(f.provision, []):
                out[f.provision].append(a.element)
    return out


def _change(p: Provision, outcome: _Outcome, statute: StatuteFile, texts: _Texts, elements: list[str]) -> dict:
    """One changed or missing provision: what the check found, the text before and after, and what it touches."""
    text = p.text
    assert text is not None
    article = outcome.article
    pinned = texts.pinned(statute, text)
    before_article = pinned.statute.articles.get(text.article) if pinned is not None else None
    introduced = texts.introduced(statute, article, pinned) if pinned is not None and article is not None else None
    if outcome.tagged and article is not None:
        promulgated = article.amended
    elif introduced is not None:
        promulgated = introduced[1].promulgated
    else:
        promulgated = statute.version.promulgated
    before = before_article.body if before_article is not None else None
    after = article.body if article is not None and texts.has_history else None
    return {
        **_entry(p, text, outcome.reason),
        "citation": p.citation,
        "summary": p.summary,
        "pinned": _state(text),
        "current": _current(statute, article) if article is not None else None,
        "promulgated": _iso(promulgated),
        "before": before,
        "after": after,
        "diff": word_diff(before, after),
        "pinned_commit": pinned.commit if pinned is not None else None,
        "changed_in": None
        if introduced is None
        else {
            "commit": introduced[0],
            "version": introduced[1].number,
            "promulgated": _iso(introduced[1].promulgated),
        },
        "elements": elements,
    }


def check_country(
    country: Country, folder: Path | str, *, since: dt.date | None = None, history: bool = True
) -> LawCheck:
    """Check every provision of `country` that carries a pinned text against the statutes in `folder`; with
    `since`, list only the changes promulgated after that day. `history=False` ignores a git history."""
    texts = _Texts(Path(folder), history)
    report = LawCheck(country.iso3, since=since, history=texts.has_history)
    citing = _elements_citing(country)
    try:
        texts.prefetch(country)
        for p in country.provisions:
            if p.text is None:
                report.unpinned.append(p.id)
                continue
            statute = texts.get(p.text)
            if statute is None:
                kind = statute_kind(p.text.title, p.text.kind)
                report.not_found.append(_entry(p, p.text, f"no {FILE_OF_KIND[kind]} for {p.text.title} in {folder}"))
                continue
            if isinstance(statute, LawTextError):
                if statute.to_json() not in report.errors:
                    report.errors.append(statute.to_json())
                continue
            report.checked += 1
            outcome = _compare(p.text, statute, texts.pinned(statute, p.text) if not p.text.sha256 else None)
            if outcome is None:
                continue
            entry = _change(p, outcome, statute, texts, citing.get(p.id, []))
            if not promulgated_after(
                dt.date.fromisoformat(entry["promulgated"]) if entry["promulgated"] else None, since
            ):
                continue
            (report.changed if outcome.kind == "changed" else report.missing).append(entry)
    finally:
        texts.close()
    return report


@dataclass
class PinResult:
    country: Country  # with the hashes recorded
    pinned: list[str] = field(default_factory=list)
    refused: list[dict] = field(default_factory=list)  # changed or missing since they were read: review first
    errors: list[dict] = field(default_factory=list)
    not_found: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "country": self.country.iso3,
            "pinned": self.pinned,
            "refused": self.refused,
            "errors": self.errors,
            "not_found": self.not_found,
        }


def pin_country(country: Country, folder: Path | str) -> PinResult:
    """Record the SHA-256 of each pinned article's normalised text, read from the files themselves.

    An article that changed since it was read (a later tag, another heading, other wording) is not pinned: its
    assessment must be reviewed and its text record updated first. Nothing is taken from a file that fails to parse.
    """
    texts = _Texts(Path(folder))
    provisions: list[Provision] = []
    result = PinResult(country)
    try:
        texts.prefetch(country)
        for p in country.provisions:
            statute = texts.get(p.text) if p.text is not None else None
            if p.text is None or statute is None or isinstance(statute, LawTextError):
                if p.text is not None and statute is None:
                    kind = statute_kind(p.text.title, p.text.kind)
                    result.not_found.append(
                        _entry(p, p.text, f"no {FILE_OF_KIND[kind]} for {p.text.title} in {folder}")
                    )
                if isinstance(statute, LawTextError) and statute.to_json() not in result.errors:
                    result.errors.append(statute.to_json())
                provisions.append(p)
                continue
            outcome = _compare(p.text, statute, texts.pinned(statute, p.text) if not p.text.sha256 else None)
            if outcome is not None:
                result.refused.append(_entry(p, p.text, outcome.reason))
                provisions.append(p)
                continue
            article = statute.articles[p.text.article]
            text = p.text.model_copy(update={"sha256": article.sha256, "version": statute.version})
            provisions.append(p.model_copy(update={"text": text}))
            result.pinned.append(p.id)
    finally:
        texts.close()
    result.country = country.model_copy(update={"provisions": provisions})
    return result


def current_article(p: Provision, folder: Path | str) -> tuple[StatuteFile, ArticleText | None] | None:
    """The statute file the provision's text record points to in `folder`, and its article as it reads now (None
    when the article is gone or deleted); None when there is no text record or the file cannot be read."""
    if p.text is None:
        return None
    texts = _Texts(Path(folder), history=False)
    try:
        statute = texts.get(p.text)
    finally:
        texts.close()
    if statute is None or isinstance(statute, LawTextError):
        return None
    article = statute.articles.get(p.text.article)
    return statute, (None if article is None or article.deleted else article)


def reviewed_text(p: Provision, folder: Path | str) -> StatuteText | None:
    """The provision's text record as the texts in `folder` show it now, for a reviewer who has read the change:
    the current version, the article's latest amendment tag and the hash of its wording, so the next check starts
    from here and a later untagged rewording is caught. None when there is nothing to pin (no text record, the
    statute cannot be read, or the article is gone: the provision itself must be edited)."""
    found = current_article(p, folder)
    if found is None or found[1] is None or p.text is None:
        return None
    statute, article = found
    return p.text.model_copy(
        update={
            "version": statute.version,
            "amended": article.amended,
            "heading": article.heading or p.text.heading,
            "sha256": article.sha256,
        }
    )
