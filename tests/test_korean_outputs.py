"""Korean outside the browser: the PDF brief's text (read back with pdftotext) holds the Korean that was
written, the Word brief is tagged Korean, and a Korean workbook round trip is clean, one edit one change,
with errors in Korean."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from excel_helpers import edit, workspace_of

from assessment.brief import brief_docx, brief_pdf, brief_sections, country_brief, find_pdf_fonts
from assessment.catalog import Catalog
from assessment.excel import export_workbook, read_workbook
from assessment.excel import layout as L
from assessment.i18n import gettext
from assessment.store import Store

WHEN = dt.date(2025, 12, 12)


@pytest.fixture(scope="module")
def korean_brief(catalog, engine):
    return country_brief(catalog, engine, "KOR", "ets185", WHEN, "ko")


@pytest.mark.skipif(
    shutil.which("pdftotext") is None or find_pdf_fonts() is None,
    reason="scripts/test installs fonts-nanum and poppler-utils",
)
def test_korean_pdf_text_holds_the_korean_written(korean_brief, tmp_path: Path) -> None:
    path = tmp_path / "brief.pdf"
    path.write_bytes(brief_pdf(korean_brief))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    squashed = "".join(text.split())
    for heading, _lines in brief_sections(korean_brief):
        assert "".join(heading.split()) in squashed
    for needle in ("형사소송법", "2025년12월12일", "핵심미비사항", "현황", "해소할법률안"):
        assert needle in squashed, needle
    assert "( : , )" not in text


def test_word_brief_is_editable_korean(korean_brief) -> None:
    from docx import Document

    data = brief_docx(korean_brief)
    doc = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "형사소송법" in text and "미비사항" in text
    styles = zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml").decode()
    assert 'w:val="ko-KR"' in styles  # tagged Korean: Word picks the reader's own Korean font


@pytest.fixture
def store(catalog: Catalog, tmp_path: Path):
    st = Store.open(catalog, f"sqlite:///{tmp_path}/ko.sqlite")
    yield st
    st.engine.dispose()


def test_korean_workbook_round_trip_is_clean_and_one_edit_is_one_change(
    store: Store, catalog: Catalog, tmp_path: Path
) -> None:
    path = tmp_path / "ko.xlsx"
    export_workbook(workspace_of(store, catalog), ["KOR"], "ets185", WHEN, path, store=store, lang="ko")
    wb = openpyxl.load_workbook(path, read_only=True)
    assert wb.sheetnames[:3] == ["안내", "요약", "미비사항"] and "평가" in wb.sheetnames
    rows = list(wb["평가"].iter_rows(values_only=True))
    readme = " ".join(str(c) for r in wb["안내"].iter_rows(values_only=True) for c in r if c)
    wb.close()
    header = rows[0]
    assert header[:4] == ("요소 ID", "국가", "버전", "상태") and "범례" in readme and "점수 산정 방법" in readme
    plan = read_workbook(path, workspace_of(store, catalog), store)
    assert plan.to_json() == {"changes": [], "conflicts": [], "errors": []}

    r = next(i for i, row in enumerate(rows[1:], start=2) if row[3] in ("충족", "부분 충족") and not row[6])
    source = catalog.countries["KOR"].sources[0].id
    edited = edit(path, {f"D{r}": "해당 없음", f"G{r}": "국내 법체계상 해당되지 않음.", f"H{r}": source}, sheet="평가")
    plan = read_workbook(edited, workspace_of(store, catalog), store)
    assert not plan.errors and not plan.conflicts
    assert len(plan.changes) == 1 and plan.changes[0].fields["status"][1] == "not_applicable"

    wrong = edit(path, {f"D{r}": "아마도"}, out=tmp_path / "wrong.xlsx", sheet="평가")
    plan = read_workbook(wrong, workspace_of(store, catalog), store)
    assert plan.errors and plan.errors[0].sheet == "평가"
    assert "상태 '아마도'은(는) 다음 중 하나가 아닙니다" in plan.errors[0].reason


def test_english_workbook_still_reads_codes(store: Store, catalog: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "en.xlsx"
    export_workbook(workspace_of(store, catalog), ["KOR"], "ets185", WHEN, path, store=store)
    assert L.sheet(L.ASSESSMENT, "en") in openpyxl.load_workbook(path, read_only=True).sheetnames
    assert (
        L.status_code("해당 없음")
        == L.status_code("not_applicable")
        == L.status_code("Not applicable")
        == "not_applicable"
    )
    assert gettext("ko")(L.SHEET_NAMES[L.ASSESSMENT]) == "평가"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_draft_brief_says_so_in_the_word_and_pdf_files(catalog, engine, lang: str, tmp_path: Path) -> None:
    import dataclasses

    from docx import Document

    from assessment.vocab import DRAFT_MARK

    mark = gettext(lang)(DRAFT_MARK).capitalize()
    approved = country_brief(catalog, engine, "KOR", "ets185", WHEN, lang)
    draft = dataclasses.replace(approved, draft=True)
    words = {
        b.draft: "\n".join(p.text for p in Document(io.BytesIO(brief_docx(b))).paragraphs) for b in (approved, draft)
    }
    assert mark in words[True] and mark not in words[False]
    if shutil.which("pdftotext") and find_pdf_fonts() is not None:
        path = tmp_path / "draft.pdf"
        path.write_bytes(brief_pdf(draft))
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        assert "".join(mark.split()) in "".join(text.split())
