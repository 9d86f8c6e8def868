"""kaartgen serve in a real browser: Chromium (Debian's package) driven by Playwright, against a
server started here on a free loopback port. A professional works by keyboard only, a clerk runs a
mailing, answers are read back, and axe-core finds no WCAG 2.1 AA violation on any page.

Skipped, with the reason, when Chromium or Playwright is not installed; `.ci/run` installs both.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from kaartgen.engine.edition import Library
from kaartgen.model.builtin import DEFAULT_CONTENT, DEFAULT_TEMPLATES
from tests.conftest import (
    TODAY,
    axe_violations,
    free_port,
    need_browser,
    next_weekday,
    pdf_text,
    run,
    squash,
    start_server,
)

need_browser()

ROOT = Path(__file__).resolve().parent.parent
NAME = "<b>Zoë</b> & {{ 7*7 }} İlayda"


class Server(str):
    """The server's address, and the folder its mailing jobs live in."""

    jobs: Path


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    jobs = tmp_path_factory.mktemp("serve") / "jobs"
    proc = start_server(port, jobs)
    address = Server(f"http://127.0.0.1:{port}")
    address.jobs = jobs
    yield address
    proc.terminate()
    proc.wait(timeout=30)




def tab_to(page, selector: str, most: int = 40) -> None:
    """Press Tab until the element matching `selector` has the focus, as a keyboard user would."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement === document.querySelector(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")



def test_a_professional_makes_a_pack_by_keyboard_only(page, server, tmp_path):
    page.goto(server + "/")
    tab_to(page, "#name")
    page.keyboard.type(NAME)
    tab_to(page, "#professional")
    page.keyboard.type("Jan Jansen")
    preview = page.locator("#preview")
    preview.wait_for(state="visible")
    page.wait_for_function("() => document.getElementById('preview').naturalWidth > 300")
    assert page.evaluate("() => document.activeElement.id") == "professional"  # the preview took no focus
    tab_to(page, "#client-form button[type=submit]")
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    download = info.value
    assert download.suggested_filename == "kaartgen-nl-standaard-a6-office-personal.pdf"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert squash(f"Beste {NAME},") in squash(pdf_text(path))


def test_a_weekend_or_past_date_is_a_visible_warning_not_an_error(page, server):
    page.goto(server + "/")
    page.fill("#time", "10:30")
    page.fill("#date", next_weekday(5).isoformat())  # the coming Saturday, by the server's clock
    assert page.locator("#date-warning").inner_text() == "Deze datum valt in het weekend."
    page.fill("#date", next_weekday(0).isoformat())  # the coming Monday: nothing to say
    assert page.locator("#date-warning").inner_text() == ""
    page.fill("#date", (TODAY - timedelta(days=3)).isoformat())  # last Friday
    assert page.locator("#date-warning").inner_text() == "Deze datum is al voorbij."
    page.fill("#date", (TODAY - timedelta(days=1)).isoformat())  # yesterday, a Sunday: both
    assert page.locator("#date-warning").inner_text() == "Deze datum is al voorbij. Deze datum valt in het weekend."
    page.fill("#name", "Bram 😀")
    page.locator("#name-error").wait_for(state="visible")  # beside its field, once
    assert "U+1F600" in page.locator("#name-error").inner_text()
    assert page.locator("#live-error").is_hidden()
    assert page.get_attribute("#name", "aria-invalid") == "true"


def test_a_clerk_runs_a_mailing_and_gets_what_kaartgen_batch_gives(page, server, tmp_path):
    rows = [f"M{i:03d},Klant {i},Weg {i},{1000 + i} AB,Zwolle" for i in range(20)]
    rows.insert(3, "M900,,Weg 9,1000 AB,Zwolle")  # no name: row 5
    clients = tmp_path / "klanten.csv"
    clients.write_text("id,name,street,postcode,city\n" + "\n".join(rows) + "\n", encoding="utf-8")
    page.goto(server + "/mailing")
    page.fill("#date", "2026-11-23")
    page.set_input_files("#clients", str(clients))
    page.get_by_role("button", name="Controleren").click()
    page.get_by_role("button", name="Toch starten").wait_for(timeout=60_000)  # a loaded machine shows the check's progress first
    assert page.locator("tbody tr").all_inner_texts() == ["5\tM900\tname\tis leeg; vul het in"]
    page.get_by_role("button", name="Toch starten").click()
    page.get_by_role("heading", name="De mailing is klaar").wait_for(timeout=120_000)
    with page.expect_download() as info:
        page.get_by_role("link", name="Alle pakketten om te printen (print-run.pdf)").click()
    info.value.save_as(tmp_path / "web-print-run.pdf")
    result = run("batch", str(clients), "--out", str(tmp_path / "cli"), "--date", "2026-11-23", "--jobs", "1")
    assert result.exit_code == 1
    assert (tmp_path / "web-print-run.pdf").read_bytes() == (tmp_path / "cli" / "print-run.pdf").read_bytes()


def test_a_clerk_stops_a_mailing_fetches_what_was_made_starts_again_and_downloads_after_a_reload(page, server, tmp_path):
    clients = tmp_path / "lang.csv"
    clients.write_text("id,name,street,postcode,city\nL999,,Weg,9999 AB,Zwolle\n" + "".join(
        f"L{i:03d},Klant {i},Weg {i},{1000 + i} AB,Zwolle\n" for i in range(300)), encoding="utf-8")
    page.goto(server + "/mailing")
    page.set_input_files("#clients", str(clients))
    page.get_by_role("button", name="Controleren").click()
    page.get_by_role("button", name="Toch starten").click()
    page.wait_for_selector("#progress:not([value='0'])", timeout=60_000)  # the bar's value reflects the job's
    job = server.jobs / page.url.rsplit("/", 1)[1]
    assert (job / "clients.csv").is_file()
    page.get_by_role("button", name="Stoppen").click()
    page.get_by_role("heading", name="De mailing is gestopt").wait_for()
    counts = page.locator("p.count").inner_text()
    made, left = map(int, re.fullmatch(r"(\d+) pakketten gemaakt, 1 rij niet; (\d+) cliënten nog niet\.", counts).groups())
    assert made + left == 300 and made > 0
    with page.expect_download() as info:
        page.get_by_role("link", name="Lijst van de pakketten (manifest.csv)").click()
    assert len(Path(info.value.path()).read_text().splitlines()) == made + 1
    page.get_by_role("button", name="Opnieuw beginnen").click()
    page.get_by_role("heading", name="De mailing is klaar").wait_for(timeout=120_000)
    assert page.locator("p.count").inner_text() == "300 pakketten gemaakt, 1 rij niet."
    first: dict[str, bytes] = {}
    for link in page.locator("ul.files a").all():
        with page.expect_download() as info:
            link.click()
        first[info.value.suggested_filename] = Path(info.value.path()).read_bytes()
    assert sorted(first) == ["errors.csv", "manifest.csv", "packs.zip", "print-run.pdf"]
    page.reload()  # after a printer jam: everything can be fetched again
    with page.expect_download() as info:
        page.get_by_role("link", name="Alle pakketten om te printen (print-run.pdf)").click()
    assert Path(info.value.path()).read_bytes() == first["print-run.pdf"]
    page.get_by_role("button", name="Verwijder de mailing nu").click()
    page.get_by_role("heading", name="Mailing voor veel cliënten").wait_for()
    assert not job.exists()  # the deleted job's folder, packs and list are gone


def test_answers_are_read_back_in_the_page(page, server, tmp_path):
    digital = Library(DEFAULT_CONTENT, DEFAULT_TEMPLATES).edition("nl", "standaard", False, "digital").pack()
    (tmp_path / "leeg.pdf").write_bytes(digital)
    writer = PdfWriter(clone_from=PdfReader(tmp_path / "leeg.pdf"))
    for p in writer.pages:
        writer.update_page_form_field_values(p, {"verder.doel": "Weer <werken>, 20 uur"}, auto_regenerate=False)
    writer.write(tmp_path / "ingevuld.pdf")
    page.goto(server + "/antwoorden")
    page.set_input_files("#answers", str(tmp_path / "ingevuld.pdf"))
    page.get_by_role("button", name="Lezen").click()
    assert "Weer <werken>, 20 uur" in page.locator(".summary").inner_text()


@pytest.mark.parametrize("path", ["/", "/mailing", "/antwoorden", "/kaarten", "/kaarten/nl/standaard", "/bestaat-niet",
                                  "/over", "/toegankelijkheid"])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_wcag_violations(page, server, path, language):
    page.goto(f"{server}{path}")
    if language != "nl":  # the switch in the header: a form, posted
        page.locator("form.lang button").click()
        page.wait_for_load_state()
    assert page.evaluate("() => document.documentElement.lang") == language
    assert axe_violations(page) == []


def test_no_wcag_violations_in_results_and_errors(page, server, tmp_path):
    clients = tmp_path / "c.csv"
    clients.write_text("id,name,street,postcode,city\nA1,Anna,Weg 1,1000 AB,Zwolle\nA2,,Weg 2,1000 AB,Zwolle\n")
    page.goto(server + "/mailing")
    page.set_input_files("#clients", str(clients))
    page.get_by_role("button", name="Controleren").click()
    page.get_by_role("button", name="Toch starten").wait_for(timeout=60_000)  # the check's progress page comes first
    assert axe_violations(page) == []  # the table of rows that will fail
    page.goto(server + "/")
    page.fill("#name", "Bram 😀")
    page.get_by_role("button", name="Download").click()
    page.locator("#name-error").wait_for(state="visible")
    assert axe_violations(page) == []  # a refused form
    page.set_viewport_size({"width": 375, "height": 800})  # phone-sized
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


# -- the client's web-page pack ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def pack_site(tmp_path_factory):
    """The web-page pack (normal and large print) served over HTTP on a free loopback port, as a
    client would open it; the answers it keeps stay in this browser's storage."""
    import functools
    import http.server
    import threading

    folder = tmp_path_factory.mktemp("site")
    for extra, name in (([], "pack.html"), (["--large-print"], "large.html")):
        result = run("build", "--format", "html", "--reference", "K-0042", "--out", str(folder / "b"), *extra)
        assert result.exit_code == 0, result.output
        Path(result.output.split()[-1]).rename(folder / name)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


