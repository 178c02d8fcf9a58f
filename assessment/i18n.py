"""Languages of the product: gettext catalogues under locales/<lang>/LC_MESSAGES/messages.po, no streamlit.

Every string a person reads goes through the translator of the reader's language:

    t = i18n.gettext("ko")
    t("Readiness today")                      # '오늘의 준비도'
    i18n.ngettext("ko")("{n} gap", "{n} gaps", 3).format(n=3)

`N_("...")` marks a string for extraction where it is defined (vocabulary tables) and is translated where it is
shown. Babel extracts (`python -m assessment.i18n extract`) and compiles; a missing or stale .mo is compiled
from its .po the first time a language is used, so a fresh clone, `scripts/test` and `streamlit run` all read
the current catalogue without a separate build step.
"""

from __future__ import annotations

import contextlib
import gettext as _gettext
import io
import threading
from collections.abc import Callable
from pathlib import Path

LOCALES = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
LANGUAGES: tuple[str, ...] = ("en", "ko")
DEFAULT = "en"
#: How the language switch names each language (always in that language).
LANGUAGE_NAMES = {"en": "English", "ko": "한국어"}

_lock = threading.Lock()
_cache: dict[str, _gettext.NullTranslations] = {}


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it here (it is translated where it is shown)."""
    return message


class Msg(str):
    """A message for people raised or returned by the domain core, before anyone knows the reader's language.

    It *is* its English text (so logs, the CLI, JSON, English pages and tests read it exactly as before) and also
    keeps the catalogue message it came from and the values filled in, so a page can say it again in the
    reader's language: `say(Msg("{name} may not edit {iso}", name=..., iso=...), "ko")`. Values that are Msgs
    are said too. `Msg.word("in_review", N_("In review"))` is a code that reads as its label in other languages.
    Extracted by Babel under this name (first argument)."""

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, /, **values: object) -> Msg:
        return cls._make(template.format(**values), template, values)

    @classmethod
    def word(cls, english: str, template: str) -> Msg:
        """`english` as it is (a code, a name) in English; `template` translated in any other language."""
        return cls._make(english, template, {})

    @classmethod
    def _make(cls, text: str, template: str, values: dict[str, object]) -> Msg:
        self = str.__new__(cls, text)
        self.template, self.values = template, values
        return self

    def __reduce__(self):  # pickled (session state, worker processes) as itself, not as a plain str
        return (Msg._make, (str(self), self.template, self.values))


def say(text: object, lang: str | None) -> str:
    """`text` in `lang` when it is a Msg (or an exception raised with one), else its text as it is. English is
    always the text as raised."""
    if isinstance(text, BaseException):
        args = getattr(text, "args", ())
        text = args[0] if len(args) == 1 and isinstance(args[0], Msg) else str(text)
    if not isinstance(text, Msg) or normalise(lang) == DEFAULT:
        return str(text)
    values = {k: say(v, lang) if isinstance(v, Msg) else v for k, v in text.values.items()}
    return gettext(lang)(text.template).format(**values)


def normalise(lang: str | None) -> str:
    """'ko-KR', 'ko_KR', 'KO' -> 'ko'; anything unknown (or None) -> English."""
    code = (lang or "").replace("_", "-").split("-")[0].strip().lower()
    return code if code in LANGUAGES else DEFAULT


def _po(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(lang: str):  # type: ignore[no-untyped-def]
    """locales/<lang>/LC_MESSAGES/messages.po, parsed (a babel Catalog)."""
    from babel.messages.pofile import read_po

    with _po(lang).open("rb") as f:
        return read_po(f, locale=lang)


def compile_catalogue(lang: str, *, write: bool = True) -> bytes:
    """Compile locales/<lang>/.../messages.po to .mo bytes (and write the .mo beside it when we can)."""
    from babel.messages.mofile import write_mo

    catalogue = read_catalogue(lang)
    buf = io.BytesIO()
    write_mo(buf, catalogue, use_fuzzy=False)
    data = buf.getvalue()
    if write:
        with contextlib.suppress(OSError):  # a read-only install still works: the catalogue is used from memory
            _po(lang).with_suffix(".mo").write_bytes(data)
    return data


def translations(lang: str | None) -> _gettext.NullTranslations:
    """The compiled catalogue of `lang` (compiled from its .po first if the .mo is missing or older)."""
    lang = normalise(lang)
    with _lock:
        if lang in _cache:
            return _cache[lang]
        po, mo = _po(lang), _po(lang).with_suffix(".mo")
        if not po.exists():
            found: _gettext.NullTranslations = _gettext.NullTranslations()
        elif mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            found = _gettext.GNUTranslations(io.BytesIO(mo.read_bytes()))
        else:
            found = _gettext.GNUTranslations(io.BytesIO(compile_catalogue(lang)))
        _cache[lang] = found
        return found


def gettext(lang: str | None) -> Callable[[str], str]:
    """The translating function of `lang`: t('Country') -> '국가'. English returns the message itself. Korean
    messages resolve their particles once filled in: t('{country} and the {treaty}').format(...) -> '대한민국과 ...'."""
    found = translations(lang).gettext
    if normalise(lang) != "ko":
        return found
    from .josa import KoreanMessage

    return lambda message: KoreanMessage(found(message))


def ngettext(lang: str | None) -> Callable[[str, str, int], str]:
    """Plural-aware translation: nt('{n} gap', '{n} gaps', n)."""
    return translations(lang).ngettext


def reload() -> None:
    """Forget the compiled catalogues (tests that edit a .po, or after `compile`)."""
    with _lock:
        _cache.clear()


# --------------------------------------------------------------------------------------------- maintenance

KEYWORDS = {"t": None, "N_": None, "Msg": None, "nt": (1, 2), "gettext": None, "ngettext": (1, 2)}
SOURCES = ("app.py", "app_pages", "assessment")


def extract() -> None:
    """Extract every marked message into locales/messages.pot and merge it into each language's .po."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import write_po

    root = LOCALES.parent
    template = Catalog(project="Accession Readiness", charset="utf-8")
    method_map = [("**.py", "python")]
    for src in SOURCES:
        path = root / src
        found = extract_from_dir(path, method_map, keywords=KEYWORDS) if path.is_dir() else _extract_file(path)
        for filename, lineno, message, comments, context in found:
            ref = str((path / filename).relative_to(root)) if path.is_dir() else src
            template.add(message, None, [(ref, lineno)], auto_comments=comments, context=context)
    with (LOCALES / f"{DOMAIN}.pot").open("wb") as f:
        write_po(f, template, width=120, omit_header=False, sort_output=False)
    for lang in LANGUAGES:
        po = _po(lang)
        po.parent.mkdir(parents=True, exist_ok=True)
        catalogue = (
            read_catalogue(lang)
            if po.exists()
            else Catalog(locale=lang, project="Accession Readiness", charset="utf-8")
        )
        catalogue.update(template, no_fuzzy_matching=True)
        catalogue.fuzzy = False  # the header is ours, not a guess: a fuzzy header would be left out of the .mo
        catalogue.last_translator = "Accession Readiness project (our own translation)"
        with po.open("wb") as f:
            write_po(f, catalogue, width=120, ignore_obsolete=True)
        compile_catalogue(lang)
    reload()


def _extract_file(path: Path):
    from babel.messages.extract import extract

    with path.open("rb") as f:
        for lineno, message, comments, context in extract("python", f, keywords=KEYWORDS):
            yield path.name, lineno, message, comments, context


def untranslated(lang: str) -> list[str]:
    """Messages of `lang`'s catalogue that have no translation (or only a fuzzy one)."""
    catalogue = read_catalogue(lang)
    out = []
    for m in catalogue:
        if not m.id:
            continue
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if m.fuzzy or not all(strings):
            out.append(m.id if isinstance(m.id, str) else m.id[0])
    return out


def main(argv: list[str] | None = None) -> int:
    import sys

    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["extract"]:
        extract()
    elif args[:1] == ["compile"]:
        for lang in LANGUAGES:
            compile_catalogue(lang)
    elif args[:1] == ["check"]:
        missing = untranslated("ko")
        for m in missing:
            print(f"locales/ko/LC_MESSAGES/{DOMAIN}.po: no Korean translation: {m!r}")
        return 1 if missing else 0
    else:
        print("usage: python -m assessment.i18n extract|compile|check", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
