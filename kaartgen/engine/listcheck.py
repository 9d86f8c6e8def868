"""`kaartgen batch --check`: everything the clerk needs to know about a client list before a print
run, at once: the rows that fail and why, what the good rows ask for (languages, variants, large
print, appointment dates) and the rows that will print but look wrong (past or weekend dates).

Every pack is laid out, not drawn, so a name too long for the letter fails here, as it would in
the batch; nothing is written.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from kaartgen.engine.batch import Progress, no_progress, printed_format, read_list
from kaartgen.engine.workers import PackMaker
from kaartgen.engine.edition import Library
from kaartgen.errors import FieldError, KaartgenError
from kaartgen.model.clients import RowError, partition, row_warnings
from kaartgen.model.sheets import MAX_ROWS, SECONDS, Sheets

ROWS_SHOWN = 12  # row numbers listed for one reason; the rest are counted


@dataclass
class CheckReport:
    """What `--check` found; `lines()` says it the way the clerk reads it."""

    ok: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    sets: Counter = field(default_factory=Counter)
    large_print: int = 0
    first: datetime | None = None
    last: datetime | None = None
    dated: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    sheets: Sheets | None = None  # of a workbook: the sheet read and the others

    @property
    def failing(self) -> int:
        return len({e.row for e in self.errors})

    def lines(self) -> list[str]:
        out = sheet_lines(self.sheets) + [f"rows: {self.ok} ok, {self.failing} failing"]
        if self.errors:
            out.append("failing, by reason:")
            by_reason: dict[tuple[str, str], list[int]] = {}
            for e in self.errors:
                by_reason.setdefault((e.field, _general(e.reason)), []).append(e.row)
            for (name, reason), rows in sorted(by_reason.items(), key=lambda item: (-len(item[1]), item[0])):
                shown = ", ".join(map(str, rows[:ROWS_SHOWN])) + (f" and {len(rows) - ROWS_SHOWN} more" if len(rows) > ROWS_SHOWN else "")
                out.append(f"  {name}: {reason} ({len(rows)} row{'s' if len(rows) != 1 else ''}: {shown})")
        if self.sets:
            out.append("packs by set: " + ", ".join(f"{s} {n}" for s, n in sorted(self.sets.items())))
            out.append(f"large print: {self.large_print}")
        if self.dated:
            out.append(f"appointments: {self.dated}, from {self.first:%Y-%m-%d} to {self.last:%Y-%m-%d}")
        if self.warnings:  # every row, grouped: each one needs a look
            out.append(f"warnings, by reason ({len(self.warnings)}):")
            by_reason: dict[tuple[str, str], list[int]] = {}
            for w in self.warnings:
                by_reason.setdefault((w.field, w.reason), []).append(w.row)
            for (name, reason), rows in sorted(by_reason.items(), key=lambda item: (-len(item[1]), item[0])):
                out.append(f"  {name} {reason} ({len(rows)} row{'s' if len(rows) != 1 else ''}: {', '.join(map(str, rows))})")
        if self.ignored_columns:
            out.append(f"ignored columns (kaartgen does not use them): {', '.join(self.ignored_columns)}")
        return out


def sheet_lines(sheets: Sheets | None) -> list[str]:
    """Which sheet of a workbook was read, the others, and a hidden first sheet that was not."""
    if sheets is None or sheets.read is None:
        return []
    out = [f"sheet read: {sheets.read}"]
    if sheets.others:
        hidden = set(sheets.hidden)
        out.append("other sheets (not read): " + ", ".join(f"{n} (hidden)" if n in hidden else n for n in sheets.others))
    first = sheets.all[0][0] if sheets.all else None
    if first in sheets.hidden and first != sheets.read:
        out.append(f"the first sheet, {first}, is hidden and was not read; name it with --sheet if the clients are there")
    return out


def _general(reason: str) -> str:
    """A reason without the row it points at, so that rows with the same problem group together."""
    return reason.split(" on row ")[0] if " on row " in reason else reason


def check_batch(path: Path, library: Library, fmt: str, letter_date: date, sheet: str | None = None,
                progress: Progress = no_progress, seconds: float = SECONDS,
                max_rows: int = MAX_ROWS) -> CheckReport:
    """Validate every row and lay out every good row's pack, without drawing or writing anything:
    the one check before a mailing, for every front end. `seconds` bounds the reading of a
    workbook; a list with more than `max_rows` rows is refused (TooManyRows) before any layout."""
    printed_format(fmt)
    listing, rows = read_list(path, library, sheet, seconds, max_rows)
    clients, errors = partition(rows)
    maker = PackMaker(library, fmt, letter_date)
    report = CheckReport(ignored_columns=listing.ignored_columns, sheets=listing.sheets)
    progress(0, len(clients))
    for done, client in enumerate(clients, 1):
        try:
            maker.pages(client)
        except KaartgenError as exc:
            errors.append(RowError(client.row, client.id, exc.field if isinstance(exc, FieldError) else "content",
                                   exc.message))
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
    report.errors = sorted(errors, key=lambda e: e.row)
    report.warnings.sort(key=lambda w: w.row)
    return report
