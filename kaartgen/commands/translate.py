"""`kaartgen translate`: a set's texts out to a gettext PO file for a translator, and back in."""

from __future__ import annotations

from pathlib import Path

import click

from kaartgen.commands.common import content_option, library, reports_errors, say, templates_option


@click.group("translate")
def translate() -> None:
    """Translate a card set with a PO file (Poedit, Weblate or a translation agency).

    \b
    Example:
      kaartgen translate export nl/standaard --to tr     # writes tr.po
      kaartgen translate import tr.po                    # writes content/tr/standaard/
      kaartgen lint                                      # every text translated, placeholders kept, fits
    """


@translate.command("export")
@click.argument("source")
@click.option("--to", "to", required=True, help="The language to translate into, as two letters (tr, pl, ar).")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="The PO file to write.  [default: <language>.po in this folder]")
@content_option
@templates_option
@reports_errors()
def export(source: str, to: str, out: Path | None, content: Path | None, templates: Path | None) -> None:
    """Write the texts of SOURCE (language/variant, e.g. nl/standaard) as a PO file for a translator.
    When the translated set exists, its texts are filled in, and those whose source changed since
    are marked fuzzy with the old source text beside them.

    \b
    Example:
      kaartgen translate export nl/standaard --to tr --out tr.po
    """
    from kaartgen.engine import export_po, write_atomic

    engine = library(content, templates)
    data = export_po(engine.content, engine.templates, source, to)
    path = out or Path(f"{to}.po")
    write_atomic(path, data)
    click.echo(say("cli.translate_exported", count=data.count(b"\nmsgctxt "), source=source, path=path))


@translate.command("import")
@click.argument("po", type=click.Path(path_type=Path))
@content_option
@templates_option
@reports_errors()
def import_(po: Path, content: Path | None, templates: Path | None) -> None:
    """Write the translated set a filled PO file is for (content/<language>/<variant>/), with the
    source set's structure, ids and comments, marked as a concept translation.

    \b
    Example:
      kaartgen translate import tr.po
    """
    from kaartgen.engine import import_po

    engine = library(content, templates)
    written = import_po(engine.content, engine.templates, po)
    click.echo(say("cli.translate_imported", name=written.name, folder=written.folder,
                   translated=written.translated, untranslated=written.untranslated))
