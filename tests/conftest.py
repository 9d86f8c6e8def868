"""Shared fixtures: packs built once per test session, and helpers to read them back."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter

from kaartgen import clock
from kaartgen.commands.main import main
from kaartgen.model.builtin import DEFAULT_CONTENT, DEFAULT_TEMPLATES

NASTY_NAME = "<b>Zoë</b> & {{ 7*7 }} İlknur Ĳsbrand"

# The one clock of every test, in this process and in every process it starts: the suite passes on
# any day. Dates that must lie ahead of it or in a weekend are computed from it, never from the calendar.
TODAY = date(2026, 11, 23)  # a Monday
os.environ[clock.VARIABLE] = TODAY.isoformat()
# The CLI's messages in English, whatever the machine's locale, unless a test asks for Dutch.
for _name in ("LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"


def next_weekday(weekday: int, after: date = TODAY) -> date:
    """The first date after `after` that falls on `weekday` (0 Monday … 6 Sunday)."""
    return after + timedelta(days=(weekday - after.weekday() - 1) % 7 + 1)


def run(*args: str, env: dict[str, str] | None = None):
    """Run the CLI in-process; returns click's Result (exit_code, output, stderr). With `env`, those
    variables set for the run (e.g. LANG=nl_NL.UTF-8 for Dutch messages)."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False, env=env)


DUTCH = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "nl_NL.UTF-8"}  # the CLI's messages in Dutch


def squash(text: str) -> str:
    """Text without any white space, so line breaks chosen by the layout do not matter."""
    return "".join(text.split())


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def fill(pdf: Path, dest: Path, values: dict[str, str]) -> Path:
    """`pdf` with its form fields set to `values`, as a viewer saves it, written to `dest`."""
    writer = PdfWriter(clone_from=PdfReader(pdf))
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    writer.write(dest)
    return dest


def build_pack(out: Path, *args: str) -> Path:
    result = run("build", "--out", str(out), *args)
    assert result.exit_code == 0, result.output
    paths = [Path(line) for line in result.output.split()]
    assert len(paths) >= 1
    return paths[-1] if "--calibration" not in args else paths


@pytest.fixture(scope="session")
def office_pdf(tmp_path_factory) -> Path:
    return build_pack(tmp_path_factory.mktemp("office"))


@pytest.fixture(scope="session")
def cards_pdf(tmp_path_factory) -> Path:
    return build_pack(tmp_path_factory.mktemp("cards"), "--format", "cards")


@pytest.fixture(scope="session")
def personal_pdf(tmp_path_factory) -> Path:
    return build_pack(
        tmp_path_factory.mktemp("personal"), "--name", NASTY_NAME, "--professional", "Jan & <i>Piet</i>",
        "--appointment", "2026-12-01T10:30", "--location", "UWV {% raw %}Utrecht",
    )


@pytest.fixture
def content_copy(tmp_path) -> Path:
    """A writable copy of the built-in content, for fixtures that break it."""
    dest = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT, dest)
    return dest


@pytest.fixture
def templates_copy(tmp_path) -> Path:
    dest = tmp_path / "templates"
    shutil.copytree(DEFAULT_TEMPLATES, dest)
    return dest


ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, jobs: Path, *args: str) -> subprocess.Popen:
    """`kaartgen serve` in a process of its own, answering on 127.0.0.1:port (waits until it does)."""
    proc = subprocess.Popen([sys.executable, "-m", "kaartgen", "serve", "--port", str(port), "--jobs-dir", str(jobs),
                             *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/static/app.css", timeout=2)
            return proc
        except OSError as exc:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise AssertionError(proc.stderr.read().decode()) from exc
            time.sleep(0.1)


# -- the real-browser tests: Debian's Chromium driven by Playwright, and axe-core ---------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def need_browser() -> None:
    """Called at a browser test module's import: skips the module, with the reason, when Playwright
    or Chromium is missing (`.ci/run` installs both)."""
    pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install '.[test]')")
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed; apt-get install -y chromium (CI does)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A and AA violations on the page, one line each. Waits for the page to have
    loaded: axe run on a page that is still navigating finds no document."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state()

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}×)" for v in result.response["violations"]]
