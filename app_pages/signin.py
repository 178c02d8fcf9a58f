"""Sign in / sign out. Passwords are checked against argon2 hashes in the database; a session lasts 8 hours."""

from __future__ import annotations

import streamlit as st

from app_pages import _auth, _ui
from assessment.store import SignInLocked

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
with st.form("sign_in"):
    name = st.text_input("User name", autocomplete="username")
    password = st.text_input("Password", type="password", autocomplete="current-password")
    submitted = st.form_submit_button("Sign in", type="primary")
if submitted:
    try:
        signed_in = _auth.sign_in(name, password)
    except SignInLocked as exc:
        st.error(f"Sign-in is locked for a while: {_ui.md(exc)}.")
    else:
        if signed_in is None:
            st.error("That user name and password do not match.")
        else:
            st.rerun()
if _auth.sso_configured():
    st.divider()
    if st.button("Sign in with your organisation's account"):
        st.login()
