"""Pydantic v2 models shared by the YAML files, their JSON Schemas, the database, the scoring core, the CLI and the
Excel and YAML exports.

One module holds every shape of the catalogue so that a YAML author, a JSON Schema and the code agree.
Validation of references *between* files (an element id that must exist, a provision that must be defined)
lives in `assessment.validators`; these models check one document at a time.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import core_schema

# Defined in vocab (no pydantic needed there); re-exported so `from assessment.models import Status` keeps working.
from .i18n import Msg
from .vocab import JudgmentStatus as JudgmentStatus
from .vocab import RegisterStatus as RegisterStatus
from .vocab import Status as Status
from .vocab import lifecycle_word

# --------------------------------------------------------------------------------------------------------
# Vocabularies (defined once; import them, never retype the strings). Statuses live in assessment.vocab.
# --------------------------------------------------------------------------------------------------------


class Kind(StrEnum):
    """What an obligation asks of a Party."""

    criminalise = "criminalise"
    empower = "empower"
    ensure = "ensure"
    cooperate = "cooperate"
    designate = "designate"
    permissive = "permissive"
    definition = "definition"
    final = "final"


#: Kinds that a Party must implement in its law or practice; only these can be critical gaps.
MANDATORY_KINDS = frozenset({Kind.criminalise, Kind.empower, Kind.ensure, Kind.cooperate, Kind.designate})


class Extent(StrEnum):
    full = "full"
    partial = "partial"


class Relation(StrEnum):
    """How an obligation of one treaty relates to one of another treaty."""

    equal = "equal"
    subset = "subset"  # the source obligation asks for less than the target
    superset = "superset"  # the source obligation asks for more than the target
    intersect = "intersect"


class HookKind(StrEnum):
    reservation = "reservation"
    declaration = "declaration"


class SourceKind(StrEnum):
    primary = "primary"  # statute or treaty text, official gazette, official register
    official = "official"  # government or treaty-body page or report describing the law
    copy = "copy"  # a third-party reproduction of a primary text (statute compilation, case-law database, bill tracker)
    secondary = "secondary"  # news, commentary, academic or NGO analysis


class Stage(StrEnum):
    """Lifecycle stage of a provision at a date, in order."""

    not_yet = "not_yet"  # before it was introduced
    introduced = "introduced"
    passed = "passed"
    promulgated = "promulgated"
    in_force = "in_force"
    repealed = "repealed"
    lapsed = "lapsed"  # a bill that died, was withdrawn or was folded into another text


class EventKind(StrEnum):
    letter_of_intent = "letter_of_intent"
    invitation = "invitation"
    signature = "signature"
    ratification = "ratification"
    accession = "accession"
    deposit = "deposit"
    entry_into_force = "entry_into_force"
    consent = "consent"  # parliamentary consent to be bound
    bill_introduced = "bill_introduced"
    law_passed = "law_passed"
    law_promulgated = "law_promulgated"
    law_in_force = "law_in_force"
    statement = "statement"
    other = "other"


class LegalSystem(StrEnum):
    """The legal family a country's law belongs to: precedents from the same family are closer."""

    civil = "civil"
    common = "common"
    mixed = "mixed"


class PositionClaim(StrEnum):
    """What a position says about a country's readiness for a treaty."""

    ready = "ready"  # the whole treaty: the law needed to join is in place
    not_ready = "not_ready"  # the whole treaty: law is still missing (optionally naming where)
    statuses = "statuses"  # a status for each listed obligation or element


class DatePrecision(StrEnum):
    day = "day"
    month = "month"
    year = "year"


# --------------------------------------------------------------------------------------------------------
# Identifiers
# --------------------------------------------------------------------------------------------------------

#: The most characters one typed text (a note, a reason) may hold: what one spreadsheet cell holds, so every
#: text survives an Excel export and import unchanged. Decided here, once, for every surface and database.
#: Counted as Excel counts it (`cell_length`: UTF-16 units, so an emoji counts as two).
MAX_TEXT = 32_767
#: Ids are stored in columns of 200 characters (assessment/store/schema.py).
MAX_ID = 200

TreatyId = Annotated[str, StringConstraints(pattern=r"^[a-z]+[0-9]+$", max_length=MAX_ID)]
DottedId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(\.[a-z0-9-]+)+$", max_length=MAX_ID)]
Iso3 = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
SourceId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.-]*$")]
Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]


