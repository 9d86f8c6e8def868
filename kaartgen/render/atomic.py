"""Files that appear whole or not at all, and the leftovers of killed runs removed.

A file is written to a temporary file in the same folder, flushed to disk and renamed, so an
interrupted run never leaves half a PDF under its final name. Kept apart from the PDF writer so
that commands can write files without importing it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def _temporary_prefix(path: Path) -> str:
    return f".{path.name}.{os.getpid()}."


def private_folder(folder: Path) -> None:
    """`folder` and the parents it needs, new ones readable by this user only (0700): they will hold
    names and addresses. A folder that exists keeps its mode."""
    if not folder.is_dir():
        folder.parent.mkdir(parents=True, exist_ok=True)
        folder.mkdir(mode=0o700, exist_ok=True)


def write_atomic(path: Path, data: bytes | Iterable[bytes], private: bool = False) -> None:
    """Write `data` (bytes, or chunks of it) to `path` so that readers see either the old file or
    the complete new one. A `private` file (one with a client's name, address or answers) can be
    read by this user only (0600), in a new folder of its own (0700).

    The temporary file is named `.<name>.<pid>.<random>.tmp`, so a later run can tell the leftovers
    of a killed process (`remove_temporary`) from the files of one still writing."""
    if private:
        private_folder(path.parent)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=_temporary_prefix(path), suffix=".tmp", dir=path.parent)  # 0600
    try:
        if not private:  # as a new file would be
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as f:
            for chunk in [data] if isinstance(data, bytes) else data:
                f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename is None:
            exc.filename = str(path)  # write() does not say where; the message names the folder
        raise


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def remove_temporary(folder: Path, every: bool = False) -> None:
    """Remove temporary files kaartgen left in `folder` (they may hold addresses).

    With `every`, all of them (the caller owns the folder); otherwise only those of processes that
    no longer run, so two builds writing into one folder leave each other alone."""
    if not folder.is_dir():
        return
    for stale in folder.glob(".*.tmp"):
        parts = stale.name.split(".")
        pid = next((int(p) for p in parts[2:-1] if p.isdigit()), None)
        if every or (pid is not None and not _alive(pid)):
            stale.unlink(missing_ok=True)
