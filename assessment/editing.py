"""Form values -> validated changes, and the save sequence of the Edit page, without any widget.

The page only renders and calls these; every rule about which form value becomes which model field (an empty
text is "not given", 'unknown' needs no reason, a hook only with 'reserved', a bill only when a bill field is
filled) lives here, where a unit test can reach it, and so does what happens around a save: it is based on the
version the form was opened with, a save that lands after someone else's keeps the person's input and sets both
versions side by side, a refusal says why in the reader's language, and the element's panel stays open. Saving
goes through the store, which checks everything again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .i18n import N_, Msg, gettext, say
from .models import Bill, ElementAssessment, Extent, Finding, Judgment, Lifecycle, Provision
from .problems import validation_messages
from .store import (
    SEED_WRITER,
    AssessmentRecord,
    AuditEntry,
    PermissionDenied,
    ProvisionRecord,
    StaleVersion,
    Store,
    User,
    ValidationFailed,
)
from .vocab import AuditSource, JudgmentStatus, Vocabulary, label, local_time, status_word

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
    if choice == FROM_FINDINGS:
        return choice if lang in (None, "en") else gettext(lang)(FROM_FINDINGS)
    return label(Vocabulary.status, choice, lang)


def _extent(extent: str, lang: str | None) -> str:
    return label(Vocabulary.extent, extent, lang)


def finding_rows(record: AssessmentRecord) -> list[dict[str, Any]]:
    """The saved findings as rows of the findings table (empty strings where nothing is set)."""
    return [
        {
            "provision": f.provision,
            "extent": f.extent.value,
            "note": f.note or "",
            "source": f.source or "",
            "verified": f.verified,
        }
        for f in record.findings
    ]


def extent_labels(lang: str | None = None) -> dict[str, str]:
    """Extent code -> what the findings table shows: the code in English ('partial'), the label in others ('부분')."""
    return {e.value: label(Vocabulary.extent, e.value, lang) for e in Extent}


def label_rows(
    rows: Iterable[Mapping[str, Any]],
    provision_label: Mapping[str, str],
    source_label: Mapping[str, str],
    extent_label: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Finding rows with provisions and sources shown by citation and title, and extents in the reader's words
    (values not in the maps stay as they are)."""
    extent_label = extent_label or {}
    return [
        dict(
            row,
            provision=provision_label.get(row["provision"], row["provision"]),
            source=source_label.get(row["source"], row["source"]),
            extent=extent_label.get(row["extent"], row["extent"]),
        )
        for row in rows
    ]