def cell_length(text: str) -> int:
    """How many characters Excel counts in `text`: UTF-16 code units, so a character beyond U+FFFF (an emoji, a
    rare Hanja) counts as two. Its cell limit (MAX_TEXT) is in these units."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le", "surrogatepass")) // 2


def too_long_for_a_cell(text: str) -> Msg | None:
    """Why `text` cannot be kept (it would be cut in a spreadsheet), with its length and the limit; None if it fits."""
    if len(text) <= MAX_TEXT // 2:  # cannot exceed the limit even if every character counted twice
        return None
    count = cell_length(text)
    if count <= MAX_TEXT:
        return None
    return Msg(
        "{count} characters as Excel counts them (an emoji counts as two), more than the {limit} a spreadsheet cell holds; "
        "shorten it (nothing was cut)",
        count=f"{count:,}",
        limit=f"{MAX_TEXT:,}",
    )


class _FitsACell:
    """A text's length limit, counted as Excel counts it (pydantic's max_length counts code points, so a text of
    emoji could pass and then be cut by the spreadsheet); the JSON Schema keeps `maxLength` for editors."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(cls._check, handler(source))

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        return {**handler(schema), "maxLength": MAX_TEXT}

    @staticmethod
    def _check(text: str) -> str:
        if (problem := too_long_for_a_cell(text)) is not None:
            raise ValueError(problem)
        return text


Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True), _FitsACell]
Note = Annotated[str, _FitsACell]

#: Characters no database column can hold (PostgreSQL refuses NUL; surrogates are not UTF-8), whatever the
#: surface they came from (a YAML file, a form, an Excel cell escaped as _x0000_).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class Strict(BaseModel):
    """Base: unknown fields are errors, so a typo in YAML is reported, not ignored; text that a database cannot
    store is refused here, identically for SQLite and PostgreSQL."""

    model_config = ConfigDict(extra="forbid", frozen=False)

    @field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value: object) -> object:
        if isinstance(value, str) and (bad := _UNSTORABLE.search(value)):
            what = (
                Msg("a NUL character")
                if bad.group() == "\x00"
                else Msg("the invalid character U+{code:04X}", code=ord(bad.group()))
            )
            raise ValueError(
                Msg(
                    "contains {what} (at position {position}), which cannot be stored; remove it",
                    what=what,
                    position=bad.start() + 1,
                )
            )
        return value


# --------------------------------------------------------------------------------------------------------
# Treaties (checklists/*.yaml)
# --------------------------------------------------------------------------------------------------------


class Element(Strict):
    """A checkable part of an obligation (e.g. Art. 16: preservation for up to 90 days)."""

    id: DottedId = Field(
        description="Stable id of the element: its obligation's id, '.e' and a number, e.g. ets185.art16.e1; country "
        "files refer to it, so never renumber.",
    )
    text: Text = Field(description="What national law must provide, in our own words.")
    paragraph: str | None = Field(
        None,
        description="Paragraph reference inside the article, e.g. '2' or '1.a'; leave empty when the element "
        "concerns the whole article.",
    )
    criterion: str | None = Field(
        None,
        description="Assessment criterion this element follows, e.g. a T-CY heading; leave empty when none applies.",
    )
    weight: float = Field(
        1.0,
        gt=0,
        description="How much the element counts in its obligation's score, relative to the others (a "
        "positive number, 1.0 unless it should count more or less).",
    )
    core: bool = Field(False, description="Missing this element alone makes the obligation a critical gap.")
    optional: bool = Field(False, description="An option the treaty offers; assessed but never a gap on its own.")


class Hook(Strict):
    """A reservation or declaration the treaty allows, and which elements it takes out of the assessment."""

    id: DottedId = Field(
        description="Id of the reservation or declaration, <treaty>.res.<article>-<paragraph> or "
        "<treaty>.decl.<article>, e.g. ets185.res.4-2 or ets185.decl.2.",
    )
    kind: HookKind = Field(description="Whether it is a reservation or a declaration.")
    paragraph: str = Field(description="The article paragraph that allows it, e.g. '4(2)'.")
    basis: str = Field(description="The article that lists it, e.g. 'Art. 42'.")
    summary: Text = Field(description="What the treaty lets a Party reserve or declare here, in our own words.")
    elements: list[DottedId] = Field(
        default_factory=list, description="Elements a Party that makes it may mark 'reserved'."
    )
    effect: Text = Field(description="What making it changes, in our own words.")
    verified: bool = Field(
        True,
        description="False when the paragraph that allows it was not checked against the treaty text.",
    )


