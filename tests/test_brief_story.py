"""The brief tells the story on its own (issue 20): what changed, how Parties provide what is missing, who
says otherwise, and for a past date every step since, read back from the PDF and the Word file in both
languages, for today and for 21 Aug 2025."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest

from assessment.brief import brief_docx, brief_pdf, country_brief, find_pdf_fonts

TODAY = dt.date.today()
THEN = dt.date(2025, 8, 21)

#: What each brief must say, squashed (no white space), so a line break in the PDF cannot hide it.
STORY = {
    "en": [
        "WhatchangedAct No. 21241".replace(" ", ""),
        "Act No. 21857".replace(" ", ""),
        "1Jul2026",
        "Art.215-2",
        "Otherviews",
        "MinistryofJustice",
        "HowPartiesprovideit",
        "Art.29",
        "Art.30",
    ],
    "ko": [
        "변경내용",
        "법률제21241호",
        "제21857호",
        "2026년7월1일",
        "제215조의2",
        "다른견해",
        "법무부",
        "외국입법례",
        "제29조",
        "제30조",
    ],
}


def _squash(text: str) -> str:
    return "".join(text.split())


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "brief.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _docx_text(data: bytes) -> str:
    from docx import Document

    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def _texts(catalog, engine, as_of: dt.date, lang: str, tmp_path: Path) -> list[str]:
    b = country_brief(catalog, engine, "KOR", "ets185", as_of, lang)
    texts = [_docx_text(brief_docx(b))]
    if shutil.which("pdftotext") and find_pdf_fonts():
        texts.append(_pdf_text(brief_pdf(b), tmp_path))
    elif __import__("os").environ.get("CI"):
        pytest.fail("CI must read the PDF back: scripts/test installs poppler-utils and fonts-nanum")
    return texts


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_todays_brief_tells_the_preservation_story_and_the_other_views(
    catalog, engine, lang: str, tmp_path: Path
) -> None:
    for text in _texts(catalog, engine, TODAY, lang, tmp_path):
        squashed = _squash(text)
        for needle in STORY[lang]:
            needle = needle if lang == "ko" else needle.replace("WhatchangedAct", "Act")
            assert _squash(needle) in squashed, (lang, needle)
        differs = "Thisassessmentdifferson" if lang == "en" else "견해가다릅니다"
        assert differs in squashed  # the Ministry's 'ready' is set plainly beside the gaps
        assert ("Sincethen" if lang == "en" else "그이후") not in squashed  # nothing after today


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_brief_for_august_2025_lists_every_later_step_and_points_nowhere_else(
    catalog, engine, lang: str, tmp_path: Path
) -> None:
    for text in _texts(catalog, engine, THEN, lang, tmp_path):
        squashed = _squash(text)
        since = "Sincethen,downto" if lang == "en" else "그이후"
        assert since in squashed
        later = squashed[squashed.index(since) :]
        steps = (
            ["Actno.21241", "1Jul2026", "Act No. 21857", "12Dec2025"]
            if lang == "en"
            else ["법률제21241호", "2026년7월1일", "제21857호", "2025년12월12일"]
        )
        for needle in steps:
            assert _squash(needle).lower() in later.lower(), (lang, needle)
        assert "timeline" not in squashed.lower() and "타임라인" not in squashed  # never "see the page"
        # on that date the preservation bill was only a bill: Art. 16 is a gap whose bill is named
        assert ("Art.16" if lang == "en" else "제16조") in squashed[: squashed.index(since)]
        # judgments written later than the date carry their own date
        assert ("Judgedon" if lang == "en" else "이판단은") in squashed
