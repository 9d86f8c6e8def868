"""Benchmark of `kaartgen batch` (not a test). Run: .venv/bin/python benchmarks/batch.py [--clients N]

Reports, measured in one run on this machine:
- packs/s of kaartgen batch (default --jobs) and of a straightforward Typst rendering of the same
  pack from the same YAML (benchmarks/pack.typ, one `typst.compile` per client), and their ratio;
- bytes the merged print file grows by per extra client;
- peak RSS of a batch of --big clients (default 10 000), main process and workers.
Needs the benchmark extra: pip install -e '.[bench]'.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kaartgen.model.builtin import DEFAULT_CONTENT  # noqa: E402

CITIES = ["Utrecht", "Zwolle", "Groningen", "Rotterdam", "Den Haag", "Amsterdam", "Tilburg", "Leeuwarden"]
NAMES = ["Anna de Vries", "Mohamed El Amrani", "İlknur Yılmaz", "Zoë Ĳzerman", "Peter Jansen", "Fatima Bouali"]


def write_clients(path: Path, n: int) -> None:
    lines = ["id,name,street,postcode,city,professional,phone,appointment,location,language,variant,large_print"]
    for i in range(n):
        variant = "eenvoudig" if i % 4 == 0 else "standaard"
        lines.append(f"B{i:06d},{NAMES[i % len(NAMES)]} {i},Kerkstraat {i % 300 + 1},{1000 + i % 8999} AB,"
                     f"{CITIES[i % len(CITIES)]},Jan Jansen,088 898 92 95,2026-12-03T10:30,UWV Utrecht,nl,{variant},nee")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run_batch(clients: Path, out: Path, jobs: int | None = None) -> tuple[float, int]:
    """Seconds for a whole `kaartgen batch` run in a fresh process, and its peak RSS in KiB."""
    cmd = [sys.executable, "-m", "kaartgen", "batch", str(clients), "--out", str(out), "--date", "2026-11-23"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    script = ("import resource,subprocess,sys,time;t=time.perf_counter();"
              "r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL);"
              "print(time.perf_counter()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)")
    out_line = subprocess.run([sys.executable, "-c", script, *cmd], capture_output=True, text=True, check=True).stdout
    seconds, rss, code = out_line.split()
    if code != "0":
        raise SystemExit(f"kaartgen batch failed with exit code {code}")
    return float(seconds), int(rss)


def typst_packs_per_second(n: int, work: Path) -> float:
    import typst

    font_dir = Path(__import__("fontpkg_atkinson_hyperlegible").__file__).parent / "files"
    shutil.copy(ROOT / "benchmarks" / "pack.typ", work / "pack.typ")
    shutil.copytree(DEFAULT_CONTENT / "nl" / "standaard", work / "standaard")
    start = time.perf_counter()
    for i in range(n):
        pdf = typst.compile(str(work / "pack.typ"), font_paths=[str(font_dir)], sys_inputs={
            "set": "standaard", "name": f"{NAMES[i % len(NAMES)]} {i}", "street": "Kerkstraat 1",
            "postcode": "1234 AB", "city": "Utrecht"})
        (work / f"typst-{i}.pdf").write_bytes(pdf)
    return n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1500, help="clients for the speed comparison")
    parser.add_argument("--big", type=int, default=10_000, help="clients for the peak-memory run (0: skip)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        small, big = work / "small.csv", work / "big.csv"
        write_clients(small, args.clients)
        print(f"machine: {os.cpu_count()} CPUs; {args.clients} clients")

        seconds, _ = run_batch(small, work / "out1")
        kaartgen_rate = args.clients / seconds
        seconds1, _ = run_batch(small, work / "out1j", jobs=1)
        typst_rate = typst_packs_per_second(min(args.clients, 200), work)
        print(f"kaartgen batch:       {kaartgen_rate:7.1f} packs/s (default --jobs), "
              f"{args.clients / seconds1:7.1f} packs/s (--jobs 1)")
        print(f"typst (one process):  {typst_rate:7.1f} packs/s")
        print(f"ratio kaartgen/typst: {kaartgen_rate / typst_rate:7.2f}x  (target >= 2x)")

        one, two = work / "n1.csv", work / "n2.csv"
        write_clients(one, 100)
        write_clients(two, 200)
        run_batch(one, work / "m1")
        run_batch(two, work / "m2")
        grow = ((work / "m2" / "print-run.pdf").stat().st_size - (work / "m1" / "print-run.pdf").stat().st_size) / 100
        print(f"print run grows by:   {grow / 1024:7.1f} KB per extra client  (target <= 10 KB)")

        if args.big:
            write_clients(big, args.big)
            seconds, rss = run_batch(big, work / "big")
            print(f"{args.big} clients:      {seconds:7.1f} s, peak RSS {rss / 1024:7.1f} MB  (target <= 250 MB)")


if __name__ == "__main__":
    main()
