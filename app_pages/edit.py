"""Edit: policy staff assess a country's elements (findings, judgments, notes) and its provisions and bills.

Every save goes to the database at once, based on the version the form was opened with: if someone saved in
between, nothing is written, the typed input stays in the form, and both versions are shown side by side.
What the form values mean is `assessment.editing`; this page only renders."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from app_pages import _auth, _data, _forms, _ui
from assessment import editing
from assessment.models import Extent
from assessment.store import PermissionDenied, StaleVersion, ValidationFailed

user = _auth.require_staff()
ws = _data.workspace()
catalog = ws.catalog
store = _data.store()
today = dt.date.today()

st.title("Edit an assessment")
editable = [iso for iso in sorted(catalog.countries) if user.can_edit(iso)]
if not editable:
    _ui.empty(f"{user.name} may not edit any country. An admin can add countries to your account (page 'Users').")
    st.stop()

c1, c2 = st.columns(2)
iso = _ui.choose_country(catalog, editable, where=c1)
treaty_id = _ui.choose_treaty(catalog, where=c2)
country = catalog.countries[iso]

# Someone else changed this country since this browser opened it: say so (values below are re-read each run).
marker_key = f"_marker_{iso}"
latest = store.latest_change(iso)
if latest is not None:
    if latest.id != st.session_state.setdefault(marker_key, latest.id) and latest.user != user.name:
        st.info(f"{_ui.md(latest.user)} changed {_ui.md(country.name)} at {latest.at:%H:%M} UTC "
                f"({_ui.md(latest.record)}). Saved values below are current; your unsaved input is kept.")
    st.session_state[marker_key] = latest.id
st.caption(f"Review state: **{store.review_state(iso)}**. Saving makes the country a draft again until a reviewer approves it.")

law_changed = _data.law_review(ws, iso) or {}  # element -> changes of the law it rests on (ASSESSMENT_LAWTEXT_DIR)
provision_ids = [p.id for p in country.provisions]
source_ids = [s.id for s in country.sources]
elements_tab, provisions_tab = st.tabs(["Elements", "Provisions and bills"])


def element_form(element_id: str, status_now: str) -> None:
    record = store.assessment(iso, element_id)
    key, base_key, saved_key = f"edit_{iso}_{element_id}", f"_base_{iso}_{element_id}", f"_saved_{iso}_{element_id}"
    base = st.session_state.setdefault(base_key, record.version)
    saved = st.session_state.get(saved_key)
    changed = law_changed.get(element_id, [])
    with st.expander(f"{element_id} · {status_now}" + (" · the law changed: review" if changed else "") + (" · saved" if saved else ""),
                     expanded=bool(st.session_state.get(f"_open_{key}"))):
        st.markdown(_ui.md(catalog.elements[element_id].text))
        for change in changed:
            st.warning(_ui.md(change.message))
        st.caption(_ui.md(editing.version_text(record)))
        if saved:
            st.success(f"Saved at {saved}", icon=":material/check:")
        if record.version != base:
            _forms.conflict_panel(record, key, base_key)
        hooks = [h.id for h in catalog.hooks.values() if element_id in h.elements]
        j = record.judgment
        with st.form(key):
            frame = st.data_editor(
                pd.DataFrame(editing.finding_rows(record), columns=list(editing.FINDING_COLUMNS)), key=f"{key}_findings",
                num_rows="dynamic", width="stretch",
                column_config={
                    "provision": st.column_config.SelectboxColumn("Provision", options=provision_ids, required=True),
                    "extent": st.column_config.SelectboxColumn("Satisfies the element", options=[e.value for e in Extent], required=True),
                    "note": st.column_config.TextColumn("Why (your words)"),
                    "source": st.column_config.SelectboxColumn("Source (default: the provision's)", options=["", *source_ids]),
                    "verified": st.column_config.CheckboxColumn("Read in a primary text"),
                },
            )
            status = st.selectbox("Judgment (overrides the findings)", editing.JUDGMENT_CHOICES, key=f"{key}_status",
                                  index=editing.JUDGMENT_CHOICES.index(editing.judgment_choice(record)),
                                  help="missing: a cited provision does not do the job; not_applicable needs a reason; reserved only under a reservation the treaty allows.")
            reason = st.text_area("Reason for the judgment", value=j.reason if j else "", key=f"{key}_reason")
            cols = st.columns(3)
            hook = _forms.pick("Reservation or declaration (for 'reserved')", ["", *hooks], j and j.hook, f"{key}_hook", cols[0])
            jsource = _forms.pick("Source of the judgment", ["", *source_ids], j and j.source, f"{key}_jsource", cols[1])
            jverified = cols[2].checkbox("Judgment verified", value=bool(j and j.verified), key=f"{key}_jverified")
            note = st.text_area("Note", value=record.note or "", key=f"{key}_note")
            submitted = st.form_submit_button("Save", type="primary")
        if submitted:
            st.session_state[f"_open_{key}"] = True
            try:
                new = editing.save_element(store, user, iso, element_id, rows=frame.to_dict("records"), status=status, reason=reason,
                                           hook=hook, source=jsource, verified=jverified, note=note, expected_version=st.session_state[base_key])
            except StaleVersion:
                st.rerun()  # shows the side-by-side comparison; the typed input stays in the form
            except ValidationFailed as exc:
                st.error("Not saved. Please fix: " + "; ".join(_ui.md(m) for m in exc.messages))
            except PermissionDenied as exc:
                st.error(f"Not saved: {_ui.md(exc)}")
            except ValueError as exc:
                st.error("Not saved. Please fix: " + _ui.md(editing.error_text(exc)))
            else:
                st.session_state[base_key] = new.version
                st.session_state[saved_key] = f"{new.updated_at:%H:%M:%S} UTC (version {new.version})"
                st.session_state[marker_key] = store.latest_change(iso).id
                st.rerun()


with elements_tab:
    obligations = [o for o in catalog.treaty(treaty_id).obligations() if o.elements]
    obligation_id = _ui.choose("Obligation", [o.id for o in obligations], "obligation", obligations[0].id,
                               format_func=lambda o: f"Art. {catalog.obligations[o].article} {catalog.obligations[o].title}")
    status_now = dict(zip(*(_data.score(ws, iso, treaty_id, today).elements[c].astype(str) for c in ("id", "status"))))
    st.caption("Status today follows from the saved findings and judgments (law in force only). Open an element to edit it.")
    for e in catalog.obligations[obligation_id].elements:
        element_form(e.id, status_now.get(e.id, "unknown"))


with provisions_tab:
    records = store.provisions(iso)
    st.dataframe(pd.DataFrame([{"id": r.provision.id, "citation": r.provision.citation, "stage today": r.provision.lifecycle.stage_at(today).value,
                                "verified": r.provision.verified, "version": r.version} for r in records]), hide_index=True, width="stretch")
    choice = st.selectbox("Change a provision or bill (e.g. record that it came into force)", ["", *[r.provision.id for r in records]])
    if choice:
        _forms.provision_form(store, user, iso, source_ids, next(r for r in records if r.provision.id == choice), f"prov_{iso}_{choice}")
    with st.expander("Add a provision or bill"):
        _forms.provision_form(store, user, iso, source_ids, None, f"prov_{iso}_new")
