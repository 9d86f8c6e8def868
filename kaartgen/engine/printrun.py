"""The print run of a mailing, with its manifest and error list, made pack by pack in print order.

One batch on one machine and `kaartgen join` of a mailing's shards both make them here, with the
same calls in the same order, so that the two give the same bytes. Each pack arrives as a part
that names its edition's shared cards and fonts (see Edition.client_part); the shared objects of
an edition are written once, where its first pack comes; the inserter marks are drawn over each
pack as it is added. The manifest's rows and the print run's cross-reference go to files without a
name as they are made, so memory stays flat however long the mailing is.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from kaartgen import __version__
from kaartgen.engine.jobfolder import MANIFEST
from kaartgen.engine.workers import EditionKey, PackMaker
from kaartgen.model.clients import RowError
from kaartgen.render.atomic import write_atomic
from kaartgen.render.csvout import csv_bytes
from kaartgen.render.pdfjoin import PdfJoiner

MERGED = "print-run.pdf"
ERRORS = "errors.csv"
MANIFEST_HEADER = ["id", "row", "sequence", "pages", "sheets", "first_page", "last_page", "sha256", "inputs"]


def pack_info(title: str) -> dict[str, str]:
    """The document information of a client's own pack: its set's title, and no client value."""
    made = f"kaartgen {__version__}"
    return {"Title": title, "Subject": title, "Creator": made, "Producer": made}


class PrintRun:
    """`print-run.pdf`, `manifest.csv` and `errors.csv` in `out`, made while packs are added in
    print order. The print run is written to a temporary file and published under its name only
    by `finish`; `close` (always, in a `with`) leaves no temporary file behind."""

    def __init__(self, out: Path, maker: PackMaker, insert_marks: bool):
        self.out, self.maker, self.insert_marks = out, maker, insert_marks
        self.tmp = out / f".{MERGED}.{os.getpid()}.tmp"
        self.info = {"Title": "", "Subject": "print run", "Creator": f"kaartgen {__version__}",
                     "Producer": f"kaartgen {__version__}"}
        self.rows = tempfile.TemporaryFile(dir=out)  # the manifest's rows: no name, gone on any exit
        self.file = open(os.open(self.tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb")
        self.joiner = PdfJoiner(self.file, self.info, spill=out)
        self.in_run: dict[EditionKey, dict[str, int]] = {}  # an edition's shared objects, once in the run
        self.sequence = self.pages = 0

    def __enter__(self) -> PrintRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()
        self.rows.close()
        self.tmp.unlink(missing_ok=True)

    def add(self, cid: str, row: int, key: EditionKey, inputs: str, part: bytes, heights: list[float],
            digest: str) -> None:
        """The next pack: its part joined to the run (with its edition's shared objects the first
        time), its inserter marks, and its manifest row; sequence numbers run 1…N over the packs."""
        self.sequence += 1
        edition = self.maker.edition(*key)
        self.info["Title"] = self.info["Title"] or edition.card_set.info.title
        if key not in self.in_run:
            self.in_run[key] = self.joiner.add_library(edition.library)
        marks = (edition.mark_overlays(heights, self.sequence, self.maker.job or "-") if self.insert_marks
                 else None)
        self.joiner.add(part, self.in_run[key], marks)
        step = 2 if edition.pdf_fmt.duplex is not None else 1
        self.rows.write(csv_bytes([[cid, row, self.sequence, len(heights), len(heights) // step, self.pages + 1,
                                    self.pages + len(heights), digest, inputs]]))
        self.pages += len(heights)

    def finish(self, errors: list[RowError], messages: str) -> None:
        """The error list (sorted by row), then the print run under its name when any pack was
        made (else no print run, not even an earlier one), then the manifest."""
        self.joiner.close()
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        reasons = [[e.row, e.id, e.field, e.code, e.text(messages)] for e in sorted(errors, key=lambda e: e.row)]
        write_atomic(self.out / ERRORS, csv_bytes([["row", "id", "field", "code", "reason"], *reasons]), private=True)
        if self.sequence:
            os.replace(self.tmp, self.out / MERGED)
        else:
            self.tmp.unlink(missing_ok=True)
            (self.out / MERGED).unlink(missing_ok=True)
        write_atomic(self.out / MANIFEST, _manifest(self.rows), private=True)


def _manifest(rows: BinaryIO) -> Iterator[bytes]:
    """The manifest: its header, then the rows copied from `rows` in chunks, so that a manifest of
    50,000 rows is never held in memory."""
    yield csv_bytes([MANIFEST_HEADER])
    rows.seek(0)
    while chunk := rows.read(1 << 20):
        yield chunk
