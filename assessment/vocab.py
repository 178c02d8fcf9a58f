"""The words, points, colours and number formats every surface shares, defined once (no plotly, no pandas).

Pages, charts, the Excel workbook, the brief and the CLI import these names; none retypes a status string, a
label, a colour or a percent format. Colours come from the Okabe-Ito palette, which stays distinguishable
under the common colour-vision deficiencies; every status also carries a symbol and a label, so no chart or
table relies on colour alone.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .i18n import DEFAULT, N_, Msg, gettext, normalise

# ---------------------------------------------------------------------------------------------- statuses


class Status(StrEnum):
    """Status of an element or an obligation at a date (the stable CLI vocabulary), in scoring order."""

    in_place = "in_place"
    partial = "partial"
    missing = "missing"
    unknown = "unknown"
    not_applicable = "not_applicable"
    reserved = "reserved"


class JudgmentStatus(StrEnum):
    """An explicit judgment that overrides what the findings imply."""

    missing = "missing"
    not_applicable = "not_applicable"
    reserved = "reserved"
    unknown = "unknown"


class RegisterStatus(StrEnum):
    party = "party"
    signatory = "signatory"
    invited = "invited"
    none = "none"


#: The scorer's status order (its status codes are indices into this tuple).
STATUSES: tuple[Status, ...] = tuple(Status)

#: Points an element earns (the formula in assessment/scoring.py). not_applicable and reserved leave the
#: denominator, so their points are never used.
STATUS_POINTS: dict[Status, float] = {
    Status.in_place: 1.0,
    Status.partial: 0.5,
    Status.missing: 0.0,
    Status.unknown: 0.0,
    Status.not_applicable: 0.0,
    Status.reserved: 0.0,
}

#: Statuses that leave an element open (not in place, not out of the assessment), most serious first.
OPEN_STATUSES: tuple[Status, ...] = (Status.missing, Status.partial, Status.unknown)


# ------------------------------------------------------------------------------------------------ palette

#: Okabe-Ito colours by name; the statuses, register states and data series below pick from these.
BLUE, SKY_BLUE, ORANGE, YELLOW, VERMILLION, PURPLE, GREY, PALE_GREY, LIGHT_GREY = (
    "#0072B2",
    "#56B4E9",
    "#E69F00",
    "#F0E442",
    "#D55E00",
    "#CC79A7",
    "#BBBBBB",
    "#F7F7F7",
    "#DDDDDD",
)
WHITE, BLACK = "#FFFFFF", "#000000"


@dataclass(frozen=True)
class Style:
    label: str  # plain words for people
    symbol: str  # shown in the Compare grid's cells and next to the label, so colour is never the only cue
    colour: str  # fill
    ink: str  # text colour that reads on the fill

    @property
    def badge(self) -> str:
        return f"{self.symbol} {self.label}"

    def badge_in(self, lang: str | None) -> str:
        """The badge in the reader's language: '✓ 충족'."""
        return f"{self.symbol} {gettext(lang)(self.label)}"


STATUS_STYLE: dict[Status, Style] = {
    Status.in_place: Style(N_("In place"), "✓", BLUE, WHITE),
    Status.partial: Style(N_("Partly in place"), "◐", YELLOW, BLACK),
    Status.missing: Style(N_("Missing"), "✗", VERMILLION, WHITE),
    Status.unknown: Style(N_("Unknown"), "?", GREY, BLACK),  # never assessed, or not established
    Status.not_applicable: Style(N_("Not applicable"), "–", PALE_GREY, BLACK),
    Status.reserved: Style(N_("Reserved"), "R", PURPLE, BLACK),
}

REGISTER_STYLE: dict[RegisterStatus, Style] = {
    RegisterStatus.party: Style(N_("Party"), "●", BLUE, WHITE),
    RegisterStatus.signatory: Style(N_("Signatory"), "◑", SKY_BLUE, BLACK),
    RegisterStatus.invited: Style(N_("Invited to accede"), "○", ORANGE, BLACK),
    RegisterStatus.none: Style(N_("Not a Party"), "·", LIGHT_GREY, BLACK),
}


class Series(StrEnum):
    """The data series that charts of scores show side by side, on every surface."""

    now = "now"  # law in force on the chosen date
    today = "today"  # law in force today, when the chosen date is another day
    with_bills = "with_bills"  # the projection with pending bills counted


SERIES_COLOUR: dict[Series, str] = {Series.now: BLUE, Series.today: SKY_BLUE, Series.with_bills: ORANGE}

