"""`kaartgen batch`: a letter and pack per client, a merged print file, a manifest and an error list.

Loss-free by construction:
- every file is written atomically; an interrupted batch leaves complete files or none;
- each finished client is recorded (id, sha256) in a journal as it is written, so `--resume`
  keeps the packs whose file still matches and makes only the rest;
- a folder that holds another job's output is refused;
- messages show row numbers and ids, never names or addresses.
Speed: worker processes make the per-client PDFs while the main process writes the merged file,
in which the cards common to all clients are form XObjects stored once.
"""

from __future__ import annotations

import csv
import hashlib
import io
import multiprocessing
import os
import sys
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

from kaartgen import __version__
from kaartgen.clients import Client, RowError, read_rows, validate
from kaartgen.errors import KaartgenError
from kaartgen.letter import FieldError
from kaartgen.loading import available_sets
from kaartgen.packs import PackMaker
from kaartgen.pdf import PdfDoc, render_pdf, write_atomic
from kaartgen.pdfjoin import join_to

MARKER = ".kaartgen-job"
JOURNAL = ".journal.csv"
MERGED = "print-run.pdf"
MANIFEST = "manifest.csv"
ERRORS = "errors.csv"


@dataclass(frozen=True)
class BatchOptions:
    clients: Path
    out: Path
    content: Path
    templates: Path
    format: str = "office"
    jobs: int = 1
    resume: bool = False
    insert_marks: bool = False
    letter_date: date = field(default_factory=date.today)


@dataclass
class BatchResult:
    packs: int
    errors: list[RowError]
    ignored_columns: list[str]
    job: str

    @property
    def summary(self) -> str:
        rows = len(self.errors)
        tail = f", see {ERRORS}" if rows else ""
        return f"{self.packs} packs, {rows} row{'s' if rows != 1 else ''} with errors{tail}"


def job_id(options: BatchOptions) -> str:
    """Same client list and options: same job. Used in the folder marker and the inserter marks."""
    h = hashlib.sha256(options.clients.read_bytes())
    h.update(repr((options.format, options.insert_marks, options.letter_date.isoformat(), __version__)).encode())
    return h.hexdigest()[:8].upper()


def _claim(out: Path, job: str, resume: bool) -> None:
    marker = out / MARKER
    if out.exists() and any(out.iterdir()):
        owner = marker.read_text(encoding="utf-8").strip() if marker.is_file() else None
        if owner is None:
            raise KaartgenError(f"{out} is not empty and holds no kaartgen batch; choose an empty or new folder")
        if owner != job:
            raise KaartgenError(f"{out} holds batch {owner}, made from another client list or other options; "
                                "choose an empty or new folder")
        if not resume:
            raise KaartgenError(f"{out} already holds this batch ({job}); add --resume to complete it, "
                                "or choose an empty folder")
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob(".*.tmp"):  # left by a run that was killed mid-write
        stale.unlink()
    write_atomic(marker, (job + "\n").encode())


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _journal(out: Path) -> dict[str, str]:
    """id -> sha256 of packs recorded as finished (journal, then a finished manifest)."""
    done: dict[str, str] = {}
    for name in (JOURNAL, MANIFEST):
        path = out / name
        if path.is_file():
            for row in csv.DictReader(path.read_text(encoding="utf-8").splitlines()):
                if row.get("id") and row.get("sha256"):
                    done[row["id"]] = row["sha256"]
    return done


# -- worker side ----------------------------------------------------------------------------------

_maker: PackMaker | None = None


def _init(options: BatchOptions, job: str) -> None:
    """Set up a worker; a forked worker inherits the main process's warm maker and keeps it."""
    global _maker
    if _maker is None:
        _maker = PackMaker(options.content, options.templates, options.format, options.letter_date, job,
                           options.insert_marks)


def _make(task: tuple[Client, int, Path]) -> tuple[str, str | None, int, RowError | None]:
    """Render and write one client's PDF; returns (id, sha256, pages, error)."""
    client, sequence, out = task
    try:
        edition, pages = _maker.pages(client, sequence)
        data = render_pdf(pages, edition.theme, edition.fmt, edition.card_set.info.title,
                          f"{edition.card_set.info.language}/{edition.card_set.info.variant}", edition.base_font)
    except KaartgenError as exc:
        return client.id, None, 0, RowError(client.row, client.id, getattr(exc, "field", "content"), exc.message)
    write_atomic(out / f"{client.id}.pdf", data)
    return client.id, _sha(data), len(pages), None


# -- main side ------------------------------------------------------------------------------------

class Progress:
    """A progress bar on a terminal, nothing otherwise. Shows counts, never client data."""

    def __init__(self, total: int, stream=sys.stderr):
        self.total, self.stream = total, stream
        self.on = total > 0 and hasattr(stream, "isatty") and stream.isatty()
        self.done = 0
        self._lock = threading.Lock()  # workers' results arrive on another thread

    def step(self, n: int = 1) -> None:
        with self._lock:
            self._step(n)

    def _step(self, n: int) -> None:
        self.done += n
        if self.on:
            width = 30
            filled = int(width * self.done / self.total)
            self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}")
            self.stream.flush()

    def close(self) -> None:
        if self.on:
            self.stream.write("\n")


