"""The shipped country research: complete where promised, sourced, and telling Korea's preservation story."""

from __future__ import annotations

import datetime as dt

import pytest

from assessment.catalog import Catalog
from assessment.models import EventKind
from assessment.scoring import Engine

AUG_2025 = dt.date(2025, 8, 21)
AFTER_PASSAGE = dt.date(2026, 1, 15)
PROCEDURAL_AND_COOPERATION = tuple(range(14, 22)) + tuple(range(24, 36))


def article_of(obligation_id: str) -> int:
    return int(obligation_id.split(".")[1].removeprefix("art"))


def test_korea_assesses_every_ets185_element(catalog: Catalog) -> None:
    elements = {e.id for o in catalog.treaty("ets185").obligations() for e in o.elements}
    assessed = {a.element for a in catalog.country("KOR").assessments}
    assert elements - assessed == set()


@pytest.mark.parametrize("iso3", ["JPN", "USA", "GBR", "DEU", "PHL"])
def test_other_countries_cover_articles_14_to_21_and_24_to_35(catalog: Catalog, iso3: str) -> None:
    required = {
        e.id
        for o in catalog.treaty("ets185").obligations()
        if article_of(o.id) in PROCEDURAL_AND_COOPERATION
        for e in o.elements
    }
    assessed = {a.element for a in catalog.country(iso3).assessments}
    assert required - assessed == set()


def test_every_claim_has_a_public_source(catalog: Catalog) -> None:
    for country in catalog.countries.values():
        urls = {s.id: s.url for s in country.sources}
        provision_source = {p.id: p.source for p in country.provisions}
        for a in country.assessments:
            for f in a.findings:
                assert urls[f.source or provision_source[f.provision]].startswith("http"), (country.iso3, a.element)
            if a.judgment is not None and a.judgment.status != "unknown":
                assert urls[a.judgment.source].startswith("http"), (country.iso3, a.element)


def test_nothing_is_verified_without_a_primary_or_official_source(catalog: Catalog) -> None:
    """A provision marked verified was read in a statute text (or a copy of one) or an official page, not in the press."""
    for country in catalog.countries.values():
        kinds = {s.id: s.kind for s in country.sources}
        for p in country.provisions:
            if p.verified:
                assert kinds[p.source] in ("primary", "official", "copy"), (country.iso3, p.id)


def test_a_verified_finding_rests_on_a_verified_provision(catalog: Catalog) -> None:
    """'Read in a primary text' for a finding needs the provision itself verified and a non-press source."""
    for country in catalog.countries.values():
        kinds = {s.id: s.kind for s in country.sources}
        provisions = {p.id: p for p in country.provisions}
        for a in country.assessments:
            for f in a.findings:
                if f.verified:
                    p = provisions[f.provision]
                    assert p.verified, (country.iso3, a.element, f.provision)
                    assert kinds[f.source or p.source] != "secondary", (country.iso3, a.element)


def test_unknown_bill_numbers_are_left_empty_not_guessed(catalog: Catalog) -> None:
    korea = catalog.country("KOR")
    bills = [p for p in korea.provisions if p.bill is not None]
    assert len(bills) >= 2
    for p in bills:
        assert p.bill.number is None or p.verified, f"{p.id}: a bill number must come from a checked source"


def _statuses(result) -> dict[str, str]:
    return dict(zip(result.obligations["id"], result.obligations["status"].astype(str)))


def test_korea_august_2025_preservation_gap(engine: Engine) -> None:
    r = engine.score_country("KOR", "ets185", AUG_2025)
    statuses = _statuses(r)
    assert statuses["ets185.art16"] == "missing"
    assert statuses["ets185.art29"] != "in_place"
    assert "ets185.art16" in r.critical_gaps
    bills = r.gap_bills()["ets185.art16"]
    assert bills, "the pending preservation bill must be named beside the gap"


def test_korea_with_bills_scores_article_16_higher_and_names_the_bill(engine: Engine) -> None:
    now = engine.score_country("KOR", "ets185", AUG_2025)
    projected = engine.score_country("KOR", "ets185", AUG_2025, with_bills=True)
    score = lambda r: r.obligations.set_index("id").loc["ets185.art16", "score"]  # noqa: E731
    assert score(projected) > score(now)
    element_bills = {
        b
        for o in projected.to_json()["obligations"]
        if o["id"] == "ets185.art16"
        for e in o["elements"]
        for b in e["bills"]
    }
    assert element_bills
    assert projected.score > now.score


