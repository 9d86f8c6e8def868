"""kaartgen batch: good rows exact, bad rows reported, resumable, deterministic, nothing outside DIR."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import pdf_text, run, squash

HEADER = "id;name;street;postcode;city;country;professional;phone;appointment;location;language;variant;large_print"
GOOD = {
    "M1": "<b>Zoë</b> & {{ 7*7 }}",
    "M2": "İlknur Ĳsselstein",
    "M3": "Anna de Vries",
}


def messy_csv(path: Path) -> Path:
    lines = [
        HEADER,
        "M1;<b>Zoë</b> & {{ 7*7 }};Kerkstraat 1;3511 lk;Utrecht;;Jan & Piet;088 1;2026-12-03T10:30;UWV Utrecht;nl;standaard;nee",
        "M2;İlknur Ĳsselstein;Dorpsweg 2;9711AA;Groningen;;;;03-12-2026 11:00;;nl;eenvoudig;ja",
        f"M4;{'Jan ' * 75};Dorpsweg 3;1234 AB;Zwolle;;;;;;nl;standaard;",
        "M5;;Dorpsweg 4;1234 AB;Zwolle;;;;;;nl;standaard;",
        "M3;Anna de Vries;Dorpsweg 5;1234 AB;Zwolle;;;;;;en;standaard;",
        "M3;Dubbel Id;Dorpsweg 6;1234 AB;Zwolle;;;;;;nl;standaard;",
        "../evil;Kwaad Id;Dorpsweg 7;1234 AB;Zwolle;;;;;;nl;standaard;",
        "M8;Foute Postcode;Dorpsweg 8;123 AB;Zwolle;;;;;;nl;standaard;",
        "M9;Foute Datum;Dorpsweg 9;1234 AB;Zwolle;;;;31-02-2026;;nl;standaard;",
        "M10;Onbekende Taal;Dorpsweg 10;1234 AB;Zwolle;;;;;;xx;standaard;",
    ]
    path.write_bytes("\ufeff".encode() + "\r\n".join(lines).encode("utf-8"))
    return path


def batch(clients: Path, out: Path, *extra: str):
    return run("batch", str(clients), "--out", str(out), "--date", "2026-11-23", "--jobs", "1", *extra)


def two_editions(path: Path, prefix: str, n: int) -> Path:
    """`n` clients, Dutch and English in turn, ids `<prefix>0`, `<prefix>1`, ..."""
    rows = ["id,name,street,postcode,city,language"] + [
        f"{prefix}{i},Klant {i},Weg {i},{1000 + i} AB,Zwolle,{'en' if i % 2 else 'nl'}" for i in range(n)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    base = tmp_path_factory.mktemp("messy")
    clients = messy_csv(base / "clients.csv")
    out = base / "out"
    result = batch(clients, out)
    return base, out, result


def test_good_rows_are_produced_exactly(messy):
    _, out, result = messy
    assert result.exit_code == 1
    assert "3 packs, 7 rows with errors, see errors.csv" in result.output
    for cid, name in GOOD.items():
        text = pdf_text(out / f"{cid}.pdf")
        assert squash(name) in squash(text), cid
    assert "49" not in pdf_text(out / "M1.pdf")
    two_spaces = "[ \u00a0]{2}"  # PostNL: two spaces before the town (no-break spaces in the PDF)
    assert re.search(f"1234 AB{two_spaces}ZWOLLE", pdf_text(out / "M3.pdf"))
    assert re.search(f"3511 LK{two_spaces}UTRECHT", pdf_text(out / "M1.pdf"))


def test_bad_rows_are_each_reported_with_field(messy):
    _, out, _ = messy
    errors = {(e["row"], e["field"]) for e in read_csv(out / "errors.csv")}
    assert errors == {("4", "name"), ("5", "name"), ("7", "id"), ("8", "id"), ("9", "postcode"),
                      ("10", "appointment"), ("11", "language")}
    by_row = {e["row"]: e for e in read_csv(out / "errors.csv")}
    assert by_row["7"]["id"] == "M3" and "row 6" in by_row["7"]["reason"]
    assert by_row["8"]["id"] == ""  # an unsafe id is never echoed into a file name or report column
    assert "Jan Jan" not in (out / "errors.csv").read_text(encoding="utf-8")  # no names in reports


def test_nothing_is_written_outside_the_folder(messy):
    base, out, _ = messy
    assert sorted(p.name for p in base.iterdir()) == ["clients.csv", "out"]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [".kaartgen-job", "M1.pdf", "M2.pdf", "M3.pdf", "errors.csv", "manifest.csv", "print-run.pdf"])


def test_manifest_matches_files_and_print_run(messy):
    _, out, _ = messy
    manifest = read_csv(out / "manifest.csv")
    assert [m["id"] for m in manifest] == ["M1", "M2", "M3"]  # the list's order
    assert [m["row"] for m in manifest] == ["2", "3", "6"]  # each row's number in the list
    merged = PdfReader(out / "print-run.pdf")
    for m in manifest:
        data = (out / f"{m['id']}.pdf").read_bytes()
        assert hashlib.sha256(data).hexdigest() == m["sha256"]
        assert int(m["pages"]) == len(PdfReader(out / f"{m['id']}.pdf").pages)
        assert int(m["pages"]) % 2 == 0 and int(m["sheets"]) == int(m["pages"]) // 2
    assert int(manifest[-1]["last_page"]) == len(merged.pages)
    assert "Anna" not in (out / "manifest.csv").read_text(encoding="utf-8")


def test_print_run_is_byte_identical_across_runs(messy, tmp_path):
    base, out, _ = messy
    again = tmp_path / "again"
    batch(base / "clients.csv", again)
    assert (again / "print-run.pdf").read_bytes() == (out / "print-run.pdf").read_bytes()


def test_other_jobs_folder_is_refused(messy, tmp_path):
    base, out, _ = messy
    other = tmp_path / "other.csv"
    other.write_text("id,name,street,postcode,city\nX1,Ann,Weg 1,1234 AB,Zwolle\n", encoding="utf-8")
    result = batch(other, out, "--resume")
    assert result.exit_code == 2 and "the client list changed" in result.output
    result = batch(base / "clients.csv", out)
    assert result.exit_code == 2 and "resume it to complete it" in result.output


def test_insert_marks_decode_to_job_sequence_and_sheet(tmp_path):
    import pypdfium2 as pdfium
    import zxingcpp

    clients = tmp_path / "c.csv"
    clients.write_text("id,name,street,postcode,city\nA1,Ann Smit,Weg 1,1234 AB,Zwolle\n", encoding="utf-8")
    out = tmp_path / "out"
    assert batch(clients, out, "--insert-marks").exit_code == 0
    pdf = pdfium.PdfDocument(str(out / "print-run.pdf"))
    found = [r.text for i in range(0, len(pdf), 2) for r in zxingcpp.read_barcodes(pdf[i].render(scale=4).to_pil())
             if r.text.startswith("KG ")]  # the inserter marks; the cards' scan codes begin "KG1"
    job = json.loads((out / ".kaartgen-job").read_text())["job"]
    assert found == [f"KG {job} P00001 S{i}/4" for i in range(1, 5)]


def test_killed_batch_resumes_and_keeps_finished_packs(tmp_path):
    clients = tmp_path / "many.csv"
    rows = ["id,name,street,postcode,city"] + [f"K{i:03d},Klant {i},Weg {i},{1000 + i} AB,Zwolle" for i in range(60)]
    clients.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "kaartgen", "batch", str(clients), "--out", str(out), "--date", "2026-11-23", "--jobs", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    journal = out / ".journal.csv"
    deadline = time.time() + 120
    while time.time() < deadline and (not journal.exists() or journal.read_text().count("\n") < 6):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (out / "manifest.csv").exists() and not (out / "print-run.pdf").exists()
    finished = {p.name: p.stat().st_mtime_ns for p in out.glob("K*.pdf")}
    assert 0 < len(finished) < 60
    result = run("batch", str(clients), "--out", str(out), "--date", "2026-11-23", "--jobs", "2", "--resume")
    assert result.exit_code == 0, result.output
    assert f"60 packs (kept {len(finished)}, made {60 - len(finished)}, removed 0), 0 rows with errors" in result.output
    for name, mtime in finished.items():
        if (out / name).stat().st_mtime_ns != mtime:
            pytest.fail(f"{name} was made again although it was finished")
    manifest = read_csv(out / "manifest.csv")
    assert len(manifest) == 60
    assert all(hashlib.sha256((out / f"{m['id']}.pdf").read_bytes()).hexdigest() == m["sha256"] for m in manifest)
    assert not list(out.glob(".*.tmp")) and not (out / ".journal.csv").exists()


def test_yaml_client_list_and_ignored_columns(tmp_path):
    clients = tmp_path / "clients.yaml"
    clients.write_text(
        "clients:\n"
        "  - {id: Y1, name: Ans Smit, street: Weg 1, postcode: 1234ab, city: Zwolle, large_print: ja, bsn: 123}\n"
        "  - {id: Y2, name: Bo Bakker, street: Rue 2, postcode: B-1000, city: Brussel, country: België}\n",
        encoding="utf-8")
    result = batch(clients, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "ignored columns (kaartgen does not use them): bsn" in result.output
    manifest = read_csv(tmp_path / "out" / "manifest.csv")
    assert [m["id"] for m in manifest] == ["Y1", "Y2"]  # postcode order: "1234 AB" before "B-1000"
    assert int(next(m for m in manifest if m["id"] == "Y1")["pages"]) == 14  # large print: six A5 sheets and a letter
    assert re.search("B-1000[ \u00a0]{2}BRUSSEL\\s+BELGIË", pdf_text(tmp_path / "out" / "Y2.pdf"))


def test_print_run_joined_from_many_parts_reads_cleanly(tmp_path):
    """Six packs of two editions, each a part joined to its edition's shared objects: one clean file."""
    import warnings

    clients = two_editions(tmp_path / "c.csv", "J", 6)
    out = tmp_path / "out"
    assert batch(clients, out).exit_code == 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reader = PdfReader(out / "print-run.pdf", strict=True)
        manifest = read_csv(out / "manifest.csv")
        assert len(reader.pages) == int(manifest[-1]["last_page"]) == 6 * 8
        for m in manifest:  # every pack's first page is its own letter
            assert f"Klant {m['id'][1:]}" in reader.pages[int(m["first_page"]) - 1].extract_text()
    import pypdfium2 as pdfium

    assert len(pdfium.PdfDocument(str(out / "print-run.pdf"))) == 48
    for m in manifest:  # every pack's own file is a clean PDF too, with all its pages
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            own = PdfReader(out / f"{m['id']}.pdf", strict=True)
            assert len(own.pages) == 8 and f"Klant {m['id'][1:]}" in own.pages[0].extract_text()