#: Continuous scale for readiness scores (0 to 1); cividis is readable with every common colour deficiency.
SCORE_SCALE = "cividis"


def status_style(status: str | Status) -> Style:
    return STATUS_STYLE[Status(str(status))]


def status_badge(status: str | Status, lang: str | None = None) -> str:
    """'✓ In place' ('✓ 충족' in Korean): the text form of a status for tables and prose."""
    return status_style(status).badge_in(lang)


def status_word(status: str | Status) -> Msg:
    """A status as a message value: its code ('missing') in English, its label (누락) in other languages."""
    return label_word(Vocabulary.status, status)


def status_label(status: str | Status, lang: str | None = None) -> str:
    """'In place' ('충족'), without the symbol."""
    return label_text(Vocabulary.status, status, lang)


def register_badge(status: str | RegisterStatus, lang: str | None = None) -> str:
    """'● Party' ('● 당사국')."""
    return REGISTER_STYLE[RegisterStatus(str(status))].badge_in(lang)


def rgb(colour: str) -> tuple[int, int, int]:
    """'#0072B2' -> (0, 114, 178), for writers that take numbers (the PDF)."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


# ---------------------------------------------------------------------------------------- staff and audit


class Role(StrEnum):
    viewer = "viewer"  # parliamentary aides: read the approved (published) state
    editor = "editor"  # policy staff: edit drafts of their own countries, submit them for review
    reviewer = "reviewer"  # edit any country, approve or send back
    admin = "admin"  # everything, and manage users


ROLE_LABEL: dict[Role, str] = {
    Role.viewer: N_("reads approved assessments"),
    Role.editor: N_("edits the countries listed"),
    Role.reviewer: N_("edits all and approves"),
    Role.admin: N_("also manages users"),
}

#: A role's own name, as pages and messages write it ('editor' is 편집자).
ROLE_NAME: dict[Role, str] = {
    Role.viewer: N_("viewer"),
    Role.editor: N_("editor"),
    Role.reviewer: N_("reviewer"),
    Role.admin: N_("admin"),
}


def role_name(role: str | Role, lang: str | None = None) -> str:
    """'editor' in English, '편집자' in Korean."""
    return label_text(Vocabulary.role, Role(str(role)), lang)


def role_word(role: str | Role) -> Msg:
    """The role as a message value: its code in English, its name in other languages."""
    return label_word(Vocabulary.role, Role(str(role)))


def review_word(state: str | ReviewState) -> Msg:
    """A review state as a message value: its code ('in_review') in English, its label (검토 중) elsewhere."""
    return label_word(Vocabulary.review_state, state)


#: Roles that read and edit the working drafts.
STAFF_ROLES = frozenset({Role.editor, Role.reviewer, Role.admin})


class ReviewState(StrEnum):
    """A country's assessment goes draft -> in_review -> approved; an edit makes it a draft again."""

    draft = "draft"
    in_review = "in_review"
    approved = "approved"


REVIEW_LABEL: dict[ReviewState, str] = {
    ReviewState.draft: N_("Draft"),
    ReviewState.in_review: N_("In review"),
    ReviewState.approved: N_("Approved"),
}

#: What staff read beside unapproved work (aides never see it: they get the approved state).
DRAFT_MARK = N_("draft, not yet approved")


#: A provision's stage on a date (models.Stage), in order; the dated steps are the Lifecycle fields of the same names.
STAGE_LABEL: dict[str, str] = {
    "not_yet": N_("not yet"),
    "introduced": N_("introduced"),
    "passed": N_("passed"),
    "promulgated": N_("promulgated"),
    "in_force": N_("in force"),
    "repealed": N_("repealed"),
    "lapsed": N_("lapsed"),
}
#: The dated steps of a provision's lifecycle (models.Lifecycle's date fields), in the order they happen.
LIFECYCLE_STEPS: tuple[str, ...] = ("introduced", "passed", "promulgated", "in_force", "repealed", "lapsed")
#: The same table under the name the edit form and the change log import (one table, two names).
LIFECYCLE_LABEL = STAGE_LABEL


def lifecycle_word(name: str) -> Msg:
    """A lifecycle date's name as a message value: 'in_force' in English (as the data writes it), 시행 elsewhere."""
    return label_word(Vocabulary.stage, name)


class AuditSource(StrEnum):
    """Where a change came from, as the audit log records it."""

    browser = "browser"
    excel = "excel"
    cli = "cli"
    seed = "seed"
    restore = "restore"
    law_watch = "law_watch"  # a reviewer's re-pin of a provision after reading a change of the law


