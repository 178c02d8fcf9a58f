"""Treaty: the checklist itself — obligations, elements, reservations, declarations, and the crosswalk to the
other treaties."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from app_pages import _auth, _data, _ui
from app_pages._ui import t
from assessment.brief import precedent_provision_text
from assessment.i18n import N_
from assessment.precedents import providers
from assessment.vocab import (
    Vocabulary,
    article_label,
    basis_label,
    day,
    kind_label,
    label_text,
    status_badge,
    verified_mark,
)

ws = _data.workspace()
catalog = ws.catalog
lang = _ui.lang()
content = _data.content(ws, lang)


def hook_kind(kind: str) -> str:
    return label_text(Vocabulary.hook_kind, kind, lang)


def crosswalk_target(other: str) -> str:
    """Another treaty's obligation or element in words: 'UN Convention Art. 7' rather than 'uncc2024.art7'."""
    obligation = catalog.obligation_of_element.get(other, other)
    if obligation not in catalog.obligations:
        return other
    return f"{content.treaty_short(obligation.split('.', 1)[0])} {article_label(catalog.obligations[obligation].article, lang)}"


def obligation_label(oid: str) -> str:
    if oid not in catalog.obligations:  # never shown as a choice; named only in a notice about a link
        return oid
    return f"{article_label(catalog.obligations[oid].article, lang)} {content.obligation_title(oid)}"


tid = _ui.choose_treaty(catalog, "id")
treaty = catalog.treaty(tid)
st.title(content.treaty_title(tid))
facts = [f"**{_ui.md(treaty.series)}**"]
for label, d in (
    (N_("adopted"), treaty.adopted),
    (N_("opened for signature"), treaty.opened_for_signature),
    (N_("in force"), treaty.entry_into_force),
):
    if d:
        facts.append(f"{t(label)} {day(d, lang)}")
if treaty.parent:
    facts.append(t("supplements {treaty}").format(treaty=_ui.md(content.treaty_short(treaty.parent))))
official = t("official text")
st.markdown(" · ".join(facts) + f" · [{official}]({_ui.safe_url(treaty.source_url)})")
reader = _auth.current_user()
staff = (
    reader is not None and reader.can_read_drafts()
)  # research notes (English, naming data fields and copies read) are for staff
if treaty.note and staff:
    st.caption(_ui.md(treaty.note))
tr = catalog.treaty_translations.get((tid, lang))
if tr is not None:
    st.caption(_ui.md(tr.note))

obligations = [o for o in treaty.obligations() if o.elements]
hooks = [(o, h) for o in treaty.obligations() for h in o.hooks]
m = st.columns(4)
m[0].metric(t("Obligations assessed"), len(obligations))
m[1].metric(t("Elements"), sum(len(o.elements) for o in obligations))
m[2].metric(t("Reservations"), sum(1 for _, h in hooks if h.kind.value == "reservation"))
m[3].metric(t("Declarations"), sum(1 for _, h in hooks if h.kind.value == "declaration"))

meta = _data.obligation_meta(ws, tid, lang)
f1, f2 = st.columns(2)
chapters = dict(zip(meta["chapter"], meta["chapter_label"]))
picked_chapters = f1.multiselect(t("Chapters"), list(chapters), format_func=chapters.get, placeholder=t("All chapters"))
picked_kinds = f2.multiselect(
    t("Kinds of obligation"),
    sorted(meta["kind"].unique()),
    placeholder=t("All kinds"),
    format_func=lambda k: kind_label(k, lang),
)
shown = _data.charts.filter_obligations(meta, picked_chapters, picked_kinds)

st.subheader(t("Checklist"))
by_id = {o.id: o for o in obligations}
table = shown.assign(
    kind=[kind_label(k, lang) for k in shown["kind"]],
    elements=[len(by_id[i].elements) for i in shown["id"]],
    hooks=[", ".join(h.id for h in by_id[i].hooks) for i in shown["id"]],
    crosswalk=[
        "; ".join(
            f"{label_text(Vocabulary.relation, rel, lang)} {crosswalk_target(other)}"
            for other, rel, _, _ in catalog.crosswalk_links(i)
        )
        for i in shown["id"]
    ],
)
if table.empty:
    _ui.empty(t("No obligation matches these filters. Clear a chapter or kind filter above."))
