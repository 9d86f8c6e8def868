"""Evaluation: what a team learns from many clients' answers, without exposing one client.

    from kaartgen.engine import EvaluateOptions, evaluate
    result = evaluate(library, EvaluateOptions(paths=(Path("antwoorden"),), groups=Path("groepen.csv")))
    result.outputs()          # [(file name, bytes)]: the report (PDF, HTML), the tables (CSV, JSON), the schema

Reading is the cost, so it runs in worker processes (`jobs`), each reading whole files with the
limits and protections of `kaartgen read` (engine/read.py, model/answers.py) and sending back only
a small record (engine/tally.py): the main process holds no file and no answer text, so its memory
stays flat however many files there are.

What is read: filled digital packs (PDF), saved web-page answers (JSON), the answers `kaartgen scan` read
from paper cards (JSON, counted as their own channel) and digital reflectiekaarten,
given as files, folders (read as a tree, in name order) or zips (and files uploaded to the web page).
A zip is refused whole when it has more than MAX_MEMBERS members, unpacks to more than the limit,
or has a member that unpacks more than MAX_RATIO times its packed size (a zip bomb); a member with an
absolute path, a `..` part, a link, encryption, or a zip of its own is skipped. Nothing is unpacked
to disk. Files whose name starts with a dot, and macOS's __MACOSX folders, are passed over silently;
every other file that is no kaartgen answers file is listed in `notes` and skipped, never fatal.

Each client counts once: the same file read twice (the same bytes) counts once, and of two packs
with the same reference the later counts (by the date the PDF was saved or the file changed when
both have one, else the one read last); each is noted. A file uploaded to the web page on its own
has no date (a browser does not send it); a zip's members keep theirs. A pack's date is the date
its PDF was last saved (the /ModDate a viewer writes), else the file's modification date; a
reflectiekaart's is the date written on it.

The tables and what is published of them: engine/tally.py and engine/suppress.py. References are
never written; with a key (at least MIN_KEY characters), the JSON lists a keyed pseudonym (HMAC-SHA256)
of each pack counted, so that a team can tell which clients an evaluation holds without it holding
their references.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import multiprocessing
import os
import re
import signal
import stat
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from kaartgen import __version__
from kaartgen.engine.edition import Library
from kaartgen.engine.read import MAX_FILE, read_answers
from kaartgen.engine.scanpages import is_pdf
from kaartgen.engine.suppress import MARKS, MIN_COUNT, MIN_GROUP, PRIMARY, SECONDARY
from kaartgen.engine.tally import PACK, PDF, SCAN, WEB, Builder, Counts, Record, Table, benefit_choice, record
from kaartgen.errors import FieldError, KaartgenError, check_stop
from kaartgen.messages import Term, catalogue
from kaartgen.messages import render as word
from kaartgen.model.evaluation import EvaluationConfig, load_evaluation
from kaartgen.model.groups import read_groups
from kaartgen.model.yamlfile import read_limited

MAX_MEMBERS = 20_000  # members of one zip
MAX_UNZIPPED = 8 * 1024 ** 3  # bytes one zip may unpack to (10,000 filled packs are about 2.3 GB)
MAX_RATIO = 100  # unpacked : packed, for a member over RATIO_FROM bytes; a filled PDF is about 1:1
RATIO_FROM = 1024 * 1024
MAX_FILES = 200_000  # files of one evaluation
MIN_KEY = 16  # characters of the pseudonyms' key
CHUNK = 16  # files a worker reads per task
KEY_CONTEXT = b"kaartgen evaluation reference\x00"
SCHEMA = "evaluation.schema.json"
_DATE = re.compile(rb"/(ModDate|CreationDate)\s*(?:\(((?:[^()\\]|\\.){1,80})\)|<([0-9A-Fa-f\s]{1,200})>)", re.S)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class EvaluateOptions:
    """What to evaluate: `paths` (files, folders, zips) and/or `uploads` (name, bytes: read from
    memory); a groups CSV (`groups`, or its bytes `groups_data`); the pseudonyms' `key`; the
    report's set (its names and language); reading processes (`jobs`)."""

    paths: tuple[Path, ...] = ()
    uploads: tuple[tuple[str, bytes], ...] = ()
    groups: Path | None = None
    groups_data: bytes | None = None
    key: str | None = None
    language: str = "nl"
    variant: str = "standaard"
    jobs: int = 1
    max_unzipped: int = MAX_UNZIPPED


