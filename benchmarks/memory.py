"""Peak memory of `kaartgen batch` by list length (not a test): is it flat?

Run: .venv/bin/python benchmarks/memory.py [--sizes 1000,10000,50000] [--jobs 2]

For each size it generates fictional clients (benchmarks/batch.py's generator), runs a whole batch
in a fresh process and samples, ten times a second, the resident memory of the main process and of
the main process plus its workers (from /proc, Linux). It prints the peaks, and the ratio of each
size's peak to the smallest size's. Flat means: nothing kept per client once the list is read; the
only growth is about 230 bytes a client while it is read (sort keys, the check for ids used twice).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from batch import write_clients


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return found


def measure(clients: Path, out: Path, jobs: int) -> tuple[float, int, int]:
    """Seconds, peak RSS of the main process and peak RSS of all its processes together (KiB)."""
    return sampled([sys.executable, "-m", "kaartgen", "batch", str(clients), "--out", str(out), "--date",
                    "2026-11-23", "--jobs", str(jobs)], "batch")


def sampled(cmd: list[str], what: str) -> tuple[float, int, int]:
    """Run `cmd` (kaartgen `what`): seconds, and the peak RSS of its main process and of all its
    processes together (KiB), sampled ten times a second from /proc."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    main_peak = total_peak = 0
    while proc.poll() is None:
        main = _rss_kib(proc.pid)
        total = main + sum(_rss_kib(c) for c in _children(proc.pid))
        main_peak, total_peak = max(main_peak, main), max(total_peak, total)
        time.sleep(0.1)
    if proc.returncode != 0:
        raise SystemExit(f"kaartgen {what} failed with exit code {proc.returncode}")
    return time.perf_counter() - start, main_peak, total_peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000", help="list lengths, comma separated")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            clients = Path(tmp) / f"clients-{n}.csv"
            write_clients(clients, n)
            seconds, main_peak, total_peak = measure(clients, Path(tmp) / f"out-{n}", args.jobs)
            rows.append((n, seconds, main_peak, total_peak))
            print(f"{n:>7} clients: {seconds:7.1f} s, main {main_peak / 1024:6.0f} MB, all processes "
                  f"{total_peak / 1024:6.0f} MB", flush=True)
    base = rows[0]
    print(f"\n| clients | time | peak, main process | peak, all processes | ratio to {base[0]:,} (main / all) |")
    print("|---:|---:|---:|---:|---:|")
    for n, seconds, main_peak, total_peak in rows:
        print(f"| {n:,} | {seconds:.0f} s | {main_peak / 1024:.0f} MB | {total_peak / 1024:.0f} MB | "
              f"{main_peak / base[2]:.2f} / {total_peak / base[3]:.2f} |")


if __name__ == "__main__":
    main()