def _form_streams(reader: PdfReader) -> dict[int, bytes]:
    """Object number → raw (compressed) bytes of every form XObject the pages use."""
    found = {}
    for page in reader.pages:
        for ref in page["/Resources"].get("/XObject", {}).values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Form":
                found[ref.idnum] = obj._data
    return found


def test_shared_cards_are_stored_once_and_reused_byte_for_byte(tmp_path):
    """Generic cards are drawn once per edition: the print run holds one copy for all packs of an
    edition, and every client's own file holds exactly those bytes."""
    clients = two_editions(tmp_path / "c.csv", "S", 6)
    out = tmp_path / "out"
    assert batch(clients, out).exit_code == 0
    run_forms = _form_streams(PdfReader(out / "print-run.pdf"))
    own = {i: _form_streams(PdfReader(out / f"S{i}.pdf")) for i in range(6)}
    per_edition = {i % 2: len(own[i]) for i in range(6)}
    assert per_edition[0] > 0 and per_edition[1] > 0
    assert len(run_forms) == per_edition[0] + per_edition[1]  # once per edition, not once per pack
    shared = set(run_forms.values())
    for i in range(6):
        assert set(own[i].values()) <= shared  # the same bytes in the client's file as in the print run
        assert set(own[i].values()) == set(own[i % 2].values())


