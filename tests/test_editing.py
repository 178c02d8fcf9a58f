"""assessment.editing: what the Edit page's form values mean, without a browser."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from assessment import editing
from assessment.models import Extent, Judgment, JudgmentStatus
from assessment.store import SYSTEM, AssessmentRecord, Store

NOW = dt.datetime(2026, 1, 2, 10, 0, tzinfo=dt.UTC)


def _record(**kw) -> AssessmentRecord:  # type: ignore[no-untyped-def]
    return AssessmentRecord(
        **{
            "iso3": "AAA",
            "element": "tst1.art1.e1",
            "findings": (),
            "judgment": None,
            "note": None,
            "version": 0,
            "updated_by": None,
            "updated_at": None,
            **kw,
        }
    )


def test_finding_rows_round_trip_and_blank_rows_are_ignored() -> None:
    rows = [
        {"provision": "aaa.p1", "extent": "partial", "note": "only stored data", "source": "", "verified": True},
        {"provision": "", "extent": "full"},
        {"provision": "aaa.p2", "extent": None, "note": "", "source": "src", "verified": None},
    ]
    findings = editing.findings_from_rows(rows)
    assert [(f.provision, f.extent, f.note, f.source, f.verified) for f in findings] == [
        ("aaa.p1", Extent.partial, "only stored data", None, True),
        ("aaa.p2", Extent.full, None, "src", False),
    ]
    assert editing.findings_from_rows(editing.finding_rows(_record(findings=tuple(findings)))) == findings


def test_judgment_from_form() -> None:
    assert editing.judgment_from_form(editing.FROM_FINDINGS, "ignored", "h", "s", True) is None
    with pytest.raises(
        ValueError, match="^Reason for the judgment: a judgment 'unknown' overrides the findings, so it needs a reason"
    ):
        editing.judgment_from_form(
            "unknown", "  ", "ets185.res.1", "", False
        )  # an override without a reason is refused
    unknown = editing.judgment_from_form("unknown", "two readings of Art. 3", "ets185.res.1", "", False)
    assert unknown is not None and unknown.hook is None and unknown.source is None
    missing = editing.judgment_from_form(
        "missing", "the cited law covers stored data only", "ets185.res.1", "src", True
    )
    assert (
        missing is not None and missing.status == JudgmentStatus.missing and missing.hook is None and missing.verified
    )
    with pytest.raises(ValidationError) as exc:
        editing.judgment_from_form("reserved", "as declared", "", "src", False)
    assert (
        editing.error_text(exc.value) == "value: a 'reserved' judgment must name the reservation or declaration (hook)"
    )
    with pytest.raises(ValueError, match="Reason for the judgment"):
        editing.judgment_from_form("missing", "", "", "src", False)  # a legal claim needs a reason


def test_descriptions_for_the_side_by_side_view() -> None:
    judged = _record(
        judgment=editing.judgment_from_form("missing", "no order power", "", "s", False),
        note="ask MOJ",
        version=3,
        updated_by="kim",
        updated_at=NOW,
    )
    assert editing.describe(judged) == "judgment: missing — no order power; note: ask MOJ"
    assert editing.describe(_record()) == "nothing recorded"
    assert editing.judgment_choice(judged) == "missing" and editing.judgment_choice(_record()) == editing.FROM_FINDINGS
    assert editing.describe_input(editing.FROM_FINDINGS, "", "") == "findings as edited in the table"
    assert editing.describe_input("unknown", "not read yet", "n") == "judgment: unknown — not read yet; note: n"
    assert (
        editing.version_text(judged) == "Version 3, last saved by kim at 2026-01-02 19:00 KST"
    )  # shown in Seoul time, never bare UTC
    assert editing.version_text(_record()) == "Version 0, never saved"


def test_provision_from_form_reads_empty_texts_as_not_given_and_bills_only_when_filled() -> None:
    values = editing.provision_values(None) | {
        "id": " aaa.p9 ",
        "statute": "Act",
        "article": "",
        "summary": "Orders preservation",
        "introduced": dt.date(2025, 1, 2),
        "source": "src",
        "sponsor": " ",
    }
    p = editing.provision_from_form(values)
    assert (p.id, p.article, p.paragraph, p.bill, p.lifecycle.introduced, p.lifecycle.in_force) == (
        "aaa.p9",
        None,
        None,
        None,
        dt.date(2025, 1, 2),
        None,
    )
    p = editing.provision_from_form(values | {"bill_number": "2101234"})
    assert p.bill is not None and p.bill.number == "2101234" and p.bill.sponsor is None
    with pytest.raises(ValidationError):
        editing.provision_from_form(values | {"passed": dt.date(2024, 1, 1)})  # passed before it was introduced


def test_save_element_and_provision_through_the_store(mini_store: Store) -> None:
    element = next(iter(mini_store.index.elements))
    iso3 = mini_store.country_codes()[0]
    current = mini_store.assessment(iso3, element)
    form = dict(rows=[], status="unknown", reason="not established", hook="", source="", verified=False, note="")
    saved = editing.save_element(mini_store, SYSTEM, iso3, element, **form, expected_version=current.version)
    assert saved.version == current.version + 1 and saved.judgment is not None and saved.note is None and saved.changed
    again = editing.save_element(mini_store, SYSTEM, iso3, element, **form, expected_version=saved.version)
    assert not again.changed and again.version == saved.version  # the same form saved twice writes one version
    assert mini_store.history(iso3, element)[-1].source == "browser"
    record = mini_store.provisions(iso3)[0]
    values = editing.provision_values(record) | {"summary": "changed in the form"}
    changed = editing.save_provision(mini_store, SYSTEM, iso3, values, record)
    assert changed.version == record.version + 1 and changed.provision.summary == "changed in the form"
    assert editing.provision_values(changed)["summary"] == "changed in the form"


# ------------------------------------------------------------------ the save sequence (moved out of the Edit page)

UNKNOWN = Judgment(status="unknown", reason="not established yet")


def _people(store: Store) -> tuple:  # type: ignore[type-arg]
    """(country, element, me, another editor of that country)."""
    iso3 = store.country_codes()[0]
    me = store.add_user(SYSTEM, "kim", "editor", "password-long-1", [iso3])
    other = store.add_user(SYSTEM, "lee", "editor", "password-long-1", [iso3])
    return iso3, next(iter(store.index.elements)), me, other


def _save(store: Store, user, iso3: str, element: str, note: str) -> None:  # type: ignore[no-untyped-def]
    """Someone saves the element directly, on the version saved now."""
    version = store.assessment(iso3, element).version
    store.save_assessment(user, iso3, element, findings=(), judgment=UNKNOWN, note=note, expected_version=version)


def test_a_save_goes_through_and_the_panel_follows_it(mini_store: Store) -> None:
    iso3, element, me, _ = _people(mini_store)
    view = editing.open_element(mini_store, iso3, element, None, None)
    panel = view.panel
    assert panel.base == view.record.version and not view.stale and not view.expanded  # a fresh panel opens closed
    mine = editing.ElementInput(status="unknown", reason="not established yet", note="ask the ministry")
    outcome = editing.submit_element(mini_store, me, iso3, element, mine, panel)
    assert outcome.refusal is None and outcome.conflict is None and outcome.record is not None
    saved = mini_store.assessment(iso3, element)
    assert (saved.note, saved.updated_by, saved.version) == ("ask the ministry", "kim", view.record.version + 1)
    assert panel.base == saved.version and panel.saved == (saved.updated_at, saved.version) and panel.keep_open
    again = editing.open_element(mini_store, iso3, element, panel, None)
    assert again.expanded and not again.stale  # my own save keeps my panel open, with nothing to compare
    assert not panel.said_unchanged()
    editing.submit_element(mini_store, me, iso3, element, mine, panel)  # the same form again: nothing new to write
    assert mini_store.assessment(iso3, element).version == saved.version
    assert panel.said_unchanged() and not panel.said_unchanged()  # said once


def test_a_stale_save_keeps_my_text_and_names_who_changed_it(mini_store: Store) -> None:
    iso3, element, me, other = _people(mini_store)
    panel = editing.open_element(mini_store, iso3, element, None, None).panel  # I open the form ...
    opened = panel.base
    _save(mini_store, other, iso3, element, "their note")
    mine = editing.ElementInput(status="unknown", reason="two readings", note="my careful note")  # ... and save after
    outcome = editing.submit_element(mini_store, me, iso3, element, mine, panel)
    assert outcome.record is None and outcome.refusal is None and outcome.conflict is not None
    both = outcome.conflict
    assert both.by == "lee" and both.at == mini_store.assessment(iso3, element).updated_at
    assert both.theirs == "judgment: unknown — not established yet; note: their note"
    assert both.mine == "judgment: unknown — two readings; note: my careful note"
    assert mini_store.assessment(iso3, element).note == "their note"  # nothing overwritten
    view = editing.open_element(mini_store, iso3, element, panel, None)
    assert view.stale and view.expanded and panel.base == opened  # the comparison shows, in an open panel
    panel.rebase(view.record)  # "keep mine": an explicit choice, then a save on their version
    assert editing.submit_element(mini_store, me, iso3, element, mine, panel).record is not None
    assert mini_store.assessment(iso3, element).note == "my careful note"


def test_a_long_note_is_refused_with_its_count_and_nothing_is_written(mini_store: Store) -> None:
    from assessment.models import MAX_TEXT

    iso3, element, me, _ = _people(mini_store)
    panel = editing.open_element(mini_store, iso3, element, None, None).panel
    before = mini_store.assessment(iso3, element)
    outcome = editing.submit_element(
        mini_store, me, iso3, element, editing.ElementInput(note="n" * (MAX_TEXT + 1)), panel
    )
    assert outcome.record is None and outcome.conflict is None and outcome.refusal is not None
    text = outcome.refusal.text()
    assert text.startswith("Not saved. Please fix: ") and "note: 32,768 characters" in text, text
    assert "more than the 32,767 a spreadsheet cell holds" in text
    korean = outcome.refusal.text("ko")
    assert korean.startswith("저장되지 않았습니다. 다음을 고치십시오: ") and "32,768자" in korean, korean
    assert mini_store.assessment(iso3, element).version == before.version
    assert panel.base == before.version and panel.keep_open and panel.saved is None
    emoji = editing.ElementInput(note="😀" * (MAX_TEXT // 2 + 1))  # fits in code points, not in a spreadsheet cell
    refused = editing.submit_element(mini_store, me, iso3, element, emoji, panel).refusal
    assert refused is not None and "32,768 characters as Excel counts them" in refused.text()


def test_refusals_say_why_in_the_readers_language_with_the_details_made_inert(mini_store: Store) -> None:
    iso3, element, me, _ = _people(mini_store)
    panel = editing.ElementPanel(mini_store.assessment(iso3, element).version)
    no_reason = editing.submit_element(mini_store, me, iso3, element, editing.ElementInput(status="missing"), panel)
    assert no_reason.refusal is not None
    assert no_reason.refusal.text("ko").startswith("저장되지 않았습니다. 다음을 고치십시오: 판단 사유:")
    outsider = mini_store.add_user(SYSTEM, "park", "editor", "password-long-1", [])
    denied = editing.submit_element(mini_store, outsider, iso3, element, editing.ElementInput(note="mine"), panel)
    assert (
        denied.refusal is not None
        and denied.refusal.text().startswith("Not saved: ")
        and "park" in denied.refusal.text()
    )
    shouted = denied.refusal.text(
        escape=str.upper
    )  # the page passes its Markdown escape: only the details go through it
    assert shouted.startswith("Not saved: ") and "PARK" in shouted


def test_the_country_notice_names_only_someone_elses_change_since_this_browser_looked(mini_store: Store) -> None:
    iso3, element, me, other = _people(mini_store)
    first = editing.open_country(mini_store, iso3, me, None)
    assert first.news is None and first.review_state  # nothing is news on first opening
    _save(mini_store, me, iso3, element, "mine")
    mine = editing.open_country(mini_store, iso3, me, first.seen)
    assert mine.news is None and mine.seen != first.seen  # my own change is no news
    _save(mini_store, other, iso3, element, "theirs")
    theirs = editing.open_country(mini_store, iso3, me, mine.seen)
    assert theirs.news is not None and theirs.news.user == "lee" and theirs.review_state == "draft"
    assert editing.open_country(mini_store, iso3, me, theirs.seen).news is None  # said once


def test_provision_rows_show_the_stage_today_as_a_code_in_english_and_a_label_in_korean(mini_store: Store) -> None:
    iso3, day = mini_store.country_codes()[0], dt.date(2030, 1, 1)
    records, rows = editing.provision_rows(mini_store, iso3, day)
    assert [r["id"] for r in rows] == [r.provision.id for r in records]
    assert list(rows[0]) == ["id", "citation", "stage today", "verified", "version"]
    assert [r["stage today"] for r in rows][:3] == [
        "in_force",
        "in_force",
        "lapsed",
    ]  # as the data and the CLI write it
    _, korean = editing.provision_rows(mini_store, iso3, day, "ko")
    assert [r["stage today"] for r in korean][:3] == ["시행", "시행", "폐기"]


def test_the_findings_table_shows_extents_in_korean_and_gives_back_the_codes() -> None:
    """Issue 22: the Korean findings table said full/partial; it shows 완전/부분 and saves the codes."""
    rows = [{"provision": "kor.cpa.215-2", "extent": "partial", "note": "", "source": "", "verified": False}]
    shown = editing.label_rows(rows, {}, {}, editing.extent_labels("ko"))
    assert shown[0]["extent"] == "부분" and editing.extent_labels("en")["partial"] == "partial"
    back = editing.id_rows(shown, {}, {}, {v: k for k, v in editing.extent_labels("ko").items()})
    assert back[0]["extent"] == "partial"