def test_korea_law_passed_but_not_in_force_is_not_counted(catalog: Catalog, engine: Engine) -> None:
    """Between passage (12 Dec 2025) and the in-force date the data gives, Art. 16 is still a gap."""
    passed = [p for p in catalog.country("KOR").provisions if p.lifecycle.passed == dt.date(2025, 12, 12)]
    assert passed, "the amendment passed on 12 Dec 2025 must be in the data"
    law = passed[0]
    if law.lifecycle.in_force is not None and law.lifecycle.in_force <= AFTER_PASSAGE:
        pytest.fail("data claims the preservation law was in force by mid-January 2026")
    r = engine.score_country("KOR", "ets185", AFTER_PASSAGE)
    assert _statuses(r)["ets185.art16"] == "missing"
    assert law.id in r.gap_bills()["ets185.art16"]


def test_korea_today_reflects_the_law_only_as_far_as_sources_say(catalog: Catalog, engine: Engine) -> None:
    law = next(p for p in catalog.country("KOR").provisions if p.lifecycle.passed == dt.date(2025, 12, 12))
    today = dt.date(2026, 11, 23)
    r = engine.score_country("KOR", "ets185", today)
    art16 = next(o for o in r.to_json()["obligations"] if o["id"] == "ets185.art16")
    e1 = next(e for e in art16["elements"] if e["id"] == "ets185.art16.e1")
    # What the data says: in force on 1 Jul 2026, read in the consolidated statute in force since then.
    assert law.lifecycle.in_force is not None and law.lifecycle.in_force <= today
    assert e1["status"] in ("in_place", "partial")
    assert law.citation in e1["provisions"] and law.id not in e1["bills"]
    # being in force is sure only when read in a primary source or in a consolidated version in force by then
    from assessment.records import verified_in_force_from

    since = verified_in_force_from(law)
    assert law.verified and since is not None and since <= today
    assert e1["verified"] is True


def test_korea_accession_timeline(catalog: Catalog) -> None:
    events = catalog.country("KOR").events
    kinds = {e.kind for e in events}
    assert {EventKind.letter_of_intent, EventKind.invitation, EventKind.law_passed} <= kinds
    passed = [e for e in events if e.kind == EventKind.law_passed]
    assert any(e.date == dt.date(2025, 12, 12) for e in passed)
    invitation = next(e for e in events if e.kind == EventKind.invitation)
    assert invitation.date.year == 2023 and invitation.precision.value in ("month", "day")


def test_status_registers_cover_the_assessed_countries(catalog: Catalog) -> None:
    register = {e.iso3: e for e in catalog.registers["ets185"].entries}
    for iso3 in ("JPN", "USA", "GBR", "DEU", "PHL"):
        assert register[iso3].status == "party", iso3
    assert register["KOR"].status == "invited"
    assert register["USA"].entry_into_force == dt.date(2007, 1, 1)
    assert "cets224" in catalog.registers


def test_korea_law_in_force_is_pinned_to_the_consolidated_text_it_was_read_in(catalog: Catalog) -> None:
    """Every Korean provision that is law (not a bill) names the consolidated version it was read in, and every
    verified finding or judgment rests on such a provision or an official source (issue 8)."""
    korea = catalog.country("KOR")
    provisions = {p.id: p for p in korea.provisions}
    law = [p for p in korea.provisions if p.bill is None]
    pinned = [p for p in law if p.text is not None]
    assert len(pinned) >= 0.95 * len(law)
    # A statute the consolidated mirror does not hold (the Telecommunications Business Act) cannot be pinned:
    # what rests on it is never shown as sure.
    assert all(not p.verified for p in law if p.text is None)
    for p in pinned:
        assert p.text.article.startswith("제") and "조" in p.text.article, p.id
        assert p.text.version.promulgated <= dt.date.today(), p.id
    for a in korea.assessments:
        for f in a.findings:
            if f.verified:
                assert provisions[f.provision].text is not None, (a.element, f.provision)


def test_no_country_tells_an_event_twice(catalog: Catalog) -> None:
    for country in catalog.countries.values():
        keys = [(e.date, e.kind, e.title) for e in country.events]
        assert len(keys) == len(set(keys)), country.iso3


