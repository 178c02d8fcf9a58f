"""Users: an admin adds accounts, changes role and countries, resets a password, disables and enables. The store
refuses anyone else; disabling ends that person's sessions at once."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import _auth, _data, _ui
from app_pages._ui import says, t
from assessment.i18n import N_
from assessment.store import PermissionDenied, ValidationFailed
from assessment.translations import territory_name
from assessment.vocab import ROLE_LABEL, Role, role_name

user = _auth.require_staff()
store = _data.store()
DONE = "_users_done"
lang = _ui.lang()
st.title(t("Users"))
try:
    users = store.users(user)
except PermissionDenied as exc:
    st.error(says(exc))
    st.stop()
done = st.session_state.pop(DONE, None)
if done:  # names are data: made inert, so a name like **x** or [x](url) shows as typed
    st.success(" ".join(t(message).format(**{k: _ui.md(v) for k, v in values.items()}) for message, values in done))


def role_text(role: str) -> str:
    """'editor' in English (the code, as the help text names it), '편집자' in Korean."""
    return role if lang == "en" else role_name(role, lang)


st.dataframe(
    pd.DataFrame(
        [
            {
                "name": u.name,
                "role": role_text(u.role.value),
                "may edit": ", ".join(sorted(u.countries)),
                "state": t("disabled") if u.disabled else t("active"),
            }
            for u in users
        ]
    ),
    hide_index=True,
    width="stretch",
    column_config={"name": t("Name"), "role": t("Role"), "may edit": t("May edit"), "state": t("Account status")},
)
codes = store.country_codes()


def country_choice(code: str) -> str:
    """'Japan (JPN)' / '일본 (JPN)': the name a person knows, with the code the store keeps."""
    name = territory_name(code, lang)
    return f"{name} ({code})" if name else code


roles = [r.value for r in Role]
ROLE_HELP = "; ".join(f"{role_text(r.value)}: {t(ROLE_LABEL[r])}" for r in Role)

st.subheader(t("Change a user"))
by_name = {u.name: u for u in users}


USER_DISABLED, USER_ACTIVE = (
    t("{name} ({role}, disabled)"),
    t("{name} ({role})"),
)  # fixed now: format functions may run later


def user_choice(n: str) -> str:
    u = by_name[n]
    return (USER_DISABLED if u.disabled else USER_ACTIVE).format(name=n, role=role_text(u.role.value))


name = st.selectbox(
    t("User"), list(by_name), key="users_pick", format_func=user_choice, placeholder=t("Choose an option")
)
if name:
    chosen = by_name[name]
    with st.form(f"change_{name}"):
        role = st.selectbox(
            t("Role"),
            roles,
            index=roles.index(chosen.role.value),
            help=ROLE_HELP,
            format_func=role_text,
            placeholder=t("Choose an option"),
        )
        countries = st.multiselect(
            t("Countries an editor may edit"),
            codes,
            default=sorted(c for c in chosen.countries if c in codes),
            placeholder=t("Choose countries"),
            format_func=country_choice,
        )
        password = st.text_input(
            t("New password (leave empty to keep; at least 12 characters; ends their sessions)"), type="password"
        )
        changed = st.form_submit_button(t("Save changes"), type="primary")
    if changed:
        try:
            store.update_user(user, name, role=role, countries=countries, password=password or None)
        except (ValidationFailed, PermissionDenied, KeyError) as exc:
            st.error(t("Not changed: {reason}").format(reason=says(exc)))
        else:
            message = {
                (False, False): N_("Changed {name}: {role}."),
                (True, False): N_("Changed {name}: {role}, may edit {countries}."),
                (False, True): N_("Changed {name}: {role}; password reset."),
                (True, True): N_("Changed {name}: {role}, may edit {countries}; password reset."),
            }[(bool(countries), bool(password))]
            st.session_state[DONE] = [
                (message, {"name": name, "role": role_text(role), "countries": ", ".join(countries)})
            ]
            st.rerun()
    label = t("Enable this user") if chosen.disabled else t("Disable this user (ends their sessions now)")
    if st.button(label, key=f"toggle_{name}"):
        try:
            store.set_disabled(user, name, not chosen.disabled)
        except (ValidationFailed, PermissionDenied, KeyError) as exc:
            st.error(t("Not changed: {reason}").format(reason=says(exc)))
        else:
            st.session_state[DONE] = [
                (
                    N_("{name} is enabled again.")
                    if chosen.disabled
                    else N_("{name} is disabled; their sessions ended and their writes are refused."),
                    {"name": name},
                )
            ]
            st.rerun()

# The form keeps what was typed until a user is added (a refused add, e.g. a short password, keeps the role too,
# so the retry adds what was meant); a new round of keys then starts it empty.
ADD_ROUND = "_users_add_round"
add_key = f"add_user_{st.session_state.setdefault(ADD_ROUND, 0)}"
with st.form(add_key):
    st.subheader(t("Add a user"))
    new_name = st.text_input(t("User name (for single sign-on: the person's e-mail address)"), key=f"{add_key}_name")
    new_role = st.selectbox(
        t("Role"),
        roles,
        help=ROLE_HELP,
        format_func=role_text,
        key=f"{add_key}_role",
        placeholder=t("Choose an option"),
    )
    new_countries = st.multiselect(
        t("Countries an editor may edit"),
        codes,
        key=f"{add_key}_countries",
        placeholder=t("Choose countries"),
        format_func=country_choice,
    )
    new_password = st.text_input(
        t("Initial password (at least 12 characters, not all blanks)"), type="password", key=f"{add_key}_password"
    )
    submitted = st.form_submit_button(t("Add user"), type="primary")
if submitted:
    try:
        added = store.add_user(user, new_name, new_role, new_password, new_countries)
    except (ValidationFailed, PermissionDenied, ValueError) as exc:
        st.error(t("Not added: {reason}").format(reason=says(exc)))
    else:
        st.session_state[DONE] = [
            (N_("Added {name} ({role})."), {"name": added.name, "role": role_text(added.role.value)})
        ]
        st.session_state[ADD_ROUND] += 1
        for typed in [k for k in st.session_state if str(k).startswith(f"{add_key}_")]:
            del st.session_state[typed]  # the password above all: nothing typed stays in the session once added
        st.rerun()
