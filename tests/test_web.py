"""kaartgen serve at the HTTP level: every route, its headers, literal values, errors, token, CSRF,
upload limits and the life of a mailing job (made, downloaded, removed)."""

from __future__ import annotations

import io
import json
import os
import re
import stat
import time
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from starlette.testclient import TestClient

from kaartgen.engine import PackOptions
from kaartgen.engine.edition import Library
from kaartgen.model.builtin import DEFAULT_CONTENT, DEFAULT_TEMPLATES
from kaartgen.web.app import MAX_UPLOAD, create_app
from tests.conftest import DUTCH, pdf_text, run, squash

NAME = "<b>Zoë</b> & {{ 7*7 }} İlayda"
BASE = "http://127.0.0.1:8000"  # a Host name the server answers to
LIST = (
    "id,name,street,postcode,city,appointment\n"
    "W1,Anna de Vries,Kerkstraat 12,3511 LK,Utrecht,2026-12-03T10:30\n"
    "W2,,Kerkstraat 13,3511 LK,Utrecht,\n"          # no name
    "W3,Bram 😀 Bos,Kerkstraat 14,3511 LK,Utrecht,\n"  # a character no font has
    "W4,Olena Шевченко,Laan 1,1012 AB,Amsterdam,\n"
)


@pytest.fixture(scope="module")
def library() -> Library:
    return Library(DEFAULT_CONTENT, DEFAULT_TEMPLATES)


@pytest.fixture(scope="module")
def jobs_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("jobs") / "root"


SAFE_FIELDS = {"csrf", "language", "variant", "output", "format", "large_print", "sort", "kix", "next", "reference"}


class Recording(TestClient):
    """A test client that keeps every client value it sends (form values and the cells of uploaded
    files), for the test at the end of this file that searches the logs for them."""

    sent: set[str]

    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        for key, value in (kwargs.get("data") or {}).items():
            if key not in SAFE_FIELDS and isinstance(value, str) and len(value.strip()) >= 3:
                self.sent.add(value.strip())
        for _, spec in (kwargs.get("files") or {}).items():
            content = spec[1] if isinstance(spec, tuple) else b""
            if isinstance(content, bytes) and not content.startswith(b"%PDF"):
                text = content.decode("utf-8", "ignore")
                cells = {cell.strip(" {}") for cell in re.split(r"[,;\t\n]", text)}
                self.sent |= {c for c in cells if len(c) >= 4 and not re.match(r'"(reference|set|kaartgen|version)"', c)}
        return super().request(method, url, *args, **kwargs)


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    """The request log lines and the audit log file of the whole module's server."""
    import logging

    from kaartgen.web.app import LOG

    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    handler = Keep()
    LOG.addHandler(handler)
    LOG.setLevel(logging.INFO)
    yield lines, tmp_path_factory.mktemp("audit") / "audit.jsonl"
    LOG.removeHandler(handler)


@pytest.fixture(scope="module")
def client(library, jobs_root, logs):
    from kaartgen.engine import AuditLog
    from kaartgen.web.app import ServiceSettings

    app = create_app(library, jobs_root=jobs_root, workers=1, audit=AuditLog(logs[1], library.content_version),
                     service=ServiceSettings(log=True))
    with Recording(app, base_url=BASE) as c:
        c.sent = set()
        yield c


