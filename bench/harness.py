"""Start the real app on a free loopback port and drive Debian's Chromium with Playwright (never a
downloaded browser). Shared by the browser tests and bench/run.py."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def wait_healthy(base: str, proc: subprocess.Popen, timeout: float = 60, log=None) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = ""
            if log is not None:
                log.seek(0)
                out = log.read().decode(errors="replace")
            raise RuntimeError(f"streamlit exited with {proc.returncode} before answering:\n{out}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"{base}/_stcore/health did not answer within {timeout} s")


@contextmanager
def streamlit_server(
    script: Path | str = PROJECT / "serve.py",
    env: dict[str, str] | None = None,
    cwd: Path = PROJECT,
    port: int | None = None,
    args: list[str] | None = None,
) -> Iterator[str]:
    """Run `streamlit run script` on a loopback port (free unless given; extra `args` are Streamlit options such
    as --secrets.files); yields the base URL once /_stcore/health answers."""
    port = port or free_port()
    base = f"http://{LOOPBACK}:{port}"
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.headless",
        "true",
        "--server.address",
        LOOPBACK,
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        *(args or []),
    ]
    # The server's output goes to a file, not a pipe: nobody reads a pipe while the tests run, and a server that
    # logged more than the pipe holds (64 KiB) would block mid-request. The file is shown if the server dies.
    with tempfile.TemporaryFile(prefix="accession-streamlit-") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_healthy(base, proc, log=log)
            yield base
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)  # our own process group only
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


@contextmanager
def chromium() -> Iterator[object]:
    """Playwright's Chromium driver pointed at Debian's /usr/bin/chromium. Fails (never skips) without it."""
    if not CHROMIUM.exists():
        raise RuntimeError(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); .ci/run does this. "
            "The browser tests never download a browser of their own."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
