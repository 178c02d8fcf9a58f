"""Sign in / sign out. Passwords are checked against argon2 hashes in the database; a session lasts 8 hours and
survives a reload (its token is kept in a cookie), unless the person signs out or an admin ends it."""

from __future__ import annotations

import streamlit as st

from app_pages import _auth, _ui

st.title("Sign in")
notice = st.session_state.pop(_auth.NOTICE, None)
if notice:
    st.warning(notice)

user = _auth.current_user()
if user is not None:
    st.success(f"Signed in as {_ui.md(user.name)} ({user.role.value})" + (f", may edit {', '.join(sorted(user.countries))}" if user.countries and user.role.value == "editor" else ""))
    if st.button("Sign out"):
        _auth.sign_out()
        st.rerun()
    st.stop()

st.caption("Aides can read every page without signing in; they see the approved assessments. Policy staff sign in to edit.")
_auth.sign_in_form()