class Obligation(Strict):
    """One assessable unit: normally an article, split by paragraph where a reservation or duty needs it."""

    id: DottedId = Field(
        description="Stable id of the obligation, <treaty>.art<N> with a paragraph suffix when the article is split, "
        "e.g. ets185.art16 or ets185.art18.1a.",
    )
    article: str = Field(description="Article reference, e.g. '16' or '18(1)(b)'.")
    title: Text = Field(description="Short title of the obligation, usually the article's heading.")
    kind: Kind = Field(
        description="What it asks of a Party: criminalise, empower, ensure, cooperate or designate (these can be "
        "critical gaps), or permissive, definition or final.",
    )
    summary: Text = Field(
        description="What a Party must do, in one or two sentences of our own words (never the treaty text).",
    )
    weight: float = Field(
        1.0,
        gt=0,
        description="How much the obligation counts in the article, chapter and treaty scores, relative to "
        "the others (a positive number, 1.0 by default).",
    )
    due_at_accession: bool = Field(False, description="A designation or notification due at signature or deposit.")
    elements: list[Element] = Field(
        default_factory=list,
        description="The checkable parts of the obligation; leave the list empty when there is "
        "nothing to check in national law.",
    )
    reservations: list[Hook] = Field(
        default_factory=list,
        description="The reservations the treaty's reservation article allows on this "
        "obligation; an empty list when none.",
    )
    declarations: list[Hook] = Field(
        default_factory=list,
        description="The declarations the treaty allows on this obligation; an empty list when none.",
    )
    verified: bool = Field(True, description="False when the article number was not checked against the text.")
    note: str | None = Field(
        None,
        description="What a reader should know about how the obligation was split or read; leave empty when nothing.",
    )

    @property
    def mandatory(self) -> bool:
        return self.kind in MANDATORY_KINDS

    @property
    def hooks(self) -> list[Hook]:
        return [*self.reservations, *self.declarations]


class Article(Strict):
    number: str = Field(description="Article number as printed, e.g. '16'.")
    title: Text = Field(description="The article's heading as printed in the treaty.")
    section: str = Field(description="Id of the chapter section the article sits in.")
    summary: str | None = Field(
        None,
        description="What the article is about, in our own words; leave empty when its obligations say it already.",
    )
    verified: bool = Field(True, description="False when number or title was not checked against the text.")
    obligations: list[Obligation] = Field(
        default_factory=list,
        description="The assessable units of the article; an empty list when the article asks nothing to assess.",
    )


class Section(Strict):
    id: DottedId = Field(
        description="Section id, <chapter id>.s<N> with .t<K> for a title inside a section, e.g. ets185.ch2.s2.t2; "
        "articles name it in `section`.",
    )
    title: Text = Field(description="The section's heading as printed in the treaty.")


class Chapter(Strict):
    id: DottedId = Field(description="Chapter id, <treaty>.ch<N>, e.g. ets185.ch2.")
    number: str = Field(description="Chapter number as printed, e.g. 'II'.")
    title: Text = Field(description="The chapter's heading as printed in the treaty.")
    sections: list[Section] = Field(description="The chapter's sections, in order.")


class Treaty(Strict):
    """A treaty checklist: the whole of checklists/<id>.yaml."""

    id: TreatyId = Field(
        description="Treaty id, lower-case letters then digits, e.g. ets185; the file is named after it.",
    )
    title: Text = Field(description="The treaty's full official title in English.")
    short_title: Text = Field(description="The short name pages and briefs use, e.g. Budapest Convention.")
    series: str = Field(
        description="Its number in the treaty series, or the resolution that adopted it, e.g. 'ETS No. 185' or "
        "'A/RES/79/243'.",
    )
    parent: TreatyId | None = Field(
        None,
        description="Id of the treaty this one supplements (protocols name ets185); leave empty for a treaty "
        "that stands alone.",
    )
    adopted: dt.date | None = Field(
        None,
        description="Date the text was adopted (YYYY-MM-DD); leave empty when no source gives it.",
    )
    opened_for_signature: dt.date | None = Field(
        None,
        description="Date the treaty was opened for signature (YYYY-MM-DD); leave empty when no source gives it.",
    )
    entry_into_force: dt.date | None = Field(
        None,
        description="Date the treaty entered into force (YYYY-MM-DD); leave empty while it is not in force or "
        "when no source gives it.",
    )
    entry_into_force_rule: str | None = Field(
        None,
        description="What brings the treaty into force, in our own words (e.g. how many ratifications); leave "
        "empty when unknown.",
    )
    source_url: Url = Field(description="The treaty's official web page (an http or https address).")
    text_source: str | None = Field(None, description="Which copy of the text the checklist was written from.")
    note: str | None = Field(
        None,
        description="What a reader should know about the checklist as a whole; leave empty when nothing.",
    )
    chapters: list[Chapter] = Field(description="The treaty's chapters with their sections, in order.")
    articles: list[Article] = Field(description="Every article of the treaty, in order, each with its obligations.")

    def obligations(self) -> list[Obligation]:
        return [o for a in self.articles for o in a.obligations]


