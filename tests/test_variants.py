"""Variants: every language × variant × size builds; plain language passes its gate; lint is precise."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from kaartgen.engine.linting import check_readability
from kaartgen.model.builtin import DEFAULT_CONTENT, DEFAULT_TEMPLATES
from kaartgen.model.loading import load_card_set, load_theme
from tests.conftest import build_pack, pdf_text, run, squash
from tests.test_lint import line_of, replace

A4 = (595.28, 841.89)
A5 = (419.53, 595.28)
TITLES = {"nl": "werken aan een nieuw verhaal", "en": "working on a new story"}


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("variant", ["standaard", "eenvoudig"])
@pytest.mark.parametrize("large", [False, True])
def test_every_language_variant_and_size_builds(tmp_path, language, variant, large):
    args = ["--language", language, "--variant", variant] + (["--large-print"] if large else [])
    pdf = build_pack(tmp_path, *args)
    size = "a5" if large else "a6"
    assert pdf.name == f"kaartgen-{language}-{variant}-{size}-office.pdf"
    pages = PdfReader(pdf).pages
    assert len(pages) == (12 if large else 6)  # 11 cards: 6 sheets of two, or 3 of four; duplex
    assert all((round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2)) == A4 for p in pages)
    text = pdf_text(pdf)
    assert TITLES[language] in text
    cs = load_card_set(DEFAULT_CONTENT, language, variant).model
    for domain in cs.domains:
        assert squash(domain.title) in squash(text)
        assert all(squash(q) in squash(text) for q in domain.questions)


def test_large_print_cards_are_a5_with_large_type(tmp_path):
    pdf = build_pack(tmp_path, "--large-print", "--format", "cards")
    assert {(round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2)) for p in PdfReader(pdf).pages} == {A5}
    theme = load_theme(DEFAULT_TEMPLATES, ("large-print",)).model
    assert theme.style("body").size >= 16 and theme.style("heading").size >= 20
    assert theme.write_in.line_spacing >= 10 * 72 / 25.4


def test_large_print_office_keeps_ink_off_the_sheet_edge(tmp_path):
    from tests.test_geometry import test_no_ink_within_5mm_of_the_office_sheet_edge as check
    check(build_pack(tmp_path, "--large-print"))


def test_plain_dutch_passes_the_readability_gate():
    loaded = load_card_set(DEFAULT_CONTENT, "nl", "eenvoudig")
    rows, problems = check_readability(loaded)
    assert problems == []
    gate = loaded.model.info.readability
    assert len(rows) == 11
    assert all(r.score >= gate.min_score and r.longest.words <= 12 and r.average <= 10 for r in rows)
    assert all(len(d.questions) <= gate.max_questions <= 4 for d in loaded.model.domains)
    work = next(d for d in loaded.model.domains if d.id == "werk")
    assert "Wat vindt u van werk zoeken?" in work.questions  # the report's work-search question is kept


def test_plain_variant_keeps_the_same_answers_as_the_standard():
    std = load_card_set(DEFAULT_CONTENT, "nl", "standaard").model
    plain = load_card_set(DEFAULT_CONTENT, "nl", "eenvoudig").model
    def ids(card):
        return [b.id for _, b, _ in card.walk() if hasattr(b, "id")]

    assert [ids(c) for c in std.cards] == [ids(c) for c in plain.cards]
    assert plain.cards[0].notes == std.cards[0].notes  # inherited


def test_lint_table_and_inherited_keys_are_shown():
    result = run("lint")
    assert result.exit_code == 0, result.output
    assert re.search(r"nl/eenvoudig\s+\(inherits: .*stagnations.*cards\[\*\]\.notes", result.output)
    assert re.search(r"^\s+beeld\s+\d+\s+\d+\s+\d+\.\d\s+\d+\.\dmm\s+\d+\.\dmm$", result.output, re.M)


def test_missing_translation_key_names_key_path_and_file(content_copy):
    domains = content_copy / "en" / "standaard" / "domains.yaml"
    replace(domains, "    intro: Family and friends can play an important part in your life.\n", "")
    result = run("lint", "--content", str(content_copy))
    assert result.exit_code != 0
    assert re.search(r"en/standaard/domains\.yaml:\d+: domains\[2\]\.intro: required key is missing", result.output), result.output


def test_missing_card_in_a_variant_is_reported_against_the_reference(content_copy):
    cards = content_copy / "en" / "standaard" / "cards.yaml"
    text = cards.read_text(encoding="utf-8")
    cards.write_text(text[: text.index("  - id: verder")], encoding="utf-8")
    result = run("lint", "--content", str(content_copy))
    assert result.exit_code != 0
    assert "en/standaard/cards.yaml: cards: 'verder' is missing (it is in nl/standaard)" in result.output


def test_long_sentence_in_plain_dutch_fails_the_gate(content_copy):
    domains = content_copy / "nl" / "eenvoudig" / "domains.yaml"
    long = "Wat doet u op een gewone dag van het begin tot het einde allemaal precies en met wie samen thuis?"
    replace(domains, "      - Hoe ziet uw dag eruit?", f"      - {long}")
    result = run("lint", "--content", str(content_copy))
    assert result.exit_code != 0
    line = line_of(domains, long)
    assert f"nl/eenvoudig/domains.yaml:{line}: domains[0].questions[0]: domain card 'gezondheid': a sentence of 20 words (at most 12)" in result.output


def test_new_language_is_only_a_folder(content_copy, tmp_path):
    import shutil

    shutil.copytree(content_copy / "en" / "standaard", content_copy / "fy" / "standaard")
    replace(content_copy / "fy" / "standaard" / "set.yaml", "language: en", "language: fy")
    pdf = build_pack(tmp_path, "--content", str(content_copy), "--language", "fy")
    assert pdf.name == "kaartgen-fy-standaard-a6-office.pdf"


def test_large_print_heading_below_its_minimum_is_reported(templates_copy):
    styles = templates_copy / "large-print" / "styles.yaml"
    replace(styles, "  heading:          { size: 21pt, leading: 25pt }", "  heading:          { size: 18pt, leading: 22pt }")
    result = run("lint", "--templates", str(templates_copy))
    assert result.exit_code != 0
    assert f"large-print/styles.yaml:{line_of(styles, 'heading:')}: styles.heading.size: 18.0pt is below the minimum of 20.0pt" in result.output