def _csv(rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


PRINT_ONLY = ("digital", "html")  # a batch makes printed mail; fillable packs go to one client at a time


def run_batch(options: BatchOptions, progress: Callable[[int], Progress] = Progress) -> BatchResult:
    if options.format in PRINT_ONLY:
        raise KaartgenError(f"--format {options.format} is for one client at a time (kaartgen build); "
                            "a batch makes printed packs: use office, cards or shop")
    rows, ignored = read_rows(options.clients)
    clients, errors = validate(rows, set(available_sets(options.content)))
    job = job_id(options)
    _claim(options.out, job, options.resume)
    order = sorted(clients, key=lambda c: (c.postcode, c.id))  # mailing order
    sequence = {c.id: i + 1 for i, c in enumerate(order)}

    done = _journal(options.out) if options.resume else {}
    todo = []
    kept: dict[str, str] = {}
    for c in order:
        path = options.out / f"{c.id}.pdf"
        if c.id in done and path.is_file() and _sha(path.read_bytes()) == done[c.id]:
            kept[c.id] = done[c.id]
        else:
            todo.append(c)

    bar = progress(len(order) * 2 - len(kept))
    results: dict[str, tuple[str | None, int, RowError | None]] = {}
    journal = open(options.out / JOURNAL, "a", encoding="utf-8")
    if journal.tell() == 0:
        journal.write("id,sha256\n")

    def record(result: tuple[str, str | None, int, RowError | None]) -> None:
        cid, sha, pages, error = result
        results[cid] = (sha, pages, error)
        if sha:
            journal.write(f"{cid},{sha}\n")
            journal.flush()
            os.fsync(journal.fileno())
        bar.step()

    tasks = [(c, sequence[c.id], options.out) for c in todo]
    pool = None
    global _maker
    _maker = PackMaker(options.content, options.templates, options.format, options.letter_date, job,
                       options.insert_marks)
    for key in sorted({(c.language, c.variant, c.large_print) for c in order}):
        try:
            _maker.edition(*key)  # laid out once here, inherited by forked workers
        except KaartgenError:
            pass  # reported per client below
    try:
        if options.jobs > 1 and len(tasks) > 1:
            ctx = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
            pool = ctx.Pool(options.jobs, initializer=_init, initargs=(options, job))
            pending = [pool.apply_async(_make, (t,), callback=record) for t in tasks]
        else:
            pending = []
            for t in tasks:
                record(_make(t))

        merged_tmp = options.out / f".{MERGED}.{os.getpid()}.tmp"
        merged_pages = _merged(order, _maker, bar, merged_tmp)

        for p in pending:
            p.get()  # re-raises a crash in a worker instead of losing a client silently
    finally:
        if pool is not None:
            pool.close()
            pool.join()
        journal.close()

    manifest = [["id", "sequence", "pages", "sheets", "first_page", "last_page", "sha256"]]
    produced = 0
    for c in order:
        sha, pages, error = results.get(c.id, (kept.get(c.id), None, None))
        if error is not None or c.id not in merged_pages:
            if error is None:
                error = merged_pages.get(("error", c.id))
            if error is not None:
                errors.append(error)
            continue
        first, count, sheets = merged_pages[c.id]
        if pages is not None and pages != count:
            raise KaartgenError(f"internal error: pack {c.id} has {pages} pages alone and {count} in the print run")
        manifest.append([c.id, sequence[c.id], count, sheets, first, first + count - 1, sha])
        produced += 1
    errors.sort(key=lambda e: e.row)
    write_atomic(options.out / ERRORS, _csv([["row", "id", "field", "reason"]] +
                                            [[e.row, e.id, e.field, e.reason] for e in errors]))
    if merged_tmp.exists():
        os.replace(merged_tmp, options.out / MERGED)
    else:
        (options.out / MERGED).unlink(missing_ok=True)
    write_atomic(options.out / MANIFEST, _csv(manifest))
    (options.out / JOURNAL).unlink(missing_ok=True)
    bar.close()
    return BatchResult(produced, errors, ignored, job)


PART = 400  # packs rendered in memory at a time for the print run


def _merged(order: list[Client], maker: PackMaker, bar: Progress, path: Path) -> dict:
    """The print run at `path`: every good pack in mailing order, each from a new sheet.

    Packs are rendered in parts of PART packs (common cards as forms, stored once a part) and the
    parts are streamed into one file, so memory does not grow with the number of clients."""
    placed: dict = {}
    state: dict = {"doc": None, "packs": 0, "pages": 0}

    def parts():
        for i, client in enumerate(order):
            try:
                edition, pages = maker.pages(client, i + 1)
            except KaartgenError as exc:
                placed[("error", client.id)] = RowError(
                    client.row, client.id, exc.field if isinstance(exc, FieldError) else "content", exc.message)
                bar.step()
                continue
            if state["doc"] is None:
                state["doc"] = PdfDoc(edition.card_set.info.title, "print run", edition.base_font)
                state["title"] = edition.card_set.info.title
            placed[client.id] = (state["pages"] + 1, len(pages), len(pages) // (2 if edition.fmt.duplex else 1))
            state["doc"].add(pages, edition.theme, edition.fmt, edition.shared)
            state["pages"] += len(pages)
            state["packs"] += 1
            bar.step()
            if state["packs"] % PART == 0:
                yield state["doc"].finish()
                state["doc"] = None
        if state["doc"] is not None:
            yield state["doc"].finish()

    info = {"Title": "", "Subject": "print run", "Creator": f"kaartgen {__version__}", "Producer": f"kaartgen {__version__}"}
    generator = parts()
    first = next(generator, None)
    if first is None:
        return placed
    info["Title"] = state.get("title", "")

    def all_parts():
        yield first
        yield from generator

    join_to(path, all_parts(), info)
    with open(path, "rb+") as f:
        os.fsync(f.fileno())
    return placed
