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
"""

from __future__ import annotations

import csv
import ctypes
import ctypes.util
import hashlib
import io
import json
import multiprocessing
import os
import pickle
import signal
import sys
import tempfile
import threading
from array import array
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Callable, Iterator

from kaartgen import __version__
from kaartgen.engine.edition import Edition, Library
from kaartgen.errors import KaartgenError, check_stop
from kaartgen.fonts import font_files
from kaartgen.layout.imposition import Page
from kaartgen.model.clients import (
    SAFE_ID,
    Client,
    ClientList,
    RowError,
    read_clients,
    row_warnings,
    validated,
)
from kaartgen.model.loading import available_sets
from kaartgen.model.sheets import MAX_ROWS, SECONDS, Sheets
from kaartgen.render.atomic import private_folder, remove_temporary, write_atomic
from kaartgen.render.pdf import PdfDoc
from kaartgen.render.pdfjoin import PdfJoiner, assemble

MARKER = ".kaartgen-job"
JOURNAL = ".journal.csv"
MERGED = "print-run.pdf"
MANIFEST = "manifest.csv"
ERRORS = "errors.csv"
RESERVED_IDS = frozenset(Path(name).stem for name in (MERGED, MANIFEST, ERRORS))  # ids that would clash
LIBRARIES = ("reportlab", "fonttools", "jinja2")  # their versions change the bytes written
IN_FLIGHT = 8  # tasks a worker may have queued: bounds memory however long the list is


@dataclass(frozen=True)
class BatchOptions:
    clients: Path
    out: Path
    content: Path
    templates: Path
    letter_date: date
    format: str = "office"
    jobs: int = 1
    resume: bool = False
    update: bool = False
    insert_marks: bool = False
    sheet: str | None = None  # of an Excel workbook; the first when None


@dataclass
class Counts:
    """What a run did with the packs: kept from an earlier run, made now, removed as stale."""

    kept: int = 0
    made: int = 0
    removed: int = 0


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

    @property
    def failed_rows(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def summary(self) -> str:
        rows = self.failed_rows
        tail = f", see {ERRORS}" if rows else ""
        c = self.counts
        done = f" (kept {c.kept}, made {c.made}, removed {c.removed})" if self.again else ""
        return f"{self.packs} packs{done}, {rows} row{'s' if rows != 1 else ''} with errors{tail}"


def _tree_digest(folder: Path) -> str:
    """Every file below `folder`, by relative path and contents (links are not followed)."""
    h = hashlib.sha256()
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = Path(root, name)
            if path.is_file() and not path.is_symlink():
                h.update(str(path.relative_to(folder)).encode("utf-8", "surrogateescape") + b"\0")
                h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def _versions() -> str:
    found = []
    for name in LIBRARIES:
        try:
            found.append(f"{name} {package_version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} ?")
    return f"kaartgen {__version__}, " + ", ".join(found)


# What the job's identity is made of, and how a message names each part.
IDENTITY = {
    "clients": "the client list",
    "content": "the content (--content)",
    "templates": "the templates (--templates)",
    "fonts": "the font files",
    "options": "the options (--format, --insert-marks, --date, --sheet)",
    "versions": "the version of kaartgen or of its libraries",
}


def job_identity(options: BatchOptions, fonts: list[Path]) -> dict[str, str]:
    """Everything that changes what a batch writes, each part hashed, and the job id over all of it."""
    parts = {
        "clients": hashlib.sha256(options.clients.read_bytes()).hexdigest(),
        "content": _tree_digest(options.content),
        "templates": _tree_digest(options.templates),
        "fonts": hashlib.sha256(b"".join(hashlib.sha256(p.read_bytes()).digest() for p in fonts)).hexdigest(),
        "options": json.dumps([options.format, options.insert_marks, options.letter_date.isoformat(), options.sheet]),
        "versions": _versions(),
    }
    parts["job"] = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:8].upper()
    return parts


def _owner(marker: Path) -> dict[str, str] | None:
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def setup_digest(identity: dict[str, str]) -> str:
    """Everything but the client list: what every pack of the job shares."""
    shared = {k: v for k, v in identity.items() if k not in ("clients", "job")}
    return hashlib.sha256(json.dumps(shared, sort_keys=True).encode()).hexdigest()


def _claim(out: Path, identity: dict[str, str], resume: bool, update: bool = False) -> None:
    marker = out / MARKER
    job = identity["job"]
    if out.exists() and not out.is_dir():
        raise KaartgenError(f"{out} is a file, not a folder; choose a folder for the batch")
    if out.is_dir() and any(out.iterdir()):
        owner = _owner(marker) if marker.is_file() else None
        if owner is None:
            raise KaartgenError(f"{out} is not empty and holds no kaartgen batch; choose an empty or new folder")
        changed = [key for key in IDENTITY if owner.get(key) != identity[key]]
        if owner.get("job") != job and not (update and changed == ["clients"]):
            what = " and ".join(IDENTITY[key] for key in changed) or "the input"
            if update:
                raise KaartgenError(f"{out} holds batch {owner.get('job', '?')}, and since then {what} changed; "
                                    "--update takes a changed client list only: run with the same content, "
                                    "templates and options, or choose an empty or new folder")
            hint = ("add --update to make only the new and changed rows" if changed == ["clients"]
                    else "run with the same input to resume it")
            raise KaartgenError(f"{out} holds batch {owner.get('job', '?')}, and since then {what} changed; "
                                f"{hint}, or choose an empty or new folder")
        if not (resume or update):
            raise KaartgenError(f"{out} already holds this batch ({job}); add --resume to complete it, "
                                "or choose an empty folder")
    private_folder(out)  # the packs hold names and addresses
    remove_temporary(out, every=True)  # left by a run that was killed mid-write
    write_atomic(marker, (json.dumps(identity, indent=1, sort_keys=True) + "\n").encode(), private=True)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _journal(out: Path) -> dict[str, bytes]:
    """id -> sha256 of the file and sha256 of its inputs (64 bytes) of the packs recorded as
    finished: by the manifest of the last finished run, then by the journal of an interrupted one,
    which is newer. Read a row at a time; a row whose digests do not read gets zeros, which match
    no pack, so that pack is made again."""
    done: dict[str, bytes] = {}
    for name in (MANIFEST, JOURNAL):
        path = out / name
        if path.is_file():
            with open(path, encoding="utf-8", newline="") as f:
                for row in csv.DictReader(f):
                    cid = row.get("id") or ""
                    if SAFE_ID.fullmatch(cid) and row.get("sha256"):  # never a path: the ids name files that may be removed
                        done[cid] = _digests(row["sha256"], row.get("inputs") or "")
    return done


def _digests(sha: str, inputs: str) -> bytes:
    try:
        both = bytes.fromhex(sha + inputs)
    except ValueError:
        return bytes(64)
    return both if len(both) == 64 else bytes(64)


def input_key(setup: str, client: Client) -> str:
    """The sha256 of everything a client's PDF is made from: the job's setup and the client's values
    (not the row number, which does not print)."""
    values = [getattr(client, f.name) for f in fields(Client) if f.name != "row"]
    values = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return hashlib.sha256(json.dumps([setup, values], ensure_ascii=False).encode()).hexdigest()


# -- worker side ----------------------------------------------------------------------------------

@dataclass
class PackMaker:
    """A batch's view of the engine: the edition for a client and the client's pages."""

    library: Library
    fmt_name: str
    letter_date: date
    job: str | None = None
    setup: str = ""  # the job's setup digest: part of every pack's inputs key

    def edition(self, language: str, variant: str, large: bool) -> Edition:
        return self.library.edition(language, variant, large, self.fmt_name)

    def pages(self, client: Client) -> list[Page]:
        """The client's pages, laid out (for --check: nothing is drawn)."""
        edition = self.edition(client.language, client.variant, client.large_print)
        return edition.client_pages(client, self.letter_date)


