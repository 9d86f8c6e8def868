"""The audit log of a kaartgen service: one line of JSON for every pack made, mailing run, answers
file read and evaluation made, in a file the operator names (`kaartgen serve --audit-log`).

It answers "who sent this pack, when, with which texts": the time, the user (the name the
organisation's proxy passes from single sign-on, or "local"), the action, the set and format, the
pack's reference or the mailing's job id, counts, the sha256 of the result and the version of the
texts (the sha256 of the content folder). It never holds a client's name, address, date or answer:
what it may hold is fixed here, field by field, and a value is written only when it is one of
those kinds (a reference or job id, a count, a hash, a set name). Lines are appended whole with
one write each (O_APPEND), so several threads and a log rotator may share the file.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from kaartgen.errors import KaartgenError

ACTIONS = ("pack", "preview", "mailing", "read", "evaluate")
FIELDS = {  # what each field may hold: never a space, so never a name as people write one
    "user": re.compile(r"[A-Za-z0-9_.@-]{1,64}"),
    "set": re.compile(r"[a-z]{2,3}/[a-z0-9_-]{1,32}"),
    "format": re.compile(r"[a-z0-9-]{1,16}"),
    "reference": re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,23}"),  # as a pack's reference (model/options.py)
    "job": re.compile(r"[A-Za-z0-9_-]{1,64}"),
}
HASH = re.compile(r"[0-9a-f]{64}")


def _now() -> datetime:
    return datetime.now(UTC)


class AuditLog:
    """Appends audit lines to `path` (nothing when `path` is None); `clock` gives the time."""

    def __init__(self, path: Path | None, content_version: str = "", clock: Callable[[], datetime] = _now):
        self.path, self.content_version, self.clock = path, content_version, clock
        self._lock = threading.Lock()
        if path is not None:
            try:
                fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            except OSError as exc:
                raise KaartgenError("audit.cannot_open", file=path, field="audit_log",
                                    reason=exc.strerror or type(exc).__name__) from None
            os.close(fd)

    def record(self, action: str, user: str | None, *, set_name: str = "", fmt: str = "", reference: str = "",
               job: str = "", counts: dict[str, int] | None = None, sha256: str = "") -> dict[str, object]:
        """Write one line and return it. A value that is not of its field's kind is left out, never
        written: so a mistake elsewhere cannot put a client's words in the log."""
        if action not in ACTIONS:
            raise ValueError(action)
        line: dict[str, object] = {"time": self.clock().strftime("%Y-%m-%dT%H:%M:%SZ"), "action": action,
                                   "user": user if user and FIELDS["user"].fullmatch(user) else "local"}
        for key, value in (("set", set_name), ("format", fmt), ("reference", reference), ("job", job)):
            if value and FIELDS[key].fullmatch(value):
                line[key] = value
        if counts:
            line["counts"] = {k: int(v) for k, v in sorted(counts.items()) if re.fullmatch(r"[a-z_]{1,32}", k)}
        if sha256 and HASH.fullmatch(sha256):
            line["sha256"] = sha256
        if self.content_version:
            line["texts"] = self.content_version
        if self.path is not None:
            data = (json.dumps(line, ensure_ascii=True, sort_keys=True) + "\n").encode("ascii")
            with self._lock:
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    os.write(fd, data)
                finally:
                    os.close(fd)
        return line
