"""Mailing jobs of the web app: a client list checked, then made by the engine's batch in a
process of its own, with progress and cancel.

A job lives in a private folder (mode 0700) under the server's job root (`JobRoot`, owned by one
running server): the uploaded list, and the batch's output folder. The folder is removed when the
clerk cancels or deletes the job, once every result has been downloaded, after the retention time,
and (for jobs of an earlier server that is gone) when the server starts. Job ids are random and say nothing about the clients.

The batch runs in a spawned process, so that a cancel is the batch's own SIGTERM path (temporary
files removed, nothing half written) and the server's threads never meet the batch's fork.
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
import shutil
import signal
import stat
import threading
import time
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kaartgen.engine.batch import ERRORS, MANIFEST, MERGED, BatchOptions, check_list, run_batch
from kaartgen.engine.edition import Library
from kaartgen.errors import KaartgenError, Stopped, request_stop
from kaartgen.model.clients import RowError, row_warnings

ZIP = "packs.zip"
RESULTS = (MERGED, ZIP, MANIFEST, ERRORS)  # what the clerk downloads, in this order
_SPAWN = multiprocessing.get_context("spawn")


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
            raise KaartgenError(f"the job folder {path} is not a folder of this user; choose another with --jobs-dir")
        os.chmod(path, 0o700)
        self.path = path
        self._fd = os.open(path / LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; one server a folder is then up to the operator
            fcntl = None
        if fcntl is not None:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                owner = os.read(self._fd, 32).decode("ascii", "replace").strip() or "?"
                os.close(self._fd)
                raise KaartgenError(f"the job folder {path} belongs to another kaartgen serve that is running "
                                    f"(process {owner}); stop that one, or choose another folder with --jobs-dir") from None
        os.ftruncate(self._fd, 0)
        os.write(self._fd, f"{os.getpid()}\n".encode())
        for stale in path.iterdir():  # an earlier server's jobs: this server holds the lock, so that one is gone
            if stale.name == LOCK:
                continue
            shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() and not stale.is_symlink() else stale.unlink()

    def release(self) -> None:
        """The server stops: its lock file goes, and the folder too when it is empty."""
        (self.path / LOCK).unlink(missing_ok=True)
        os.close(self._fd)
        try:
            self.path.rmdir()  # another server may share its parent
        except OSError:
            pass


def _stop(signum: int, frame) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    request_stop(signum)
    raise Stopped(signum)


class _Shared:
    """Progress kept in shared memory, for the server to read while the batch runs."""

    def __init__(self, done, total):
        self.done_value, self.total_value = done, total

    def __call__(self, total: int) -> "_Shared":
        self.total_value.value = total
        return self

    def step(self, n: int = 1) -> None:
        with self.done_value.get_lock():
            self.done_value.value += n

    def close(self) -> None:
        pass


def _die_with_parent() -> None:
    """Linux: a SIGTERM when the server dies, even by kill -9, so a mailing never runs on alone."""
    try:
        import ctypes
        import ctypes.util

        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # elsewhere the server's shutdown stops its mailings


def _run(options: BatchOptions, done, total, outcome) -> None:
    """The batch, in its own process; `outcome` receives (packs, failed rows) or an error message."""
    signal.signal(signal.SIGTERM, _stop)
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C on the server stops the server, which stops this
    try:
        result = run_batch(options, _Shared(done, total))
        _zip(options.out, [options.out / f"{p}" for p in sorted(os.listdir(options.out)) if p.endswith(".pdf")
                           and p != MERGED and not p.startswith(".")])
        outcome.send(("done", result.packs, result.failed_rows))
    except Stopped:
        outcome.send(("cancelled", 0, 0))
    except KaartgenError as exc:  # messages never hold client values
        outcome.send(("failed", str(exc), 0))
    except OSError as exc:
        outcome.send(("failed", exc.strerror or type(exc).__name__, 0))


def _zip(out: Path, packs: list[Path]) -> None:
    """The per-client PDFs in one zip, byte for byte, with fixed times: the same list gives the same zip."""
    tmp = out / f".{ZIP}.tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as archive:
        for pack in packs:
            info = zipfile.ZipInfo(pack.name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o600 << 16
            archive.writestr(info, pack.read_bytes())
    os.replace(tmp, out / ZIP)


@dataclass
class Job:
    id: str
    folder: Path
    clients: Path
    letter_date: date
    format: str
    ok: int
    errors: list[RowError]
    ignored: list[str]
    warnings: list[RowError] = field(default_factory=list)  # rows made that look wrong (dates)
    created: float = field(default_factory=time.time)
    state: str = "checked"  # checked, running, done, cancelled, failed
    message: str = ""
    packs: int = 0
    failed_rows: int = 0
    downloaded: set[str] = field(default_factory=set)
    process: multiprocessing.Process | None = None
    _done: object = None
    _total: object = None
    _outcome: object = None

    @property
    def out(self) -> Path:
        return self.folder / "out"

    def progress(self) -> tuple[int, int]:
        if self._done is None:
            return 0, 0
        return self._done.value, self._total.value

    def result(self, name: str) -> Path | None:
        return self.out / name if self.state == "done" and name in RESULTS and (self.out / name).is_file() else None


class Jobs:
    """Every mailing job of one server, by id."""

    def __init__(self, root: Path, library: Library, keep_hours: float, workers: int | None = None):
        self._root = JobRoot(root)
        self.root = self._root.path
        self.library = library
        self.keep = keep_hours * 3600
        self.workers = workers or os.cpu_count() or 1
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def create(self, suffix: str, data: bytes, letter_date: date, format: str) -> Job:
        """Store an uploaded list in a new private job folder and check it; raises KaartgenError for a
        list that cannot be read at all (the folder is then removed)."""
        job_id = secrets.token_urlsafe(12)
        folder = self.root / job_id
        folder.mkdir(mode=0o700)
        path = folder / f"clients{suffix}"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            clients, errors, ignored = check_list(path, self.library)
            warnings = row_warnings(clients, letter_date)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        job = Job(job_id, folder, path, letter_date, format, len(clients), errors, ignored, warnings)
        with self._lock:
            self._jobs[job_id] = job
        return job

    def get(self, job_id: str) -> Job | None:
        self.sweep()
        with self._lock:
            return self._jobs.get(job_id)

    def start(self, job: Job) -> None:
        with self._lock:
            if job.state != "checked":
                return
            job.state = "running"
        options = BatchOptions(clients=job.clients, out=job.out, content=self.library.content,
                               templates=self.library.templates, format=job.format, jobs=self.workers,
                               letter_date=job.letter_date)
        job._done, job._total = _SPAWN.Value("q", 0), _SPAWN.Value("q", 0)
        job._outcome, sender = _SPAWN.Pipe(duplex=False)
        job.process = _SPAWN.Process(target=_run, args=(options, job._done, job._total, sender))
        job.process.start()
        sender.close()
        threading.Thread(target=self._wait, args=(job,), daemon=True).start()

    def _wait(self, job: Job) -> None:
        try:
            state, a, b = job._outcome.recv()
        except EOFError:  # the process died without a word (killed)
            state, a, b = "failed", "the mailing process ended unexpectedly", 0
        job.process.join()
        with self._lock:
            if job.state == "cancelled":
                return
            job.state = state
            if state == "done":
                job.packs, job.failed_rows = a, b
            elif state == "failed":
                job.message = str(a)
        if state == "failed":
            shutil.rmtree(job.folder, ignore_errors=True)  # the message stays for the page; the files go
        elif state != "done":
            self._remove(job)

    def cancel(self, job: Job) -> None:
        """Stop a running job (the batch removes its temporary files) and remove everything it made."""
        with self._lock:
            running = job.state == "running"
            job.state = "cancelled"
        if running and job.process is not None and job.process.is_alive():
            job.process.terminate()
            job.process.join(timeout=30)
            if job.process.is_alive():
                job.process.kill()
                job.process.join()
        self._remove(job)

    def downloaded(self, job: Job, name: str) -> None:
        """Note a download; once every result has been fetched, the job is removed."""
        with self._lock:
            job.downloaded.add(name)
            finished = job.downloaded >= set(RESULTS)
        if finished:
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