def csrf(client: TestClient, path: str = "/") -> str:
    page = client.get(path)
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def test_every_page_answers_in_dutch_with_safe_headers(client):
    for path in ("/", "/mailing", "/antwoorden", "/kaarten", "/kaarten/nl/eenvoudig"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert '<html lang="nl">' in page.text
        policy = page.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src 'self'" in policy and "http" not in policy
        assert page.headers["cache-control"] == "no-store" and page.headers["x-frame-options"] == "DENY"
        assert "http://" not in page.text and "https://" not in page.text  # nothing loaded from elsewhere
        assert "style=" not in page.text and "<script>" not in page.text  # nothing inline the policy would block


def test_the_interface_switches_to_english_and_back(client):
    page = client.post("/taal/en", data={"csrf": csrf(client), "next": "/mailing"}, follow_redirects=True)
    assert '<html lang="en">' in page.text and "Mailing for many clients" in page.text
    away = client.post("/taal/nl", data={"csrf": csrf(client), "next": "https://elsewhere.example/"}, follow_redirects=False)
    assert away.headers["location"] == "/"
    assert client.get("/taal/en").status_code == 405  # a GET changes nothing
    assert "Mailing voor veel cliënten" in client.get("/mailing").text


def test_a_pack_is_the_same_bytes_as_kaartgen_build_and_names_nobody(client, library, tmp_path):
    form = {"csrf": csrf(client), "name": NAME, "professional": "Jan & <i>Piet</i>", "date": "2026-12-03",
            "time": "10:30", "location": "UWV {% raw %}Utrecht", "language": "nl", "variant": "standaard",
            "output": "office"}
    response = client.post("/pack", data=form)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'attachment; filename="kaartgen-nl-standaard-a6-office-personal.pdf"'
    result = run("build", "--out", str(tmp_path), "--name", NAME, "--professional", "Jan & <i>Piet</i>",
                 "--appointment", "2026-12-03T10:30", "--location", "UWV {% raw %}Utrecht")
    assert result.exit_code == 0, result.output
    assert response.content == (tmp_path / "kaartgen-nl-standaard-a6-office-personal.pdf").read_bytes()
    (tmp_path / "web.pdf").write_bytes(response.content)
    assert squash(f"Beste {NAME},") in squash(pdf_text(tmp_path / "web.pdf"))
    assert NAME not in str(PdfReader(tmp_path / "web.pdf").metadata)


@pytest.mark.parametrize("output, kind", [("digital", "application/pdf"), ("html", "text/html; charset=utf-8")])
def test_the_other_outputs_download_too(client, library, output, kind):
    form = {"csrf": csrf(client), "name": NAME, "language": "en", "variant": "standaard", "output": output,
            "large_print": "on"}
    response = client.post("/pack", data=form)
    assert response.status_code == 200 and response.headers["content-type"] == kind
    assert response.content == library.edition("en", "standaard", True, output).pack(PackOptions.parse(name=NAME).personal)


def test_the_preview_is_card_one_as_png_and_a_bad_value_names_its_field_not_the_value(client):
    token = csrf(client)
    preview = client.post("/preview", data={"csrf": token, "name": NAME}, headers={"x-csrf-token": token})
    assert preview.status_code == 200 and preview.content.startswith(b"\x89PNG")
    bad = client.post("/preview", data={"csrf": token, "name": "Bram 😀"})
    assert bad.status_code == 422
    problem = bad.json()
    assert list(problem["fields"]) == ["name"] and problem["message"] is None
    assert "U+1F600" in problem["fields"]["name"] and "Bram" not in problem["fields"]["name"]
    assert "kaartgen niet kan drukken" in problem["fields"]["name"]  # the page's language
    half = client.post("/preview", data={"csrf": token, "date": "2026-12-03"})
    assert half.status_code == 422 and list(half.json()["fields"]) == ["time"]


def test_every_field_error_comes_at_once_even_what_does_not_fit_beside_a_bad_value(client):
    token = csrf(client)
    values = {"csrf": token, "name": "Anna Maria " * 20, "reference": "Zoë de Wit", "location": "Zaal 😀"}
    bad = client.post("/preview", data=values)
    assert bad.status_code == 422
    fields = bad.json()["fields"]
    assert sorted(fields) == ["location", "name", "reference"]
    assert "te lang" in fields["name"] or "past niet" in fields["name"], fields["name"]
    page = client.post("/pack", data=values)
    assert page.status_code == 422
    for f in fields:
        assert f'id="{f}-error"' in page.text
        assert re.search(rf'id="{f}"[^>]*aria-describedby="{f}-error[ "]', page.text), f


def test_a_refused_pack_keeps_the_form_and_ties_the_message_to_the_field(client):
    page = client.post("/pack", data={"csrf": csrf(client), "name": "Bram 😀", "professional": "<i>Jan</i>"})
    assert page.status_code == 422
    assert 'id="name-error"' in page.text and 'aria-describedby="name-error"' in page.text
    assert 'value="&lt;i&gt;Jan&lt;/i&gt;"' in page.text  # typed values come back, escaped


def test_a_post_without_the_csrf_field_is_refused(client):
    csrf(client)
    assert client.post("/pack", data={"name": "Anna"}).status_code == 403
    assert client.post("/pack", data={"name": "Anna", "csrf": "x" * 32}).status_code == 403
    assert client.post("/preview", data={"name": "Anna"}).status_code == 403


def test_with_a_token_every_request_without_it_is_401(library, tmp_path):
    app = create_app(library, token="s3cret-code-for-tests", jobs_root=tmp_path / "jobs")
    with TestClient(app, base_url=BASE) as c:
        assert c.get("/").status_code == 401 and 'name="token"' in c.get("/").text
        assert c.get("/kaarten/nl/standaard/kaartgen-guide-nl-standaard.pdf").status_code == 401
        assert c.get("/static/app.css").status_code == 200  # the login page's style
        assert c.get("/", headers={"authorization": "Bearer s3cret-code-for-tests"}).status_code == 200
        token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)
        assert c.post("/login", data={"csrf": token, "token": "wrong"}).status_code == 401
        login = c.post("/login", data={"csrf": token, "token": "s3cret-code-for-tests"}, follow_redirects=False)
        assert login.status_code == 303 and "HttpOnly" in login.headers["set-cookie"]
        assert c.get("/").status_code == 200


