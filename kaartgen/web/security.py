"""What every request passes: the Host and Origin rules, the access token, CSRF protection, a
bounded request body and the security headers.

- Host: only the names the server was started for (127.0.0.1, localhost, ::1, its `--host`, and
  each `--allowed-host`, such as a reverse proxy's name). A page on another site that points its own
  name at 127.0.0.1 (DNS rebinding) gets 400, so it cannot drive a server on loopback.
- Origin: a POST whose Origin header names another site (or `null`) is refused with 403.
- Token: on any address but loopback the server needs one (at least 16 characters). A browser logs
  in once with a form (POST, so the token never appears in a URL or an access log) and then
  carries an HttpOnly, SameSite=Strict cookie; a script may send `Authorization: Bearer <token>`.
  Anything else is 401. Ten failed attempts a minute from one address, and that address gets 429
  with Retry-After until the minute is over.
- CSRF: a cookie the server issued and signed (HMAC with a key made at start), that every POST
  repeats in a form field or header (double submit); a cookie the browser made up is refused.
- Body: a request body must arrive within BODY_SECONDS, with no pause longer than BODY_PAUSE;
  one that trickles in is cut with 408, so a slow sender cannot hold a worker.
- Headers: a Content Security Policy that allows nothing from elsewhere and no inline script,
  no caching of pages (they may show client data), no referrer to other sites, no framing, no sniffing.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from urllib.parse import urlsplit

from starlette.datastructures import FormData, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOKEN_COOKIE = "kaartgen_token"
CSRF_COOKIE = "kaartgen_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
MIN_TOKEN = 16  # characters of an access token
FAILED_LOGINS = 10  # failed attempts from one address a minute, before 429
BODY_SECONDS = 120  # a request body must arrive within this time (20 MB at 1.5 Mbit/s)
BODY_PAUSE = 20  # seconds without a byte of the body, before it is cut
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
HEADERS = {
    "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
                               "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",  # not no-referrer: with it, browsers post forms with Origin: null
    "x-frame-options": "DENY",
    "cache-control": "no-store",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}
OPEN_PATHS = ("/login", "/static/", "/toegankelijkheid")  # without the token: the login form, its style, the
# accessibility statement (public, as the law asks)


def same(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return hmac.compare_digest(a.encode(), b.encode())


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


def host_name(value: str) -> str:
    """The name in a Host header or an origin's netloc, without port and brackets, lower case."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class Signer:
    """CSRF cookies the server issued: a random value and its HMAC under a key made at start."""

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)

    def _mac(self, value: str) -> str:
        return hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()[:32]

    def issue(self) -> str:
        value = secrets.token_urlsafe(24)
        return f"{value}.{self._mac(value)}"

    def valid(self, cookie: str | None) -> bool:
        if not cookie or cookie.count(".") != 1:
            return False
        value, mac = cookie.split(".")
        return same(mac, self._mac(value))


