"""`kaartgen lint`: check all content against the templates before anything is printed."""

from __future__ import annotations

import sys

import click

from kaartgen.commands.common import content_option, library, reports_errors, templates_option


@click.command("lint")
@content_option
@templates_option
@reports_errors()
def lint(content, templates) -> None:
    """Check all content against the templates; print file:line: problems and exit 1 if any.

    \b
    Example:
      kaartgen lint
      kaartgen lint --content my-content
    """
    from kaartgen.engine.lint import lint as check_all
    from kaartgen.engine.lint import table

    engine = library(content, templates)
    report = check_all(engine.content, engine.templates)
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
