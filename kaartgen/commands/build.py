"""`kaartgen build`: one pack, generic or for one client, in one format."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kaartgen.commands.common import (
    content_option,
    flag,
    lang,
    language_option,
    library,
    no_scan_marks_option,
    out_option,
    reports_errors,
    say,
    templates_option,
    variant_option,
)


@click.command("build")
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
@click.option("--reference", help="The pack's reference, e.g. the client number (never a name): on card 1, "
                                  "in the saved answers and the summary.")
@click.option("--back-offset", help="Shift of the back pages in mm as \"DX,DY\", measured with --calibration.")
@click.option("--large-print", is_flag=True, help="A5 cards with larger type (two an A4 sheet in office format).")
@no_scan_marks_option
@click.option("--calibration", is_flag=True, help="Also write a two-sided sheet to measure the back offset.")
@click.option("--force", is_flag=True, help="Replace a personal pack without --reference that is already there.")
@out_option("the PDF files")
@reports_errors()
def build(content: Path | None, templates: Path | None, language: str, variant: str, format_: str, name: str | None,
          professional: str | None, role: str | None, appointment: str | None, location: str | None,
          reference: str | None, crop_marks: bool, back_offset: str | None, large_print: bool, no_scan_marks: bool,
          calibration: bool, force: bool, out: Path) -> None:
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
    from kaartgen.clock import today
    from kaartgen.engine import PackOptions, date_warnings, remove_temporary, write_atomic
    from kaartgen.errors import KaartgenError, KaartgenErrors

    options, problems = PackOptions.parse_partial(
        language=language, variant=variant, format=format_, large_print=large_print, name=name,
        professional=professional, role=role, appointment=appointment, location=location, reference=reference,
        crop_marks=crop_marks, back_offset=back_offset)
    if problems:  # and which of the values that are right cannot be printed or do not fit: all at once
        edition = library(content, templates).edition(options.language, options.variant, options.large_print,
                                                      options.format)
        raise KaartgenErrors(problems + edition.problems(options.personal))
    personal = options.personal
    if personal.appointment is not None:
        for warning in date_warnings(personal.appointment, today(), "today"):
            click.echo(say("cli.warning", text=f"{flag(warning.field)} {warning.text(lang())}"), err=True)
    edition = library(content, templates).edition(options.language, options.variant, options.large_print,
                                                  options.format, options.back_offset, scan_marks=not no_scan_marks)
    data = edition.pack(personal, options.crop_marks)
    remove_temporary(out)  # left by a build that was killed mid-write
    written = [out / edition.file_name(personal)]
    if personal.is_personal and not personal.reference and not force and written[0].exists():
        raise KaartgenError("cli.personal_exists", file=written[0])  # another client's pack, perhaps
    ticket = None
    if edition.fmt is not None and edition.fmt.pairs and not personal.is_personal:  # a print-shop format
        ticket = edition.ticket(data, options.crop_marks)
    if calibration:
        name, sheet = edition.calibration()
        write_atomic(out / name, sheet)
        written.append(out / name)
    write_atomic(written[0], data, private=personal.is_personal)  # a client's name: this user only
    if ticket is not None:
        stem, facts, sheet = ticket
        write_atomic(out / f"{stem}.json", (json.dumps(facts, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
        write_atomic(out / f"{stem}.pdf", sheet)
        written += [out / f"{stem}.json", out / f"{stem}.pdf"]
    for path in sorted(written):
        click.echo(str(path))