class CrosswalkLink(Strict):
    source: DottedId = Field(
        description="Obligation or element id in the 'from' treaty (the side a status is carried to)."
    )
    target: DottedId = Field(
        description="Obligation or element id in the 'to' treaty (the side a status is carried from)."
    )
    relation: Relation = Field(
        description="How the source compares with the target: equal, subset (asks for less), superset (asks for more) "
        "or intersect (they overlap).",
    )
    verified: bool = Field(False, description="True when both article numbers were read in the texts.")
    note: str | None = Field(
        None,
        description="Why the two correspond and where they differ, in our own words; leave empty when there is "
        "nothing to add.",
    )


class Crosswalk(Strict):
    """checklists/crosswalks/<from>-<to>.yaml"""

    from_treaty: TreatyId = Field(
        description="Id of the treaty whose obligations the links start from (their `source`), e.g. uncc2024: the "
        "first part of the file name.",
    )
    to_treaty: TreatyId = Field(
        description="Id of the treaty whose obligations the links point to (their `target`), e.g. ets185: the second "
        "part of the file name.",
    )
    source_url: Url | None = Field(
        None,
        description="Web address (http or https) of an official correspondence table the links follow; leave "
        "empty when they are our own reading.",
    )
    note: str | None = Field(
        None,
        description="How the links were made and what they cover; leave empty when there is nothing to add.",
    )
    links: list[CrosswalkLink] = Field(description="One entry per pair of corresponding obligations or elements.")


# --------------------------------------------------------------------------------------------------------
# Countries (data/countries/<ISO3>.yaml)
# --------------------------------------------------------------------------------------------------------


class Source(Strict):
    id: SourceId = Field(
        description="Short id the other entries cite it by: lower-case letters, digits, dots and dashes, e.g. "
        "octopus-kor.",
    )
    title: Text = Field(description="The document's or page's title as published.")
    url: Url = Field(description="Web address (http or https) where the source can be read.")
    publisher: str | None = Field(
        None,
        description="Who published it, e.g. Council of Europe; leave empty when unclear.",
    )
    kind: SourceKind = Field(
        description="What kind of source it is: primary (statute or treaty text, gazette, official register), official "
        "(a government or treaty-body page about the law), copy (a third party's copy of a primary text) or secondary "
        "(news, commentary, analysis).",
    )
    date: dt.date | None = Field(
        None,
        description="Publication or as-of date of the source (YYYY-MM-DD); leave empty when it carries none.",
    )
    accessed: dt.date | None = Field(
        None,
        description="Date the source was last read (YYYY-MM-DD); leave empty when not recorded.",
    )
    note: str | None = Field(
        None, description="Which copy was read, e.g. the mirror and version of a consolidated text."
    )


