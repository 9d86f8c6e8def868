"""`kaartgen preview`: PNGs of every card side and a contact sheet."""

from __future__ import annotations

from pathlib import Path

import click

from kaartgen.commands.common import (
    content_option,
    language_option,
    library,
    out_option,
    reports_errors,
    templates_option,
    variant_option,
)


@click.command("preview")
@language_option
@variant_option
@click.option("--large-print", is_flag=True, help="Preview the large-print (A5) cards.")
@out_option("the PNG files", required=True)
@content_option
@templates_option
@reports_errors()
def preview(language: str, variant: str, large_print: bool, out: Path, content: Path | None,
            templates: Path | None) -> None:
    """A PNG per card side and a contact sheet of the whole set, front and back.

    \b
    Example:
      kaartgen preview --variant eenvoudig --out previews
    """
    from kaartgen.engine import write_atomic

    for made in library(content, templates).previews(language, variant, large_print):
        write_atomic(out / made.name, made.data)
        click.echo(str(out / made.name))
