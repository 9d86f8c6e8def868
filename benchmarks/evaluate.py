"""How fast `kaartgen evaluate` reads, and whether its memory stays flat (not a test).

Run: .venv/bin/python benchmarks/evaluate.py [--sizes 100,1000,10000] [--speed 2000] [--jobs 2] [--repeats 3]

It makes fictional answers files once: filled digital packs (the standard Dutch pack filled with
pypdf as a viewer saves it, forty different fillings, each file with a reference of its own) and
saved web-page answers (JSON, every one different). Then, each run a fresh `kaartgen evaluate` process
(`--jobs` reading processes, the report and tables written), the repeats interleaved:

- speed: `--speed` JSON files alone, and as many filled PDFs alone: files a second;
- memory: each of `--sizes` files, half PDF and half JSON: the time, and the peak resident memory of
  the main process and of all its processes together (sampled ten times a second from /proc, Linux).

Times are min / median over the repeats. Flat means: what the main process keeps per file is a small
record (the counts, a digest and the reference, about 1 KB), never the file.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from memory import sampled

PLACEHOLDER = b"BENCH0000000000"  # the reference a template is filled with (no character pypdf escapes)
TEMPLATES = 40


def _names(cs):  # kaartgen's content model: the answer names and ids a filling uses
    from kaartgen.engine.tally import descriptions
    from kaartgen.model.answers import answer_name
    from kaartgen.model.content import DomainChoice, WriteIn

    _, card, block = descriptions(cs)
    domain_choices = [answer_name(c, b) for c in cs.cards for _, b, _ in c.walk() if isinstance(b, DomainChoice)]
    writes = [answer_name(c, b) for c in cs.cards for _, b, _ in c.walk() if isinstance(b, WriteIn)]
    letters, domains = [o.letter for o in block.options], [d.id for d in cs.domains]
    return answer_name(card, block), domain_choices, writes, letters, domains


def _answers(rng: random.Random, cs) -> dict[str, object]:
    from kaartgen.model.answers import tick_name

    letters_name, domain_choices, writes, letters, domains = _names(cs)
    answers: dict[str, object] = {}
    letter = rng.choice([*letters, None])
    if letter:
        answers[letters_name] = letter
    for stem in domain_choices:
        for d in rng.sample(domains, rng.choice([0, 1, 2, 3])):
            answers[tick_name(stem, d)] = True
    for name in rng.sample(writes, rng.randint(0, len(writes))):
        answers[name] = "Een fictief antwoord van een paar zinnen. " * rng.randint(1, 6)
    return answers


def make_files(folder: Path, pdfs: int, jsons: int) -> None:
    """`pdfs` filled packs and `jsons` saved answers files in `folder`, every one with its own reference."""
    from pypdf import PdfReader, PdfWriter

    from kaartgen.engine import Library
    from kaartgen.model.text import Personal

    rng = random.Random(30)
    library = Library()
    cs = library.card_set("nl", "standaard").model
    letters_name = _names(cs)[0]
    folder.mkdir(parents=True, exist_ok=True)
    empty = library.edition("nl", "standaard", False, "digital").pack(Personal(name="Fictieve Cliënt",
                                                                               reference=PLACEHOLDER.decode()))
    templates = []
    for _ in range(min(TEMPLATES, pdfs)):
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(empty)))
        values = {"kaartgen.reference": PLACEHOLDER.decode()}
        for name, value in _answers(rng, cs).items():
            values[name] = "/Yes" if value is True else (f"/{value}" if name == letters_name else str(value))
        for page in writer.pages:
            writer.update_page_form_field_values(page, values, auto_regenerate=False)
        out = io.BytesIO()
        writer.write(out)
        data = out.getvalue()
        assert PLACEHOLDER in data
        templates.append(data)
    for i in range(pdfs):
        reference = f"BENCH{i:010d}".encode()
        (folder / f"ingevuld-{i:06d}.pdf").write_bytes(templates[i % len(templates)].replace(PLACEHOLDER, reference))
    for i in range(jsons):
        data = {"kaartgen": "answers", "set": "nl/standaard", "answers": _answers(rng, cs),
                "reference": f"WEB-{i:09d}"}
        (folder / f"antwoorden-{i:06d}.json").write_text(json.dumps(data, ensure_ascii=False, indent=2),
                                                          encoding="utf-8")


def measure(folder: Path, out: Path, jobs: int) -> tuple[float, int, int]:
    """Seconds, peak RSS of the main process and of all its processes together (KiB)."""
    return sampled([sys.executable, "-m", "kaartgen", "evaluate", str(folder), "--out", str(out), "--jobs", str(jobs)],
                   "evaluate")


def _link(source: Path, names: list[str], dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in names:
        (dest / name).hardlink_to(source / name)
    return dest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="files, half PDF and half JSON, comma separated")
    parser.add_argument("--speed", type=int, default=2000, help="files of one kind for the speed runs")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    largest = max([*sizes, 2 * args.speed])
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        make_files(root / "all", largest // 2, largest // 2)
        print(f"made {largest:,} files in {time.perf_counter() - started:.0f} s", flush=True)
        pdf_names = sorted(p.name for p in (root / "all").glob("*.pdf"))
        json_names = sorted(p.name for p in (root / "all").glob("*.json"))
        runs = {"JSON": _link(root / "all", json_names[:args.speed], root / "json"),
                "PDF": _link(root / "all", pdf_names[:args.speed], root / "pdf")}
        for n in sizes:
            runs[n] = _link(root / "all", pdf_names[:n // 2] + json_names[:n - n // 2], root / f"mixed-{n}")
        results: dict[object, list[tuple[float, int, int]]] = {k: [] for k in runs}
        for repeat in range(args.repeats):
            for key, folder in runs.items():
                results[key].append(measure(folder, root / f"out-{key}-{repeat}", args.jobs))
                seconds, main_peak, total_peak = results[key][-1]
                print(f"  {key!s:>6}: {seconds:6.1f} s, main {main_peak / 1024:5.0f} MB, all "
                      f"{total_peak / 1024:5.0f} MB", flush=True)
    print(f"\nfiles a second, --jobs {args.jobs}, {args.speed:,} files (best / median of {args.repeats}; a run"
          " includes the process's start and the report):\n")
    print("| files | files/s | time |")
    print("|---|---:|---:|")
    for kind in ("JSON", "PDF"):
        times = [s for s, _, _ in results[kind]]
        print(f"| {kind} | {args.speed / min(times):.0f} / {args.speed / statistics.median(times):.0f} | "
              f"{min(times):.1f} / {statistics.median(times):.1f} s |")
    base = results[sizes[0]]
    base_main = min(m for _, m, _ in base)
    base_total = min(t for _, _, t in base)
    print(f"\nmemory by size, half PDF and half JSON (time min / median; peaks the highest of {args.repeats}):\n")
    print(f"| files | time | peak, main process | peak, all processes | ratio to {sizes[0]:,} (main / all) |")
    print("|---:|---:|---:|---:|---:|")
    for n in sizes:
        times = [s for s, _, _ in results[n]]
        main_peak = max(m for _, m, _ in results[n])
        total_peak = max(t for _, _, t in results[n])
        print(f"| {n:,} | {min(times):.1f} / {statistics.median(times):.1f} s | {main_peak / 1024:.0f} MB | "
              f"{total_peak / 1024:.0f} MB | {main_peak / base_main:.2f} / {total_peak / base_total:.2f} |")


if __name__ == "__main__":
    main()