class Lifecycle(Strict):
    """Dates a provision went through. A provision with no in_force date is a bill (or not yet in force)."""

    introduced: dt.date | None = Field(
        None,
        description="Date the bill was introduced (YYYY-MM-DD); leave empty when unknown, e.g. for a law known "
        "only in force.",
    )
    passed: dt.date | None = Field(
        None,
        description="Date the legislature passed it (YYYY-MM-DD); leave empty while it has not passed or when "
        "the date is unknown.",
    )
    promulgated: dt.date | None = Field(
        None,
        description="Date it was promulgated, i.e. published as law (YYYY-MM-DD); leave empty while it is not or "
        "when the date is unknown.",
    )
    in_force: dt.date | None = Field(
        None,
        description="Date it came into force (YYYY-MM-DD), the earliest you can source; leave empty while it is "
        "a bill or not yet in force.",
    )
    repealed: dt.date | None = Field(
        None,
        description="Date it was repealed or stopped applying (YYYY-MM-DD); leave empty while it applies.",
    )
    lapsed: dt.date | None = Field(
        None,
        description="Date a bill died, was withdrawn or was folded into another text (YYYY-MM-DD); leave empty "
        "otherwise, and never set it with in_force.",
    )
    enacted_by: str | None = Field(
        None,
        description="The act that brought the provision, in the wording assessed, into force, e.g. 'Act No. 74 of 2011'.",
    )
    dates_verified: bool = Field(False, description="True when every date given was read in a primary source.")
    note: str | None = Field(
        None,
        description="Where the dates come from, or why one is missing or approximate (e.g. 'in force at least "
        "since 2011'); leave empty when nothing to add.",
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> Lifecycle:
        order = ("introduced", "passed", "promulgated", "in_force", "repealed")
        seen: list[tuple[str, dt.date]] = [(n, getattr(self, n)) for n in order if getattr(self, n) is not None]
        for (first, d1), (second, d2) in zip(seen, seen[1:]):
            if d2 < d1:
                raise ValueError(
                    Msg(
                        "{second} ({d2}) is before {first} ({d1})",
                        second=lifecycle_word(second),
                        d2=d2,
                        first=lifecycle_word(first),
                        d1=d1,
                    )
                )
        if self.lapsed is not None and self.in_force is not None:
            raise ValueError(Msg("a provision that came into force cannot also have lapsed; use repealed"))
        return self

    def stage_at(self, when: dt.date) -> Stage:
        """The last stage reached on `when`."""
        if self.lapsed is not None and self.lapsed <= when:
            return Stage.lapsed
        if self.repealed is not None and self.repealed <= when:
            return Stage.repealed
        for name in ("in_force", "promulgated", "passed", "introduced"):
            d = getattr(self, name)
            if d is not None and d <= when:
                return Stage(name)
        return Stage.not_yet


class Bill(Strict):
    number: str | None = Field(None, description="Official bill number; null when not found. Never guess it.")
    title: str | None = Field(None, description="The bill's title as introduced; leave empty when unknown.")
    sponsor: str | None = Field(
        None,
        description="Who introduced it (a member and party, or the government); leave empty when unknown.",
    )
    chamber: str | None = Field(
        None,
        description="The legislature or chamber it was introduced in, e.g. National Assembly; leave empty when "
        "unknown.",
    )
    url: Url | None = Field(
        None,
        description="Web address (http or https) of the bill in the legislature's tracker; leave empty when "
        "there is none.",
    )


class LawVersion(Strict):
    """One law, named by its promulgation number and dates: a consolidated version, or an amending act."""

    number: str = Field(description="Promulgation (law) number as the source writes it, e.g. '22009'.")
    promulgated: dt.date = Field(description="Date that law was promulgated (YYYY-MM-DD).")
    in_force: dt.date | None = Field(
        None,
        description="Date it came into force (YYYY-MM-DD); leave empty when the addenda do not settle it.",
    )


Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class StatuteText(Strict):
    """The consolidated text a provision was read in, pinned so that a later change of the law is noticed.

    `title` and `article` are written as the source writes them (e.g. 형사소송법, 제215조의2): they are how
    `assessment.lawtext` finds the article again in a folder of consolidated statutes.
    """

    title: Text = Field(
        description="Statute title as the consolidated text writes it, e.g. 형사소송법 or 전기통신사업법 시행령."
    )
    kind: Literal["act", "decree", "rule"] | None = Field(
        None,
        description="Which text of the statute's folder: act (법률.md), decree (시행령.md) or rule (시행규칙.md); "
        "null: read from the title (… 시행령, … 시행규칙), else an Act.",
    )
    article: Text = Field(description="Article label as its heading writes it, e.g. 제215조의2.")
    heading: str | None = Field(None, description="The article's heading (title in brackets), e.g. 보전요청.")
    version: LawVersion = Field(description="The consolidated version read: its promulgation number and dates.")
    amended: dt.date | None = Field(None, description="Latest amendment date tagged on the article; null if none.")
    amended_by: LawVersion | None = Field(
        None, description="The amending law behind that latest tag, from the addenda."
    )
    sha256: Sha256 | None = Field(None, description="Hash of the article's normalised text, recorded by `lawtext pin`.")

    @property
    def label(self) -> str:
        """The citation as the law writes it, e.g. '형사소송법 제215조의2'."""
        return f"{self.title} {self.article}"


class Provision(Strict):
    """A piece of national law, enacted or proposed, with its dated lifecycle."""

    id: DottedId = Field(
        description="Id of the provision: the country code in lower case, a short statute name and the article, e.g. "
        "kor.cpa.215.",
    )
    statute: Text = Field(
        description="Name of the statute, or of the amendment bill, in English, e.g. Criminal Procedure Act.",
    )
    article: str | None = Field(None, description="Article as cited, e.g. '215' or '218-3'; null when unknown.")
    paragraph: str | None = Field(
        None,
        description="Paragraph as cited, e.g. '1' or '(2)'; leave empty when the whole article is meant.",
    )
    summary: Text = Field(description="What it provides, in our own words.")
    lifecycle: Lifecycle = Field(description="The dates the provision went through, from introduction to repeal.")
    bill: Bill | None = Field(
        None,
        description="Details of the bill (number, title, sponsor, chamber, link) while it is or was one; leave "
        "empty for a law read in force.",
    )
    source: str = Field(description="Id of an entry in this file's sources.")
    verified: bool = Field(False, description="True when the provision text was read in a primary source.")
    text: StatuteText | None = Field(None, description="The consolidated text it was read in (pinned version).")

    @property
    def citation(self) -> str:
        parts = [self.statute]
        if self.article:
            para = self.paragraph or ""
            parts.append(f"Art. {self.article}" + (para if para.startswith("(") else f"({para})" if para else ""))
        elif self.bill is not None:
            parts.append("bill" + (f" {self.bill.number}" if self.bill.number else ""))
        return ", ".join(parts)


class Finding(Strict):
    """'Provision P satisfies this element fully / partly', with why and where we read it."""

    provision: str = Field(description="Id of the provision, from this file's provisions, that meets the element.")
    extent: Extent = Field(
        description="full when the provision meets the whole element, partial when it meets only part of it.",
    )
    note: Note | None = Field(
        None,
        description="Why the provision meets the element, or what it leaves out, in our own words; leave empty "
        "when obvious.",
    )
    source: str | None = Field(
        None,
        description="Id of the source this finding was read in; leave empty to use the provision's source.",
    )
    verified: bool = Field(False, description="True when the finding was checked in a primary source.")


class Judgment(Strict):
    """An explicit status that overrides the findings."""

    status: JudgmentStatus = Field(
        description="The status that overrides the findings: missing, not_applicable, reserved or unknown.",
    )
    reason: Text = Field(description="Why, in our own words; always required.")
    hook: DottedId | None = Field(
        None,
        description="Id of the reservation or declaration behind a 'reserved' judgment (required then); leave "
        "empty for any other status.",
    )
    source: str | None = Field(
        None,
        description="Id of an entry in this file's sources the judgment rests on; leave empty when none.",
    )
    verified: bool = Field(False, description="True when the judgment was checked in a primary source.")

    @model_validator(mode="after")
    def _reserved_needs_hook(self) -> Judgment:
        if self.status == JudgmentStatus.reserved and not self.hook:
            raise ValueError(Msg("a 'reserved' judgment must name the reservation or declaration (hook)"))
        if self.status != JudgmentStatus.reserved and self.hook:
            raise ValueError(Msg("only a 'reserved' judgment names a hook"))
        return self


class ElementAssessment(Strict):
    element: DottedId = Field(description="Id of the checklist element assessed, e.g. ets185.art16.e1.")
    findings: list[Finding] = Field(
        default_factory=list,
        description="The provisions that meet the element fully or partly; an empty list when none was found.",
    )
    judgment: Judgment | None = Field(
        None,
        description="An explicit status that overrides the findings; leave empty to let the findings decide.",
    )
    note: Note | None = Field(
        None,
        description="A working note on the element, e.g. what to check next; leave empty when there is none.",
    )


class CountryEvent(Strict):
    date: dt.date = Field(
        description="Date of the event (YYYY-MM-DD); with precision month or year, write the first day of that month "
        "or year.",
    )
    precision: DatePrecision = Field(
        DatePrecision.day,
        description="How exact the date is: day (the default), month or year.",
    )
    kind: EventKind = Field(
        description="What kind of step it was, e.g. invitation, signature, ratification, bill_introduced, law_in_force "
        "or statement.",
    )
    treaty: TreatyId | None = Field(
        None,
        description="Id of the treaty the event concerns; leave empty for a change of law that concerns no "
        "treaty in particular.",
    )
    title: Text = Field(description="What happened, in one line of our own words.")
    source: str = Field(description="Id of an entry in this file's sources.")
    verified: bool = Field(False, description="True when the event and its date were read in the source itself.")
    note: str | None = Field(
        None,
        description="Anything to add, e.g. why the date is approximate; leave empty when nothing.",
    )


class PlannedHook(Strict):
    """A reservation or declaration the country has said (or is expected) it will make."""

    hook: DottedId = Field(description="Id of the reservation or declaration in the checklist, e.g. ets185.res.6-3.")
    note: Text = Field(description="What the country has said, or why it is expected, in our own words.")
    source: str | None = Field(
        None,
        description="Id of an entry in this file's sources that says so; leave empty when it is our own expectation.",
    )
    verified: bool = Field(False, description="True when the intention was read in an official source.")


class LegalSystemFact(Strict):
    """The country's legal family, with where it was read."""

    family: LegalSystem = Field(description="The legal family: civil, common or mixed.")
    source: str = Field(description="Id of an entry in this file's sources.")
    verified: bool = Field(False, description="True when read in an official or primary source.")
    note: str | None = Field(
        None,
        description="Anything to add, e.g. which traditions are mixed; leave empty when nothing.",
    )


class Position(Strict):
    """A sourced statement by someone else about the country's readiness. Whether it differs from the
    assessment is computed on the position's date, never stored (assessment.positions)."""

    id: DottedId = Field(
        description="Id of the position: the country code in lower case, '.pos.' and a short name, e.g. "
        "kor.pos.moj-2025-12-12.",
    )
    by: Text = Field(
        description="Who said it: a ministry, a parliamentary research service, a treaty committee, an author."
    )
    date: dt.date = Field(description="When it was said (publication date of the source).")
    treaty: TreatyId = Field(description="Id of the treaty the statement is about, e.g. ets185.")
    claim: PositionClaim = Field(
        description="What it claims: ready (the whole treaty), not_ready (law is still missing) or statuses (a status "
        "for each listed obligation or element).",
    )
    statuses: dict[DottedId, Status] = Field(
        default_factory=dict,
        description="Obligation or element id -> the status the statement gives it. With claim 'statuses' the "
        "claim itself; with 'not_ready' the obligations it names as not met (in any status but in_place).",
    )
    summary: Text = Field(description="What it says, in one line of our own words.")
    source: str = Field(description="Id of an entry in this file's sources.")
    verified: bool = Field(False, description="True when the statement was read in the source itself.")
    note: str | None = Field(None, description="Anything to add; leave empty when nothing.")

    @model_validator(mode="after")
    def _statuses_fit_claim(self) -> Position:
        if self.claim == PositionClaim.statuses and not self.statuses:
            raise ValueError(Msg("a 'statuses' position must list at least one obligation or element"))
        if self.claim == PositionClaim.ready and self.statuses:
            raise ValueError(Msg("a 'ready' position claims the whole treaty; list no statuses"))
        return self


class Country(Strict):
    """The whole of data/countries/<ISO3>.yaml."""

    iso3: Iso3 = Field(description="ISO 3166-1 alpha-3 code in capitals, e.g. KOR; the file is named after it.")
    name: Text = Field(description="The country's name in English, as pages show it.")
    researched: dt.date = Field(description="Date the research in this file was last checked.")
    summary: str | None = Field(
        None,
        description="One paragraph in plain words on where the country stands; leave empty until written.",
    )
    legal_system: LegalSystemFact | None = Field(
        None,
        description="The legal family the country's law belongs to, with its source; leave empty until researched.",
    )
    sources: list[Source] = Field(
        description="Every source the file cites, each with the id the other entries refer to.",
    )
    provisions: list[Provision] = Field(
        default_factory=list,
        description="The national provisions, enacted or proposed, that the findings cite.",
    )
    assessments: list[ElementAssessment] = Field(
        default_factory=list,
        description="One entry per assessed element of any treaty; an element left out counts as not assessed.",
    )
    events: list[CountryEvent] = Field(
        default_factory=list,
        description="Accession steps and changes of law for the timeline, each with its source.",
    )
    planned_hooks: list[PlannedHook] = Field(
        default_factory=list,
        description="The reservations and declarations the country has said (or is expected) it will make.",
    )
    positions: list[Position] = Field(
        default_factory=list,
        description="Statements by others (a ministry, a committee, an author) on the country's "
        "readiness, each with its source.",
    )


# --------------------------------------------------------------------------------------------------------
# Treaty status registers (data/status/<treaty>.yaml)
# --------------------------------------------------------------------------------------------------------


class RegisterEntry(Strict):
    iso3: Iso3 = Field(description="ISO 3166-1 alpha-3 code in capitals, e.g. ALB.")
    name: Text = Field(description="The country's name in English.")
    status: RegisterStatus = Field(
        description="Its status on the entry's as_of date: party, signatory, invited or none.",
    )
    invitation: dt.date | None = Field(
        None,
        description="Date it was invited to accede (YYYY-MM-DD); leave empty when it was not invited or the date "
        "is unknown.",
    )
    signature: dt.date | None = Field(
        None,
        description="Date it signed (YYYY-MM-DD); leave empty when it has not signed.",
    )
    ratification: dt.date | None = Field(
        None,
        description="Date of ratification, acceptance, approval or accession (YYYY-MM-DD); leave empty when none.",
    )
    accession: bool = Field(False, description="True when the instrument was an accession.")
    entry_into_force: dt.date | None = Field(
        None,
        description="Date the treaty entered into force for the country (YYYY-MM-DD); leave empty while it has not.",
    )
    source: str = Field(description="Id of an entry in this register's sources.")
    as_of: dt.date = Field(description="Date of the source the entry was read in.")
    verified: bool = Field(False, description="True when the entry was read in the official treaty register.")
    note: str | None = Field(
        None,
        description="Anything to add, e.g. a territorial declaration; leave empty when nothing.",
    )


class StatusRegister(Strict):
    treaty: TreatyId = Field(description="Id of the treaty the register is for; the file is named after it.")
    as_of: dt.date = Field(description="Latest source date in this register.")
    note: str | None = Field(
        None,
        description="Where the register was read and what a reader should know; leave empty when nothing.",
    )
    sources: list[Source] = Field(description="Every source the entries cite.")
    entries: list[RegisterEntry] = Field(description="One entry per country with a status under the treaty.")


# --------------------------------------------------------------------------------------------------------
# Translations of curated content (checklists/translations/<treaty>.<lang>.yaml,
# data/translations/<ISO3>.<lang>.yaml): overlays keyed by the ids of the English documents
# --------------------------------------------------------------------------------------------------------

Lang = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]


