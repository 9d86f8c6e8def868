"""`kaartgen lint`: check all content against the templates before anything is printed."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kaartgen.commands.common import (
    content_option,
    error_lines,
    library,
    problem_lines,
    reports_errors,
    say,
    templates_option,
)

if TYPE_CHECKING:
    from kaartgen.engine import SetReport


@click.command("lint")
@content_option
@templates_option
@reports_errors()
def lint(content: Path | None, templates: Path | None) -> None:
    """Check all content against the templates; print file:line: problems and exit 1 if any.

    \b
    Example:
      kaartgen lint
      kaartgen lint --content my-content
    """
    from kaartgen.engine import LINT_SIZES
    from kaartgen.engine import lint as check_all

    engine = library(content, templates)
    report = check_all(engine.content, engine.templates)
    for section in report.sections:
        inherits = say("cli.lint_inherits", keys=", ".join(section.inherited)) if section.inherited else ""
        click.echo(section.name + inherits)
        if section.rows:
            click.echo("\n".join(table(section, list(LINT_SIZES))))
    for warning in report.warnings:
        for line in problem_lines(warning):
            click.echo(say("cli.warning", text=line), err=True)
    for problem in report.problems:
        for line in error_lines(problem):
            click.echo(line, err=True)
    if report.problems:
        click.echo(say("cli.lint_problems", count=len(report.problems), sets=len(report.sets)), err=True)
        sys.exit(1)
    click.echo(say("cli.lint_ok", count=len(report.sets), cards=report.cards, sets=", ".join(report.sets)))


def table(section: SetReport, sizes: list[str]) -> list[str]:
    """A compact table a content owner can read: readability and fit margin per card."""
    head = f"  {say('cli.lint_card'):<16}{say('cli.lint_score'):>6}{say('cli.lint_longest'):>9}{say('cli.lint_avg'):>6}"
    head += "".join(f"{say('cli.lint_fit', size=s):>10}" for s in sizes)
    lines = [head]
    for row, margins in section.rows:
        score = f"{row.score:.0f}" if row.score is not None else "-"
        fits = "".join(f"{margins[s]:>8.1f}mm" if s in margins else f"{'-':>10}" for s in sizes)
        lines.append(f"  {row.card:<16}{score:>6}{row.longest.words:>9}{row.average:>6.1f}{fits}")
    return lines
