"""Regenerate the README images in docs/ from the built-in content: python docs/render_readme_images.py"""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from kaartgen.engine.edition import Library

DOCS = Path(__file__).resolve().parent
HEIGHT = 320  # pixels, every strip the same height
# page indexes in the `cards` format: fill-in 1 to 6, front and back each (0-11), then domain front/back pairs
STRIPS = {
    "cards.png": ("nl", "standaard", False, [0, 4, 6, 12, 13, 18, 19]),
    "variant-nl-eenvoudig.png": ("nl", "eenvoudig", False, [0, 4, 6, 12, 13]),
    "variant-nl-eenvoudig-large-print.png": ("nl", "eenvoudig", True, [4, 6, 14, 15]),
    "variant-en-standaard.png": ("en", "standaard", False, [0, 4, 6, 12, 13]),
    "variant-en-eenvoudig.png": ("en", "eenvoudig", False, [0, 4, 6, 16, 17]),
}


def strip(language: str, variant: str, large: bool, pages: list[int]) -> Image.Image:
    pdf = pdfium.PdfDocument(Library().edition(language, variant, large, "cards").pack())
    images = []
    for i in pages:
        page = pdf[i]
        images.append(page.render(scale=HEIGHT * 2 / page.get_height()).to_pil().convert("RGB"))
    w, h = images[0].size
    gap = 24
    sheet = Image.new("RGB", (len(images) * (w + gap) + gap, h + 2 * gap), (235, 235, 235))
    for i, image in enumerate(images):
        sheet.paste(image, (gap + i * (w + gap), gap))
    return sheet.resize((sheet.width // 2, sheet.height // 2), Image.LANCZOS)


def contact_sheet() -> Image.Image:
    sheet = Image.open(io.BytesIO(Library().previews("nl", "standaard")[-1].data)).convert("RGB")
    return sheet.resize((sheet.width * 2 // 5, sheet.height * 2 // 5), Image.LANCZOS)


def main() -> None:
    images = {name: strip(*how) for name, how in STRIPS.items()}
    images["contact-sheet.png"] = contact_sheet()
    for name, image in images.items():
        image.quantize(colors=128, method=Image.Quantize.MAXCOVERAGE).save(DOCS / name, optimize=True)


if __name__ == "__main__":
    main()
