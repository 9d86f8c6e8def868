"""Cold start of the command line (not a test). Run: .venv/bin/python benchmarks/coldstart.py [--runs N]

Each measurement is a whole new process, as a user starts it: `kaartgen --help`, and
`kaartgen build` of one personal office pack. Prints min and median wall time over the runs, next
to a bare `python -c pass` for the interpreter's own start. Targets: --help <= 0.2 s, build <= 0.6 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KAARTGEN = [sys.executable, "-m", "kaartgen"]


def wall(cmd: list[str], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(KAARTGEN + ["build", "--out", out], check=True, stdout=subprocess.DEVNULL)  # font cache warm
        rows = [
            ("python -c pass", [sys.executable, "-c", "pass"], None),
            ("kaartgen --help", KAARTGEN + ["--help"], 0.2),
            ("kaartgen build (one personal office pack)",
             KAARTGEN + ["build", "--name", "Zoë de Wit", "--appointment", "2026-12-03T10:30", "--out", str(Path(out))],
             0.6),
        ]
        print(f"{'command':<44}{'min':>8}{'median':>9}  target")
        for name, cmd, target in rows:
            low, mid = wall(cmd, args.runs)
            print(f"{name:<44}{low:7.2f}s{mid:8.2f}s  {f'<= {target} s' if target else ''}")


if __name__ == "__main__":
    main()