class Attempts:
    """Failed logins by client address in the last minute; the lockout lifts as they age."""

    def __init__(self, limit: int = FAILED_LOGINS, window: float = 60.0):
        self.limit, self.window = limit, window
        self._failed: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, address: str, now: float) -> deque[float]:
        times = self._failed.setdefault(address, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def wait(self, address: str) -> int:
        """Seconds until `address` may try again; 0 when it may now."""
        now = time.monotonic()
        with self._lock:
            times = self._recent(address, now)
            if len(times) < self.limit:
                return 0
            return max(1, int(self.window - (now - times[0])) + 1)

    def failed(self, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent(address, now).append(now)
            if len(self._failed) > 10_000:  # many addresses: forget those without recent failures
                for key in [k for k, v in self._failed.items() if not v]:
                    del self._failed[key]


def address(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "?"


class Guard:
    """ASGI middleware for the rules above; `login_page` answers a request without the token."""

    def __init__(self, app: ASGIApp, token: str | None, login_page: ASGIApp, hosts: frozenset[str],
                 signer: Signer, attempts: Attempts):
        self.app, self.token, self.login_page = app, token, login_page
        self.hosts, self.signer, self.attempts = hosts, signer, attempts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if host_name(header(scope, b"host") or "") not in self.hosts:
            await PlainTextResponse("400: this server does not answer to that host name", 400,
                                    headers=HEADERS)(scope, receive, send)
            return
        if scope["method"] not in ("GET", "HEAD") and not self._same_origin(scope):
            await PlainTextResponse("403: a form from another site", 403, headers=HEADERS)(scope, receive, send)
            return
        csrf = cookies(scope).get(CSRF_COOKIE)
        fresh = None
        if not self.signer.valid(csrf):
            csrf = fresh = self.signer.issue()
        state = scope.setdefault("state", {})
        state["csrf"] = csrf
        state["csrf_valid"] = fresh is None

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in HEADERS.items():
                    headers.setdefault(key, value)
                if fresh:
                    headers.append("set-cookie", f"{CSRF_COOKIE}={fresh}; Path=/; HttpOnly; SameSite=Strict")
            await send(message)

        path = scope.get("path", "")
        bearer = (header(scope, b"authorization") or "").lower().startswith("bearer ")
        if self.token is not None and not path.startswith(OPEN_PATHS) and not self.authorised(scope):
            wait = self.attempts.wait(address(scope)) if bearer else 0
            if wait:
                await self.too_many(wait)(scope, receive, send_with_headers)
                return
            if bearer:  # a script's wrong token counts as a failed login
                self.attempts.failed(address(scope))
            await self.login_page(scope, receive, send_with_headers)
            return
        await self.app(scope, bounded(receive), send_with_headers)

    def authorised(self, scope: Scope) -> bool:
        if self.token is None:
            return True
        bearer = header(scope, b"authorization") or ""
        given = bearer[7:] if bearer.lower().startswith("bearer ") else cookies(scope).get(TOKEN_COOKIE)
        return same(given, self.token)

    @staticmethod
    def too_many(wait: int) -> PlainTextResponse:
        return PlainTextResponse("429: too many failed attempts; wait a minute", 429,
                                 headers={**HEADERS, "retry-after": str(wait)})

    def _same_origin(self, scope: Scope) -> bool:
        """No Origin (a script, an old browser): the CSRF token decides. Otherwise it must be this server."""
        origin = header(scope, b"origin")
        if origin is None:
            return True
        parts = urlsplit(origin)
        if origin == "null" or not parts.netloc:
            return False
        return parts.netloc.lower() == (header(scope, b"host") or "").lower()


def bounded(receive: Receive) -> Receive:
    """`receive` with the body's time limits (408 when the body trickles in); once the body is
    complete, messages (a disconnect during a long download) pass without a limit."""
    started = time.monotonic()
    complete = False

    async def receive_within() -> Message:
        nonlocal complete
        if complete:
            return await receive()
        left = BODY_SECONDS - (time.monotonic() - started)
        try:
            message = await asyncio.wait_for(receive(), timeout=max(0.0, min(BODY_PAUSE, left)))
        except TimeoutError:
            raise HTTPException(408, "the request body came too slowly") from None
        complete = message["type"] != "http.request" or not message.get("more_body", False)
        return message

    return receive_within


def allowed_hosts(host: str, extra: tuple[str, ...] = ()) -> frozenset[str]:
    """The Host names a server answers to: loopback's, the address it listens on, and `extra`."""
    names = {*LOOPBACK_NAMES, host_name(host), *(host_name(h) for h in extra)}
    return frozenset(n for n in names if n not in ("0.0.0.0", "::"))


def csrf_ok(request: Request, form: FormData | None = None) -> bool:
    """A POST repeats the browser's CSRF cookie, one this server issued, in the form field or the
    X-CSRF-Token header."""
    state = request.scope.get("state", {})
    if not state.get("csrf_valid"):
        return False
    given = request.headers.get(CSRF_HEADER) or (form.get(CSRF_FIELD) if form is not None else None)
    return same(given if isinstance(given, str) else None, state.get("csrf"))
