"""Edit: policy staff assess a country's elements (findings, judgments, notes) and its provisions and bills.

Every save goes to the database at once, based on the version the form was opened with: if someone saved in
between, nothing is written, the typed input stays in the form, and both versions are shown side by side.
What the form values mean is `assessment.editing`; this page only renders."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from app_pages import _auth, _data, _forms, _ui
from app_pages._ui import says, t
from assessment import editing
from assessment.vocab import article_label
from assessment.changes import element_label, provision_titles, source_titles
from assessment.models import Extent
from assessment.store import PermissionDenied, StaleVersion, ValidationFailed
from assessment.vocab import DRAFT_MARK, LIFECYCLE_LABEL, REVIEW_LABEL, ReviewState, local_time

user = _auth.require_staff()
ws = _data.workspace()
catalog = ws.catalog
store = _data.store()
today = dt.date.today()
lang = _ui.lang()
content = _data.content(ws, lang)
# Words the pickers' format functions show, fixed now: Streamlit (and AppTest) may call those outside this run.
NONE, PICK_ONE = t("(none)"), t("— pick one —")

st.title(t("Edit an assessment"))
editable = [iso for iso in sorted(catalog.countries) if user.can_edit(iso)]
if not editable:
    _ui.empty(t("{name} may not edit any country. An admin can add countries to your account (page 'Users').").format(name=_ui.md(user.name)))
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
        st.info(t("{user} changed {country} at {at} ({record}). Saved values below are current; your unsaved input is kept.").format(
            user=_ui.md(latest.user), country=_ui.md(content.country_name(country)), at=local_time(latest.at), record=_ui.md(latest.record)))
    st.session_state[marker_key] = latest.id
review_state = store.review_state(iso)
st.caption(t("Review state: **{state}**. Saving makes the country a draft again until a reviewer approves it.").format(
    state=review_state if lang == "en" else t(REVIEW_LABEL[ReviewState(review_state)])))

law_changed = _data.law_review(ws, iso) or {}  # element -> changes of the law it rests on (ASSESSMENT_LAWTEXT_DIR)
provision_ids = [p.id for p in country.provisions]
source_ids = [s.id for s in country.sources]
# Pickers show citations and titles; the table holds those labels and they are mapped back to ids on save.
provision_label, source_label = provision_titles(country), source_titles(country)
provision_id = {v: k for k, v in provision_label.items()}
source_id = {v: k for k, v in source_label.items()}
published = _data.published_workspace().catalog.countries.get(iso)
approved = {a.element: a for a in published.assessments} if published is not None else {}
elements_tab, provisions_tab = st.tabs([t("Elements"), t("Provisions and bills")])


def element_form(element_id: str, status_now: str) -> None:
    record = store.assessment(iso, element_id)
    key, base_key, saved_key = f"edit_{iso}_{element_id}", f"_base_{iso}_{element_id}", f"_saved_{iso}_{element_id}"
    base = st.session_state.setdefault(base_key, record.version)
    saved = st.session_state.get(saved_key)
    draft = editing.draft_of(record, approved.get(element_id), lang)
    changed = law_changed.get(element_id, [])
    stale = record.version != base  # someone saved it since this form was opened: compare before saving
    label = (element_label(catalog, element_id, status_now, lang) + (t(" · the law changed: review") if changed else "")
             + (f" · {t(DRAFT_MARK)}" if draft else "") + (t(" · saved") if saved else "")
             + (t(" · changed by someone else since you opened it") if stale else ""))
    # A key keeps the panel as the person left it when its label changes (another person's judgment changes the
    # status in it); without one, Streamlit redraws a relabelled panel closed, hiding the comparison inside it.
    with st.expander(label, expanded=bool(st.session_state.get(f"_open_{key}")) or stale, key=f"{key}_panel"):
        st.markdown(_ui.md(content.element(element_id)))
        for change in changed:
            st.warning(_ui.md(change.message))
        st.caption(_ui.md(editing.version_text(record, lang)))
        if draft:
            st.warning(t("**{mark}.** Approved: {approved}").format(mark=_ui.md(t(DRAFT_MARK).capitalize()), approved=_ui.md(draft)))
        if saved:
            at, version = saved
            st.success(t("Saved at {at} (version {version})").format(at=local_time(at, seconds=True), version=version), icon=":material/check:")
        if st.session_state.pop(f"_same_{key}", None):
            st.info(t("Nothing changed, so no new version was written."))
        if stale:
            _forms.conflict_panel(record, key, base_key)
        hooks = [h.id for h in catalog.hooks.values() if element_id in h.elements]
        j = record.judgment
        with st.form(key):
            frame = st.data_editor(
                pd.DataFrame(editing.label_rows(editing.finding_rows(record), provision_label, source_label), columns=list(editing.FINDING_COLUMNS)),
                key=f"{key}_findings",
                num_rows="dynamic", width="stretch",
                column_config={
                    "provision": st.column_config.SelectboxColumn(t("Provision"), options=list(provision_label.values()), required=True),
                    "extent": st.column_config.SelectboxColumn(t("Satisfies the element"), options=[e.value for e in Extent],
                                                               required=True),
                    "note": st.column_config.TextColumn(t("Why (your words)")),
                    "source": st.column_config.SelectboxColumn(t("Source (default: the provision's)"), options=["", *source_label.values()]),
                    "verified": st.column_config.CheckboxColumn(t("Read in a primary text")),
                },
            )
            status = st.selectbox(t("Judgment (overrides the findings)"), editing.JUDGMENT_CHOICES, key=f"{key}_status",
                                  index=editing.JUDGMENT_CHOICES.index(editing.judgment_choice(record)),
                                  format_func=lambda c: editing.judgment_choice_label(c, lang),
                                  help=t("missing: a cited provision does not do the job; not_applicable needs a reason; reserved only under a "
                                         "reservation the treaty allows."))
            reason = st.text_area(t(editing.REASON_FIELD), value=j.reason if j else "", key=f"{key}_reason",
                                  help=t("Needed whenever a judgment overrides the findings."))
            cols = st.columns(3)
            hook = _forms.pick(t("Reservation or declaration (for 'reserved')"), ["", *hooks], j and j.hook, f"{key}_hook", cols[0])
            jsource = _forms.pick(t("Source of the judgment"), ["", *source_ids], j and j.source, f"{key}_jsource", cols[1],
                                  format_func=lambda i: source_label.get(i, i) if i else NONE)
            jverified = cols[2].checkbox(t("Judgment verified"), value=bool(j and j.verified), key=f"{key}_jverified")
            note = st.text_area(t("Note"), value=record.note or "", key=f"{key}_note")
            submitted = st.form_submit_button(t("Save"), type="primary")
        if submitted:
            st.session_state[f"_open_{key}"] = True
            try:
                rows = editing.id_rows(frame.to_dict("records"), provision_id, source_id)
                new = editing.save_element(store, user, iso, element_id, rows=rows, status=status, reason=reason,
                                           hook=hook, source=jsource, verified=jverified, note=note, expected_version=st.session_state[base_key])
            except StaleVersion:
                st.rerun()  # shows the side-by-side comparison; the typed input stays in the form
            except ValidationFailed as exc:
                st.error(t("Not saved. Please fix: {problems}").format(problems=says(exc)))
            except PermissionDenied as exc:
                st.error(t("Not saved: {reason}").format(reason=says(exc)))
            except ValueError as exc:
                st.error(t("Not saved. Please fix: {problems}").format(problems=_ui.md(editing.error_text(exc, lang))))
            else:
                st.session_state[base_key] = new.version
                if not new.changed:
                    st.session_state[f"_same_{key}"] = True
                    st.rerun()
                st.session_state[saved_key] = (new.updated_at, new.version)
                st.session_state[marker_key] = store.latest_change(iso).id
                st.rerun()


with elements_tab:
    obligations = [o for o in catalog.treaty(treaty_id).obligations() if o.elements]
    obligation_id = _ui.choose(t("Obligation"), [o.id for o in obligations], "obligation", obligations[0].id,
                               format_func=lambda o: f"{article_label(catalog.obligations[o].article, lang)} {content.obligation_title(o)}")
    status_now = dict(zip(*(_data.score(ws, iso, treaty_id, today).elements[c].astype(str) for c in ("id", "status"))))
    st.caption(t("Status today follows from the saved findings and judgments (law in force only). Open an element to edit it."))
    for e in catalog.obligations[obligation_id].elements:
        element_form(e.id, status_now.get(e.id, "unknown"))


def stage_text(stage: str) -> str:
    return stage if lang == "en" or stage not in LIFECYCLE_LABEL else t(LIFECYCLE_LABEL[stage])


with provisions_tab:
    records = store.provisions(iso)
    st.dataframe(pd.DataFrame([{"id": r.provision.id, "citation": r.provision.citation, "stage today": stage_text(r.provision.lifecycle.stage_at(today).value),
                                "verified": r.provision.verified, "version": r.version} for r in records]), hide_index=True, width="stretch",
                 column_config={"id": t("Id"), "citation": t("Citation"), "stage today": t("Stage today"), "verified": t("Verified"),
                                "version": t("Version")})
    choice = st.selectbox(t("Change a provision or bill (e.g. record that it came into force)"), ["", *[r.provision.id for r in records]],
                          format_func=lambda i: provision_label.get(i, i) if i else PICK_ONE)
    if choice:
        _forms.provision_form(store, user, iso, source_ids, next(r for r in records if r.provision.id == choice), f"prov_{iso}_{choice}", source_label)
    with st.expander(t("Add a provision or bill")):
        _forms.provision_form(store, user, iso, source_ids, None, f"prov_{iso}_new", source_label)
