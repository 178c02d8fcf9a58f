"""Treaty: the checklist itself — obligations, elements, reservations, declarations, and the crosswalk to the
other treaties."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import _data, _ui
from assessment.charts import filter_obligations
from assessment.vocab import day, status_badge, verified_mark

RELATION = {"equal": "= same duty", "subset": "⊂ asks less than", "superset": "⊃ asks more than", "intersect": "∩ overlaps"}

ws = _data.workspace()
catalog = ws.catalog

tid = _ui.choose_treaty(catalog, "id")
t = catalog.treaty(tid)
st.title(t.title)
facts = [f"**{_ui.md(t.series)}**"]
for label, d in (("adopted", t.adopted), ("opened for signature", t.opened_for_signature), ("in force", t.entry_into_force)):
    if d:
        facts.append(f"{label} {day(d)}")
if t.parent:
    facts.append(f"supplements {_ui.md(catalog.treaty(t.parent).short_title)}")
st.markdown(" · ".join(facts) + f" · [official text]({_ui.safe_url(t.source_url)})")
if t.note:
    st.caption(_ui.md(t.note))

obligations = [o for o in t.obligations() if o.elements]
hooks = [(o, h) for o in t.obligations() for h in o.hooks]
m = st.columns(4)
m[0].metric("Obligations assessed", len(obligations))
m[1].metric("Elements", sum(len(o.elements) for o in obligations))
m[2].metric("Reservations", sum(1 for _, h in hooks if h.kind.value == "reservation"))
m[3].metric("Declarations", sum(1 for _, h in hooks if h.kind.value == "declaration"))

meta = _data.obligation_meta(ws, tid)
f1, f2 = st.columns(2)
chapters = dict(zip(meta["chapter"], meta["chapter_label"]))
picked_chapters = f1.multiselect("Chapters", list(chapters), format_func=chapters.get, placeholder="All chapters")
picked_kinds = f2.multiselect("Kinds of obligation", sorted(meta["kind"].unique()), placeholder="All kinds")
shown = filter_obligations(meta, picked_chapters, picked_kinds)

st.subheader("Checklist")
by_id = {o.id: o for o in obligations}
table = shown.assign(
    elements=[len(by_id[i].elements) for i in shown["id"]],
    hooks=[", ".join(h.id for h in by_id[i].hooks) for i in shown["id"]],
    crosswalk=[", ".join(f"{rel} {other}" for other, rel, _, _ in catalog.crosswalk_links(i)) for i in shown["id"]],
)
if table.empty:
    _ui.empty("No obligation matches these filters. Clear a chapter or kind filter above.")
else:
    st.dataframe(table[["label", "title", "kind", "chapter_label", "elements", "hooks", "crosswalk"]], hide_index=True, width="stretch",
                 column_config={"label": "Article", "title": "Obligation", "kind": "Kind", "chapter_label": "Chapter",
                                "elements": "Elements", "hooks": "Reservations / declarations", "crosswalk": "Crosswalk"})

st.subheader("One obligation in detail")
focus = _ui.choose("Obligation", list(shown["id"]) or [o.id for o in obligations], "obligation", "",
                   format_func=lambda i: f"Art. {catalog.obligations[i].article} {catalog.obligations[i].title}")
if focus:
    o = catalog.obligations[focus]
    st.markdown(f"**{_ui.md(o.kind.value)}** · weight {o.weight:g}" + (" · due at accession" if o.due_at_accession else "")
                + ("" if o.verified else " · article reference unverified"))
    st.markdown(_ui.md(o.summary))
    st.dataframe(pd.DataFrame([{"id": e.id, "paragraph": e.paragraph or "", "text": e.text, "core": e.core, "optional": e.optional,
                                "criterion": e.criterion or ""} for e in o.elements]),
                 hide_index=True, width="stretch",
                 column_config={"id": "Element", "paragraph": "Para.", "text": st.column_config.TextColumn("What national law must provide", width="large"),
                                "core": "Core", "optional": "Optional (not scored)", "criterion": "Criterion"})
    if o.hooks:
        st.markdown("**Reservations and declarations allowed**")
        st.dataframe(pd.DataFrame([{"id": h.id, "kind": h.kind.value, "basis": f"{h.basis}, {h.paragraph}", "summary": h.summary,
                                    "effect": h.effect, "elements": ", ".join(h.elements),
                                    "checked": verified_mark(h.verified)} for h in o.hooks]),
                     hide_index=True, width="stretch",
                     column_config={"id": "Id", "kind": "Kind", "basis": "Allowed by", "summary": st.column_config.TextColumn("What it allows", width="large"),
                                    "effect": "Effect", "elements": "Elements it may take out", "checked": "Checked"})
    links = catalog.crosswalk_links(o.id)
    st.markdown("**Crosswalk to the other treaties**")
    if links:
        st.dataframe(pd.DataFrame([{"other": other, "treaty": catalog.treaty(other.split(".")[0]).short_title,
                                    "title": catalog.obligations[other].title if other in catalog.obligations
                                    else catalog.elements[other].text if other in catalog.elements else "",
                                    "relation": RELATION[rel],
                                    "note": note, "checked": verified_mark(ok)} for other, rel, note, ok in links]),
                     hide_index=True, width="stretch",
                     column_config={"other": "Obligation", "treaty": "Treaty", "title": "Title", "relation": "This one…",
                                    "note": st.column_config.TextColumn("Note", width="large"), "checked": "Checked"})
    else:
        st.caption("No crosswalk link recorded for this obligation. Crosswalk files live in `checklists/crosswalks/`.")

if tid != "ets185" and catalog.countries:
    st.subheader("What a country's ETS 185 assessment gives it here")
    iso = _ui.choose_country(catalog)
    rows = _data.carryover(ws, iso, tid)
    left = sum(1 for r in rows if r.left)
    st.caption(_ui.md(f"{sum(1 for r in rows if r.how == 'carried over')} of {len(rows)} elements carried over from ETS 185, "
                      f"{sum(1 for r in rows if r.how == 'assessed directly')} assessed directly; {left} still need an assessment."))
    st.dataframe(pd.DataFrame([{"article": f"Art. {r.article}", "element": r.text, "status": status_badge(r.status), "how": r.how,
                                "ets185": "; ".join(f"Art. {a} {b.rsplit('.', 1)[-1]}: {status_badge(s)}" for b, a, s in r.basis),
                                "left": r.left} for r in rows]),
                 hide_index=True, width="stretch",
                 column_config={"article": "Article", "element": st.column_config.TextColumn("What the treaty asks", width="large"),
                                "status": "Status", "how": "How", "ets185": st.column_config.TextColumn("ETS 185 counterparts", width="medium"),
                                "left": "Left to assess"})

# Details on demand: the table is built and drawn only while the expander is open.
every_hook = st.expander(f"Every reservation and declaration of the {t.short_title} ({len(hooks)})", key="hooks_open", on_change="rerun")
if every_hook.open:
    with every_hook:
        if hooks:
            st.dataframe(pd.DataFrame([{"article": f"Art. {o.article}", "id": h.id, "kind": h.kind.value, "basis": f"{h.basis}, {h.paragraph}",
                                        "summary": h.summary, "effect": h.effect} for o, h in hooks]), hide_index=True, width="stretch")
        else:
            st.caption("This treaty allows none in the checklist.")
