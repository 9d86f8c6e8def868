"""The command line: one thin click command per function of the pipeline.

Exit codes: 0 all good; 1 rows of a batch (or lint) failed; 2 bad input or environment (a
KaartgenError, or a disk that is full, read-only or over a size limit), as one message on stderr,
never a traceback; 130 and 143 stopped by Ctrl-C or SIGTERM, after cleaning up. Client values
given on the command line are passed on and never echoed.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import signal
import sys
import threading
import unicodedata
from datetime import date
from pathlib import Path

import click

from kaartgen import __version__
from kaartgen.engine.batch import BatchOptions, run_batch
from kaartgen.engine.build import BuildOptions, build
from kaartgen.errors import KaartgenError, Stopped, request_stop
from kaartgen.render.guide import build_guide
from kaartgen.engine.lint import lint, table
from kaartgen.render.pdf import write_atomic
from kaartgen.render.preview import build_previews
from kaartgen.engine.read import read
from kaartgen.model.builtin import DEFAULT_CONTENT, DEFAULT_TEMPLATES
from kaartgen.model.text import Personal, parse_appointment
from kaartgen.model.units import mm

EXIT_INPUT = 2
ENVIRONMENT = {  # what the user can do about an OSError while writing
    errno.ENOSPC: "the disk is full; free some space or choose another folder with --out",
    errno.EDQUOT: "the disk quota is used up; free some space or choose another folder with --out",
    errno.EFBIG: "a file would exceed the size limit of this system or account; ask the administrator to raise it",
    errno.EROFS: "the folder is on a read-only disk; choose another folder with --out",
    errno.EACCES: "kaartgen may not write there; choose another folder with --out, or ask for write permission",
    errno.EPERM: "kaartgen may not write there; choose another folder with --out, or ask for write permission",
}


def _stop(signum: int, frame) -> None:
    """First Ctrl-C or SIGTERM: stop, clean up (further signals are ignored meanwhile), exit 130/143."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    request_stop(signum)
    raise Stopped(signum)


