"""Curated content in the reader's language: the overlays of checklists/translations/ and data/translations/
(format: docs/data-format.md), with English as the fallback, marked so a reader sees it is not translated.

`Content(catalog, "ko")` answers every text the surfaces show from the data (treaty, chapter, obligation and
element texts, reservations, a country's name, summary, provisions, bills and events). Statute names and
article labels in Korean come first from a provision's pinned consolidated text (`Provision.text`: 형사소송법
제215조의2), then from the overlay's statute name. English readers get the English documents unchanged.
"""

from __future__ import annotations

import functools
import re

from .catalog import Catalog
from .i18n import gettext, normalise
from .models import Country, CountryEvent, CountryTranslation, Hook, Obligation, Provision, TreatyTranslation


@functools.cache
def territory_name(iso3: str, lang: str) -> str | None:
    """A country's or territory's name in `lang` from Unicode CLDR (Babel's data): ISO 3166 alpha-3 to alpha-2
    through CLDR's own code mapping, then the locale's territory names. None where CLDR has no entry."""
    from babel import Locale
    from babel.core import get_global

    aliases = get_global("territory_aliases").get(iso3.upper())
    if not aliases:
        return None
    try:
        return Locale.parse(lang).territories.get(aliases[0])
    except (ValueError, LookupError):
        return None


def _hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)


#: A source title that carries a Korean statute's own title after the English one: 'Criminal Procedure Act
#: (형사소송법), consolidated text'. The bracket holds Hangul and no Latin letter; the English before it no Hangul.
_KOREAN_TITLE = re.compile(
    r"^(?P<english>[^()\uac00-\ud7a3]+?) \((?P<korean>[^()A-Za-z]*[\uac00-\ud7a3][^()A-Za-z]*)\)(?P<rest>.*)$", re.S
)


#: Countries whose law numbers inserted articles as 'N-M' (제N조의M). Elsewhere 'N-M' is a range of sections.
KOREAN_NUMBERING = frozenset({"KOR"})


def foreign_article(article: str | None, paragraph: str | None = None) -> str | None:
    """A foreign section cited in Korean: '13' -> '제13조', '3-4' -> '제3조부터 제4조까지'; other shapes ('2703',
    '100g', 'section 57') are kept as the source numbers them, so nothing is renumbered by guess."""
    if not article:
        return None
    text = article.strip()
    if re.fullmatch(r"\d+", text):
        label = f"제{text}조"
    elif m := re.fullmatch(r"(\d+)-(\d+)", text):
        label = f"제{m.group(1)}조부터 제{m.group(2)}조까지"
    elif m := re.fullmatch(r"(\d+)([a-zA-Z]{1,3})", text):  # German § 202a, UK s. 3ZA: the letters stay as printed
        label = f"제{m.group(1)}조{m.group(2)}"
    else:
        label = text
    return label + (f" 제{paragraph.strip()}항" if paragraph and paragraph.strip().isdigit() else "")


def korean_article(article: str | None, paragraph: str | None = None) -> str | None:
    """'215-2' -> '제215조의2', '218' + paragraph '1' -> '제218조 제1항': the Korean way to cite an article."""
    if not article:
        return None
    m = re.fullmatch(r"(\d+)(?:-(\d+))?", article.strip())
    if not m:
        return None
    label = f"제{m.group(1)}조" + (f"의{m.group(2)}" if m.group(2) else "")
    if paragraph and paragraph.strip().isdigit():
        label += f" 제{paragraph.strip()}항"
    return label


