"""Widgets of the Edit page that are more than a line or two: the element form, the side-by-side view of a save
that landed after a form was opened, and the provision form. Rendering only: what the values mean, and what a
save does, is `assessment.editing`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from app_pages import _ui
from app_pages._ui import says, t
from assessment import editing
from assessment.store import (
    AssessmentRecord,
    PermissionDenied,
    ProvisionRecord,
    StaleVersion,
    Store,
    User,
    ValidationFailed,
)
from assessment.vocab import DRAFT_MARK, LIFECYCLE_LABEL, Vocabulary, label, local_time


def pick(
    label: str, options: list[str], current: str | None, key: str | None = None, where: Any = st, format_func: Any = str
) -> str:
    """A selectbox that starts on `current` when it is one of the options, else on the first."""
    return where.selectbox(
        label,
        options,
        key=key,
        index=options.index(current) if current in options else 0,
        format_func=format_func,
        placeholder=t("Choose an option"),
    )


def conflict_panel(record: AssessmentRecord, key: str, panel: editing.ElementPanel) -> None:
    """Someone saved after the form `key` was opened: show both versions; keep mine or take theirs."""
    state = st.session_state
    mine = editing.ElementInput(
        status=state.get(f"{key}_status", editing.FROM_FINDINGS),
        reason=state.get(f"{key}_reason", ""),
        note=state.get(f"{key}_note", ""),
    )
    both = editing.conflict(record, mine, _ui.lang())
    st.warning(
        t(
            "{user} saved this element at {at} after you opened it. Your input below is kept. Compare, then keep yours or "
            "take theirs."
        ).format(user=_ui.md(both.by or t("someone")), at=local_time(both.at))
    )
    left, right = st.columns(2)
    left.markdown(t("**Saved in the database now**"))
    left.text(both.theirs)
    right.markdown(t("**Your version (not saved, still in the form below)**"))
    right.text(both.mine)
    a, b = st.columns(2)
    keep = a.button(t("Keep mine: save it over theirs"), key=f"{key}_keep")
    take = b.button(t("Take theirs: discard my input"), key=f"{key}_take")
    if take:
        for k in [k for k in state if str(k).startswith(key)]:
            del state[k]
    if keep or take:
        panel.rebase(record)
        st.rerun()


def element_fields(
    record: AssessmentRecord,
    key: str,
    hooks: list[str],
    source_ids: list[str],
    provision_label: dict[str, str],
    source_label: dict[str, str],
) -> tuple[bool, editing.ElementInput]:
    """The element form `key` (findings table, judgment, note), starting from `record`: (submitted?, what it holds).
    The table shows provisions and sources by citation and title (`*_label`: id -> label); ids come back."""
    lang, j, none = _ui.lang(), record.judgment, t("(none)")
    extent_label = editing.extent_labels(lang)
    with st.form(key):
        frame = st.data_editor(
            pd.DataFrame(
                editing.label_rows(editing.finding_rows(record), provision_label, source_label, extent_label),
                columns=list(editing.FINDING_COLUMNS),
            ),
            key=f"{key}_findings",
            num_rows="dynamic",
            width="stretch",
            column_config={
                "provision": st.column_config.SelectboxColumn(
                    t("Provision"), options=list(provision_label.values()), required=True
                ),
                "extent": st.column_config.SelectboxColumn(
                    t("Satisfies the element"), options=list(extent_label.values()), required=True
                ),
                "note": st.column_config.TextColumn(t("Why (your words)")),
                "source": st.column_config.SelectboxColumn(
                    t("Source (default: the provision's)"), options=["", *source_label.values()]
                ),
                "verified": st.column_config.CheckboxColumn(t("Read in a primary text")),
            },
        )
        status = st.selectbox(
            t("Judgment (overrides the findings)"),
            editing.JUDGMENT_CHOICES,
            key=f"{key}_status",
            index=editing.JUDGMENT_CHOICES.index(editing.judgment_choice(record)),
            format_func=lambda c: editing.judgment_choice_label(c, lang),
            placeholder=t("Choose an option"),
            help=t(
                "missing: a cited provision does not do the job; not_applicable needs a reason; reserved only under a "
                "reservation the treaty allows."
            ),
        )
        reason = st.text_area(
            t(editing.REASON_FIELD),
            value=j.reason if j else "",
            key=f"{key}_reason",
            help=t("Needed whenever a judgment overrides the findings."),
        )
        cols = st.columns(3)
        hook = pick(
            t("Reservation or declaration (for 'reserved')"), ["", *hooks], j and j.hook, f"{key}_hook", cols[0]
        )
        source = pick(
            t("Source of the judgment"),
            ["", *source_ids],
            j and j.source,
            f"{key}_jsource",
            cols[1],
            format_func=lambda i: source_label.get(i, i) if i else none,
        )
        verified = cols[2].checkbox(t("Judgment verified"), value=bool(j and j.verified), key=f"{key}_jverified")
        note = st.text_area(t("Note"), value=record.note or "", key=f"{key}_note")
        submitted = st.form_submit_button(t("Save"), type="primary")
    provision_id, source_id, extent_code = (
        {v: k for k, v in labels.items()} for labels in (provision_label, source_label, extent_label)
    )
    rows = editing.id_rows(frame.to_dict("records"), provision_id, source_id, extent_code)
    return submitted, editing.ElementInput(tuple(rows), status, reason, hook, source, verified, note)


def provision_form(
    store: Store,
    user: User,
    iso3: str,
    source_ids: list[str],
    record: ProvisionRecord | None,
    key: str,
    source_titles: dict[str, str] | None = None,
) -> None:
    """Create (record None) or change a provision or bill, e.g. record that a bill came into force. Sources are
    picked by title (`source_titles`: id -> title)."""
    source_titles = source_titles or {}
    v = editing.provision_values(record)
    with st.form(key):
        values = {"id": st.text_input(t("Id (e.g. kor.cpa.215-2)"), value=v.get("id", ""), disabled=record is not None)}
        labels = (
            ("statute", t("Statute")),
            ("article", t("Article (leave empty if unknown; never guess)")),
            ("paragraph", t("Paragraph")),
        )
        for col, (name, label) in zip(st.columns(3), labels):
            values[name] = col.text_input(label, value=v.get(name, ""))
        values["summary"] = st.text_area(t("What it provides (your words)"), value=v.get("summary", ""))
        for col, name in zip(st.columns(6), editing.LIFECYCLE_DATES):
            values[name] = col.date_input(
                t(LIFECYCLE_LABEL[name]),
                value=v[name],
                format="YYYY-MM-DD",
                min_value=dt.date(1900, 1, 1),
                max_value=dt.date(2100, 1, 1),
            )
        values["dates_verified"] = st.checkbox(t("Dates read in a primary source"), value=v["dates_verified"])
        values["date_note"] = st.text_input(t("Date note"), value=v.get("date_note", ""))
        labels = (
            ("bill_number", t("Bill number (only if found)")),
            ("sponsor", t("Sponsor")),
            ("chamber", t("Chamber")),
        )
        for col, (name, label) in zip(st.columns(3), labels):
            values[name] = col.text_input(label, value=v.get(name, ""))
        s = st.columns(2)
        values["source"] = pick(
            t("Source"), source_ids, v.get("source"), where=s[0], format_func=lambda i: source_titles.get(i, i)
        )
        values["verified"] = s[1].checkbox(t("Provision text read in a primary source"), value=v["verified"])
        submitted = st.form_submit_button(t("Save provision"), type="primary")
    if not submitted:
        return
    try:
        saved = editing.save_provision(store, user, iso3, values, record)
    except StaleVersion as exc:
        st.error(
            t("Not saved: {reason}. Reload the page to see their version; copy your input first.").format(
                reason=says(exc)
            )
        )
    except (ValidationFailed, PermissionDenied) as exc:
        st.error(t("Not saved: {reason}").format(reason=says(exc)))
    except ValueError as exc:
        st.error(t("Not saved. Please fix: {problems}").format(problems=_ui.md(editing.error_text(exc, _ui.lang()))))
    else:
        if not saved.changed:
            st.info(t("Nothing changed, so no new version was written."))
            return
        st.success(
            t("Saved {provision} at {at} (version {version}). Every element citing it is re-scored.").format(
                provision=saved.provision.id, at=local_time(saved.updated_at, seconds=True), version=saved.version
            )
        )


def country_news(desk: editing.CountryDesk, country_name: str) -> None:
    """Above the Edit page: who changed this country since this browser opened it, and its review state."""
    lang = _ui.lang()
    if desk.news is not None:
        st.info(
            t(
                "{user} changed {country} at {at} ({record}). Saved values below are current; your unsaved input is kept."
            ).format(
                user=_ui.md(desk.news.user),
                country=_ui.md(country_name),
                at=local_time(desk.news.at),
                record=_ui.md(desk.news.record),
            )
        )
    st.caption(
        t("Review state: **{state}**. Saving makes the country a draft again until a reviewer approves it.").format(
            state=label(Vocabulary.review_state, desk.review_state, lang)
        )
    )


def panel_notes(view: editing.ElementView, panel: editing.ElementPanel) -> None:
    """Inside an element's panel: its version, the approved version beside a draft, and what the last save did."""
    lang = _ui.lang()
    st.caption(_ui.md(editing.version_text(view.record, lang)))
    if view.draft:
        st.warning(
            t("**{mark}.** Approved: {approved}").format(
                mark=_ui.md(t(DRAFT_MARK).capitalize()), approved=_ui.md(view.draft)
            )
        )
    if panel.saved:
        st.success(
            t("Saved at {at} (version {version})").format(
                at=local_time(panel.saved[0], seconds=True), version=panel.saved[1]
            ),
            icon=":material/check:",
        )
    if panel.said_unchanged():
        st.info(t("Nothing changed, so no new version was written."))


def provisions_tab(
    store: Store,
    user: User,
    iso: str,
    today: dt.date,
    source_ids: list[str],
    provision_label: dict[str, str],
    source_label: dict[str, str],
) -> None:
    """The Edit page's Provisions and bills tab: the country's provisions today, and a form to change or add one."""
    records, rows = editing.provision_rows(store, iso, today, _ui.lang())
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        column_config={
            "id": t("Id"),
            "citation": t("Citation"),
            "stage today": t("Stage today"),
            "verified": t("Verified"),
            "version": t("Version"),
        },
    )
    pick_one = t("— pick one —")  # fixed now: Streamlit (and AppTest) may call a format function outside this run
    choice = st.selectbox(
        t("Change a provision or bill (e.g. record that it came into force)"),
        ["", *[r.provision.id for r in records]],
        format_func=lambda i: provision_label.get(i, i) if i else pick_one,
        placeholder=t("Choose an option"),
    )
    if choice:
        record = next(r for r in records if r.provision.id == choice)
        provision_form(store, user, iso, source_ids, record, f"prov_{iso}_{choice}", source_label)
    with st.expander(t("Add a provision or bill")):
        provision_form(store, user, iso, source_ids, None, f"prov_{iso}_new", source_label)
