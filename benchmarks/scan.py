"""How fast `kaartgen scan` reads a scanned stack of filled cards, and how much memory it takes (not a test).

Run: .venv/bin/python benchmarks/scan.py [--pages 40] [--dpi 200] [--repeats 3]

It makes one multi-page PDF scan once, as an office scanner's "scan to PDF" would: `--pages` A4
pages (A3 for three or four cards) at `--dpi`, each with 1–4 filled cut cards of different packs at
random places and turns, with blur, noise and JPEG compression (tests/scansynth.py). Then, the
repeats interleaved, each in a fresh process:

- kaartgen: `kaartgen scan SCAN.pdf --out DIR`, the whole command (reading, finding, comparing,
  writing the JSON and the pictures);
- floor: what any reader of these pages must do at least, the way a peer tool (SDAPS, or a script
  on zxing-cpp) would start: rasterise every page with PDFium and find the codes on it with one
  zxing-cpp pass, nothing more.

Times are min / median over the repeats; the ratio is kaartgen's median over the floor's. The
target is under 20 s for 40 pages. Peak memory is the process's resident maximum (VmHWM in
/proc: getrusage's would include what this script held when it started the process).
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FLOOR = """
import sys, numpy, pypdfium2, zxingcpp
document = pypdfium2.PdfDocument(sys.argv[1])
codes = 0
for i in range(len(document)):
    grey = numpy.array(document[i].render(scale=200 / 72, grayscale=True).to_pil().convert("L"))
    codes += len(zxingcpp.read_barcodes(grey, formats=zxingcpp.BarcodeFormat.DataMatrix))
peak = next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(f"{codes} codes, peak {int(peak) // 1024} MB", file=sys.stderr)
"""

KAARTGEN = """
import sys
from kaartgen.commands.main import main
try:
    main(["scan", sys.argv[1], "--out", sys.argv[2]])
except SystemExit as exc:
    peak = next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM"))
    print(f"exit {exc.code}, peak {int(peak) // 1024} MB", file=sys.stderr)
"""


def make_scan(pages: int, dpi: int, path: Path) -> int:
    """A PDF of `pages` scanned pages; returns how many card sides it holds."""
    from PIL import Image

    from kaartgen.engine import Library
    from tests import scansynth

    library = Library()
    rng = random.Random(48)
    images = []
    sides = 0
    pack = 0
    cards: list = []
    while len(images) < pages:
        if len(cards) < 4:
            pack += 1
            cards += scansynth.filled_pack(library, f"B-{pack:04d}", rng)
        take = rng.randint(1, 4)
        group, cards = cards[:take], cards[take:]
        data = scansynth.page_of(group, rng, dpi=dpi, blur=rng.uniform(0.03, 0.1), noise=rng.uniform(1, 5), jpeg=85)
        images.append(Image.open(io.BytesIO(data)).convert("L"))
        sides += len(group)
    images[0].save(path, "PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return sides


def timed(code: str, *args: str) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, check=False)
    return time.perf_counter() - start, done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        scan = Path(tmp) / "scan.pdf"
        sides = make_scan(args.pages, args.dpi, scan)
        print(f"{args.pages} pages at {args.dpi} dpi, {sides} card sides, {scan.stat().st_size / 1e6:.1f} MB")
        ours, floor = [], []
        notes = ""
        for r in range(args.repeats):
            seconds, notes = timed(KAARTGEN, str(scan), str(Path(tmp) / f"out{r}"))
            ours.append(seconds)
            seconds, floor_notes = timed(FLOOR, str(scan))
            floor.append(seconds)
        print(f"kaartgen scan: min {min(ours):.1f} s, median {statistics.median(ours):.1f} s  ({notes})")
        print(f"floor (rasterise + one zxing pass): min {min(floor):.1f} s, median {statistics.median(floor):.1f} s"
              f"  ({floor_notes})")
        print(f"ratio kaartgen / floor (median): {statistics.median(ours) / statistics.median(floor):.2f}")
        print(f"per page: {statistics.median(ours) / args.pages:.2f} s; target 40 pages < 20 s: "
              f"{'met' if statistics.median(ours) * 40 / args.pages < 20 else 'NOT met'}")


if __name__ == "__main__":
    main()