class Content:
    """Every data text in one language (English documents when `lang` is en)."""

    def __init__(self, catalog: Catalog, lang: str | None):
        self.catalog = catalog
        self.lang = normalise(lang)
        self.t = gettext(self.lang)

    @property
    def english(self) -> bool:
        return self.lang == "en"

    def fallback(self, english: str) -> str:
        """English shown where no translation exists, with a visible mark: '[영문] Expedited preservation'."""
        return english if self.english or not english else self.t("[English] {text}").format(text=english)

    def _pick(self, translated: str | None, english: str) -> str:
        return translated if translated and not self.english else self.fallback(english)

    # ---------------------------------------------------------------------------------------- treaties

    def _treaty(self, treaty_id: str) -> TreatyTranslation | None:
        return None if self.english else self.catalog.treaty_translations.get((treaty_id, self.lang))

    def treaty_title(self, treaty_id: str) -> str:
        tr = self._treaty(treaty_id)
        return self._pick(tr.title if tr else None, self.catalog.treaty(treaty_id).title)

    def treaty_short(self, treaty_id: str) -> str:
        tr = self._treaty(treaty_id)
        return self._pick(tr.short_title if tr else None, self.catalog.treaty(treaty_id).short_title)

    def chapter(self, treaty_id: str, chapter_id: str, english: str) -> str:
        tr = self._treaty(treaty_id)
        return self._pick(tr.chapters.get(chapter_id) if tr else None, english)

    def section(self, treaty_id: str, section_id: str, english: str) -> str:
        tr = self._treaty(treaty_id)
        return self._pick(tr.sections.get(section_id) if tr else None, english)

    def article_title(self, treaty_id: str, number: str, english: str) -> str:
        tr = self._treaty(treaty_id)
        found = tr.articles.get(number) if tr else None
        return self._pick(found.title if found else None, english)

    def obligation_title(self, o: Obligation | str) -> str:
        o = self.catalog.obligations[o] if isinstance(o, str) else o
        tr = self._treaty(o.id.split(".")[0])
        found = tr.obligations.get(o.id) if tr else None
        return self._pick(found.title if found else None, o.title)

    def obligation_summary(self, o: Obligation | str) -> str:
        o = self.catalog.obligations[o] if isinstance(o, str) else o
        tr = self._treaty(o.id.split(".")[0])
        found = tr.obligations.get(o.id) if tr else None
        return self._pick(found.summary if found else None, o.summary)

    def element(self, element_id: str) -> str:
        tr = self._treaty(element_id.split(".")[0])
        return self._pick(tr.elements.get(element_id) if tr else None, self.catalog.elements[element_id].text)

    def hook_summary(self, h: Hook) -> str:
        tr = self._treaty(h.id.split(".")[0])
        found = tr.hooks.get(h.id) if tr else None
        return self._pick(found.summary if found else None, h.summary)

    def hook_effect(self, h: Hook) -> str:
        tr = self._treaty(h.id.split(".")[0])
        found = tr.hooks.get(h.id) if tr else None
        return self._pick(found.effect if found else None, h.effect)

    # --------------------------------------------------------------------------------------- countries

    def _country(self, iso3: str) -> CountryTranslation | None:
        return None if self.english else self.catalog.country_translations.get((iso3, self.lang))

    def country_name(self, c: Country | str, english: str | None = None) -> str:
        """The country's name in this language: CLDR's (through Babel) for any ISO 3166 code, else the country
        overlay's, else the English name (a name is a name: no mark, it reads the same)."""
        iso3 = c if isinstance(c, str) else c.iso3
        if english is None:
            english = self.catalog.countries[iso3].name if iso3 in self.catalog.countries else iso3
        if self.english:
            return english
        cldr = territory_name(iso3, self.lang)
        if cldr:
            return cldr
        tr = self._country(iso3)
        return tr.name if tr and tr.name else english

    def country_summary(self, c: Country) -> str | None:
        if not c.summary:
            return None
        tr = self._country(c.iso3)
        return self._pick(tr.summary if tr else None, c.summary)

    def _provision(self, iso3: str, pid: str):
        tr = self._country(iso3)
        return tr.provisions.get(pid) if tr else None

    def local_citation(self, iso3: str, p: Provision) -> str | None:
        """The citation as the law writes it ('형사소송법 제215조의2'), when the data has it in this language."""
        if self.english:
            return None
        if p.text is not None and self.lang == "ko" and _hangul(p.text.title):  # a peer's pinned text is not Korean
            return p.text.label + (f" 제{p.paragraph}항" if p.paragraph and p.paragraph.isdigit() else "")
        found = self._provision(iso3, p.id)
        if found and found.statute:
            article = (
                (korean_article if iso3 in KOREAN_NUMBERING else foreign_article)(p.article, p.paragraph)
                if self.lang == "ko"
                else None
            )
            return f"{found.statute} {article}" if article else found.statute
        return None

    def citation(self, iso3: str, p: Provision) -> str:
        """'형사소송법 제215조의2 (Criminal Procedure Act, Art. 215-2)' in Korean; the English citation in English."""
        local = self.local_citation(iso3, p)
        if self.english:
            return p.citation
        return f"{local} ({p.citation})" if local else self.fallback(p.citation)

    def statute_name(self, iso3: str, p: Provision) -> str:
        """The statute's name in this language where the data has it ('형사소송법'), else as the data writes it."""
        found = self._provision(iso3, p.id)
        return found.statute if found and found.statute and not self.english else p.statute

    def provision_summary(self, iso3: str, p: Provision) -> str:
        found = self._provision(iso3, p.id)
        return self._pick(found.summary if found else None, p.summary)

    def bill_sponsor(self, iso3: str, p: Provision) -> str | None:
        """Who sponsored a bill, in this language where the overlay names them ('조배숙 의원(국민의힘) 외 9인'),
        else as the data writes it (a name is a name: no mark)."""
        english = p.bill.sponsor if p.bill else None
        tr = self._country(iso3)
        local = tr.sponsors.get(p.id) if tr else None
        return local or english

    def source_title(self, title: str) -> str:
        """A source's title as it opens in this language: in Korean, a Korean statute's own title first, where the
        source's title carries it ('형사소송법 (Criminal Procedure Act), consolidated text'); otherwise as written."""
        if self.lang != "ko":
            return title
        m = _KOREAN_TITLE.match(title)
        return f"{m['korean']} ({m['english']}){m['rest']}" if m else title

    def bill_title(self, iso3: str, p: Provision) -> str | None:
        english = p.bill.title if p.bill and p.bill.title else None
        tr = self._country(iso3)
        local = tr.bills.get(p.id) if tr else None
        if local:
            return local
        return self.fallback(english) if english else None

    def judgment_reason(self, iso3: str, element: str, english: str) -> str:
        tr = self._country(iso3)
        return self._pick(tr.judgments.get(element) if tr else None, english)

    def assessment_note(self, iso3: str, element: str, english: str) -> str:
        tr = self._country(iso3)
        return self._pick(tr.notes.get(element) if tr else None, english)

    def position_author(self, iso3: str, position_id: str, english: str) -> str:
        """Who said it, in this language (a ministry's or a member's name is a name: no mark)."""
        tr = self._country(iso3)
        local = tr.position_authors.get(position_id) if tr else None
        return local or english

    def position_summary(self, iso3: str, position_id: str, english: str) -> str:
        tr = self._country(iso3)
        return self._pick(tr.positions.get(position_id) if tr else None, english)

    def event_title(self, iso3: str, e: CountryEvent) -> str:
        """The event's title in this language: matched by date and kind, and among several events of one day and
        kind by their order in the file (a Party deposits several reservations on one day)."""
        tr = self._country(iso3)
        if tr is None:
            return self._pick(None, e.title)
        same = (
            [x for x in self.catalog.countries[iso3].events if x.date == e.date and x.kind == e.kind]
            if iso3 in self.catalog.countries
            else [e]
        )
        rank = next((i for i, x in enumerate(same) if x is e or x == e), 0)
        local = [x.title for x in tr.events if x.date == e.date and x.kind == e.kind]
        return self._pick(local[rank] if rank < len(local) else None, e.title)