AUDIT_SOURCE_LABEL = {
    AuditSource.browser: N_("the web form"),
    AuditSource.excel: N_("an Excel workbook"),
    AuditSource.cli: N_("the command line"),
    AuditSource.seed: N_("the shipped data"),
    AuditSource.restore: N_("a restore"),
    AuditSource.law_watch: N_("the law watch"),
}


def audit_source_label(source: str, lang: str | None = None) -> str:
    """Where a change came from, in words ('the web form' / '웹 양식'); an unknown code as it is."""
    return label_text(Vocabulary.audit_source, source, lang)


# ------------------------------------------------------------------------------------------- formatting

VERIFIED_MARK = N_("✓ verified")
UNVERIFIED_MARK = N_("unverified")


def verified_mark(verified: bool, lang: str | None = None) -> str:
    """'✓ verified' or 'unverified' ('✓ 검증됨' / '미검증'): whether a fact was read in its source."""
    return gettext(lang)(VERIFIED_MARK if verified else UNVERIFIED_MARK)


NOT_ASSESSED = N_("not assessed")
#: Below this share of the checklist assessed, a country's score carries the 'partly assessed' mark: the score
#: itself is unchanged (unassessed elements count as not met), the mark says why it may be low.
ASSESSED_ENOUGH = 0.9
PARTLY_ASSESSED = N_("partly assessed")


def coverage_note(coverage: float | None, verified: float | None, lang: str | None = None) -> str:
    """'95% assessed, 56% of it verified' (and ' · partly assessed' under ASSESSED_ENOUGH), beside a score."""
    t = gettext(lang)
    text = t("{assessed} assessed, {verified} of it verified").format(
        assessed=percent(coverage, lang=lang), verified=percent(verified, lang=lang)
    )
    if coverage is not None and coverage < ASSESSED_ENOUGH:
        text += " · " + t(PARTLY_ASSESSED)
    return text


def percent(value: float | None, missing: str | None = None, lang: str | None = None) -> str:
    """0.625 -> '63%'; None or NaN -> 'not assessed' ('평가 안 됨'): nothing scored is never shown as 0%."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return gettext(lang)(NOT_ASSESSED) if missing is None else missing
    return f"{value * 100:.0f}%"


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day(d: dt.date | None, lang: str | None = None) -> str:
    """2025-12-12 -> '12 Dec 2025' in English, '2025년 12월 12일' in Korean (no locale of the OS involved)."""
    if d is None:
        return gettext(lang)(N_("date unknown"))
    if lang == "ko":
        return f"{d.year}년 {d.month}월 {d.day}일"
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def month(d: dt.date, lang: str | None = None) -> str:
    """'Dec 2025' / '2025년 12월'."""
    return f"{d.year}년 {d.month}월" if lang == "ko" else f"{_MONTHS[d.month - 1]} {d.year}"


def number(value: float, lang: str | None = None) -> str:
    """1234.5 -> '1,234.5' (the same grouping in Korean; kept here so pages never format numbers themselves)."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def points_text(status: Status) -> str:
    """1.0 -> '1', 0.5 -> '0.5': an element's points as the formula text writes them."""
    return f"{STATUS_POINTS[status]:g}"


#: The kinds of obligation (models.Kind values), as plain words.
KIND_LABEL: dict[str, str] = {
    "criminalise": N_("criminalise"),
    "empower": N_("empower"),
    "ensure": N_("ensure"),
    "cooperate": N_("cooperate"),
    "designate": N_("designate"),
    "permissive": N_("permissive"),
    "definition": N_("definition"),
    "final": N_("final"),
}


def kind_label(kind: str, lang: str | None = None) -> str:
    """'empower' -> '권한 부여' in Korean."""
    return label_text(Vocabulary.obligation_kind, kind, lang)


# ----------------------------------------------------------------------------------------------- citations

#: Treaty sub-paragraph letters as Korean drafting writes them: (a) 가목, (b) 나목, ...
KOREAN_ITEM_LETTERS = dict(zip("abcdefghijklmn", "가나다라마바사아자차카타파하"))
_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x")


