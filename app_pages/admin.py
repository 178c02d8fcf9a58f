"""Users: an admin adds accounts and sees who may do what. The store refuses anyone else."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import _auth, _data, _ui
from assessment.store import PermissionDenied, ValidationFailed
from assessment.vocab import ROLE_LABEL, Role

user = _auth.require_staff()
store = _data.store()
st.title("Users")
try:
    users = store.users(user)
except PermissionDenied as exc:
    st.error(_ui.md(exc))
    st.stop()
st.dataframe(pd.DataFrame([{"name": u.name, "role": u.role.value, "may edit": ", ".join(sorted(u.countries))} for u in users]), hide_index=True, width="stretch")

with st.form("add_user", clear_on_submit=True):
    st.subheader("Add a user")
    name = st.text_input("User name")
    role = st.selectbox("Role", [r.value for r in Role], help="; ".join(f"{r.value}: {ROLE_LABEL[r]}" for r in Role))
    countries = st.multiselect("Countries an editor may edit", store.country_codes())
    password = st.text_input("Initial password (at least 12 characters, not all blanks)", type="password")
    submitted = st.form_submit_button("Add user", type="primary")
if submitted:
    try:
        added = store.add_user(user, name, role, password, countries)
    except (ValidationFailed, PermissionDenied, ValueError) as exc:
        st.error(f"Not added: {_ui.md(exc)}")
    else:
        st.success(f"Added {_ui.md(added.name)} ({added.role.value}).")
        st.rerun()
