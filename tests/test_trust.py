"""Trust: a client's details are printed exactly or refused, no work is lost, no traceback.

Each test here is a repro of a way kaartgen once printed a name wrong, lost work or crashed.
"""

from __future__ import annotations

import csv
import fcntl
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from tests.conftest import pdf_text, run

NAMES = {  # one of each script kaartgen prints, plus Dutch Ĳ and diaeresis
    "T1": "İlknur Yılmaz",
    "C1": "Олена Шевченко",
    "G1": "Νίκος Παππάς",
    "V1": "Nguyễn Thị Minh Khai",
    "D1": "Ĳsbrand Zoë Ĳzerman",
}
HEADER = "id,name,street,postcode,city"
ROOT = Path(__file__).resolve().parent.parent


def write_list(path: Path, rows: list[str], header: str = HEADER) -> Path:
    path.write_text("\n".join([header] + rows) + "\n", encoding="utf-8")
    return path


def client_rows(ids: list[str]) -> list[str]:
    number = {cid: i + 1 for i, cid in enumerate(NAMES)}  # the same address whatever the order
    return [f"{cid},{NAMES[cid]},Kerkstraat {number[cid]},{1000 + number[cid]} AB,Zwolle" for cid in ids]


def batch(clients: Path, out: Path, *extra: str):
    return run("batch", str(clients), "--out", str(out), "--date", "2026-11-23", "--jobs", "1", *extra)


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))


def address_png(pdf: Path):
    """The envelope window of the letter as pixels."""
    page = pdfium.PdfDocument(str(pdf))[0]
    image = page.render(scale=2).to_pil()
    w, h = image.size
    return image.crop((0, int(h * 0.12), int(w * 0.6), int(h * 0.3))).tobytes()