def article_label(article: str, lang: str = "en") -> str:
    """A treaty article with its paragraphs in the reader's citation style, from one place:
    '24(7)' -> 'Art. 24(7)' / '제24조제7항'; '18(1)(b)' -> 'Art. 18(1)(b)' / '제18조제1항나목'."""
    m = re.match(r"^(\d+)(.*)$", article.strip())
    number, rest = (m.group(1), m.group(2)) if m else (article, "")
    if lang != "ko":
        return gettext(lang)(N_("Art. {number}{rest}")).format(number=number, rest=rest)
    parts = re.findall(r"\(([^()]+)\)", rest)
    if not m or "".join(f"({p})" for p in parts) != rest:
        return f"제{number}조{rest}"  # a shape Korean style has no rule for: say it as printed
    out = f"제{number}조"
    for depth, part in enumerate(parts):
        if part.isdigit() and depth == 0:
            out += f"제{part}항"
        elif depth <= 1 and len(part) == 1 and part in KOREAN_ITEM_LETTERS:
            out += f"{KOREAN_ITEM_LETTERS[part]}목"
        elif part.isdigit():
            out += f"제{part}호"
        elif depth >= 2 and part in _ROMAN:
            out += f" {_ROMAN.index(part) + 1})"
        else:
            out += f"({part})"
    return out


def basis_label(basis: str, lang: str = "en") -> str:
    """A checklist's 'Art. 42' in the reader's citation style ('제42조'); any other wording as it is."""
    m = re.match(r"^Art\. (.+)$", basis.strip())
    return article_label(m.group(1), lang) if m else basis


def hook_label(kind: str, basis: str, paragraph: str, lang: str = "en") -> str:
    """A reservation or declaration named as each language cites it, from one place: 'reservation under Art. 42
    (6(3))' / '제42조에 따른 유보(제6조제3항 관련)'. `kind` is the translated word, `basis` the checklist's 'Art. 42'."""
    basis_text = basis_label(basis, lang)
    if lang == "ko":
        return gettext(lang)(N_("{kind} under {basis} ({paragraph})")).format(
            kind=kind, basis=basis_text, paragraph=article_label(paragraph, lang)
        )
    return gettext(lang)(N_("{kind} under {basis} ({paragraph})")).format(
        kind=kind, basis=basis_text, paragraph=paragraph
    )


# ------------------------------------------------------------------------------------ legal families, claims

LEGAL_SYSTEM_LABEL = {"civil": N_("civil law"), "common": N_("common law"), "mixed": N_("mixed system")}
CLAIM_LABEL = {"ready": N_("ready"), "not_ready": N_("not ready"), "statuses": N_("statuses")}


def legal_system_label(code: str | None, lang: str | None = None) -> str:
    """'civil law' / '대륙법계'; '' when not recorded."""
    return label_text(Vocabulary.legal_system, code, lang) if code else ""


def claim_label(code: str, lang: str | None = None) -> str:
    """What a position claims, in words."""
    return label_text(Vocabulary.claim, code, lang)


# ------------------------------------------------------------------------------------ the other vocabularies

#: How fully a finding's provision does the job (models.Extent).
EXTENT_LABEL: dict[str, str] = {"full": N_("full"), "partial": N_("partial")}

#: How an obligation relates to another treaty's (models.Relation), as a full phrase (the glossary's terms in Korean).
RELATION_LABEL: dict[str, str] = {
    "equal": N_("asks the same as"),
    "subset": N_("asks less than"),
    "superset": N_("asks more than"),
    "intersect": N_("overlaps with"),
}

#: Reservation or declaration (models.HookKind).
HOOK_KIND_LABEL: dict[str, str] = {"reservation": N_("reservation"), "declaration": N_("declaration")}

#: A step on a country's road to a treaty, and the steps of its law (models.EventKind).
EVENT_KIND_LABEL: dict[str, str] = {
    "letter_of_intent": N_("Letter of intent"),
    "invitation": N_("Invitation to accede"),
    "signature": N_("Signature"),
    "ratification": N_("Ratification"),
    "accession": N_("Accession"),
    "deposit": N_("Deposit of instrument"),
    "entry_into_force": N_("Entry into force"),
    "consent": N_("Parliamentary consent"),
    "bill_introduced": N_("Bill introduced"),
    "law_passed": N_("Law passed"),
    "law_promulgated": N_("Law promulgated"),
    "law_in_force": N_("Law in force"),
    "statement": N_("Statement"),
    "other": N_("Other"),
}

#: How an element got its status on another treaty (assessment.carryover's `how`), as plain words.
CARRIED_LABEL: dict[str, str] = {
    "assessed directly": N_("assessed directly"),
    "carried over": N_("carried over"),
    "counterpart not assessed": N_("counterpart not assessed"),
    "no ETS 185 counterpart": N_("no ETS 185 counterpart"),
}
#: What is left to assess of such an element (assessment.carryover's `left`).
LEFT_LABEL: dict[str, str] = {
    "assess the ETS 185 counterpart, or this element directly": N_(
        "assess the ETS 185 counterpart, or this element directly"
    ),
    "needs its own assessment": N_("needs its own assessment"),
    "the part ETS 185 does not cover": N_("the part ETS 185 does not cover"),
}


