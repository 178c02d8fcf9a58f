"""The server harness the browser tests and benches share: a server that dies before answering is reported
with what it printed (its output goes to a file, which never fills up and blocks the server as a pipe can)."""

from __future__ import annotations

import pytest

from bench.harness import streamlit_server


def test_a_server_that_exits_early_is_reported_with_its_output() -> None:
    with (
        pytest.raises(RuntimeError, match=r"(?s)exited with \d+ before answering:.*no-such-option"),
        streamlit_server(args=["--server.no-such-option", "1"]),
    ):
        pass
