"""Benchmark of a mail merge (not a test): kaartgen batch, the fair Typst mail merge, and the floor.

Run: .venv/bin/python benchmarks/batch.py [--sizes 500,2000] [--repeats 3] [--full]

Every contender makes the same 8-page office pack for each of the same fictional clients (a quarter
in the plain variant, names in several scripts), from the same YAML content and the same fonts, in a
fresh process, and the repeats are interleaved so that a slower minute of the machine hits every
contender alike:

- kaartgen batch --jobs 1 and --jobs 2: per-client files (fsync each), the print run, manifest;
- Typst, one document: benchmarks/mailmerge.typ loops over all clients of a JSON file, compiled
  once (the print run), then split into per-client files with pikepdf (qpdf), the way a Typst user
  would; "print run only" is the same process up to the print run;
- Typst, one compile a client: one typst.Compiler reused, the client's data as sys.inputs;
- the floor: benchmarks/floor.py, the least work that still writes each client's file, in one
  process a CPU (what this machine can do).

It prints, per contender and size, packs/s (min / median over the repeats), CPU ms a pack, disk a
client, the bytes the print run grows by per extra client (between the two smallest sizes), and peak
RSS (the largest single process), then the ratios the README quotes.
Needs the benchmark extra: pip install -e '.[bench]'.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kaartgen.model.builtin import DEFAULT_CONTENT  # noqa: E402

CITIES = ["Utrecht", "Zwolle", "Groningen", "Rotterdam", "Den Haag", "Amsterdam", "Tilburg", "Leeuwarden"]
NAMES = ["Anna de Vries", "Mohamed El Amrani", "İlknur Yılmaz", "Zoë Ĳzerman", "Peter Jansen", "Fatima Bouali"]
PAGES = 8  # an office pack: letter, its blank back, three duplex sheets of cards


def clients(n: int) -> list[dict[str, str]]:
    """n fictional clients; every fourth in the plain variant."""
    return [{"id": f"B{i:06d}", "name": f"{NAMES[i % len(NAMES)]} {i}", "street": f"Kerkstraat {i % 300 + 1}",
             "postcode": f"{1000 + i % 8999} AB", "city": CITIES[i % len(CITIES)],
             "variant": "eenvoudig" if i % 4 == 0 else "standaard"} for i in range(n)]


def write_clients(path: Path, n: int) -> None:
    """The clients as a mail room's CSV (also used by benchmarks/memory.py)."""
    lines = ["id,name,street,postcode,city,professional,phone,appointment,location,language,variant,large_print"]
    for c in clients(n):
        lines.append(f"{c['id']},{c['name']},{c['street']},{c['postcode']},{c['city']},Jan Jansen,088 898 92 95,"
                     f"2026-12-03T10:30,UWV Utrecht,nl,{c['variant']},nee")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# -- the Typst contenders, run in a process of their own (this script with --typst) ---------------

def _typst_setup(work: Path) -> list[str]:
    shutil.copy(ROOT / "benchmarks" / "mailmerge.typ", work / "mailmerge.typ")
    for variant in ("standaard", "eenvoudig"):
        shutil.copytree(DEFAULT_CONTENT / "nl" / variant, work / variant, dirs_exist_ok=True)
    return [str(Path(__import__("fontpkg_atkinson_hyperlegible").__file__).parent / "files")]


def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def typst_one_document(data: Path, out: Path) -> None:
    """Compile one document over all clients (the print run), then split it per client."""
    import pikepdf
    import typst

    out.mkdir()
    fonts = _typst_setup(out)
    people = json.loads(data.read_text(encoding="utf-8"))
    shutil.copy(data, out / "clients.json")  # Typst reads files inside its project folder only
    # untagged, as kaartgen's office pack is: Typst tags by default, which triples its print run
    pdf = typst.compile(str(out / "mailmerge.typ"), font_paths=fonts, sys_inputs={"clients": "clients.json"},
                        pdf_tags=False)
    _write(out / "print-run.pdf", pdf)
    split_start = time.perf_counter()
    with pikepdf.open(out / "print-run.pdf") as run:
        if len(run.pages) != PAGES * len(people):
            raise SystemExit(f"Typst made {len(run.pages)} pages for {len(people)} clients")
        for i, person in enumerate(people):
            pack = pikepdf.new()
            pack.pages.extend(run.pages[PAGES * i:PAGES * (i + 1)])
            pack.save(out / f"{person['id']}.pdf", deterministic_id=True)
            with open(out / f"{person['id']}.pdf", "rb+") as f:
                os.fsync(f.fileno())
    print(json.dumps({"split": time.perf_counter() - split_start}))


