"""Edit: policy staff assess a country's elements (findings, judgments, notes) and its provisions and bills.

Every save goes to the database at once, based on the version the form was opened with: if someone saved in
between, nothing is written, the typed input stays in the form, and both versions are shown side by side."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from app_pages import _auth, _data, _ui
from assessment import service
from assessment.models import Bill, Finding, Judgment, JudgmentStatus, Lifecycle, Provision
from assessment.store import AssessmentRecord, PermissionDenied, StaleVersion, ValidationFailed

FROM_FINDINGS = "(from the findings)"
NO_SOURCE = ""

user = _auth.require_staff()
ws = _data.workspace()
catalog = ws.catalog
store = service.store()
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
    seen = st.session_state.setdefault(marker_key, latest.id)
    if latest.id != seen and latest.user != user.name:
        st.info(f"{_ui.md(latest.user)} changed {_ui.md(country.name)} at {latest.at:%H:%M} UTC "
                f"({_ui.md(latest.record)}). Saved values below are current; your unsaved input is kept.")
    st.session_state[marker_key] = latest.id
st.caption(f"Review state: **{store.review_state(iso)}**. Saving makes the country a draft again until a reviewer approves it.")

provision_ids = [p.id for p in country.provisions]
source_ids = [s.id for s in country.sources]
elements_tab, provisions_tab = st.tabs(["Elements", "Provisions and bills"])


def plain(exc: ValueError) -> str:
    """A pydantic error as 'field: what is wrong' lines a non-programmer can act on."""
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'value'}: {e['msg'].removeprefix('Value error, ')}" for e in exc.errors())
    return str(exc)


def findings_frame(record: AssessmentRecord) -> pd.DataFrame:
    return pd.DataFrame(
        [{"provision": f.provision, "extent": f.extent.value, "note": f.note or "", "source": f.source or NO_SOURCE, "verified": f.verified} for f in record.findings],
        columns=["provision", "extent", "note", "source", "verified"],
    )


def findings_from(frame: pd.DataFrame) -> list[Finding]:
    out = []
    for row in frame.to_dict("records"):
        if not row.get("provision"):
            continue
        out.append(Finding(provision=row["provision"], extent=row.get("extent") or "full", note=(row.get("note") or None),
                           source=(row.get("source") or None), verified=bool(row.get("verified"))))
    return out


def describe(record: AssessmentRecord) -> str:
    parts = [f"{f.provision} ({f.extent.value})" for f in record.findings]
    if record.judgment:
        parts.append(f"judgment: {record.judgment.status.value} — {record.judgment.reason}")
    if record.note:
        parts.append(f"note: {record.note}")
    return "; ".join(parts) or "nothing recorded"


def forget_form(key: str) -> None:
    for k in [k for k in st.session_state if str(k).startswith(key)]:
        del st.session_state[k]


def element_form(element_id: str, status_now: str) -> None:
    element = catalog.elements[element_id]
    record = store.assessment(iso, element_id)
    key = f"edit_{iso}_{element_id}"
    base_key = f"_base_{iso}_{element_id}"
    base = st.session_state.setdefault(base_key, record.version)
    saved = st.session_state.get(f"_saved_{iso}_{element_id}")
    label = f"{element_id} · {status_now}" + (" · saved" if saved else "")
    with st.expander(label, expanded=bool(st.session_state.get(f"_open_{key}"))):
        st.markdown(_ui.md(element.text))
        meta = f"Version {record.version}" + (f", last saved by {record.updated_by} at {record.updated_at:%Y-%m-%d %H:%M} UTC" if record.updated_at else ", never saved")
        st.caption(_ui.md(meta))
        if saved:
            st.success(f"Saved at {saved}", icon=":material/check:")
        if record.version != base:
            st.warning(
                f"{_ui.md(record.updated_by or 'someone')} saved this element at {record.updated_at:%H:%M} UTC after you opened it. "
                "Your input below is kept. Compare, then keep yours or take theirs.",
            )
            left, right = st.columns(2)
            left.markdown("**Saved in the database now**")
            left.text(describe(record))
            right.markdown("**Your version (not saved, still in the form below)**")
            mine = []
            if st.session_state.get(f"{key}_status", FROM_FINDINGS) != FROM_FINDINGS:
                mine.append(f"judgment: {st.session_state[f'{key}_status']} — {st.session_state.get(f'{key}_reason', '')}")
            if st.session_state.get(f"{key}_note"):
                mine.append(f"note: {st.session_state[f'{key}_note']}")
            right.text("; ".join(mine) or "findings as edited in the table")
            a, b = st.columns(2)
            if a.button("Keep mine: save it over theirs", key=f"{key}_keep"):
                st.session_state[base_key] = record.version
                st.session_state[f"_open_{key}"] = True
                st.rerun()
            if b.button("Take theirs: discard my input", key=f"{key}_take"):
                forget_form(key)
                st.session_state[base_key] = record.version
                st.session_state[f"_open_{key}"] = True
                st.rerun()

        hooks = [h.id for h in catalog.hooks.values() if element_id in h.elements]
        with st.form(key):
            frame = st.data_editor(
                findings_frame(record), key=f"{key}_findings", num_rows="dynamic", width="stretch",
                column_config={
                    "provision": st.column_config.SelectboxColumn("Provision", options=provision_ids, required=True),
                    "extent": st.column_config.SelectboxColumn("Satisfies the element", options=["full", "partial"], required=True),
                    "note": st.column_config.TextColumn("Why (your words)"),
                    "source": st.column_config.SelectboxColumn("Source (default: the provision's)", options=[NO_SOURCE, *source_ids]),
                    "verified": st.column_config.CheckboxColumn("Read in a primary text"),
                },
            )
            j = record.judgment
            statuses = [FROM_FINDINGS, *[s.value for s in JudgmentStatus]]
            status = st.selectbox("Judgment (overrides the findings)", statuses, key=f"{key}_status",
                                  index=statuses.index(j.status.value) if j else 0,
                                  help="missing: a cited provision does not do the job; not_applicable needs a reason; reserved only under a reservation the treaty allows.")
            reason = st.text_area("Reason for the judgment", value=j.reason if j else "", key=f"{key}_reason")
            cols = st.columns(3)
            hook = cols[0].selectbox("Reservation or declaration (for 'reserved')", ["", *hooks], key=f"{key}_hook",
                                     index=(["", *hooks].index(j.hook) if j and j.hook in hooks else 0))
            jsource = cols[1].selectbox("Source of the judgment", [NO_SOURCE, *source_ids], key=f"{key}_jsource",
                                        index=([NO_SOURCE, *source_ids].index(j.source) if j and j.source in source_ids else 0))
            jverified = cols[2].checkbox("Judgment verified", value=bool(j and j.verified), key=f"{key}_jverified")
            note = st.text_area("Note", value=record.note or "", key=f"{key}_note")
            submitted = st.form_submit_button("Save", type="primary")
        if submitted:
            st.session_state[f"_open_{key}"] = True
            try:
                judgment = None
                if status != FROM_FINDINGS:
                    judgment = Judgment(status=status, reason=reason or "(no reason given)" if status == "unknown" else reason,
                                        hook=hook or None if status == "reserved" else None, source=jsource or None, verified=jverified)
                new = store.save_assessment(user, iso, element_id, findings=findings_from(frame), judgment=judgment, note=note,
                                            expected_version=st.session_state[base_key], source="browser")
            except StaleVersion:
                st.rerun()  # shows the side-by-side comparison; the typed input stays in the form
            except ValidationFailed as exc:
                st.error("Not saved. Please fix: " + "; ".join(_ui.md(m) for m in exc.messages))
            except PermissionDenied as exc:
                st.error(f"Not saved: {_ui.md(exc)}")
            except ValueError as exc:
                st.error("Not saved. Please fix: " + _ui.md(plain(exc)))
            else:
                st.session_state[base_key] = new.version
                st.session_state[f"_saved_{iso}_{element_id}"] = f"{new.updated_at:%H:%M:%S} UTC (version {new.version})"
                st.session_state[marker_key] = store.latest_change(iso).id
                st.rerun()


with elements_tab:
    obligations = [o for o in catalog.treaty(treaty_id).obligations() if o.elements]
    obligation_id = _ui.choose("Obligation", [o.id for o in obligations], "obligation", obligations[0].id,
                               format_func=lambda o: f"Art. {catalog.obligations[o].article} {catalog.obligations[o].title}")
    result = _data.score(ws, iso, treaty_id, today)
    status_now = dict(zip(result.elements["id"], result.elements["status"].astype(str)))
    st.caption("Status today follows from the saved findings and judgments (law in force only). Open an element to edit it.")
    for e in catalog.obligations[obligation_id].elements:
        element_form(e.id, status_now.get(e.id, "unknown"))


def provision_form(record, key: str) -> None:  # type: ignore[no-untyped-def]
    p: Provision | None = record.provision if record else None
    lc = p.lifecycle if p else Lifecycle()
    with st.form(key):
        pid = st.text_input("Id (e.g. kor.cpa.215-2)", value=p.id if p else "", disabled=p is not None)
        c = st.columns(3)
        statute = c[0].text_input("Statute", value=p.statute if p else "")
        article = c[1].text_input("Article (leave empty if unknown; never guess)", value=(p.article or "") if p else "")
        paragraph = c[2].text_input("Paragraph", value=(p.paragraph or "") if p else "")
        summary = st.text_area("What it provides (your words)", value=p.summary if p else "")
        d = st.columns(6)
        dates = {}
        for i, name in enumerate(("introduced", "passed", "promulgated", "in_force", "repealed", "lapsed")):
            dates[name] = d[i].date_input(name.replace("_", " "), value=getattr(lc, name), format="YYYY-MM-DD",
                                          min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1))
        dates_verified = st.checkbox("Dates read in a primary source", value=lc.dates_verified)
        lc_note = st.text_input("Date note", value=lc.note or "")
        b = st.columns(3)
        bill_number = b[0].text_input("Bill number (only if found)", value=(p.bill.number or "") if p and p.bill else "")
        sponsor = b[1].text_input("Sponsor", value=(p.bill.sponsor or "") if p and p.bill else "")
        chamber = b[2].text_input("Chamber", value=(p.bill.chamber or "") if p and p.bill else "")
        s = st.columns(2)
        source = s[0].selectbox("Source", source_ids, index=source_ids.index(p.source) if p and p.source in source_ids else 0)
        verified = s[1].checkbox("Provision text read in a primary source", value=bool(p and p.verified))
        submitted = st.form_submit_button("Save provision", type="primary")
    if submitted:
        try:
            bill = Bill(number=bill_number or None, sponsor=sponsor or None, chamber=chamber or None) if (bill_number or sponsor or chamber) else None
            new = Provision(id=pid.strip(), statute=statute, article=article or None, paragraph=paragraph or None, summary=summary,
                            lifecycle=Lifecycle(**dates, dates_verified=dates_verified, note=lc_note or None), bill=bill,
                            source=source, verified=verified)
            saved = store.save_provision(user, iso, new, expected_version=record.version if record else 0)
        except StaleVersion as exc:
            st.error(f"Not saved: {_ui.md(exc)}. Reload the page to see their version; copy your input first.")
        except (ValidationFailed, PermissionDenied) as exc:
            st.error(f"Not saved: {_ui.md(exc)}")
        except ValueError as exc:
            st.error("Not saved. Please fix: " + _ui.md(plain(exc)))
        else:
            st.success(f"Saved {saved.provision.id} at {saved.updated_at:%H:%M:%S} UTC (version {saved.version}). Every element citing it is re-scored.")


with provisions_tab:
    records = store.provisions(iso)
    st.dataframe(
        pd.DataFrame([{"id": r.provision.id, "citation": r.provision.citation, "stage today": r.provision.lifecycle.stage_at(today).value,
                       "verified": r.provision.verified, "version": r.version} for r in records]),
        hide_index=True, width="stretch",
    )
    choice = st.selectbox("Change a provision or bill (e.g. record that it came into force)", ["", *[r.provision.id for r in records]])
    if choice:
        provision_form(next(r for r in records if r.provision.id == choice), f"prov_{iso}_{choice}")
    with st.expander("Add a provision or bill"):
        provision_form(None, f"prov_{iso}_new")
