"""What an organisation needs to run `kaartgen serve` as a service: health checks for a load
balancer, the user name its proxy passes from single sign-on, and one JSON line of log for every
request.

These sit outside the pages' own rules (security.Guard): a load balancer asks `/healthz` and
`/readyz` without the access code and by the machine's address, and every request, refused or not,
gets a request id and a log line. A log line holds the route's pattern (`/mailing/{job}`), never
the path as typed, the query or any form value: no client value can reach the log.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from starlette.datastructures import MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kaartgen.web.security import HEADERS, address, header

LOG = logging.getLogger("kaartgen.requests")
USER = re.compile(r"[A-Za-z0-9_.@-]{1,64}")  # a user name a proxy may pass: no spaces, no markup
REQUEST_ID = re.compile(r"[A-Za-z0-9_.-]{8,64}")  # one a proxy passes on (X-Request-ID) is kept
HEALTH = ("/healthz", "/readyz")
LOOPBACK = ("127.0.0.1", "::1")


@dataclass(frozen=True)
class ServiceSettings:
    """How the service meets its organisation. `trusted_user_header` (e.g. X-Remote-User) is read
    only on requests from one of `trusted_proxies` (addresses or networks): anyone else could send
    it. `log` False writes no request lines (a desk user's terminal stays quiet)."""

    trusted_user_header: str | None = None
    trusted_proxies: tuple[str, ...] = LOOPBACK
    log: bool = False

    def networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(ipaddress.ip_network(p, strict=False) for p in self.trusted_proxies)


@dataclass
class Readiness:
    """What `/readyz` checks, each a function that says whether it holds now."""

    checks: dict[str, Callable[[], bool]] = field(default_factory=dict)

    def report(self) -> dict[str, bool]:
        found = {}
        for name, check in self.checks.items():
            try:
                found[name] = bool(check())
            except Exception:  # a check that fails is a "no", never a crash of the health route
                found[name] = False
        return found


def log_line(record: dict[str, object]) -> None:
    LOG.info(json.dumps(record, ensure_ascii=True, sort_keys=True))


class Service:
    """ASGI middleware, outermost: health routes, the trusted user name, request ids and log lines."""

    def __init__(self, app: ASGIApp, settings: ServiceSettings, readiness: Readiness,
                 write: Callable[[dict[str, object]], None] = log_line):
        self.app, self.settings, self.readiness, self.write = app, settings, readiness, write
        self._networks = settings.networks()
        self._header = settings.trusted_user_header.lower().encode() if settings.trusted_user_header else None

    def _from_proxy(self, scope: Scope) -> bool:
        try:
            ip = ipaddress.ip_address(address(scope))
        except ValueError:
            return False
        return any(ip in network for network in self._networks)

    def user(self, scope: Scope) -> str | None:
        """The name the proxy passed, when the request came from a trusted proxy; else None."""
        if self._header is None or not self._from_proxy(scope):
            return None
        name = (header(scope, self._header) or "").strip()
        return name if USER.fullmatch(name) else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if path in HEALTH:
            await self.health(path)(scope, receive, send)
            return
        given = header(scope, b"x-request-id") or ""
        request_id = given if self._from_proxy(scope) and REQUEST_ID.fullmatch(given) else secrets.token_hex(8)
        user = self.user(scope)
        state = scope.setdefault("state", {})
        state["request_id"], state["user"] = request_id, user
        started = time.perf_counter()
        status = [500]

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                MutableHeaders(scope=message).setdefault("x-request-id", request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if self.settings.log:
                route = scope.get("route")
                code = status[0]
                self.write({
                    "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                    "level": "error" if code >= 500 else "warning" if code >= 400 else "info",
                    "request_id": request_id, "method": scope.get("method", ""),
                    "route": getattr(route, "path", None) or ("/static" if path.startswith("/static/") else "-"),
                    "status": code, "ms": round((time.perf_counter() - started) * 1000, 1),
                    "user": user or "local",
                })

    def health(self, path: str) -> JSONResponse:
        if path == "/healthz":  # the process answers: alive
            return JSONResponse({"status": "ok"}, headers=HEADERS)
        checks = self.readiness.report()
        ready = bool(checks) and all(checks.values())
        return JSONResponse({"status": "ready" if ready else "not ready", "checks": checks},
                            status_code=200 if ready else 503, headers=HEADERS)
