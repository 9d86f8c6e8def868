"""`kaartgen batch`: a letter and pack per client of a list, a print run, a manifest and an error report."""

from __future__ import annotations

import os
import sys
import threading
from datetime import date
from pathlib import Path

import click

from kaartgen.commands.common import content_option, library, reports_errors, templates_option
from kaartgen.errors import KaartgenError
from kaartgen.render.atomic import write_atomic

ENVELOPE_CHECK = "envelope-check.pdf"


class TerminalBar:
    """Progress as a bar on a terminal (counts only, never client data); nothing elsewhere."""

    WIDTH = 30

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.on = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.shown = False
        self._lock = threading.Lock()  # a batch's results arrive on another thread

    def __call__(self, done: int, total: int) -> None:
        if not self.on or total <= 0:
            return
        with self._lock:
            filled = int(self.WIDTH * done / total)
            self.stream.write(f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total}")
            self.stream.flush()
            self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")


def letter_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise KaartgenError(f"--date {value!r} is not a date; write YYYY-MM-DD") from None


@click.command("batch")
@click.argument("clients", type=click.Path(path_type=Path), required=False)
@click.option("--out", type=click.Path(path_type=Path),
              help="Folder for the packs, print run and reports (required, except with --check).")
@click.option("--jobs", type=click.IntRange(1, 64), default=None, help="Worker processes.  [default: the number of CPUs]")
@click.option("--format", "format_", default="office", show_default=True, help="Sheet format of the packs.")
@click.option("--resume", is_flag=True, help="Complete an interrupted batch in the same folder.")
@click.option("--update", is_flag=True,
              help="After the client list changed: keep unchanged packs, make new and changed ones, remove the rest.")
@click.option("--sheet", help="The sheet of an Excel workbook to read.  [default: the first]")
@click.option("--check", is_flag=True,
              help="Only check the list: every failing row and why, counts, date warnings. Writes nothing.")
@click.option("--envelope-check", is_flag=True,
              help=f"Only write {ENVELOPE_CHECK}: the letter with the envelope window drawn, to hold against your envelopes.")
@click.option("--insert-marks", is_flag=True, help="A DataMatrix on every sheet: job, pack sequence, sheet i/n.")
@click.option("--date", "letter_date", help="Date on the letters, YYYY-MM-DD.  [default: today]")
@content_option
@templates_option
@reports_errors("stopped; run again with --resume to finish")
def batch(clients, out, jobs, format_, resume, update, sheet, check, envelope_check, insert_marks, letter_date, content, templates) -> None:
    """A cover letter and pack per client, a merged print file, a manifest and an error report.

    CLIENTS is an Excel workbook (.xlsx; the first sheet, or --sheet), a CSV file (comma or
    semicolon, UTF-8 with or without BOM, as Excel saves it) or a YAML list. Required columns: id,
    name, street, postcode, city; optional: country, professional, role, phone, appointment,
    location, language, variant, large_print. Exit code 1 when any row failed.

    \b
    Examples:
      kaartgen batch clients.xlsx --check
      kaartgen batch clients.xlsx --out mailing --insert-marks
      kaartgen batch clients.xlsx --out mailing --update
      kaartgen batch --envelope-check --out mailing
    """
    from kaartgen.clock import today
    from kaartgen.engine.batch import BatchOptions, envelope_check_pdf, run_batch
    from kaartgen.engine.listcheck import check_batch

    engine = library(content, templates)
    day = letter_day(letter_date) if letter_date else today()
    if envelope_check:
        if out is None:
            raise click.UsageError(f"--out is required: the folder for {ENVELOPE_CHECK}")
        write_atomic(out / ENVELOPE_CHECK, envelope_check_pdf(engine, format_, day))
        click.echo(str(out / ENVELOPE_CHECK))
        return
    if clients is None:
        raise click.UsageError("give the client list: kaartgen batch CLIENTS --out FOLDER")
    if check:
        bar = TerminalBar()
        report = check_batch(clients, engine, format_, day, sheet, progress=bar)
        bar.close()
        click.echo("\n".join(report.lines()))
        sys.exit(1 if report.errors else 0)
    if out is None:
        raise click.UsageError("--out is required: the folder for the packs, print run and reports")
    options = BatchOptions(
        clients=clients, out=out, content=engine.content, templates=engine.templates, format=format_,
        jobs=jobs or os.cpu_count() or 1, resume=resume, update=update, insert_marks=insert_marks,
        letter_date=day, sheet=sheet,
    )
    bar = TerminalBar()
    try:
        result = run_batch(options, bar)
    finally:
        bar.close()
    from kaartgen.engine.listcheck import sheet_lines

    for line in sheet_lines(result.sheets):
        click.echo(line, err=True)
    if result.ignored_columns:
        click.echo(f"ignored columns (kaartgen does not use them): {', '.join(result.ignored_columns)}", err=True)
    for warning in result.warnings:
        click.echo(f"warning: row {warning.row} ({warning.id}): {warning.field} {warning.reason}", err=True)
    for error in result.errors:
        click.echo(f"row {error.row}" + (f" ({error.id})" if error.id else "") + f": {error.field}: {error.reason}", err=True)
    click.echo(result.summary)
    if result.errors:
        sys.exit(1)

