"""Regenerate the README's screenshots of kaartgen serve, taken in headless Chromium:
python docs/render_web_screenshots.py  (needs Debian's chromium and `pip install '.[test]'`)"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright
from pypdf import PdfReader, PdfWriter

from kaartgen.engine.edition import Library

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
WIDTH = 1100
TODAY = "2026-11-23"  # the server's today, so that the pictures do not change with the day they are made
PHONE = {"width": 390, "height": 844}  # an ordinary phone, in CSS pixels


def main() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    work = Path(tempfile.mkdtemp())
    server = subprocess.Popen([sys.executable, "-m", "kaartgen", "serve", "--port", str(port), "--jobs-dir",
                               str(work / "jobs")], cwd=ROOT, env={**os.environ, "KAARTGEN_TODAY": TODAY})
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/static/app.css", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        clients = work / "klanten.csv"
        clients.write_text("id,name,street,postcode,city,appointment\n"
                           "C1,Anna de Vries,Kerkstraat 12,3511 LK,Utrecht,2026-12-03T10:30\n"
                           "C2,,Hoofdweg 3,9711 AA,Groningen,2026-12-04T09:00\n"
                           "C3,Bram Bos,Laan 1,1012 AB,Amsterdam,2026-13-01T10:00\n"
                           "C4,İlknur Yılmaz,Schiedamseweg 88,3025 AD,Rotterdam,\n", encoding="utf-8")
        digital = Library().edition("nl", "standaard", False, "digital").pack()
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(digital)))
        for page in writer.pages:
            writer.update_page_form_field_values(page, {
                "situatie.situatie": "Ik ben snel moe en kan maar een paar uur per dag iets doen.",
                "beeld.beschrijving": "/C", "verder.doel": "Weer werken, 20 uur in de week",
                "belemmeringen.belemmerend.gezondheid": "/Yes", "belemmeringen.belemmerend.1": "mijn rug"},
                auto_regenerate=False)
        writer.write(work / "ingevuld.pdf")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
            for suffix, viewport in (("", {"width": WIDTH, "height": 800}), ("-phone", PHONE)):
                page = browser.new_page(viewport=viewport, locale="nl-NL")
                pages(page, base, clients, work / "ingevuld.pdf", suffix)
                page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


def pages(page, base: str, clients: Path, answers: Path, suffix: str) -> None:
    """Every page a professional or clerk sees, at one screen size; `suffix` ends each file name."""
    page.goto(base + "/")
    page.fill("#name", "Zoë de Wit")
    page.fill("#professional", "Jan Jansen")
    page.fill("#role", "arbeidsdeskundige")
    page.fill("#location", "UWV Utrecht")
    page.fill("#time", "10:30")
    page.fill("#date", "2026-12-03")  # a Thursday after TODAY: no warning
    page.wait_for_function("() => document.getElementById('preview').naturalWidth > 300")
    page.wait_for_timeout(500)
    shot(page, f"serve-client{suffix}.png")
    page.goto(base + "/mailing")
    page.set_input_files("#clients", str(clients))
    page.get_by_role("button", name="Controleren").click()
    shot(page, f"serve-mailing{suffix}.png")
    page.get_by_role("button", name="Toch starten").click()
    page.get_by_role("heading", name="De mailing is klaar").wait_for(timeout=120_000)
    shot(page, f"serve-mailing-done{suffix}.png")
    page.goto(base + "/antwoorden")
    page.set_input_files("#answers", str(answers))
    page.get_by_role("button", name="Lezen").click()
    shot(page, f"serve-answers{suffix}.png", height=900 if not suffix else 1600)
    page.goto(base + "/kaarten/nl/standaard")
    page.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
    shot(page, f"serve-cards{suffix}.png", height=900 if not suffix else 1600)


def shot(page, name: str, height: int | None = None) -> None:
    """A screenshot of the page's top (`height` pixels at most), saved as an optimised PNG."""
    image = Image.open(io.BytesIO(page.screenshot(full_page=True)))
    if height:
        image = image.crop((0, 0, image.width, min(height, image.height)))
    image.convert("RGB").quantize(colors=256, method=Image.Quantize.MAXCOVERAGE).save(DOCS / name, optimize=True)
    print(DOCS / name)


if __name__ == "__main__":
    main()