def test_each_client_is_laid_out_once(tmp_path, monkeypatch):
    """No work done twice: the print run is joined from the packs, not laid out again."""
    from kaartgen.engine.edition import Edition

    calls: list[str] = []
    original = Edition.client_pages

    def counted(self, client, letter_date):
        calls.append(client.id)
        return original(self, client, letter_date)

    monkeypatch.setattr(Edition, "client_pages", counted)
    clients = tmp_path / "c.csv"
    clients.write_text("id,name,street,postcode,city\n" + "".join(f"L{i},Klant {i},Weg 1,1234 AB,Zwolle\n" for i in range(4)),
                       encoding="utf-8")
    assert batch(clients, tmp_path / "out", "--insert-marks").exit_code == 0
    assert sorted(calls) == ["L0", "L1", "L2", "L3"]


def test_print_run_spilled_to_disk_is_the_same_file(tmp_path, monkeypatch):
    """A long run keeps its page list and cross-reference in files, a chunk at a time; the file
    joined that way is the one joined in memory, byte for byte."""
    from kaartgen.render import pdfjoin

    clients = two_editions(tmp_path / "c.csv", "D", 5)
    assert batch(clients, tmp_path / "memory").exit_code == 0
    monkeypatch.setattr(pdfjoin, "CHUNK", 2)  # spills every 16 numbers: many times a pack
    assert batch(clients, tmp_path / "spilled").exit_code == 0
    for name in ("print-run.pdf", "manifest.csv", "D3.pdf"):
        assert (tmp_path / "spilled" / name).read_bytes() == (tmp_path / "memory" / name).read_bytes()
    assert len(PdfReader(tmp_path / "spilled" / "print-run.pdf", strict=True).pages) == 40


