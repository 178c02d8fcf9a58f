"""A word-level diff of two versions of an article, on the same normalised words its hash is taken from, so
that reformatting shows no difference and every reworded word does."""

from __future__ import annotations

import difflib

from .parse import normalised

#: Articles are a few hundred words; beyond this the diff (quadratic at worst) is not computed (null).
MAX_DIFF_WORDS = 10_000


def word_diff(before: str | None, after: str | None) -> list[dict] | None:
    """[{"op": "equal" | "delete" | "insert", "text": words}] turning `before` into `after`; None when either is
    missing or too long to compare."""
    if before is None or after is None:
        return None
    old, new = normalised(before).split(), normalised(after).split()
    if len(old) > MAX_DIFF_WORDS or len(new) > MAX_DIFF_WORDS:
        return None
    out: list[dict] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append({"op": "equal", "text": " ".join(old[i1:i2])})
            continue
        if i2 > i1:
            out.append({"op": "delete", "text": " ".join(old[i1:i2])})
        if j2 > j1:
            out.append({"op": "insert", "text": " ".join(new[j1:j2])})
    return out
