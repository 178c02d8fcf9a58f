"""assessment.editing: what the Edit page's form values mean, without a browser."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from assessment import editing
from assessment.models import Extent, JudgmentStatus
from assessment.store import SYSTEM, AssessmentRecord, Store

NOW = dt.datetime(2026, 1, 2, 10, 0, tzinfo=dt.UTC)


def _record(**kw) -> AssessmentRecord:  # type: ignore[no-untyped-def]
    return AssessmentRecord(**{"iso3": "AAA", "element": "tst1.art1.e1", "findings": (), "judgment": None, "note": None,
                               "version": 0, "updated_by": None, "updated_at": None, **kw})


def test_finding_rows_round_trip_and_blank_rows_are_ignored() -> None:
    rows = [{"provision": "aaa.p1", "extent": "partial", "note": "only stored data", "source": "", "verified": True},
            {"provision": "", "extent": "full"}, {"provision": "aaa.p2", "extent": None, "note": "", "source": "src", "verified": None}]
    findings = editing.findings_from_rows(rows)
    assert [(f.provision, f.extent, f.note, f.source, f.verified) for f in findings] == [
        ("aaa.p1", Extent.partial, "only stored data", None, True), ("aaa.p2", Extent.full, None, "src", False)]
    assert editing.findings_from_rows(editing.finding_rows(_record(findings=tuple(findings)))) == findings


def test_judgment_from_form() -> None:
    assert editing.judgment_from_form(editing.FROM_FINDINGS, "ignored", "h", "s", True) is None
    with pytest.raises(ValueError, match="^Reason for the judgment: a judgment 'unknown' overrides the findings, so it needs a reason"):
        editing.judgment_from_form("unknown", "  ", "ets185.res.1", "", False)  # an override without a reason is refused
    unknown = editing.judgment_from_form("unknown", "two readings of Art. 3", "ets185.res.1", "", False)
    assert unknown is not None and unknown.hook is None and unknown.source is None
    missing = editing.judgment_from_form("missing", "the cited law covers stored data only", "ets185.res.1", "src", True)
    assert missing is not None and missing.status == JudgmentStatus.missing and missing.hook is None and missing.verified
    with pytest.raises(ValidationError) as exc:
        editing.judgment_from_form("reserved", "as declared", "", "src", False)
    assert editing.error_text(exc.value) == "value: a 'reserved' judgment must name the reservation or declaration (hook)"
    with pytest.raises(ValueError, match="Reason for the judgment"):
        editing.judgment_from_form("missing", "", "", "src", False)  # a legal claim needs a reason


def test_descriptions_for_the_side_by_side_view() -> None:
    judged = _record(judgment=editing.judgment_from_form("missing", "no order power", "", "s", False), note="ask MOJ",
                     version=3, updated_by="kim", updated_at=NOW)
    assert editing.describe(judged) == "judgment: missing — no order power; note: ask MOJ"
    assert editing.describe(_record()) == "nothing recorded"
    assert editing.judgment_choice(judged) == "missing" and editing.judgment_choice(_record()) == editing.FROM_FINDINGS
    assert editing.describe_input(editing.FROM_FINDINGS, "", "") == "findings as edited in the table"
    assert editing.describe_input("unknown", "not read yet", "n") == "judgment: unknown — not read yet; note: n"
    assert editing.version_text(judged) == "Version 3, last saved by kim at 2026-01-02 19:00 KST"  # shown in Seoul time, never bare UTC
    assert editing.version_text(_record()) == "Version 0, never saved"


def test_provision_from_form_reads_empty_texts_as_not_given_and_bills_only_when_filled() -> None:
    values = editing.provision_values(None) | {"id": " aaa.p9 ", "statute": "Act", "article": "", "summary": "Orders preservation",
                                                "introduced": dt.date(2025, 1, 2), "source": "src", "sponsor": " "}
    p = editing.provision_from_form(values)
    assert (p.id, p.article, p.paragraph, p.bill, p.lifecycle.introduced, p.lifecycle.in_force) == ("aaa.p9", None, None, None, dt.date(2025, 1, 2), None)
    p = editing.provision_from_form(values | {"bill_number": "2101234"})
    assert p.bill is not None and p.bill.number == "2101234" and p.bill.sponsor is None
    with pytest.raises(ValidationError):
        editing.provision_from_form(values | {"passed": dt.date(2024, 1, 1)})  # passed before it was introduced


def test_save_element_and_provision_through_the_store(mini_store: Store) -> None:
    element = next(iter(mini_store.index.elements))
    iso3 = mini_store.country_codes()[0]
    current = mini_store.assessment(iso3, element)
    saved = editing.save_element(mini_store, SYSTEM, iso3, element, rows=[], status="unknown", reason="not established", hook="", source="",
                                 verified=False, note="", expected_version=current.version)
    assert saved.version == current.version + 1 and saved.judgment is not None and saved.note is None and saved.changed
    again = editing.save_element(mini_store, SYSTEM, iso3, element, rows=[], status="unknown", reason="not established", hook="", source="",
                                 verified=False, note="", expected_version=saved.version)
    assert not again.changed and again.version == saved.version  # the same form saved twice writes one version
    assert mini_store.history(iso3, element)[-1].source == "browser"
    record = mini_store.provisions(iso3)[0]
    values = editing.provision_values(record) | {"summary": "changed in the form"}
    changed = editing.save_provision(mini_store, SYSTEM, iso3, values, record)
    assert changed.version == record.version + 1 and changed.provision.summary == "changed in the form"
    assert editing.provision_values(changed)["summary"] == "changed in the form"
