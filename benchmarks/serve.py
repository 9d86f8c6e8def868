"""Benchmark of `kaartgen serve` (not a test). Run: .venv/bin/python benchmarks/serve.py [--requests N]

On a warm server started here on a free loopback port, measured in one run:
- a personal office PDF (POST /pack): 200 requests one after another, then 10 clients at once;
- the card-1 preview (POST /preview) the professional sees while typing;
- the same pack and preview made by the engine in this process, without HTTP: the floor the web
  app stands on, so the ratio shows what the server adds.
Each figure is the min and median of 3 repeats of the 95th percentile in ms. Targets: p95 at most
300 ms for a pack, 150 ms for a preview, on a 2-core machine.
"""

from __future__ import annotations

import argparse
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kaartgen.engine.edition import Library  # noqa: E402
from kaartgen.model.text import personal_from  # noqa: E402

NAMES = ["Anna de Vries", "Mohamed El Amrani", "İlknur Yılmaz", "Zoë Ĳzerman", "Olena Шевченко"]


def p95(times: list[float]) -> float:
    return sorted(times)[max(0, int(len(times) * 0.95) - 1)] * 1000


def form(i: int, token: str) -> dict[str, str]:
    return {"csrf": token, "name": NAMES[i % len(NAMES)] + f" {i}", "professional": "Jan Jansen",
            "date": "2026-12-03", "time": "10:30", "location": "UWV Utrecht", "output": "office"}


def session(base: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=60)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)
    return client, token


def timed(client: httpx.Client, path: str, data: dict[str, str]) -> float:
    start = time.perf_counter()
    response = client.post(path, data=data)
    assert response.status_code == 200, response.text[:200]
    return time.perf_counter() - start


def sequential(base: str, path: str, n: int) -> float:
    client, token = session(base)
    return p95([timed(client, path, form(i, token)) for i in range(n)])


def concurrent(base: str, n: int, clients: int = 10) -> float:
    sessions = [session(base) for _ in range(clients)]

    def one(i: int) -> float:
        client, token = sessions[i % clients]
        return timed(client, "/pack", form(i, token))

    with ThreadPoolExecutor(clients) as pool:
        return p95(list(pool.map(one, range(n))))


def engine(path: str, n: int) -> float:
    edition = Library().edition("nl", "standaard", False, "office")
    times = []
    for i in range(n):
        personal = personal_from(NAMES[i % len(NAMES)] + f" {i}", "Jan Jansen", None, "2026-12-03T10:30", "UWV Utrecht")
        start = time.perf_counter()
        edition.pack(personal) if path == "/pack" else edition.preview(personal)
        times.append(time.perf_counter() - start)
    return p95(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    jobs = Path(tempfile.mkdtemp()) / "jobs"
    server = subprocess.Popen([sys.executable, "-m", "kaartgen", "serve", "--port", str(port), "--jobs-dir", str(jobs)],
                              cwd=ROOT, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/static/app.css", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        sequential(base, "/pack", 10)  # warm: fonts, layouts, editions
        sequential(base, "/preview", 10)
        engine("/pack", 5)
        rows = {"pack, one at a time": [], "pack, 10 clients at once": [], "preview": [],
                "engine pack, no HTTP": [], "engine preview, no HTTP": []}
        for _ in range(args.repeats):  # interleaved, so drift hits every contender alike
            rows["pack, one at a time"].append(sequential(base, "/pack", args.requests))
            rows["pack, 10 clients at once"].append(concurrent(base, args.requests))
            rows["preview"].append(sequential(base, "/preview", args.requests))
            rows["engine pack, no HTTP"].append(engine("/pack", args.requests))
            rows["engine preview, no HTTP"].append(engine("/preview", args.requests))
    finally:
        server.terminate()
        server.wait()
    print(f"p95 in ms over {args.requests} requests, min / median of {args.repeats} repeats")
    for name, values in rows.items():
        print(f"{name:28s} {min(values):7.1f} / {statistics.median(values):7.1f}")
    for what in ("pack", "preview"):
        web = statistics.median(rows["pack, one at a time" if what == "pack" else "preview"])
        floor = statistics.median(rows[f"engine {what}, no HTTP"])
        print(f"server / engine, {what}: {web / floor:.2f}x")


if __name__ == "__main__":
    main()