def reports_errors(stopped: str = "stopped"):
    """Turn every way a command can end badly into one line on stderr and its exit code."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            if threading.current_thread() is threading.main_thread():  # signals go to the main thread only
                signal.signal(signal.SIGINT, _stop)
                signal.signal(signal.SIGTERM, _stop)
            try:
                return func(*args, **kwargs)
            except KaartgenError as exc:
                click.echo(f"error: {exc}" if exc.file is None else str(exc), err=True)
                sys.exit(EXIT_INPUT)
            except (Stopped, KeyboardInterrupt) as exc:
                click.echo(stopped, err=True)
                sys.exit(exc.code if isinstance(exc, Stopped) else 130)
            except OSError as exc:
                where = Path(exc.filename).parent if exc.filename else None
                what = ENVIRONMENT.get(exc.errno, f"{exc.strerror or exc}; check the folder and the disk")
                click.echo(f"error: cannot write{f' in {where}' if where else ''}: {what}", err=True)
                sys.exit(EXIT_INPUT)

        return wrapper

    return decorate


def _offset(value: str | None) -> tuple[float, float] | None:
    if value is None:
        return None
    try:
        dx, dy = (float(v) for v in value.replace(" ", "").split(","))
    except ValueError:
        raise KaartgenError(f"--back-offset {value!r} must be two numbers in mm, e.g. \"0.5,-1\"") from None
    return mm(dx), mm(dy)


def _opt(value: str | None) -> str | None:
    """A client value from an option: NFC (as typed on any keyboard), or None when empty."""
    return unicodedata.normalize("NFC", value.strip()) if value and value.strip() else None


content_option = click.option("--content", type=click.Path(path_type=Path), default=DEFAULT_CONTENT,
                              show_default="built-in content/", help="Folder with <language>/<variant>/ YAML texts.")
templates_option = click.option("--templates", type=click.Path(path_type=Path), default=DEFAULT_TEMPLATES,
                                show_default="built-in templates/", help="Folder with the template YAML files.")
language_option = click.option("--language", default="nl", show_default=True, help="Language folder of the content.")
variant_option = click.option("--variant", default="standaard", show_default=True,
                              help="Text variant folder of the content.")


def out_option(what: str, required: bool = False):
    if required:
        return click.option("--out", type=click.Path(path_type=Path), required=True, help=f"Folder for {what}.")
    return click.option("--out", type=click.Path(path_type=Path), default=Path("output"), show_default=True,
                        help=f"Folder for {what}.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kaartgen")
def main() -> None:
    """Make print-ready packs of the card set 'werken aan een nieuw verhaal'.

    \b
    Example:
      kaartgen build                      # the standard Dutch office pack in output/
      kaartgen lint                       # check all content and templates
      kaartgen batch clients.csv --out mailing
    """


@main.command("build")
@content_option
@templates_option
@language_option
@variant_option
@click.option("--format", "format_", default="office", show_default=True,
              help="office: four cards an A4 sheet, duplex; cards: one card side a page; shop: with bleed "
                   "for a print shop; digital: fillable PDF; html: one accessible web page.")
@click.option("--crop-marks", is_flag=True, help="With --format shop: crop marks outside the bleed.")
@click.option("--name", help="Client's name for the introduction card.")
@click.option("--professional", help="Name of the professional the client will talk to.")
@click.option("--role", help="The professional's role, e.g. arbeidsdeskundige.")
@click.option("--appointment", help="Date and time of the conversation, e.g. 2026-12-03T10:30.")
@click.option("--location", help="Where the conversation takes place.")
@click.option("--back-offset", help="Shift of the back pages in mm as \"DX,DY\", measured with --calibration.")
@click.option("--large-print", is_flag=True, help="A5 cards with larger type (two an A4 sheet in office format).")
@click.option("--calibration", is_flag=True, help="Also write a two-sided sheet to measure the back offset.")
@out_option("the PDF files")
@reports_errors()
def build_command(content, templates, language, variant, format_, name, professional, role, appointment, location,
                  crop_marks, back_offset, large_print, calibration, out) -> None:
    """Build a pack and print the path of each file written.

    \b
    Examples:
      kaartgen build
      kaartgen build --format cards --out previews
      kaartgen build --variant eenvoudig --large-print
      kaartgen build --language en
      kaartgen build --name "Zoë de Wit" --professional "Jan Jansen" \\
                     --appointment 2026-12-03T10:30 --location "UWV Utrecht"
    """
    personal = Personal(
        name=_opt(name), professional=_opt(professional),
        appointment=parse_appointment(appointment) if _opt(appointment) else None, location=_opt(location),
        role=_opt(role),
    )
    options = BuildOptions(content=content, templates=templates, language=language, variant=variant,
                           format=format_, out=out, personal=personal, back_offset=_offset(back_offset),
                           calibration=calibration, large_print=large_print, crop_marks=crop_marks)
    for path in build(options):
        click.echo(str(path))


@main.command("batch")
@click.argument("clients", type=click.Path(path_type=Path))
@out_option("the packs, print run and reports", required=True)
@click.option("--jobs", type=click.IntRange(1, 64), default=None, help="Worker processes.  [default: the number of CPUs]")
@click.option("--format", "format_", default="office", show_default=True, help="Sheet format of the packs.")
@click.option("--resume", is_flag=True, help="Complete an interrupted batch in the same folder.")
@click.option("--insert-marks", is_flag=True, help="A DataMatrix on every sheet: job, pack sequence, sheet i/n.")
@click.option("--date", "letter_date", help="Date on the letters, YYYY-MM-DD.  [default: today]")
@content_option
@templates_option
@reports_errors("stopped; run again with --resume to finish")
def batch_command(clients, out, jobs, format_, resume, insert_marks, letter_date, content, templates) -> None:
    """A cover letter and pack per client, a merged print file, a manifest and an error report.

    CLIENTS is a CSV file (comma or semicolon, UTF-8 with or without BOM, as Excel saves it) or a
    YAML list, with the columns id, name, street, postcode, city, country, professional, phone,
    appointment, location, language, variant, large_print. Exit code 1 when any row failed.

    \b
    Example:
      kaartgen batch examples/clients.csv --out mailing --insert-marks
    """
    options = BatchOptions(
        clients=clients, out=out, content=content, templates=templates, format=format_,
        jobs=jobs or os.cpu_count() or 1, resume=resume, insert_marks=insert_marks,
        letter_date=_date(letter_date) if letter_date else date.today(),
    )
    result = run_batch(options)
    if result.ignored_columns:
        click.echo(f"ignored columns (kaartgen does not use them): {', '.join(result.ignored_columns)}", err=True)
    for error in result.errors:
        click.echo(f"row {error.row}" + (f" ({error.id})" if error.id else "") + f": {error.field}: {error.reason}", err=True)
    click.echo(result.summary)
    if result.errors:
        sys.exit(1)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise KaartgenError(f"--date {value!r} is not a date; write YYYY-MM-DD") from None


@main.command("read")
@click.argument("filled", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON instead of the file paths.")
@out_option("the summary PDF and JSON")
@content_option
@templates_option
@reports_errors()
def read_command(filled, as_json, out, content, templates) -> None:
    """Read a filled digital pack (PDF) or saved answers (JSON) into a summary for the professional.

    \b
    Example:
      kaartgen read ingevuld.pdf --out samenvattingen
    """
    summary, pdf = read(filled, content, templates)
    text = json.dumps(summary, ensure_ascii=False, indent=2)
    stem = filled.stem
    write_atomic(out / f"{stem}-summary.pdf", pdf)
    write_atomic(out / f"{stem}-summary.json", text.encode("utf-8"))
    if as_json:
        click.echo(text)
    else:
        click.echo(str(out / f"{stem}-summary.pdf"))
        click.echo(str(out / f"{stem}-summary.json"))


@main.command("guide")
@language_option
@variant_option
@out_option("the PDF files")
@content_option
@templates_option
@reports_errors()
def guide_command(language, variant, out, content, templates) -> None:
    """The professional's guide (A4) and the reflectiekaart (office and fillable).

    \b
    Example:
      kaartgen guide --language nl --out handleiding
    """
    for path in build_guide(content, templates, language, variant, out):
        click.echo(str(path))


@main.command("preview")
@language_option
@variant_option
@click.option("--large-print", is_flag=True, help="Preview the large-print (A5) cards.")
@out_option("the PNG files", required=True)
@content_option
@templates_option
@reports_errors()
def preview_command(language, variant, large_print, out, content, templates) -> None:
    """A PNG per card side and a contact sheet of the whole set, front and back.

    \b
    Example:
      kaartgen preview --variant eenvoudig --out previews
    """
    for path in build_previews(content, templates, language, variant, large_print, out):
        click.echo(str(path))


@main.command("lint")
@content_option
@templates_option
@reports_errors()
def lint_command(content, templates) -> None:
    """Check all content against the templates; print file:line: problems and exit 1 if any.

    \b
    Example:
      kaartgen lint
      kaartgen lint --content my-content
    """
    report = lint(content, templates)
    for section in report.sections:
        click.echo(section.name + (f"  (inherits: {', '.join(section.inherited)})" if section.inherited else ""))
        if section.rows:
            click.echo("\n".join(table(section)))
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for problem in report.problems:
        click.echo(str(problem) if problem.file else f"error: {problem}", err=True)
    if report.problems:
        click.echo(f"lint: {len(report.problems)} problem(s) in {len(report.sets)} set(s)", err=True)
        sys.exit(1)
    click.echo(f"lint: {len(report.sets)} set(s), {report.cards} cards: no problems ({', '.join(report.sets)})")
