"""The web server: the dashboard (app.py, unchanged) behind what Streamlit's own server does not send.

- Security headers on every HTTP response: a Content-Security-Policy (scripts only from this server, plus the
  inline scripts it knows by hash: Streamlit's page shell, the cookie script of app_pages/_auth.py and the
  Brief's print button; no plugins; `frame-ancestors 'self'`, so no other site can frame the app),
  X-Frame-Options, nosniff and a same-origin Referrer-Policy.
- The session cookie set by the server, HttpOnly: after a sign-in the page hands the new session's token to
  POST /api/session, which checks it against the sessions table and answers with the cookie; DELETE clears it.

Start it like app.py, with the same options and .streamlit/config.toml: `streamlit run serve.py`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app_pages import _auth, _ui

SESSION_ROUTE = "/api/session"
MAX_BODY = 4096  # a token and a flag; anything longer is not ours


def _hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def _shell_scripts() -> list[str]:
    """The inline scripts of Streamlit's page shell (index.html), read from the installed package so an upgrade
    that changes them keeps working."""
    index = Path(st.__file__).parent / "static" / "index.html"
    return re.findall(r"<script>(.*?)</script>", index.read_text(encoding="utf-8"), flags=re.DOTALL)


def _event_handlers() -> list[str]:
    """The inline event handlers of the app's own constant markup (the Brief's print button)."""
    return re.findall(r'\son[a-z]+="([^"]*)"', _ui.print_button("en"))


def content_security_policy() -> str:
    """Everything from this server; inline scripts only those known here by hash; styles may be inline
    (Streamlit and Plotly write style elements at run time); images and fonts may also be data: or blob: URLs."""
    scripts = " ".join(_hash(s) for s in [*_shell_scripts(), _auth.COOKIE_SCRIPT])
    handlers = " ".join(_hash(h) for h in _event_handlers())
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {scripts} 'unsafe-hashes' {handlers}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "frame-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'self'",
        ]
    )


SECURITY_HEADERS = {
    "Content-Security-Policy": content_security_policy(),
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class SecurityHeaders:
    """ASGI middleware: adds SECURITY_HEADERS to every HTTP response (a header already set is kept)."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app = app

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:  # type: ignore[no-untyped-def]
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _same_origin(request: Request) -> bool:
    """Only the app's own pages may set or clear the cookie (no other site can sign a browser in or out)."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("origin")
    return origin is not None and urlsplit(origin).netloc == request.headers.get("host")


async def session_cookie(request: Request) -> Response:
    """POST {"token", "https"}: set the session cookie, HttpOnly, for a session that exists; DELETE: clear it."""
    if not _same_origin(request):
        return Response("cross-site request refused", status_code=403)
    body = await request.body()
    try:
        if len(body) > MAX_BODY:
            raise ValueError("too long")
        data = json.loads(body)
        token, https = data["token"], data.get("https") is True or request.url.scheme == "https"
        if not (token is None and request.method == "DELETE" or isinstance(token, str) and token):
            raise ValueError("no token")
    except (ValueError, KeyError, TypeError):
        return Response('expected {"token": ..., "https": ...}', status_code=400)
    response = Response(status_code=204)
    if request.method == "DELETE":
        response.delete_cookie(_auth.COOKIE, path="/", secure=https, httponly=True, samesite="strict")
        return response
    from assessment import service

    if await run_in_threadpool(service.store().session_user, token) is None:
        return Response("no such session", status_code=403)
    response.set_cookie(
        _auth.COOKIE, token, max_age=_auth.SESSION_SECONDS, path="/", secure=https, httponly=True, samesite="strict"
    )
    return response


@asynccontextmanager
async def serving(_app: object) -> AsyncIterator[None]:
    """While this server runs, the pages (same process) hand the session token to SESSION_ROUTE."""
    os.environ[_auth.SESSION_ROUTE_ENV] = SESSION_ROUTE
    yield


routes = [Route(SESSION_ROUTE, session_cookie, methods=["POST", "DELETE"])]
middleware = [Middleware(SecurityHeaders)]
app = st.App(Path(__file__).with_name("app.py"), routes=routes, middleware=middleware, lifespan=serving)
