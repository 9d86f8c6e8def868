"""`kaartgen preview`: a PNG per card side and one contact sheet of the whole set.

The sides are rendered from the `cards` format with pypdfium2 (a pip package, no system tools), so
a preview is exactly what prints. The contact sheet shows every card, front and back side by side.
"""

from __future__ import annotations

import io

import pypdfium2 as pdfium
from PIL import Image

from kaartgen.layout.items import CardLayout
from kaartgen.render.setfile import SetFile

DPI = 110
GAP = 16
BACKGROUND = (232, 232, 232)


def previews(cards: list[CardLayout], pdf: bytes, prefix: str) -> list[SetFile]:
    """PNGs of the sides in `pdf` (the `cards` format of `cards`, one side a page), then the
    contact sheet."""
    document = pdfium.PdfDocument(pdf)
    written: list[SetFile] = []
    rows: list[list[Image.Image]] = []
    page = 0
    for number, card in enumerate(cards, 1):
        row = []
        for side_index, _ in enumerate(card.sides):
            image = document[page].render(scale=DPI / 72).to_pil().convert("RGB")
            page += 1
            side = ("front", "back")[side_index] if len(card.sides) > 1 else ""
            written.append(SetFile(f"{prefix}-{number:02d}-{card.id}-{side or 'side'}.png", _png(image), "card",
                                   number, side))
            row.append(image)
        rows.append(row)
    written.append(SetFile(f"{prefix}-contact-sheet.png", _png(_contact_sheet(rows)), "contact-sheet"))
    return written


def side_png(pdf: bytes, page: int = 0) -> bytes:
    """One page of a PDF as a PNG at preview resolution."""
    image = pdfium.PdfDocument(pdf)[page].render(scale=DPI / 72).to_pil().convert("RGB")
    return _png(image, optimize=False)  # fast: a preview is redrawn as the professional types


def _contact_sheet(cards: list[list[Image.Image]]) -> Image.Image:
    """Cards in a grid, three cards (six sides) a row, each card's sides next to each other."""
    w, h = cards[0][0].size
    per_row = 3
    cell = 2 * w + GAP
    rows = [cards[i:i + per_row] for i in range(0, len(cards), per_row)]
    sheet = Image.new("RGB", (per_row * (cell + GAP * 2) + GAP, len(rows) * (h + GAP) + GAP), BACKGROUND)
    for r, row in enumerate(rows):
        for c, sides in enumerate(row):
            x = GAP + c * (cell + GAP * 2)
            for s, image in enumerate(sides):
                sheet.paste(image, (x + s * (w + GAP), GAP + r * (h + GAP)))
    return sheet


def _png(image: Image.Image, optimize: bool = True) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=optimize)
    return buffer.getvalue()