def test_serve_refuses_an_open_address_without_a_token_or_host_names():
    result = run("serve", "--host", "0.0.0.0")
    assert result.exit_code == 2 and "--token" in result.output
    named = run("serve", "--host", "0.0.0.0", "--token", "a-long-enough-access-code")
    assert named.exit_code == 2 and "--allowed-host" in named.output


def test_an_oversized_upload_is_one_message_in_the_page(client):
    token = csrf(client)
    big = io.BytesIO(b"x" * (MAX_UPLOAD + 10))
    page = client.post("/antwoorden", data={"csrf": token}, files={"answers": ("a.json", big, "application/json")})
    assert page.status_code == 413 and "20 MB" in page.text
    assert client.get("/").status_code == 200  # and the server goes on


@pytest.mark.parametrize("content, message", [
    (b"%PDF-1.7 not really", "is geen leesbaar kaartgen-pakket"),
    (b"\xff\xfe garbage", "is geen leesbaar antwoordenbestand"),
    (b'{"kaartgen": "answers"}', "is geen antwoordenbestand van kaartgen"),
])
def test_bad_answer_files_are_a_message_in_the_page(client, content, message):
    page = client.post("/antwoorden", data={"csrf": csrf(client)}, files={"answers": ("x", content, "text/plain")})
    assert page.status_code == 422 and message in page.text and "Traceback" not in page.text


def test_a_scan_of_paper_cards_is_read_like_a_digital_pack_and_a_scan_of_two_packs_is_refused(client, library):
    import random

    from tests import scansynth

    filled = scansynth.filled_pack(library, "W-0001", random.Random(5))
    card3 = next(c for c in filled if (c.card, c.side) == (3, 1))
    assert card3.truth["beeld.beschrijving"] == "B"
    scan = scansynth.page_of([card3], random.Random(5), dpi=200, jpeg=85)
    page = client.post("/antwoorden", data={"csrf": csrf(client)}, files={"answers": ("scan.jpg", scan, "image/jpeg")})
    assert page.status_code == 200, page.text
    assert "vastzittend in evenwicht" in page.text and "kenmerk W-0001" in page.text  # B, read from the paper
    link = re.search(r'href="(/antwoorden/[^"]+\.pdf)"', page.text).group(1)
    assert client.get(link).content.startswith(b"%PDF")

    other = scansynth.filled_pack(library, "W-0002", random.Random(6))
    two = scansynth.page_of([card3, other[0]], random.Random(7), dpi=200, jpeg=85)
    page = client.post("/antwoorden", data={"csrf": csrf(client)}, files={"answers": ("scan.jpg", two, "image/jpeg")})
    assert page.status_code == 422 and "kaarten van 2 pakketten" in page.text


def test_answers_are_read_back_literally_and_offered_as_pdf(client, library, tmp_path):
    digital = library.edition("nl", "standaard", False, "digital").pack()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(digital)))
    for page in writer.pages:
        writer.update_page_form_field_values(page, {"situatie.situatie": "<b>moe</b> & {{ 1+1 }}",
                                                    "beeld.beschrijving": "/C"}, auto_regenerate=False)
    filled = io.BytesIO()
    writer.write(filled)
    page = client.post("/antwoorden", data={"csrf": csrf(client)},
                       files={"answers": ("antwoorden.pdf", filled.getvalue(), "application/pdf")})
    assert page.status_code == 200
    assert "&lt;b&gt;moe&lt;/b&gt; &amp; {{ 1+1 }}" in page.text and "geremd in groei" in page.text
    link = re.search(r'href="(/antwoorden/[^"]+\.pdf)"', page.text).group(1)
    pdf = client.get(link)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    (tmp_path / "s.pdf").write_bytes(pdf.content)
    assert "<b>moe</b> & {{ 1+1 }}" in pdf_text(tmp_path / "s.pdf")


