"""The shipped checklists say what the treaties say: the facts here are read in the treaty texts
(reference: shared/reference/ets185-budapest.md §1.3, read verbatim in the English authentic text)."""

from __future__ import annotations

from assessment.catalog import Catalog
from assessment.models import Kind

# Art. 42 ETS 185: "Article 4, paragraph 2, Article 6, paragraph 3, Article 9, paragraph 4, Article 10, paragraph 3,
# Article 11, paragraph 3, Article 14, paragraph 3, Article 22, paragraph 2, Article 29, paragraph 4, and Article 41,
# paragraph 1. No other reservation may be made."  (14(3) holds two distinct reservations, (a) and (b).)
ART42_RESERVATIONS = {
    "ets185.res.4-2",
    "ets185.res.6-3",
    "ets185.res.9-4",
    "ets185.res.10-3",
    "ets185.res.11-3",
    "ets185.res.14-3-a",
    "ets185.res.14-3-b",
    "ets185.res.22-2",
    "ets185.res.29-4",
    "ets185.res.41-1",
}
# Art. 40: additional elements under Articles 2, 3, 6(1)(b), 7, 9(3) and 27(9)(e).
ART40_DECLARATIONS = {
    "ets185.decl.2",
    "ets185.decl.3",
    "ets185.decl.6-1-b",
    "ets185.decl.7",
    "ets185.decl.9-3",
    "ets185.decl.27-9-e",
}


def test_all_48_articles_in_order(catalog: Catalog) -> None:
    numbers = [a.number for a in catalog.treaty("ets185").articles]
    assert numbers == [str(n) for n in range(1, 49)]


def test_chapters_two_and_three_are_assessable(catalog: Catalog) -> None:
    t = catalog.treaty("ets185")
    chapter_of = {s.id: c.number for c in t.chapters for s in c.sections}
    for a in t.articles:
        if chapter_of[a.section] in ("II", "III"):
            assert a.obligations, f"Art. {a.number} has no obligation"
            for o in a.obligations:
                if o.kind != Kind.permissive:
                    assert o.elements, f"{o.id} has no elements"
    # Arts. 26 and 32 are permissive: nothing to enact
    kinds = {o.id: o.kind for o in t.obligations()}
    assert kinds["ets185.art26"] == kinds["ets185.art32"] == Kind.permissive


def test_exactly_the_reservations_of_article_42(catalog: Catalog) -> None:
    t = catalog.treaty("ets185")
    reservations = {h.id for o in t.obligations() for h in o.reservations}
    assert reservations == ART42_RESERVATIONS
    assert all(h.basis == "Art. 42" for o in t.obligations() for h in o.reservations)


def test_exactly_the_declarations_of_article_40(catalog: Catalog) -> None:
    t = catalog.treaty("ets185")
    declarations = {h.id for o in t.obligations() for h in o.declarations}
    assert declarations == ART40_DECLARATIONS


def test_article_6_reservation_cannot_cover_selling_passwords(catalog: Catalog) -> None:
    hook = catalog.hooks["ets185.res.6-3"]
    art6 = catalog.obligations["ets185.art6"]
    passwords = [
        e.id
        for e in art6.elements
        if "password" in e.text.lower() and ("sell" in e.text.lower() or "distribut" in e.text.lower())
    ]
    assert passwords, "Art. 6 must have an element on dealing in passwords or access codes"
    assert not set(passwords) & set(hook.elements)


def test_designations_due_at_accession(catalog: Catalog) -> None:
    due = {o.id for o in catalog.treaty("ets185").obligations() if o.due_at_accession}
    assert due == {"ets185.art24.7", "ets185.art27.2", "ets185.art35"}
    assert all(catalog.obligations[o].kind == Kind.designate for o in due)


def test_preservation_elements_follow_tcy_criteria(catalog: Catalog) -> None:
    art16 = catalog.obligations["ets185.art16"]
    criteria = " ".join(e.criterion or "" for e in art16.elements)
    for heading in (
        "Regulations providing powers",
        "Any type of data",
        "Any type of crime",
        "Any legal or physical person",
    ):
        assert heading in criteria
    assert catalog.elements["ets185.art16.e1"].core


def test_other_treaties_present_with_parents(catalog: Catalog) -> None:
    assert {"ets185", "cets224", "uncc2024", "ets189"} <= set(catalog.treaties)
    assert catalog.treaty("cets224").parent == "ets185"
    assert catalog.treaty("ets189").parent == "ets185"
    assert catalog.treaty("uncc2024").parent is None


def test_protocol_and_un_procedural_obligations_have_elements(catalog: Catalog) -> None:
    # CETS 224 Chapter II (Arts. 6-10) and its safeguards (13, 14); UN procedural and co-operation chapters
    cets = {o.id: o for o in catalog.treaty("cets224").obligations()}
    for n in (6, 7, 8, 9, 10, 13, 14):
        assert cets[f"cets224.art{n}"].elements, n
    un = [o for o in catalog.treaty("uncc2024").obligations() if o.kind in (Kind.empower, Kind.cooperate)]
    assert len(un) >= 15 and all(o.elements for o in un)


def test_crosswalks_link_preservation_across_treaties(catalog: Catalog) -> None:
    linked = {other for other, *_ in catalog.crosswalk_links("ets185.art16")}
    assert any(o.startswith("uncc2024.") for o in linked), "UN preservation article not linked to ets185.art16"
    linked29 = {other for other, *_ in catalog.crosswalk_links("ets185.art29")}
    assert any(o.startswith("uncc2024.") for o in linked29)


def test_unverified_article_numbers_are_marked(catalog: Catalog) -> None:
    """An article whose number was not read in the text says so, and so do the obligations and links under it."""
    for treaty in catalog.treaties.values():
        for a in treaty.articles:
            for o in a.obligations:
                assert not (o.verified and not a.verified), f"{o.id} claims more than its article {a.number}"
    unverified = {o.id for a in catalog.treaty("uncc2024").articles for o in a.obligations if not o.verified}
    owner = catalog.obligation_of_element
    for cw in catalog.crosswalks:
        for link in cw.links:
            ends = {owner.get(link.source, link.source), owner.get(link.target, link.target)}
            if ends & unverified:
                assert not link.verified, f"{link.source} -> {link.target} is marked verified but an end is not"
