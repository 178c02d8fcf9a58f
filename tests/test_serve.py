"""serve.py, the web server in front of the dashboard: the security headers it adds to every response and the
session cookie it sets (HttpOnly) for a session that exists (issue 18, item 6). Requests go straight to a bare
ASGI app with serve.py's routes and middleware; tests/e2e/test_serve_browser.py runs the real server."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import streamlit as st
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

import serve
from app_pages import _auth
from assessment import service
from assessment.store import SYSTEM

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


@dataclass
class Answer:
    status_code: int
    headers: dict[str, str]


class Client:
    """Sends one HTTP request to an ASGI app and collects the answer's status and headers (no network)."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app = app

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: object = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        body = content if content is not None else (b"" if json_body is None else json.dumps(json_body).encode())
        headers = {"host": "testserver", **({"content-type": "application/json"} if body else {}), **(headers or {})}
        scope = {
            "type": "http",
            "method": method,
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "scheme": "http",
            "http_version": "1.1",
            "server": ("testserver", 80),
            "client": ("127.0.0.1", 50000),
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        }
        incoming = [{"type": "http.request", "body": body, "more_body": False}]
        sent: list[dict] = []

        async def receive() -> dict:
            return incoming.pop(0) if incoming else {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            sent.append(message)

        asyncio.run(self.app(scope, receive, send))
        start = next(m for m in sent if m["type"] == "http.response.start")
        return Answer(start["status"], {k.decode().lower(): v.decode() for k, v in start["headers"]})

    def get(self, path: str, **kwargs) -> Answer:  # type: ignore[no-untyped-def]
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json: object = None, **kwargs) -> Answer:  # type: ignore[no-untyped-def]
        return self.request("POST", path, json_body=json, **kwargs)


@pytest.fixture(scope="module")
def client() -> Client:
    async def page(request):  # type: ignore[no-untyped-def]
        return PlainTextResponse("a page")

    return Client(Starlette(routes=[*serve.routes, Route("/", page)], middleware=serve.middleware))


@pytest.fixture(scope="module")
def token() -> str:
    store = service.store()
    name = "serve-test-editor"
    user = store.user(name) or store.add_user(SYSTEM, name, "editor", "password-long-1", ["KOR"])
    return store.start_session(user)


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_every_response_carries_a_content_security_policy_that_no_other_site_may_frame(client: Client) -> None:
    response = client.get("/")
    policy = dict(part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";"))
    assert policy["frame-ancestors"] == "'self'" and response.headers["x-frame-options"] == "SAMEORIGIN"
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'" and policy["base-uri"] == "'self'"
    scripts = policy["script-src"].split()
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert sha256(_auth.COOKIE_SCRIPT) in scripts  # the one inline script of ours, by its hash
    shell = (Path(st.__file__).parent / "static" / "index.html").read_text(encoding="utf-8")
    for inline in re.findall(r"<script>(.*?)</script>", shell, flags=re.DOTALL):
        assert sha256(inline) in scripts  # Streamlit's page shell still runs
    assert sha256("window.print()") in scripts  # the Brief's print button
    assert (
        response.headers["x-content-type-options"] == "nosniff" and response.headers["referrer-policy"] == "same-origin"
    )


def test_the_session_cookie_is_set_by_the_server_http_only(client: Client, token: str) -> None:
    response = client.post(serve.SESSION_ROUTE, json={"token": token, "https": False}, headers=SAME_ORIGIN)
    assert response.status_code == 204
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{_auth.COOKIE}={token};")
    attributes = {a.strip().split("=")[0].lower() for a in cookie.split(";")[1:]}
    assert {"httponly", "path", "max-age", "samesite"} <= attributes and "secure" not in attributes
    assert "samesite=strict" in cookie.lower() and f"max-age={_auth.SESSION_SECONDS}" in cookie.lower()
    served_over_https = client.post(serve.SESSION_ROUTE, json={"token": token, "https": True}, headers=SAME_ORIGIN)
    assert "secure" in served_over_https.headers["set-cookie"].lower()


def test_sign_out_clears_the_cookie(client: Client) -> None:
    response = client.request(
        "DELETE", serve.SESSION_ROUTE, json_body={"token": None, "https": False}, headers=SAME_ORIGIN
    )
    assert response.status_code == 204
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith(f'{_auth.COOKIE}="";') and "max-age=0" in cookie and "httponly" in cookie


def test_no_cookie_for_a_session_that_does_not_exist(client: Client) -> None:
    response = client.post(serve.SESSION_ROUTE, json={"token": "made-up", "https": False}, headers=SAME_ORIGIN)
    assert response.status_code == 403 and "set-cookie" not in response.headers


@pytest.mark.parametrize(
    "headers",
    [{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}, {"Origin": "http://elsewhere.example"}, {}],
)
def test_another_site_can_neither_sign_a_browser_in_nor_out(
    client: Client, token: str, headers: dict[str, str]
) -> None:
    for method, body in (("POST", {"token": token, "https": False}), ("DELETE", {"token": None})):
        response = client.request(method, serve.SESSION_ROUTE, json_body=body, headers=headers)
        assert response.status_code == 403 and "set-cookie" not in response.headers


@pytest.mark.parametrize(
    "body", [b"not json", b'{"https": true}', b'{"token": 5}', b'{"token": ""}', b"{" + b" " * 5000 + b"}"]
)
def test_a_malformed_request_is_refused(client: Client, body: bytes) -> None:
    response = client.request(
        "POST", serve.SESSION_ROUTE, content=body, headers={**SAME_ORIGIN, "Content-Type": "application/json"}
    )
    assert response.status_code == 400 and "set-cookie" not in response.headers


def test_the_pages_hand_the_token_to_the_server_only_when_it_serves_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under serve.py the cookie script posts the token to the route; under a bare app.py it writes the cookie."""
    monkeypatch.delenv(_auth.SESSION_ROUTE_ENV, raising=False)
    assert '"route": null' in _auth.cookie_html({_auth.COOKIE: ("t", 60, "Strict")}).replace("&quot;", '"')
    monkeypatch.setenv(_auth.SESSION_ROUTE_ENV, serve.SESSION_ROUTE)
    html = _auth.cookie_html({_auth.COOKIE: ("t", 60, "Strict")}).replace("&quot;", '"')
    assert f'"route": "{serve.SESSION_ROUTE}"' in html and f"<script>{_auth.COOKIE_SCRIPT}</script>" in html
