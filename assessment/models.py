"""Pydantic v2 models shared by the YAML files, the scoring core, the CLI and (later) the database and exports.

One module holds every shape of the catalogue so that a YAML author, a JSON Schema and the code agree.
Validation of references *between* files (an element id that must exist, a provision that must be defined)
lives in `assessment.validators`; these models check one document at a time.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, GetJsonSchemaHandler, StringConstraints, field_validator, model_validator
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
    return Msg("{count} characters as Excel counts them (an emoji counts as two), more than the {limit} a spreadsheet cell holds; "
               "shorten it (nothing was cut)", count=f"{count:,}", limit=f"{MAX_TEXT:,}")


class _FitsACell:
    """A text's length limit, counted as Excel counts it (pydantic's max_length counts code points, so a text of
    emoji could pass and then be cut by the spreadsheet); the JSON Schema keeps `maxLength` for editors."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(cls._check, handler(source))

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler) -> dict[str, Any]:
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
            what = Msg("a NUL character") if bad.group() == "\x00" else Msg("the invalid character U+{code:04X}", code=ord(bad.group()))
            raise ValueError(Msg("contains {what} (at position {position}), which cannot be stored; remove it", what=what, position=bad.start() + 1))
        return value


# --------------------------------------------------------------------------------------------------------
# Treaties (checklists/*.yaml)
# --------------------------------------------------------------------------------------------------------


class Element(Strict):
    """A checkable part of an obligation (e.g. Art. 16: preservation for up to 90 days)."""

    id: DottedId
    text: Text = Field(description="What national law must provide, in our own words.")
    paragraph: str | None = Field(None, description="Paragraph reference inside the article, e.g. '2' or '1.a'.")
    criterion: str | None = Field(None, description="Assessment criterion this element follows, e.g. a T-CY heading.")
    weight: float = Field(1.0, gt=0)
    core: bool = Field(False, description="Missing this element alone makes the obligation a critical gap.")
    optional: bool = Field(False, description="An option the treaty offers; assessed but never a gap on its own.")


class Hook(Strict):
    """A reservation or declaration the treaty allows, and which elements it takes out of the assessment."""

    id: DottedId = Field(description="e.g. ets185.res.4-2 or ets185.decl.2")
    kind: HookKind
    paragraph: str = Field(description="The article paragraph that allows it, e.g. '4(2)'.")
    basis: str = Field(description="The article that lists it, e.g. 'Art. 42'.")
    summary: Text
    elements: list[DottedId] = Field(
        default_factory=list, description="Elements a Party that makes it may mark 'reserved'."
    )
    effect: Text = Field(description="What making it changes, in our own words.")
    verified: bool = True


class Obligation(Strict):
    """One assessable unit: normally an article, split by paragraph where a reservation or duty needs it."""

    id: DottedId
    article: str = Field(description="Article reference, e.g. '16' or '18(1)(b)'.")
    title: Text
    kind: Kind
    summary: Text
    weight: float = Field(1.0, gt=0)
    due_at_accession: bool = Field(False, description="A designation or notification due at signature or deposit.")
    elements: list[Element] = Field(default_factory=list)
    reservations: list[Hook] = Field(default_factory=list)
    declarations: list[Hook] = Field(default_factory=list)
    verified: bool = Field(True, description="False when the article number was not checked against the text.")
    note: str | None = None

    @property
    def mandatory(self) -> bool:
        return self.kind in MANDATORY_KINDS

    @property
    def hooks(self) -> list[Hook]:
        return [*self.reservations, *self.declarations]


class Article(Strict):
    number: str = Field(description="Article number as printed, e.g. '16'.")
    title: Text
    section: str = Field(description="Id of the chapter section the article sits in.")
    summary: str | None = None
    verified: bool = Field(True, description="False when number or title was not checked against the text.")
    obligations: list[Obligation] = Field(default_factory=list)


class Section(Strict):
    id: DottedId
    title: Text


class Chapter(Strict):
    id: DottedId
    number: str
    title: Text
    sections: list[Section]