def test_the_print_run_keeps_the_list_s_order_or_follows_postnl_s_with_sort_postcode(tmp_path):
    """By default the list's order; with --sort postcode the Dutch addresses by postcode, house
    number and addition (ties in the list's order), then the others by country and postcode. The
    sequence numbers follow the print order; the manifest keeps each row's number in the list."""
    rows = [("b2", "Rue Haute 3", "1000", "België"), ("Z9", "Hauptstr. 1", "10115", "Duitsland"),
            ("a1", "Kerkstraat 12", "1011 AB", ""), ("a2", "Kerkstraat 2", "1011 AB", ""),
            ("B1", "Kerkstraat 12 B", "1011 AB", ""), ("c3", "Dorp 1", "1011 AA", ""), ("A3", "Kerkstraat 12", "1011 AB", "")]
    clients = tmp_path / "c.csv"
    clients.write_text("id,name,street,postcode,city,country\n"
                       + "".join(f"{i},Klant {i},{s},{p},Stad,{c}\n" for i, s, p, c in rows), encoding="utf-8")
    assert batch(clients, tmp_path / "list").exit_code == 0
    assert [m["id"] for m in read_csv(tmp_path / "list" / "manifest.csv")] == [i for i, *_ in rows]
    assert batch(clients, tmp_path / "post", "--sort", "postcode").exit_code == 0
    manifest = read_csv(tmp_path / "post" / "manifest.csv")
    assert [m["id"] for m in manifest] == ["c3", "a2", "a1", "A3", "B1", "b2", "Z9"]
    assert [m["row"] for m in manifest] == ["7", "5", "4", "8", "6", "2", "3"]
    assert [m["sequence"] for m in manifest] == [str(n) for n in range(1, 8)]
    run_pages = [int(m["first_page"]) for m in manifest]
    assert run_pages == sorted(run_pages)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_halted_batch_is_whole_for_what_it_made_and_a_resume_makes_the_rest(tmp_path, jobs):
    from datetime import date

    from kaartgen.engine import BatchOptions, run_batch
    from kaartgen.model.builtin import DEFAULT_CONTENT, DEFAULT_TEMPLATES

    clients = tmp_path / "c.csv"
    rows = ["id,name,street,postcode,city"] + [f"H{i:02d},Klant {i},Weg {i},{1000 + i} AB,Zwolle" for i in range(12)]
    rows.insert(3, "HX,,Weg,1000 AB,Zwolle")  # fails when the list is read: in errors.csv however far the run came
    clients.write_text("\n".join(rows) + "\n", encoding="utf-8")

    def options(out: Path, resume: bool = False) -> BatchOptions:
        return BatchOptions(clients=clients, out=out, content=DEFAULT_CONTENT, templates=DEFAULT_TEMPLATES,
                            letter_date=date(2026, 11, 23), jobs=jobs, resume=resume)

    seen: list[int] = []
    result = run_batch(options(tmp_path / "out"), lambda done, total: seen.append(done), lambda: seen[-1] >= 5)
    assert result.halted and result.counts.not_reached == 12 - 5 and result.packs == 5
    out = tmp_path / "out"
    manifest = read_csv(out / "manifest.csv")
    assert [m["id"] for m in manifest] == [f"H0{i}" for i in range(5)]  # mailing order: postcode, then id
    assert len(PdfReader(out / "print-run.pdf").pages) == int(manifest[-1]["last_page"])
    assert [r["id"] for r in read_csv(out / "errors.csv")] == ["HX"]
    assert sorted(p.name for p in out.glob("H*.pdf")) == [f"H0{i}.pdf" for i in range(5)]
    assert (out / ".journal.csv").is_file()  # so that a resume keeps them
    again = run_batch(options(out, resume=True))
    assert not again.halted and again.counts.kept == 5 and again.counts.made == 7
    full = run_batch(options(tmp_path / "full"))
    assert (out / "print-run.pdf").read_bytes() == (tmp_path / "full" / "print-run.pdf").read_bytes()
    assert (out / "manifest.csv").read_bytes() == (tmp_path / "full" / "manifest.csv").read_bytes()
    assert full.failed_rows == again.failed_rows == 1


