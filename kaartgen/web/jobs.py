"""Mailing jobs of the web app: a client list checked, then made by the engine's batch in a
process of its own, with progress and cancel.

A job lives in a private folder (mode 0700) under the server's job root (`JobRoot`, owned by one
running server): the uploaded list, and the batch's output folder. The folder is removed when the
clerk cancels or deletes the job, after the retention time, and (for jobs of an earlier server that
is gone) when the server starts; a download changes nothing, so a file can be fetched again after a
printer jam. Job ids are random and say nothing about the clients.

The batch runs in a spawned process, so that a cancel is the batch's own SIGTERM path (temporary
files removed, nothing half written) and the server's threads never meet the batch's fork.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import secrets
import shutil
import signal
import stat
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from kaartgen.engine import ERRORS, MANIFEST, MERGED, BatchOptions, CheckReport, Library, RowError, run_batch
from kaartgen.errors import KaartgenError, Stopped, request_stop

if TYPE_CHECKING:
    from multiprocessing.sharedctypes import Synchronized

ZIP = "packs.zip"
RESULTS = (MERGED, ZIP, MANIFEST, ERRORS)  # what the clerk downloads, in this order
_SPAWN = multiprocessing.get_context("spawn")
READ_SECONDS = 30  # an uploaded workbook is read within this time, or refused
STOP_SECONDS = 60  # a stopped mailing finishes the files of what it made within this time, or is removed
MEMORY = 3 * 1024 ** 3  # bytes a job's process (check or mailing) may use
MAX_BUSY = 2  # jobs checking or running at once
MAX_JOBS = 50  # jobs kept at once (each until it is deleted, fetched or too old)
MAX_DISK = 20 * 1024 ** 3  # bytes all jobs' files may take together
MIN_FREE = 1024 ** 3  # bytes the disk must keep free besides


LOCK = ".kaartgen-serve.lock"  # in the job root: the pid of the server that owns it, locked while it runs


class JobRoot:
    """The folder a server keeps its mailing jobs in, owned by that server alone.

    Created 0700, refused if another user owns it or it is a link. A lock file holds the owning
    server's pid and an advisory lock that the system releases when that process ends, however it
    ends: a second server on the same folder is refused while the first one lives, and only a
    server that holds the lock removes what an earlier one left (its state died with it)."""

    def __init__(self, path: Path):
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.mkdir(mode=0o700, exist_ok=True)
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            raise KaartgenError("serve.job_folder_owner", file=path, field="jobs_dir")
        os.chmod(path, 0o700)
        self.path = path
        self._fd = os.open(path / LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        if not _lock(self._fd):
            owner = os.read(self._fd, 32).decode("ascii", "replace").strip() or "?"
            os.close(self._fd)
            raise KaartgenError("serve.job_folder_locked", file=path, field="jobs_dir", process=owner)
        os.ftruncate(self._fd, 0)
        os.write(self._fd, f"{os.getpid()}\n".encode())
        for stale in path.iterdir():  # an earlier server's jobs: this server holds the lock, so that one is gone
            if stale.name == LOCK:
                continue
            shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() and not stale.is_symlink() else stale.unlink()

    def release(self) -> None:
        """The server stops: its lock file goes, and the folder too when it is empty. Twice is once."""
        if self._fd < 0:
            return
        (self.path / LOCK).unlink(missing_ok=True)
        os.close(self._fd)
        self._fd = -1
        with contextlib.suppress(OSError):
            self.path.rmdir()  # another server may share its parent


def _lock(fd: int) -> bool:
    """Take the advisory lock on the open file `fd` for this process; False when another process
    holds it. Apart, because the lock exists only where fcntl does."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; one server a folder is then up to the operator
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _stop(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    request_stop(signum)
    raise Stopped(signum)


class _Shared:
    """Progress kept in shared memory, for the server to read while the check or the batch runs."""

    def __init__(self, done: Synchronized[int], total: Synchronized[int]):
        self.done_value, self.total_value = done, total

    def __call__(self, done: int, total: int) -> None:
        self.total_value.value = total
        self.done_value.value = done


def _die_with_parent() -> None:
    """Linux: a SIGTERM when the server dies, even by kill -9, so a mailing never runs on alone."""
    try:
        import ctypes
        import ctypes.util

        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # elsewhere the server's shutdown stops its mailings


def _bounded() -> None:
    """A job's process may use at most MEMORY bytes: a hostile list ends it, not the server."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    except (ImportError, ValueError, OSError):
        pass


def _child() -> None:
    signal.signal(signal.SIGTERM, _stop)
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C on the server stops the server, which stops this
    _bounded()


def _check(path: Path, content: Path, templates: Path, how: JobSettings, columns: Path | None, letter_date: date,
           max_rows: int, done: Synchronized[int], total: Synchronized[int], outcome: Connection) -> None:
    """The pre-check, in its own process (see check_batch); `outcome` receives the report or a message."""
    _child()
    from kaartgen.engine import TooManyRows, check_batch

    try:
        report = check_batch(path, Library(content, templates), how.format, letter_date, progress=_Shared(done, total),
                             seconds=READ_SECONDS, max_rows=max_rows, columns=columns, with_kix=how.kix)
        outcome.send(("checked", report))
    except Stopped:
        outcome.send(("cancelled", None))
    except TooManyRows as exc:
        outcome.send(("too_many", exc.limit))
    except KaartgenError as exc:  # messages never hold client values
        outcome.send(("refused", exc))
    except MemoryError:
        outcome.send(("refused", KaartgenError("web.check_memory", mb=MEMORY // (1024 * 1024))))


def _run(options: BatchOptions, halt: Synchronized[int], done: Synchronized[int], total: Synchronized[int],
         outcome: Connection) -> None:
    """The batch, in its own process; `outcome` receives (packs, failed rows, clients not come to)
    or an error message. When the server sets `halt`, the batch ends whole with what it made."""
    _child()
    try:
        result = run_batch(options, _Shared(done, total), lambda: bool(halt.value))
        _zip(options.out, [options.out / f"{p}" for p in sorted(os.listdir(options.out)) if p.endswith(".pdf")
                           and p != MERGED and not p.startswith(".")])
        outcome.send(("stopped" if result.halted else "done",
                      (result.packs, result.failed_rows, result.counts.not_reached)))
    except Stopped:
        outcome.send(("cancelled", None))
    except KaartgenError as exc:  # messages never hold client values
        outcome.send(("failed", exc))
    except OSError as exc:
        outcome.send(("failed", KaartgenError("web.job_os_error", reason=exc.strerror or type(exc).__name__)))


def _zip(out: Path, packs: list[Path]) -> None:
    """The per-client PDFs in one zip, byte for byte, with fixed times: the same list gives the same zip."""
    tmp = out / f".{ZIP}.tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as archive:
        for pack in packs:
            info = zipfile.ZipInfo(pack.name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o600 << 16
            archive.writestr(info, pack.read_bytes())
    os.replace(tmp, out / ZIP)


@dataclass(frozen=True)
class JobSettings:
    """How the clerk wants the mailing made: sheet format, order of the print run, KIX or not,
    and the bytes of the list's own column mapping (YAML), if any."""

    format: str = "office"
    sort: str = "list"
    kix: bool = True
    columns: bytes | None = None


@dataclass
class Job:
    """One mailing: checking (its own process) → checked → running (its own process) → done,
    or refused, cancelled or failed on the way; a running one the clerk stops ends whole with what
    it made (stopped), from where it can go on or start again."""

    id: str
    folder: Path
    clients: Path
    letter_date: date
    how: JobSettings
    report: CheckReport | None = None  # what the check found
    created: float = field(default_factory=time.time)
    state: str = "checking"  # checking, checked, refused, running, done, stopped, cancelled, failed
    error: KaartgenError | None = None  # why the list was refused, or the mailing failed
    too_many: int = 0  # the row limit, when the list was refused for being longer
    user: str | None = None  # who uploaded it, as the organisation's proxy named them (the audit log)
    packs: int = 0
    failed_rows: int = 0
    not_reached: int = 0  # clients a stopped mailing did not come to
    settled: threading.Event = field(default_factory=threading.Event)  # its process has ended
    halt: Synchronized[int] | None = None  # set: the running batch ends with what it made
    process: BaseProcess | None = None
    done_count: Synchronized[int] | None = None  # shared values the job's process counts in
    total_count: Synchronized[int] | None = None
    outcome: Connection | None = None  # the pipe its result comes through

    @property
    def out(self) -> Path:
        return self.folder / "out"

    @property
    def columns(self) -> Path | None:
        """The uploaded column mapping, kept beside the list."""
        return self.folder / "columns.yaml" if self.how.columns is not None else None

    @property
    def ok(self) -> int:
        return self.report.ok if self.report else 0

    @property
    def errors(self) -> list[RowError]:
        return self.report.errors if self.report else []

    @property
    def warnings(self) -> list[RowError]:
        return self.report.warnings if self.report else []

    @property
    def ignored(self) -> list[str]:
        return self.report.ignored_columns if self.report else []

    @property
    def busy(self) -> bool:
        return self.state in ("checking", "running")

    def progress(self) -> tuple[int, int]:
        if self.done_count is None or self.total_count is None:
            return 0, 0
        return self.done_count.value, self.total_count.value

    def result(self, name: str) -> Path | None:
        ready = self.state in ("done", "stopped") and name in RESULTS
        return self.out / name if ready and (self.out / name).is_file() else None


class Busy(KaartgenError):
    """The server runs as many mailings as it takes at once, or their files fill the space it allows."""

    def __init__(self, reason: str, **values: Any):
        super().__init__(f"web.busy_{reason}", **values)
        self.reason, self.values = reason, values


def _size(folder: Path) -> int:
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, name)).st_size
    return total


