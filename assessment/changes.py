"""Audit entries and pickers in words: an element as its article and text, a provision as its citation, a source
as its title, and a stored value (findings, judgment, note, provision, review state) as a sentence, so the
History and Review pages show "old -> new" a person can read instead of ids and JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .catalog import Catalog
from .i18n import N_, gettext
from .models import Country, Extent
from .vocab import LIFECYCLE_LABEL, REVIEW_LABEL, ReviewState, status_badge

#: How long an element's text may be in a picker before it is cut (the whole text is shown on the page).
PICKER_TEXT = 90


def _short(text: str, limit: int = PICKER_TEXT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def element_label(catalog: Catalog, element_id: str, status: str | None = None, lang: str | None = None) -> str:
    """'Art. 16 · Power to order the expeditious preservation … · ✓ In place' (the id when it is not in the catalog);
    '제16조 · 신속한 보전을 명령할 권한 … · ✓ 충족' in Korean (the element's Korean text where the treaty has one)."""
    element = catalog.elements.get(element_id)
    if element is None:
        return element_id
    obligation = catalog.obligations[catalog.obligation_of_element[element_id]]
    if lang in (None, "en"):
        parts = [f"Art. {obligation.article}", _short(element.text)]
    else:
        from .translations import Content
        from .vocab import article_label

        parts = [article_label(obligation.article, lang), _short(Content(catalog, lang).element(element_id))]
    if status:
        parts.append(status_badge(status, lang))
    return " · ".join(parts)


def record_label(catalog: Catalog, country: Country | None, record: str, lang: str | None = None) -> str:
    """What an audit entry's record is, in words: an element, a provision's citation, or the country."""
    if record == "country":
        if country is None:
            return gettext(lang)("the country")
        if lang in (None, "en"):
            return country.name
        from .translations import Content

        return Content(catalog, lang).country_name(country)
    if record in catalog.elements:
        return element_label(catalog, record, lang=lang)
    provision = _provisions(country).get(record)
    return f"{provision.citation} ({record})" if provision is not None else record


def source_titles(country: Country) -> dict[str, str]:
    """Source id -> its title, made unique (a repeated title gets its id), for pickers that show titles."""
    titles: dict[str, str] = {}
    seen: dict[str, int] = {}
    for s in country.sources:
        seen[s.title] = seen.get(s.title, 0) + 1
    for s in country.sources:
        titles[s.id] = s.title if seen[s.title] == 1 else f"{s.title} ({s.id})"
    return titles


def provision_titles(country: Country) -> dict[str, str]:
    """Provision id -> 'citation (id)', for pickers of provisions."""
    return {p.id: f"{p.citation} ({p.id})" for p in country.provisions}


def _provisions(country: Country | None) -> dict[str, Any]:
    return {} if country is None else {p.id: p for p in country.provisions}


def readable(field: str, value: str | None, country: Country | None = None, lang: str | None = None) -> str:
    """A stored value as words. Findings: 'Criminal Procedure Act Art. 215-2: full (note)'; a judgment:
    'missing: reason'; a review state: its label. Unknown shapes fall back to the text itself."""
    t = gettext(lang)
    if value is None or value == "":
        return t("(nothing)")
    if field == "review_state":
        try:
            return t(REVIEW_LABEL[ReviewState(value)])
        except (KeyError, ValueError):
            return value
    if field == "law_review":
        return t(LAW_REVIEW_LABEL.get(value, value))
    if field == "note" or field == "review_comment":
        return value
    try:
        data = json.loads(value)
    except (TypeError, ValueError):
        return value
    provisions = _provisions(country)
    if field == "findings" and isinstance(data, list):
        return _findings_text(data, provisions, lang)
    if field == "judgment" and isinstance(data, dict):
        status = str(data.get("status", "?"))
        if lang not in (None, "en") and status != "?":
            from .editing import judgment_choice_label

            status = judgment_choice_label(status, lang)
        text = t("judgment {status}: {reason}").format(status=status, reason=data.get("reason", "")).rstrip(": ")
        if data.get("hook"):
            text += t(" (under {hook})").format(hook=data["hook"])
        return text
    if field == "provision" and isinstance(data, dict):
        lifecycle = data.get("lifecycle") or {}
        dates = ", ".join(
            f"{t(LIFECYCLE_LABEL.get(k, k.replace('_', ' ')))} {v}"
            for k, v in lifecycle.items()
            if isinstance(v, str) and v[:1].isdigit()
        )
        parts = [
            " ".join(x for x in (data.get("statute", ""), data.get("article") or "", data.get("paragraph") or "") if x)
        ]
        if data.get("summary"):
            parts.append(str(data["summary"]))
        if dates:
            parts.append(dates)
        return "; ".join(p for p in parts if p)
    return value


def _findings_text(data: list[Any], provisions: dict[str, Any], lang: str | None) -> str:
    t = gettext(lang)
    if not data:
        return t("no finding")
    lines = []
    for f in data:
        p = provisions.get(f.get("provision"))
        name = p.citation if p is not None else f.get("provision", "?")
        line = (
            t("{provision}: satisfies the element fully")
            if f.get("extent") == Extent.full
            else t("{provision}: satisfies the element partly")
        ).format(provision=name)
        if f.get("note"):
            line += f" ({f['note']})"
        if f.get("verified"):
            line += t(", read in a primary text")
        lines.append(line)
    return "; ".join(lines)


@dataclass(frozen=True)
class Change:
    """One field of one record changed: what, from what, to what, by whom, when (for the Review page)."""

    what: str
    field: str
    old: str
    new: str
    users: tuple[str, ...]
    at: Any
    changes: int


#: A reviewer's reading of a change of the law (the law watch), as words.
LAW_REVIEW_LABEL = {"holds": N_("the assessment still holds"), "changed": N_("the assessment changed")}
FIELD_LABEL = {
    "findings": N_("Findings"),
    "judgment": N_("Judgment"),
    "note": N_("Note"),
    "provision": N_("Provision or bill"),
    "law_review": N_("Law reviewed"),
    "review_state": N_("Review state"),
    "review_comment": N_("Review comment"),
}


def field_label(field: str, lang: str | None = None) -> str:
    """'Findings' ('조사 결과'): the name of an audited field."""
    return gettext(lang)(FIELD_LABEL[field]) if field in FIELD_LABEL else field


def changes_in_words(
    catalog: Catalog, country: Country | None, diff: list[dict[str, Any]], lang: str | None = None
) -> list[Change]:
    """`Store.diff` rows as Changes in words, review steps and comments left out (they are not the work)."""
    out = []
    for d in diff:
        if d["record"] == "country":
            continue
        out.append(
            Change(
                record_label(catalog, country, d["record"], lang),
                field_label(d["field"], lang),
                readable(d["field"], d["before"], country, lang),
                readable(d["field"], d["after"], country, lang),
                tuple(d["users"]),
                d.get("at"),
                d["changes"],
            )
        )
    return out