# -- 1. glyphs -------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def solo(tmp_path_factory) -> dict[str, Path]:
    """Each name in a batch of its own, in a fresh process: the reference glyphs. Made once for
    all test workers (the first takes a lock and makes them; the others wait and reuse them)."""
    base = tmp_path_factory.getbasetemp().parent / "solo"
    base.mkdir(exist_ok=True)
    found = {cid: base / cid / f"{cid}.pdf" for cid in NAMES}
    with open(base / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (base / "done").exists():
            running = []
            for cid in NAMES:  # side by side: each process is still on its own
                clients = write_list(base / f"{cid}.csv", client_rows([cid]))
                running.append(subprocess.Popen([sys.executable, "-m", "kaartgen", "batch", str(clients), "--out",
                                                 str(base / cid), "--date", "2026-11-23", "--jobs", "1"], cwd=ROOT,
                                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            assert [p.wait() for p in running] == [0] * len(running)
            (base / "done").touch()
    return found


@pytest.mark.parametrize("order", [list(NAMES), list(reversed(NAMES)), ["C1", "T1", "V1", "G1", "D1"]])
def test_every_script_prints_exactly_in_any_order(tmp_path, solo, order):
    clients = write_list(tmp_path / "c.csv", client_rows(order))
    result = batch(clients, tmp_path / "out")
    assert result.exit_code == 0, result.output
    for cid in order:
        pdf = tmp_path / "out" / f"{cid}.pdf"
        lines = PdfReader(pdf).pages[0].extract_text().splitlines()
        assert NAMES[cid] in lines, (cid, lines[:6])  # the address line, exactly
        assert f"Beste {NAMES[cid]}," in pdf_text(pdf)  # and on card 1
        assert address_png(pdf) == address_png(solo[cid]), f"{cid}: glyphs differ from a render of the name alone"


def test_a_script_kaartgen_cannot_print_is_a_row_error_naming_field_and_character(tmp_path):
    clients = write_list(tmp_path / "c.csv", client_rows(["T1"]) + [
        "A1,محمد علي,Kerkstraat 9,1234 AB,Zwolle",
        "E1,Anna 😀,Kerkstraat 9,1234 AB,Zwolle",
        "E2,Anna de Vries,Kerkstraat 9,1234 AB,東京",
    ])
    result = batch(clients, tmp_path / "out")
    assert result.exit_code == 1
    errors = read_csv(tmp_path / "out" / "errors.csv")
    assert {(e["id"], e["field"]) for e in errors} == {("A1", "name"), ("E1", "name"), ("E2", "city")}
    assert any("U+1F600" in e["reason"] for e in errors)
    assert all("Anna" not in e["reason"] and "محمد" not in e["reason"] for e in errors)
    assert "1 packs, 3 rows with errors" in result.output
    assert {p.name for p in (tmp_path / "out").glob("*.pdf")} == {"T1.pdf", "print-run.pdf"}


def test_decomposed_accents_print_as_the_composed_letters(tmp_path):
    clients = write_list(tmp_path / "c.csv", ["N1,Zoe\u0308 Nguye\u0302\u0303n,Weg 1,1234 AB,Zwolle"])
    assert batch(clients, tmp_path / "out").exit_code == 0
    assert "Zoë Nguyễn" in pdf_text(tmp_path / "out" / "N1.pdf")


# -- 2. optional fields ----------------------------------------------------------------------------

def test_a_letter_without_professional_never_says_none(tmp_path):
    clients = write_list(tmp_path / "c.csv", ["P1,Anna de Vries,Weg 1,1234 AB,Zwolle,,,"],
                         header=HEADER + ",professional,phone,location")
    assert batch(clients, tmp_path / "out").exit_code == 0
    text = pdf_text(tmp_path / "out" / "P1.pdf")
    assert "None" not in text and "null" not in text
    assert "Met vriendelijke groet," in text


def test_lint_catches_an_optional_value_printed_without_if(content_copy):
    letter = content_copy / "nl" / "standaard" / "letter.yaml"
    text = letter.read_text(encoding="utf-8").replace(
        '"{% if professional %}{{ professional }}{% endif %}"', '"{{ professional }}"')
    letter.write_text(text, encoding="utf-8")
    result = run("lint", "--content", str(content_copy))
    assert result.exit_code == 1
    line = next(n for n, written in enumerate(text.splitlines(), 1) if '"{{ professional }}"' in written)
    assert f"letter.yaml:{line}: letter.signature[0]: prints {{{{ professional }}}}" in result.output
    assert "only the required fields" in result.output


# -- 3. client lists as text -----------------------------------------------------------------------

def test_yaml_client_list_keeps_every_value_as_written(tmp_path):
    clients = tmp_path / "c.yaml"
    clients.write_text(
        "- {id: '007', name: Anna Berg, street: Weg 1, postcode: '0000', city: Oslo, country: NO,\n"
        "   phone: 012345670, location: 12:30}\n"
        "- {id: 008, name: Yes, street: On 1, postcode: 1234 AB, city: Zwolle}\n", encoding="utf-8")
    result = batch(clients, tmp_path / "out")
    assert result.exit_code == 0, result.output
    letter = pdf_text(tmp_path / "out" / "007.pdf")
    assert "NO" in letter.split() and "FALSE" not in letter
    assert "012345670" in letter and "Plaats: 12:30." in letter
    assert "Yes" in pdf_text(tmp_path / "out" / "008.pdf").split()
    assert {m["id"] for m in read_csv(tmp_path / "out" / "manifest.csv")} == {"007", "008"}


def test_messy_csv_rows_are_numbered_as_the_spreadsheet_and_every_problem_listed(tmp_path):
    header = "id;name;street;postcode;city;appointment;bsn;extra"
    rows = [
        "R2;Anna de Vries;Weg 1;1234 AB;Zwolle;;1;",
        "",                                                          # row 3: blank
        "R4;Ann\x00a;Weg 2;1234 AB;Zwolle;;2;",                      # control character
        "R5;;;12 AB;Zwolle;31-02-2026 10:00;3;",                     # four problems at once
        "R6;Bert;Weg 6;1234 AB;Zwolle;2026-12-03T10:30;4;;Utrecht",   # shifted: a cell past the header
        f"R7;{'x' * 200000};Weg 7;1234 AB;Zwolle;;5;",               # longer than csv's default limit
        "R8;Chris;Weg 8;1234 AB;Zwolle;;6;",
        ";;;;;;;",
        ";;;;;;;",
    ]
    clients = tmp_path / "c.csv"
    clients.write_text("\r\n".join([header] + rows) + "\r\n", encoding="utf-8")
    result = batch(clients, tmp_path / "out")
    assert result.exit_code == 1
    errors = read_csv(tmp_path / "out" / "errors.csv")
    found = {(e["row"], e["field"]) for e in errors}
    assert found == {("4", "name"), ("5", "name"), ("5", "street"), ("5", "postcode"), ("5", "appointment"),
                     ("6", "row"), ("7", "name")}
    assert "2 packs, 4 rows with errors, see errors.csv" in result.output
    assert result.output.count("ignored columns") == 1 and "bsn, extra" in result.output
    assert "Utrecht" not in result.output and "Anna" not in result.output and "xxx" not in result.output
    assert "U+0000" in next(e["reason"] for e in errors if e["row"] == "4")


def test_missing_columns_are_one_message_before_any_row(tmp_path):
    clients = write_list(tmp_path / "c.csv", ["A,Anna,1234 AB"], header="id,name,postcode")
    result = batch(clients, tmp_path / "out")
    assert result.exit_code == 2
    assert "lacks the column(s) street, city" in result.output
    assert not (tmp_path / "out").exists()


# -- 4. ids ----------------------------------------------------------------------------------------

def test_ids_that_clash_with_kaartgen_files_windows_names_or_each_other_by_case(tmp_path):
    ids = ["print-run", "Manifest", "errors", "CON", "nul", "Aux", "com1", "LPT9", "ok1", "OK1", "fine"]
    rows = [f"{cid},Anna {i},Weg {i},1234 AB,Zwolle" for i, cid in enumerate(ids)]
    result = batch(write_list(tmp_path / "c.csv", rows), tmp_path / "out")
    assert result.exit_code == 1
    bad = {int(e["row"]) for e in read_csv(tmp_path / "out" / "errors.csv") if e["field"] == "id"}
    assert bad == {2, 3, 4, 5, 6, 7, 8, 9, 11}
    assert {p.name for p in (tmp_path / "out").glob("*.pdf")} == {"ok1.pdf", "fine.pdf", "print-run.pdf"}
    assert PdfReader(tmp_path / "out" / "print-run.pdf").pages  # the print run is kaartgen's, whole


# -- 5. resume identity ----------------------------------------------------------------------------

@pytest.mark.parametrize("change, named", [("content", "the content"),
                                           ("templates", "the templates")])
def test_resume_with_changed_content_or_templates_is_refused(tmp_path, content_copy, templates_copy, change, named):
    clients = write_list(tmp_path / "c.csv", client_rows(["T1", "C1"]))
    out = tmp_path / "out"
    args = ("--content", str(content_copy), "--templates", str(templates_copy))
    assert batch(clients, out, *args).exit_code == 0
    (out / "manifest.csv").unlink()  # as if interrupted
    target = content_copy / "nl" / "standaard" / "letter.yaml" if change == "content" else templates_copy / "colours.yaml"
    target.write_text(target.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    result = batch(clients, out, *args, "--resume")
    assert result.exit_code == 2
    assert f"since then {named} changed" in result.output


# -- 6. signals and faults -------------------------------------------------------------------------

def many_clients(path: Path, n: int = 150) -> Path:
    return write_list(path, [f"K{i:04d},Klant {i},Weg {i},{1000 + i % 8000} AB,Zwolle" for i in range(n)])


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_stopped_batch_cleans_up_and_says_one_line(tmp_path, sig, code):
    clients = many_clients(tmp_path / "c.csv", 40)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "kaartgen", "batch", str(clients), "--out", str(out),
                             "--date", "2026-11-23", "--jobs", "2"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    journal = out / ".journal.csv"
    deadline = time.time() + 120
    while time.time() < deadline and (not journal.exists() or journal.read_text().count("\n") < 10):
        time.sleep(0.05)
    os.killpg(proc.pid, sig) if sig == signal.SIGINT else proc.send_signal(sig)  # Ctrl-C reaches the group
    time.sleep(0.05)
    if sig == signal.SIGINT:
        os.killpg(proc.pid, sig)  # a second Ctrl-C while it cleans up
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == code, stderr
    assert stderr.decode().strip().splitlines() == ["stopped; run again with --resume to finish"]
    assert not list(out.glob(".*.tmp")) and not (out / "print-run.pdf").exists()
    assert not (out / "manifest.csv").exists()
    result = batch(clients, out, "--resume")
    assert result.exit_code == 0 and "40 packs (kept " in result.output and ", 0 rows with errors" in result.output


def test_a_full_disk_is_one_message_and_exit_2_and_leaves_nothing_hidden(tmp_path, monkeypatch):
    import errno

    import kaartgen.render.atomic

    clients = many_clients(tmp_path / "c.csv", 12)
    out = tmp_path / "out"
    real_fsync, calls = os.fsync, []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) > 6:
            raise OSError(errno.ENOSPC, "No space left on device", str(out / ".K0007.pdf.1.x.tmp"))
        real_fsync(fd)

    monkeypatch.setattr(kaartgen.render.atomic.os, "fsync", fsync)
    result = batch(clients, out)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"error: cannot write in {out}: the disk is full; free some space or choose another folder with --out"]
    assert not list(out.glob(".*.tmp"))


def test_a_file_size_limit_is_one_message_and_exit_2_and_leaves_nothing_hidden(tmp_path):
    clients = many_clients(tmp_path / "c.csv", 30)
    out = tmp_path / "out"

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (40_000, 40_000))  # a pack is about 60 KB

    proc = subprocess.run([sys.executable, "-m", "kaartgen", "batch", str(clients), "--out", str(out),
                           "--date", "2026-11-23", "--jobs", "1"], cwd=ROOT, capture_output=True, text=True,
                          preexec_fn=limit, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"error: cannot write in {out}: a file would exceed the size limit of this system or account; "
        "ask the administrator to raise it"]
    assert not list(out.glob(".*.tmp"))


def test_temporary_files_of_a_killed_run_are_removed_on_start(tmp_path):
    clients = write_list(tmp_path / "c.csv", client_rows(["T1"]))
    out = tmp_path / "out"
    assert batch(clients, out).exit_code == 0
    (out / "manifest.csv").unlink()
    stale = out / ".print-run.pdf.999999.tmp"
    stale.write_bytes(b"%PDF- half a print run with addresses")
    assert batch(clients, out, "--resume").exit_code == 0
    assert not stale.exists()


# -- 7. bounded work -------------------------------------------------------------------------------

LAUGHS = "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']\n" + "".join(
    f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n" for p, c in zip("abcdefgh", "bcdefghi"))


def test_billion_laughs_client_list_is_refused_quickly(tmp_path):
    clients = tmp_path / "c.yaml"
    clients.write_text(LAUGHS + "clients: [*i]\n", encoding="utf-8")
    started = time.perf_counter()
    result = batch(clients, tmp_path / "out")
    assert result.exit_code == 2 and "aliases" in result.output
    assert time.perf_counter() - started < 5


def test_billion_laughs_in_content_is_a_lint_error(content_copy):
    cards = content_copy / "nl" / "standaard" / "cards.yaml"
    cards.write_text(LAUGHS + cards.read_text(encoding="utf-8"), encoding="utf-8")
    result = run("lint", "--content", str(content_copy))
    assert result.exit_code == 1 and "cards.yaml" in result.output and "aliases" in result.output
    assert "en/standaard" in result.output  # lint went on with the other sets


@pytest.mark.parametrize("text", ["{% for i in range(10**10) %}x{% endfor %}", "{{ 'a' * 1000000000 }}",
                                  "{{ name.__class__ }}", "{{ lipsum() }}"])
def test_heavy_or_unsafe_template_code_in_content_is_refused_by_lint_and_build(content_copy, tmp_path, text):
    cards = content_copy / "nl" / "standaard" / "cards.yaml"
    source = cards.read_text(encoding="utf-8")
    target = next(line for line in source.splitlines() if line.strip().startswith("text:"))
    cards.write_text(source.replace(target, target.split("text:")[0] + f"text: \"{text}\"", 1), encoding="utf-8")
    started = time.perf_counter()
    result = run("lint", "--content", str(content_copy))
    assert result.exit_code == 1 and "texts may not use" in result.output
    assert "cards.yaml:" in result.output
    built = run("build", "--content", str(content_copy), "--out", str(tmp_path))
    assert built.exit_code == 2 and "texts may not use" in built.output
    assert time.perf_counter() - started < 20


def _filled_pdf(tmp_path: Path) -> bytes:
    result = run("build", "--format", "digital", "--out", str(tmp_path / "d"))
    return Path(result.output.split()[-1]).read_bytes()


@pytest.mark.parametrize("kind", ["parent-cycle", "many-fields", "deep-json", "huge-int", "bomb"])
def test_hostile_answer_files_are_one_message_and_exit_2(tmp_path, kind):
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

    path = tmp_path / ("x.json" if kind in ("deep-json", "huge-int") else "x.pdf")
    if kind == "deep-json":
        path.write_text('{"kaartgen": "answers", "set": "nl/standaard", "answers": ' + "[" * 5000 + "]" * 5000 + "}")
    elif kind == "huge-int":
        path.write_text('{"kaartgen": "answers", "set": "nl/standaard", "answers": {"a": ' + "9" * 100000 + "}}")
    else:
        writer = PdfWriter()
        writer.add_blank_page(100, 100)
        writer.add_metadata({"/Keywords": "kaartgen nl/standaard a6 digital"})
        fields = ArrayObject()
        if kind == "parent-cycle":
            a = DictionaryObject({NameObject("/T"): TextStringObject("a")})
            b = DictionaryObject({NameObject("/T"): TextStringObject("b")})
            ra, rb = writer._add_object(a), writer._add_object(b)
            a[NameObject("/Kids")] = ArrayObject([rb])
            b[NameObject("/Kids")] = ArrayObject([ra])
            a[NameObject("/Parent")] = rb
            b[NameObject("/Parent")] = ra
            fields.append(ra)
        elif kind == "many-fields":
            for i in range(5000):  # more than any pack has; 200,000 took minutes
                fields.append(writer._add_object(DictionaryObject({
                    NameObject("/T"): TextStringObject(f"f{i}"), NameObject("/FT"): NameObject("/Tx"),
                    NameObject("/V"): TextStringObject("x"), NameObject("/Ff"): NumberObject(0)})))
        writer._root_object[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"): fields})
        with open(path, "wb") as f:
            writer.write(f)
        if kind == "bomb":
            import zlib

            blob = zlib.compress(b"\0" * (200 * 1024 * 1024), 9)
            data = path.read_bytes().replace(b"%%EOF", b"")
            path.write_bytes(data + b"99 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(blob)
                             + blob + b"\nendstream\nendobj\n%%EOF\n")
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "kaartgen", "read", str(path), "--out", str(tmp_path / "o")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert time.perf_counter() - started < 30
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 600 * 1024  # KB: nothing inflated 200 MB
    assert not (tmp_path / "o").exists()


def test_answers_saved_with_a_byte_order_mark_are_read(tmp_path):
    path = tmp_path / "a.json"
    data = {"kaartgen": "answers", "set": "nl/standaard", "answers": {"situatie.situatie": "Zoë"}}
    path.write_bytes("\ufeff".encode() + json.dumps(data).encode())
    result = run("read", str(path), "--json", "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    assert '"answer": "Zoë"' in result.output


def test_a_megabyte_of_answers_reads_in_seconds(tmp_path):
    path = tmp_path / "a.json"
    answer = ("een lange zin met woorden " * 40 + "\n") * 1000  # about 1 MB, many lines
    path.write_text(json.dumps({"kaartgen": "answers", "set": "nl/standaard",
                                "answers": {"situatie.situatie": answer}}), encoding="utf-8")
    started = time.perf_counter()
    result = run("read", str(path), "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    assert time.perf_counter() - started < 30  # was minutes: reportlab re-wrapped one huge paragraph per page


# -- 8. content boundaries -------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["../../outside/standaard", "/tmp/standaard", "nl/../../x"])
def test_extends_outside_the_content_folder_is_an_error(content_copy, target):
    info = content_copy / "nl" / "eenvoudig" / "set.yaml"
    text = info.read_text(encoding="utf-8")
    info.write_text("\n".join(f"extends: {target}" if line.startswith("extends:") else line
                              for line in text.splitlines()),
                    encoding="utf-8")
    result = run("lint", "--content", str(content_copy))
    assert result.exit_code == 1
    assert "set.yaml:" in result.output and "not a set in this content folder" in result.output


@pytest.mark.parametrize("damage", ["renamed", "loop"])
def test_a_set_whose_set_yaml_cannot_be_read_is_a_lint_error(content_copy, damage):
    info = content_copy / "en" / "eenvoudig" / "set.yaml"
    if damage == "renamed":
        info.rename(info.with_suffix(".yml"))
    else:
        info.unlink()
        info.symlink_to(info)
    result = run("lint", "--content", str(content_copy))
    assert result.exit_code == 1
    assert "en/eenvoudig/set.yaml: looks like a content set" in result.output


def test_a_jinja_error_is_reported_with_file_and_line_and_lint_goes_on(content_copy):
    cards = content_copy / "nl" / "standaard" / "cards.yaml"
    source = cards.read_text(encoding="utf-8")
    cards.write_text(source.replace("{% if name %}", "{% if name %", 1), encoding="utf-8")
    result = run("lint", "--content", str(content_copy))
    assert result.exit_code == 1
    assert "cards.yaml:" in result.output and "template syntax error" in result.output
    assert "en/standaard" in result.output  # the other sets were checked too


# -- 9. determinism --------------------------------------------------------------------------------

def test_fallback_fonts_are_cut_to_the_same_bytes_on_every_machine(tmp_path):
    """Two fresh font caches, cut a second apart, give byte-identical packs."""
    running = []
    for n in range(2):  # the second starts a second after the first, so any timestamp would differ
        env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / f"cache{n}"))
        running.append(subprocess.Popen([sys.executable, "-m", "kaartgen", "build", "--out", str(tmp_path / f"out{n}"),
                                         "--name", "Олена Νίκος Ĳsbrand"], cwd=ROOT, env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(1.1 if n == 0 else 0)
    assert [p.wait() for p in running] == [0, 0]
    outputs = [next((tmp_path / f"out{n}").glob("*.pdf")).read_bytes() for n in range(2)]
    assert outputs[0] == outputs[1]
    cut = [sorted(p.read_bytes() for p in (tmp_path / f"cache{n}" / "kaartgen" / "fonts").glob("*.ttf")) for n in range(2)]
    assert cut[0] == cut[1] and cut[0]