class TitledText(Strict):
    title: Text | None = Field(None, description="The title in this language; leave empty to show the English one.")
    summary: Text | None = Field(None, description="The summary in this language; leave empty to show the English one.")


class HookText(Strict):
    summary: Text | None = Field(None, description="The summary in this language; leave empty to show the English one.")
    effect: Text | None = Field(None, description="The effect in this language; leave empty to show the English one.")


class TreatyTranslation(Strict):
    """The whole of checklists/translations/<treaty>.<lang>.yaml: our own translation of a checklist's texts.
    Every key is an id of the treaty; whatever is left out is shown in English with a visible mark."""

    treaty: TreatyId = Field(description="Id of the treaty translated; the file is named <treaty>.<lang>.yaml.")
    lang: Lang = Field(description="Two-letter code of the language, e.g. ko.")
    note: Text = Field(description="Who translated it, and that it is our own translation, not an official text.")
    title: Text | None = Field(
        None,
        description="The treaty's full title in this language; leave empty to show the English one.",
    )
    short_title: Text | None = Field(
        None,
        description="The treaty's short name in this language; leave empty to show the English one.",
    )
    chapters: dict[DottedId, Text] = Field(
        default_factory=dict,
        description="Chapter titles in this language, keyed by chapter id.",
    )
    sections: dict[DottedId, Text] = Field(
        default_factory=dict,
        description="Section titles in this language, keyed by section id.",
    )
    articles: dict[str, TitledText] = Field(
        default_factory=dict,
        description="Article titles and summaries in this language, keyed by the article number as printed.",
    )
    obligations: dict[DottedId, TitledText] = Field(
        default_factory=dict,
        description="Obligation titles and summaries in this language, keyed by obligation id.",
    )
    elements: dict[DottedId, Text] = Field(
        default_factory=dict,
        description="Element texts in this language, keyed by element id.",
    )
    hooks: dict[DottedId, HookText] = Field(
        default_factory=dict,
        description="Summaries and effects of reservations and declarations in this language, keyed by their id.",
    )


