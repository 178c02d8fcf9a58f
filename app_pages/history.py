"""History: every change to an element (who, when, old -> new, from where), restore of an earlier value, and
what changed in a country between two dates."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app_pages import _auth, _data, _ui
from assessment.changes import FIELD_LABEL, changes_in_words, element_label, readable
from assessment.store import PermissionDenied, StaleVersion, ValidationFailed

user = _auth.require_staff()
ws = _data.workspace()
catalog = ws.catalog
store = _data.store()

st.title("History")
if not catalog.countries:
    _ui.empty(_ui.NO_COUNTRIES)
    st.stop()
iso = _ui.choose_country(catalog)
country = catalog.countries[iso]

element_tab, diff_tab = st.tabs(["One element", "Changes between two dates"])

with element_tab:
    assessed = [a.element for a in catalog.countries[iso].assessments] or sorted(catalog.elements)
    element = _ui.choose("Element", assessed, "element", assessed[0], format_func=lambda e: element_label(catalog, e))
    entries = store.history(iso, element)
    if not entries:
        _ui.empty("No change has been saved for this element since the data was loaded.")
    else:
        for e in reversed(entries):  # newest first; old -> new as words that wrap, never cut off
            with st.container(border=True):
                st.markdown(f"**{e.at:%Y-%m-%d %H:%M:%S} UTC** · {_ui.md(e.user)} · from {_ui.md(e.source)} · "
                            f"{_ui.md(FIELD_LABEL.get(e.field, e.field))} · entry #{e.id}")
                old, new = st.columns(2)
                old.caption("Before")
                old.markdown(_ui.md(readable(e.field, e.old, country)))
                new.caption("After")
                new.markdown(_ui.md(readable(e.field, e.new, country)))
        restorable = [e for e in entries if e.field in ("findings", "judgment", "note")]
        if restorable and user.can_edit(iso):
            with st.form("restore"):
                entry_id = st.selectbox("Restore the value a field had before entry", [e.id for e in restorable],
                                        format_func=lambda i: next(f"#{e.id} {FIELD_LABEL.get(e.field, e.field)} changed by {e.user} at {e.at:%Y-%m-%d %H:%M}: "
                                                                   f"back to '{readable(e.field, e.old, country)[:80]}'" for e in restorable if e.id == i))
                go = st.form_submit_button("Restore")
            if go:
                try:
                    record = store.restore(user, entry_id, expected_version=store.assessment(iso, element).version)
                except (StaleVersion, PermissionDenied, ValidationFailed, KeyError) as exc:
                    st.error(f"Not restored: {_ui.md(exc)}")
                else:
                    st.success(f"Restored; {element} is now version {record.version}.")
                    st.rerun()

with diff_tab:
    c1, c2 = st.columns(2)
    since = c1.date_input("From", value=dt.date.today() - dt.timedelta(days=30), format="YYYY-MM-DD")
    until = c2.date_input("To (inclusive)", value=dt.date.today(), format="YYYY-MM-DD")
    start = dt.datetime.combine(since, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(until, dt.time.max, tzinfo=dt.UTC)
    diff = store.diff(iso, start, end)
    if not diff:
        _ui.empty("Nothing changed in this country between these dates.")
    else:
        for c in changes_in_words(catalog, country, diff):
            with st.container(border=True):
                st.markdown(f"**{_ui.md(c.what)}** · {_ui.md(c.field)} · by {_ui.md(', '.join(c.users))}" + (f" ({c.changes} saves)" if c.changes > 1 else ""))
                old, new = st.columns(2)
                old.caption("Before")
                old.markdown(_ui.md(c.old))
                new.caption("After")
                new.markdown(_ui.md(c.new))
