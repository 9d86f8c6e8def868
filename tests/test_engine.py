"""The engine API and the package around it: one owner of answer names, template mistakes found by
lint (never a traceback), `init` and kaartgen.yaml (reportlab's internals: test_reportlab_contract.py)."""

from __future__ import annotations

import io
import json
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from kaartgen.engine.edition import Library
from kaartgen.model.answers import answer_names, marker, schema
from kaartgen.model.builtin import DEFAULT_CONTENT

from .conftest import run

SETS = Library().sets()


class _Controls(HTMLParser):
    def __init__(self):
        super().__init__()
        self.names: set[str] = set()

    def handle_starttag(self, tag, attrs):
        name = dict(attrs).get("name")
        if tag in ("input", "textarea", "select") and name:
            self.names.add(name)


@pytest.fixture(scope="module")
def library() -> Library:
    return Library()


@pytest.mark.parametrize("name", SETS)
def test_pdf_fields_html_controls_and_read_keys_are_one_set(library, name):
    language, variant = name.split("/")
    pdf = library.edition(language, variant, False, "digital").pack()
    fields = set(PdfReader(io.BytesIO(pdf)).get_fields())
    parser = _Controls()
    parser.feed(library.edition(language, variant, False, "html").pack().decode("utf-8"))
    expected = answer_names(library.card_set(language, variant).model)
    assert len(expected) > 20
    assert fields == expected
    assert parser.names == expected


def test_saved_answers_format_is_the_schema_both_sides_use(library, tmp_path):
    page = library.edition("nl", "standaard", False, "html").pack().decode("utf-8")
    assert f"var MARKER = {json.dumps(marker())};" in page
    assert schema()["properties"]["kaartgen"]["const"] == "answers"
    saved = tmp_path / "a.json"
    saved.write_text(json.dumps({"kaartgen": "answers", "set": "nl/standaard", "answers": {"verder.doel": 7}}))
    result = run("read", str(saved), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "not text or a tick" in result.stderr


def test_engine_renders_the_same_bytes_as_the_command(library, tmp_path):
    result = run("build", "--variant", "eenvoudig", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    built = Path(result.output.split()[0]).read_bytes()
    assert library.edition("nl", "eenvoudig").pack() == built


def test_no_command_module_imports_another():
    commands = Path(__file__).resolve().parent.parent / "kaartgen" / "commands"
    names = {p.stem for p in commands.glob("*.py")} - {"__init__", "main", "common"}
    for path in commands.glob("*.py"):
        if path.stem in ("main", "__init__"):
            continue
        source = path.read_text(encoding="utf-8")
        for other in names - {path.stem}:
            assert f"kaartgen.commands.{other}" not in source, f"{path.name} imports the {other} command"
        assert "reportlab" not in source, f"{path.name} draws; commands only call the engine"


@pytest.mark.parametrize("command", [
    ["lint"], ["guide", "--out", "OUT"], ["build", "--out", "OUT"], ["read", "ANSWERS", "--out", "OUT"],
])
def test_a_renamed_style_is_a_file_line_message_from_every_command(templates_copy, tmp_path, command):
    styles = templates_copy / "styles.yaml"
    styles.write_text(styles.read_text(encoding="utf-8").replace("\n  heading:", "\n  kop:", 1), encoding="utf-8")
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"kaartgen": "answers", "set": "nl/standaard", "answers": {"verder.doel": "x"}}))
    args = [str(tmp_path / "o") if a == "OUT" else str(answers) if a == "ANSWERS" else a for a in command]
    result = run(*args, "--templates", str(templates_copy))
    assert result.exit_code == (1 if command == ["lint"] else 2), result.output
    assert "Traceback" not in result.output
    assert "style 'heading' is not defined" in result.stderr
    assert "documents.yaml:" in result.stderr and "guide.heading_style" in result.stderr


def test_init_copies_the_built_in_set_and_kaartgen_yaml_points_at_it(tmp_path, monkeypatch):
    target = tmp_path / "mijn-kaarten"
    result = run("init", str(target))
    assert result.exit_code == 0, result.output
    assert (target / "content" / "nl" / "standaard" / "cards.yaml").read_bytes() == \
        (DEFAULT_CONTENT / "nl" / "standaard" / "cards.yaml").read_bytes()
    assert "--content" in result.output and "lint" in result.output
    cards = target / "content" / "nl" / "standaard" / "set.yaml"
    cards.write_text(cards.read_text(encoding="utf-8") + "onbekend: 1\n", encoding="utf-8")
    monkeypatch.chdir(target)  # kaartgen.yaml here names the copied folders
    result = run("build", "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "set.yaml" in result.stderr and "onbekend" in result.stderr
    again = run("init", str(target))
    assert again.exit_code == 2 and "never overwrites" in again.stderr
    assert sorted(os.listdir(tmp_path)) == ["mijn-kaarten"]


def test_config_file_is_checked(tmp_path, monkeypatch):
    (tmp_path / "kaartgen.yaml").write_text("content: c\ntemplatse: t\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("build", "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert "kaartgen.yaml:2" in result.stderr and "templatse" in result.stderr
