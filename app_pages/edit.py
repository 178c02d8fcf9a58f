"""Edit: policy staff assess a country's elements (findings, judgments, notes) and its provisions and bills.

Every save goes to the database at once, based on the version the form was opened with: if someone saved in
between, nothing is written, the typed input stays in the form, and both versions are shown side by side.
What the form values mean and what a save does is `assessment.editing`; this page only renders."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app_pages import _auth, _data, _forms, _ui
from app_pages._ui import t
from assessment import editing
from assessment.changes import element_label, provision_titles, source_titles
from assessment.vocab import DRAFT_MARK, article_label

user = _auth.require_staff()
ws = _data.workspace()
catalog = ws.catalog
store = _data.store()
today = dt.date.today()
lang = _ui.lang()
content = _data.content(ws, lang)

st.title(t("Edit an assessment"))
editable = [iso for iso in sorted(catalog.countries) if user.can_edit(iso)]
if not editable:
    _ui.empty(
        t("{name} may not edit any country. An admin can add countries to your account (page 'Users').").format(
            name=_ui.md(user.name)
        )
    )
    st.stop()

c1, c2 = st.columns(2)
iso = _ui.choose_country(catalog, editable, where=c1)
treaty_id = _ui.choose_treaty(catalog, where=c2)
country = catalog.countries[iso]

# Someone else changed this country since this browser opened it: say so (values below are re-read each run).
desk = editing.open_country(store, iso, user, st.session_state.get(f"_marker_{iso}"))
st.session_state[f"_marker_{iso}"] = desk.seen
_forms.country_news(desk, content.country_name(country))

law_changed = _data.law_review(ws, iso) or {}  # element -> changes of the law it rests on (ASSESSMENT_LAWTEXT_DIR)
source_ids = [s.id for s in country.sources]
# Pickers show citations and titles; the table holds those labels and they are mapped back to ids on save.
provision_label, source_label = provision_titles(country), source_titles(country)
published = _data.published_workspace().catalog.countries.get(iso)
approved = {a.element: a for a in published.assessments} if published is not None else {}
elements_tab, provisions_tab = st.tabs([t("Elements"), t("Provisions and bills")])


def element_form(element_id: str, status_now: str) -> None:
    key, panel_key = f"edit_{iso}_{element_id}", f"_panel_{iso}_{element_id}"
    view = editing.open_element(store, iso, element_id, st.session_state.get(panel_key), approved.get(element_id), lang)
    st.session_state[panel_key] = panel = view.panel
    changed = law_changed.get(element_id, [])
    label = (
        element_label(catalog, element_id, status_now, lang)
        + (t(" · the law changed: review") if changed else "")
        + (f" · {t(DRAFT_MARK)}" if view.draft else "")
        + (t(" · saved") if panel.saved else "")
        + (t(" · changed by someone else since you opened it") if view.stale else "")
    )
    # A key keeps the panel as the person left it when its label changes (another person's judgment changes the
    # status in it); without one, Streamlit redraws a relabelled panel closed, hiding the comparison inside it.
    with st.expander(label, expanded=view.expanded, key=f"{key}_panel"):
        st.markdown(_ui.md(content.element(element_id)))
        for change in changed:
            st.warning(_ui.says(change.message))
        _forms.panel_notes(view, panel)
        if view.stale:
            _forms.conflict_panel(view.record, key, panel)
        hooks = [h.id for h in catalog.hooks.values() if element_id in h.elements]
        submitted, mine = _forms.element_fields(view.record, key, hooks, source_ids, provision_label, source_label)
        if submitted:
            outcome = editing.submit_element(store, user, iso, element_id, mine, panel, lang)
            if outcome.refusal is None:
                st.rerun()  # shows what was saved, or their version beside mine (the typed input stays in the form)
            st.error(outcome.refusal.text(lang, _ui.md))


with elements_tab:
    obligations = [o for o in catalog.treaty(treaty_id).obligations() if o.elements]
    obligation_id = _ui.choose(
        t("Obligation"),
        [o.id for o in obligations],
        "obligation",
        obligations[0].id,
        format_func=lambda o: f"{article_label(catalog.obligations[o].article, lang)} {content.obligation_title(o)}",
    )
    status_now = dict(zip(*(_data.score(ws, iso, treaty_id, today).elements[c].astype(str) for c in ("id", "status"))))
    st.caption(
        t("Status today follows from the saved findings and judgments (law in force only). Open an element to edit it.")
    )
    for e in catalog.obligations[obligation_id].elements:
        element_form(e.id, status_now.get(e.id, "unknown"))


with provisions_tab:
    _forms.provisions_tab(store, user, iso, today, source_ids, provision_label, source_label)