def id_rows(
    rows: Iterable[Mapping[str, Any]],
    provision_id: Mapping[str, str],
    source_id: Mapping[str, str],
    extent_code: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The inverse of `label_rows`: the table as typed, with labels mapped back to ids and codes."""
    extent_code = extent_code or {}
    return [
        dict(
            row,
            provision=provision_id.get(row.get("provision") or "", row.get("provision")),
            source=source_id.get(row.get("source") or "", row.get("source")),
            extent=extent_code.get(row.get("extent") or "", row.get("extent")),
        )
        for row in rows
    ]


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
        Finding(
            provision=row["provision"],
            extent=row.get("extent") or Extent.full,
            note=row.get("note") or None,
            source=row.get("source") or None,
            verified=bool(row.get("verified")),
        )
        for row in rows
        if row.get("provision")
    ]


def judgment_from_form(status: str, reason: str, hook: str, source: str, verified: bool) -> Judgment | None:
    """The judgment control's values as a Judgment (None when the findings decide). Raises ValueError."""
    if status == FROM_FINDINGS:
        return None
    if not reason.strip():
        raise ValueError(
            Msg(
                "{field}: a judgment '{status}' overrides the findings, so it needs a reason; write why, or choose "
                "'{from_findings}'",
                field=Msg(REASON_FIELD),
                status=status_word(status),
                from_findings=Msg(FROM_FINDINGS),
            )
        )
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
        parts.append(
            t("judgment: {status} — {reason}").format(
                status=judgment_choice_label(record.judgment.status.value, lang), reason=record.judgment.reason
            )
        )
    if record.note:
        parts.append(t("note: {note}").format(note=record.note))
    return "; ".join(parts) or t(N_("nothing recorded"))


def describe_input(status: str, reason: str, note: str, lang: str | None = None) -> str:
    """The user's unsaved judgment and note in one line (the findings table speaks for itself)."""
    t = gettext(lang)
    parts = []
    if status != FROM_FINDINGS:
        parts.append(
            t("judgment: {status} — {reason}").format(status=judgment_choice_label(status, lang), reason=reason)
        )
    if note:
        parts.append(t("note: {note}").format(note=note))
    return "; ".join(parts) or t("findings as edited in the table")


def version_text(record: AssessmentRecord, lang: str | None = None) -> str:
    """'Version 3, last saved by kim at 2026-01-02 19:00 KST' (or 'never saved'), in the display zone."""
    t = gettext(lang)
    if record.updated_at is None:
        return t("Version {version}, never saved").format(version=record.version)
    if record.updated_by == SEED_WRITER:
        return t("Version {version}, loaded from the shipped data at {at}").format(
            version=record.version, at=local_time(record.updated_at)
        )
    return t("Version {version}, last saved by {user} at {at}").format(
        version=record.version, user=record.updated_by, at=local_time(record.updated_at)
    )


def save_element(
    store: Store,
    user: User,
    iso3: str,
    element: str,
    *,
    rows: Iterable[Mapping[str, Any]],
    status: str,
    reason: str,
    hook: str,
    source: str,
    verified: bool,
    note: str,
    expected_version: int,
) -> AssessmentRecord:
    """Save what the element form holds. Raises ValueError for invalid input, and whatever the store refuses
    (StaleVersion, PermissionDenied, ValidationFailed)."""
    judgment = judgment_from_form(status, reason, hook, source, verified)
    return store.save_assessment(
        user,
        iso3,
        element,
        findings=findings_from_rows(rows),
        judgment=judgment,
        note=note or None,
        expected_version=expected_version,
        source=AuditSource.browser,
    )


def provision_from_form(values: Mapping[str, Any]) -> Provision:
    """The provision form's values (id, statute, article, paragraph, summary, the LIFECYCLE_DATES, dates_verified,
    date_note, bill_number, sponsor, chamber, source, verified) as a Provision. Empty texts are not given; a
    bill is recorded only when one of its fields is filled. Raises ValueError."""

    def text(name: str) -> str | None:
        return (values.get(name) or "").strip() or None

    bill_fields = {"number": text("bill_number"), "sponsor": text("sponsor"), "chamber": text("chamber")}
    dates: dict[str, dt.date | None] = {name: values.get(name) for name in LIFECYCLE_DATES}
    return Provision(
        id=(values.get("id") or "").strip(),
        statute=values.get("statute") or "",
        article=text("article"),
        paragraph=text("paragraph"),
        summary=values.get("summary") or "",
        lifecycle=Lifecycle(**dates, dates_verified=bool(values.get("dates_verified")), note=text("date_note")),
        bill=Bill(**bill_fields) if any(bill_fields.values()) else None,
        source=values.get("source") or "",
        verified=bool(values.get("verified")),
    )


def save_provision(
    store: Store, user: User, iso3: str, values: Mapping[str, Any], record: ProvisionRecord | None
) -> ProvisionRecord:
    """Create (record None) or change a provision from the form's values, based on the version it was opened with."""
    return store.save_provision(
        user,
        iso3,
        provision_from_form(values),
        expected_version=record.version if record else 0,
        source=AuditSource.browser,
    )


def provision_values(record: ProvisionRecord | None) -> dict[str, Any]:
    """The provision form's starting values (empty for a new provision)."""
    if record is None:
        return {name: None for name in LIFECYCLE_DATES} | {"dates_verified": False, "verified": False}
    p = record.provision
    lc = p.lifecycle
    bill = p.bill or Bill()
    return {
        "id": p.id,
        "statute": p.statute,
        "article": p.article or "",
        "paragraph": p.paragraph or "",
        "summary": p.summary,
        **{name: getattr(lc, name) for name in LIFECYCLE_DATES},
        "dates_verified": lc.dates_verified,
        "date_note": lc.note or "",
        "bill_number": bill.number or "",
        "sponsor": bill.sponsor or "",
        "chamber": bill.chamber or "",
        "source": p.source,
        "verified": p.verified,
    }


# ------------------------------------------------------------------------------------- the save sequence

#: What a refused save says: input to fix, or a save the person may not make.
NOT_SAVED_FIX = N_("Not saved. Please fix: {problems}")
NOT_SAVED = N_("Not saved: {reason}")


@dataclass
class ElementPanel:
    """What the Edit page remembers about one element's panel between reruns (kept in the session, no widget).

    `base` is the version the form was opened with, or last saved or merged onto: a save is based on it, so a
    saved version other than `base` means someone else saved in between."""

    base: int
    keep_open: bool = False  # the person saved or chose here: the panel stays open across reruns
    saved: tuple[dt.datetime, int] | None = None  # when, and which version, this person's last save wrote
    unchanged: bool = False  # the last save held what was saved already (said once)

    def stale(self, record: AssessmentRecord) -> bool:
        """Someone saved the element after this form was opened: compare before saving."""
        return record.version != self.base

    def expanded(self, record: AssessmentRecord) -> bool:
        """Open after the person's own save or choice, and whenever there is a comparison to see."""
        return self.keep_open or self.stale(record)

    def rebase(self, record: AssessmentRecord) -> None:
        """Base the form on `record` (after "keep mine" or "take theirs"), leaving the panel open."""
        self.base, self.keep_open = record.version, True

    def said_unchanged(self) -> bool:
        """True once after a save that changed nothing, so the page says so once."""
        unchanged, self.unchanged = self.unchanged, False
        return unchanged


@dataclass(frozen=True)
class ElementInput:
    """What the element form holds when it is submitted, provisions and sources mapped back to ids."""

    rows: tuple[Mapping[str, Any], ...] = ()
    status: str = FROM_FINDINGS
    reason: str = ""
    hook: str = ""
    source: str = ""
    verified: bool = False
    note: str = ""


@dataclass(frozen=True)
class Conflict:
    """Someone saved the element after the form was opened: who and when, and both versions in one line each."""

    by: str | None
    at: dt.datetime | None
    theirs: str  # what is saved in the database now
    mine: str  # the person's input, not saved, still in the form


@dataclass(frozen=True)
class Refusal:
    """Why a save wrote nothing: a message (NOT_SAVED_FIX or NOT_SAVED) and the core's reasons (i18n.Msg), said in
    the reader's language when shown."""

    template: str
    reasons: tuple[str, ...]

    def text(self, lang: str | None = None, escape: Callable[[str], str] = str) -> str:
        """The whole message in `lang`; `escape` makes the reasons (which may quote the person's input) inert."""
        slot = "problems" if self.template == NOT_SAVED_FIX else "reason"
        return gettext(lang)(self.template).format(**{slot: escape("; ".join(say(r, lang) for r in self.reasons))})


@dataclass(frozen=True)
class ElementView:
    """One element as its panel shows it: the saved record and what follows for the panel."""

    record: AssessmentRecord
    panel: ElementPanel
    draft: str | None  # the approved assessment in words when the saved one differs from it

    @property
    def stale(self) -> bool:
        return self.panel.stale(self.record)

    @property
    def expanded(self) -> bool:
        return self.panel.expanded(self.record)


@dataclass(frozen=True)
class SaveOutcome:
    """What came of a save: the record saved (possibly unchanged), or someone else's version first, or a refusal."""

    record: AssessmentRecord | None = None
    conflict: Conflict | None = None
    refusal: Refusal | None = None


@dataclass(frozen=True)
class CountryDesk:
    """The country as the Edit page opens it: its review state, and a change by someone else this browser has not
    seen yet (None when there is none)."""

    review_state: str
    news: AuditEntry | None
    seen: int | None  # the id of the latest change, for the page to remember


def open_country(store: Store, iso3: str, user: User, seen: int | None) -> CountryDesk:
    """The country's review state, and its latest change when someone else made it since this browser last looked
    (`seen`: the change id it remembered; None on first opening, when nothing is news)."""
    latest = store.latest_change(iso3)
    if latest is None:
        return CountryDesk(store.review_state(iso3), None, seen)
    news = latest if seen is not None and latest.id != seen and latest.user != user.name else None
    return CountryDesk(store.review_state(iso3), news, latest.id)


def open_element(
    store: Store,
    iso3: str,
    element: str,
    panel: ElementPanel | None,
    approved: ElementAssessment | None,
    lang: str | None = None,
) -> ElementView:
    """The element as saved now, with the panel state the page kept (a new one, based on the saved version, on
    first opening) and the approved assessment in words when the saved one is a draft."""
    record = store.assessment(iso3, element)
    panel = panel if panel is not None else ElementPanel(record.version)
    return ElementView(record, panel, draft_of(record, approved, lang))


def conflict(record: AssessmentRecord, mine: ElementInput, lang: str | None = None) -> Conflict:
    """The saved version beside the person's unsaved input, for them to keep theirs or take the saved one."""
    mine_text = describe_input(mine.status, mine.reason, mine.note, lang)
    return Conflict(record.updated_by, record.updated_at, describe(record, lang), mine_text)


def submit_element(
    store: Store, user: User, iso3: str, element: str, mine: ElementInput, panel: ElementPanel, lang: str | None = None
) -> SaveOutcome:
    """Save the element form, based on the version in `panel`, and update `panel`. Nothing is written when someone
    saved in between (the outcome carries their version beside mine; my input stays in the form) or when the
    store refuses (invalid input, a text too long for a spreadsheet cell, an edit the user may not make)."""
    panel.keep_open = True
    try:
        saved = save_element(
            store,
            user,
            iso3,
            element,
            rows=mine.rows,
            status=mine.status,
            reason=mine.reason,
            hook=mine.hook,
            source=mine.source,
            verified=mine.verified,
            note=mine.note,
            expected_version=panel.base,
        )
    except StaleVersion:
        return SaveOutcome(conflict=conflict(store.assessment(iso3, element), mine, lang))
    except ValidationFailed as exc:
        return SaveOutcome(refusal=Refusal(NOT_SAVED_FIX, tuple(exc.messages)))
    except PermissionDenied as exc:
        return SaveOutcome(refusal=Refusal(NOT_SAVED, (exc.args[0] if len(exc.args) == 1 else str(exc),)))
    except ValueError as exc:
        return SaveOutcome(refusal=Refusal(NOT_SAVED_FIX, tuple(validation_messages(exc, whole="value"))))
    panel.base, panel.unchanged = saved.version, not saved.changed
    if saved.changed:
        panel.saved = (saved.updated_at, saved.version)
    return SaveOutcome(record=saved)


def provision_rows(
    store: Store, iso3: str, today: dt.date, lang: str | None = None
) -> tuple[list[ProvisionRecord], list[dict[str, Any]]]:
    """A country's saved provisions and bills, and one table row for each: id, citation, stage today, verified,
    version (the stage as its code in English, its label in other languages)."""
    records = store.provisions(iso3)
    return records, [
        {
            "id": r.provision.id,
            "citation": r.provision.citation,
            "stage today": label(Vocabulary.stage, r.provision.lifecycle.stage_at(today).value, lang),
            "verified": r.provision.verified,
            "version": r.version,
        }
        for r in records
    ]
