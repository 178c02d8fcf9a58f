"""Users: an admin adds accounts, changes role and countries, resets a password, disables and enables. The store
refuses anyone else; disabling ends that person's sessions at once."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import _auth, _data, _ui
from assessment.store import PermissionDenied, ValidationFailed
from assessment.vocab import ROLE_LABEL, Role

user = _auth.require_staff()
store = _data.store()
DONE = "_users_done"
st.title("Users")
try:
    users = store.users(user)
except PermissionDenied as exc:
    st.error(_ui.md(exc))
    st.stop()
done = st.session_state.pop(DONE, None)
if done:
    st.success(done)
st.dataframe(pd.DataFrame([{"name": u.name, "role": u.role.value, "may edit": ", ".join(sorted(u.countries)),
                            "state": "disabled" if u.disabled else "active"} for u in users]), hide_index=True, width="stretch")
codes = store.country_codes()
roles = [r.value for r in Role]
ROLE_HELP = "; ".join(f"{r.value}: {ROLE_LABEL[r]}" for r in Role)

st.subheader("Change a user")
by_name = {u.name: u for u in users}
name = st.selectbox("User", list(by_name), key="users_pick", format_func=lambda n: f"{n} ({by_name[n].role.value}{', disabled' if by_name[n].disabled else ''})")
if name:
    chosen = by_name[name]
    with st.form(f"change_{name}"):
        role = st.selectbox("Role", roles, index=roles.index(chosen.role.value), help=ROLE_HELP)
        countries = st.multiselect("Countries an editor may edit", codes, default=sorted(c for c in chosen.countries if c in codes))
        password = st.text_input("New password (leave empty to keep; at least 12 characters; ends their sessions)", type="password")
        changed = st.form_submit_button("Save changes", type="primary")
    if changed:
        try:
            store.update_user(user, name, role=role, countries=countries, password=password or None)
        except (ValidationFailed, PermissionDenied, KeyError) as exc:
            st.error(f"Not changed: {_ui.md(exc)}")
        else:
            st.session_state[DONE] = f"Changed {name}: {role}" + (f", may edit {', '.join(countries)}" if countries else "") + ("; password reset" if password else "") + "."
            st.rerun()
    label = "Enable this user" if chosen.disabled else "Disable this user (ends their sessions now)"
    if st.button(label, key=f"toggle_{name}"):
        try:
            store.set_disabled(user, name, not chosen.disabled)
        except (ValidationFailed, PermissionDenied, KeyError) as exc:
            st.error(f"Not changed: {_ui.md(exc)}")
        else:
            st.session_state[DONE] = f"{name} is {'enabled again' if chosen.disabled else 'disabled; their sessions ended and their writes are refused'}."
            st.rerun()

with st.form("add_user", clear_on_submit=True):
    st.subheader("Add a user")
    new_name = st.text_input("User name (for single sign-on: the person's e-mail address)")
    new_role = st.selectbox("Role", roles, help=ROLE_HELP)
    new_countries = st.multiselect("Countries an editor may edit", codes)
    new_password = st.text_input("Initial password (at least 12 characters, not all blanks)", type="password")
    submitted = st.form_submit_button("Add user", type="primary")
if submitted:
    try:
        added = store.add_user(user, new_name, new_role, new_password, new_countries)
    except (ValidationFailed, PermissionDenied, ValueError) as exc:
        st.error(f"Not added: {_ui.md(exc)}")
    else:
        st.session_state[DONE] = f"Added {added.name} ({added.role.value})."
        st.rerun()
