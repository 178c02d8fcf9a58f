"""Review: a country goes draft -> in review -> approved; approving publishes what aides see. The reviewer sees
every change since the last approval in words (element, old -> new, who, when) before deciding. The queue, the
steps a user is offered and the law that changed come from assessment.review; this page renders them."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from app_pages import _auth, _data, _ui
from app_pages._ui import nt, says, t
from assessment import review
from assessment.changes import changes_in_words
from assessment.i18n import N_, say
from assessment.review import Step
from assessment.store import PermissionDenied, ValidationFailed
from assessment.vocab import REVIEW_LABEL, local_time

user = _auth.require_staff()
ws = _data.workspace()
store = _data.store()
DONE = "_review_done"
lang = _ui.lang()
names_in = _data.content(ws, lang)
#: Each step's button (label, type) and what the page says once the step is taken.
BUTTONS = {
    Step.submit: (N_("Submit for review"), "primary"),
    Step.approve: (N_("Approve and publish"), "primary"),
    Step.send_back: (N_("Send back to draft"), "secondary"),
}
TAKEN = {
    Step.submit: N_("{iso} was submitted for review."),
    Step.approve: N_("Approved: aides now see {iso} as it stands ({n} change(s) published)."),
    Step.send_back: N_("{iso} was sent back to draft with your comment."),
}

st.title(t("Review"))
st.caption(
    t(
        "Aides see the last approved version of each country. An edit makes a country a draft; an editor submits it; a reviewer approves "
        "it or sends it back."
    )
)
done = st.session_state.pop(DONE, None)
if done:
    st.success(t(done[0]).format(**done[1]))


def country_name(iso: str) -> str:
    if iso in ws.catalog.countries and lang != "en":
        return names_in.country_name(ws.catalog.countries[iso])
    return _data.country_names(ws).get(iso, iso)


queue = review.review_queue(store.review_overview())  # waiting for review first
rows = [
    {
        "country": c.iso3,
        "name": country_name(c.iso3),
        "state": t(REVIEW_LABEL[c.state]),
        "last change": t("{at} by {user}").format(at=local_time(c.last_change_at), user=c.last_change_by)
        if c.last_change_at
        else "",
    }
    for c in queue.countries
]
st.markdown(
    nt("**{n} country waiting for review.**", "**{n} countries waiting for review.**", queue.waiting).format(
        n=queue.waiting
    )
    if queue.waiting
    else t("Nothing is waiting for review.")
)
st.dataframe(
    pd.DataFrame(rows),
    hide_index=True,
    width="stretch",
    column_config={
        "country": t("Code"),
        "name": t("Country"),
        "state": t("Review state"),
        "last change": t("Last change"),
    },
)

names = {r["country"]: f"{r['name']} ({r['country']}) · {r['state']}" for r in rows}  # the state is translated above
codes = [r["country"] for r in rows]
iso = _ui.choose(
    t("Country"), codes, "iso", codes[0], format_func=names.get
)  # first waiting by default; ?iso= links one
entry = queue.get(iso)
country = ws.catalog.countries.get(iso)
since = entry.last_approved_at or dt.datetime.min.replace(tzinfo=dt.UTC)
changes = changes_in_words(ws.catalog, country, store.diff(iso, since, dt.datetime.now(dt.UTC)), lang)

st.subheader(
    t("What changed since the last approval ({since})").format(since=local_time(entry.last_approved_at))
    if entry.last_approved_at
    else t("What changed since the data was loaded (never approved)")
)
if not changes:
    _ui.empty(t("Nothing changed since the last approval."))
for c in changes:
    with st.container(border=True):
        st.markdown(
            t("**{what}** · {field} · by {users}").format(
                what=_ui.md(c.what), field=_ui.md(c.field), users=_ui.md(", ".join(c.users))
            )
            + (t(" at {at}").format(at=local_time(c.at)) if c.at else "")
            + (t(" ({n} saves)").format(n=c.changes) if c.changes > 1 else "")
        )
        old, new = st.columns(2)
        old.caption(t("Before"))
        old.markdown(_ui.md(c.old))
        new.caption(t("After"))
        new.markdown(_ui.md(c.new))

comment = st.text_area(t("Comment (recorded with the step; needed to send back)"), key=f"review_comment_{iso}")
offered = review.offer(user, iso, entry.state)
columns = dict(zip(Step, st.columns(len(Step))))  # each step keeps its place
try:
    for step in offered.steps:
        label, kind = BUTTONS[step]
        if not columns[step].button(t(label), type=kind):
            continue
        if review.RULES[step].asks_comment and not comment.strip():
            st.error(t("Say what needs to change: a comment is needed to send it back."))
            continue
        store.take_step(user, step, iso, comment=comment.strip() or None)
        st.session_state[DONE] = (TAKEN[step], {"iso": iso, "n": len(changes)})
        st.rerun()
except (PermissionDenied, ValidationFailed) as exc:
    st.error(says(exc))
if offered.waiting_for_reviewer:
    st.info(t("Waiting for a reviewer."))

comments = [e for e in store.history(iso, "country") if e.field == "review_comment"][-5:]
if comments:
    st.subheader(t("Recent review comments"))
    for e in reversed(comments):
        st.markdown(f"- {local_time(e.at)}, {_ui.md(e.user)}: {_ui.md(e.new)}")

st.subheader(t("Law changed since it was read"))
to_review = review.law_to_review({code: _data.law_review(ws, code) for code in sorted(codes)})
if to_review is None:
    st.caption(
        t(
            "Set ASSESSMENT_LAWTEXT_DIR to a folder of consolidated statutes (kr/<title>/법률.md) to watch the law for changes."
        )
    )
elif to_review:
    st.warning(
        t(
            "{n} assessment(s) rest on law that changed after it was read: review them and update the provision's text record."
        ).format(n=len(to_review))
    )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "country": r.country,
                    "element": r.element,
                    "provision": r.provision,
                    "changed on": r.changed_on,
                    "what changed": say(r.what_changed, lang),
                }
                for r in to_review
            ]
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "country": t("Country"),
            "element": t("Element"),
            "provision": t("Provision"),
            "changed on": t("Changed on"),
            "what changed": t("What changed"),
        },
    )
else:
    st.success(t("Every pinned provision reads as it did when it was assessed."))
