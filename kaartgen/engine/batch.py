"""`kaartgen batch`: a letter and pack per client, a merged print file, a manifest and an error list.

Loss-free by construction:
- every file is written atomically; an interrupted batch leaves complete files or none, and the
  temporary files of a run (which hold addresses) are removed on every way out: success, an
  error, Ctrl-C, SIGTERM, a full disk; after a kill -9, at the start of the next run;
- each finished client is recorded (id, sha256 of the file, sha256 of its inputs) in a journal as
  it is written, so `--resume` keeps the packs whose file and inputs still match and makes only
  the rest; `--update` does the same after the client list changed, and removes the packs of
  rows that left the list or fail now;
- the job's identity covers everything that changes the output (client list, content, templates,
  fonts, options, versions); a folder holding another job, a resume with anything changed, or an
  update with anything but the client list changed, is refused with a message naming what differs;
- sequence numbers (in the manifest and the insert marks) run 1…N over the packs produced, in
  mailing order: a row that fails takes no number;
- messages show row numbers and ids, never names or addresses.
Speed: worker processes render the per-client PDFs while the main process writes them and the
merged file, in which the cards common to all clients are form XObjects stored once. Memory stays
flat: only a few tasks are in flight at a time, and the print run is streamed to disk in parts.

This module runs the job; its parts are apart: the folder, its identity, lock and journal
(jobfolder.py), the clients kept on disk in mailing order (clientstore.py), the worker side
(workers.py), the joining (render/pdfjoin.py) and the CSV files (render/csvout.py). Progress is
reported through a callback, `progress(done, total)`; how it is shown is the front end's business.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import multiprocessing
import multiprocessing.pool
import os
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from kaartgen.engine import workers
from kaartgen.engine.clientstore import ClientStore
from kaartgen.engine.edition import Library, edition_fonts
from kaartgen.engine.jobfolder import (
    JOURNAL,
    MANIFEST,
    FolderLock,
    claim,
    digests,
    file_digest,
    job_identity,
    journal,
    setup_digest,
)
from kaartgen.engine.printrun import ERRORS, MERGED, PrintRun, pack_info
from kaartgen.engine.shards import Shard, shard_slice
from kaartgen.engine.workers import PackMaker
from kaartgen.errors import FieldError, KaartgenError, check_stop
from kaartgen.model.clients import Client, ClientList, ListReading, RowError, read_clients
from kaartgen.model.columns import Columns, language_codes
from kaartgen.model.loading import available_sets
from kaartgen.model.options import PRINT_ONLY, BatchOptions
from kaartgen.model.rows import row_warnings, validated
from kaartgen.model.sheets import MAX_ROWS, SECONDS, Sheets
from kaartgen.render.atomic import remove_temporary, write_atomic
from kaartgen.render.pdf import PdfDoc
from kaartgen.render.pdfjoin import assemble

RESERVED_IDS = frozenset(Path(name).stem for name in (MERGED, MANIFEST, ERRORS))  # ids that would clash
IN_FLIGHT = 8  # tasks a worker may have queued: bounds memory however long the list is
SYNC_EVERY = 64  # journal rows between forcing it to the disk (a power cut costs at most these packs again)
Progress = Callable[[int, int], None]  # (done, total): called as a batch or check goes
Halt = Callable[[], bool]  # asked after each client: True ends the run with what is made so far


def no_progress(done: int, total: int) -> None:
    """Progress for callers that show none."""


def never() -> bool:
    """A run that goes on to the end of the list."""
    return False


@dataclass
class Counts:
    """What a run did with the packs: kept from an earlier run, made now, removed as stale."""

    kept: int = 0
    made: int = 0
    removed: int = 0
    not_reached: int = 0  # clients a halted run did not come to


@dataclass
class BatchResult:
    packs: int
    errors: list[RowError]
    ignored_columns: list[str]
    job: str
    counts: Counts = field(default_factory=Counts)
    again: bool = False  # --resume or --update: the counts are worth saying
    warnings: list[RowError] = field(default_factory=list)  # rows made that look wrong (dates)
    sheets: Sheets | None = None  # of a workbook: the sheet read and the others
    reading: ListReading | None = None  # how the list was read: encoding, delimiter, which header is which field

    @property
    def failed_rows(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def halted(self) -> bool:
        """The run was asked to stop: its files hold the clients it came to, a resume makes the rest."""
        return self.counts.not_reached > 0



def read_list(path: Path, library: Library, sheet: str | None = None, seconds: float = SECONDS,
              max_rows: int = MAX_ROWS, columns: Path | None = None,
              with_kix: bool = True) -> tuple[ClientList, Iterator[Client | list[RowError]]]:
    """A client list opened (a missing column stops here), and its rows validated as they are read.
    `columns` maps the list's own headers (model/columns.py); without `with_kix` no letter gets a KIX."""
    listing = read_clients(path, sheet, seconds, max_rows, Columns.load(library.templates, columns))
    return listing, validated(listing.rows, set(available_sets(library.content)), RESERVED_IDS, library.unprintable,
                              with_kix, language_codes(library.templates))