# ------------------------------------------------------------------------------ the peers, read (issue 19)

PEERS = ("JPN", "USA", "GBR", "DEU", "PHL")
CHAPTER_III = tuple(range(23, 36))
#: The share of assessed ETS 185 elements each peer has verified, as this data reached it (Dec 2026). The
#: target is 90% everywhere; these floors only keep a re-read from silently losing ground: raise, never lower.
VERIFIED_FLOOR = {"JPN": 0.99, "USA": 0.95, "GBR": 0.80, "DEU": 0.97, "PHL": 0.98}


def _ets185_elements(engine: Engine, iso3: str) -> list[dict]:
    result = engine.score_country(iso3, "ets185", dt.date(2026, 12, 6)).to_json()
    return [e for o in result["obligations"] for e in o["elements"]]


@pytest.mark.parametrize("iso3", PEERS)
def test_every_peer_has_at_least_90_percent_of_ets185_assessed(engine: Engine, iso3: str) -> None:
    elements = _ets185_elements(engine, iso3)
    assessed = [e for e in elements if e["status"] != "unknown"]
    assert len(assessed) / len(elements) >= 0.9, f"{iso3}: {len(assessed)} of {len(elements)} assessed"


@pytest.mark.parametrize("iso3", PEERS)
def test_every_peer_keeps_its_verified_share(engine: Engine, iso3: str) -> None:
    assessed = [e for e in _ets185_elements(engine, iso3) if e["status"] != "unknown"]
    share = sum(e["verified"] for e in assessed) / len(assessed)
    assert share >= VERIFIED_FLOOR[iso3], f"{iso3}: {share:.0%} of assessed elements verified"


@pytest.mark.parametrize("iso3", PEERS)
def test_peers_assess_articles_29_30_33_and_34(engine: Engine, iso3: str) -> None:
    by_obligation = {
        o["id"]: o["status"]
        for o in engine.score_country(iso3, "ets185", dt.date(2026, 12, 6)).to_json()["obligations"]
    }
    for obligation in ("ets185.art29", "ets185.art30", "ets185.art33", "ets185.art34"):
        assert by_obligation[obligation] != "unknown", (iso3, obligation)


def test_no_chapter_iii_element_is_unknown_without_a_reason_naming_what_was_read(catalog: Catalog) -> None:
    chapter_iii = {
        e.id for o in catalog.treaty("ets185").obligations() if article_of(o.id) in CHAPTER_III for e in o.elements
    }
    for iso3 in PEERS:
        assessed = {a.element: a for a in catalog.country(iso3).assessments}
        for element in sorted(chapter_iii):
            a = assessed.get(element)
            assert a is not None, (iso3, element, "not assessed at all")
            if a.judgment is not None and a.judgment.status == "unknown":
                reason = a.judgment.reason.lower()
                assert len(reason) > 40 and any(
                    w in reason
                    for w in (
                        "read",
                        "found",
                        "text",
                        "section",
                        "art",
                        "§",
                        "sec.",
                        "page",
                        "source",
                        "register",
                        "statute",
                        " act",
                    )
                ), (iso3, element, reason)


def test_every_verified_finding_rests_on_an_official_text_or_a_named_copy(catalog: Catalog) -> None:
    """Issue 19: verified means read in the official text, or in a copy whose note names the version read."""
    for country in catalog.countries.values():
        sources = {s.id: s for s in country.sources}
        provisions = {p.id: p for p in country.provisions}
        for a in country.assessments:
            for f in a.findings:
                if not f.verified:
                    continue
                source = sources[f.source or provisions[f.provision].source]
                assert source.kind in ("primary", "official", "copy"), (country.iso3, a.element, source.id)
                if source.kind == "copy":
                    assert source.note and len(source.note) > 15, (
                        country.iso3,
                        a.element,
                        source.id,
                        "copy without the version read",
                    )


@pytest.mark.parametrize("iso3", PEERS + ("KOR",))
def test_every_country_records_its_legal_system_with_a_source(catalog: Catalog, iso3: str) -> None:
    legal = catalog.country(iso3).legal_system
    assert legal is not None and legal.family.value in ("civil", "common", "mixed")
    assert legal.source in {s.id for s in catalog.country(iso3).sources}
