"""Issue 22: the Korean catalogue leaves no English word where the page shows it as written. The browser pass
(tests/e2e/test_korean_pages_browser.py) reads the pages; this reads the messages a page shows only in a state the
pass does not reach (the law watch switched off)."""

from __future__ import annotations

import re

from assessment import i18n


def test_korean_messages_name_the_parts_of_a_path_in_korean() -> None:
    """A folder layout in a message, 'kr/<title>/법률.md', reads 'kr/<제목>/법률.md' in Korean: the word between angle
    brackets stands for something the reader fills in, so it is in the reader's language (the Review page said
    <title> while the Law watch said <제목>)."""
    left = []
    for message in i18n.read_catalogue("ko"):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.id and any(s and re.search(r"<[A-Za-z]+>", s) for s in strings):
            left.append(message.id)
    assert not left, left
