"""Regenerate the README images in docs/ from the built-in content: python docs/render_readme_images.py"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from kaartgen.build import BuildOptions, build

DOCS = Path(__file__).resolve().parent
PICK = [0, 3, 4, 7, 8, 13, 14]  # cards 1, 3, 4; two domain cards front and back


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (pdf_path,) = build(BuildOptions(format="cards", out=Path(tmp)))
        pdf = pdfium.PdfDocument(str(pdf_path))
        images = [pdf[i].render(scale=0.9).to_pil().convert("RGB") for i in PICK]
    w, h = images[0].size
    gap = 12
    sheet = Image.new("RGB", (len(images) * (w + gap) + gap, h + 2 * gap), (235, 235, 235))
    for i, image in enumerate(images):
        sheet.paste(image, (gap + i * (w + gap), gap))
    sheet = sheet.resize((sheet.width * 2 // 3, sheet.height * 2 // 3), Image.LANCZOS)
    sheet.save(DOCS / "cards.png", optimize=True)


if __name__ == "__main__":
    main()
