"""`kaartgen evaluate`: what a team learns from many clients' answers, without exposing one client."""

from __future__ import annotations

import os
from pathlib import Path

import click

from kaartgen.commands.common import (
    TerminalBar,
    content_option,
    error_lines,
    language_option,
    library,
    out_option,
    reports_errors,
    say,
    templates_option,
    variant_option,
)

KEY_VARIABLE = "KAARTGEN_EVALUATION_KEY"
NOTES_SHOWN = 50  # per-file notes printed; the rest are counted


@click.command("evaluate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@out_option("the report (PDF and HTML), the tables (CSV, JSON) and the JSON schema", required=True)
@click.option("--groups", type=click.Path(path_type=Path), default=None,
              help="A CSV with each pack's reference and its benefit and/or team (packs carry no personal data).")
@click.option("--key", envvar=KEY_VARIABLE, show_envvar=True, default=None,
              help="A secret of at least 16 characters: the JSON then lists a keyed pseudonym of each pack "
                   f"counted. Without it, no reference in any form is written. Prefer ${KEY_VARIABLE}: an "
                   "option shows in the shell's history.")
@language_option
@variant_option
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Processes that read the files.  [default: the number of CPUs]")
@content_option
@templates_option
@reports_errors()
def evaluate(files: tuple[Path, ...], out: Path, groups: Path | None, key: str | None, language: str,
             variant: str, jobs: int | None, content: Path | None, templates: Path | None) -> None:
    """Count many filled packs (PDF), saved answers (JSON) and reflectiekaarten into a report that
    shows no client: FILES are files, folders or zips.

    \b
    Example:
      kaartgen evaluate antwoorden/ --groups groepen.csv --out evaluatie
    """
    from kaartgen.engine import EvaluateOptions, evaluate_answers, write_atomic

    options = EvaluateOptions(paths=files, groups=groups, key=key, language=language, variant=variant,
                              jobs=jobs or os.cpu_count() or 1)
    bar = TerminalBar()
    try:
        result = evaluate_answers(library(content, templates), options, bar)
    finally:
        bar.close()
    shown = 0
    for note in result.notes:  # which file was skipped or counted once, and why: names of files, never a value
        if shown < NOTES_SHOWN:
            for line in error_lines(note):
                click.echo(line, err=True)
        shown += 1
    if shown > NOTES_SHOWN:
        click.echo(say("cli.evaluate_more_notes", count=shown - NOTES_SHOWN), err=True)
    for name, data in result.outputs():
        write_atomic(out / name, data)  # counts only: no client can be found in them
    click.echo(say("cli.evaluate_done", packs=result.packs, reflections=result.reflections,
                   duplicates=result.duplicates, skipped=result.skipped), err=True)
    for name, _ in result.outputs():
        click.echo(str(out / name))
