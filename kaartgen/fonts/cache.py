"""Fonts made from the packaged ones, kept in the user's cache folder.

Cutting a font takes up to a second; a made font is keyed by the source file's contents and the
request, and is the same bytes whether it comes from the cache or is made again, on every machine.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

CUT_VERSION = "2"  # part of the cache key: bump when cut.py changes what it makes


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "kaartgen" / "fonts"


def cached(path: Path | bytes, request: tuple[object, ...], name: str, make: Callable[[], bytes],
           suffix: str = ".ttf") -> bytes:
    """A font made from `path` (a file, or a made font's bytes), kept in the user's cache folder
    keyed by the source's contents and the request. Making one takes up to a second; the bytes are
    the same whether cached or not, and on every machine (a made font keeps the source font's
    timestamps)."""
    source = path if isinstance(path, bytes) else path.read_bytes()
    key = hashlib.sha256(source + repr((CUT_VERSION,) + request).encode()).hexdigest()[:24]
    cached = cache_dir() / f"{name}-{key}{suffix}"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    data = make()
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, cached)
    except OSError:
        pass  # a read-only home only costs time
    return data
