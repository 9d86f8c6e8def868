"""`kaartgen join`: the slices of a mailing made on several machines, as one mailing."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kaartgen.commands.common import TerminalBar, content_option, lang, library, reports_errors, say, templates_option


@click.command("join")
@click.argument("parts", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Folder for the whole mailing.")
@click.option("--insert-marks", is_flag=True, help="A DataMatrix on every sheet: job, pack sequence, sheet i/n.")
@content_option
@templates_option
@reports_errors()
def join(parts: tuple[Path, ...], out: Path, insert_marks: bool, content: Path | None,
         templates: Path | None) -> None:
    """Join the slices made with `kaartgen batch LIST --shard K/N` into the mailing one batch makes:
    each pack, print-run.pdf, manifest.csv and errors.csv, byte for byte. PARTS are the slices'
    folders, in any order; every slice must be there once, made from the same list, content,
    templates and options. Exit code 1 when any row failed, as a batch's.

    \b
    Example:
      kaartgen batch clients.csv --shard 1/2 --out part1     # on one machine
      kaartgen batch clients.csv --shard 2/2 --out part2     # on another
      kaartgen join part1 part2 --out mailing --insert-marks
    """
    from kaartgen.engine import join_parts

    engine = library(content, templates)
    bar = TerminalBar()
    try:
        result = join_parts(list(parts), out, engine.content, engine.templates, insert_marks, lang(), bar)
    finally:
        bar.close()
    failed = len({e.row for e in result.errors})
    click.echo(say("cli.joined", packs=result.packs, job=result.job, count=failed,
                   tail=say("cli.see_errors") if failed else ""))
    if failed:
        sys.exit(1)
