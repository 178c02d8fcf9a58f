"""Parse one consolidated statute in the law.go.kr markdown layout (as mirrored by legalize-kr).

The layout: YAML front matter (제목 title, 공포일자/공포번호 promulgation date and number of this consolidated
version, 시행일자 its in-force date, 출처 the official URL); articles as `##### 제N조의M (heading)` with
paragraphs and amendment tags (`<개정 2025.12.23>`, `<신설 ...>`, `[본조신설 ...]`, `삭제 <...>`); and the
addenda, one `부칙 <제NNNNN호,YYYY.M.D>` per amending law, each opening with its commencement rule.
Every problem names the file, the line and the reason; a file with a problem yields nothing.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..models import LawVersion

_ARTICLE_HEADING = re.compile(r"^#####\s*(?P<label>제\d+조(?:의\d+)*)\s*(?:\((?P<heading>.*)\))?\s*(?P<rest>.*?)\s*$")
_ADDENDUM = re.compile(r"^#*\s*부\s*칙\s*<\s*제\s*(?P<number>\d+)\s*호\s*,\s*(?P<date>\d{4}\s*\.\s*\d{1,2}\s*\.\s*\d{1,2})\s*\.?\s*>")
_TAG = re.compile(r"<[^<>]*>|\[[^\[\]]*\]")
_DOTTED_DATE = re.compile(r"(\d{4})\s*\.\s*(\d{1,2})\s*\.\s*(\d{1,2})")
_KOREAN_DATE = re.compile(r"(\d{4})년\s*(\d{1,2})월\s*(\d{1,2})일")
_AFTER = re.compile(r"공포\s*후\s*(\d+)\s*(개월|년|일)이\s*경과한\s*날")
_REQUIRED = {"제목": "title", "공포일자": "promulgation date", "공포번호": "promulgation number", "시행일자": "in-force date"}


class LawTextError(Exception):
    """A statute file that cannot be read as the layout says: file, line and reason."""

    def __init__(self, path: Path | str, line: int | None, reason: str):
        self.path, self.line, self.reason = str(path), line, reason
        super().__init__(f"{self.path}:{line}: {reason}" if line else f"{self.path}: {reason}")

    def to_json(self) -> dict:
        return {"file": self.path, "line": self.line, "reason": self.reason}


@dataclass(frozen=True)
class ArticleText:
    label: str  # 제215조의2
    heading: str | None  # 보전요청
    line: int  # 1-based line of the heading
    body: str  # the article as written, heading line included

    @property
    def deleted(self) -> bool:
        """An article the law has struck out (`##### 제57조 삭제 <2007.6.1>` or a body that is only 삭제 <...>)."""
        first = self.body.split("\n", 1)[0]
        rest = _ARTICLE_HEADING.match(first)
        if rest is not None and rest.group("rest").startswith("삭제"):
            return True
        content = _TAG.sub("", self.body.split("\n", 1)[1] if "\n" in self.body else "").strip()
        return self.heading is None and content in {"", "삭제"} and "삭제" in self.body

    @property
    def amended(self) -> dt.date | None:
        """The latest date in the article's amendment tags, None when it carries none."""
        dates = [_date(m) for tag in _TAG.findall(self.body) for m in _DOTTED_DATE.findall(tag)]
        dates = [d for d in dates if d is not None]
        return max(dates) if dates else None

    @property
    def sha256(self) -> str:
        """Hash of the normalised text: markup and white space folded, so only a change of wording changes it."""
        text = self.body.replace("**", "").replace("\\", "")
        text = re.sub(r"^#+\s*", "", text, flags=re.MULTILINE)
        return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Addendum:
    """One amending law as the addenda name it, with the commencement its first rule gives."""

    number: str
    promulgated: dt.date
    in_force: dt.date | None  # None when the rule is not one of the plain forms (then see `rule`)
    rule: str
    line: int

    def as_version(self) -> LawVersion:
        return LawVersion(number=self.number, promulgated=self.promulgated, in_force=self.in_force)


@dataclass(frozen=True)
class StatuteFile:
    path: Path
    title: str
    version: LawVersion
    url: str | None
    articles: dict[str, ArticleText] = field(default_factory=dict)
    addenda: list[Addendum] = field(default_factory=list)

    def addendum_of(self, day: dt.date | None) -> Addendum | None:
        """The amending law promulgated on `day` (tags carry promulgation dates), if exactly one is."""
        hits = [a for a in self.addenda if a.promulgated == day]
        return hits[0] if len(hits) == 1 else None

    def article_headed(self, heading: str | None) -> ArticleText | None:
        if not heading:
            return None
        hits = [a for a in self.articles.values() if a.heading == heading and not a.deleted]
        return hits[0] if len(hits) == 1 else None


