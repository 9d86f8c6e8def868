"""Answers files as they may arrive: broken characters, endless short lines, a file that names a
folder to load, forged values and encryption. Each is read within bounds or refused with one
message; nothing half-written, and the server goes on."""

from __future__ import annotations

import io
import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from kaartgen.engine.edition import Library
from kaartgen.engine.pool import RenderPool, TimedOut
from kaartgen.engine.read import SHOWN_CHARACTERS, SHOWN_LINES
from kaartgen.model.builtin import DEFAULT_CONTENT, DEFAULT_TEMPLATES
from tests.conftest import pdf_text, run


def answers_file(path: Path, answers: dict, **extra) -> Path:
    path.write_text(json.dumps({"kaartgen": "answers", "set": "nl/standaard", "answers": answers, **extra}),
                    encoding="utf-8")
    return path


def test_a_lone_surrogate_is_one_message_naming_the_field_and_writes_nothing(tmp_path):
    path = answers_file(tmp_path / "a.json", {"situatie.situatie": "a\ud800b", "verder.doel": "goed"})
    result = run("read", str(path), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert "the answer situatie.situatie holds a broken character (half of a UTF-16 pair)" in result.stderr
    assert len(result.stderr.splitlines()) == 1 and not (tmp_path / "o").exists()


def test_endless_short_lines_are_cut_with_a_mark_and_a_note_never_refused(tmp_path):
    lines = "a\n" * 2_000_000  # 4 MB of answer; this took minutes and gigabytes
    path = answers_file(tmp_path / "a.json", {"situatie.situatie": lines, "verder.doel": "x" * 50_000,
                                              "verder.hulp": "kort"})
    result = run("read", str(path), "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    assert f"note: 2 answer(s) are longer than the summary shows ({SHOWN_CHARACTERS:,} characters or {SHOWN_LINES} " \
           "lines) and are cut there" in result.stderr
    summary = json.loads((tmp_path / "o" / "a-summary.json").read_text(encoding="utf-8"))
    items = {i["field"]: i for c in summary["cards"] for i in c["answers"]}
    assert items["situatie.situatie"]["answer"] == "a\n" * (SHOWN_LINES - 1) + "a"
    assert items["situatie.situatie"]["cut"] == len(lines) - (2 * SHOWN_LINES - 1)
    assert items["verder.doel"]["answer"] == "x" * SHOWN_CHARACTERS and items["verder.doel"]["cut"] == 40_000
    assert items["verder.hulp"]["answer"] == "kort" and "cut" not in items["verder.hulp"]
    assert summary["cut"] == 2
    text = pdf_text(tmp_path / "o" / "a-summary.pdf")
    assert "[… nog 40000 tekens niet getoond; het bestand van de cliënt heeft het hele antwoord]" in text
    assert len(PdfReader(tmp_path / "o" / "a-summary.pdf").pages) < 20  # bounded, however long the answers


@pytest.mark.parametrize("where", ["json", "pdf"])
def test_a_file_never_chooses_a_folder_to_load(tmp_path, where):
    content = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT, content)
    shutil.copytree(content / "nl" / "standaard", tmp_path / "evil")  # content/../evil: a set outside the library
    if where == "json":
        path = answers_file(tmp_path / "a.json", {"situatie.situatie": "x"})
        path.write_text(path.read_text().replace('"nl/standaard"', '"../evil"'))
    else:
        digital = Library(content, DEFAULT_TEMPLATES).edition("nl", "standaard", False, "digital").pack()
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(digital)))
        writer.add_metadata({"/Keywords": f"kaartgen nl/{tmp_path}/evil a6 digital"})
        path = tmp_path / "a.pdf"
        writer.write(path)
    result = run("read", str(path), "--content", str(content), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert "is a pack of a card set this kaartgen does not have" in result.stderr
    assert str(tmp_path / "evil") not in result.stderr and not (tmp_path / "o").exists()


def test_a_reference_with_a_final_newline_is_refused(tmp_path):
    path = answers_file(tmp_path / "a.json", {"situatie.situatie": "x"}, reference="K-0042\n")
    result = run("read", str(path), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "not a kaartgen answers file" in result.stderr


def test_values_that_are_not_what_their_field_holds_are_reported_not_printed(tmp_path):
    path = answers_file(tmp_path / "a.json", {"situatie.situatie": True, "beeld.beschrijving": "Z",
                                              "situatie.verloop": "verbeterd", "verder.doel": "echt antwoord"})
    result = run("read", str(path), "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    assert "note: 2 answer(s) are not text or not a choice of the card" in result.stderr
    summary = json.loads((tmp_path / "o" / "a-summary.json").read_text(encoding="utf-8"))
    items = {i["field"]: i for c in summary["cards"] for i in c["answers"]}
    assert items["situatie.situatie"]["answer"] == "" and "problem" not in items["verder.doel"]
    assert items["situatie.verloop"]["answer"] == "verbeterd" and "problem" not in items["situatie.verloop"]
    assert items["situatie.situatie"]["problem"] == "(het bestand heeft hier iets dat geen tekst is)"
    assert items["beeld.beschrijving"]["problem"] == "(het bestand heeft hier een keuze die niet op de kaart staat)"
    text = pdf_text(tmp_path / "o" / "a-summary.pdf")
    assert "True" not in text and "echt antwoord" in text


def test_a_stream_as_a_pdf_field_value_is_reported_not_printed(tmp_path):
    digital = Library().edition("nl", "standaard", False, "digital").pack()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(digital)))
    stream = DecodedStreamObject()
    stream.set_data(b"geheim")
    ref = writer._add_object(stream)
    stack = [(f.get_object(), "") for f in writer._root_object["/AcroForm"]["/Fields"]]
    while stack:  # the field named situatie.situatie, however its name is split over /Kids
        field, prefix = stack.pop()
        name = f"{prefix}.{field['/T']}" if prefix else str(field.get("/T", ""))
        if name == "situatie.situatie":
            field[NameObject("/V")] = ref
        stack.extend((k.get_object(), name) for k in field.get("/Kids", []) if "/T" in k.get_object())
    path = tmp_path / "f.pdf"
    writer.write(path)
    result = run("read", str(path), "--json", "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    items = {i["field"]: i for c in summary["cards"] for i in c["answers"]}
    assert items["situatie.situatie"]["problem"] == "(het bestand heeft hier iets dat geen tekst is)"
    assert "Filter" not in result.stdout and "geheim" not in result.stdout


def test_an_encrypted_pack_says_so(tmp_path):
    digital = Library().edition("nl", "standaard", False, "digital").pack()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(digital)))
    writer.encrypt("geheim")
    path = tmp_path / "e.pdf"
    writer.write(path)
    result = run("read", str(path), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "is encrypted; ask the client to save it again without a password" in result.stderr


def test_the_pool_stops_a_task_that_takes_too_long_and_goes_on():
    pool = RenderPool(Library(DEFAULT_CONTENT, DEFAULT_TEMPLATES), 1)
    try:
        data = json.dumps({"kaartgen": "answers", "set": "nl/standaard",
                           "answers": {"situatie.situatie": "woord " * 100_000}}).encode()
        with pytest.raises(TimedOut):
            pool.read("a.json", data, date(2026, 11, 23), seconds=0.05)
        small = json.dumps({"kaartgen": "answers", "set": "nl/standaard", "answers": {"verder.doel": "ja"}}).encode()
        reading = pool.read("a.json", small, date(2026, 11, 23))  # a fresh worker took the killed one's place
        assert reading.pdf.startswith(b"%PDF")
    finally:
        pool.close()
