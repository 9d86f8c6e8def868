"""Write imposed pages to a PDF: deterministic bytes, no client data in metadata, atomic on disk.

reportlab's invariant mode fixes the timestamps and document id, so the same input gives a
byte-identical file. The file appears under its final name only when complete: it is written to a
temporary file in the same folder and renamed, so an interrupted run never leaves half a PDF.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from reportlab.lib.colors import CMYKColor
from reportlab.pdfgen.canvas import Canvas

from kaartgen import __version__
from kaartgen.draw import draw_items, draw_side
from kaartgen.imposition import Page
from kaartgen.theme import Format, Theme


def colour_lookup(theme: Theme):
    cache: dict[str, CMYKColor] = {}

    def colour(name: str) -> CMYKColor:
        if name not in cache:
            cache[name] = CMYKColor(*theme.colours[name].fractions)
        return cache[name]

    return colour


def render_pdf(pages: list[Page], theme: Theme, fmt: Format, title: str, subject: str, base_font: str) -> bytes:
    """The PDF bytes for `pages`. `title` and `subject` describe the set, never a client.

    `base_font` is the canvas's starting font: reportlab's default (Helvetica) would otherwise be
    referenced, unembedded, on every page.
    """
    buffer = io.BytesIO()
    c = Canvas(buffer, invariant=1, pageCompression=1, pagesize=(pages[0].width, pages[0].height),
               initialFontName=base_font)
    c.setTitle(title)
    c.setSubject(subject)
    c.setAuthor("")
    c.setCreator(f"kaartgen {__version__}")
    colour = colour_lookup(theme)
    for page in pages:
        c.setPageSize((page.width, page.height))
        if page.guides and fmt.cut_guides is not None:
            c.saveState()
            c.setStrokeColor(colour(fmt.cut_guides.colour))
            c.setLineWidth(fmt.cut_guides.width)
            if fmt.cut_guides.dash:
                c.setDash(list(fmt.cut_guides.dash))
            for g in page.guides:
                c.line(g.x1, g.y1, g.x2, g.y2)
            c.restoreState()
        for placement in page.placements:
            draw_side(c, placement.side, placement.x, placement.y, theme, fmt, colour, placement.rotation)
        draw_items(c, page.items, colour)
        c.showPage()
    c.save()
    return buffer.getvalue()


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see either the old file or the complete new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