def test_the_answers_page_shows_what_the_summary_pdf_says_about_the_pack(client, library, tmp_path):
    domains = [d.id for d in library.card_set("nl", "standaard").model.domains][:4]
    saved = json.dumps({"kaartgen": "answers", "set": "nl/standaard", "reference": "K-0042",
                        "answers": {f"belemmeringen.belemmerend.{d}": True for d in domains}}).encode()
    page = client.post("/antwoorden", data={"csrf": csrf(client)},
                       files={"answers": ("antwoorden.json", saved, "application/json")})
    assert page.status_code == 200
    about = re.search(r'<p class="about">([^<]*)</p>', page.text).group(1)
    assert about == "kenmerk K-0042 · gelezen op 23 november 2026"
    assert '<dd class="warning">4 aangekruist; de kaart vraagt er maximaal 3</dd>' in page.text
    link = re.search(r'href="(/antwoorden/[^"]+\.pdf)"', page.text).group(1)
    (tmp_path / "s.pdf").write_bytes(client.get(link).content)
    text = squash(pdf_text(tmp_path / "s.pdf"))
    assert squash(about) in text and squash("4 aangekruist; de kaart vraagt er maximaal 3") in text


def test_the_set_page_offers_previews_guide_and_calibration_by_their_titles(client):
    page = client.get("/kaarten/nl/standaard")
    links = dict((text, href) for href, text in re.findall(r'<a href="(/kaarten/[^"]+)" download>([^<]+)</a>', page.text))
    assert links["Handleiding voor de professional"] == "/kaarten/nl/standaard/kaartgen-guide-nl-standaard.pdf"
    assert links["Reflectiekaart, invulbaar"].endswith("-digital.pdf")
    assert links["Testpagina dubbelzijdig printen"] == "/kaarten/nl/standaard/kaartgen-calibration-nl-office.pdf"
    assert links["Overzicht van alle kaarten"].endswith("contact-sheet.png")
    assert links["Kaart 2, voorkant"].endswith("-02-situatie-front.png") and "Kaart 1, achterkant" in links
    assert "<h1>De kaarten: Nederlands – Standaard</h1>" in page.text
    english = client.post("/taal/en", data={"csrf": csrf(client), "next": "/kaarten"}, follow_redirects=True)
    assert "English – Plain (short sentences)" in english.text
    assert "Nederlands – Eenvoudig" not in english.text  # a set is named in the page's language, its language in its own
    client.post("/taal/nl", data={"csrf": csrf(client), "next": "/kaarten"})
    png = client.get("/kaarten/nl/standaard/nl-standaard-a6-contact-sheet.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert client.get("/kaarten/nl/standaard/../../etc/passwd").status_code == 404
    assert client.get("/kaarten/xx/standaard").status_code == 404
    for address in ("/bestaat-niet", "/kaarten/xx/standaard", "/mailing/onbekend/files/print-run.pdf"):
        gone = client.get(address)
        assert gone.status_code == 404 and "<h1>Deze pagina bestaat niet.</h1>" in gone.text
        assert ("mailing" in gone.text.split("</h1>")[1].split("</main>")[0]) == address.startswith("/mailing"), address
    assert "Geen fouten gevonden" in client.get("/kaarten").text


# -- mailing ----------------------------------------------------------------------------------------

def upload(client: TestClient, name: str, data: bytes, date: str = "2026-11-23"):
    return client.post("/mailing", data={"csrf": csrf(client, "/mailing"), "date": date, "format": "office", "kix": "on"},
                       files={"clients": (name, data, "text/csv")}, follow_redirects=False)


def wait(client: TestClient, job: str, seconds: float = 120) -> dict:
    deadline = time.time() + seconds
    while time.time() < deadline:
        status = client.get(f"/mailing/{job}/status").json()
        if status["state"] != "running":
            return status
        time.sleep(0.2)
    raise AssertionError("the mailing did not finish")


def test_a_mailing_shows_bad_rows_first_then_gives_what_kaartgen_batch_gives(client, jobs_root, tmp_path):
    response = upload(client, "klanten.csv", LIST.encode("utf-8-sig"))
    assert response.status_code == 303
    job = response.headers["location"].rsplit("/", 1)[1]
    assert "Anna" not in job and len(job) >= 16
    folder = jobs_root / job
    assert stat.S_IMODE(os.stat(jobs_root).st_mode) == 0o700 and stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    page = client.get(f"/mailing/{job}")
    assert "<strong>2</strong> rijen worden gemaakt" in page.text and "<strong>2</strong> rijen lukken niet" in page.text
    rows = re.findall(r"<tr><td>(\d+)</td><td>(\w*)</td><td>(\w+)</td>", page.text)
    assert rows == [("3", "W2", "name"), ("4", "W3", "name")]
    assert "Bram" not in page.text  # the reason names the character, never the value

    start = client.post(f"/mailing/{job}/start", data={"csrf": csrf(client)}, follow_redirects=False)
    assert start.status_code == 303
    assert wait(client, job)["state"] == "done"
    files = {name: client.get(f"/mailing/{job}/files/{name}")
             for name in ("print-run.pdf", "packs.zip", "manifest.csv", "errors.csv")}
    assert all(r.status_code == 200 for r in files.values())

    (tmp_path / "list.csv").write_bytes(LIST.encode("utf-8-sig"))
    result = run("batch", str(tmp_path / "list.csv"), "--out", str(tmp_path / "cli"), "--date", "2026-11-23",
                 "--jobs", "1", env=DUTCH)  # the web page is Dutch, and so is its error list
    assert result.exit_code == 1
    for name in ("print-run.pdf", "manifest.csv", "errors.csv"):
        assert files[name].content == (tmp_path / "cli" / name).read_bytes(), name
    packs = zipfile.ZipFile(io.BytesIO(files["packs.zip"].content))
    assert packs.namelist() == ["W1.pdf", "W4.pdf"]
    for name in packs.namelist():
        assert packs.read(name) == (tmp_path / "cli" / name).read_bytes()
    assert folder.exists()  # downloading changes nothing: the files stay for a printer jam
    assert client.get(f"/mailing/{job}/files/print-run.pdf").content == files["print-run.pdf"].content
    client.post(f"/mailing/{job}/delete", data={"csrf": csrf(client)})
    assert not folder.exists()  # deleted: nothing personal stays on the server
    assert client.get(f"/mailing/{job}").status_code == 404


def test_a_stopped_mailing_keeps_what_it_made_goes_on_and_a_deleted_one_leaves_nothing(client, jobs_root, tmp_path):
    rows = "".join(f"K{i:03d},Klant {i},Weg {i},{1000 + i} AB,Zwolle\n" for i in range(200))
    clients = ("id,name,street,postcode,city\n" + rows).encode()
    response = upload(client, "lang.csv", clients)
    job = response.headers["location"].rsplit("/", 1)[1]
    client.post(f"/mailing/{job}/start", data={"csrf": csrf(client)})
    deadline = time.time() + 60
    while client.get(f"/mailing/{job}/status").json().get("done", 0) < 5 and time.time() < deadline:
        time.sleep(0.1)
    stop = client.post(f"/mailing/{job}/cancel", data={"csrf": csrf(client)}, follow_redirects=False)
    assert stop.status_code == 303 and stop.headers["location"] == f"/mailing/{job}"
    page = client.get(f"/mailing/{job}").text
    made = int(re.search(r"(\d+) pakketten gemaakt; (\d+) cliënten nog niet", page).group(1))
    assert "De mailing is gestopt" in page and 5 <= made < 200
    manifest = client.get(f"/mailing/{job}/files/manifest.csv").text.splitlines()
    assert [line.split(",")[0] for line in manifest[1:]] == [f"K{i:03d}" for i in range(made)]
    with zipfile.ZipFile(io.BytesIO(client.get(f"/mailing/{job}/files/packs.zip").content)) as packs:
        assert len(packs.namelist()) == made
    client.post(f"/mailing/{job}/resume", data={"csrf": csrf(client)})
    assert wait(client, job)["state"] == "done"
    assert "200 pakketten gemaakt." in client.get(f"/mailing/{job}").text
    (tmp_path / "c.csv").write_bytes(clients)
    assert run("batch", str(tmp_path / "c.csv"), "--out", str(tmp_path / "cli"), "--date", "2026-11-23").exit_code == 0
    for name in ("print-run.pdf", "manifest.csv"):
        assert client.get(f"/mailing/{job}/files/{name}").content == (tmp_path / "cli" / name).read_bytes(), name
    delete = client.post(f"/mailing/{job}/delete", data={"csrf": csrf(client)}, follow_redirects=False)
    assert delete.status_code == 303 and delete.headers["location"] == "/mailing"
    assert not (jobs_root / job).exists()
    assert client.get(f"/mailing/{job}/status").status_code == 404


def test_stopping_a_check_leaves_nothing(client, jobs_root):
    """A list still being checked (or just checked) has nothing to keep: stopping removes it."""
    rows = "".join(f"K{i:05d},Klant {i},Weg {i},{1000 + i % 8000} AB,Zwolle\n" for i in range(15000))
    response = upload(client, "lang.csv", ("id,name,street,postcode,city\n" + rows).encode())
    job = response.headers["location"].rsplit("/", 1)[1]
    stop = client.post(f"/mailing/{job}/cancel", data={"csrf": csrf(client)}, follow_redirects=False)
    assert stop.headers["location"] == "/mailing"
    assert not (jobs_root / job).exists()


def test_an_excel_list_is_checked_like_a_csv(client):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "name", "street", "postcode", "city", "large_print"])
    sheet.append(["X1", "Zoë de Wit", "Dorpsstraat 1", "1234 AB", "Utrecht", True])
    sheet.append([1012, None, "Weg 2", "1000 AA", "Zwolle", None])
    data = io.BytesIO()
    book.save(data)
    response = upload(client, "klanten.xlsx", data.getvalue())
    job = response.headers["location"].rsplit("/", 1)[1]
    page = client.get(f"/mailing/{job}")
    assert "<strong>1</strong> rij wordt gemaakt" in page.text
    assert re.findall(r"<tr><td>(\d+)</td><td>(\w*)</td><td>(\w+)</td>", page.text) == [("3", "1012", "name")]
    client.post(f"/mailing/{job}/delete", data={"csrf": csrf(client)})


