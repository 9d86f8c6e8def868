"""Packs, previews and answer readings made in worker processes, each bounded in time and memory, so
that a server answers several people at once on every CPU and no upload can stall or sink it.

Each worker holds its own Library, loaded once and warmed up when it starts, and calls the same
engine methods as the CLI, so a pack made here is byte-identical to `kaartgen build`. Workers come
from a fork server that has already imported the engine: they start in a fraction of a second and
inherit nothing of the web server's threads. A worker may use at most `MEMORY` bytes; a task that
takes longer than its time limit has its worker killed and replaced, and the caller gets TimedOut.
Errors come back whole (code, parameters, field) and are raised again in the caller.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import signal
import threading
import time
from dataclasses import dataclass
from datetime import date
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kaartgen.engine.edition import Library, Reading
from kaartgen.errors import KaartgenError
from kaartgen.model.text import Personal

if TYPE_CHECKING:
    from kaartgen.engine.evaluate import EvaluateOptions, Evaluation

MEMORY = 2 * 1024 ** 3  # bytes a worker may use
SECONDS = 30  # a task's time limit (a pack takes well under a second)
EVALUATE_SECONDS = 120  # an evaluation's: 20 MB of uploads are read in a few seconds
WAIT = 60  # seconds a task waits for a free worker


class TimedOut(KaartgenError):
    """A task that took longer than its limit; its worker was replaced."""


class Unavailable(KaartgenError):
    """No worker became free in time, or a worker died on the task (out of memory)."""


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


def _do(library: Library, kind: str, args: tuple[Any, ...]) -> Any:
    if kind == "evaluate":  # many uploaded files, read here one after another (engine/evaluate.py)
        from kaartgen.engine.evaluate import evaluate

        return evaluate(library, args[0])
    if kind == "read":
        name, data, read_on = args
        return library.read(Path(name), read_on, data)
    language, variant, large, fmt, personal = args
    edition = library.edition(language, variant, large, fmt)
    if kind == "problems":
        return edition.problems(personal)
    made = edition.pack(personal) if kind == "pack" else edition.preview(personal)
    return made, edition.file_name(personal)


def _serve(conn: Connection, content: Path, templates: Path, server: int, memory: int) -> None:
    """A worker: answer tasks from `conn` until it closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, and the server stops the pool
    threading.Thread(target=_watch, args=(server,), daemon=True).start()
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ImportError, ValueError, OSError):
        pass
    library = Library(content, templates)
    with contextlib.suppress(KaartgenError):  # content with a problem: each task reports it
        _ = library.edition().generic  # fonts registered, the default set laid out: the first request is warm
    while True:
        try:
            kind, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            outcome: tuple[Any, ...] = ("ok", _do(library, kind, args))
        except KaartgenError as exc:  # pickled whole: code, parameters and field
            outcome = ("error", exc)
        except MemoryError:
            outcome = ("memory",)
        conn.send(outcome)


@dataclass(eq=False)  # compared and hashed by identity
class _Worker:
    process: BaseProcess
    conn: Connection


class RenderPool:
    """`workers` processes that make packs, previews and summaries for `library`'s content and templates."""

    def __init__(self, library: Library, workers: int, memory: int = MEMORY):
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["kaartgen.engine.edition"])
        self._args = (library.content, library.templates, os.getpid(), memory)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(workers):  # every worker starts now, not on the first professional's request
            self._idle.put(self._start())

    def _start(self) -> _Worker:
        mine, theirs = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(theirs, *self._args), daemon=True)
        process.start()
        theirs.close()
        worker = _Worker(process, mine)
        with self._lock:
            self._all.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.process.kill()
        worker.process.join()
        worker.conn.close()

    def call(self, kind: str, *args: Any, seconds: float = SECONDS) -> Any:
        """Run one task ("pack", "preview" or "read") in a worker and return what it made; raises the
        FieldError or KaartgenError it met, TimedOut, or Unavailable. Blocks: call it from a thread."""
        try:
            worker = self._idle.get(timeout=WAIT)
        except queue.Empty:
            raise Unavailable("pool.busy") from None
        try:
            worker.conn.send((kind, args))
            ready = worker.conn.poll(seconds)
            outcome = worker.conn.recv() if ready else None
        except (EOFError, OSError):
            outcome = ("died",)
        if outcome is None or outcome[0] in ("died", "memory"):
            self._retire(worker)  # killed or spent: a fresh one takes its place
            if not self._closed:
                self._idle.put(self._start())
            if outcome is None:
                raise TimedOut("pool.timeout", seconds=seconds)
            raise Unavailable("pool.memory")
        self._idle.put(worker)
        status, value = outcome
        if status == "error":
            raise value
        return value

    def pack(self, kind: str, language: str, variant: str, large: bool, fmt: str,
             personal: Personal) -> tuple[bytes, str]:
        """A pack ("pack") or card-1 preview ("preview"): (bytes, file name)."""
        made: tuple[bytes, str] = self.call(kind, language, variant, large, fmt, personal)
        return made

    def problems(self, language: str, variant: str, large: bool, fmt: str, personal: Personal) -> list[KaartgenError]:
        """Every client value of `personal` that cannot be printed or does not fit (Edition.problems)."""
        found: list[KaartgenError] = self.call("problems", language, variant, large, fmt, personal)
        return found

    def read(self, name: str, data: bytes, read_on: date, seconds: float = SECONDS) -> Reading:
        """The engine's Reading of an uploaded answers file, made in a worker."""
        reading: Reading = self.call("read", name, data, read_on, seconds=seconds)
        return reading

    def evaluate(self, options: EvaluateOptions, seconds: float = EVALUATE_SECONDS) -> Evaluation:
        """The engine's Evaluation of uploaded files (`options.uploads`), made in a worker."""
        made: Evaluation = self.call("evaluate", options, seconds=seconds)
        return made

    def alive(self) -> int:
        """How many worker processes are running now (a service's readiness check)."""
        with self._lock:
            return sum(worker.process.is_alive() for worker in self._all)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
        for worker in workers:
            worker.conn.close()  # the worker's recv ends: it returns
        for worker in workers:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
