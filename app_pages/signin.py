"""Sign in / sign out. Passwords are checked against argon2 hashes in the database; a session lasts 8 hours and
survives a reload (its token is kept in a cookie), unless the person signs out or an admin ends it."""

from __future__ import annotations

import streamlit as st

from app_pages import _auth, _ui
from app_pages._ui import t
from assessment.vocab import ROLE_NAME

st.title(t("Sign in") if _auth.current_user() is None else t("Your account"))
notice = st.session_state.pop(_auth.NOTICE, None)
if notice:
    st.warning(notice)

user = _auth.current_user()
if user is not None:
    editing = ", ".join(sorted(user.countries)) if user.countries and user.role.value == "editor" else ""
    st.success(
        t("Signed in as {name} ({role})").format(name=_ui.md(user.name), role=t(ROLE_NAME[user.role]))
        + (t(", may edit {countries}").format(countries=editing) if editing else "")
    )
    if st.button(t("Sign out")):
        _auth.sign_out()
        st.rerun()
    st.stop()

st.caption(
    t("Aides can read every page without signing in; they see the approved assessments. Policy staff sign in to edit.")
)
_auth.sign_in_form()