def coverage(catalog: Catalog, lang: str) -> dict[str, tuple[int, int]]:
    """How much curated content has a translation: kind -> (translated, total), for the closing counts."""
    out: dict[str, tuple[int, int]] = {}
    for tid, t in catalog.treaties.items():
        tr = catalog.treaty_translations.get((tid, lang))
        obligations = list(t.obligations())
        elements = [e for o in obligations for e in o.elements]
        hooks = [h for o in obligations for h in o.hooks]
        out[f"{tid} obligations"] = (
            sum(1 for o in obligations if tr and o.id in tr.obligations and tr.obligations[o.id].title),
            len(obligations),
        )
        out[f"{tid} elements"] = (sum(1 for e in elements if tr and e.id in tr.elements), len(elements))
        out[f"{tid} reservations/declarations"] = (sum(1 for h in hooks if tr and h.id in tr.hooks), len(hooks))
    for iso3, c in catalog.countries.items():
        tr = catalog.country_translations.get((iso3, lang))
        out[f"{iso3} provisions with a {lang} citation"] = (
            sum(
                1
                for p in c.provisions
                if (lang == "ko" and p.text) or (tr and p.id in tr.provisions and tr.provisions[p.id].statute)
            ),
            len(c.provisions),
        )
        out[f"{iso3} provision summaries"] = (
            sum(1 for p in c.provisions if tr and p.id in tr.provisions and tr.provisions[p.id].summary),
            len(c.provisions),
        )
        out[f"{iso3} events"] = (len(tr.events) if tr else 0, len(c.events))
    return out
