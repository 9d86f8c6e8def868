"""Regenerate docs/evaluation-chart.png, the README's picture of the evaluation report: card 3's figure
(chart and table) from the report of the fictional clients the tests make (tests/test_evaluate.py),
cut from the report PDF as kaartgen writes it: python docs/render_evaluation_chart.py"""

from __future__ import annotations

import logging
import sys
import tempfile
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent))

from kaartgen.engine import EvaluateOptions, Library, evaluate_answers  # noqa: E402
from tests.test_evaluate import make_corpus  # noqa: E402

WIDTH = 900  # pixels of the picture
FIGURE = "Kaart 3: gekozen beschrijving"  # the figure's heading
NEXT = "Pakketten per team"  # the heading after it


def main() -> None:
    logging.disable(logging.WARNING)  # pypdf says which pages have no fields while it fills the packs
    with tempfile.TemporaryDirectory() as tmp:
        corpus = make_corpus(Path(tmp))
        result = evaluate_answers(Library(), EvaluateOptions(paths=(corpus.folder,), groups=corpus.groups))
    pdf = pdfium.PdfDocument(result.pdf)
    for page in pdf:
        text = page.get_textpage()
        top, bottom = text.search(FIGURE).get_next(), text.search(NEXT).get_next()
        if top is None:
            continue
        scale = WIDTH / page.get_width()
        first = text.get_charbox(top[0])  # (left, bottom, right, top) in points from the page's bottom
        last = text.get_charbox(bottom[0]) if bottom is not None else (0, 0, 0, 0)
        image = page.render(scale=scale).to_pil().convert("RGB")
        height = page.get_height()
        box = (0, round((height - first[3] - 14) * scale), WIDTH, round((height - last[3] - 20) * scale))
        image.crop(box).convert("P", palette=Image.ADAPTIVE, colors=64).save(DOCS / "evaluation-chart.png",
                                                                             optimize=True)
        print(DOCS / "evaluation-chart.png")
        return
    raise SystemExit(f"no page has '{FIGURE}'")


if __name__ == "__main__":
    main()