def typst_per_client(data: Path, out: Path) -> None:
    """One compiler, reused: one compile a client, its data as sys.inputs."""
    import typst

    out.mkdir()
    fonts = _typst_setup(out)
    compiler = typst.Compiler(str(out / "mailmerge.typ"), font_paths=fonts)
    for person in json.loads(data.read_text(encoding="utf-8")):
        _write(out / f"{person['id']}.pdf", compiler.compile(sys_inputs={"data": json.dumps([person])}, pdf_tags=False))


# -- measuring ------------------------------------------------------------------------------------

def timed(cmd: list[str]) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds, peak RSS (KiB, largest process) and stdout of a fresh process."""
    script = ("import json,resource,subprocess,sys,time;t=time.perf_counter();"
              "r=subprocess.run(sys.argv[1:],stdout=subprocess.PIPE,stderr=subprocess.PIPE,text=True);"
              "w=time.perf_counter()-t;sys.stderr.write(r.stderr[-2000:] if r.returncode else '');"
              "u=resource.getrusage(resource.RUSAGE_CHILDREN);"
              "print(json.dumps([w,u.ru_utime+u.ru_stime,u.ru_maxrss,r.returncode,r.stdout]))")
    line = subprocess.run([sys.executable, "-c", script, *cmd], stdout=subprocess.PIPE, text=True, check=True).stdout
    wall, cpu, rss, code, stdout = json.loads(line)
    if code != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} … failed with exit code {code}")
    return wall, cpu, rss, stdout


@dataclass
class Row:
    """One contender's measurements by size."""

    name: str
    rates: dict[int, list[float]] = field(default_factory=dict)
    cpu_ms: dict[int, list[float]] = field(default_factory=dict)
    rss: dict[int, list[int]] = field(default_factory=dict)
    disk: dict[int, float] = field(default_factory=dict)
    run_bytes: dict[int, int] = field(default_factory=dict)

    def add(self, n: int, wall: float, cpu: float, rss: int) -> None:
        self.rates.setdefault(n, []).append(n / wall)
        self.cpu_ms.setdefault(n, []).append(1000 * cpu / n)
        self.rss.setdefault(n, []).append(rss)

    def median(self, n: int) -> float:
        return statistics.median(self.rates[n])


def _disk(folder: Path, n: int) -> float:
    return sum(p.stat().st_size for p in folder.glob("*.pdf") if p.name != "print-run.pdf") / n


def measure(rows: dict[str, Row], n: int, work: Path, generic: Path) -> None:
    """One repeat of every contender at n clients."""
    csv_path, json_path = work / f"c{n}.csv", work / f"c{n}.json"
    if not csv_path.exists():
        write_clients(csv_path, n)
        json_path.write_text(json.dumps(clients(n)), encoding="utf-8")
    for jobs in (1, 2):
        out = work / f"k{jobs}-{n}"
        shutil.rmtree(out, ignore_errors=True)
        wall, cpu, rss, _ = timed([sys.executable, "-m", "kaartgen", "batch", str(csv_path), "--out", str(out),
                                   "--date", "2026-11-23", "--jobs", str(jobs)])
        row = rows[f"kaartgen batch --jobs {jobs}"]
        row.add(n, wall, cpu, rss)
        row.disk[n], row.run_bytes[n] = _disk(out, n), (out / "print-run.pdf").stat().st_size
    out = work / f"t-{n}"
    shutil.rmtree(out, ignore_errors=True)
    wall, cpu, rss, stdout = timed([sys.executable, __file__, "--typst", "document", str(json_path), str(out)])
    split = json.loads(stdout)["split"]
    whole, only = rows["Typst, one document, split per client"], rows["Typst, one document (print run only)"]
    whole.add(n, wall, cpu, rss)
    only.add(n, wall - split, cpu * (wall - split) / wall, rss)  # CPU pro rata: the split is one thread
    whole.disk[n], only.run_bytes[n] = _disk(out, n), (out / "print-run.pdf").stat().st_size
    out = work / f"tc-{n}"
    shutil.rmtree(out, ignore_errors=True)
    wall, cpu, rss, _ = timed([sys.executable, __file__, "--typst", "per-client", str(json_path), str(out)])
    rows["Typst, one compile a client (compiler reused)"].add(n, wall, cpu, rss)
    rows["Typst, one compile a client (compiler reused)"].disk[n] = _disk(out, n)
    for name, extra in ((FLOOR, []), (FLOOR + ", no fsync", ["--no-fsync"]), (FLOOR_ONE, ["--jobs", "1"])):
        out = work / f"f-{n}"
        shutil.rmtree(out, ignore_errors=True)
        wall, cpu, rss, _ = timed([sys.executable, str(ROOT / "benchmarks" / "floor.py"), str(csv_path), str(generic),
                                   str(out), *extra])
        rows[name].add(n, wall, cpu, rss)
        rows[name].disk[n] = _disk(out, n)
    for folder in work.glob("*-*"):
        shutil.rmtree(folder, ignore_errors=True)  # keep the disk free for the next contender


