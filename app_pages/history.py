"""History: every change to an element (who, when, old -> new, from where), restore of an earlier value, and
what changed in a country between two dates."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app_pages import _auth, _data, _ui
from app_pages._ui import says, t
from assessment.changes import changes_in_words, element_label, field_label, readable
from assessment.store import PermissionDenied, StaleVersion, ValidationFailed
from assessment.vocab import audit_source_label, local_time

user = _auth.require_staff()
ws = _data.workspace()
catalog = ws.catalog
store = _data.store()
lang = _ui.lang()

st.title(t("History"))
if not catalog.countries:
    _ui.empty(t(_ui.NO_COUNTRIES))
    st.stop()
iso = _ui.choose_country(catalog)
country = catalog.countries[iso]

element_tab, diff_tab = st.tabs([t("One element"), t("Changes between two dates")])


RESTORE_CHOICE = t(
    "#{entry} {field} changed by {user} at {at}: back to '{value}'"
)  # fixed now: format functions may run later


def restore_choice(i: int) -> str:
    e = next(e for e in restorable if e.id == i)
    return RESTORE_CHOICE.format(
        entry=e.id,
        field=field_label(e.field, lang),
        user=e.user,
        at=local_time(e.at),
        value=readable(e.field, e.old, country, lang)[:80],
    )


with element_tab:
    assessed = [a.element for a in catalog.countries[iso].assessments] or sorted(catalog.elements)
    element = _ui.choose(
        t("Element"), assessed, "element", assessed[0], format_func=lambda e: element_label(catalog, e, lang=lang)
    )
    entries = store.history(iso, element)
    if not entries:
        _ui.empty(t("No change has been saved for this element since the data was loaded."))
    else:
        for e in reversed(entries):  # newest first; old -> new as words that wrap, never cut off
            with st.container(border=True):
                st.markdown(
                    t("**{at}** · {user} · from {source} · {field} · entry #{entry}").format(
                        at=local_time(e.at, seconds=True),
                        user=_ui.md(e.user),
                        source=_ui.md(audit_source_label(e.source, lang)),
                        field=_ui.md(field_label(e.field, lang)),
                        entry=e.id,
                    )
                )
                old, new = st.columns(2)
                old.caption(t("Before"))
                old.markdown(_ui.md(readable(e.field, e.old, country, lang)))
                new.caption(t("After"))
                new.markdown(_ui.md(readable(e.field, e.new, country, lang)))
        restorable = [e for e in entries if e.field in ("findings", "judgment", "note")]
        if restorable and user.can_edit(iso):
            with st.form("restore"):
                entry_id = st.selectbox(
                    t("Restore the value a field had before entry"),
                    [e.id for e in restorable],
                    format_func=restore_choice,
                    placeholder=t("Choose an option"),
                )
                go = st.form_submit_button(t("Restore"))
            if go:
                try:
                    record = store.restore(user, entry_id, expected_version=store.assessment(iso, element).version)
                except (StaleVersion, PermissionDenied, ValidationFailed, KeyError) as exc:
                    st.error(t("Not restored: {reason}").format(reason=says(exc)))
                else:
                    st.success(
                        t("Restored; {element} is now version {version}.").format(
                            element=element, version=record.version
                        )
                    )
                    st.rerun()

with diff_tab:
    c1, c2 = st.columns(2)
    since = c1.date_input(t("From"), value=dt.date.today() - dt.timedelta(days=30), format="YYYY-MM-DD")
    until = c2.date_input(t("To (inclusive)"), value=dt.date.today(), format="YYYY-MM-DD")
    start = dt.datetime.combine(since, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(until, dt.time.max, tzinfo=dt.UTC)
    diff = store.diff(iso, start, end)
    if not diff:
        _ui.empty(t("Nothing changed in this country between these dates."))
    else:
        for c in changes_in_words(catalog, country, diff, lang):
            with st.container(border=True):
                st.markdown(
                    t("**{what}** · {field} · by {users}").format(
                        what=_ui.md(c.what), field=_ui.md(c.field), users=_ui.md(", ".join(c.users))
                    )
                    + (t(" ({n} saves)").format(n=c.changes) if c.changes > 1 else "")
                )
                old, new = st.columns(2)
                old.caption(t("Before"))
                old.markdown(_ui.md(c.old))
                new.caption(t("After"))
                new.markdown(_ui.md(c.new))
