"""Import: bring back an edited gap report. The workbook is checked (size, zip bomb, macros), every row is
validated, and the page shows what would change, what conflicts with newer saves, and what is wrong, by sheet
and cell. Nothing is written until the user confirms; then everything is saved in one go, or nothing."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from app_pages import _auth, _data, _ui
from app_pages._ui import says, t
from assessment.excel import PlanRefused, apply_plan, read_workbook
from assessment.excel import layout as L
from assessment.store import PermissionDenied, StaleVersion, ValidationFailed

user = _auth.require_staff()
ws = _data.workspace()
store = _data.store()
lang = _ui.lang()

st.title(t("Import an edited gap report"))
st.caption(
    t(
        "Export a report from the Country or Compare page, edit the yellow columns of its Assessment sheet, "
        "then upload it here. You will see every change before anything is saved."
    )
)
upload = st.file_uploader(t("Workbook (.xlsx)"), type=["xlsx", "xlsm"], help=t("Macro-enabled workbooks are refused."))
if upload is None:
    _ui.empty(t("Choose a workbook exported by this tool."))
    st.stop()

digest = hashlib.sha256(upload.getvalue()).hexdigest()
upload.seek(0)
# Read each file once: every widget click reruns this page, and a large workbook takes seconds to read. The plan
# is read again only when the file or the database changed (its comparison with saved versions would be old).
key = (digest, store.data_version(), lang)  # a file refused as a whole is refused in the page's language
if st.session_state.get("_import_plan_key") != key:
    with st.spinner(t("Checking the workbook…")):
        st.session_state["_import_plan"] = read_workbook(
            upload, ws, store, lang
        )  # keeps the file name: a .xlsm is refused as such
    st.session_state["_import_plan_key"] = key
plan = st.session_state["_import_plan"]

if plan.errors:
    st.error(
        t(
            "The workbook was refused: {n} problem(s). Nothing was saved. Fix them in the file and upload it again."
        ).format(n=len(plan.errors))
    )
    st.dataframe(
        pd.DataFrame(
            [{"where": f"{e.sheet}!{e.cell}" if e.cell else e.sheet, "problem": e.reason} for e in plan.errors]
        ),
        hide_index=True,
        width="stretch",
        column_config={"where": t("Where"), "problem": t("Problem")},
    )
if plan.conflicts:
    st.warning(
        t(
            "{n} row(s) were edited on a copy older than what is saved now. They are not applied: "
            "compare both sides, then edit the element on the Edit page or export a fresh copy."
        ).format(n=len(plan.conflicts))
    )
    for c in plan.conflicts:
        with st.expander(t("{country} {element} (row {row})").format(country=c.country, element=c.element, row=c.row)):
            left, right = st.columns(2)
            left.markdown(t("**In your workbook**"))
            left.json(c.workbook)
            right.markdown(t("**Saved in the database**"))
            right.json(c.database)

if not plan.changes:
    if not plan.errors and not plan.conflicts:
        st.success(t("Read {n} row(s): nothing differs from what is saved.").format(n=plan.rows))
    st.stop()

st.subheader(t("{n} change(s)").format(n=len(plan.changes)))
COLUMN = {c.key: c for c in L.ASSESSMENT_COLUMNS}


def shown(field: str, value: str | None) -> str:
    """A value of the preview as a reader reads it: a status as its word, nothing as '(nothing)', never 'None'."""
    if value is None or value == "":
        return t("(nothing)")
    return L.status_text(value, lang) if field == "status" else value


st.dataframe(
    pd.DataFrame(
        [
            {
                "country": ch.country,
                "element": ch.element,
                "row": ch.row,
                "field": L.header(COLUMN[name], lang) if name in COLUMN else name,
                "old": shown(name, old),
                "new": shown(name, new),
            }
            for ch in plan.changes
            for name, (old, new) in ch.fields.items()
        ]
    ),
    hide_index=True,
    width="stretch",
    column_config={
        "country": t("Country"),
        "element": t("Element"),
        "row": t("Row"),
        "field": t("Field"),
        "old": t("Before"),
        "new": t("After"),
    },
)
if not plan.can_apply:
    st.info(t("Nothing can be saved until every problem and conflict above is resolved (all or nothing)."))
    st.stop()
if st.button(t("Save these {n} change(s)").format(n=len(plan.changes)), type="primary", key=f"apply_{digest}"):
    try:
        records = apply_plan(plan, store, user)
    except (PlanRefused, StaleVersion, PermissionDenied, ValidationFailed) as exc:
        st.error(t("Nothing was saved: {reason}").format(reason=says(exc)))
    else:
        st.success(t("Saved {n} change(s). They are in the History as source 'excel'.").format(n=len(records)))