class Jobs:
    """Every mailing job of one server, by id; at most `MAX_BUSY` checking or running at once, at
    most `MAX_JOBS` kept, and their files within `MAX_DISK` bytes."""

    def __init__(self, root: Path, library: Library, keep_hours: float, workers: int | None = None,
                 finished: Callable[[Job], None] | None = None):
        self.finished = finished  # told of every mailing that ended with packs (done or stopped): the audit log
        self._root = JobRoot(root)
        self.root = self._root.path
        self.library = library
        self.keep = keep_hours * 3600
        self.workers = workers or os.cpu_count() or 1
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def _room(self, incoming: int) -> None:
        """Refuse a new job when the server is full (Busy names why)."""
        with self._lock:
            jobs = list(self._jobs.values())
        if sum(job.busy for job in jobs) >= MAX_BUSY:
            raise Busy("busy", limit=MAX_BUSY)
        if len(jobs) >= MAX_JOBS:
            raise Busy("jobs", limit=MAX_JOBS)
        used = sum(_size(job.folder) for job in jobs)
        if used + incoming > MAX_DISK or shutil.disk_usage(self.root).free < incoming + MIN_FREE:
            raise Busy("disk", gb=MAX_DISK // 1024 ** 3)

    def create(self, suffix: str, data: bytes, letter_date: date, how: JobSettings, max_rows: int) -> Job:
        """Store an uploaded list in a new private job folder and start checking it, in a process of
        its own; raises Busy when the server has no room for another job."""
        self.sweep()
        self._room(len(data))
        job_id = secrets.token_urlsafe(12)
        folder = self.root / job_id
        folder.mkdir(mode=0o700)
        path = folder / f"clients{suffix}"
        job = Job(job_id, folder, path, letter_date, how)
        try:
            for where, what in ((path, data), (job.columns, how.columns)):
                if where is not None and what is not None:
                    fd = os.open(where, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                    with os.fdopen(fd, "wb") as f:
                        f.write(what)
            self._spawn(job, _check, (path, self.library.content, self.library.templates, how, job.columns,
                                      letter_date, max_rows))
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        with self._lock:
            self._jobs[job_id] = job
        return job

    def _spawn(self, job: Job, target: Callable[..., None], args: tuple[object, ...]) -> None:
        job.done_count, job.total_count = _SPAWN.Value("q", 0), _SPAWN.Value("q", 0)
        job.outcome, sender = _SPAWN.Pipe(duplex=False)
        job.process = _SPAWN.Process(target=target, args=(*args, job.done_count, job.total_count, sender))
        job.process.start()
        sender.close()
        threading.Thread(target=self._wait, args=(job, job.process, job.outcome), daemon=True).start()

    def get(self, job_id: str) -> Job | None:
        self.sweep()
        with self._lock:
            return self._jobs.get(job_id)

    def start(self, job: Job, lang: str = "en", how: str = "start") -> None:
        """Make the mailing; `lang` is the language of its error list's reasons. A stopped one goes
        on (`how="resume"`: the packs made stay) or starts again from nothing (`how="restart"`)."""
        with self._lock:
            if job.state != ("checked" if how == "start" else "stopped"):
                return
            busy = sum(j.busy for j in self._jobs.values())
            if busy >= MAX_BUSY:
                raise Busy("busy", limit=MAX_BUSY)
            job.state = "running"
            job.settled.clear()
        if how == "restart":
            shutil.rmtree(job.out, ignore_errors=True)
        options = BatchOptions(clients=job.clients, out=job.out, content=self.library.content,
                               templates=self.library.templates, format=job.how.format, jobs=self.workers,
                               letter_date=job.letter_date, messages=lang, resume=how == "resume",
                               columns=job.columns, sort=job.how.sort, kix=job.how.kix)
        job.halt = _SPAWN.Value("b", 0)
        self._spawn(job, _run, (options, job.halt))

    def _wait(self, job: Job, process: BaseProcess, outcome: Connection) -> None:
        try:
            state, value = outcome.recv()
        except (EOFError, OSError):  # the process died without a word (killed, or out of memory)
            state, value = ("refused", KaartgenError("web.check_died")) if job.state == "checking" else \
                           ("failed", KaartgenError("web.job_died"))
        process.join()
        outcome.close()
        with self._lock:
            if job.state == "cancelled":
                return
            job.state = "refused" if state == "too_many" else state
            if state == "checked":
                job.report = value
            elif state in ("done", "stopped"):
                job.packs, job.failed_rows, job.not_reached = value
            elif state == "too_many":
                job.too_many = value
            elif state in ("failed", "refused"):
                job.error = value
        if state in ("done", "stopped") and self.finished is not None:
            self.finished(job)
        if state in ("failed", "refused", "too_many"):
            shutil.rmtree(job.folder, ignore_errors=True)  # the message stays for the page; the files go
        elif state == "cancelled":
            self._remove(job)
        job.settled.set()

    def stop(self, job: Job, seconds: float = STOP_SECONDS) -> None:
        """The clerk stops a mailing. A running one ends whole with what it made, for the clerk to
        fetch, go on with or start again; one that does not end within `seconds`, or a check, is
        cancelled: nothing of it stays."""
        with self._lock:
            running = job.state == "running" and job.halt is not None
        if running:
            assert job.halt is not None
            job.halt.value = 1
            if job.settled.wait(seconds) and job.state in ("stopped", "done"):
                return
        self.cancel(job)

    def cancel(self, job: Job) -> None:
        """Stop a checking or running job (the batch removes its temporary files) and remove
        everything it made."""
        with self._lock:
            busy = job.busy
            job.state = "cancelled"
        if busy and job.process is not None and job.process.is_alive():
            job.process.terminate()
            job.process.join(timeout=30)
            if job.process.is_alive():
                job.process.kill()
                job.process.join()
        self._remove(job)
        job.settled.set()

    def forget(self, job: Job) -> None:
        """A refused job, once its message is shown: nothing of it stays."""
        self._remove(job)

    def _remove(self, job: Job) -> None:
        with self._lock:
            self._jobs.pop(job.id, None)
        shutil.rmtree(job.folder, ignore_errors=True)

    def sweep(self) -> None:
        """Remove jobs older than the retention time (a running one is stopped first)."""
        now = time.time()
        with self._lock:
            old = [job for job in self._jobs.values() if now - job.created > self.keep]
        for job in old:
            self.cancel(job)

    def close(self) -> None:
        """The server stops: stop running jobs and remove every job folder."""
        with self._lock:
            jobs = list(self._jobs.values())
        for job in jobs:
            self.cancel(job)
        self._root.release()
