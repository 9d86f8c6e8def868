"""`kaartgen read`: a filled digital pack or saved answers into a summary (PDF and JSON)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kaartgen.commands.common import content_option, library, out_option, reports_errors, say, templates_option


@click.command("read")
@click.argument("filled", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON instead of the file paths.")
@out_option("the summary PDF and JSON")
@content_option
@templates_option
@reports_errors()
def read(filled: Path, as_json: bool, out: Path, content: Path | None, templates: Path | None) -> None:
    """Read a filled digital pack (PDF) or saved answers (JSON) into a summary for the professional.

    \b
    Example:
      kaartgen read ingevuld.pdf --out samenvattingen
    """
    from kaartgen.clock import today
    from kaartgen.engine import SHOWN_CHARACTERS, SHOWN_LINES, write_atomic

    reading = library(content, templates).read(filled, today())
    stem = reading.stem
    text = json.dumps(reading.summary, ensure_ascii=False, indent=2)
    if reading.summary["cut"]:
        click.echo(say("cli.read_cut", count=reading.summary["cut"], characters=f"{SHOWN_CHARACTERS:,}",
                       lines=SHOWN_LINES), err=True)
    if reading.summary["problems"]:
        click.echo(say("cli.read_problems", count=reading.summary["problems"]), err=True)
    if reading.placeholders:
        click.echo(say("cli.read_placeholders", count=reading.placeholders), err=True)
    data = text.encode("utf-8")  # before anything is written: a file is whole, with its partner, or not at all
    write_atomic(out / f"{stem}.pdf", reading.pdf, private=True)  # the client's answers
    write_atomic(out / f"{stem}.json", data, private=True)
    if as_json:
        click.echo(text)
    else:
        click.echo(str(out / f"{stem}.pdf"))
        click.echo(str(out / f"{stem}.json"))
