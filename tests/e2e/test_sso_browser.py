"""Single sign-on end to end in Debian's headless Chromium against a real OpenID Connect provider on loopback
(oidc-provider-mock, started here): st.login, the identity's e-mail mapped to a user row and its role, a reload
and a deep link to Edit keep the person signed in, and a page opened while signed out continues after sign-on."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from assessment import service
from assessment.store import SYSTEM
from bench.harness import LOOPBACK, free_port, streamlit_server
from tests.e2e.test_browser import _left_the_machine

WAIT_MS = 60_000
#: The provider's own authorisation page links a stylesheet from a CDN; the test browser refuses it (the
#: provider stands in for an organisation's identity service, it is not part of the app).
PROVIDER_CDN = "https://cdn.jsdelivr.net/"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    import werkzeug.serving
    from oidc_provider_mock import app

    server = werkzeug.serving.make_server(LOOPBACK, 0, app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)


@pytest.fixture(scope="module")
def base(provider: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    secrets = Path(tmp_path_factory.mktemp("sso")) / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://{LOOPBACK}:{port}/oauth2callback"\n'
        f'cookie_secret = "{uuid.uuid4().hex}"\n'
        'client_id = "accession-readiness"\n'
        'client_secret = "not-a-secret-in-tests"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
        'client_kwargs = { scope = "openid email profile" }\n',
        encoding="utf-8",
    )
    with streamlit_server(port=port, args=["--secrets.files", str(secrets)]) as url:
        yield url


def test_single_sign_on_maps_the_email_and_survives_reload_and_deep_link(browser, base: str) -> None:
    email = f"officer{uuid.uuid4().hex[:6]}@ministry.example"
    service.store().add_user(SYSTEM, email, "editor", "password-long-1", ["KOR"])
    seen: list[str] = []
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    context.on("request", lambda r: seen.append(r.url))
    context.route(
        lambda url: not url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")), lambda route: route.abort()
    )
    page = context.new_page()

    page.goto(f"{base}/edit?iso=KOR&treaty=ets185")  # a shared link to Edit, signed out
    page.get_by_text("Sign in to continue").wait_for(timeout=WAIT_MS)
    page.wait_for_timeout(500)  # the page writes where it started before the round trip
    page.get_by_role("button", name="Sign in with your organisation's account").click()
    page.locator("input[name=sub]").wait_for(timeout=WAIT_MS)  # the identity provider's own page
    page.locator("input[name=sub]").fill(email)
    page.get_by_role("button", name="Authorize").click()

    page.get_by_text("Edit an assessment").wait_for(timeout=WAIT_MS)  # back, mapped to the editor, on Edit
    assert "/edit" in page.url and "iso=KOR" in page.url, page.url
    page.reload()
    page.get_by_text("Edit an assessment").wait_for(timeout=WAIT_MS)
    page.goto(f"{base}/history?iso=KOR")  # a deep link to another staff page
    page.get_by_role("heading", name="History").wait_for(timeout=WAIT_MS)
    page.screenshot(path="/tmp/e2e-sso-edit.png", full_page=True)

    service.store().set_disabled(SYSTEM, email, True)  # the identity stays valid, the account does not
    page.goto(f"{base}/edit")
    page.get_by_text("Sign in to continue").wait_for(timeout=WAIT_MS)
    page.get_by_text("no active user of that e-mail address").wait_for(timeout=WAIT_MS)
    context.close()
    assert all(u.startswith(PROVIDER_CDN) for u in _left_the_machine(seen)), _left_the_machine(seen)