class Treaty(Strict):
    """A treaty checklist: the whole of checklists/<id>.yaml."""

    id: TreatyId
    title: Text
    short_title: Text
    series: str = Field(description="e.g. 'ETS No. 185' or 'A/RES/79/243'.")
    parent: TreatyId | None = Field(None, description="Treaty this one supplements (protocols).")
    adopted: dt.date | None = None
    opened_for_signature: dt.date | None = None
    entry_into_force: dt.date | None = None
    entry_into_force_rule: str | None = None
    source_url: Url
    text_source: str | None = Field(None, description="Which copy of the text the checklist was written from.")
    note: str | None = None
    chapters: list[Chapter]
    articles: list[Article]

    def obligations(self) -> list[Obligation]:
        return [o for a in self.articles for o in a.obligations]


class CrosswalkLink(Strict):
    source: DottedId = Field(description="Obligation or element id in the 'from' treaty (the side a status is carried to).")
    target: DottedId = Field(description="Obligation or element id in the 'to' treaty (the side a status is carried from).")
    relation: Relation
    verified: bool = Field(False, description="True when both article numbers were read in the texts.")
    note: str | None = None


class Crosswalk(Strict):
    """checklists/crosswalks/<from>-<to>.yaml"""

    from_treaty: TreatyId
    to_treaty: TreatyId
    source_url: Url | None = None
    note: str | None = None
    links: list[CrosswalkLink]


# --------------------------------------------------------------------------------------------------------
# Countries (data/countries/<ISO3>.yaml)
# --------------------------------------------------------------------------------------------------------


class Source(Strict):
    id: SourceId
    title: Text
    url: Url
    publisher: str | None = None
    kind: SourceKind
    date: dt.date | None = Field(None, description="Publication or as-of date of the source.")
    accessed: dt.date | None = None
    note: str | None = Field(None, description="Which copy was read, e.g. the mirror and version of a consolidated text.")


class Lifecycle(Strict):
    """Dates a provision went through. A provision with no in_force date is a bill (or not yet in force)."""

    introduced: dt.date | None = None
    passed: dt.date | None = None
    promulgated: dt.date | None = None
    in_force: dt.date | None = None
    repealed: dt.date | None = None
    lapsed: dt.date | None = None
    enacted_by: str | None = Field(
        None, description="The act that brought the provision, in the wording assessed, into force, e.g. 'Act No. 74 of 2011'."
    )
    dates_verified: bool = Field(False, description="True when every date given was read in a primary source.")
    note: str | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> Lifecycle:
        order = ("introduced", "passed", "promulgated", "in_force", "repealed")
        seen: list[tuple[str, dt.date]] = [(n, getattr(self, n)) for n in order if getattr(self, n) is not None]
        for (first, d1), (second, d2) in zip(seen, seen[1:]):
            if d2 < d1:
                raise ValueError(Msg("{second} ({d2}) is before {first} ({d1})", second=lifecycle_word(second), d2=d2, first=lifecycle_word(first), d1=d1))
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
    title: str | None = None
    sponsor: str | None = None
    chamber: str | None = None
    url: Url | None = None


class LawVersion(Strict):
    """One law, named by its promulgation number and dates: a consolidated version, or an amending act."""

    number: str = Field(description="Promulgation (law) number as the source writes it, e.g. '22009'.")
    promulgated: dt.date
    in_force: dt.date | None = Field(None, description="Commencement; null when the addenda do not settle it.")


Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class StatuteText(Strict):
    """The consolidated text a provision was read in, pinned so that a later change of the law is noticed.

    `title` and `article` are written as the source writes them (e.g. 형사소송법, 제215조의2): they are how
    `assessment.lawtext` finds the article again in a folder of consolidated statutes.
    """

    title: Text = Field(description="Statute title as the consolidated text writes it, e.g. 형사소송법 or 전기통신사업법 시행령.")
    kind: Literal["act", "decree", "rule"] | None = Field(
        None,
        description="Which text of the statute's folder: act (법률.md), decree (시행령.md) or rule (시행규칙.md); "
        "null: read from the title (… 시행령, … 시행규칙), else an Act.",
    )
    article: Text = Field(description="Article label as its heading writes it, e.g. 제215조의2.")
    heading: str | None = Field(None, description="The article's heading (title in brackets), e.g. 보전요청.")
    version: LawVersion = Field(description="The consolidated version read: its promulgation number and dates.")
    amended: dt.date | None = Field(None, description="Latest amendment date tagged on the article; null if none.")
    amended_by: LawVersion | None = Field(None, description="The amending law behind that latest tag, from the addenda.")
    sha256: Sha256 | None = Field(None, description="Hash of the article's normalised text, recorded by `lawtext pin`.")

    @property
    def label(self) -> str:
        """The citation as the law writes it, e.g. '형사소송법 제215조의2'."""
        return f"{self.title} {self.article}"


