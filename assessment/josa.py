"""Korean particles that depend on the word before them (은/는, 이/가, 을/를, 과/와, 으로/로).

Catalogue messages write both forms, '{country}은(는)', because the word is only known when the message is
filled in; `attach` picks the right one from the last sound of that word, as a person would write it:
'대한민국과', '일본은', '형사소송법 제215조의2를'. A Latin code is read letter by letter as Korean reads
acronyms ('KOR을', 'ETS를'); a Latin word by the endings whose sound is sure ('minji가', 'kim은'); where the
sound cannot be known (an id ending in punctuation, 'park'), both forms stay.
"""

from __future__ import annotations

import re

_PAIRS = {
    "은(는)": ("은", "는"),
    "는(은)": ("은", "는"),
    "이(가)": ("이", "가"),
    "가(이)": ("이", "가"),
    "을(를)": ("을", "를"),
    "를(을)": ("을", "를"),
    "과(와)": ("과", "와"),
    "와(과)": ("과", "와"),
    "(으)로": ("으로", "로"),
}
_PATTERN = re.compile("|".join(re.escape(k) for k in _PAIRS))
# Korean readings of the last digit: does it end in a final consonant, and is that consonant ㄹ?
_DIGIT_FINAL = {
    "0": (True, False),
    "1": (True, True),
    "2": (False, False),
    "3": (True, False),
    "4": (False, False),
    "5": (False, False),
    "6": (True, False),
    "7": (True, True),
    "8": (True, True),
    "9": (False, False),
}
_RIEUL = 8  # index of ㄹ among the final consonants of a Hangul syllable
# Latin letters as Korean reads an acronym letter by letter (KOR: 케이오알, ETS: 이티에스): the last letter's name.
_LETTER_FINAL = {c: (True, c == "L" or c == "R") for c in "LMNR"} | {
    c: (False, False) for c in "ABCDEFGHIJKOPQSTUVWXYZ"
}
# A Latin word read as a word (minji, kim, paul): the endings whose Korean sound is sure; others stay unresolved.
_WORD_FINAL = {
    "a": (False, False),
    "e": (False, False),
    "i": (False, False),
    "o": (False, False),
    "u": (False, False),
    "y": (False, False),
    "m": (True, False),
    "n": (True, False),
    "l": (True, True),
}


def _final(text: str) -> tuple[bool, bool] | None:
    """(has a final consonant, it is ㄹ) for the sound that ends `text`, or None when it cannot be read."""
    text = text.rstrip()
    while text.endswith(")") and "(" in text:  # 'UN 협약(2024)을' reads the word before the brackets
        text = text[: text.rindex("(")].rstrip()
    if not text:
        return None
    last = text[-1]
    if "가" <= last <= "힣":
        final = (ord(last) - 0xAC00) % 28
        return final != 0, final == _RIEUL
    if last.isascii() and last.isalpha():
        word = re.search(r"[A-Za-z]+$", text).group()
        if word.isupper() and len(word) <= 5:  # an acronym or code, read letter by letter
            return _LETTER_FINAL.get(last)
        if word.lower().endswith("ng"):
            return True, False
        return _WORD_FINAL.get(last.lower())
    return _DIGIT_FINAL.get(last)


def attach(text: str) -> str:
    """Every 'X은(는)'-style pair in `text` resolved against the word before it."""
    out, pos = [], 0
    for m in _PATTERN.finditer(text):
        sound = _final(text[: m.start()])
        out.append(text[pos : m.start()])
        if sound is None:
            out.append(m.group())
        else:
            with_final, without = _PAIRS[m.group()]
            has_final, rieul = sound
            if m.group() == "(으)로":
                out.append("으로" if has_final and not rieul else "로")
            else:
                out.append(with_final if has_final else without)
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


class KoreanMessage(str):
    """A translated message whose .format() also resolves the particles of the words filled in."""

    def format(self, *args: object, **kwargs: object) -> str:
        return attach(str.format(self, *args, **kwargs))
