"""`kaartgen batch`: a letter and pack per client of a list, a print run, a manifest and an error report."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kaartgen.commands.common import (
    TerminalBar,
    content_option,
    lang,
    library,
    no_scan_marks_option,
    reports_errors,
    row_line,
    say,
    templates_option,
)

if TYPE_CHECKING:
    from kaartgen.engine import CheckReport, ListReading, RowError, Sheets

ENVELOPE_CHECK = "envelope-check.pdf"
ROWS_SHOWN = 12  # row numbers listed for one reason; the rest are counted


def sheet_lines(sheets: Sheets | None) -> list[str]:
    """Which sheet of a workbook was read, the others, and a hidden first sheet that was not."""
    if sheets is None or sheets.read is None:
        return []
    out = [say("cli.sheet_read", sheet=sheets.read)]
    if sheets.others:
        hidden = set(sheets.hidden)
        names = [say("cli.sheet_hidden", sheet=n) if n in hidden else n for n in sheets.others]
        out.append(say("cli.sheets_other", sheets=", ".join(names)))
    first = sheets.all[0][0] if sheets.all else None
    if first in sheets.hidden and first != sheets.read:
        out.append(say("cli.first_hidden", sheet=first))
    return out


def _grouped(rows: list[RowError], reading: ListReading | None) -> list[tuple[str, str, list[int]]]:
    """(column, reason, rows) for the rows with the same field and message code, most rows first;
    a field is named by its column's header in the list."""
    groups: dict[tuple[str, str], list[RowError]] = {}
    for e in rows:
        groups.setdefault((reading.column(e.field) if reading else e.field, e.code), []).append(e)
    found = [(f, errors[0].text(lang()) if len(errors) == 1 or "other" not in errors[0].params  # "also on row 5"
              else say(f"{code}_any"), [e.row for e in errors]) for (f, code), errors in groups.items()]
    return sorted(found, key=lambda g: (-len(g[2]), g[0], g[1]))


def slice_of(text: str) -> tuple[int, int]:
    """`--shard K/N` as (K, N); BatchOptions says what is wrong with numbers out of range."""
    k, _, n = text.partition("/")
    if not (k.strip().isdigit() and n.strip().isdigit()):
        raise click.BadParameter(say("cli.shard_form"), param_hint="--shard")
    return int(k), int(n)


def check_lines(report: CheckReport) -> list[str]:
    """What the check found, the way the clerk reads it."""
    out = sheet_lines(report.sheets) + (report.reading.describe(lang()) if report.reading else [])
    out.append(say("cli.check_rows", ok=report.ok, failing=report.failing))
    if report.errors:
        out.append(say("cli.check_failing"))
        for name, reason, rows in _grouped(report.errors, report.reading):
            shown = ", ".join(map(str, rows[:ROWS_SHOWN]))
            if len(rows) > ROWS_SHOWN:
                shown = say("cli.and_more", rows=shown, more=len(rows) - ROWS_SHOWN)
            out.append(say("cli.check_group", field=name, reason=reason, count=len(rows), rows=shown))
    if report.sets:
        out.append(say("cli.check_sets", sets=", ".join(f"{s} {n}" for s, n in sorted(report.sets.items()))))
        out.append(say("cli.check_large", count=report.large_print))
    if report.dated:
        out.append(say("cli.check_dates", count=report.dated, first=f"{report.first:%Y-%m-%d}",
                       last=f"{report.last:%Y-%m-%d}"))
    if report.warnings:  # every row, grouped: each one needs a look
        out.append(say("cli.check_warnings", count=len(report.warnings)))
        for name, reason, rows in _grouped(report.warnings, report.reading):
            listed = ", ".join(map(str, rows))
            out.append(say("cli.check_group", field=name, reason=reason, count=len(rows), rows=listed))
    if report.ignored_columns:
        out.append(say("cli.ignored", columns=", ".join(report.ignored_columns)))
    return out


@click.command("batch")
@click.argument("clients", type=click.Path(path_type=Path), required=False)
@click.option("--out", type=click.Path(path_type=Path),
              help="Folder for the packs, print run and reports (required, except with --check).")
@click.option("--jobs", type=click.IntRange(1, 64), default=None,
              help="Worker processes.  [default: the number of CPUs]")
@click.option("--format", "format_", default="office", show_default=True, help="Sheet format of the packs.")
@click.option("--resume", is_flag=True, help="Complete an interrupted batch in the same folder.")
@click.option("--update", is_flag=True,
              help="After the client list changed: keep unchanged packs, make new and changed ones, remove the rest.")
@click.option("--sheet", help="The sheet of a workbook to read.  [default: the first visible one]")
@click.option("--check", is_flag=True,
              help="Only check the list: every failing row and why, counts, date warnings. Writes nothing.")
