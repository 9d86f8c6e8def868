"""The floor of a mail merge on this machine (not a test, and not a usable output).

Run: .venv/bin/python benchmarks/floor.py CLIENTS.csv GENERIC.pdf OUT [--jobs N] [--no-fsync]

The least work any tool must do to give each client a pack file: the generic pages are already
serialised (GENERIC.pdf, read once), and per client only what carries the client's name or reference
is made: the cover letter and the introduction card, laid out and drawn with reportlab from the same
YAML texts and fonts, and the Data Matrix code each fill-in card side carries (set, card, side,
content version, the client's reference; made with zxing-cpp, drawn as one path of rectangles). The
pack's bytes (generic bytes + personal page bytes) are written to OUT/<id>.pdf with an fsync, and the
personal pages appended to OUT/print-run-<k>.bin. No joining, no checks, and --jobs processes
(default: one a CPU) each take every N-th client: what this machine can do. The files are only as
large as real packs; they are not valid PDFs. benchmarks/batch.py runs this
next to kaartgen and Typst, so anyone can measure how close each comes to it.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import re
import sys
from pathlib import Path

import yaml
import zxingcpp
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, Paragraph

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kaartgen.model.builtin import DEFAULT_CONTENT  # noqa: E402


def _fill(text: str, name: str) -> str:
    """The template text with the name in it and every other variable left out (as Typst's bench)."""
    text = re.sub(r"\{%.*?%\}", "", text)
    text = re.sub(r"\{\{ *name *\}\}", name.replace("&", "&amp;").replace("<", "&lt;"), text)
    return re.sub(r"\{\{.*?\}\}", "", text)


def _texts(variant: str) -> tuple[dict, list[dict]]:
    """The letter and the introduction card's blocks, the plain variant over the standard one."""
    base = DEFAULT_CONTENT / "nl" / "standaard"
    letter = yaml.safe_load((base / "letter.yaml").read_text(encoding="utf-8"))["letter"]
    blocks = yaml.safe_load((base / "cards.yaml").read_text(encoding="utf-8"))["cards"][0]["sides"][0]["blocks"]
    if variant != "standaard":
        own = DEFAULT_CONTENT / "nl" / variant
        letter = {**letter, **yaml.safe_load((own / "letter.yaml").read_text(encoding="utf-8"))["letter"]}
        blocks = yaml.safe_load((own / "cards.yaml").read_text(encoding="utf-8"))["cards"][0]["sides"][0]["blocks"]
    return letter, blocks


_RUN = re.compile("1+")
_DARK = bytes(ord("1") if value < 128 else ord("0") for value in range(256))
MODULE = 0.4 * mm


def codes(variant: str, sides: list[tuple[int, int]], reference: str) -> str:
    """The codes of a pack's fill-in card sides, as kaartgen prints them, as page operators."""
    out = []
    for i, (card, side) in enumerate(sides):
        text = f"KG1 nl/{variant} a6 {card}.{side} 0a1b2c {reference}"
        image = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.DataMatrix, force_square=True).to_image(
            scale=1, add_quiet_zones=False)
        size = image.__array_interface__["shape"][0]
        modules = bytes(memoryview(image)).translate(_DARK).decode("ascii")
        runs = " ".join(f"{m.start()} {size - 1 - r} {m.end() - m.start()} 1 re" for r in range(size)
                        for m in _RUN.finditer(modules[r * size:(r + 1) * size]))
        out.append(f"q {MODULE:.4f} 0 0 {MODULE:.4f} {20 + 30 * (i % 6):.3f} {20 + 30 * (i // 6):.3f} cm {runs} f Q")
    return "\n".join(out)


def make(args: argparse.Namespace, share: int) -> None:
    """Every --jobs-th client's pack, starting at `share`."""
    files = Path(__import__("fontpkg_atkinson_hyperlegible").__file__).parent / "files"
    pdfmetrics.registerFont(TTFont("F", str(files / "AtkinsonHyperlegible-Regular.ttf")))
    pdfmetrics.registerFont(TTFont("FB", str(files / "AtkinsonHyperlegible-Bold.ttf")))
    body = ParagraphStyle("body", fontName="F", fontSize=11, leading=15, spaceAfter=6)
    small = ParagraphStyle("small", parent=body, fontSize=9, leading=11)
    heading = ParagraphStyle("heading", parent=body, fontName="FB", fontSize=15, leading=19)
    texts = {v: _texts(v) for v in ("standaard", "eenvoudig")}
    cards = yaml.safe_load((DEFAULT_CONTENT / "nl" / "standaard" / "cards.yaml").read_text(encoding="utf-8"))["cards"]
    sides = [(i + 1, j + 1) for i, card in enumerate(cards) for j in range(len(card["sides"]))]
    generic = args.generic.read_bytes()
    with open(args.clients, encoding="utf-8") as f, open(args.out / f"print-run-{share}.bin", "wb") as run:
        for i, row in enumerate(csv.DictReader(f)):
            if i % args.jobs != share:
                continue
            letter, blocks = texts[row["variant"]]
            name = row["name"]
            canvas = Canvas(None, pagesize=(210 * mm, 297 * mm), invariant=1)
            story = [Paragraph("<br/>".join(letter["sender"]), small), Paragraph(letter["return_address"], small),
                     Paragraph(f"{name}<br/>{row['street']}<br/>{row['postcode']}  {row['city'].upper()}", body),
                     Paragraph(letter["subject"], heading), Paragraph(_fill(letter["greeting"], name), body)]
            story += [Paragraph(_fill(p, name), body) for p in letter["body"]]
            story += [Paragraph(letter["closing"], body)]
            Frame(20 * mm, 25 * mm, 170 * mm, 250 * mm).addFromList(story, canvas)
            canvas.showPage()
            card = [Paragraph(_fill(b["text"], name), heading if b["type"] == "heading" else body) for b in blocks]
            Frame(9 * mm, 148.5 * mm + 9 * mm, 87 * mm, 130 * mm).addFromList(card, canvas)
            canvas.addLiteral(codes(row["variant"], sides, row["id"]))  # on one page: the least work
            canvas.showPage()
            personal = canvas.getpdfdata()
            with open(args.out / f"{row['id']}.pdf", "wb") as pack:
                pack.write(generic)
                pack.write(personal)
                if not args.no_fsync:
                    pack.flush()
                    os.fsync(pack.fileno())
            run.write(personal)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clients", type=Path)
    parser.add_argument("generic", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-fsync", action="store_true")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    workers = [multiprocessing.get_context("fork").Process(target=make, args=(args, k)) for k in range(args.jobs)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
        if w.exitcode:
            raise SystemExit(f"a floor process failed with exit code {w.exitcode}")


if __name__ == "__main__":
    main()
