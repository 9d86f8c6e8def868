"""`kaartgen init DIR`: a copy of the built-in content and templates for a content owner to edit."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import click

from kaartgen.commands.common import reports_errors, say
from kaartgen.errors import KaartgenError


@click.command("init")
@click.argument("folder", type=click.Path(path_type=Path))
@reports_errors()
def init(folder: Path) -> None:
    """Copy the built-in content/ and templates/ into FOLDER, with a kaartgen.yaml naming them.

    \b
    Example:
      kaartgen init mijn-kaarten
      cd mijn-kaarten && kaartgen lint && kaartgen build
    """
    from kaartgen.engine import CONFIG, DEFAULT_CONTENT, DEFAULT_TEMPLATES

    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise KaartgenError("cli.init_exists", file=folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:  # copied in full next to the target, then moved into place: never half a copy
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        shutil.copytree(DEFAULT_CONTENT, staging / "content", ignore=ignore)
        shutil.copytree(DEFAULT_TEMPLATES, staging / "templates", ignore=ignore)
        (staging / CONFIG).write_text("# The folders kaartgen uses when it runs in this folder.\n"
                                      "content: content\ntemplates: templates\n", encoding="utf-8")
        if folder.exists():
            folder.rmdir()
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    click.echo(say("cli.init_made", folder=folder))
    click.echo(say("cli.init_use", folder=folder, config=CONFIG))