@dataclass(frozen=True, slots=True)
class Source:
    """One file to read: its name as the user knows it, where its bytes are, its modification time."""

    name: str
    path: str  # a file on disk, or a zip (on disk, or an upload's name)
    member: str | None = None  # a zip's member
    when: datetime | None = None
    data: bytes | None = None  # an upload's bytes


@dataclass
class Evaluation:
    """The published evaluation: tables, counts and the rendered report; `notes` say, per file,
    what was skipped or counted once (for the person who ran it, never in an output file)."""

    title: str
    set_name: str
    language: str
    tables: list[Table]
    files: int
    packs: int
    reflections: int
    duplicates: int
    skipped: int
    period: tuple[str, str] | None
    pseudonyms: list[str] | None
    notes: list[KaartgenError] = field(default_factory=list)
    pdf: bytes = b""
    html: str = ""
    fragment: str = ""  # the report's body, for the web page

    def data(self) -> dict[str, Any]:
        """Every table as published, for evaluation.json (described by evaluation.schema.json)."""
        out: dict[str, Any] = {
            "kaartgen": "evaluation", "version": __version__, "set": self.set_name, "language": self.language,
            "rules": {"min_count": MIN_COUNT, "min_group": MIN_GROUP, "primary": MARKS[PRIMARY],
                      "secondary": MARKS[SECONDARY]},
            "read": {"files": self.files, "packs": self.packs, "reflections": self.reflections,
                     "duplicates": self.duplicates, "skipped": self.skipped},
            "period": {"first": self.period[0], "last": self.period[1]} if self.period else None,
            "tables": [_table_data(t) for t in self.tables],
        }
        if self.pseudonyms is not None:
            out["pseudonyms"] = self.pseudonyms
        return out

    def csv_files(self) -> list[tuple[str, bytes]]:
        """Each shown table as CSV, as the report shows it ("<5", "×")."""
        from kaartgen.render.csvout import csv_bytes

        return [(f"tables/{t.id}.csv", csv_bytes(_table_rows(t, self.language))) for t in self.tables
                if not t.withheld]

    def outputs(self) -> list[tuple[str, bytes]]:
        """Every file of the evaluation, by name: the report, the tables, the schema."""
        from importlib import resources

        schema = resources.files("kaartgen.model").joinpath(SCHEMA).read_bytes()
        data = json.dumps(self.data(), ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
        return [("evaluation.pdf", self.pdf), ("evaluation.html", self.html.encode("utf-8")),
                ("evaluation.json", data), (SCHEMA, schema), *self.csv_files()]

    def zip(self) -> bytes:
        """Every output but the report, in one zip (the web page's download of the tables)."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in self.outputs():
                if name not in ("evaluation.pdf", "evaluation.html"):
                    info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
                    info.compress_type = zipfile.ZIP_DEFLATED
                    z.writestr(info, data)
        return buffer.getvalue()


def _table_data(t: Table) -> dict[str, Any]:
    def cell(c: Any) -> dict[str, Any]:
        return {"count": c.count, "status": c.status}

    return {"id": t.id, "title": t.title, "note": " ".join(t.notes), "row_label": t.row_label, "withheld": t.withheld,
            "hidden_groups": t.hidden_groups,
            "columns": [{"id": c, "label": label} for c, label in t.columns],
            "rows": [] if t.withheld else [
                {"id": r, "label": label, "cells": [cell(t.cells[(r, c)]) for c, _ in t.columns],
                 "total": cell(t.row_totals[r])} for r, label in t.rows],
            "group_sizes": None if t.withheld or t.top is None else {
                "label": t.top[0], "cells": [cell(t.top[1][c]) for c, _ in t.columns], "total": cell(t.top[1][""])},
            "column_totals": None if t.withheld or t.column_totals is None else
            [cell(t.column_totals[c]) for c, _ in t.columns],
            "total": None if t.withheld or t.total is None else cell(t.total)}


def _table_rows(t: Table, lang: str) -> list[list[object]]:
    total = word("evaluation.total", {}, lang)
    rows: list[list[object]] = [[t.row_label, *(label for _, label in t.columns), total]]
    if t.top is not None:
        rows.append([t.top[0], *(t.top[1][c].text for c, _ in t.columns), t.top[1][""].text])
    for r, label in t.rows:
        rows.append([label, *(t.cells[(r, c)].text for c, _ in t.columns), t.row_totals[r].text])
    if t.column_totals is not None and t.total is not None:
        rows.append([total, *(t.column_totals[c].text for c, _ in t.columns), t.total.text])
    elif t.total is not None:
        rows.append([total, *([""] * len(t.columns)), t.total.text])
    return rows


# -- finding the files ------------------------------------------------------------------------------

def _quiet(name: str) -> bool:
    """A file nobody means to give: a dot file, or macOS's resource forks in a zip."""
    return any(part.startswith(".") or part == "__MACOSX" for part in PurePosixPath(name).parts)


def _when(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)


def _unsafe(name: str) -> bool:
    """A member name that tries to leave its folder, or is no name at all."""
    path = PurePosixPath(name)
    return (not name or name.startswith(("/", "\\")) or "\\" in name or "\x00" in name or ".." in path.parts
            or bool(re.match(r"^[A-Za-z]:", name)) or any(ord(c) < 32 for c in name))


def _members(z: zipfile.ZipFile, name: str, path: str, limit: int, notes: list[KaartgenError]) -> Iterator[Source]:
    """A zip's members to read, refused whole (with a note) when it is too big or a bomb."""
    infos = z.infolist()
    if len(infos) > MAX_MEMBERS:
        notes.append(KaartgenError("evaluate.zip_too_many", file=name, members=len(infos), most=MAX_MEMBERS))
        return
    if sum(i.file_size for i in infos) > limit:
        notes.append(KaartgenError("evaluate.zip_too_large", file=name, gb=round(limit / 1024 ** 3, 2)))
        return
    if any(i.file_size > RATIO_FROM and i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in infos):
        notes.append(KaartgenError("evaluate.zip_bomb", file=name, ratio=MAX_RATIO))
        return
    for info in sorted(infos, key=lambda i: i.filename):
        member = info.filename
        if _unsafe(member):  # named by its zip only: the name itself may be anything
            notes.append(KaartgenError("evaluate.zip_unsafe_name", file=name))
            continue
        if info.is_dir() or _quiet(member):
            continue
        shown = f"{name}/{member}"
        if stat.S_ISLNK(info.external_attr >> 16):
            notes.append(KaartgenError("evaluate.zip_link", file=shown))
        elif info.flag_bits & 0x1:
            notes.append(KaartgenError("evaluate.zip_encrypted", file=shown))
        elif info.file_size > MAX_FILE:
            notes.append(KaartgenError("file.too_large", file=shown, what=Term("term.answers_file"),
                                       mb=MAX_FILE // (1024 * 1024)))
        elif member.lower().endswith(".zip"):
            notes.append(KaartgenError("evaluate.zip_in_zip", file=shown))
        else:
            try:
                when = datetime(*info.date_time)
            except ValueError:
                when = None
            yield Source(shown, path, member, when)


def _zipped(data_or_path: bytes | str, name: str, path: str, limit: int,
            notes: list[KaartgenError]) -> list[Source]:
    try:
        with zipfile.ZipFile(io.BytesIO(data_or_path) if isinstance(data_or_path, bytes) else data_or_path) as z:
            return list(_members(z, name, path, limit, notes))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        notes.append(KaartgenError("evaluate.zip_unreadable", file=name))
        return []


def _is_zip(head: bytes) -> bool:
    return head.startswith((b"PK\x03\x04", b"PK\x05\x06"))


def _file_sources(path: Path, options: EvaluateOptions, notes: list[KaartgenError]) -> Iterator[Source]:
    """The files of `path`: itself, a zip's members, or a folder's tree in name order (no links
    to folders followed)."""
    if path.is_dir():
        for folder, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__MACOSX")
            for name in sorted(files):
                if not name.startswith("."):
                    yield from _file_sources(Path(folder) / name, options, notes)
        return
    try:
        with open(path, "rb") as f:
            head = f.read(4)
            when = _when(os.fstat(f.fileno()).st_mtime)
    except FileNotFoundError:
        raise KaartgenError("file.not_found", file=path) from None
    except OSError as exc:
        notes.append(KaartgenError("file.unreadable", file=path, what=Term("term.answers_file"),
                                   reason=exc.strerror or ""))
        return
    if _is_zip(head):
        yield from _zipped(str(path), str(path), str(path), options.max_unzipped, notes)
    else:
        name = str(path)
        yield Source(name, name, None, when)  # one string for both: the main process keeps a Source a file


def find_sources(options: EvaluateOptions, notes: list[KaartgenError]) -> list[Source]:
    """Every file to read, in the order given (a folder's files in name order)."""
    found: list[Source] = []
    for path in options.paths:
        found.extend(_file_sources(path, options, notes))
    for name, data in options.uploads:
        if _quiet(name):
            continue
        if _is_zip(data[:4]):
            _memory[name] = data
            found.extend(_zipped(data, name, name, options.max_unzipped, notes))
        else:
            found.append(Source(name, name, None, None, data))
    if len(found) > MAX_FILES:
        raise KaartgenError("evaluate.too_many_files", count=len(found), most=MAX_FILES)
    return found


# -- reading (in the worker processes) ---------------------------------------------------------------

_library: Library | None = None  # set before the workers fork
_sets: frozenset[str] = frozenset()  # the sets of the content, looked up once
_benefits: list[str] = []
_zips: dict[str, zipfile.ZipFile] = {}  # this process's open zips
_memory: dict[str, bytes] = {}  # uploaded zips, by name (read in the process they were uploaded to)

Outcome = tuple[Record | None, Term | None]


def _bytes(source: Source) -> bytes:
    if source.data is not None:
        return source.data
    if source.member is None:
        return read_limited(Path(source.path), MAX_FILE, Term("term.answers_file"))
    z = _zips.get(source.path)
    if z is None:
        z = _zips[source.path] = zipfile.ZipFile(io.BytesIO(_memory[source.path]) if source.path in _memory
                                                 else source.path)
    with z.open(source.member) as f:
        return f.read(MAX_FILE + 1)


def _pdf_text(raw: bytes, hexed: bool) -> str:
    """A PDF string's text: a literal string's escapes (\\ddd, \\n, \\(…) undone, or a hex string's digits."""
    if hexed:
        digits = re.sub(rb"\s", b"", raw)
        data = bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode("ascii", "replace"))
        return data[2:].decode("utf-16-be", "replace") if data[:2] == b"\xfe\xff" else data.decode("latin-1")
    out = bytearray()
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == 0x5C and i + 1 < len(raw):  # a backslash
            octal = re.match(rb"[0-7]{1,3}", raw[i + 1:i + 4])
            if octal:
                out.append(int(octal.group(0), 8) & 0xFF)
                i += 1 + len(octal.group(0))
                continue
            out.append({ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}.get(raw[i + 1], raw[i + 1]))
            i += 2
            continue
        out.append(c)
        i += 1
    return out.decode("latin-1")


def _saved(data: bytes) -> datetime | None:
    """When a PDF was last saved: its last /ModDate, unless that is its /CreationDate (never saved
    since kaartgen made it), as a viewer writes it (any escapes undone)."""
    dates: dict[bytes, datetime] = {}
    for match in _DATE.finditer(data):  # the last of each: an incremental save appends its own
        text = _pdf_text(match.group(3) if match.group(3) is not None else match.group(2), match.group(3) is not None)
        found = re.match(r"D:(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?(\d{2})?", text)
        if not found:
            continue
        y, mo, d, h, mi, se = (int(g or 0) for g in found.groups())
        try:
            dates[match.group(1)] = datetime(y, mo, d, h, mi, se)
        except ValueError:
            continue
    saved = dates.get(b"ModDate")
    return saved if saved is not None and saved != dates.get(b"CreationDate") else None


def read_one(source: Source) -> Outcome:
    """One file's record, or why it was skipped."""
    assert _library is not None
    try:
        data = _bytes(source)
        if len(data) > MAX_FILE:
            return None, Term("file.too_large", what=Term("term.answers_file"), mb=MAX_FILE // (1024 * 1024))
        if _is_zip(data[:4]):
            return None, Term("evaluate.zip_in_zip_reason")
        filled = read_answers(data, Path(source.name))
        if filled.set_name not in _sets:
            return None, Term("read.unknown_set")
        cs = _library.card_set(filled.language, filled.variant).model
        pdf = is_pdf(data)
        when = (_saved(data) if pdf else None) or source.when
        digest = hashlib.sha256(data).digest()
        channel = PDF if pdf else SCAN if filled.channel == SCAN else WEB
        return record(cs, filled, channel, digest, when, _benefits), None
    except KaartgenError as exc:
        return None, Term(exc.code, **exc.params)
    except (OSError, zipfile.BadZipFile, EOFError, ValueError, RuntimeError):
        return None, Term("read.unreadable")


def _read_chunk(sources: list[Source]) -> list[Outcome]:
    return [read_one(s) for s in sources]


def _init() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _read_all(sources: list[Source], jobs: int, progress: Progress | None) -> Iterator[tuple[Source, Outcome]]:
    """Each source with its outcome, in order; in `jobs` forked processes when there are many."""
    chunks = [sources[i:i + CHUNK] for i in range(0, len(sources), CHUNK)]
    done = 0
    if jobs > 1 and len(chunks) > 1 and sys.platform != "win32":
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(jobs, initializer=_init) as pool:
            for chunk, outcomes in zip(chunks, pool.imap(_read_chunk, chunks)):
                check_stop()
                done += len(chunk)
                if progress:
                    progress(done, len(sources))
                yield from zip(chunk, outcomes)
        return
    for chunk in chunks:
        check_stop()
        outcomes = _read_chunk(chunk)
        done += len(chunk)
        if progress:
            progress(done, len(sources))
        yield from zip(chunk, outcomes)


# -- counting once --------------------------------------------------------------------------------

@dataclass
class _Once:
    """The records kept so far: each file once, each reference once (the later)."""

    packs: list[tuple[Record, str, int]] = field(default_factory=list)
    reflections: list[Record] = field(default_factory=list)
    digests: dict[bytes, str] = field(default_factory=dict)
    references: dict[str, int] = field(default_factory=dict)  # reference -> index in packs
    duplicates: int = 0

    def add(self, rec: Record, name: str, order: int, notes: list[KaartgenError]) -> None:
        first = self.digests.get(rec.digest)
        if first is not None:
            self.duplicates += 1
            notes.append(KaartgenError("evaluate.same_file", file=name, other=first))
            return
        self.digests[rec.digest] = name
        if rec.kind != PACK:
            self.reflections.append(rec)
            return
        index = self.references.get(rec.reference) if rec.reference else None
        if index is None:
            if rec.reference:
                self.references[rec.reference] = len(self.packs)
            self.packs.append((rec, name, order))
            return
        old, old_name, old_order = self.packs[index]
        self.duplicates += 1
        if old.when is not None and rec.when is not None and old.when != rec.when:
            newer = rec.when > old.when
        else:  # undated, or the same date: the one read last
            newer = order > old_order
        if newer:
            notes.append(KaartgenError("evaluate.same_reference", file=old_name, other=name))
            self.packs[index] = (rec, name, order)
        else:
            notes.append(KaartgenError("evaluate.same_reference", file=name, other=old_name))


def pseudonym(key: str, reference: str) -> str:
    """A reference as a keyed pseudonym: the same with the same key, unlinkable without it."""
    return hmac.new(key.encode("utf-8"), KEY_CONTEXT + reference.encode("utf-8"), hashlib.sha256).hexdigest()[:24]


# -- the whole evaluation -----------------------------------------------------------------------------

def _config(library: Library) -> EvaluationConfig:
    return load_evaluation(library.templates, library.theme(False).model)


def _groups(library: Library, options: EvaluateOptions, config: EvaluationConfig) -> tuple[dict[str, Any], bool]:
    if options.groups is None and options.groups_data is None:
        return {}, False
    path = options.groups or Path("groups.csv")
    data = options.groups_data if options.groups_data is not None else \
        read_limited(path, 8 * 1024 * 1024, Term("term.groups_file"))
    labels = []
    ids = [b.id for b in config.benefits]
    for name in library.sets():
        cs = library.card_set(*name.split("/", 1)).model
        choice = benefit_choice(cs, ids)
        labels += [(o.label, o.id) for o in choice.options] if choice is not None else []
    groups = read_groups(data, path, config, labels)
    return groups.of, groups.teams


def evaluate(library: Library, options: EvaluateOptions, progress: Progress | None = None) -> Evaluation:
    """Read every file of `options`, count each client once, publish what protects them, and render
    the report. Raises KaartgenError for a bad option or groups CSV, or when no file held answers."""
    global _library, _sets, _benefits
    if options.key is not None and len(options.key) < MIN_KEY:
        raise FieldError("key", "evaluate.key_short", length=MIN_KEY)
    if not options.paths and not options.uploads:
        raise KaartgenError("evaluate.no_files")
    worded = sorted(catalogue()["evaluation.title"])  # the languages the report's sentences are in
    if options.language not in worded:
        raise FieldError("language", "evaluate.report_language", languages=worded)
    report_set = library.card_set(options.language, options.variant)  # the report's names: refused first
    config = _config(library)
    groups, teams = _groups(library, options, config)
    notes: list[KaartgenError] = []
    sources = find_sources(options, notes)
    refused = len(notes)  # files (or whole zips) refused before reading
    for name in library.sets():  # every set loaded once, here: forked workers inherit them
        library.card_set(*name.split("/", 1))
    _library, _sets, _benefits = library, frozenset(library.sets()), [b.id for b in config.benefits]
    once = _Once()
    skipped = refused
    try:
        for order, (source, (rec, why)) in enumerate(_read_all(sources, max(1, options.jobs), progress)):
            if rec is None:
                skipped += 1
                notes.append(KaartgenError("evaluate.skipped", file=source.name, reason=why))
            else:
                once.add(rec, source.name, order, notes)
    finally:
        for z in _zips.values():
            z.close()
        _zips.clear()
        _memory.clear()
    if not once.packs and not once.reflections:
        raise KaartgenError("evaluate.no_answers", count=len(sources) + refused)
    packs = [rec for rec, _, _ in once.packs]
    cs = report_set.model
    builder = Builder(cs, cs.info.language, _benefits, Counts(packs, once.reflections, groups, teams))
    tables = builder.build()
    dated = sorted(r.when for r in [*packs, *once.reflections] if r.when is not None)
    months = cs.info.dates.months
    period = (f"{months[dated[0].month - 1]} {dated[0].year}", f"{months[dated[-1].month - 1]} {dated[-1].year}") \
        if dated else None  # months: a day could single out one client
    pseudonyms = sorted(pseudonym(options.key, rec.reference) for rec in packs if rec.reference) \
        if options.key is not None else None
    result = Evaluation(f"{cs.info.title}: {word('evaluation.title', {}, cs.info.language)}",
                        f"{cs.info.language}/{cs.info.variant}", cs.info.language, tables, len(sources) + refused,
                        len(packs), len(once.reflections), once.duplicates, skipped, period, pseudonyms, notes)
    _render(library, result, config)
    return result


def _render(library: Library, result: Evaluation, config: EvaluationConfig) -> None:
    from kaartgen.documents.evaluation import report_fragment, report_html, report_pdf

    theme, fonts = library.theme(False).model, library.fonts(False)
    result.pdf = report_pdf(result, theme, fonts, config)
    result.fragment = report_fragment(result, theme, config, fonts, library.templates)
    result.html = report_html(result, theme, config, library.templates, fonts)
