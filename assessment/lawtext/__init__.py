"""Consolidated statute texts in a folder the user points to (`kr/<title>/법률.md`): parse them, pin the
articles a country's provisions were read in, and report what changed since (`python -m assessment lawtext`).

The folder is the user's (`--texts DIR` or ASSESSMENT_LAWTEXT_DIR), never shipped: the project stores only
what was read (title, article, version, amendment tags, a hash), never the statute text itself.
"""

from .check import LawCheck, check_country, pin_country
from .parse import ArticleText, LawTextError, StatuteFile, find_statute_file, parse_statute

__all__ = [
    "ArticleText",
    "LawCheck",
    "LawTextError",
    "StatuteFile",
    "check_country",
    "find_statute_file",
    "parse_statute",
    "pin_country",
]
