"""Translating a set through a gettext PO file: export, fill by script, import, lint clean; a
changed source text comes back fuzzy; lint names a dropped placeholder or message by file and line."""

from __future__ import annotations

import codecs
import shutil
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from kaartgen.commands.main import main
from kaartgen.engine import export_po, import_po, lint
from kaartgen.model.builtin import DEFAULT_CONTENT, DEFAULT_TEMPLATES
from kaartgen.model.translation import PLACEHOLDER

OWN_SETS = ("nl", "en")  # the hand-made sets; translated ones are made again here


def _rot13(text: str) -> str:
    """A 'translation' that keeps every placeholder and about the length, made by a script."""
    parts = PLACEHOLDER.split(text)
    marks = PLACEHOLDER.findall(text)
    out = codecs.encode(parts[0], "rot13")
    for mark, part in zip(marks, parts[1:]):
        out += mark + codecs.encode(part, "rot13")
    return out


@pytest.fixture()
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    for language in OWN_SETS:
        shutil.copytree(DEFAULT_CONTENT / language, folder / language)
    return folder


def _filled(content: Path, tmp_path: Path, language: str = "xx") -> Path:
    po = polib.pofile(export_po(content, DEFAULT_TEMPLATES, "nl/standaard", language).decode())
    for entry in po:
        entry.msgstr = _rot13(entry.msgid)
    path = tmp_path / f"{language}.po"
    po.save(str(path))
    return path


def test_export_names_place_budget_and_placeholders(content: Path) -> None:
    po = polib.pofile(export_po(content, DEFAULT_TEMPLATES, "nl/standaard", "tr").decode())
    assert po.metadata["Language"] == "tr" and po.metadata["X-Kaartgen-Target"] == "tr/standaard"
    greeting = next(e for e in po if e.msgctxt == "cards.yaml:cards[introductie].sides[0].blocks[0].text")
    assert "{{ name }}" in greeting.comment and "{% if name %}" in greeting.comment
    assert "cards[introductie]" in greeting.comment and "characters" in greeting.comment
    assert greeting.occurrences[0][0] == "nl/standaard/cards.yaml"
    contexts = [e.msgctxt for e in po]
    assert len(contexts) == len(set(contexts))
    assert not any(c.endswith((".id", ".colour")) or ".sample." in c or "return_address" in c for c in contexts)
    assert export_po(content, DEFAULT_TEMPLATES, "nl/standaard", "tr") == export_po(
        content, DEFAULT_TEMPLATES, "nl/standaard", "tr")


def test_round_trip_gives_a_set_that_lints_clean(content: Path, tmp_path: Path) -> None:
    written = import_po(content, DEFAULT_TEMPLATES, _filled(content, tmp_path))
    assert written.name == "xx/standaard" and written.untranslated == 0
    folder = content / "xx" / "standaard"
    assert sorted(p.name for p in folder.iterdir()) == ["cards.yaml", "domains.yaml", "letter.yaml", "set.yaml",
                                                          "translation.po"]
    cards = (folder / "cards.yaml").read_text()
    assert "# reconstructed" in cards and "id: introductie" in cards  # the source's comments and ids
    info = (folder / "set.yaml").read_text()
    assert "extends: nl/standaard" in info and "status: concept" in info and "language: xx" in info
    assert "for_others:" in (folder / "letter.yaml").read_text()
    report = lint(content, DEFAULT_TEMPLATES)
    assert "xx/standaard" in report.sets
    assert not report.problems, [p.located_text() for p in report.problems]


def test_a_changed_source_text_comes_back_fuzzy(content: Path, tmp_path: Path) -> None:
    import_po(content, DEFAULT_TEMPLATES, _filled(content, tmp_path))
    domains = content / "nl" / "standaard" / "domains.yaml"
    domains.write_text(domains.read_text().replace("Wat zou u willen doen?", "Wat wilt u graag doen?"))
    po = polib.pofile(export_po(content, DEFAULT_TEMPLATES, "nl/standaard", "xx").decode())
    changed = next(e for e in po if e.msgctxt == "domains.yaml:domains[werk].questions[2]")
    assert changed.fuzzy and changed.previous_msgid == "Wat zou u willen doen?"
    assert changed.msgstr == _rot13("Wat zou u willen doen?")
    same = next(e for e in po if e.msgctxt == "domains.yaml:domains[werk].questions[1]")
    assert not same.fuzzy and same.msgstr == _rot13(same.msgid)
    warnings = [w for w in lint(content, DEFAULT_TEMPLATES).warnings if w.code == "translate.source_changed"]
    assert [w.file.name for w in warnings if w.file] == ["domains.yaml"]


