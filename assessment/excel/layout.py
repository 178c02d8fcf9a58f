"""The shape of an exported workbook, defined once for the writer and the reader: sheet names, the columns of
the Assessment sheet (which are editable, which are keys the import checks, which are only shown), the status
choices of its drop-down list and the marker that identifies our workbooks."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import JudgmentStatus, Status

#: Written to the hidden Lists sheet; the import refuses workbooks without it (or with another format).
FORMAT_MARKER = "accession-readiness assessment workbook 1"

README, SUMMARY, GAPS, ASSESSMENT, PROVISIONS, BILLS, SOURCES, COMPARISON, LISTS = (
    "README", "Summary", "Gaps", "Assessment", "Provisions", "Bills", "Sources", "Comparison", "Lists",
)

#: Status column choice meaning "no judgment: the findings decide".
FROM_FINDINGS = "(from findings)"
#: What the Status drop-down offers, in this order.
STATUS_CHOICES: tuple[str, ...] = (FROM_FINDINGS, *(s.value for s in (
    Status.in_place, Status.partial, Status.missing, Status.unknown, Status.not_applicable, Status.reserved)))
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
    Column("element", "Element id", 20, help="Stable id of the treaty element (locked; the import checks it)."),
    Column("country", "Country", 8, help="ISO 3166 alpha-3 code (locked; the import checks it)."),
    Column("version", "Version", 8, help="Version of the saved assessment you exported (locked). If someone saved a newer version since, the import shows both side by side and writes nothing."),
    Column("status", "Status", 16, editable=True, help=f"Drop-down. in_place, partial or {FROM_FINDINGS}: the findings decide. missing, not_applicable, reserved or unknown: an explicit judgment that overrides the findings (needs a reason, and a source unless unknown)."),
    Column("element_text", "Element", 46, help="What national law must provide, in our own words."),
    Column("findings", "Findings", 30, editable=True, help="Provisions that satisfy the element: 'id:full' or 'id:partial', separated by ';' (ids from the Provisions sheet)."),
    Column("judgment_reason", "Judgment reason", 36, editable=True, help="Why the judgment in Status holds. Needed for missing, not_applicable, reserved and unknown."),
    Column("judgment_source", "Judgment source", 18, editable=True, help="Drop-down of this country's source ids (Sources sheet). Needed for missing, not_applicable and reserved."),
    Column("hook", "Reservation / declaration", 18, editable=True, help="Drop-down. Only with status reserved: the reservation or declaration the treaty allows for this element."),
    Column("note", "Note", 30, editable=True, help="Free text kept with the assessment."),
    Column("article", "Article", 9),
    Column("obligation", "Obligation", 26),
    Column("in_force", "Provisions in force", 30),
    Column("bills", "Pending bills", 22),
    Column("status_with_bills", "Status with bills", 14),
    Column("verified", "Verified", 9),
    Column("last_changed", "Last changed", 22),
)
ASSESSMENT_INDEX = {c.key: i for i, c in enumerate(ASSESSMENT_COLUMNS)}
#: The import reads columns A up to the last one it needs, never the shown-only columns after it.
ASSESSMENT_READ_COLUMNS = ASSESSMENT_INDEX["note"] + 1

