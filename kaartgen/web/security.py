"""What every request passes: the access token, CSRF protection and the security headers.

- Token: on any address but loopback the server needs one. A browser logs in once with a form
  (POST, so the token never appears in a URL or an access log) and then carries an HttpOnly,
  SameSite=Strict cookie; a script may send `Authorization: Bearer <token>`. Anything else is 401.
- CSRF: a random per-browser cookie that every POST repeats in a form field or header (double
  submit); SameSite=Strict cookies already keep other sites' forms out, this keeps it so.
- Headers: a Content Security Policy that allows nothing from elsewhere and no inline script,
  no caching of pages (they may show client data), no referrer, no framing, no sniffing.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOKEN_COOKIE = "kaartgen_token"
CSRF_COOKIE = "kaartgen_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
HEADERS = {
    "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
                               "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}
OPEN_PATHS = ("/login", "/static/")  # reachable without the token: the login form and its style


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())


def cookies(scope: Scope) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            for part in value.decode("latin-1").split(";"):
                key, _, val = part.strip().partition("=")
                found.setdefault(key, val)
    return found


def header(scope: Scope, name: bytes) -> str | None:
    return next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == name), None)


def authorised(scope: Scope, token: str | None) -> bool:
    if token is None:
        return True
    bearer = header(scope, b"authorization") or ""
    given = bearer[7:] if bearer.lower().startswith("bearer ") else cookies(scope).get(TOKEN_COOKIE)
    return same(given, token)


class Guard:
    """ASGI middleware: token check (401 with the login page), a CSRF cookie for every browser,
    and the security headers on every response."""

    def __init__(self, app: ASGIApp, token: str | None, login_page):
        self.app, self.token, self.login_page = app, token, login_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csrf = cookies(scope).get(CSRF_COOKIE)
        fresh = None
        if not csrf or len(csrf) < 20:
            csrf = fresh = secrets.token_urlsafe(24)
        scope.setdefault("state", {})["csrf"] = csrf

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in HEADERS.items():
                    headers.setdefault(key, value)
                if fresh:
                    headers.append("set-cookie", f"{CSRF_COOKIE}={fresh}; Path=/; HttpOnly; SameSite=Strict")
            await send(message)

        path = scope.get("path", "")
        if not authorised(scope, self.token) and not path.startswith(OPEN_PATHS):
            await self.login_page(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


def csrf_ok(request, form=None) -> bool:
    """A POST repeats the browser's CSRF cookie in the form field or the X-CSRF-Token header."""
    expected = request.scope.get("state", {}).get("csrf")
    given = request.headers.get(CSRF_HEADER) or (form.get(CSRF_FIELD) if form is not None else None)
    return same(given if isinstance(given, str) else None, expected) and CSRF_COOKIE in request.cookies
