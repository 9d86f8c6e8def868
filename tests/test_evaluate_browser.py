"""The Evaluatie page of kaartgen serve in a real browser (Debian's Chromium, driven by Playwright),
against a server started here on a free loopback port: a team uploads many filled packs, saved
answers and a zip at once with a groups list, sees the report, downloads the PDF and the tables,
and the server writes nothing to disk meanwhile. Skipped, with the reason, without Chromium or
Playwright (`.ci/run` installs both)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import ROOT, axe_violations, free_port, need_browser
from tests.test_evaluate import make_corpus

need_browser()



def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("evaluate-browser"), pdfs=24, webs=60)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """kaartgen serve with a temporary folder of its own (TMPDIR), to see that nothing lands there."""
    work = tmp_path_factory.mktemp("serve-evaluate")
    temporary = work / "tmp"
    temporary.mkdir()
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kaartgen", "serve", "--port", str(port), "--jobs-dir",
                             str(work / "jobs")], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "TMPDIR": str(temporary)})
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/static/app.css", timeout=2)
            break
        except OSError as exc:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise AssertionError(proc.stderr.read().decode()) from exc
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}", temporary, work / "jobs"
    proc.terminate()
    proc.wait(timeout=30)





def test_a_team_uploads_many_files_and_a_zip_sees_the_report_and_downloads_it(page, server, corpus, tmp_path):
    address, temporary, jobs = server
    chosen = [*files_in(corpus.folder / "pdf")[:20], *files_in(corpus.folder / "web"),
              *files_in(corpus.folder / "reflectie")[:12], corpus.folder / "week.zip", corpus.folder / "notulen.txt"]
    page.goto(address + "/evaluatie")
    assert axe_violations(page) == []
    page.set_input_files("#files", [str(p) for p in chosen])
    page.set_input_files("#groups", str(corpus.groups))
    page.get_by_role("button", name="Evalueren").click()
    page.wait_for_selector(".evaluation-result")
    report = page.locator(".evaluation")
    assert report.get_by_role("heading", name="Kaart 3: gekozen beschrijving, per uitkering").is_visible()
    charts = page.locator("svg.chart")
    assert charts.count() == page.locator(".evaluation table").count() >= 8
    assert page.get_by_role("img", name="Staafdiagram, Kaart 3", exact=False).count() == 1  # named for screen readers
    text = report.inner_text()
    assert "<5" in text and "×" in text
    shown = report.inner_html()
    for secret in corpus.secrets:  # no client's name, text or reference in the report
        assert secret not in shown, secret
    for secret in [s for s in corpus.secrets if not s.startswith("REF")]:  # on the page: files by name only
        assert secret not in page.content(), secret
    notes = page.locator("details.notes")
    notes.locator("summary").click()
    assert "notulen.txt" in notes.inner_text() and "binnen.zip" in notes.inner_text()  # what was skipped: by file
    assert axe_violations(page) == []
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download het rapport (PDF)").click()
    pdf.value.save_as(tmp_path / "rapport.pdf")
    reader = PdfReader(tmp_path / "rapport.pdf")
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"] and "Kaart 3" in reader.pages[1].extract_text()
    with page.expect_download() as tables:
        page.get_by_role("link", name="Download de tabellen (CSV en JSON, in een zip)").click()
    tables.value.save_as(tmp_path / "tabellen.zip")
    names = zipfile.ZipFile(tmp_path / "tabellen.zip").namelist()
    assert "evaluation.json" in names and "tables/card3.csv" in names and "evaluation.schema.json" in names
    # read in memory: the server's temporary folder and its job folder hold no file of it
    assert files_in(temporary) == []
    assert [p.name for p in files_in(jobs)] == [".kaartgen-serve.lock"]  # the server's own, made at its start
    page.set_viewport_size({"width": 375, "height": 800})  # phone-sized: the tables scroll, the page does not
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []  # a chart or table that scrolls can be scrolled by keyboard


def test_the_page_refuses_what_is_no_answers_with_the_reason_beside_the_control(page, server, tmp_path):
    address, _, _ = server
    other = tmp_path / "notulen.txt"
    other.write_text("Notulen van het teamoverleg\n", encoding="utf-8")
    page.goto(address + "/evaluatie")
    page.set_input_files("#files", str(other))
    page.get_by_role("button", name="Evalueren").click()
    error = page.locator("#files-error")
    assert "bevat geen antwoorden van kaartgen" in error.inner_text()
    assert page.locator("#files").get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == []


def test_the_page_in_english(page, server, corpus):
    address, _, _ = server
    page.goto(address + "/evaluatie")
    page.locator("form.lang button").click()
    page.wait_for_load_state()
    page.set_input_files("#files", [str(p) for p in files_in(corpus.folder / "web")[:30]])
    page.get_by_role("button", name="Evaluate").click()
    page.wait_for_selector(".evaluation-result")
    assert page.locator(".evaluation").get_by_role("heading", name="Card 3: the description chosen, by benefit")\
        .is_visible()
    assert axe_violations(page) == []


def test_a_zip_bomb_upload_is_listed_not_fatal(page, server, corpus, tmp_path):
    address, _, _ = server
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("nullen.json", b"0" * (8 * 1024 * 1024))
    (tmp_path / "bom.zip").write_bytes(bomb.getvalue())
    page.goto(address + "/evaluatie")
    page.set_input_files("#files", [str(tmp_path / "bom.zip"), *map(str, files_in(corpus.folder / "web")[:12])])
    page.get_by_role("button", name="Evalueren").click()
    page.wait_for_selector(".evaluation-result")
    page.locator("details.notes summary").click()
    assert "zip-bom" in page.locator("details.notes").inner_text()
