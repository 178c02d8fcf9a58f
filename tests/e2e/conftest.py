"""What every browser test module shares: the real app on a free loopback port (one server per module, on the
tests' throwaway ASSESSMENT_DATABASE_URL) and Debian's Chromium. A module that needs another server (single
sign-on) defines its own `base`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.harness import chromium, streamlit_server


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as b:
        yield b
