"""Parse one consolidated statute in the law.go.kr markdown layout (as mirrored by legalize-kr).

The layout: YAML front matter (제목 title, 공포일자/공포번호 promulgation date and number of this consolidated
version, 시행일자 its in-force date, 출처 the official URL); articles as `##### 제N조의M (heading)` with
paragraphs and amendment tags (`<개정 2025.12.23>`, `<신설 ...>`, `[본조신설 ...]`, `삭제 <...>`); and the
addenda, one `부칙 <제NNNNN호,YYYY.M.D>` per amending law, each opening with its commencement rule.
An Act is `kr/<title>/법률.md`; its decree (시행령) and rules (시행규칙) sit beside it as `시행령.md` and
`시행규칙.md` and are read the same way.

The files come from outside the project, so nothing in them is trusted: every problem names the file, the line
and the reason (LawTextError), a file with a problem yields nothing, a file is at most MAX_FILE_BYTES, its front
matter is plain text fields (no anchors, no duplicate keys, no deep nesting), and every pattern runs in linear time.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..models import LawVersion

MAX_FILE_BYTES = 20_000_000  # the largest consolidated statute is a few MB
MAX_FRONT_MATTER_BYTES = 64_000  # a statute's front matter is a dozen lines
MAX_FRONT_MATTER_DEPTH = 8
FILE_OF_KIND = {"act": "법률.md", "decree": "시행령.md", "rule": "시행규칙.md"}
#: Where else a text of that kind may stand: a Presidential Decree with no parent Act (e.g. 검사와 사법경찰관의 상호협력과
#: 일반적 수사준칙에 관한 규정) is its own folder's 대통령령.md.
FILES_OF_KIND = {"act": ("법률.md", "대통령령.md"), "decree": ("시행령.md",), "rule": ("시행규칙.md",)}
_TITLE_SUFFIX = {"decree": "시행령", "rule": "시행규칙"}

# Every pattern below is unambiguous (no two quantifiers can share characters), so a match costs linear time
# even on a hostile line; the article heading is split by hand after its label (see _heading).
_ARTICLE_LABEL = re.compile(r"#####\s*(?P<label>제\d+조(?:의\d+)*)")
_ADDENDUM = re.compile(
    r"#*\s*부\s*칙\s*<\s*제\s*(?P<number>\d+)\s*호\s*,\s*(?P<date>\d{4}\s*\.\s*\d{1,2}\s*\.\s*\d{1,2})\s*\.?\s*>"
)
_TAG = re.compile(r"<[^<>]*>|\[[^\[\]]*\]")
_DOTTED_DATE = re.compile(r"(\d{4})\s*\.\s*(\d{1,2})\s*\.\s*(\d{1,2})")
_KOREAN_DATE = re.compile(r"(\d{4})년\s*(\d{1,2})월\s*(\d{1,2})일")
_AFTER = re.compile(r"공포\s*후\s*(\d+)\s*(개월|년|일)이\s*경과한\s*날")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"\d{1,10}")
_REQUIRED = {
    "제목": "title",
    "공포일자": "promulgation date",
    "공포번호": "promulgation number",
    "시행일자": "in-force date",
}
_LONGEST_PERIOD = {"일": 36_600, "개월": 1_200, "년": 100}  # a commencement further off than a century is a typo


class LawTextError(Exception):
    """A statute file that cannot be read as the layout says: file, line and reason."""

    def __init__(self, path: Path | str, line: int | None, reason: str):
        self.path, self.line, self.reason = str(path), line, reason
        super().__init__(f"{self.path}:{line}: {reason}" if line else f"{self.path}: {reason}")

    def to_json(self) -> dict:
        return {"file": self.path, "line": self.line, "reason": self.reason}


def _heading(line: str) -> tuple[str, str | None, str] | None:
    """(label, heading, rest) of an article heading line `##### 제2조의3 (보전요청) ...`, None if it is not one.

    The heading is everything between the first '(' after the label and the last ')' of the line.
    """
    m = _ARTICLE_LABEL.match(line)
    if m is None:
        return None
    tail, heading = line[m.end() :].strip(), None
    if tail.startswith("(") and (close := tail.rfind(")")) > 0:
        heading, tail = tail[1:close].strip() or None, tail[close + 1 :].strip()
    return m.group("label"), heading, tail


def normalised(body: str) -> str:
    """An article's words with markup and white space folded: what its hash and the word diff compare."""
    text = body.replace("**", "").replace("\\", "")
    text = "\n".join(line.lstrip("#") for line in text.split("\n"))
    return " ".join(text.split())


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
        parts = _heading(first)
        if parts is not None and parts[2].startswith("삭제"):
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
        return hashlib.sha256(normalised(self.body).encode("utf-8")).hexdigest()


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
    """The in-force date a plain commencement rule gives; ValueError when the rule names no possible date.

    '공포한 날부터' is the day of promulgation; 'YYYY년 M월 D일부터' that date; '공포 후 N개월(년, 일)이 경과한
    날부터' the day after the period has run, counted from the day after promulgation (the Civil Act's rule
    that the first day is not counted): 30 Dec 2025 + 6 months -> 1 Jul 2026.
    """
    first = rule.split("다만", 1)[0]
    if "공포한 날부터" in first:
        return promulgated
    if m := _KOREAN_DATE.search(first):
        day = _date(m.groups())
        if day is None:
            raise ValueError(f"the commencement date {m.group(0)} does not exist")
        return day
    if m := _AFTER.search(first):
        digits, unit = m.group(1), m.group(2)
        if len(digits) > 6 or int(digits) > _LONGEST_PERIOD[unit]:
            shown = digits if len(digits) <= 12 else f"{digits[:12]}… ({len(digits)} digits)"
            raise ValueError(f"the commencement period of {shown}{unit} is longer than {_LONGEST_PERIOD[unit]}{unit}")
        n = int(digits)
        try:
            if unit == "일":
                return promulgated + dt.timedelta(days=n + 1)
            return add_months(promulgated, n * 12 if unit == "년" else n) + dt.timedelta(days=1)
        except (ValueError, OverflowError):
            raise ValueError(f"the commencement period of {n}{unit} runs past the year 9999") from None
    return None


