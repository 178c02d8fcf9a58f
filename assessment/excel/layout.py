"""The shape of an exported workbook, defined once for the writer and the reader: sheet names, the columns of
the Assessment sheet (which are editable, which are keys the import checks, which are only shown), the status
choices of its drop-down list and the marker that identifies our workbooks."""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import N_
from ..models import JudgmentStatus, Status

#: Written to the hidden Lists sheet; the import refuses workbooks without it (or with another format).
FORMAT_MARKER = "accession-readiness assessment workbook 1"

README, SUMMARY, GAPS, ASSESSMENT, PROVISIONS, BILLS, SOURCES, COMPARISON, LISTS = (
    "README",
    "Summary",
    "Gaps",
    "Assessment",
    "Provisions",
    "Bills",
    "Sources",
    "Comparison",
    "Lists",
)
PRECEDENTS, POSITIONS = "Precedents", "Other views"

#: Status column choice meaning "no judgment: the findings decide".
FROM_FINDINGS = "(from findings)"
#: What the Status drop-down offers, in this order.
STATUS_CHOICES: tuple[str, ...] = (
    FROM_FINDINGS,
    *(
        s.value
        for s in (
            Status.in_place,
            Status.partial,
            Status.missing,
            Status.unknown,
            Status.not_applicable,
            Status.reserved,
        )
    ),
)
#: Choices that keep the findings-derived status (no judgment).
FINDINGS_CHOICES = frozenset({FROM_FINDINGS, Status.in_place.value, Status.partial.value})
#: Choices that set an explicit judgment.
JUDGMENT_CHOICES = frozenset(s.value for s in JudgmentStatus)


@dataclass(frozen=True)
class Column:
    key: str  # stable name, used in the import's JSON
    header: str  # what the sheet shows in row 1; the import checks it
    width: float
    editable: bool = False
    help: str = ""


# The Assessment sheet. Keys the import checks (id, country, version) come first, then the status and the
# other editable columns, then columns that are only shown (the import never reads them).
ASSESSMENT_COLUMNS: tuple[Column, ...] = (
    Column("element", N_("Element id"), 20, help=N_("Stable id of the treaty element (locked; the import checks it).")),
    Column("country", N_("Country"), 8, help=N_("ISO 3166 alpha-3 code (locked; the import checks it).")),
    Column(
        "version",
        N_("Version"),
        8,
        help=N_(
            "Version of the saved assessment you exported (locked). If someone saved a newer version since, the "
            "import shows both side by side and writes nothing."
        ),
    ),
    Column(
        "status",
        N_("Status"),
        16,
        editable=True,
        help=N_(
            "Drop-down. in_place, partial or (from findings): the findings decide. missing, not_applicable, "
            "reserved or unknown: an explicit judgment that overrides the findings (needs a reason, and a source "
            "unless unknown)."
        ),
    ),
    Column("element_text", N_("Element"), 46, help=N_("What national law must provide, in our own words.")),
    Column(
        "findings",
        N_("Findings"),
        30,
        editable=True,
        help=N_(
            "Provisions that satisfy the element: 'id:full' or 'id:partial', separated by ';' (ids from the Provisions sheet)."
        ),
    ),
    Column(
        "judgment_reason",
        N_("Judgment reason"),
        36,
        editable=True,
        help=N_("Why the judgment in Status holds. Needed for missing, not_applicable, reserved and unknown."),
    ),
    Column(
        "judgment_source",
        N_("Judgment source"),
        18,
        editable=True,
        help=N_(
            "Drop-down of this country's source ids (Sources sheet). Needed for missing, not_applicable and reserved."
        ),
    ),
    Column(
        "hook",
        N_("Reservation / declaration"),
        18,
        editable=True,
        help=N_(
            "Drop-down. Only with status reserved: the reservation or declaration the treaty allows for this element."
        ),
    ),
    Column("note", N_("Note"), 30, editable=True, help=N_("Free text kept with the assessment.")),
    Column("article", N_("Article"), 9),
    Column("obligation", N_("Obligation"), 26),
    Column("in_force", N_("Provisions in force"), 30),
    Column("bills", N_("Pending bills"), 22),
    Column("status_with_bills", N_("Status with bills"), 14),
    Column("verified", N_("Verified"), 9),
    Column("last_changed", N_("Last changed"), 22),
)
ASSESSMENT_INDEX = {c.key: i for i, c in enumerate(ASSESSMENT_COLUMNS)}
#: The import reads columns A up to the last one it needs, never the shown-only columns after it.
ASSESSMENT_READ_COLUMNS = ASSESSMENT_INDEX["note"] + 1


# ----------------------------------------------------------------------------------------------- languages
# A workbook is written in one language (Lists!B7 says which). Sheet names, headers, help texts and the status
# drop-down are in that language; the hidden Lists sheet and the ids stay as they are, so an import can read
# a workbook in either language and map its status words back to the same codes.

from ..i18n import LANGUAGES, gettext  # noqa: E402 - the language half of the layout
from ..vocab import Vocabulary, label, status_label  # noqa: E402

SHEET_NAMES = {
    README: N_("README"),
    SUMMARY: N_("Summary"),
    GAPS: N_("Gaps"),
    ASSESSMENT: N_("Assessment"),
    PROVISIONS: N_("Provisions"),
    BILLS: N_("Bills"),
    SOURCES: N_("Sources"),
    COMPARISON: N_("Comparison"),
    PRECEDENTS: N_("Precedents"),
    POSITIONS: N_("Other views"),
}
N_("(from findings)")


def sheet(name: str, lang: str = "en") -> str:
    """The sheet called `name` (README, Summary, ...) in a workbook of `lang`; the hidden Lists keeps its name."""
    return gettext(lang)(SHEET_NAMES[name]) if name in SHEET_NAMES else name


def header(column: Column, lang: str = "en") -> str:
    return gettext(lang)(column.header)


def column_help(column: Column, lang: str = "en") -> str:
    return gettext(lang)(column.help) if column.help else ""


def status_text(code: str, lang: str = "en") -> str:
    """What the Status columns show: the code in English workbooks ('in_place'), the word in others ('충족')."""
    if code == FROM_FINDINGS:
        return code if lang == "en" else gettext(lang)(FROM_FINDINGS)
    return label(Vocabulary.status, code, lang)


def status_choices(lang: str = "en") -> tuple[str, ...]:
    return tuple(status_text(c, lang) for c in STATUS_CHOICES)


def status_codes() -> dict[str, str]:
    """Every status word of every language (codes, English and Korean labels) -> its code. Built from the
    translation catalogues each time (they can be reloaded): a caller mapping many cells builds it once."""
    words = {status_text(c, lang): c for lang in LANGUAGES for c in STATUS_CHOICES}
    words.update({status_label(c, lang): c for lang in LANGUAGES for c in STATUS_CHOICES if c != FROM_FINDINGS})
    return words


def status_code(text: str | None, codes: dict[str, str] | None = None) -> str | None:
    """The code of a status word of either language ('해당 없음', 'Not applicable', 'not_applicable');
    `codes` is a `status_codes()` built once by a caller that maps many cells."""
    return None if text is None else (status_codes() if codes is None else codes).get(text.strip(), text)
