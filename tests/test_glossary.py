"""The Korean glossary (locales/ko/glossary.yaml): one Korean term per idea, on every surface (issue 22)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from assessment import i18n

GLOSSARY = Path(i18n.LOCALES) / "ko" / "glossary.yaml"


def _terms() -> list[dict]:
    return yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))["terms"]


def _catalogue():
    with open(Path(i18n.LOCALES) / "ko" / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale="ko")


def _strings(message) -> list[str]:
    return [message.string] if isinstance(message.string, str) else [s for s in message.string if s]


def test_the_glossary_names_one_korean_term_per_concept() -> None:
    terms = _terms()
    concepts = [t["concept"] for t in terms]
    assert len(concepts) == len(set(concepts))
    for term in terms:
        assert term["ko"] and term["en"]
        assert term["ko"] not in term.get("avoid", []), term


def test_no_catalogue_message_uses_a_word_the_glossary_avoids() -> None:
    """A concept rendered with another Korean word anywhere in the catalogue fails here."""
    avoid = {word: term["ko"] for term in _terms() for word in term.get("avoid", [])}
    found = []
    for m in _catalogue():
        for s in _strings(m):
            for word, right in avoid.items():
                if word in s and right not in s.replace(word, ""):
                    found.append((m.id, word, right))
    assert found == [], found


def test_a_glossary_term_that_is_a_catalogue_message_is_translated_with_that_term() -> None:
    catalogue = {(m.id if isinstance(m.id, str) else m.id[0]): _strings(m) for m in _catalogue() if m.id}
    checked = 0
    for term in _terms():
        strings = catalogue.get(term["en"])
        if strings:
            checked += 1
            assert strings[0] == term["ko"], (term["en"], strings[0], term["ko"])
    assert checked >= 15  # statuses, review states, roles, stages, marks ...


@pytest.mark.parametrize("kind", ["workbook", "brief"])
def test_exports_in_korean_use_no_avoided_word(catalog, engine, kind: str, tmp_path) -> None:
    avoid = [w for term in _terms() for w in term.get("avoid", [])]
    if kind == "brief":
        from docx import Document

        from assessment.brief import brief_docx, country_brief

        data = brief_docx(country_brief(catalog, engine, "KOR", "ets185", dt.date(2025, 8, 21), "ko"))
        text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    else:
        import openpyxl

        from assessment.excel.content import build_report
        from assessment.excel.export import write_report
        from assessment.excel.snapshot import from_countries
        from assessment.translations import Content

        countries = [catalog.countries["KOR"], catalog.countries["JPN"]]
        report = build_report(
            catalog.treaty("ets185"),
            countries,
            from_countries(countries),
            dt.date(2026, 12, 6),
            importable=False,
            lang="ko",
            content=Content(catalog, "ko"),
        )
        out = tmp_path / "ko.xlsx"
        write_report(report, out)
        wb = openpyxl.load_workbook(out, read_only=True)
        text = "\n".join(
            str(c)
            for ws in wb.worksheets
            if ws.title != "Lists"
            for row in ws.iter_rows(values_only=True)
            for c in row
            if c
        )
    assert [w for w in avoid if w in text] == []
