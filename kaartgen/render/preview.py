"""`kaartgen preview`: a PNG per card side and one contact sheet of the whole set.

The sides are rendered from the `cards` format with pypdfium2 (a pip package, no system tools), so
a preview is exactly what prints. The contact sheet shows every card, front and back side by side.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from kaartgen.engine.build import LARGE_PRINT, lay_out, pick_format
from kaartgen.layout.fonts import Fonts
from kaartgen.layout.imposition import impose
from kaartgen.model.loading import load_card_set, load_theme
from kaartgen.render.pdf import render_pdf, write_atomic
from kaartgen.model.text import Personal

DPI = 110
GAP = 16
BACKGROUND = (232, 232, 232)


def build_previews(content: Path, templates: Path, language: str, variant: str, large: bool, out: Path) -> list[Path]:
    theme = load_theme(templates, LARGE_PRINT if large else ())
    loaded = load_card_set(content, language, variant)
    fonts = Fonts(theme.model)
    cards = lay_out(theme, loaded, Personal(), fonts)
    fmt = pick_format(theme.model, "cards", None)
    body = theme.model.style(theme.model.text_blocks.text)
    data = render_pdf(impose(cards, fmt, theme.model, "cards"), theme.model, fmt, loaded.model.info.title,
                      "preview", fonts.name(body.font, body.weight))
    pdf = pdfium.PdfDocument(data)
    prefix = f"{language}-{variant}-{theme.model.card.name}"
    written: list[Path] = []
    rows: list[list[Image.Image]] = []
    page = 0
    for number, card in enumerate(cards, 1):
        row = []
        for side_index, _ in enumerate(card.sides):
            image = pdf[page].render(scale=DPI / 72).to_pil().convert("RGB")
            page += 1
            side = ("front", "back")[side_index] if len(card.sides) > 1 else "side"
            path = out / f"{prefix}-{number:02d}-{card.id}-{side}.png"
            written.append(_save(image, path))
            row.append(image)
        rows.append(row)
    written.append(_save(_contact_sheet(rows), out / f"{prefix}-contact-sheet.png"))
    return written


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


def _save(image: Image.Image, path: Path) -> Path:
    import io

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    write_atomic(path, buffer.getvalue())
    return path