@pytest.mark.parametrize("data, message", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "is geen tekst maar een PDF-bestand"),
    (b"PK\x03\x04\x14\x00\x06\x00", "is geen tekst maar een zip-bestand"),
    (bytes(range(256)) * 40, "is geen leesbare tekst"),
    (b"naam;adres\nAnna;Weg 1\n", "id"),
    (b"", "is leeg"),
])
def test_an_unreadable_list_is_a_message_and_leaves_no_job(client, jobs_root, data, message):
    before = set(os.listdir(jobs_root))
    page = upload(client, "lijst.csv", data)
    assert page.status_code == 422 and message in page.text and str(jobs_root) not in page.text
    assert set(os.listdir(jobs_root)) == before


def test_stale_jobs_go_when_the_server_starts_and_old_jobs_after_the_retention_time(library, tmp_path):
    root = tmp_path / "jobs"
    (root / "old-job").mkdir(parents=True)
    (root / "old-job" / "clients.csv").write_text("id,name\n1,Anna\n")
    app = create_app(library, jobs_root=root, keep_hours=0.0001)  # a third of a second
    assert [p.name for p in root.iterdir()] == [".kaartgen-serve.lock"]
    with TestClient(app, base_url=BASE) as c:
        job = upload(c, "l.csv", LIST.encode()).headers["location"].rsplit("/", 1)[1]
        assert (root / job).is_dir()
        time.sleep(0.5)
        assert c.get(f"/mailing/{job}").status_code == 404
        assert not (root / job).exists()