_maker: PackMaker | None = None


def _init() -> None:
    """A worker leaves Ctrl-C to the main process, which stops it (SIGTERM) and cleans up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _make(client: Client) -> tuple[str, tuple, str, bytes | None, list[float], RowError | None]:
    """Lay out and draw one client's pages, once, as a part (see Edition.client_part); returns its
    id, edition, inputs' sha256, part, page heights, or the row's error. The main process joins the
    part into the client's file and into the print run."""
    edition = (client.language, client.variant, client.large_print)
    key = input_key(_maker.setup, client)
    try:
        part, heights = _maker.edition(*edition).client_part(client, _maker.letter_date)
    except KaartgenError as exc:
        return client.id, edition, key, None, [], RowError(client.row, client.id, getattr(exc, "field", "content"),
                                                           exc.message)
    return client.id, edition, key, part, heights, None


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


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a cell a spreadsheet would run as a formula (OWASP)


def spreadsheet_safe(value: object) -> object:
    """A CSV cell that Excel and LibreOffice show as text: one that starts like a formula gets a
    leading apostrophe, as OWASP's advice on CSV injection has it, and a carriage return becomes a
    line break (which the writer quotes; a bare CR it would not). Numbers pass as they are."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_START):
        value = "'" + value
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _csv(rows: list[list[object]]) -> bytes:
    """Rows as CSV (UTF-8), every cell safe to open in a spreadsheet."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([spreadsheet_safe(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def read_list(path: Path, library: Library, sheet: str | None = None, seconds: float = SECONDS,
              max_rows: int = MAX_ROWS) -> tuple[ClientList, Iterator[Client | list[RowError]]]:
    """A client list opened (a missing column stops here), and its rows validated as they are read."""
    listing = read_clients(path, sheet, seconds, max_rows)
    return listing, validated(listing.rows, set(available_sets(library.content)), RESERVED_IDS, library.unprintable)