else:
    st.dataframe(
        table[["label", "title", "kind", "chapter_label", "elements", "hooks", "crosswalk"]],
        hide_index=True,
        width="stretch",
        column_config={
            "label": t("Article"),
            "title": t("Obligation"),
            "kind": t("Kind"),
            "chapter_label": t("Chapter"),
            "elements": t("Elements"),
            "hooks": t("Reservations / declarations"),
            "crosswalk": t("Crosswalk"),
        },
    )

st.subheader(t("One obligation in detail"))
choices = list(shown["id"]) or [o.id for o in obligations]
# The first obligation is the default, so a link naming an unknown one (?obligation=xyz) says which is shown instead.
focus = _ui.choose(t("Obligation"), choices, "obligation", choices[0], format_func=obligation_label)
if focus:
    o = catalog.obligations[focus]
    st.markdown(
        f"**{_ui.md(kind_label(o.kind.value, lang))}** · "
        + t("weight {weight}").format(weight=f"{o.weight:g}")
        + (t(" · due at accession") if o.due_at_accession else "")
        + ("" if o.verified else t(" · article reference unverified"))
    )
    st.markdown(_ui.md(content.obligation_summary(o)))
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "id": e.id,
                    "paragraph": e.paragraph or "",
                    "text": content.element(e.id),
                    "core": e.core,
                    "optional": e.optional,
                    "criterion": e.criterion or "",
                }
                for e in o.elements
            ]
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "id": t("Element"),
            "paragraph": t("Para."),
            "text": st.column_config.TextColumn(t("What national law must provide"), width="large"),
            "core": t("Core"),
            "optional": t("Optional (not scored)"),
            "criterion": t("Criterion"),
        },
    )
    if o.hooks:
        st.markdown("**" + t("Reservations and declarations allowed") + "**")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "id": h.id,
                        "kind": hook_kind(h.kind.value),
                        "basis": f"{basis_label(h.basis, lang)}, {h.paragraph}",
                        "summary": content.hook_summary(h),
                        "effect": content.hook_effect(h),
                        "elements": ", ".join(h.elements),
                        "checked": verified_mark(h.verified, lang),
                    }
                    for h in o.hooks
                ]
            ),
            hide_index=True,
            width="stretch",
            column_config={
                "id": t("Id"),
                "kind": t("Kind"),
                "basis": t("Allowed by"),
                "summary": st.column_config.TextColumn(t("What it allows"), width="large"),
                "effect": t("Effect"),
                "elements": t("Elements it may take out"),
                "checked": t("Checked"),
            },
        )
    if catalog.countries and o.elements:
        st.markdown("**" + t("Who meets it and how, today") + "**")
        found = providers(catalog, ws.engine, o.id, dt.date.today(), lang)
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "country": p.name,
                        "element": content.element(p.element),
                        "status": status_badge(p.status, lang),
                        "verified": verified_mark(p.verified, lang),
                        "law": "\n".join(precedent_provision_text(pr, lang) for pr in p.provisions),
                        "open": _ui.page_url(_ui.COUNTRY, iso=p.country, treaty=tid, obligation=o.id),
                    }
                    for p in found
                ]
            ),
            hide_index=True,
            width="stretch",
            column_config={
                "country": t("Country"),
                "element": st.column_config.TextColumn(t("What the treaty asks"), width="medium"),
                "status": t("Status"),
                "verified": t("Checked"),
                "law": st.column_config.TextColumn(t("National law in force"), width="large"),
                "open": st.column_config.LinkColumn(t("Country page"), display_text=t("open")),
            },
        )
    links = catalog.crosswalk_links(o.id)
    st.markdown("**" + t("Crosswalk to the other treaties") + "**")
    if links:
        crosswalk = pd.DataFrame(
            [
                {
                    "other": other,
                    "treaty": content.treaty_short(other.split(".")[0]),
                    "title": content.obligation_title(other)
                    if other in catalog.obligations
                    else content.element(other)
                    if other in catalog.elements
                    else "",
                    "relation": label_text(Vocabulary.relation, rel, lang),
                    "note": note,
                    "checked": verified_mark(ok, lang),
                }
                for other, rel, note, ok in links
            ]
        )
        st.dataframe(
            crosswalk if staff else crosswalk.drop(columns="note"),
            hide_index=True,
            width="stretch",
            column_config={
                "other": t("Obligation"),
                "treaty": t("Treaty"),
                "title": t("Title"),
                "relation": t("This one…"),
                "note": st.column_config.TextColumn(t("Note"), width="large"),
                "checked": t("Checked"),
            },
        )
    else:
        st.caption(
            t("No crosswalk link recorded for this obligation. Crosswalk files live in `checklists/crosswalks/`.")
        )