def test_no_client_value_reaches_a_log_line_or_url(client, caplog):
    caplog.set_level("DEBUG")
    client.post("/pack", data={"csrf": csrf(client), "name": "Geheime Naam"})
    client.post("/preview", data={"csrf": csrf(client), "name": "Geheime Naam 😀"})
    assert "Geheime" not in caplog.text


def test_the_status_of_a_job_is_json_without_client_data(client):
    job = upload(client, "l.csv", LIST.encode()).headers["location"].rsplit("/", 1)[1]
    status = client.get(f"/mailing/{job}/status")
    assert json.loads(status.text) == {"state": "checked", "done": 2, "total": 2}  # the two good rows, laid out
    client.post(f"/mailing/{job}/delete", data={"csrf": csrf(client)})


def test_a_list_over_the_row_limit_is_refused_and_leaves_no_job(client, jobs_root, monkeypatch):
    import kaartgen.web.app

    monkeypatch.setattr(kaartgen.web.app, "MAX_ROWS", 2)
    before = set(os.listdir(jobs_root))
    page = upload(client, "l.csv", LIST.encode())
    assert page.status_code == 413 and "meer dan 2 rijen" in page.text
    assert set(os.listdir(jobs_root)) == before


def test_a_bug_is_a_page_without_a_traceback(library, tmp_path, monkeypatch):
    app = create_app(library, jobs_root=tmp_path / "jobs")
    monkeypatch.setattr(app.state.web, "_lint_report", lambda: 1 / 0)
    with TestClient(app, raise_server_exceptions=False, base_url=BASE) as c:
        page = c.get("/kaarten")
    assert page.status_code == 500 and "Er ging iets mis" in page.text and "ZeroDivision" not in page.text


