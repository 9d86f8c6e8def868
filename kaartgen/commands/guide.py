"""`kaartgen guide`: the professional's guide and the reflectiekaart."""

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


@click.command("guide")
@language_option
@variant_option
@out_option("the PDF files")
@content_option
@templates_option
@reports_errors()
def guide(language: str, variant: str, out: Path, content: Path | None, templates: Path | None) -> None:
    """The professional's guide (A4) and the reflectiekaart (office and fillable).

    \b
    Example:
      kaartgen guide --language nl --out handleiding
    """
    from kaartgen.engine import write_atomic

    for made in library(content, templates).guide(language, variant):
        write_atomic(out / made.name, made.data)
        click.echo(str(out / made.name))