def _decode(path: Path | str, raw: bytes) -> str:
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


def _shown(value: Any) -> str:
    """A value as an error message may quote it: never thousands of characters."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:40]}… ({len(text)} characters)"


class _FrontMatterBuilder:
    """Builds the front matter from YAML parse events, so that nothing is constructed that the layout does not
    need: every scalar stays text (no 5,000-digit integers, no impossible timestamps), keys are unique, nesting is
    shallow, and anchors and aliases (whose expansion can be exponential) are refused, each with its line."""

    _NULLS = frozenset({"", "~", "null", "Null", "NULL"})

    def __init__(self, path: Path | str, first_line: int):
        self.path, self.first_line = path, first_line
        self.root: Any = None
        self.stack: list[list[Any]] = []  # [container, pending key or None, {key: line}]
        self.key_lines: dict[str, int] = {}
        self.documents = 0

    def build(self, text: str) -> Any:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            line = self.first_line + (event.start_mark.line if event.start_mark is not None else 0)
            if isinstance(event, yaml.DocumentStartEvent):
                self.documents += 1
                if self.documents > 1:
                    raise LawTextError(self.path, line, "front matter holds more than one YAML document")
            elif isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise LawTextError(self.path, line, "front matter: anchors and aliases (& and *) are not allowed")
            elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if len(self.stack) >= MAX_FRONT_MATTER_DEPTH:
                    raise LawTextError(
                        self.path, line, f"front matter is nested more than {MAX_FRONT_MATTER_DEPTH} levels deep"
                    )
                node: dict | list = {} if isinstance(event, yaml.MappingStartEvent) else []
                self._place(node, line)
                self.stack.append([node, None, {}])
            elif isinstance(event, yaml.ScalarEvent):
                plain = event.style is None and event.tag is None
                self._place(None if plain and event.value in self._NULLS else event.value, line)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                self.stack.pop()
        return self.root

    def _place(self, value: Any, line: int) -> None:
        if not self.stack:
            self.root = value
            return
        frame = self.stack[-1]
        container, key, seen = frame
        if isinstance(container, list):
            container.append(value)
        elif key is None:
            if not isinstance(value, str) or not value:
                raise LawTextError(self.path, line, "front matter: a key must be plain text")
            if value in seen:
                raise LawTextError(
                    self.path, line, f"front matter: {value} appears twice (first at line {seen[value]})"
                )
            seen[value] = line
            if len(self.stack) == 1:
                self.key_lines[value] = line
            frame[1] = value
        else:
            container[key] = value
            frame[1] = None


def _check_flow_depth(path: Path | str, text: str, first_line: int) -> None:
    """Refuse deep [ { nesting before YAML sees it: PyYAML's scanner spends time proportional to the nesting on
    every token, so 5,000 levels would cost seconds (brackets inside quotes are counted too; no title has nine)."""
    depth, line = 0, first_line
    for c in text:
        if c == "\n":
            line += 1
        elif c in "[{":
            depth += 1
            if depth > MAX_FRONT_MATTER_DEPTH:
                raise LawTextError(path, line, f"front matter is nested more than {MAX_FRONT_MATTER_DEPTH} levels deep")
        elif c in "]}" and depth:
            depth -= 1


def _front_matter(path: Path | str, lines: list[str]) -> tuple[dict, int]:
    if not lines or lines[0].strip() != "---":
        raise LawTextError(path, 1, "no front matter: the file must open with a '---' line")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise LawTextError(path, 1, "front matter is not closed by a '---' line")
    text = "\n".join(lines[1:end])
    if len(text.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise LawTextError(
            path, 2, f"front matter is longer than {MAX_FRONT_MATTER_BYTES // 1000} kB; a statute's is a few lines"
        )
    _check_flow_depth(path, text, 2)
    builder = _FrontMatterBuilder(path, 2)
    try:
        meta = builder.build(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        raise LawTextError(
            path, line, f"front matter is not valid YAML: {getattr(exc, 'problem', None) or exc}"
        ) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise LawTextError(path, 2, "front matter must be a mapping of fields")
    at = builder.key_lines
    for key, what in _REQUIRED.items():
        if meta.get(key) in (None, ""):
            raise LawTextError(path, 1, f"front matter: {key} ({what}) is missing")
        if not isinstance(meta[key], str):
            raise LawTextError(
                path, at.get(key, 1), f"front matter: {key} ({what}) must be a single value, not a list or mapping"
            )
    meta["제목"] = meta["제목"].strip()
    number = meta["공포번호"].strip()
    if not _NUMBER.fullmatch(number):
        raise LawTextError(
            path,
            at.get("공포번호", 1),
            f"front matter: 공포번호 must be a number of at most 10 digits, not {_shown(number)}",
        )
    meta["공포번호"] = number
    for key in ("공포일자", "시행일자"):
        value = meta[key].strip()
        try:
            if not _ISO_DATE.fullmatch(value):
                raise ValueError
            meta[key] = dt.date.fromisoformat(value)
        except ValueError:
            raise LawTextError(
                path, at.get(key, 1), f"front matter: {key} is not a date that exists (YYYY-MM-DD): {_shown(value)}"
            ) from None
    if not isinstance(meta.get("출처"), str):
        meta["출처"] = None
    return meta, end


def read_front_matter(path: Path | str, raw: bytes) -> LawVersion:
    """Only the version a file's front matter names (for walking a statute's history cheaply)."""
    head = raw[: MAX_FRONT_MATTER_BYTES + 4096]
    text = _decode(path, head) if len(head) == len(raw) else _decode(path, head[: head.rfind(b"\n") + 1])
    meta, _ = _front_matter(path, text.split("\n"))
    return LawVersion(number=meta["공포번호"], promulgated=meta["공포일자"], in_force=meta["시행일자"])


def read_capped(path: Path) -> bytes:
    """A regular file's bytes, refused (with the reason) when it is a link, not a file, or over MAX_FILE_BYTES."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)  # a FIFO must not block us
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if os.path.islink(path):
            raise LawTextError(path, None, "is a symbolic link; statute files are read only as regular files") from None
        raise LawTextError(path, None, f"cannot be opened: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise LawTextError(path, None, "not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise LawTextError(path, None, _too_big(info.st_size))
        raw = handle.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:  # grew while we read it
        raise LawTextError(path, None, _too_big(len(raw)))
    return raw


def _too_big(size: int) -> str:
    return f"is {size / 1_000_000:.1f} MB; a statute file may be at most {MAX_FILE_BYTES // 1_000_000} MB"


def parse_statute(path: Path | str) -> StatuteFile:
    """Read one statute file; raises LawTextError (file, line, reason) on anything the layout does not allow."""
    path = Path(path)
    return parse_statute_bytes(path, read_capped(path))


def parse_statute_bytes(path: Path | str, raw: bytes) -> StatuteFile:
    """Parse a statute's bytes (a file, or one version of it from git); `path` names it in every error."""
    if len(raw) > MAX_FILE_BYTES:
        raise LawTextError(path, None, _too_big(len(raw)))
    try:
        return _parse(Path(path), raw)
    except LawTextError:
        raise
    except (
        ValueError,
        ArithmeticError,
        RecursionError,
        MemoryError,
        LookupError,
        TypeError,
    ) as exc:  # never a traceback
        raise LawTextError(path, None, f"cannot be read: {type(exc).__name__}: {str(exc)[:200]}") from None


def _parse(path: Path, raw: bytes) -> StatuteFile:
    lines = _decode(path, raw).split("\n")
    meta, end = _front_matter(path, lines)
    try:
        version = LawVersion(number=meta["공포번호"], promulgated=meta["공포일자"], in_force=meta["시행일자"])
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
            try:
                in_force = commencement(day, rule)
            except ValueError as exc:
                raise LawTextError(path, line, f"addendum <제{number}호>: {exc}") from None
            addenda.append(Addendum(number, day, in_force, rule[:300], line))
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
            parts = _heading(text)
            if parts is None:
                raise LawTextError(path, lineno, f"article heading cannot be parsed: {text[:80]!r}")
            current = (parts[0], parts[1], lineno, [text])
            _check_tag_dates(path, lineno, text)
        elif text.startswith("#"):
            close_article()
        elif current is not None:
            current[3].append(text)
            _check_tag_dates(path, lineno, text)
    close_article()
    close_addendum()
    return StatuteFile(path, meta["제목"], version, meta["출처"], articles, addenda)


def _check_tag_dates(path: Path, lineno: int, text: str) -> None:
    """An amendment tag whose date does not exist would silently hide the amendment: refuse it."""
    if "<" not in text and "[" not in text:
        return
    for tag in _TAG.findall(text):
        for parts in _DOTTED_DATE.findall(tag):
            if _date(parts) is None:
                raise LawTextError(path, lineno, f"amendment tag date {'.'.join(parts)} does not exist: {_shown(tag)}")


def statute_kind(title: str, kind: str | None) -> str:
    """'act', 'decree' or 'rule': as recorded, else read from the title (… 시행령, … 시행규칙), else an Act."""
    if kind:
        return kind
    name = title.replace(" ", "")
    return next((k for k, suffix in _TITLE_SUFFIX.items() if name.endswith(suffix) and name != suffix), "act")


def _folder_names(title: str, kind: str) -> list[str]:
    """Folder names to try: the title, without the decree's or rule's suffix (민법 시행령 -> 민법), and each of
    those without spaces (the mirror names some folders so: 정보통신망이용촉진및정보보호등에관한법률)."""
    names = [title]
    suffix = _TITLE_SUFFIX.get(kind)
    if suffix and title.replace(" ", "").endswith(suffix):
        stem = title.rstrip()
        stem = stem[: len(stem) - len(suffix)] if stem.endswith(suffix) else stem
        names.append(stem.rstrip())
    return list(dict.fromkeys([n for name in names for n in (name, name.replace(" ", "")) if n]))


def _plain_name(title: str) -> bool:
    return not (
        any(c in title for c in "/\\")
        or title.strip() in {".", ".."}
        or any(ord(c) < 32 or ord(c) == 127 for c in title)
    )


def find_statute_file(texts: Path, title: str, kind: str | None = None) -> Path | None:
    """`<texts>/kr/<title>/법률.md` (or `<texts>/<title>/법률.md` when `texts` is the kr folder itself); a
    decree is `시행령.md` and a rule `시행규칙.md` in the same folder. None when there is no such file.

    Raises LawTextError for a title that is not a plain folder name (`../`) and for a file that a symbolic link
    leads out of `texts`: nothing outside the texts folder is ever read.
    """
    kind = statute_kind(title, kind)
    if not _plain_name(title):
        raise LawTextError(
            texts,
            None,
            f"statute title {_shown(title)} is not a plain folder name ('/', '\\', '..' or a control character): refused",
        )
    root = texts.resolve()
    for name in _folder_names(title, kind):
        for candidate in (folder / name / file for file in FILES_OF_KIND[kind] for folder in (texts / "kr", texts)):
            if not os.path.lexists(candidate):
                continue
            real = candidate.resolve()
            if not real.is_relative_to(root):
                raise LawTextError(candidate, None, "a symbolic link leads out of the texts folder: refused")
            if not real.exists():
                continue
            return candidate if real == candidate.absolute() else real
    return None
