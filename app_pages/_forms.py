"""Widgets of the Edit page that are more than a line or two: the side-by-side view of a save that landed after
a form was opened, and the provision form. Rendering only: what the values mean is `assessment.editing`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from app_pages import _ui
from app_pages._ui import says, t
from assessment import editing
from assessment.vocab import LIFECYCLE_LABEL, local_time
from assessment.store import AssessmentRecord, PermissionDenied, ProvisionRecord, StaleVersion, Store, User, ValidationFailed


def pick(label: str, options: list[str], current: str | None, key: str | None = None, where: Any = st, format_func: Any = str) -> str:
    """A selectbox that starts on `current` when it is one of the options, else on the first."""
    return where.selectbox(label, options, key=key, index=options.index(current) if current in options else 0, format_func=format_func)


def conflict_panel(record: AssessmentRecord, key: str, base_key: str) -> None:
    """Someone saved after the form `key` was opened: show both versions; keep mine or take theirs."""
    lang = _ui.lang()
    st.warning(t("{user} saved this element at {at} after you opened it. Your input below is kept. Compare, then keep yours or "
                 "take theirs.").format(user=_ui.md(record.updated_by or t("someone")), at=local_time(record.updated_at)))
    left, right = st.columns(2)
    left.markdown(t("**Saved in the database now**"))
    left.text(editing.describe(record, lang))
    right.markdown(t("**Your version (not saved, still in the form below)**"))
    state = st.session_state
    right.text(editing.describe_input(state.get(f"{key}_status", editing.FROM_FINDINGS), state.get(f"{key}_reason", ""),
                                      state.get(f"{key}_note", ""), lang))
    a, b = st.columns(2)
    keep = a.button(t("Keep mine: save it over theirs"), key=f"{key}_keep")
    take = b.button(t("Take theirs: discard my input"), key=f"{key}_take")
    if take:
        for k in [k for k in state if str(k).startswith(key)]:
            del state[k]
    if keep or take:
        state[base_key] = record.version
        state[f"_open_{key}"] = True
        st.rerun()


def provision_form(store: Store, user: User, iso3: str, source_ids: list[str], record: ProvisionRecord | None, key: str,
                   source_titles: dict[str, str] | None = None) -> None:
    """Create (record None) or change a provision or bill, e.g. record that a bill came into force. Sources are
    picked by title (`source_titles`: id -> title)."""
    source_titles = source_titles or {}
    v = editing.provision_values(record)
    with st.form(key):
        values = {"id": st.text_input(t("Id (e.g. kor.cpa.215-2)"), value=v.get("id", ""), disabled=record is not None)}
        labels = (("statute", t("Statute")), ("article", t("Article (leave empty if unknown; never guess)")), ("paragraph", t("Paragraph")))
        for col, (name, label) in zip(st.columns(3), labels):
            values[name] = col.text_input(label, value=v.get(name, ""))
        values["summary"] = st.text_area(t("What it provides (your words)"), value=v.get("summary", ""))
        for col, name in zip(st.columns(6), editing.LIFECYCLE_DATES):
            values[name] = col.date_input(t(LIFECYCLE_LABEL[name]), value=v[name], format="YYYY-MM-DD",
                                          min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1))
        values["dates_verified"] = st.checkbox(t("Dates read in a primary source"), value=v["dates_verified"])
        values["date_note"] = st.text_input(t("Date note"), value=v.get("date_note", ""))
        labels = (("bill_number", t("Bill number (only if found)")), ("sponsor", t("Sponsor")), ("chamber", t("Chamber")))
        for col, (name, label) in zip(st.columns(3), labels):
            values[name] = col.text_input(label, value=v.get(name, ""))
        s = st.columns(2)
        values["source"] = pick(t("Source"), source_ids, v.get("source"), where=s[0], format_func=lambda i: source_titles.get(i, i))
        values["verified"] = s[1].checkbox(t("Provision text read in a primary source"), value=v["verified"])
        submitted = st.form_submit_button(t("Save provision"), type="primary")
    if not submitted:
        return
    try:
        saved = editing.save_provision(store, user, iso3, values, record)
    except StaleVersion as exc:
        st.error(t("Not saved: {reason}. Reload the page to see their version; copy your input first.").format(reason=says(exc)))
    except (ValidationFailed, PermissionDenied) as exc:
        st.error(t("Not saved: {reason}").format(reason=says(exc)))
    except ValueError as exc:
        st.error(t("Not saved. Please fix: {problems}").format(problems=_ui.md(editing.error_text(exc, _ui.lang()))))
    else:
        if not saved.changed:
            st.info(t("Nothing changed, so no new version was written."))
            return
        st.success(t("Saved {provision} at {at} (version {version}). Every element citing it is re-scored.").format(
            provision=saved.provision.id, at=local_time(saved.updated_at, seconds=True), version=saved.version))
