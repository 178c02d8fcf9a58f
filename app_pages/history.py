"""History: every change to an element (who, when, old -> new, from where), restore of an earlier value, and
what changed in a country between two dates."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from app_pages import _auth, _data, _ui
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

element_tab, diff_tab = st.tabs(["One element", "Changes between two dates"])

with element_tab:
    assessed = [a.element for a in catalog.countries[iso].assessments] or sorted(catalog.elements)
    element = _ui.choose("Element", assessed, "element", assessed[0])
    entries = store.history(iso, element)
    if not entries:
        _ui.empty("No change has been saved for this element since the data was loaded.")
    else:
        st.dataframe(
            pd.DataFrame([{"when (UTC)": f"{e.at:%Y-%m-%d %H:%M:%S}", "who": e.user, "from": e.source, "field": e.field, "old": e.old, "new": e.new, "entry": e.id} for e in entries]),
            hide_index=True, width="stretch",
        )
        restorable = [e for e in entries if e.field in ("findings", "judgment", "note")]
        if restorable and user.can_edit(iso):
            with st.form("restore"):
                entry_id = st.selectbox("Restore the value a field had before entry", [e.id for e in restorable],
                                        format_func=lambda i: next(f"#{e.id} {e.field} changed by {e.user} at {e.at:%Y-%m-%d %H:%M}" for e in restorable if e.id == i))
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
        st.dataframe(pd.DataFrame(diff), hide_index=True, width="stretch")
