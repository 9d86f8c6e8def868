"""The `kaartgen` command group: every command lives in its own module and calls the engine."""

from __future__ import annotations

from pathlib import Path

import click

from kaartgen import __version__
from kaartgen.commands import batch, build, evaluate, guide, init, join, lint, preview, read, scan, serve, translate


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kaartgen")
@click.option("--config", type=click.Path(path_type=Path), default=None,
              help="A kaartgen.yaml naming the content and templates folders.  "
                   "[default: ./kaartgen.yaml if there is one]")
def main(config: Path | None) -> None:
    """Make print-ready packs of the card set 'werken aan een nieuw verhaal'.

    \b
    Example:
      kaartgen build                      # the standard Dutch office pack in output/
      kaartgen lint                       # check all content and templates
      kaartgen batch clients.csv --out mailing
      kaartgen init my-set                # a copy of the texts and templates to edit
      kaartgen serve                      # the web app, at http://127.0.0.1:8000/
    """


for command in (build.build, batch.batch, join.join, read.read, guide.guide, preview.preview, lint.lint, init.init,
                serve.serve, evaluate.evaluate, translate.translate, scan.scan):
    main.add_command(command)