def test_the_reference_goes_on_card_one_and_a_name_as_reference_is_refused(client, tmp_path):
    token = csrf(client)
    pack = client.post("/pack", data={"csrf": token, "reference": "K-0042", "output": "digital"})
    assert pack.status_code == 200
    (tmp_path / "p.pdf").write_bytes(pack.content)
    assert "kenmerk K-0042 · 1/6" in PdfReader(tmp_path / "p.pdf").pages[0].extract_text()
    refused = client.post("/pack", data={"csrf": token, "reference": "Zoë de Wit"})
    assert refused.status_code == 422 and 'id="reference-error"' in refused.text


def test_a_mailing_lists_weekend_and_past_dates_as_warnings(client):
    listing = ("id,name,street,postcode,city,appointment\n"
               "D1,Dirk,Weg 1,1001 AA,Zwolle,2026-12-05T10:00\nD2,Dina,Weg 2,1002 AA,Zwolle,2026-11-02T10:00\n")
    response = upload(client, "datums.csv", listing.encode())
    page = client.get(response.headers["location"])
    assert "<strong>2</strong> rijen worden gemaakt, maar kijk de datum na" in page.text
    assert "<td>D1</td><td>appointment</td><td>valt op een zaterdag; controleer de datum</td>" in page.text
    assert "<td>D2</td><td>appointment</td><td>valt vóór de datum van de brief; controleer de datum</td>" in page.text


def test_the_pre_check_is_the_batch_check_a_name_too_long_for_the_letter_fails_there(client):
    long_name = "Anna Maria Johanna Wilhelmina van der Zande-Ouwerkerk de Groot Hoogstra"
    listing = f"id,name,street,postcode,city\nL1,{long_name},Weg 1,1001 AA,Zwolle\nL2,Bo,Weg 2,1002 AA,Zwolle\n"
    page = client.get(upload(client, "l.csv", listing.encode()).headers["location"])
    assert "<strong>1</strong> rij wordt gemaakt" in page.text and "<strong>1</strong> rij lukt niet" in page.text
    assert re.findall(r"<tr><td>(\d+)</td><td>(\w*)</td><td>(\w+)</td>", page.text) == [("2", "L1", "name")]
    assert "Zande" not in page.text


def test_the_pre_check_names_the_sheet_it_read_and_a_hidden_first_one(client):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Archief"
    book.active.append(["id", "name", "street", "postcode", "city"])
    book.active.sheet_state = "hidden"
    ws = book.create_sheet("Klanten")
    ws.append(["id", "name", "street", "postcode", "city"])
    ws.append(["X1", "Zoë de Wit", "Dorpsstraat 1", "1234 AB", "Utrecht"])
    book.active = 1
    data = io.BytesIO()
    book.save(data)
    page = client.get(upload(client, "klanten.xlsx", data.getvalue()).headers["location"])
    assert "Gelezen blad: <strong>Klanten</strong>. Niet gelezen: Archief (verborgen)." in page.text
    assert "Het eerste blad, Archief, is verborgen en is niet gelezen." in page.text


def test_a_workbook_that_asks_for_gigabytes_is_a_message_and_the_server_goes_on(client, jobs_root):
    from tests.test_sheets import ods_bomb

    before = set(os.listdir(jobs_root))
    started = time.monotonic()
    page = upload(client, "bom.ods", ods_bomb(100000, 900))
    if page.status_code == 303:  # a loaded machine took longer than the upload waits: the job page says it
        status = page.headers["location"] + "/status"
        while client.get(status).json()["state"] == "checking":
            assert time.monotonic() - started < 30
            time.sleep(0.2)
        page = client.get(page.headers["location"])
        assert "sla het blad op als CSV" in page.text
    else:
        assert page.status_code == 422 and "sla het blad op als CSV" in page.text
        assert set(os.listdir(jobs_root)) == before
    assert time.monotonic() - started < 30
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("answers, message", [
    ({"situatie.situatie": "a\ud800b"}, "situatie.situatie"),
    ({"situatie.situatie": "a\n" * 500_000}, "nog 999601 tekens niet getoond"),
])
def test_hostile_answers_are_a_message_or_a_cut_summary_never_a_500(client, answers, message):
    data = json.dumps({"kaartgen": "answers", "set": "nl/standaard", "answers": answers}).encode()
    page = client.post("/antwoorden", data={"csrf": csrf(client)}, files={"answers": ("a.json", data, "application/json")})
    assert page.status_code in (200, 422) and message in page.text
    assert client.get("/static/app.css").status_code == 200