class Provision(Strict):
    """A piece of national law, enacted or proposed, with its dated lifecycle."""

    id: DottedId = Field(description="e.g. kor.cpa.215")
    statute: Text
    article: str | None = Field(None, description="Article as cited, e.g. '215' or '218-3'; null when unknown.")
    paragraph: str | None = None
    summary: Text = Field(description="What it provides, in our own words.")
    lifecycle: Lifecycle
    bill: Bill | None = None
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

    provision: str
    extent: Extent
    note: Note | None = None
    source: str | None = Field(None, description="Source id; defaults to the provision's source.")
    verified: bool = False


class Judgment(Strict):
    """An explicit status that overrides the findings."""

    status: JudgmentStatus
    reason: Text
    hook: DottedId | None = Field(None, description="Reservation or declaration id; required for 'reserved'.")
    source: str | None = None
    verified: bool = False

    @model_validator(mode="after")
    def _reserved_needs_hook(self) -> Judgment:
        if self.status == JudgmentStatus.reserved and not self.hook:
            raise ValueError(Msg("a 'reserved' judgment must name the reservation or declaration (hook)"))
        if self.status != JudgmentStatus.reserved and self.hook:
            raise ValueError(Msg("only a 'reserved' judgment names a hook"))
        return self


class ElementAssessment(Strict):
    element: DottedId
    findings: list[Finding] = Field(default_factory=list)
    judgment: Judgment | None = None
    note: Note | None = None


class CountryEvent(Strict):
    date: dt.date
    precision: DatePrecision = DatePrecision.day
    kind: EventKind
    treaty: TreatyId | None = None
    title: Text
    source: str
    verified: bool = False
    note: str | None = None


class PlannedHook(Strict):
    """A reservation or declaration the country has said (or is expected) it will make."""

    hook: DottedId
    note: Text
    source: str | None = None
    verified: bool = False


class LegalSystemFact(Strict):
    """The country's legal family, with where it was read."""

    family: LegalSystem = Field(description="civil, common or mixed.")
    source: str = Field(description="Id of an entry in this file's sources.")
    verified: bool = Field(False, description="True when read in an official or primary source.")
    note: str | None = None


class Position(Strict):
    """A sourced statement by someone else about the country's readiness. Whether it differs from the
    assessment is computed on the position's date, never stored (assessment.positions)."""

    id: DottedId = Field(description="e.g. kor.pos.moj-2025-12-12")
    by: Text = Field(description="Who said it: a ministry, a parliamentary research service, a treaty committee, an author.")
    date: dt.date = Field(description="When it was said (publication date of the source).")
    treaty: TreatyId
    claim: PositionClaim
    statuses: dict[DottedId, Status] = Field(
        default_factory=dict,
        description="Obligation or element id -> the status the statement gives it. With claim 'statuses' the "
        "claim itself; with 'not_ready' the obligations it names as not met (in any status but in_place).",
    )
    summary: Text = Field(description="What it says, in one line of our own words.")
    source: str = Field(description="Id of an entry in this file's sources.")
    verified: bool = Field(False, description="True when the statement was read in the source itself.")
    note: str | None = None

    @model_validator(mode="after")
    def _statuses_fit_claim(self) -> Position:
        if self.claim == PositionClaim.statuses and not self.statuses:
            raise ValueError(Msg("a 'statuses' position must list at least one obligation or element"))
        if self.claim == PositionClaim.ready and self.statuses:
            raise ValueError(Msg("a 'ready' position claims the whole treaty; list no statuses"))
        return self