PRINT_ONLY = ("digital", "html")  # a batch makes printed mail; fillable packs go to one client at a time


def printed_format(name: str) -> str:
    if name in PRINT_ONLY:
        raise KaartgenError(f"--format {name} is for one client at a time (kaartgen build); "
                            "a batch makes printed packs: use office, cards or shop")
    return name


def envelope_check_pdf(library: Library, fmt: str, letter_date: date) -> bytes:
    """The envelope check for normal and large-print letters (see Edition.envelope_check)."""
    doc = None
    for large in (False, True):
        edition = library.edition("nl", "standaard", large, printed_format(fmt))
        pages = edition.envelope_check(letter_date)
        doc = doc or PdfDoc(edition.card_set.info.title, "envelope check", edition.fonts)
        doc.add(pages, edition.theme, edition.fmt)
    return doc.finish()


def run_batch(options: BatchOptions, progress: Callable[[int], Progress] = Progress) -> BatchResult:
    printed_format(options.format)
    global _maker
    _maker = maker = PackMaker(Library(options.content, options.templates), options.format, options.letter_date)
    listing, rows = read_list(options.clients, maker.library, options.sheet)
    errors: list[RowError] = []
    warnings: list[RowError] = []
    with _Spilled(options.out) as order:  # every row is read and checked before the folder is touched
        for item in rows:
            if isinstance(item, Client):
                order.add(item)
                warnings += row_warnings([item], options.letter_date)
            else:
                errors += item
        order.seal()
        fonts = sorted(set(font_files(maker.library.theme(False).model)) | set(font_files(maker.library.theme(True).model)))
        identity = job_identity(options, fonts)
        maker.job = identity["job"]
        with _locked(options.out):
            _claim(options.out, identity, options.resume, options.update)
            try:
                counts = _produce(options, maker, order, errors, progress, setup_digest(identity))
            except OSError as exc:
                if exc.filename is None:  # a write that does not say where: the output folder
                    exc.filename = str(options.out / MERGED)
                raise
            finally:
                remove_temporary(options.out, every=True)
    return BatchResult(counts.kept + counts.made, errors, listing.ignored_columns, identity["job"], counts,
                       options.resume or options.update, warnings, listing.sheets)


