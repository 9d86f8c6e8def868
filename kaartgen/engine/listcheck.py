"""The check before a mailing (`kaartgen batch --check`, the web app's pre-check): everything the
clerk needs to know about a client list before a print run, at once: the rows that fail and why,
what the good rows ask for (languages, variants, large print, appointment dates) and the rows that
will print but look wrong (past or weekend dates). How it is shown is each front end's business.

Every pack is laid out, not drawn, so a name too long for the letter fails here, as it would in
the batch; nothing is written.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from kaartgen.engine.batch import Progress, no_progress, printed_format, read_list
from kaartgen.engine.edition import Library
from kaartgen.engine.workers import PackMaker
from kaartgen.errors import KaartgenError
from kaartgen.model.clients import ListReading, RowError
from kaartgen.model.rows import partition, row_error, row_warnings
from kaartgen.model.sheets import MAX_ROWS, SECONDS, Sheets


@dataclass
class CheckReport:
    """What the check found: rows that fail and the warnings (with message codes), and the counts."""

    ok: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    sets: Counter[str] = field(default_factory=Counter)
    large_print: int = 0
    first: datetime | None = None
    last: datetime | None = None
    dated: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    sheets: Sheets | None = None  # of a workbook: the sheet read and the others
    reading: ListReading | None = None  # how the list was read: encoding, delimiter, which header is which field

    @property
    def failing(self) -> int:
        return len({e.row for e in self.errors})


def check_batch(path: Path, library: Library, fmt: str, letter_date: date, sheet: str | None = None,
                progress: Progress = no_progress, seconds: float = SECONDS,
                max_rows: int = MAX_ROWS, columns: Path | None = None, with_kix: bool = True) -> CheckReport:
    """Validate every row and lay out every good row's pack, without drawing or writing anything:
    the one check before a mailing, for every front end. `seconds` bounds the reading of a
    workbook; a list with more than `max_rows` rows is refused (TooManyRows) before any layout.
    `columns` and `with_kix` are the batch's (BatchOptions)."""
    printed_format(fmt, library)
    listing, rows = read_list(path, library, sheet, seconds, max_rows, columns, with_kix)
    clients, errors = partition(rows)
    maker = PackMaker(library, fmt, letter_date)
    report = CheckReport(sheets=listing.sheets, reading=listing.reading)
    progress(0, len(clients))
    for done, client in enumerate(clients, 1):
        try:
            maker.pages(client)
        except KaartgenError as exc:
            errors.append(row_error(client, exc))
            continue
        finally:
            progress(done, len(clients))
        report.ok += 1
        report.sets[f"{client.language}/{client.variant}"] += 1
        report.large_print += client.large_print
        report.warnings += row_warnings([client], letter_date)
        if client.appointment is not None:
            report.dated += 1
            report.first = min(report.first or client.appointment, client.appointment)
            report.last = max(report.last or client.appointment, client.appointment)
    report.ignored_columns = listing.ignored_columns
    report.errors = sorted(errors, key=lambda e: e.row)
    report.warnings.sort(key=lambda w: w.row)
    return report
