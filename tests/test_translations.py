"""Content overlays (checklists/translations, data/translations): validated like every file, shown in Korean
beside the English, and English with a visible mark where nothing is translated."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from assessment.brief import brief_sections, country_brief
from assessment.catalog import PROJECT_ROOT, load_catalog
from assessment.problems import CatalogInvalid
from assessment.scoring import Engine
from assessment.translations import Content, korean_article

SAMPLES = Path(__file__).parent / "data" / "i18n"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped checklists and data, with the sample overlays in place of whatever translations exist."""
    root = tmp_path_factory.mktemp("i18n")
    shutil.copytree(PROJECT_ROOT / "checklists", root / "checklists", ignore=shutil.ignore_patterns("translations"))
    shutil.copytree(PROJECT_ROOT / "data", root / "data", ignore=shutil.ignore_patterns("translations"))
    shutil.copytree(SAMPLES / "checklists" / "translations", root / "checklists" / "translations")
    shutil.copytree(SAMPLES / "data" / "translations", root / "data" / "translations")
    return root


@pytest.fixture(scope="module")
def local(root: Path) -> Content:
    return Content(load_catalog(root), "ko")


def test_overlays_load_and_give_korean(local: Content) -> None:
    assert local.treaty_short("ets185") == "부다페스트 협약"
    assert local.obligation_title("ets185.art16") == "저장된 컴퓨터 데이터의 신속한 보전"
    assert local.country_name("KOR") == "대한민국"
    assert local.element("ets185.art16.e1").startswith("권한 있는 당국이")


def test_missing_korean_falls_back_to_english_with_a_mark(local: Content) -> None:
    title = local.obligation_title("ets185.art2")
    assert title.startswith("[영문] ") and len(title) > len("[영문] ")
    assert Content(local.catalog, "en").obligation_title("ets185.art2") == title.removeprefix("[영문] ")


def test_korean_citation_from_the_pinned_text_beside_the_english(local: Content) -> None:
    korea = local.catalog.countries["KOR"]
    pinned = next(p for p in korea.provisions if p.text is not None and p.text.title == "형사소송법")
    cited = local.citation("KOR", pinned)
    assert cited.startswith(f"형사소송법 {pinned.text.article}") and pinned.citation in cited
    overlay = next(p for p in korea.provisions if p.id == "kor.tba.83-3")
    assert local.citation("KOR", overlay).startswith("전기통신사업법 제83조")


@pytest.mark.parametrize(
    "article, paragraph, label", [("215-2", None, "제215조의2"), ("218", "1", "제218조 제1항"), ("x", None, None)]
)
def test_korean_article_labels(article, paragraph, label) -> None:
    assert korean_article(article, paragraph) == label


def test_unknown_keys_are_reported_as_file_line_field(root: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    shutil.copytree(root, bad)
    path = bad / "checklists" / "translations" / "ets185.ko.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  ets185.art16.e99: 없는 요소\n", encoding="utf-8")
    with pytest.raises(CatalogInvalid) as exc:
        load_catalog(bad)
    shown = [str(p) for p in exc.value.problems]
    assert any(
        "checklists/translations/ets185.ko.yaml:" in s and "elements" in s and "unknown element ets185.art16.e99" in s
        for s in shown
    ), shown


def test_korean_brief_is_korean_and_english_stays_english(root: Path) -> None:
    catalog = load_catalog(root)
    engine = Engine.from_catalog(catalog)
    ko = country_brief(catalog, engine, "KOR", "ets185", dt.date(2025, 12, 12), "ko")
    text = " ".join(f"{h} {line.lead} {line.text}" for h, lines in brief_sections(ko) for line in lines)
    assert ko.name == "대한민국" and "부다페스트 협약" in text and "2025년 12월 12일" in text and "형사소송법" in text
    en = country_brief(catalog, engine, "KOR", "ets185", dt.date(2025, 12, 12), "en")
    assert en.name == "Republic of Korea" and "[영문]" not in " ".join(
        line.text for _, lines in brief_sections(en) for line in lines
    )