class ProvisionText(Strict):
    statute: Text | None = Field(None, description="The statute's name in this language, e.g. 형사소송법.")
    summary: Text | None = Field(
        None,
        description="The provision's summary in this language; leave empty to show the English one.",
    )


class EventText(Strict):
    date: dt.date = Field(description="Date of the event translated, as the country file gives it (YYYY-MM-DD).")
    kind: EventKind = Field(description="Kind of the event translated, as the country file gives it.")
    title: Text = Field(description="The event's title in this language.")


class CountryTranslation(Strict):
    """The whole of data/translations/<ISO3>.<lang>.yaml: a country's name, summary, provisions, bills and
    events in another language, keyed by the ids (events: by date and kind) of data/countries/<ISO3>.yaml."""

    iso3: Iso3 = Field(description="ISO3 code of the country translated; the file is named <ISO3>.<lang>.yaml.")
    lang: Lang = Field(description="Two-letter code of the language, e.g. ko.")
    note: Text | None = Field(
        None,
        description="Who translated it, and that it is our own translation; leave empty when nothing to add.",
    )
    name: Text | None = Field(
        None,
        description="The country's name in this language; leave empty to show the English one.",
    )
    summary: Text | None = Field(
        None,
        description="The country's summary in this language; leave empty to show the English one.",
    )
    provisions: dict[DottedId, ProvisionText] = Field(
        default_factory=dict,
        description="Statute names and summaries in this language, keyed by provision id.",
    )
    bills: dict[DottedId, Text] = Field(
        default_factory=dict,
        description="Bill titles in this language, keyed by the provision id of the bill.",
    )
    events: list[EventText] = Field(
        default_factory=list,
        description="Event titles in this language, one per event of the country file, matched "
        "by date, kind and order.",
    )
    judgments: dict[DottedId, Text] = Field(
        default_factory=dict,
        description="Judgment reasons in this language, keyed by element id.",
    )
    notes: dict[DottedId, Text] = Field(
        default_factory=dict,
        description="Assessment notes in this language, keyed by element id.",
    )
    positions: dict[DottedId, Text] = Field(
        default_factory=dict,
        description="Position summaries in this language, keyed by position id.",
    )
    position_authors: dict[DottedId, Text] = Field(
        default_factory=dict,
        description="Who said each position, in this language, keyed by position id.",
    )
    sponsors: dict[DottedId, Text] = Field(
        default_factory=dict,
        description="Who sponsored each bill, in this language (e.g. '조배숙 의원(국민의힘) 외 9인'), keyed by the id of the "
        "provision that carries the bill; a bill not listed shows its sponsor as the country file writes it.",
    )
