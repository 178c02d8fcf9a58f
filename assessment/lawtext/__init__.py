"""Consolidated statute texts in a folder the user points to (`kr/<title>/법률.md`): parse them, pin the
articles a country's provisions were read in, and report what changed since (`python -m assessment lawtext`).

The folder is the user's (`--texts DIR` or ASSESSMENT_LAWTEXT_DIR), never shipped: the project stores only
what was read (title, article, version, amendment tags, a hash), never the statute text itself. When the folder
is a git checkout, the text an article had in the pinned version is read from its history (`before`), and
`lawtext update` pulls it.
"""

from .check import LawCheck, check_country, pin_country
from .diff import word_diff
from .parse import ArticleText, LawTextError, StatuteFile, find_statute_file, parse_statute
from .update import Updated, UpdateRefused, update_checkout

__all__ = [
    "ArticleText",
    "LawCheck",
    "LawTextError",
    "StatuteFile",
    "UpdateRefused",
    "Updated",
    "check_country",
    "find_statute_file",
    "parse_statute",
    "pin_country",
    "update_checkout",
    "word_diff",
]