class _locked:
    """One batch at a time in a folder: a second one would remove the first one's temporary files."""

    def __init__(self, out: Path):
        self.out = out
        self.fd: int | None = None

    def __enter__(self) -> None:
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; one batch a folder is then up to the user
            return
        if self.out.is_dir():
            self.fd = os.open(self.out, os.O_RDONLY)
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(self.fd)
                self.fd = None
                raise KaartgenError(f"another kaartgen batch is running in {self.out}; wait for it to finish") from None

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            os.close(self.fd)


def _produce(options: BatchOptions, maker: PackMaker, order: _Spilled, errors: list[RowError],
             progress: Callable[[int], Progress], setup: str) -> Counts:
    """Write every pack, the print run, the manifest and the error list; returns what was kept,
    made and removed.

    Each client's pages are laid out and drawn once, by a worker, as a part that names the
    edition's shared cards and fonts; this process joins the part to them into the client's file,
    and appends it to the print run, where the shared objects are written once per edition.
    Nothing is kept per client in memory: the clients wait on disk, the manifest's rows and the
    print run's cross-reference go to files without a name as they are made, so memory stays flat
    however long the list is."""
    out = options.out
    done = _journal(out) if options.resume or options.update else {}
    counts = Counts()
    failed: list[RowError] = []
    maker.setup = setup
    for key in sorted(order.editions):
        try:
            edition = maker.edition(*key)
            edition.shared_keys  # laid out once here, inherited by forked workers
        except KaartgenError:
            continue  # reported per client below
        if options.insert_marks:
            edition.mark_spots()  # a template without a mark position stops the job before any pack
    _release_memory()  # what reading the list left behind, before the workers inherit it
    bar = progress(len(order))
    journal = open(os.open(out / JOURNAL, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "a", encoding="utf-8")
    if journal.tell() == 0:
        journal.write("id,sha256,inputs\n")
    ahead = max(1, options.jobs) * IN_FLIGHT
    slots = threading.Semaphore(ahead)
    stopping = threading.Event()

    def tasks():
        for client in order:
            slots.acquire()  # a few tasks ahead of the joining, never the whole list
            if stopping.is_set():
                return
            yield client

    pool = None
    if options.jobs > 1 and len(order) > 1:
        ctx = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
        pool = ctx.Pool(options.jobs, initializer=_init)
    merged_tmp = out / f".{MERGED}.{os.getpid()}.tmp"
    info = {"Title": "", "Subject": "print run", "Creator": f"kaartgen {__version__}", "Producer": f"kaartgen {__version__}"}
    rows = tempfile.TemporaryFile(dir=out)  # the manifest's rows, in mailing order; no name, gone on any exit
    try:
        results = pool.imap(_make, tasks()) if pool is not None else map(_make, tasks())
        with open(os.open(merged_tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as run_file:
            run = PdfJoiner(run_file, info, spill=out)
            in_run: dict[tuple, dict[str, int]] = {}  # an edition's shared objects, once in the print run
            sequence = pages = 0
            for cid, key, inputs, part, heights, error in results:
                slots.release()
                check_stop()  # once a client: a stop that a library swallowed is honoured here
                bar.step()
                if part is None:
                    failed.append(error)
                    continue
                sequence += 1
                edition = maker.edition(*key)
                info["Title"] = info["Title"] or edition.card_set.info.title
                pack = assemble(edition.library, part, {**info, "Subject": edition.card_set.info.title})
                digest = hashlib.sha256(pack).hexdigest()
                path = out / f"{cid}.pdf"
                earlier = done.pop(cid, None)  # what is left in `done` at the end has no pack any more
                if earlier == _digests(digest, inputs) and path.is_file() and _sha(path.read_bytes()) == digest:
                    counts.kept += 1
                else:
                    write_atomic(path, pack, private=True)
                    journal.write(f"{cid},{digest},{inputs}\n")
                    journal.flush()
                    os.fsync(journal.fileno())
                    counts.made += 1
                if key not in in_run:
                    in_run[key] = run.add_library(edition.library)
                overlays = edition.mark_overlays(heights, sequence, maker.job or "-") if options.insert_marks else None
                run.add(part, in_run[key], overlays)
                step = 2 if edition.fmt.duplex is not None else 1
                rows.write(_csv([[cid, sequence, len(heights), len(heights) // step, pages + 1, pages + len(heights),
                                  digest, inputs]]))
                pages += len(heights)
                if sequence % RELEASE_EVERY == 0:
                    _release_memory()
            run.close()
            run_file.flush()
            os.fsync(run_file.fileno())
            produced = sequence
        if pool is not None:
            pool.close()
            pool.join()

        def manifest():  # copied from `rows` in chunks: a manifest of 50,000 rows is never held in memory
            yield _csv([["id", "sequence", "pages", "sheets", "first_page", "last_page", "sha256", "inputs"]])
            rows.seek(0)
            while chunk := rows.read(1 << 20):
                yield chunk

        errors.extend(failed)
        errors.sort(key=lambda e: e.row)
        write_atomic(out / ERRORS, _csv([["row", "id", "field", "reason"]] + [[e.row, e.id, e.field, e.reason] for e in errors]),
                     private=True)
        if produced:
            os.replace(merged_tmp, out / MERGED)
        else:
            merged_tmp.unlink(missing_ok=True)
            (out / MERGED).unlink(missing_ok=True)
        write_atomic(out / MANIFEST, manifest(), private=True)
    except BaseException:
        stopping.set()  # the pool's feeder may wait for a slot: let it see the stop
        for _ in range(ahead + 1):
            slots.release()
        if pool is not None:
            pool.terminate()  # stops the workers at once; their results are not needed any more
            pool.join()
        raise
    finally:
        journal.close()
        rows.close()
    for cid in sorted(done):  # rows that left the list, or fail now: their old pack must not be mailed
        path = out / f"{cid}.pdf"
        if path.is_file():
            path.unlink()
            counts.removed += 1
    (out / JOURNAL).unlink(missing_ok=True)
    bar.close()
    return counts


def _release_memory() -> None:
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


_libc = None
RELEASE_EVERY = 400  # packs between handing freed memory back to the system


class _Spilled:
    """Clients put away on disk as they are read, and read back one at a time in mailing order.

    A mailing of 50,000 clients would otherwise hold every name and address in memory for the
    whole run. While the list is read, each client has a sort key in memory: postcode, id and the
    client's place in the file, as one bytes object (UTF-8 sorts as the strings do, and a NUL, which
    no valid value holds, ends each part, so "1234 AB" still sorts before "1234 ABC"). `seal` sorts
    them and keeps only the places, 8 bytes a client in one array. The file has no name, so the
    system removes it on every way out, a kill included; it lies in or next to the output folder,
    on that disk."""

    def __init__(self, out: Path):
        near = next(p for p in (out, *out.parents) if p.is_dir())
        self.file = tempfile.TemporaryFile(dir=near)
        self.keys: list[bytes] = []
        self.places = array("Q")
        self.editions: set[tuple[str, str, bool]] = set()

    def __enter__(self) -> "_Spilled":
        return self

    def __exit__(self, *exc) -> None:
        self.file.close()

    def add(self, client: Client) -> None:
        offset = self.file.tell()
        pickle.dump(client, self.file, protocol=pickle.HIGHEST_PROTOCOL)
        self.keys.append(b"%s\0%s\0%s" % (client.postcode.encode(), client.id.encode(), offset.to_bytes(8, "big")))
        self.editions.add((client.language, client.variant, client.large_print))

    def seal(self) -> None:
        """Put the clients in mailing order. The keys go, and with them most of the memory that
        reading the list took, before the workers are forked from this process."""
        self.keys.sort()
        self.places = array("Q", (int.from_bytes(key[-8:], "big") for key in self.keys))
        self.keys = []

    def __len__(self) -> int:
        return len(self.places)

    def __iter__(self) -> Iterator[Client]:
        for place in self.places:
            self.file.seek(place)
            yield pickle.load(self.file)
