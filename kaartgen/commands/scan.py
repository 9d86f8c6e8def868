"""`kaartgen scan`: scanned paper cards into answers, as the web-page pack saves them."""

from __future__ import annotations

from pathlib import Path

import click

from kaartgen.commands.common import (
    TerminalBar,
    content_option,
    lang,
    library,
    out_option,
    reports_errors,
    say,
    templates_option,
)


@click.command("scan")
@click.argument("scans", nargs=-1, required=True, type=click.Path(path_type=Path))
@out_option("the answers (JSON) and the handwriting (PNG) of each pack")
@content_option
@templates_option
@reports_errors()
def scan(scans: tuple[Path, ...], out: Path, content: Path | None, templates: Path | None) -> None:
    """Read scanned fill-in cards (PDF, PNG, JPEG or TIFF, or folders of them) into answers.

    Cut cards may lie anywhere on the scanner, turned any way, fronts and backs mixed, one
    client's cards spread over several files. Each pack's answers are written as the web-page
    pack saves them (read them with `kaartgen read`), with every handwritten area and every mark
    that is not clearly one thing as a picture. Prints the path of each file written; exits 1
    when something needs a person's eye (a code not read, a card printed from other texts).

    \b
    Example:
      kaartgen scan scans/ --out antwoorden
    """
    from kaartgen.engine import SCAN_SUFFIXES, Scanner, write_atomic

    files: list[Path] = []
    for given in scans:
        if given.is_dir():
            files += sorted(p for p in given.rglob("*") if p.is_file() and p.suffix.lower() in SCAN_SUFFIXES)
        else:
            files.append(given)
    bar = TerminalBar()  # pages read, on a terminal only
    result = Scanner(library(content, templates)).scan([(path, None) for path in files], bar)
    bar.close()
    for note in result.notes:
        click.echo(say("cli.warning", text=f"{note.file}: {note.error().text(lang())}"), err=True)
    if not result.packs:
        click.echo(say("cli.scan_none"), err=True)
        raise SystemExit(1)
    made: list[tuple[Path, bytes]] = []
    for index, pack in enumerate(result.packs, 1):
        made += [(out / name, data) for name, data in pack.files(pack.stem(index))]
    for path, data in made:  # answers and pictures of clients: readable by their owner only
        write_atomic(path, data, private=True)
    for index, pack in enumerate(result.packs, 1):
        click.echo(say("cli.scan_pack", file=f"{pack.stem(index)}.json", sides=len(pack.sides),
                       uncertain=len(pack.uncertain), written=len(pack.images)), err=True)
    for path, _ in made:
        click.echo(str(path))
    if result.notes:
        raise SystemExit(1)