def printed_format(name: str, library: Library | None = None) -> str:
    """A format a batch prints (a fillable pack goes to one client at a time); with `library`, one
    its templates define, checked before any row is read."""
    if name in PRINT_ONLY:
        raise FieldError("format", "option.format_not_printed", format=name)
    if library is not None:
        known = sorted(f for f in library.theme(False).model.formats if f not in PRINT_ONLY)
        if name not in known:
            raise FieldError("format", "option.unknown_printed_format", format=name, known=known)
    return name


def envelope_check_pdf(library: Library, fmt: str, letter_date: date) -> bytes:
    """The envelope check for normal and large-print letters (see Edition.envelope_check)."""
    doc: PdfDoc | None = None
    for large in (False, True):
        edition = library.edition("nl", "standaard", large, printed_format(fmt))
        pages = edition.envelope_check(letter_date)
        doc = doc or PdfDoc(edition.card_set.info.title, "envelope check", edition.fonts)
        doc.add(pages, edition.theme, edition.pdf_fmt)
    assert doc is not None  # made in the loop's first round
    return doc.finish()


def run_batch(options: BatchOptions, progress: Progress = no_progress, halt: Halt = never) -> BatchResult:
    """Make every pack of the list in `options.out` (see the module's text); `progress(done, total)`
    is called as packs are made. When `halt()` turns true the run ends early but whole: the print
    run, manifest and error list cover the clients it came to, in mailing order, and the journal
    stays so that a resume makes only the rest (a stop by signal, instead, leaves the packs made
    and the journal, and no print run)."""
    library = Library(options.content, options.templates)
    printed_format(options.format, library)
    workers.maker = maker = PackMaker(library, options.format, options.letter_date, scan_marks=options.scan_marks)
    listing, rows = read_list(options.clients, maker.library, options.sheet, columns=options.columns,
                              with_kix=options.kix)
    errors: list[RowError] = []
    warnings: list[RowError] = []
    with ClientStore(options.out, options.sort) as order:  # every row is read and checked before the folder is touched
        for item in rows:
            if isinstance(item, Client):
                order.add(item)
                warnings += row_warnings([item], options.letter_date)
            else:
                errors += item
        order.seal()
        identity = job_identity(options.clients, options.content, options.templates, edition_fonts(maker.library),
                                [options.format, options.letter_date.isoformat(), options.sheet, options.sort,
                                 options.kix, file_digest(options.columns),
                                 *([] if options.scan_marks else ["no-scan-marks"])],
                                [options.insert_marks])
        maker.job = identity["job"]
        with FolderLock(options.out):
            claim(options.out, identity, options.resume, options.update)
            try:
                counts = _produce(options, maker, order, errors, progress, halt, identity)
            except OSError as exc:
                if exc.filename is None:  # a write that does not say where: the output folder
                    exc.filename = str(options.out / MERGED)
                raise
            finally:
                remove_temporary(options.out, every=True)
    return BatchResult(counts.kept + counts.made, errors, listing.ignored_columns, identity["job"], counts,
                       options.resume or options.update, warnings, listing.sheets, listing.reading)


def _produce(options: BatchOptions, maker: PackMaker, order: ClientStore, errors: list[RowError],
             progress: Progress, halt: Halt, identity: dict[str, str]) -> Counts:
    """Write every pack, and the print run, manifest and error list (a shard: its parts for
    `kaartgen join` instead); returns what was kept, made and removed.

    Each client's pages are laid out and drawn once, by a worker, as a part that names the
    edition's shared cards and fonts; this process joins the part to them into the client's file,
    and adds it to the print run (engine/printrun.py) or, in a shard, keeps it for the join.
    Nothing is kept per client in memory: the clients wait on disk, so memory stays flat however
    long the list is."""
    out = options.out
    done = journal(out) if options.resume or options.update else {}
    counts = Counts()
    failed: list[RowError] = []
    maker.setup = setup_digest(identity)
    everyone = len(order)
    start, stop = shard_slice(everyone, *options.shard) if options.shard is not None else (0, everyone)
    order.restrict(start, stop)
    _lay_out_editions(order, maker, options.insert_marks)
    release_memory()  # what reading the list left behind, before the workers inherit it
    total = len(order)
    progress(0, total)
    journal_rows = Journal(out)
    ahead = max(1, options.jobs) * IN_FLIGHT
    slots = threading.Semaphore(ahead)
    stopping = threading.Event()

    def tasks() -> Iterator[Client]:
        for client in order:
            slots.acquire()  # a few tasks ahead of the joining, never the whole list
            if stopping.is_set():
                return
            yield client

    pool = None
    if options.jobs > 1 and len(order) > 1:
        ctx = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
        pool = ctx.Pool(options.jobs, initializer=workers.init)
    sink: PrintRun | Shard = (PrintRun(out, maker, options.insert_marks) if options.shard is None
                              else Shard(out, options, identity, start, stop, everyone))
    try:
        with sink:
            results = pool.imap(workers.make, tasks()) if pool is not None else map(workers.make, tasks())
            for done_count, result in enumerate(results, 1):
                slots.release()
                check_stop()  # once a client: a stop that a library swallowed is honoured here
                progress(done_count, total)
                if isinstance(result, RowError):
                    failed.append(result)
                else:
                    cid, row, key, inputs, part, heights = result
                    edition = maker.edition(*key)
                    pack = assemble(edition.library, part, pack_info(edition.card_set.info.title),
                                    edition.theme.direction.pdf)
                    digest = _keep_or_write(out, cid, pack, inputs, done, journal_rows, counts)
                    sink.add(cid, row, key, inputs, part, heights, digest)
                    if done_count % RELEASE_EVERY == 0:
                        release_memory()
                if done_count < total and halt():
                    counts.not_reached = total - done_count
                    break
            if counts.not_reached:
                _stop_feeding(stopping, slots, ahead, pool)
            elif pool is not None:
                pool.close()
                pool.join()
            if isinstance(sink, Shard):
                sink.finish(errors, failed, options.messages)
            else:
                sink.finish(errors + failed, options.messages)
    except BaseException:
        _stop_feeding(stopping, slots, ahead, pool)
        raise
    finally:
        journal_rows.close()
    errors.extend(failed)
    errors.sort(key=lambda e: e.row)
    if not counts.not_reached:  # a halted run keeps its journal, and the packs it did not come to
        _remove_stale(out, done, counts)
        (out / JOURNAL).unlink(missing_ok=True)
    return counts


