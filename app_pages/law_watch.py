"""Law watch (reviewers and admins): every pinned provision whose law changed since it was read, across countries,
with the article's text before and after, our summary beside it, and the elements it touches. A reviewer who has
read it records either that the assessment still holds (the article is re-pinned to today's text and hash) or
that it changed (re-pinned, and the elements open in Edit). Both are audited under the reviewer's name; the
Edit and Review pages keep an element's "the law changed" mark until then."""

from __future__ import annotations

import streamlit as st

from app_pages import _auth, _data, _ui
from app_pages._ui import says, t
from assessment.lawtext.check import check_country, current_article, reviewed_text
from assessment.lawtext.cli import texts_folder
from assessment.store import PermissionDenied, StaleVersion, ValidationFailed
from assessment.vocab import AuditSource, article_label

user = _auth.require_staff()
st.title(t("Law watch"))
if not user.can_review():
    st.info(
        t(
            "The law watch is for reviewers and admins: they confirm whether an assessment still holds after the law changed."
        )
    )
    st.stop()
ws = _data.workspace()
store = _data.store()
lang = _ui.lang()
content = _data.content(ws, lang)
folder = texts_folder(None)
if folder is None:
    st.info(
        t(
            "Set ASSESSMENT_LAWTEXT_DIR to a folder of consolidated statutes (a git checkout in the kr/<title>/법률.md layout) "
            "to watch the law. `python -m assessment lawtext update --texts DIR` keeps it current."
        )
    )
    st.stop()

done = st.session_state.pop("_law_watch_done", None)
if done:
    st.success(done)

reports = {
    iso3: check_country(country, folder)
    for iso3, country in sorted(ws.catalog.countries.items())
    if any(p.text is not None for p in country.provisions)
}
errors = [e for r in reports.values() for e in r.errors]
if errors:
    st.error(
        t("{n} statute file(s) could not be read: the watch is incomplete until they are fixed.").format(n=len(errors))
    )
    st.dataframe(
        [{"file": e["file"], "line": e.get("line"), "reason": e["reason"]} for e in errors],
        hide_index=True,
        width="stretch",
        column_config={"file": t("File"), "line": t("Line"), "reason": t("Problem")},
    )
entries = [(iso3, e) for iso3, r in reports.items() for e in (*r.changed, *r.missing)]
st.caption(
    t("{checked} pinned provision(s) checked against {folder}.").format(
        checked=sum(r.checked for r in reports.values()), folder=_ui.md(folder)
    )
)
if not entries:
    _ui.empty(t("Nothing changed since the provisions were read."))
    st.stop()
st.warning(
    t(
        "{n} provision(s) rest on law that changed since it was read. Read each change, then record what it means for the assessment."
    ).format(n=len(entries))
)


def review(iso3: str, provision_id: str, outcome: str) -> bool:
    """Re-pin the provision to today's text as a reviewed change; False (with the reason shown) when refused."""
    country = ws.catalog.countries[iso3]
    provision = next(p for p in country.provisions if p.id == provision_id)
    text = reviewed_text(provision, folder)
    if text is None:
        st.error(
            t(
                "The article is gone from the current text: edit the provision itself (Edit page) instead of re-pinning it."
            )
        )
        return False
    record = next(r for r in store.provisions(iso3) if r.provision.id == provision_id)
    try:
        store.save_provision(
            user,
            iso3,
            provision.model_copy(update={"text": text}),
            expected_version=record.version,
            source=AuditSource.law_watch,
            law_review=outcome,
        )
    except (PermissionDenied, StaleVersion, ValidationFailed) as exc:
        st.error(t("Nothing was recorded: {reason}").format(reason=says(exc)))
        return False
    return True


for iso3, e in entries:
    provision = next(p for p in ws.catalog.countries[iso3].provisions if p.id == e["provision"])
    with st.container(border=True):
        name = content.country_name(iso3)
        st.markdown(
            f"**{_ui.md(name)} · {_ui.md(e.get('citation') or e['provision'])}** ({_ui.md(e['statute'])} {_ui.md(e['article'])})"
        )
        when = e.get("promulgated")
        st.caption(_ui.says(e["reason"]) + (" · " + t("promulgated {date}").format(date=when) if when else ""))
        before, after, ours = st.columns(3)
        before.markdown("**" + t("Before (the version read)") + "**")
        before.text(e.get("before") or t("(no earlier text in this folder's history)"))
        after.markdown("**" + t("Now") + "**")
        now = e.get("after")
        if now is None:  # no git history to diff against: the article as the current file reads
            found = current_article(provision, folder)
            now = found[1].body if found is not None and found[1] is not None else None
        after.text(now or t("(deleted or moved)"))
        ours.markdown("**" + t("Our summary") + "**")
        ours.markdown(_ui.md(content.provision_summary(iso3, provision)))
        elements = e.get("elements") or []
        if elements:
            labels = [
                f"{article_label(ws.catalog.obligations[ws.catalog.obligation_of_element[x]].article, lang)} · {content.element(x)}"
                for x in elements
                if x in ws.catalog.elements
            ]
            st.markdown("**" + t("Elements it touches") + "**\n" + "\n".join(f"- {_ui.md(label)}" for label in labels))
        holds, changed = st.columns(2)
        key = f"{iso3}_{e['provision']}"
        if holds.button(t("Reviewed: the assessment still holds"), key=f"holds_{key}") and review(
            iso3, e["provision"], "holds"
        ):
            st.session_state["_law_watch_done"] = t(
                "Recorded: {provision} re-pinned to today's text; the assessment holds."
            ).format(provision=e["provision"])
            st.rerun()
        if changed.button(
            t("Reviewed: the assessment changed (open in Edit)"), key=f"changed_{key}", type="primary"
        ) and review(iso3, e["provision"], "changed"):
            first = next((x for x in elements if x in ws.catalog.elements), None)
            params = {"iso": iso3}
            if first is not None:
                obligation = ws.catalog.obligation_of_element[first]
                params.update(treaty=obligation.split(".", 1)[0], obligation=obligation)
            st.switch_page(_ui.EDIT, query_params=_ui.params(**params))