# ------------------------------------------------------------------------------------ labels, one helper


class Vocabulary(StrEnum):
    """Every vocabulary whose codes have a label for people, and the enum its codes come from. Tables of the
    models' enums are keyed by the codes (their values): models imports vocab, so vocab cannot import them."""

    status = "status"  # Status
    register = "register"  # RegisterStatus
    role = "role"  # Role
    review_state = "review_state"  # ReviewState
    audit_source = "audit_source"  # AuditSource
    stage = "stage"  # models.Stage; its dated steps are the Lifecycle fields
    extent = "extent"  # models.Extent
    relation = "relation"  # models.Relation
    hook_kind = "hook_kind"  # models.HookKind
    obligation_kind = "obligation_kind"  # models.Kind
    event_kind = "event_kind"  # models.EventKind
    legal_system = "legal_system"  # models.LegalSystem
    claim = "claim"  # models.PositionClaim
    carried = "carried"  # carryover.CarryRow.how
    left = "left"  # carryover.CarryRow.left


class _StyleLabels(Mapping[str, str]):
    """The labels of a style table (status, register), read at each look-up: the label lives in its Style."""

    def __init__(self, styles: Mapping[str, Style]):
        self._styles = styles

    def __getitem__(self, code: str) -> str:
        return self._styles[code].label

    def __iter__(self) -> Iterator[str]:
        return iter(self._styles)

    def __len__(self) -> int:
        return len(self._styles)


#: Each vocabulary's code -> label table (English msgids, translated where shown).
LABELS: dict[Vocabulary, Mapping[str, str]] = {
    Vocabulary.status: _StyleLabels(STATUS_STYLE),
    Vocabulary.register: _StyleLabels(REGISTER_STYLE),
    Vocabulary.role: ROLE_NAME,
    Vocabulary.review_state: REVIEW_LABEL,
    Vocabulary.audit_source: AUDIT_SOURCE_LABEL,
    Vocabulary.stage: STAGE_LABEL,
    Vocabulary.extent: EXTENT_LABEL,
    Vocabulary.relation: RELATION_LABEL,
    Vocabulary.hook_kind: HOOK_KIND_LABEL,
    Vocabulary.obligation_kind: KIND_LABEL,
    Vocabulary.event_kind: EVENT_KIND_LABEL,
    Vocabulary.legal_system: LEGAL_SYSTEM_LABEL,
    Vocabulary.claim: CLAIM_LABEL,
    Vocabulary.carried: CARRIED_LABEL,
    Vocabulary.left: LEFT_LABEL,
}


def _label_of(kind: Vocabulary | str, code: str) -> str:
    """The English label (a msgid) of `code`; an unknown code is its own label, so nothing is ever hidden."""
    return LABELS[Vocabulary(kind)].get(str(code), str(code))


def label(kind: Vocabulary | str, code: str, lang: str | None = None) -> str:
    """The code in English ('in_force', as the data, the CLI and the help texts write it), its label in other
    languages ('시행'): for cells and choices a reader may type back, and for codes named in English help."""
    if normalise(lang) == DEFAULT:
        return str(code)
    return label_text(kind, code, lang)


def label_text(kind: Vocabulary | str, code: str, lang: str | None = None) -> str:
    """The label in the reader's language, English included ('in force' / '시행'): for sentences and prose."""
    return gettext(lang)(_label_of(kind, code))


def label_word(kind: Vocabulary | str, code: str) -> Msg:
    """`label` as a message value, for the core's errors said before the reader's language is known."""
    return Msg.word(str(code), _label_of(kind, code))


# ------------------------------------------------------------------------------------------------ times

#: The zone times are shown in (staff read Korean Standard Time); ASSESSMENT_TIMEZONE names another IANA zone.
DEFAULT_TIMEZONE = "Asia/Seoul"


def display_zone() -> ZoneInfo:
    try:
        return ZoneInfo(os.environ.get("ASSESSMENT_TIMEZONE") or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def local_time(at: dt.datetime | None, seconds: bool = False) -> str:
    """A stored (UTC) time as a person reads it: '2026-01-02 19:00 KST', in the display zone, never bare UTC."""
    if at is None:
        return ""
    aware = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    here = aware.astimezone(display_zone())
    return here.strftime("%Y-%m-%d %H:%M:%S %Z" if seconds else "%Y-%m-%d %H:%M %Z")
