"""`kaartgen lint` passes on the built-in content and fails precisely on broken content."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import run


def lint(content: Path, templates: Path | None = None):
    args = ["lint", "--content", str(content)]
    if templates:
        args += ["--templates", str(templates)]
    return run(*args)


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_built_in_content_is_clean():
    result = run("lint")
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output


def test_yaml_syntax_error_names_file_and_line(content_copy):
    domains = content_copy / "nl" / "standaard" / "domains.yaml"
    replace(domains, "    label: geldzaken", "    label: [geldzaken")
    result = lint(content_copy)
    assert result.exit_code != 0
    match = re.search(r"domains\.yaml:(\d+): YAML syntax error", result.output)
    assert match, result.output
    assert abs(int(match.group(1)) - line_of(domains, "label: [geldzaken")) <= 1
    assert "Traceback" not in result.output


def test_unknown_key_names_the_key_path_and_line(content_copy):
    cards = content_copy / "nl" / "standaard" / "cards.yaml"
    replace(cards, "            lines: 8", "            lnies: 8")
    result = lint(content_copy)
    assert result.exit_code != 0
    assert f"cards.yaml:{line_of(cards, 'lnies: 8')}: cards[0].sides[1].blocks[2].lnies: unknown key" in result.output


def test_overflowing_text_names_card_block_and_overflow_in_mm(content_copy):
    cards = content_copy / "nl" / "standaard" / "cards.yaml"
    replace(cards, "              Omcirkel of markeer één van onderstaande beschrijvingen die het best past bij uw",
            "              " + "Omcirkel of markeer één van onderstaande beschrijvingen. " * 8 + "Past het bij uw")
    result = lint(content_copy)
    assert result.exit_code != 0
    assert re.search(r"cards\.yaml:\d+: .*card 3/6 'beeld', side 1: .* overflows .* by \d+\.\d mm", result.output), result.output


def test_unknown_template_variable_is_reported(content_copy):
    cards = content_copy / "nl" / "standaard" / "cards.yaml"
    replace(cards, "U spreekt met {{ professional }}", "U spreekt met {{ profesional }}")
    result = lint(content_copy)
    assert result.exit_code != 0
    assert "unknown variable profesional" in result.output and "cards.yaml:" in result.output


def test_character_without_glyph_is_reported_with_its_line(content_copy):
    domains = content_copy / "nl" / "standaard" / "domains.yaml"
    replace(domains, "      - mijn partner", "      - mijn partner \U00013000")
    result = lint(content_copy)
    assert result.exit_code != 0
    assert f"domains.yaml:{line_of(domains, 'mijn partner')}:" in result.output and "U+13000" in result.output


def test_low_contrast_and_small_text_in_templates_are_reported(templates_copy):
    colours = templates_copy / "colours.yaml"
    replace(colours, "  yellow: { fill: yellow, text: ink }", "  yellow: { fill: yellow, text: paper }")
    styles = templates_copy / "styles.yaml"
    replace(styles, "size: 11pt, leading: 14.5pt", "size: 9pt, leading: 12pt")
    result = run("lint", "--templates", str(templates_copy))
    assert result.exit_code != 0
    assert re.search(r"colours\.yaml:\d+: domain_colours\.yellow\.text: text colour 'paper' on 'yellow'", result.output)
    assert re.search(r"styles\.yaml:\d+: styles\.body\.size: 9\.0pt is below the minimum", result.output)


def test_missing_content_folder_is_a_clear_error(tmp_path):
    result = run("build", "--content", str(tmp_path / "nope"), "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "content folder not found" in result.output and "Traceback" not in result.output


def test_unknown_language_lists_what_exists(tmp_path):
    result = run("build", "--language", "xx", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "nl/standaard" in result.output


@pytest.mark.parametrize(("file", "old", "new"), [
    ("en/eenvoudig/letter.yaml", "{{ uwv_phone }}", "088 898 92 95"),
    ("nl/standaard/cards.yaml", "waar heb ik hulp bij nodig", "bel 06-12345678 en waar heb ik hulp bij nodig"),
    ("nl/standaard/guide.yaml", "Je stuurt de set", "Bel +31 88 8989294. Je stuurt de set"),
])
def test_a_phone_number_typed_into_a_text_is_a_lint_problem_naming_its_line(content_copy, file, old, new):
    path = content_copy / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = run("lint", "--content", str(content_copy))
    assert result.exit_code == 1
    found = re.findall(rf"{re.escape(str(path))}:(\d+): [^:]+: holds a phone number; write {{{{ uwv_phone }}}}",
                       result.stderr)
    assert len(found) == 1, result.stderr  # once, also where a variant inherits the text
    assert 0 <= 1 + text[:text.index(old)].count("\n") - int(found[0]) <= 4  # the line of the text's key


def test_the_letters_give_the_set_s_one_phone_number(tmp_path):
    clients = tmp_path / "c.csv"
    clients.write_text("id,name,street,postcode,city,language,variant\n"
                       + "".join(f"{s.replace('/', '')},Anna,Weg 1,1234 AB,Zwolle,{s.split('/')[0]},{s.split('/')[1]}\n"
                                 for s in ("nl/standaard", "nl/eenvoudig", "en/standaard", "en/eenvoudig")),
                       encoding="utf-8")
    assert run("batch", str(clients), "--out", str(tmp_path / "o"), "--date", "2026-11-23").exit_code == 0
    from pypdf import PdfReader

    for pdf in sorted((tmp_path / "o").glob("*.pdf")):
        if pdf.name != "print-run.pdf":
            letter = PdfReader(pdf).pages[0].extract_text()
            assert "088 898 92 94" in letter and "92 95" not in letter, pdf.name
