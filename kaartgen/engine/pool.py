"""Single packs and previews made in worker processes, so that a server answers several people at
once on every CPU (one Python process draws one page at a time).

Each worker holds its own Library, loaded once and warmed up when the pool starts, and calls the
same Edition methods as the CLI, so a pack made here is byte-identical to `kaartgen build`. The
workers come from a fork server that has already imported the engine: they start in a fraction of
a second and inherit nothing of the web server's threads. Errors come back as plain values and are
raised again in the caller, with the field they concern.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from kaartgen.engine.edition import Library
from kaartgen.errors import FieldError, KaartgenError
from kaartgen.model.text import Personal

_library: Library | None = None


def _watch(server: int) -> None:
    """End this worker when the server is gone, even after a kill -9 that left it no time to say so."""
    while True:
        time.sleep(1)
        try:
            os.kill(server, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:
            pass


def _start(content: Path, templates: Path, server: int) -> None:
    global _library
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, and the server stops the pool
    threading.Thread(target=_watch, args=(server,), daemon=True).start()
    _library = Library(content, templates)
    _library.edition().generic  # fonts registered, the default set laid out: the first request is warm


def _make(kind: str, language: str, variant: str, large: bool, fmt: str, personal: Personal) -> tuple:
    try:
        edition = _library.edition(language, variant, large, fmt)
        data = edition.pack(personal) if kind == "pack" else edition.preview(personal)
        return "ok", data, edition.file_name(personal)
    except FieldError as exc:
        return "field", exc.field, exc.message
    except KaartgenError as exc:
        return "error", str(exc), None


def _result(outcome: tuple) -> tuple[bytes, str]:
    status, a, b = outcome
    if status == "field":
        raise FieldError(a, b)
    if status == "error":
        raise KaartgenError(a)
    return a, b


class RenderPool:
    """`workers` processes that make packs and previews for `library`'s content and templates."""

    def __init__(self, library: Library, workers: int):
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["kaartgen.engine.edition"])
        self._executor = ProcessPoolExecutor(workers, mp_context=context, initializer=_start,
                                             initargs=(library.content, library.templates, os.getpid()))
        for _ in range(workers):  # start every worker now, not on the first professional's request
            self._executor.submit(int)

    def submit(self, kind: str, language: str, variant: str, large: bool, fmt: str, personal: Personal) -> Future:
        """A pack ("pack") or card-1 preview ("preview"); the future's result is an outcome for `result`."""
        return self._executor.submit(_make, kind, language, variant, large, fmt, personal)

    @staticmethod
    def result(outcome: tuple) -> tuple[bytes, str]:
        """(bytes, file name), or the FieldError / KaartgenError the worker met."""
        return _result(outcome)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
