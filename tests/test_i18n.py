"""The gettext catalogues: every message has a Korean translation with the same placeholders, the catalogue
matches the code (nothing marked is missing from it), and the .mo is rebuilt when the .po is newer."""

from __future__ import annotations

import re
import string

import pytest
from babel.messages.catalog import Catalog as PoCatalog
from babel.messages.extract import extract_from_dir

from assessment import i18n
from assessment.vocab import day, percent, status_badge

PO = i18n.LOCALES / "ko" / "LC_MESSAGES" / "messages.po"


def _catalogue(lang: str = "ko") -> PoCatalog:
    return i18n.read_catalogue(lang)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_message_has_a_korean_translation() -> None:
    assert i18n.untranslated("ko") == [], "run `python -m assessment.i18n extract`, then translate the new messages"


def test_translations_keep_every_placeholder() -> None:
    for m in _catalogue():
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for s in strings:
            assert _fields(s) == _fields(ids[0]), f"{ids[0]!r}: placeholders differ in {s!r}"


def test_every_marked_message_is_in_the_catalogue() -> None:
    """What Babel finds in the code now is what the .po holds: a new string cannot ship untranslated."""
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalogue() if m.id}
    root = i18n.LOCALES.parent
    found = set()
    for src in ("app_pages", "assessment"):
        for _, _, message, *_ in extract_from_dir(root / src, [("**.py", "python")], keywords=i18n.KEYWORDS):
            found.add(message if isinstance(message, str) else message[0])
    assert found - known == set(), "not in locales/ko: run `python -m assessment.i18n extract` and translate"


def test_english_and_korean_words_and_dates() -> None:
    import datetime as dt

    assert i18n.gettext("ko")("Country") == "국가"
    assert i18n.gettext("en")("Country") == "Country"
    assert status_badge("in_place", "ko") == "✓ 충족" and status_badge("in_place") == "✓ In place"
    assert day(dt.date(2025, 12, 12), "ko") == "2025년 12월 12일" and day(dt.date(2025, 12, 12)) == "12 Dec 2025"
    assert percent(None, lang="ko") == "평가 안 됨" and percent(0.625, lang="ko") == "62%"
    assert i18n.ngettext("ko")("{n} gap", "{n} gaps", 3) in ("{n} gap", "{n} gaps")  # unknown message: English


@pytest.mark.parametrize(
    "given, expected", [("ko-KR", "ko"), ("ko_KR", "ko"), ("KO", "ko"), ("en-GB", "en"), ("fr", "en"), (None, "en")]
)
def test_browser_languages_map_to_ours(given, expected) -> None:
    assert i18n.normalise(given) == expected


def test_a_stale_mo_is_compiled_again(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    locales = tmp_path / "locales"
    (locales / "ko" / "LC_MESSAGES").mkdir(parents=True)
    po = locales / "ko" / "LC_MESSAGES" / "messages.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\nmsgid "Country"\nmsgstr "국가"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "LOCALES", locales)
    i18n.reload()
    try:
        assert i18n.gettext("ko")("Country") == "국가"
        assert po.with_suffix(".mo").exists()
        po.write_text(po.read_text(encoding="utf-8").replace("국가", "나라"), encoding="utf-8")
        import os

        os.utime(po, (po.stat().st_atime, po.with_suffix(".mo").stat().st_mtime + 5))
        i18n.reload()
        assert i18n.gettext("ko")("Country") == "나라"
    finally:
        i18n.reload()


def test_no_korean_message_reads_english_terms_we_translate() -> None:
    """Standard legal terms: a Party is 당사국, a reservation 유보, a declaration 선언, preservation 보전."""
    t = i18n.gettext("ko")
    assert t("Party") == "당사국" and t("reservation") == "유보" and t("declaration") == "선언"
    assert "보전" not in t("Reserved") and re.search("[가-힣]", t("What is missing"))


def test_no_message_hides_inside_an_f_string() -> None:
    """Babel cannot see t('...') inside an f-string (one token), so such a message would never be translated."""
    root = i18n.LOCALES.parent
    hidden = []
    for path in [*root.glob("app_pages/*.py"), *root.glob("assessment/**/*.py"), root / "app.py"]:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"""f["'].*\{(t|nt|gettext\([^)]*\))\(["']""", line):
                hidden.append(f"{path.relative_to(root)}:{n}")
    assert hidden == []


def test_refusals_of_the_core_read_in_english_as_before_and_in_korean_when_said() -> None:
    """Store, model and check messages are Msgs: their text is the English as always, `say` gives the reader's language."""
    from assessment.models import Judgment
    from assessment.problems import validation_messages
    from assessment.store import PermissionDenied, User
    from assessment.vocab import Role

    kim = User("kim", Role.editor, frozenset({"KOR"}))
    with pytest.raises(PermissionDenied) as denied:
        kim.require_edit("JPN")
    assert str(denied.value) == "kim (editor) may not edit JPN"
    assert i18n.say(denied.value, "en") == "kim (editor) may not edit JPN"
    assert i18n.say(denied.value, "ko") == "kim(편집자)은 JPN을 편집할 수 없습니다"
    with pytest.raises(ValueError) as invalid:
        Judgment(status="reserved", reason="r")
    [message] = validation_messages(invalid.value)
    assert message == "value: a 'reserved' judgment must name the reservation or declaration (hook)"
    assert i18n.say(message, "ko") == "value: '유보' 판단에는 근거가 되는 유보 또는 선언을 지정해야 합니다"