def test_cli_exports_and_imports(content: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    po = tmp_path / "pl.po"
    done = runner.invoke(main, ["translate", "export", "nl/standaard", "--to", "pl", "--out", str(po),
                                "--content", str(content)])
    assert done.exit_code == 0, done.output
    assert "169" in done.output or "texts" in done.output
    done = runner.invoke(main, ["translate", "import", str(po), "--content", str(content)])
    assert done.exit_code == 0, done.output
    assert (content / "pl" / "standaard" / "translation.po").read_bytes() == po.read_bytes()
    wrong = runner.invoke(main, ["translate", "export", "nl/standaard", "--to", "Turks", "--content", str(content)])
    assert wrong.exit_code == 2 and "--to" in wrong.stderr


def _lines(problems: list, code: str) -> list[str]:
    return [p.located_text() for p in problems if p.code == code]


def test_a_dropped_placeholder_fails_lint_with_file_and_line(content: Path, tmp_path: Path) -> None:
    import_po(content, DEFAULT_TEMPLATES, _filled(content, tmp_path))
    letter = content / "xx" / "standaard" / "letter.yaml"
    text = letter.read_text()
    assert text.count("{{ uwv_phone }}") == 2  # the body's and the Dutch sentence's
    letter.write_text(text.replace("{{ uwv_phone }}", "088 123", 1))
    line = next(i for i, t in enumerate(letter.read_text().splitlines(), 1) if "088 123" in t)
    found = _lines(lint(content, DEFAULT_TEMPLATES).problems, "translate.placeholder_missing")
    assert len(found) == 1 and "{{ uwv_phone }}" in found[0]
    place = found[0].split(": ")[0]
    assert place.endswith("xx/standaard/letter.yaml:" + str(place.rsplit(":", 1)[1]))
    assert int(place.rsplit(":", 1)[1]) <= line  # the text's first line: the folded block starts there or above


def test_a_new_placeholder_fails_lint(content: Path, tmp_path: Path) -> None:
    import_po(content, DEFAULT_TEMPLATES, _filled(content, tmp_path))
    domains = content / "xx" / "standaard" / "domains.yaml"
    domains.write_text(domains.read_text().replace('title: "crefbbayvwx & trmbaqurvq"',
                                                   'title: "crefbbayvwx & trmbaqurvq {{ name }}"'))
    found = _lines(lint(content, DEFAULT_TEMPLATES).problems, "translate.placeholder_new")
    assert found and "xx/standaard/domains.yaml:" in found[0] and "domains[gezondheid].title" in found[0]


def test_a_dropped_required_message_fails_lint_with_file_and_line(content: Path, tmp_path: Path) -> None:
    import_po(content, DEFAULT_TEMPLATES, _filled(content, tmp_path))
    letter = content / "xx" / "standaard" / "letter.yaml"
    dropped = _rot13("en wel of niet invullen heeft geen invloed op uw uitkering.")
    text = letter.read_text()
    flat = " ".join(text.split())
    assert dropped in flat
    body = [line for line in text.splitlines()]
    # the folded text may wrap anywhere: remove the sentence from the joined YAML value by rewriting the block
    start = next(i for i, t in enumerate(body) if _rot13("U kunt de kaartjes") in t)
    end = next(i for i in range(start, len(body)) if _rot13("ook als ze leeg zijn") in " ".join(body[start:i + 1]))
    indent = body[start][:len(body[start]) - len(body[start].lstrip())]
    kept = _rot13("U kunt de kaartjes op een rustig moment invullen, of alleen doorlezen. Neem de kaartjes mee "
                  "naar het gesprek, ook als ze leeg zijn.")
    letter.write_text("\n".join(body[:start] + [indent + kept] + body[end + 1:]) + "\n")
    found = _lines(lint(content, DEFAULT_TEMPLATES).problems, "lint.message_dropped")
    assert found and all("xx/standaard/letter.yaml:" in f for f in found)


def test_an_untranslated_text_fails_lint(content: Path, tmp_path: Path) -> None:
    path = _filled(content, tmp_path)
    po = polib.pofile(str(path))
    po.find("cards.yaml:cards[verder].sides[0].blocks[0].text", by="msgctxt").msgstr = ""
    po.save(str(path))
    assert import_po(content, DEFAULT_TEMPLATES, path).untranslated == 1
    found = _lines(lint(content, DEFAULT_TEMPLATES).problems, "translate.untranslated")
    assert len(found) == 1 and "xx/standaard/cards.yaml:" in found[0] and "cards[verder]" in found[0]


def test_checked_status_needs_who_and_when(content: Path, tmp_path: Path) -> None:
    import_po(content, DEFAULT_TEMPLATES, _filled(content, tmp_path))
    info = content / "xx" / "standaard" / "set.yaml"
    info.write_text(info.read_text().replace("\n  status: concept", "\n  status: gecontroleerd"))
    found = [p.located_text() for p in lint(content, DEFAULT_TEMPLATES).problems]
    assert any("xx/standaard/set.yaml:" in f and "checked_by" in f for f in found), found
    info.write_text(info.read_text().replace("\n  status: gecontroleerd",
                                             "\n  status: gecontroleerd\n  checked_by: A. Nowak\n  checked_on: 2027-01-15"))
    assert not lint(content, DEFAULT_TEMPLATES).problems


def test_a_concept_set_prints_its_mark_on_every_card(content: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    from kaartgen.engine import Library

    import_po(content, DEFAULT_TEMPLATES, _filled(content, tmp_path))
    library = Library(content, DEFAULT_TEMPLATES)
    assert library.concept_sets() == ["xx/standaard"]
    pdf = tmp_path / "xx.pdf"
    pdf.write_bytes(library.edition("xx", "standaard", False, "cards").pack())
    pages = [p.extract_text() for p in PdfReader(pdf).pages]
    assert pages and all("conceptvertaling" in p for p in pages)
    nl = tmp_path / "nl.pdf"
    nl.write_bytes(library.edition("nl", "standaard", False, "cards").pack())
    assert not any("conceptvertaling" in p.extract_text() for p in PdfReader(nl).pages)