FLOOR = "floor (benchmarks/floor.py, a process a CPU)"
FLOOR_ONE = "floor (benchmarks/floor.py, one process)"


def report(rows: dict[str, Row], sizes: list[int], repeats: int) -> None:
    big = sizes[-1] if len(sizes) < 3 else sizes[1]  # the ratios are taken at 2,000 clients
    print(f"\nmachine: {os.cpu_count()} CPUs; {repeats} interleaved repeats; packs/s as min / median\n")
    head = " | ".join(f"{n:,} clients, packs/s" for n in sizes)
    print(f"| contender | {head} | CPU ms a pack | disk a client | print run, bytes per extra client "
          f"| peak RSS at {big:,} |")
    print("|---|" + "---|" * (len(sizes) + 4))
    for row in rows.values():
        rates = " | ".join(f"{min(row.rates[n]):.0f} / {row.median(n):.0f}" for n in sizes)
        grow = "—"
        if len(row.run_bytes) >= 2:
            (a, sa), (b, sb) = sorted(row.run_bytes.items())[:2]
            grow = f"{(sb - sa) / (b - a) / 1024:.1f} KB"
        disk = f"{row.disk[big] / 1024:.0f} KB" if big in row.disk else "—"
        print(f"| {row.name} | {rates} | {statistics.median(row.cpu_ms[big]):.1f} | {disk} | {grow} | "
              f"{max(row.rss[big]) / 1024:.0f} MB |")
    one, two = rows["kaartgen batch --jobs 1"], rows["kaartgen batch --jobs 2"]
    split = rows["Typst, one document, split per client"]
    typst_best = max((r for name, r in rows.items() if name.startswith("Typst")), key=lambda r: r.median(big))
    floor, floor_one = rows[FLOOR], rows[FLOOR_ONE]
    print(f"\nratios at {big:,} clients (median; min in brackets):")
    for label, a, b, target in (
            ("--jobs 2 / Typst one document, split (the fair anchor)", two, split, 2.0),
            (f"--jobs 2 / fastest Typst ({typst_best.name})", two, typst_best, 3.0),
            ("--jobs 1 / Typst one document, split", one, split, 1.2),
            (f"--jobs 1 / fastest Typst ({typst_best.name})", one, typst_best, 1.2),
            ("--jobs 1 / floor, one process", one, floor_one, 0.9),
            ("--jobs 2 / --jobs 1", two, one, 1.7),
            ("--jobs 2 / floor, a process a CPU", two, floor, 0.5)):
        ratio, low = a.median(big) / b.median(big), min(a.rates[big]) / min(b.rates[big])
        print(f"  {label}: {ratio:.2f} ({low:.2f})  target >= {target}  {'met' if ratio >= target else 'NOT MET'}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--typst":
        (typst_one_document if sys.argv[2] == "document" else typst_per_client)(Path(sys.argv[3]), Path(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,2000", help="client counts, comma-separated")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--full", action="store_true", help="add 10,000 clients")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] + ([10_000] if args.full else [])
    names = ["kaartgen batch --jobs 1", "kaartgen batch --jobs 2", "Typst, one document (print run only)",
             "Typst, one document, split per client", "Typst, one compile a client (compiler reused)",
             FLOOR, FLOOR + ", no fsync", FLOOR_ONE]
    rows = {name: Row(name) for name in names}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        subprocess.run([sys.executable, "-m", "kaartgen", "build", "--format", "office",
                        "--out", str(work / "generic")], check=True, stdout=subprocess.DEVNULL)
        generic = next((work / "generic").glob("*.pdf"))
        for repeat in range(args.repeats):
            for n in sizes:
                start = time.perf_counter()
                measure(rows, n, work, generic)
                print(f"repeat {repeat + 1}, {n:,} clients: {time.perf_counter() - start:.0f} s", file=sys.stderr)
    report(rows, sizes, args.repeats)


if __name__ == "__main__":
    main()