def _stop_feeding(stopping: threading.Event, slots: threading.Semaphore, ahead: int,
                  pool: multiprocessing.pool.Pool | None) -> None:
    """End the workers' part of a run that stops early: the feeder may wait for a slot, so it is
    told and let through; the workers stop at once, their results are not needed any more."""
    stopping.set()
    for _ in range(ahead + 1):
        slots.release()
    if pool is not None:
        pool.terminate()
        pool.join()


def _lay_out_editions(order: ClientStore, maker: PackMaker, insert_marks: bool) -> None:
    """Lay out each edition's shared sides here, before the workers are forked, so that they
    inherit them rather than each laying them out again; with insert marks, a template without a
    mark position stops the job before any pack. An edition that fails is reported per client."""
    for key in sorted(order.editions):
        try:
            edition = maker.edition(*key)
            _ = edition.shared_keys  # laid out once here, inherited by forked workers
        except KaartgenError:
            continue  # reported per client, by the workers
        if insert_marks:
            edition.mark_spots()


class Journal:
    """The job's journal: a row a pack, appended as each is written (this user only: it lists the
    clients' ids). Each row is handed to the system at once, so a killed or stopped process loses
    none; it is forced to the disk every SYNC_EVERY rows and at the end. What a power cut takes
    (the last rows, or a pack file's name) costs only work: --resume keeps a pack only when its file
    still holds the journaled bytes, and makes the others again."""

    def __init__(self, out: Path):
        self._file = open(os.open(out / JOURNAL, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "a",
                          encoding="utf-8")
        if self._file.tell() == 0:
            self._file.write("id,sha256,inputs\n")
        self._unsynced = 0

    def write(self, row: str) -> None:
        self._file.write(row)
        self._file.flush()
        self._unsynced += 1
        if self._unsynced >= SYNC_EVERY:
            os.fsync(self._file.fileno())
            self._unsynced = 0

    def close(self) -> None:
        if not self._file.closed:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()


def _keep_or_write(out: Path, cid: str, pack: bytes, inputs: str, done: dict[str, bytes], journal: Journal,
                   counts: Counts) -> str:
    """A client's pack file, kept when an earlier run of the job (--resume, --update) wrote these
    very bytes from the same inputs and the file still holds them, else written and journaled at
    once, so that a stop loses nothing; returns its sha256. The client leaves `done`: what is left
    there at the end has no pack any more."""
    digest = hashlib.sha256(pack).hexdigest()
    path = out / f"{cid}.pdf"
    earlier = done.pop(cid, None)
    if (earlier == digests(digest, inputs) and path.is_file()
            and hashlib.sha256(path.read_bytes()).digest().hex() == digest):
        counts.kept += 1
    else:
        write_atomic(path, pack, private=True)
        journal.write(f"{cid},{digest},{inputs}\n")
        counts.made += 1
    return digest


def _remove_stale(out: Path, done: dict[str, bytes], counts: Counts) -> None:
    """Remove the packs of rows that left the list, or fail now: their old pack must not be mailed."""
    for cid in sorted(done):
        path = out / f"{cid}.pdf"
        if path.is_file():
            path.unlink()
            counts.removed += 1


def release_memory() -> None:
    """Hand freed heap memory back to the system (glibc only).

    Each pack's PDF arrives from a worker as one large bytes object; glibc keeps such freed blocks
    in its heaps, fragmented, so without this the resident memory creeps up with every part."""
    global _libc
    if _libc is None:
        try:
            _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            _libc.malloc_trim.argtypes = [ctypes.c_size_t]
        except (OSError, AttributeError):
            _libc = False
    if _libc:
        _libc.malloc_trim(0)


_libc: ctypes.CDLL | Literal[False] | None = None  # False: the system has no malloc_trim
RELEASE_EVERY = 400  # packs between handing freed memory back to the system