def _client(cid: str, name: str):
    from kaartgen.model.clients import Client

    return Client(2, cid, name, "Kerkstraat 1", "3511 LK", "Utrecht", None, None, None, None, None, "nl", "standaard",
                  False)


def test_only_the_sides_that_hold_a_client_value_are_laid_out_again(content_copy, tmp_path):
    """Card 1's front (the greeting, the reference) is a client's own; its back holds no client value
    and is placed as the edition's shared form, like every other card. A side that does use a client
    value is laid out for each client, and its card's other side stays shared."""
    from datetime import date

    from kaartgen.engine.edition import Library

    def sides(edition, name: str) -> list:
        pages = edition.client_pages(_client("K1", name), date(2026, 11, 23))
        return [p.side for page in pages for p in page.placements]

    edition = Library().edition("nl", "standaard", False, "office")
    front, back = edition.generic[0].sides
    assert id(back) in edition.shared and id(front) not in edition.shared
    placed = sides(edition, "Zoë de Wit")
    assert any(s is back for s in placed) and not any(s is front for s in placed)

    cards = content_copy / "nl" / "standaard" / "cards.yaml"
    text = cards.read_text(encoding="utf-8")
    cards.write_text(text.replace("text: Hoe gaat het nu met u?",
                                                "text: \"Hoe gaat het nu met u{% if name %}, {{ name }}{% endif %}?\""),
                     encoding="utf-8")
    edited = Library(content_copy).edition("nl", "standaard", False, "office")
    front2, back2 = edited.generic[1].sides
    assert id(front2) in edited.shared and id(back2) not in edited.shared
    placed = sides(edited, "Zoë de Wit")
    assert any(s is front2 for s in placed) and not any(s is back2 for s in placed)
    clients = tmp_path / "c.csv"
    clients.write_text("id,name,street,postcode,city\nK1,Zoë de Wit,Weg 1,1234 AB,Zwolle\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run("batch", str(clients), "--content", str(content_copy), "--out", str(out), "--date", "2026-11-23",
               "--jobs", "1").exit_code == 0
    assert squash("Hoe gaat het nu met u, Zoë de Wit?") in squash(pdf_text(out / "K1.pdf"))


def test_a_pack_starts_with_the_edition_s_shared_objects_made_once(tmp_path):
    """Every pack of an edition opens with the same bytes (header, shared cards and fonts): they are
    renumbered once and copied, and the file is the one joined object by object."""
    import io
    from datetime import date

    from kaartgen.engine.edition import Library
    from kaartgen.engine.printrun import pack_info
    from kaartgen.render.pdfjoin import PdfJoiner, assemble

    edition = Library().edition("nl", "standaard", False, "office")
    info = pack_info(edition.card_set.info.title)
    for cid, name in (("K1", "Zoë de Wit"), ("K2", "İlknur Yılmaz")):
        part, _ = edition.client_part(_client(cid, name), date(2026, 11, 23))
        buffer = io.BytesIO()
        joiner = PdfJoiner(buffer, info)
        joiner.add(part, joiner.add_library(edition.library))
        joiner.close()
        assert assemble(edition.library, part, info) == buffer.getvalue()
        PdfReader(io.BytesIO(buffer.getvalue()), strict=True).pages[0].extract_text()