ANSWER = "Ik ben moe.\nTweede regel: <b>vet</b> & {{ 7*7 }} İ Ĳ ë € 😀 مرحبا"


def test_the_web_page_keeps_answers_through_a_reload_and_saves_them_for_read(page, pack_site, tmp_path):
    page.goto(pack_site + "/pack.html")
    assert page.locator(".reference").inner_text() == "kenmerk K-0042"
    page.fill("#verder\\.doel", ANSWER)
    page.locator('input[name="beeld.beschrijving"][value="C"]').check()
    page.locator('input[name="belemmeringen.belemmerend.gezondheid"]').check()
    page.reload()  # a closed tab or a reload on a phone loses nothing
    assert page.input_value("#verder\\.doel") == ANSWER
    assert page.locator('input[name="beeld.beschrijving"][value="C"]').is_checked()
    assert page.locator('input[name="belemmeringen.belemmerend.gezondheid"]').is_checked()
    with page.expect_download() as info:
        page.get_by_role("button", name="Antwoorden opslaan").click()
    assert info.value.suggested_filename == "antwoorden-K-0042.json"
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    result = run("read", str(saved), "--out", str(tmp_path / "s"))
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "s" / "samenvatting-K-0042.json").read_text(encoding="utf-8"))
    answers = {a["field"]: a for c in summary["cards"] for a in c["answers"]}
    assert answers["verder.doel"]["answer"] == ANSWER
    assert answers["beeld.beschrijving"]["stagnation"] == "geremd in groei"
    assert answers["belemmeringen.belemmerend"]["ticked"] == ["gezondheid"]


