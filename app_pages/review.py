"""Review: a country goes draft -> in review -> approved; approving publishes what aides see. The reviewer sees
every change since the last approval in words (element, old -> new, who, when) before deciding."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from app_pages import _auth, _data, _ui
from app_pages._ui import nt, says, t
from assessment.changes import changes_in_words
from assessment.store import PermissionDenied, ValidationFailed
from assessment.i18n import N_
from assessment.vocab import REVIEW_LABEL, ReviewState, local_time

user = _auth.require_staff()
ws = _data.workspace()
store = _data.store()
DONE = "_review_done"
lang = _ui.lang()
names_in = _data.content(ws, lang)

st.title(t("Review"))
st.caption(t("Aides see the last approved version of each country. An edit makes a country a draft; an editor submits it; a reviewer approves "
             "it or sends it back."))
done = st.session_state.pop(DONE, None)
if done:
    st.success(t(done[0]).format(**done[1]))

ORDER = {ReviewState.in_review.value: 0, ReviewState.draft.value: 1, ReviewState.approved.value: 2}
rows = []
for iso in store.country_codes():
    last = store.latest_change(iso)
    state = store.review_state(iso)
    name = _data.country_names(ws).get(iso, iso)
    if iso in ws.catalog.countries and lang != "en":
        name = names_in.country_name(ws.catalog.countries[iso])
    rows.append({"country": iso, "name": name, "state": t(REVIEW_LABEL[ReviewState(state)]), "_order": ORDER[state],
                 "last change": t("{at} by {user}").format(at=local_time(last.at), user=last.user) if last else ""})
rows.sort(key=lambda r: (r["_order"], r["country"]))  # waiting for review first
waiting = sum(r["_order"] == 0 for r in rows)
st.markdown(nt("**{n} country waiting for review.**", "**{n} countries waiting for review.**", waiting).format(n=waiting) if waiting
            else t("Nothing is waiting for review."))
st.dataframe(pd.DataFrame(rows).drop(columns="_order"), hide_index=True, width="stretch",
             column_config={"country": t("Code"), "name": t("Country"), "state": t("Review state"), "last change": t("Last change")})

names = {r["country"]: f"{r['name']} ({r['country']}) · {r['state']}" for r in rows}  # the state is translated above
codes = [r["country"] for r in rows]
iso = _ui.choose(t("Country"), codes, "iso", codes[0], format_func=names.get)  # first waiting by default; ?iso= links one
state = store.review_state(iso)
country = ws.catalog.countries.get(iso)
since = store.last_approved_at(iso) or dt.datetime.min.replace(tzinfo=dt.UTC)
changes = changes_in_words(ws.catalog, country, store.diff(iso, since, dt.datetime.now(dt.UTC)), lang)

approved_at = store.last_approved_at(iso)
st.subheader(t("What changed since the last approval ({since})").format(since=local_time(approved_at)) if approved_at
             else t("What changed since the data was loaded (never approved)"))
if not changes:
    _ui.empty(t("Nothing changed since the last approval."))
for c in changes:
    with st.container(border=True):
        st.markdown(t("**{what}** · {field} · by {users}").format(what=_ui.md(c.what), field=_ui.md(c.field), users=_ui.md(", ".join(c.users)))
                    + (t(" at {at}").format(at=local_time(c.at)) if c.at else "") + (t(" ({n} saves)").format(n=c.changes) if c.changes > 1 else ""))
        old, new = st.columns(2)
        old.caption(t("Before"))
        old.markdown(_ui.md(c.old))
        new.caption(t("After"))
        new.markdown(_ui.md(c.new))

comment = st.text_area(t("Comment (recorded with the step; needed to send back)"), key=f"review_comment_{iso}")
c1, c2, c3 = st.columns(3)
try:
    if state == ReviewState.draft and user.can_edit(iso) and c1.button(t("Submit for review"), type="primary"):
        store.submit_for_review(user, iso, comment=comment.strip() or None)
        st.session_state[DONE] = (N_("{iso} was submitted for review."), {"iso": iso})
        st.rerun()
    if state == ReviewState.in_review and user.can_review():
        if c2.button(t("Approve and publish"), type="primary"):
            store.approve(user, iso, comment=comment.strip() or None)
            st.session_state[DONE] = (N_("Approved: aides now see {iso} as it stands ({n} change(s) published)."), {"iso": iso, "n": len(changes)})
            st.rerun()
        if c3.button(t("Send back to draft")):
            if not comment.strip():
                st.error(t("Say what needs to change: a comment is needed to send it back."))
            else:
                store.send_back(user, iso, comment=comment.strip())
                st.session_state[DONE] = (N_("{iso} was sent back to draft with your comment."), {"iso": iso})
                st.rerun()
except (PermissionDenied, ValidationFailed) as exc:
    st.error(says(exc))
if state == ReviewState.in_review and not user.can_review():
    st.info(t("Waiting for a reviewer."))

comments = [e for e in store.history(iso, "country") if e.field == "review_comment"][-5:]
if comments:
    st.subheader(t("Recent review comments"))
    for e in reversed(comments):
        st.markdown(f"- {local_time(e.at)}, {_ui.md(e.user)}: {_ui.md(e.new)}")

st.subheader(t("Law changed since it was read"))
to_review = {iso3: _data.law_review(ws, iso3) for iso3 in store.country_codes()}
if all(v is None for v in to_review.values()):
    st.caption(t("Set ASSESSMENT_LAWTEXT_DIR to a folder of consolidated statutes (kr/<title>/법률.md) to watch the law for changes."))
else:
    changed = [
        {"country": iso3, "element": element, "provision": c.citation, "changed on": c.changed_on, "what changed": c.reason}
        for iso3, elements in to_review.items() for element, law in (elements or {}).items() for c in law
    ]
    if changed:
        st.warning(t("{n} assessment(s) rest on law that changed after it was read: review them and update the provision's text record.").format(
            n=len(changed)))
        st.dataframe(pd.DataFrame(changed), hide_index=True, width="stretch",
                     column_config={"country": t("Country"), "element": t("Element"), "provision": t("Provision"), "changed on": t("Changed on"),
                                    "what changed": t("What changed")})
    else:
        st.success(t("Every pinned provision reads as it did when it was assessed."))
