"""Every kind of output kaartgen makes, built into one folder, with the sha256 of each file.

Not a test: run it before and after a change that must not change what kaartgen writes (a
refactoring), and compare the two lists (`diff`). The clock is fixed, so the same build gives
the same list on any day and any machine.

    .venv/bin/python benchmarks/outputs.py OUT > before.txt
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = "<b>Zoë</b> & {{ 7*7 }} İlknur Ĳsbrand"
CLIENTS = (
    "id,name,street,postcode,city,country,professional,role,phone,appointment,location,language,variant,large_print\n"
    "M1,Zoë de Wit,Kerkstraat 1,3511 lk,Utrecht,,Jan Jansen,arbeidsdeskundige,088 898 92 94,2026-12-03T10:30,"
    "UWV Utrecht,nl,standaard,nee\n"
    "M2,İlknur Yılmaz,Dorpsweg 2,9711AA,Groningen,,,,,03-12-2026 11:00,,nl,eenvoudig,ja\n"
    "M3,Олена Шевченко,Laan 3,1012 AB,Amsterdam,,,,,,,en,standaard,\n"
    "M4,,Weg 4,1234 AB,Zwolle,,,,,,,nl,standaard,\n"
    "M5,Bram Bos,Rue 5,1000,Bruxelles,België,,,,,,en,eenvoudig,\n"
)


def kaartgen(*args: str) -> None:
    env = {**os.environ, "KAARTGEN_TODAY": "2026-11-23"}
    result = subprocess.run([sys.executable, "-m", "kaartgen", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True)
    if result.returncode not in (0, 1):
        raise SystemExit(f"kaartgen {' '.join(args)}: {result.stderr}")


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for language, variant in (("nl", "standaard"), ("nl", "eenvoudig"), ("en", "standaard"), ("en", "eenvoudig")):
        s = ("--language", language, "--variant", variant)
        for fmt in ("office", "cards", "shop", "digital", "html"):
            kaartgen("build", *s, "--format", fmt, "--out", str(out / "build"))
            kaartgen("build", *s, "--format", fmt, "--large-print", "--out", str(out / "large"))
            kaartgen("build", *s, "--format", fmt, "--name", NAME, "--professional", "Jan & Piet", "--role", "coach",
                     "--appointment", "2026-12-01T10:30", "--location", "UWV {% raw %}Utrecht", "--reference", "K-0042",
                     "--out", str(out / f"personal-{language}-{variant}-{fmt}"))
        kaartgen("guide", *s, "--out", str(out / "guide"))
        kaartgen("preview", *s, "--out", str(out / "preview"))
    kaartgen("build", "--format", "shop", "--crop-marks", "--out", str(out / "shop-crop"))
    kaartgen("build", "--calibration", "--back-offset", "0.5,-1", "--out", str(out / "calibration"))
    clients = out / "clients.csv"
    clients.write_text(CLIENTS, encoding="utf-8")
    kaartgen("batch", str(clients), "--out", str(out / "batch"), "--date", "2026-11-23", "--jobs", "2")
    kaartgen("batch", str(clients), "--out", str(out / "batch-marks"), "--date", "2026-11-23", "--insert-marks")
    kaartgen("batch", "--envelope-check", "--out", str(out / "envelope"), "--date", "2026-11-23")
    answers = out / "antwoorden.json"
    answers.write_text(json.dumps({"kaartgen": "answers", "set": "nl/standaard", "reference": "K-0042", "answers": {
        "situatie.situatie": "Ik ben moe.\n<b>vet</b> & {{ 7*7 }} İ Ĳ ë € 😀", "beeld.beschrijving": "C",
        "belemmeringen.belemmerend.gezondheid": True, "verder.doel": "Werk"}}), encoding="utf-8")
    kaartgen("read", str(answers), "--out", str(out / "read"))
    for path in sorted(p for p in out.rglob("*") if p.is_file() and p.name not in ("clients.csv", "antwoorden.json")):
        print(hashlib.sha256(path.read_bytes()).hexdigest(), path.relative_to(out))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "output/outputs"))