def test_saved_answers_can_be_loaded_back_on_another_device(browser, pack_site, tmp_path):
    saved = tmp_path / "antwoorden-K-0042.json"
    saved.write_text(json.dumps({"kaartgen": "answers", "set": "nl/standaard", "reference": "K-0042",
                                 "answers": {"verder.doel": ANSWER, "situatie.verloop": "gelijk"}}), encoding="utf-8")
    context = browser.new_context()  # another device: nothing kept in its storage
    page = context.new_page()
    page.goto(pack_site + "/pack.html")
    assert page.input_value("#verder\\.doel") == ""
    page.set_input_files("#resume", str(saved))
    page.wait_for_function("() => document.getElementById('status').textContent.length > 0")
    assert page.locator("#status").inner_text() == "Uw bewaarde antwoorden staan weer in de pagina."
    assert page.input_value("#verder\\.doel") == ANSWER
    assert page.locator('input[name="situatie.verloop"][value="gelijk"]').is_checked()
    (tmp_path / "other.json").write_text('{"kaartgen": "answers", "set": "en/standaard", "answers": {}}')
    page.set_input_files("#resume", str(tmp_path / "other.json"))
    page.wait_for_function("() => document.getElementById('status').textContent.startsWith('Dit bestand')")
    context.close()


def test_the_web_page_says_at_once_when_too_many_are_ticked_and_can_be_cleared_on_a_shared_computer(browser, pack_site):
    context = browser.new_context()
    page = context.new_page()
    page.goto(pack_site + "/pack.html")
    sections = page.locator("main section")
    load = page.get_by_text("Eerder opgeslagen antwoorden laden")
    assert load.is_visible() and load.evaluate(  # after the cards, next to saving; not the first thing a client sees
        "(el, last) => !!(last.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING)",
        sections.last.element_handle())
    domains = page.locator('fieldset.at-most').first
    over = domains.locator(".over")
    boxes = domains.locator("input[type=checkbox]")
    for i in range(3):
        boxes.nth(i).check()
    assert over.inner_text() == "" and not over.is_visible()
    boxes.nth(3).check()
    assert over.inner_text() == "U heeft er nu 4 aangekruist. De kaart vraagt er maximaal 3: haal er een weg als dat lukt."
    assert boxes.nth(3).is_checked()  # said, not undone: the client decides
    boxes.nth(0).uncheck()
    assert over.inner_text() == ""
    page.fill("#verder\\.doel", ANSWER)
    asked: list[str] = []

    def answer(dialog, accept: bool) -> None:
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda d: answer(d, False))
    page.get_by_role("button", name="Antwoorden wissen van dit apparaat").click()
    assert asked[0].startswith("Alle antwoorden van dit apparaat wissen?")
    assert page.input_value("#verder\\.doel") == ANSWER  # a No keeps everything
    page.once("dialog", lambda d: answer(d, True))
    page.get_by_role("button", name="Antwoorden wissen van dit apparaat").click()
    assert page.locator("#status").inner_text() == "De antwoorden zijn van dit apparaat gewist."
    assert page.input_value("#verder\\.doel") == "" and not boxes.nth(3).is_checked()
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('kaartgen:'))") == []
    page.reload()
    assert page.input_value("#verder\\.doel") == ""
    context.close()


def test_printed_the_web_page_shows_every_answer_in_full(page, pack_site, tmp_path):
    long_answer = "\n".join(f"regel {i}: dit is een lang antwoord dat doorloopt" for i in range(1, 13))
    page.goto(pack_site + "/pack.html")
    page.fill("#verder\\.doel", long_answer)
    page.emulate_media(media="print")
    copy = page.locator("#verder\\.doel + .print-copy")
    assert copy.is_visible() and not page.locator("#verder\\.doel").is_visible()
    assert copy.inner_text() == long_answer
    assert page.evaluate("(el) => el.scrollHeight <= el.clientHeight + 1", copy.element_handle())  # no scroll bar
    (tmp_path / "printed.pdf").write_bytes(page.pdf(format="A4"))
    text = pdf_text(tmp_path / "printed.pdf")
    assert all(f"regel {i}:" in text for i in range(1, 13))


@pytest.mark.parametrize("name", ["pack.html", "large.html"])
def test_the_web_page_pack_has_no_wcag_violations(page, pack_site, name):
    page.goto(f"{pack_site}/{name}")
    assert axe_violations(page) == []
    size = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= (24 if name == "large.html" else 18)  # px: 18 pt and 13.5 pt