def _date(parts: tuple[str, str, str]) -> dt.date | None:
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def commencement(promulgated: dt.date, rule: str) -> dt.date | None:
    """The in-force date a plain commencement rule gives.

    '공포한 날부터' is the day of promulgation; 'YYYY년 M월 D일부터' that date; '공포 후 N개월(년, 일)이 경과한
    날부터' the day after the period has run, counted from the day after promulgation (the Civil Act's rule
    that the first day is not counted): 30 Dec 2025 + 6 months -> 1 Jul 2026.
    """
    first = rule.split("다만", 1)[0]
    if "공포한 날부터" in first:
        return promulgated
    if m := _KOREAN_DATE.search(first):
        return _date(m.groups())
    if m := _AFTER.search(first):
        n, unit = int(m.group(1)), m.group(2)
        if unit == "일":
            return promulgated + dt.timedelta(days=n + 1)
        end = add_months(promulgated, n * 12 if unit == "년" else n)
        return end + dt.timedelta(days=1)
    return None


def _decode(path: Path, raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LawTextError(path, 1, "not UTF-8 (the file starts with a UTF-16 byte-order mark); save it as UTF-8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise LawTextError(path, line, f"not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded") from None
    if "\x00" in text:
        raise LawTextError(path, text[: text.index("\x00")].count("\n") + 1, "a NUL character; the file is not text")
    return text.removeprefix("\ufeff")


def _front_matter(path: Path, lines: list[str]) -> tuple[dict, int]:
    if not lines or lines[0].strip() != "---":
        raise LawTextError(path, 1, "no front matter: the file must open with a '---' line")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise LawTextError(path, 1, "front matter is not closed by a '---' line") from None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        raise LawTextError(path, line, f"front matter is not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(meta, dict):
        raise LawTextError(path, 2, "front matter must be a mapping of fields")
    for key, what in _REQUIRED.items():
        if meta.get(key) in (None, ""):
            raise LawTextError(path, 1, f"front matter: {key} ({what}) is missing")
    for key in ("공포일자", "시행일자"):
        if not isinstance(meta[key], dt.date):
            try:
                meta[key] = dt.date.fromisoformat(str(meta[key]))
            except ValueError:
                raise LawTextError(path, _key_line(lines, key, end), f"front matter: {key} is not a date: {meta[key]!r}") from None
    return meta, end


def _key_line(lines: list[str], key: str, end: int) -> int:
    return next((i + 1 for i in range(1, end) if lines[i].startswith(f"{key}:")), 1)


def parse_statute(path: Path | str) -> StatuteFile:
    """Read one statute file; raises LawTextError (file, line, reason) on anything the layout does not allow."""
    path = Path(path)
    if not path.is_file():
        raise LawTextError(path, None, "not a file")
    lines = _decode(path, path.read_bytes()).split("\n")
    meta, end = _front_matter(path, lines)
    try:
        version = LawVersion(number=str(meta["공포번호"]).strip(), promulgated=meta["공포일자"], in_force=meta["시행일자"])
    except ValueError as exc:
        raise LawTextError(path, 1, f"front matter: {exc}") from None
    articles: dict[str, ArticleText] = {}
    addenda: list[Addendum] = []
    current: tuple[str, str | None, int, list[str]] | None = None
    addendum: tuple[str, dt.date, int, list[str]] | None = None

    def close_article() -> None:
        nonlocal current
        if current is not None:
            label, heading, line, body = current
            if label in articles:
                raise LawTextError(path, line, f"article {label} appears twice (first at line {articles[label].line})")
            articles[label] = ArticleText(label, heading, line, "\n".join(body).strip())
            current = None

    def close_addendum() -> None:
        nonlocal addendum
        if addendum is not None:
            number, day, line, body = addendum
            rule = " ".join(" ".join(body).split())
            addenda.append(Addendum(number, day, commencement(day, rule), rule[:300], line))
            addendum = None

    for i in range(end + 1, len(lines)):
        text, lineno = lines[i], i + 1
        if m := _ADDENDUM.match(text.strip()):
            close_article()
            close_addendum()
            day = _date(_DOTTED_DATE.search(m.group("date")).groups())  # type: ignore[union-attr]
            if day is None:
                raise LawTextError(path, lineno, f"addendum date is not a date: {m.group('date')}")
            addendum = (m.group("number"), day, lineno, [])
        elif addendum is not None:
            addendum[3].append(text)
        elif text.startswith("#####"):
            close_article()
            h = _ARTICLE_HEADING.match(text)
            if h is None:
                raise LawTextError(path, lineno, f"article heading cannot be parsed: {text[:80]!r}")
            current = (h.group("label"), (h.group("heading") or "").strip() or None, lineno, [text])
        elif text.startswith("#"):
            close_article()
        elif current is not None:
            current[3].append(text)
    close_article()
    close_addendum()
    return StatuteFile(path, str(meta["제목"]).strip(), version, meta.get("출처"), articles, addenda)


def find_statute_file(texts: Path, title: str) -> Path | None:
    """`<texts>/kr/<title>/법률.md` (or `<texts>/<title>/법률.md` when `texts` is the kr folder itself). The
    mirror names some folders without the title's spaces (정보통신망이용촉진및정보보호등에관한법률), so that
    spelling is tried too."""
    for name in dict.fromkeys((title, title.replace(" ", ""))):
        for candidate in (texts / "kr" / name / "법률.md", texts / name / "법률.md"):
            if candidate.exists():
                return candidate
    return None
