"""Form values -> validated changes: what the Edit page's forms mean, without any widget.

The page only renders and calls these; every rule about which form value becomes which model field (an empty
text is "not given", 'unknown' needs no reason, a hook only with 'reserved', a bill only when a bill field is
filled) lives here, where a unit test can reach it. Saving goes through the store, which checks everything again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from .i18n import N_, Msg, gettext, say
from .models import Bill, ElementAssessment, Extent, Finding, Judgment, Lifecycle, Provision
from .problems import validation_messages
from .store import AssessmentRecord, ProvisionRecord, Store, User
from .vocab import AuditSource, JudgmentStatus, local_time, status_label, status_word

#: The judgment choice meaning "no judgment: the findings decide".
FROM_FINDINGS = N_("(from the findings)")
#: The choices of the judgment control, in order.
JUDGMENT_CHOICES: tuple[str, ...] = (FROM_FINDINGS, *(s.value for s in JudgmentStatus))
#: The label of the reason field, named when an override comes without one.
REASON_FIELD = N_("Reason for the judgment")
#: Columns of the findings table, in order.
FINDING_COLUMNS = ("provision", "extent", "note", "source", "verified")
#: Lifecycle dates of a provision, in the order the form shows them.
LIFECYCLE_DATES = ("introduced", "passed", "promulgated", "in_force", "repealed", "lapsed")


def error_text(exc: ValueError, lang: str | None = None) -> str:
    """A validation error as 'field: what is wrong' lines a non-programmer can act on, in `lang`."""
    return "; ".join(say(m, lang) for m in validation_messages(exc, whole="value"))


def judgment_choice_label(choice: str, lang: str | None = None) -> str:
    """How the judgment control shows a choice: the code itself in English ('missing', as the help text names
    them), its label in another language ('누락'), and '(from the findings)' translated."""
    if lang in (None, "en"):
        return choice
    return gettext(lang)(FROM_FINDINGS) if choice == FROM_FINDINGS else status_label(choice, lang)


def _extent(extent: str, lang: str | None) -> str:
    return extent if lang in (None, "en") else gettext(lang)({"full": N_("full"), "partial": N_("partial")}.get(extent, extent))


def finding_rows(record: AssessmentRecord) -> list[dict[str, Any]]:
    """The saved findings as rows of the findings table (empty strings where nothing is set)."""
    return [
        {"provision": f.provision, "extent": f.extent.value, "note": f.note or "", "source": f.source or "", "verified": f.verified}
        for f in record.findings
    ]


def label_rows(rows: Iterable[Mapping[str, Any]], provision_label: Mapping[str, str], source_label: Mapping[str, str]) -> list[dict[str, Any]]:
    """Finding rows with provisions and sources shown by citation and title (ids not in the maps stay as they are)."""
    return [dict(row, provision=provision_label.get(row["provision"], row["provision"]), source=source_label.get(row["source"], row["source"]))
            for row in rows]


def id_rows(rows: Iterable[Mapping[str, Any]], provision_id: Mapping[str, str], source_id: Mapping[str, str]) -> list[dict[str, Any]]:
    """The inverse of `label_rows`: the table as typed, with labels mapped back to ids."""
    return [dict(row, provision=provision_id.get(row.get("provision") or "", row.get("provision")),
                 source=source_id.get(row.get("source") or "", row.get("source")))
            for row in rows]


def draft_of(record: AssessmentRecord, approved: ElementAssessment | None, lang: str | None = None) -> str | None:
    """When the saved assessment differs from the approved one, the approved one in words (for "draft, not yet
    approved" beside it); None when they agree."""
    findings = tuple(approved.findings) if approved else ()
    judgment = approved.judgment if approved else None
    note = approved.note if approved else None
    if (tuple(record.findings), record.judgment, record.note or None) == (findings, judgment, note or None):
        return None
    if approved is None:
        return gettext(lang)(N_("nothing recorded"))
    return describe(AssessmentRecord(record.iso3, record.element, findings, judgment, note, 0, None, None), lang)


def findings_from_rows(rows: Iterable[Mapping[str, Any]]) -> list[Finding]:
    """The findings table as typed: rows without a provision are ignored, an empty extent means full."""
    return [
        Finding(provision=row["provision"], extent=row.get("extent") or Extent.full, note=row.get("note") or None,
                source=row.get("source") or None, verified=bool(row.get("verified")))
        for row in rows
        if row.get("provision")
    ]


def judgment_from_form(status: str, reason: str, hook: str, source: str, verified: bool) -> Judgment | None:
    """The judgment control's values as a Judgment (None when the findings decide). Raises ValueError."""
    if status == FROM_FINDINGS:
        return None
    if not reason.strip():
        raise ValueError(Msg("{field}: a judgment '{status}' overrides the findings, so it needs a reason; write why, or choose "
                             "'{from_findings}'", field=Msg(REASON_FIELD), status=status_word(status), from_findings=Msg(FROM_FINDINGS)))
    hook_id = (hook or None) if status == JudgmentStatus.reserved else None
    return Judgment(status=status, reason=reason, hook=hook_id, source=source or None, verified=verified)


def judgment_choice(record: AssessmentRecord) -> str:
    """The judgment control's value for a saved record."""
    return record.judgment.status.value if record.judgment else FROM_FINDINGS


def describe(record: AssessmentRecord, lang: str | None = None) -> str:
    """A saved assessment in one line, to set beside the user's unsaved input."""
    t = gettext(lang)
    parts = [f"{f.provision} ({_extent(f.extent.value, lang)})" for f in record.findings]
    if record.judgment:
        parts.append(t("judgment: {status} — {reason}").format(status=judgment_choice_label(record.judgment.status.value, lang),
                                                               reason=record.judgment.reason))
    if record.note:
        parts.append(t("note: {note}").format(note=record.note))
    return "; ".join(parts) or t(N_("nothing recorded"))


def describe_input(status: str, reason: str, note: str, lang: str | None = None) -> str:
    """The user's unsaved judgment and note in one line (the findings table speaks for itself)."""
    t = gettext(lang)
    parts = []
    if status != FROM_FINDINGS:
        parts.append(t("judgment: {status} — {reason}").format(status=judgment_choice_label(status, lang), reason=reason))
    if note:
        parts.append(t("note: {note}").format(note=note))
    return "; ".join(parts) or t("findings as edited in the table")


def version_text(record: AssessmentRecord, lang: str | None = None) -> str:
    """'Version 3, last saved by kim at 2026-01-02 19:00 KST' (or 'never saved'), in the display zone."""
    t = gettext(lang)
    if record.updated_at is None:
        return t("Version {version}, never saved").format(version=record.version)
    return t("Version {version}, last saved by {user} at {at}").format(
        version=record.version, user=record.updated_by, at=local_time(record.updated_at))


def save_element(store: Store, user: User, iso3: str, element: str, *, rows: Iterable[Mapping[str, Any]], status: str, reason: str,
                 hook: str, source: str, verified: bool, note: str, expected_version: int) -> AssessmentRecord:
    """Save what the element form holds. Raises ValueError for invalid input, and whatever the store refuses
    (StaleVersion, PermissionDenied, ValidationFailed)."""
    judgment = judgment_from_form(status, reason, hook, source, verified)
    return store.save_assessment(user, iso3, element, findings=findings_from_rows(rows), judgment=judgment, note=note or None,
                                 expected_version=expected_version, source=AuditSource.browser)


def provision_from_form(values: Mapping[str, Any]) -> Provision:
    """The provision form's values (id, statute, article, paragraph, summary, the LIFECYCLE_DATES, dates_verified,
    date_note, bill_number, sponsor, chamber, source, verified) as a Provision. Empty texts are not given; a
    bill is recorded only when one of its fields is filled. Raises ValueError."""
    def text(name: str) -> str | None:
        return (values.get(name) or "").strip() or None

    bill_fields = {"number": text("bill_number"), "sponsor": text("sponsor"), "chamber": text("chamber")}
    dates: dict[str, dt.date | None] = {name: values.get(name) for name in LIFECYCLE_DATES}
    return Provision(
        id=(values.get("id") or "").strip(), statute=values.get("statute") or "", article=text("article"), paragraph=text("paragraph"),
        summary=values.get("summary") or "",
        lifecycle=Lifecycle(**dates, dates_verified=bool(values.get("dates_verified")), note=text("date_note")),
        bill=Bill(**bill_fields) if any(bill_fields.values()) else None, source=values.get("source") or "",
        verified=bool(values.get("verified")),
    )


def save_provision(store: Store, user: User, iso3: str, values: Mapping[str, Any], record: ProvisionRecord | None) -> ProvisionRecord:
    """Create (record None) or change a provision from the form's values, based on the version it was opened with."""
    return store.save_provision(user, iso3, provision_from_form(values), expected_version=record.version if record else 0,
                                source=AuditSource.browser)


def provision_values(record: ProvisionRecord | None) -> dict[str, Any]:
    """The provision form's starting values (empty for a new provision)."""
    if record is None:
        return {name: None for name in LIFECYCLE_DATES} | {"dates_verified": False, "verified": False}
    p = record.provision
    lc = p.lifecycle
    bill = p.bill or Bill()
    return {
        "id": p.id, "statute": p.statute, "article": p.article or "", "paragraph": p.paragraph or "", "summary": p.summary,
        **{name: getattr(lc, name) for name in LIFECYCLE_DATES}, "dates_verified": lc.dates_verified, "date_note": lc.note or "",
        "bill_number": bill.number or "", "sponsor": bill.sponsor or "", "chamber": bill.chamber or "", "source": p.source,
        "verified": p.verified,
    }
