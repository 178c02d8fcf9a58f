"""Review: a country goes draft -> in review -> approved; approving publishes what aides see."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import _auth, _data, _ui
from assessment.store import PermissionDenied, ValidationFailed
from assessment.vocab import ReviewState

user = _auth.require_staff()
ws = _data.workspace()
store = _data.store()

st.title("Review")
st.caption("Aides see the last approved version of each country. An edit makes a country a draft; an editor submits it; a reviewer approves it or sends it back.")
rows = []
for iso in store.country_codes():
    last = store.latest_change(iso)
    rows.append({"country": iso, "state": store.review_state(iso), "last change": f"{last.at:%Y-%m-%d %H:%M} by {last.user}" if last else ""})
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

iso = st.selectbox("Country", [r["country"] for r in rows])
state = store.review_state(iso)
c1, c2, c3 = st.columns(3)
try:
    if state == ReviewState.draft and user.can_edit(iso) and c1.button("Submit for review", type="primary"):
        store.submit_for_review(user, iso)
        st.rerun()
    if state == ReviewState.in_review and user.can_review():
        if c2.button("Approve and publish", type="primary"):
            store.approve(user, iso)
            st.rerun()
        if c3.button("Send back to draft"):
            store.send_back(user, iso)
            st.rerun()
except (PermissionDenied, ValidationFailed) as exc:
    st.error(_ui.md(exc))
if state == ReviewState.in_review and not user.can_review():
    st.info("Waiting for a reviewer.")

st.subheader("Law changed since it was read")
to_review = {iso3: _data.law_review(ws, iso3) for iso3 in store.country_codes()}
if all(v is None for v in to_review.values()):
    st.caption("Set ASSESSMENT_LAWTEXT_DIR to a folder of consolidated statutes (kr/<title>/법률.md) to watch the law for changes.")
else:
    changed = [
        {"country": iso3, "element": element, "provision": c.citation, "changed on": c.changed_on, "what changed": c.reason}
        for iso3, elements in to_review.items() for element, changes in (elements or {}).items() for c in changes
    ]
    if changed:
        st.warning(f"{len(changed)} assessment(s) rest on law that changed after it was read: review them and update the provision's text record.")
        st.dataframe(pd.DataFrame(changed), hide_index=True, width="stretch")
    else:
        st.success("Every pinned provision reads as it did when it was assessed.")
