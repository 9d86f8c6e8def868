"""The professional's guide, the reflectiekaart and the previews."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageStat
from pypdf import PdfReader

from kaartgen.model.builtin import DEFAULT_CONTENT
from kaartgen.model.loading import load_card_set
from tests.conftest import pdf_text, run, squash


@pytest.fixture(scope="module")
def guide_files(tmp_path_factory):
    out = tmp_path_factory.mktemp("guide")
    result = run("guide", "--out", str(out))
    assert result.exit_code == 0, result.output
    return [Path(p) for p in result.output.split()]


def test_guide_has_every_stagnation_mechanism_and_prompt(guide_files):
    guide = next(p for p in guide_files if "guide" in p.name)
    text = squash(pdf_text(guide))
    cs = load_card_set(DEFAULT_CONTENT, "nl", "standaard").model
    for s in cs.stagnations:
        assert squash(s.name) in text and squash(s.mechanism) in text and squash(s.action) in text
    for card in cs.cards:
        assert squash(card.notes) in text
    for phase in cs.guide.cycle.phases:
        assert squash(phase) in text
    for section in cs.guide.sections:
        assert squash(section.heading) in text


def test_reflection_card_is_printable_four_up_and_fillable(guide_files):
    office = next(p for p in guide_files if p.name.endswith("-office.pdf"))
    digital = next(p for p in guide_files if p.name.endswith("-digital.pdf"))
    reader = PdfReader(office)
    assert len(reader.pages) == 2  # one duplex sheet: four fronts, four backs
    assert pdf_text(office).count("Reflectiekaart") == 4
    fields = PdfReader(digital).get_fields()
    assert {"reflectie.datum", "reflectie.uitkering", "reflectie.observaties", "reflectie.stagnatie",
            "reflectie.nut", "reflectie.cliënt"} <= set(fields)
    # the pilot's evaluation can be repeated: benefit and the five stagnations as ticks
    text = pdf_text(office)
    for label in ("Wajong", "WGA", "Ziektewet", "vastzittend in evenwicht", "rennend door het proces"):
        assert label in text


def test_guide_has_page_numbers_and_names_card_1_by_its_title(guide_files):
    guide = next(p for p in guide_files if "-guide-" in p.name)
    pages = PdfReader(guide).pages
    for number, page in enumerate(pages, 1):
        assert f"pagina {number}" in page.extract_text()
    assert "1/6 Introductie" in pdf_text(guide)


def test_guide_in_english_too(tmp_path):
    result = run("guide", "--language", "en", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "held back in growth" in pdf_text(tmp_path / "kaartgen-guide-en-standaard.pdf")


def test_previews_count_size_and_contact_sheet(tmp_path):
    result = run("preview", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    pngs = [Path(p) for p in result.output.split()]
    sides = [p for p in pngs if "contact-sheet" not in p.name]
    assert len(sides) == 22  # 6 fill-in cards and 5 domain cards, front and back
    width, height = Image.open(sides[0]).size
    assert abs(width - 105 / 25.4 * 110) <= 1 and abs(height - 148 / 25.4 * 110) <= 1  # A6 at 110 dpi
    assert all(Image.open(p).size == (width, height) for p in sides)
    sheet = Image.open(next(p for p in pngs if "contact-sheet" in p.name)).convert("L")
    assert sheet.width > 3 * width and sheet.height > 3 * height
    assert ImageStat.Stat(sheet).stddev[0] > 20  # not blank: cards, colours and text


def test_large_print_previews_are_a5(tmp_path):
    result = run("preview", "--large-print", "--variant", "eenvoudig", "--out", str(tmp_path))
    assert result.exit_code == 0
    first = Path(result.output.split()[0])
    assert first.name.startswith("nl-eenvoudig-a5-01-")
    width, height = Image.open(first).size
    assert abs(width - 148 / 25.4 * 110) <= 1 and abs(height - 210 / 25.4 * 110) <= 1  # A5 at 110 dpi


def test_a_cycle_phase_no_stagnation_has_is_an_error_with_its_line(content_copy):
    """The cycle places each stagnation at its phase by name: a phase in another language than the
    stagnations' would leave every stagnation in the centre and the dots unlabelled."""
    guide = content_copy / "en" / "standaard" / "guide.yaml"
    text = guide.read_text(encoding="utf-8")
    line = 1 + text[:text.index("phases: [equilibrium,")].count("\n")
    guide.write_text(text.replace("phases: [equilibrium,", "phases: [evenwicht,"), encoding="utf-8")
    result = run("guide", "--language", "en", "--content", str(content_copy), "--out", str(content_copy / "o"))
    assert result.exit_code == 2
    assert f"guide.yaml:{line}: guide.cycle.phases[0]: phase 'evenwicht' is no stagnation's phase" in result.output
    assert "use one of: disruption, equilibrium, growth, process, reorientation" in result.output


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_printed_guide_marks_every_paragraph_of_advice_and_says_what_is_ours(lang, tmp_path):
    """What is ours is marked where it is read: a label above each paragraph of advice (from its
    `source:`), and the A–E mapping and the mechanism for B said to be our reading, in print."""
    cs = load_card_set(DEFAULT_CONTENT, lang, "standaard").model
    g = cs.guide
    result = run("guide", "--language", lang, "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    guide = next(Path(p) for p in result.output.split() if "-guide-" in p)
    text = pdf_text(guide)
    everything = [*g.intro, *(p for s in g.sections for p in s.paragraphs), *g.cycle.paragraphs, *g.table.paragraphs,
                  *g.prompts.paragraphs, *g.reflection.paragraphs]
    advice = [p for p in everything if p.advice]
    flat = squash(text)
    quoted = sum(squash(p.text).count(squash(g.advice_label)) for p in everything)  # the intro names the label
    assert len(advice) >= 3 and flat.count(squash(g.advice_label)) == len(advice) + quoted
    for p in advice:  # the label stands right above its paragraph
        assert squash(g.advice_label + p.text[:60]) in flat, p.text[:60]
    ours = [p for p in everything if p.source == "kaartgen"]
    assert any("3.2" in p.text for p in ours) and all(squash(p.text) in flat for p in ours)
    pages = PdfReader(guide).pages
    headings = {squash(s.heading) for s in g.sections} | {squash(g.cycle.heading), squash(g.table.heading),
                                                          squash(g.prompts.heading), squash(g.reflection.heading)}
    for page in pages[:-1]:  # no heading alone at the foot of a page
        lines = [squash(line) for line in page.extract_text().splitlines() if line.strip()]
        assert lines[-2] not in headings, lines[-3:]


@pytest.mark.parametrize(("old", "new", "problem"), [
    ("      paragraphs:\n        - source: \"hoofdstuk 5\"\n          text:", "      paragraphs:\n        - text:",
     "source: field required"),
    ("        - source: advies\n", "        - source: een idee van ons\n", "source: should match pattern"),
])
def test_a_guide_paragraph_without_a_known_source_is_a_lint_problem_with_its_line(content_copy, old, new, problem):
    guide = content_copy / "nl" / "standaard" / "guide.yaml"
    text = guide.read_text(encoding="utf-8")
    assert old in text
    guide.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = run("lint", "--content", str(content_copy))
    assert result.exit_code != 0
    assert f"{guide}:" in result.output and ".source" in result.output, result.output[-600:]


def test_the_reflectiekaart_asks_every_question_in_one_style_with_circles_for_one_choice(guide_files, tmp_path):
    digital = next(p for p in guide_files if p.name.endswith("-digital.pdf"))
    reader = PdfReader(digital)
    fields = reader.get_fields()
    assert {"reflectie.kaart3", "reflectie.uitkering", "reflectie.stagnatie", "reflectie.nut"} <= set(fields)
    states = {name: sorted(str(s) for s in fields[name].get("/_States_", [])) for name in ("reflectie.kaart3",
                                                                                           "reflectie.uitkering")}
    assert states["reflectie.kaart3"] == ["/a", "/b", "/c", "/d", "/e"]
    assert states["reflectie.uitkering"] == ["/anders", "/wajong", "/wga_35_80", "/wga_80_100", "/ziektewet"]
    widgets = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]
    radios = [w for w in widgets if w.get("/Parent") and w["/Parent"].get_object().get("/FT") == "/Btn"
              and w["/Parent"].get_object().get("/Ff", 0) & (1 << 15)]
    assert radios and all(str(w["/MK"].get("/CA", "")) == "l" for w in radios)  # ZapfDingbats' circle
    office = next(p for p in guide_files if p.name.endswith("-office.pdf"))
    text = pdf_text(office)
    for label in ("Keuze van de cliënt op kaart 3", "WGA 35-80", "WGA 80-100", "niet gevraagd"):
        assert label in text