def test_an_answers_file_naming_another_folder_is_refused_without_a_path(client):
    data = json.dumps({"kaartgen": "answers", "set": "../kaartgen", "answers": {"situatie.situatie": "x"}}).encode()
    page = client.post("/antwoorden", data={"csrf": csrf(client)}, files={"answers": ("a.json", data, "application/json")})
    assert page.status_code == 422 and "kaartenset die deze kaartgen niet heeft" in page.text
    assert "/work" not in page.text and "/tmp" not in page.text


def test_a_dutch_export_with_its_own_column_names_is_read_mapped_and_sorted_as_on_the_command_line(client, tmp_path):
    data = ("Dossier;Voorletters;Tussenvoegsel;Achternaam;Straat;Huisnummer;Toevoeging;PC;Woonplaats\n"
            "D2;J.;de;Vries;Kerkstraat;12;A;3511LK;Utrecht\n"
            "D1;A.;;Öztürk;Dorpsweg;5;;1011 AB;Amsterdam\n").encode("cp1252")
    mapping = b"Dossier: klantnummer\nPC: postcode\n"
    token = csrf(client, "/mailing")
    response = client.post("/mailing", data={"csrf": token, "date": "2026-11-23", "format": "office", "kix": "on",
                                             "sort": "postcode"},
                           files={"clients": ("export.csv", data, "text/csv"),
                                  "columns": ("kolommen.yaml", mapping, "application/yaml")}, follow_redirects=False)
    assert response.status_code == 303
    job = response.headers["location"].rsplit("/", 1)[1]
    page = client.get(f"/mailing/{job}").text
    assert "gelezen als CSV: tekenset Windows-1252 (West-Europees), scheidingsteken puntkomma (;)" in page
    assert "Dossier → klantnummer" in page and "PC → postcode" in page
    client.post(f"/mailing/{job}/start", data={"csrf": csrf(client)})
    assert wait(client, job)["state"] == "done"
    web = client.get(f"/mailing/{job}/files/manifest.csv").content
    assert [line.split(",")[0] for line in web.decode().splitlines()[1:]] == ["D1", "D2"]  # 1011 AB before 3511 LK
    (tmp_path / "export.csv").write_bytes(data)
    (tmp_path / "kolommen.yaml").write_bytes(mapping)
    cli = run("batch", str(tmp_path / "export.csv"), "--out", str(tmp_path / "cli"), "--date", "2026-11-23",
              "--columns", str(tmp_path / "kolommen.yaml"), "--sort", "postcode")
    assert cli.exit_code == 0, cli.output
    assert client.get(f"/mailing/{job}/files/print-run.pdf").content == (tmp_path / "cli" / "print-run.pdf").read_bytes()


def test_zz_the_request_and_audit_logs_of_this_whole_file_hold_no_client_value(client, logs):
    """Runs last in this file (pytest keeps a file's order): every value any test above sent."""
    lines, audit = logs
    records = [json.loads(line) for line in lines] + [json.loads(line) for line in audit.read_text().splitlines()]
    assert len(records) > 100 and {"pack", "read", "mailing"} <= {r.get("action") for r in records}
    assert all(re.fullmatch(r"[0-9a-f]{16}", r["request_id"]) for r in records if "request_id" in r)
    assert {r["route"] for r in records if "route" in r} >= {"/pack", "/mailing/{job}", "/antwoorden"}
    text = "\n".join(json.dumps({k: v for k, v in r.items() if k != "time"}, ensure_ascii=False) for r in records)
    values = {v for v in client.sent if not re.fullmatch(r"[\w.-]*[0-9][\w.-]*|[a-z]{1,6}", v)} | {
        "Zoë", "Anna de Vries", "Kerkstraat", "Olena", "Geheime Naam"}
    assert len(values) > 20
    assert sorted(v for v in values if v in text) == []