if tid != "ets185" and catalog.countries:
    st.subheader(t("What a country's ETS 185 assessment gives it here"))
    iso = _ui.choose_country(catalog)
    rows = _data.carryover(ws, iso, tid)
    left = sum(1 for r in rows if r.left)
    carried = sum(1 for r in rows if r.how == "carried over")
    direct = sum(1 for r in rows if r.how == "assessed directly")
    partly = sum(1 for r in rows if r.how == "carried over" and r.left)
    st.caption(
        _ui.md(
            t(
                "Of {n} elements: {carried} carry their status over from ETS 185 ({partly} of them only in part), {direct} are "
                "assessed directly and {none} have no status yet. {left} still need an assessment of their own: the {none} "
                "without a status and the {partly} carried over only in part."
            ).format(
                n=len(rows), carried=carried, partly=partly, direct=direct, none=len(rows) - carried - direct, left=left
            )
        )
    )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "article": article_label(r.article, lang),
                    "element": content.element(r.element) if r.element in catalog.elements else r.text,
                    "status": status_badge(r.status, lang),
                    "how": label_text(Vocabulary.carried, r.how, lang),
                    "ets185": "; ".join(
                        f"{article_label(a, lang)} {b.rsplit('.', 1)[-1]}: {status_badge(s, lang)}"
                        for b, a, s in r.basis
                    ),
                    "left": label_text(Vocabulary.left, r.left, lang) if r.left else "",
                }
                for r in rows
            ]
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "article": t("Article"),
            "element": st.column_config.TextColumn(t("What the treaty asks"), width="large"),
            "status": t("Status"),
            "how": t("How"),
            "ets185": st.column_config.TextColumn(t("ETS 185 counterparts"), width="medium"),
            "left": t("Left to assess"),
        },
    )

# Details on demand: the table is built and drawn only while the expander is open.
every_hook = st.expander(
    t("Every reservation and declaration of the {treaty} ({n})").format(treaty=content.treaty_short(tid), n=len(hooks)),
    key="hooks_open",
    on_change="rerun",
)
if every_hook.open:
    with every_hook:
        if hooks:
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "article": article_label(o.article, lang),
                            "id": h.id,
                            "kind": hook_kind(h.kind.value),
                            "basis": f"{basis_label(h.basis, lang)}, {h.paragraph}",
                            "summary": content.hook_summary(h),
                            "effect": content.hook_effect(h),
                        }
                        for o, h in hooks
                    ]
                ),
                hide_index=True,
                width="stretch",
                column_config={
                    "article": t("Article"),
                    "id": t("Id"),
                    "kind": t("Kind"),
                    "basis": t("Allowed by"),
                    "summary": t("What it allows"),
                    "effect": t("Effect"),
                },
            )
        else:
            st.caption(t("This treaty allows none in the checklist."))