class Country(Strict):
    """The whole of data/countries/<ISO3>.yaml."""

    iso3: Iso3
    name: Text
    researched: dt.date = Field(description="Date the research in this file was last checked.")
    summary: str | None = None
    legal_system: LegalSystemFact | None = Field(None, description="Civil, common or mixed law, sourced.")
    sources: list[Source]
    provisions: list[Provision] = Field(default_factory=list)
    assessments: list[ElementAssessment] = Field(default_factory=list)
    events: list[CountryEvent] = Field(default_factory=list)
    planned_hooks: list[PlannedHook] = Field(default_factory=list)
    positions: list[Position] = Field(default_factory=list, description="Others' sourced statements on readiness.")


# --------------------------------------------------------------------------------------------------------
# Treaty status registers (data/status/<treaty>.yaml)
# --------------------------------------------------------------------------------------------------------


class RegisterEntry(Strict):
    iso3: Iso3
    name: Text
    status: RegisterStatus
    invitation: dt.date | None = None
    signature: dt.date | None = None
    ratification: dt.date | None = Field(None, description="Ratification, acceptance, approval or accession.")
    accession: bool = Field(False, description="True when the instrument was an accession.")
    entry_into_force: dt.date | None = None
    source: str
    as_of: dt.date = Field(description="Date of the source the entry was read in.")
    verified: bool = False
    note: str | None = None


class StatusRegister(Strict):
    treaty: TreatyId
    as_of: dt.date = Field(description="Latest source date in this register.")
    note: str | None = None
    sources: list[Source]
    entries: list[RegisterEntry]


# --------------------------------------------------------------------------------------------------------
# Translations of curated content (checklists/translations/<treaty>.<lang>.yaml,
# data/translations/<ISO3>.<lang>.yaml): overlays keyed by the ids of the English documents
# --------------------------------------------------------------------------------------------------------

Lang = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]


class TitledText(Strict):
    title: Text | None = None
    summary: Text | None = None


class HookText(Strict):
    summary: Text | None = None
    effect: Text | None = None


class TreatyTranslation(Strict):
    """The whole of checklists/translations/<treaty>.<lang>.yaml: our own translation of a checklist's texts.
    Every key is an id of the treaty; whatever is left out is shown in English with a visible mark."""

    treaty: TreatyId
    lang: Lang
    note: Text = Field(description="Who translated it, and that it is our own translation, not an official text.")
    title: Text | None = None
    short_title: Text | None = None
    chapters: dict[DottedId, Text] = Field(default_factory=dict, description="chapter id -> title")
    sections: dict[DottedId, Text] = Field(default_factory=dict, description="section id -> title")
    articles: dict[str, TitledText] = Field(default_factory=dict, description="article number as printed -> title, summary")
    obligations: dict[DottedId, TitledText] = Field(default_factory=dict, description="obligation id -> title, summary")
    elements: dict[DottedId, Text] = Field(default_factory=dict, description="element id -> text")
    hooks: dict[DottedId, HookText] = Field(default_factory=dict, description="reservation/declaration id -> summary, effect")


class ProvisionText(Strict):
    statute: Text | None = Field(None, description="The statute's name in this language, e.g. 형사소송법.")
    summary: Text | None = None


class EventText(Strict):
    date: dt.date
    kind: EventKind
    title: Text


class CountryTranslation(Strict):
    """The whole of data/translations/<ISO3>.<lang>.yaml: a country's name, summary, provisions, bills and
    events in another language, keyed by the ids (events: by date and kind) of data/countries/<ISO3>.yaml."""

    iso3: Iso3
    lang: Lang
    note: Text | None = None
    name: Text | None = None
    summary: Text | None = None
    provisions: dict[DottedId, ProvisionText] = Field(default_factory=dict, description="provision id -> statute, summary")
    bills: dict[DottedId, Text] = Field(default_factory=dict, description="provision id of a bill -> title")
    events: list[EventText] = Field(default_factory=list, description="one per event of the country file, matched by date and kind")
    judgments: dict[DottedId, Text] = Field(default_factory=dict, description="element id -> the judgment's reason")
    notes: dict[DottedId, Text] = Field(default_factory=dict, description="element id -> the assessment's note")
    positions: dict[DottedId, Text] = Field(default_factory=dict, description="position id -> its summary")
    position_authors: dict[DottedId, Text] = Field(default_factory=dict, description="position id -> who said it")
