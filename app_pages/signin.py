"""Sign in / sign out. Passwords are checked against argon2 hashes in the database; a session lasts 8 hours."""

from __future__ import annotations

import streamlit as st

from app_pages import _auth, _ui
from app_pages._ui import t
from assessment.store import SignInLocked

st.title(t("Sign in"))
notice = st.session_state.pop(_auth.NOTICE, None)
if notice:
    st.warning(notice)

user = _auth.current_user()
if user is not None:
    editing = ", ".join(sorted(user.countries)) if user.countries and user.role.value == "editor" else ""
    st.success(t("Signed in as {name} ({role})").format(name=_ui.md(user.name), role=user.role.value)
               + (t(", may edit {countries}").format(countries=editing) if editing else ""))
    if st.button(t("Sign out")):
        _auth.sign_out()
        st.rerun()
    st.stop()

st.caption(t("Aides can read every page without signing in; they see the approved assessments. Policy staff sign in to edit."))
with st.form("sign_in"):
    name = st.text_input(t("User name"), autocomplete="username")
    password = st.text_input(t("Password"), type="password", autocomplete="current-password")
    submitted = st.form_submit_button(t("Sign in"), type="primary")
if submitted:
    try:
        signed_in = _auth.sign_in(name, password)
    except SignInLocked as exc:
        st.error(t("Sign-in is locked for a while: {reason}.").format(reason=_ui.md(exc)))
    else:
        if signed_in is None:
            st.error(t("That user name and password do not match."))
        else:
            st.rerun()
if _auth.sso_configured():
    st.divider()
    if st.button(t("Sign in with your organisation's account")):
        st.login()