@click.option("--envelope-check", is_flag=True,
              help=f"Only write {ENVELOPE_CHECK}: the letter with the envelope window drawn, "
                   "to hold against your envelopes.")
@click.option("--insert-marks", is_flag=True, help="A DataMatrix on every sheet: job, pack sequence, sheet i/n.")
@click.option("--date", "letter_date", help="Date on the letters, YYYY-MM-DD.  [default: today]")
@click.option("--columns", type=click.Path(path_type=Path),
              help="YAML file mapping the list's own column names to kaartgen's fields, e.g. 'Naam cliënt: naam'.")
@click.option("--sort", type=click.Choice(["list", "postcode"]), default="list", show_default=True,
              help="Order of the print run: the list's, or by postcode, house number and addition (PostNL).")
@click.option("--no-kix", is_flag=True, help="No PostNL KIX barcode under Dutch addresses (post not sent with PostNL).")
@no_scan_marks_option
@click.option("--shard", metavar="K/N", help="Make only the K-th of N slices of the list (in print order), "
                                             "for `kaartgen join`; no print run, no inserter marks.")
@content_option
@templates_option
@reports_errors("cli.stopped_batch")
def batch(clients: Path | None, out: Path | None, jobs: int | None, format_: str, resume: bool, update: bool,
          sheet: str | None, check: bool, envelope_check: bool, insert_marks: bool, letter_date: str | None,
          columns: Path | None, sort: str, no_kix: bool, no_scan_marks: bool, shard: str | None, content: Path | None,
          templates: Path | None) -> None:
    """A cover letter and pack per client, a merged print file, a manifest and an error report.

    CLIENTS is an Excel workbook (.xlsx, .xls, .ods; the first visible sheet, or --sheet), a CSV
    file as Excel or LibreOffice saves it (UTF-8, UTF-16 or Windows-1252; semicolon, comma or tab)
    or a YAML list. Columns may have their Dutch or English names (klantnummer, naam or voorletters,
    tussenvoegsel and achternaam, straat, huisnummer, toevoeging, postcode, woonplaats, land, ...;
    see templates/lists/columns.yaml) or names of the list's own, mapped with --columns. Exit code 1 when
    any row failed.

    \b
    Examples:
      kaartgen batch clients.xlsx --check
      kaartgen batch clients.xlsx --out mailing --insert-marks
      kaartgen batch clients.xlsx --out mailing --update
      kaartgen batch --envelope-check --out mailing
    """
    from kaartgen.clock import today
    from kaartgen.engine import BatchOptions, check_batch, envelope_check_pdf, parse_day, run_batch, write_atomic

    engine = library(content, templates)
    day = parse_day(letter_date, "letter_date") if letter_date else today()
    if envelope_check:
        if out is None:
            raise click.UsageError(say("cli.out_for_envelope", file=ENVELOPE_CHECK))
        write_atomic(out / ENVELOPE_CHECK, envelope_check_pdf(engine, format_, day))
        click.echo(str(out / ENVELOPE_CHECK))
        return
    if clients is None:
        raise click.UsageError(say("cli.give_list"))
    if check:
        bar = TerminalBar()
        report = check_batch(clients, engine, format_, day, sheet, progress=bar, columns=columns, with_kix=not no_kix)
        bar.close()
        click.echo("\n".join(check_lines(report)))
        sys.exit(1 if report.errors else 0)
    if out is None:
        raise click.UsageError(say("cli.out_required"))
    options = BatchOptions(
        clients=clients, out=out, content=engine.content, templates=engine.templates, format=format_,
        jobs=jobs or os.cpu_count() or 1, resume=resume, update=update, insert_marks=insert_marks,
        letter_date=day, sheet=sheet, messages=lang(), columns=columns, sort=sort, kix=not no_kix,
        scan_marks=not no_scan_marks, shard=slice_of(shard) if shard else None,
    )
    bar = TerminalBar()
    try:
        result = run_batch(options, bar)
    finally:
        bar.close()
    for line in sheet_lines(result.sheets):
        click.echo(line, err=True)
    if result.ignored_columns:
        click.echo(say("cli.ignored", columns=", ".join(result.ignored_columns)), err=True)
    column = result.reading.column if result.reading else str
    for warning in result.warnings:
        click.echo(say("cli.warning", text=row_line(warning.row, warning.id, column(warning.field),
                                                    warning.text(lang()))), err=True)
    for error in result.errors:
        click.echo(row_line(error.row, error.id, column(error.field), error.text(lang())), err=True)
    c = result.counts
    counts = say("cli.counts", kept=c.kept, made=c.made, removed=c.removed) if result.again else ""
    tail = say("cli.see_errors") if result.failed_rows else ""
    click.echo(say("cli.summary", packs=result.packs, counts=counts, count=result.failed_rows, tail=tail))
    if result.errors:
        sys.exit(1)
