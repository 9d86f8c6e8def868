"""A batch's worker side: each client's pages laid out and drawn once, as a part that names its
edition's shared cards and fonts (joined into the client's file and the print run by the main
process, see engine/batch.py). Workers are forked from the main process with the editions laid out."""

from __future__ import annotations

import signal
from dataclasses import dataclass
from datetime import date

from kaartgen.engine.edition import Edition, Library
from kaartgen.engine.jobfolder import input_key
from kaartgen.errors import KaartgenError
from kaartgen.layout.imposition import Page
from kaartgen.model.clients import Client, RowError
from kaartgen.model.rows import row_error

EditionKey = tuple[str, str, bool]  # (language, variant, large print): which edition a client's pack is of
Made = tuple[str, int, EditionKey, str, bytes, list[float]]  # (id, row, edition, inputs' sha256, part, page heights)


@dataclass
class PackMaker:
    """A batch's view of the engine: the edition for a client and the client's pages."""

    library: Library
    fmt_name: str
    letter_date: date
    job: str | None = None
    setup: str = ""  # the job's setup digest: part of every pack's inputs key
    scan_marks: bool = True  # corner dots and codes on the fill-in cards, where the format prints them

    def edition(self, language: str, variant: str, large: bool) -> Edition:
        return self.library.edition(language, variant, large, self.fmt_name, scan_marks=self.scan_marks)

    def pages(self, client: Client) -> list[Page]:
        """The client's pages, laid out (for --check: nothing is drawn)."""
        edition = self.edition(client.language, client.variant, client.large_print)
        return edition.client_pages(client, self.letter_date)


maker: PackMaker | None = None  # set by the main process before it forks


def init() -> None:
    """A worker leaves Ctrl-C to the main process, which stops it (SIGTERM) and cleans up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def make(client: Client) -> Made | RowError:
    """Lay out and draw one client's pages, once, as a part (see Edition.client_part); returns its
    id, row in the list, edition, inputs' sha256, part and page heights, or the row's error. The main process joins
    the part into the client's file and into the print run."""
    assert maker is not None, "set by the main process before it forks"
    edition = (client.language, client.variant, client.large_print)
    key = input_key(maker.setup, client)
    try:
        part, heights = maker.edition(*edition).client_part(client, maker.letter_date)
    except KaartgenError as exc:
        return row_error(client, exc)
    return client.id, client.row, edition, key, part, heights
