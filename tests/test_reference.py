"""The pack reference and the round trips of a client's answers: never mix up two clients, never
lose an answer (a character no font has is a placeholder in the PDF, never a failure)."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from kaartgen.engine.edition import Library
from kaartgen.model.builtin import DEFAULT_CONTENT, DEFAULT_TEMPLATES
from tests.conftest import fill, pdf_text, run, squash


@pytest.fixture(scope="module")
def library() -> Library:
    return Library(DEFAULT_CONTENT, DEFAULT_TEMPLATES)


def build(out: Path, *args: str) -> Path:
    result = run("build", "--out", str(out), *args)
    assert result.exit_code == 0, result.output
    return Path(result.output.split()[-1])


def test_the_reference_is_on_card_one_and_in_the_digital_pack_not_in_its_metadata(tmp_path):
    pdf = build(tmp_path, "--format", "digital", "--reference", "K-0042", "--name", "Zoë")
    reader = PdfReader(pdf)
    assert "kenmerk K-0042 · 1/6" in reader.pages[0].extract_text()
    assert "K-0042" not in reader.pages[1].extract_text()
    assert reader.get_fields()["kaartgen.reference"]["/V"] == "K-0042"
    assert "K-0042" not in str(reader.metadata) and pdf.name == "kaartgen-nl-standaard-a6-digital-K-0042.pdf"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_longest_reference_fits_card_1_s_foot_and_a_short_one_keeps_the_title(tmp_path, language):
    for reference, title in (("ABCDEFGHIJKLMNOPQRSTUVWX", False), ("K-42", True)):
        result = run("build", "--out", str(tmp_path), "--language", language, "--format", "digital",
                     "--reference", reference)
        assert result.exit_code == 0, result.output
        pdf = next(tmp_path.glob(f"*-{reference}.pdf"))
        text = PdfReader(pdf).pages[0].extract_text()
        assert f"{reference} · 1/6" in text
        assert (("nieuw verhaal" if language == "nl" else "new story") in text) == title, text


def test_a_reference_that_could_be_a_name_is_refused(tmp_path):
    result = run("build", "--out", str(tmp_path), "--reference", "Zoë de Wit")
    assert result.exit_code == 2 and "--reference: may hold letters, digits" in result.stderr
    assert not list(tmp_path.iterdir())


def test_a_batch_gives_each_pack_its_client_id_as_reference(tmp_path):
    clients = tmp_path / "c.csv"
    clients.write_text("id,name,street,postcode,city\nA-17,Anna,Weg 1,1000 AB,Zwolle\nB-18,Bram,Weg 2,1000 AB,Zwolle\n")
    result = run("batch", str(clients), "--out", str(tmp_path / "out"), "--date", "2026-11-23", "--jobs", "1")
    assert result.exit_code == 0, result.output
    for cid in ("A-17", "B-18"):
        pages = PdfReader(tmp_path / "out" / f"{cid}.pdf").pages
        assert any(f"kenmerk {cid} · 1/6" in p.extract_text() for p in pages)


def test_a_filled_pack_is_read_into_a_summary_named_after_its_reference(tmp_path):
    pdf = build(tmp_path / "pack", "--format", "digital", "--reference", "K-0042")
    answer = "Ik ben moe.\nNieuwe regel: <b>vet</b> & {{ 7*7 }} İ Ĳ ë €"
    filled = fill(pdf, tmp_path / "ingevuld.pdf", {"verder.doel": answer})
    result = run("read", str(filled), "--out", str(tmp_path / "s"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == ["samenvatting-K-0042.json", "samenvatting-K-0042.pdf"]
    summary = json.loads((tmp_path / "s" / "samenvatting-K-0042.json").read_text(encoding="utf-8"))
    assert summary["reference"] == "K-0042" and len(summary["read"]) == 10
    goals = {a["field"]: a["answer"] for c in summary["cards"] for a in c["answers"] if "answer" in a}
    assert goals["verder.doel"] == answer
    text = pdf_text(tmp_path / "s" / "samenvatting-K-0042.pdf")
    assert "kenmerk K-0042" in text and "gelezen op" in text
    assert "Ik ben moe.\nNieuwe regel:" in text  # the line break kept
    assert squash("<b>vet</b> & {{ 7*7 }} İ Ĳ ë €") in squash(text)


def test_characters_no_font_has_are_a_visible_placeholder_and_the_summary_is_still_made(tmp_path):
    saved = tmp_path / "antwoorden-K-1.json"
    saved.write_text(json.dumps({"kaartgen": "answers", "set": "nl/standaard", "reference": "K-1",
                                 "answers": {"verder.doel": "Weer werken 😀", "situatie.situatie": "مرحبا"}}),
                     encoding="utf-8")
    result = run("read", str(saved), "--out", str(tmp_path / "s"))
    assert result.exit_code == 0, result.output
    assert result.stderr.count("no font") == 1
    text = pdf_text(tmp_path / "s" / "samenvatting-K-1.pdf")
    assert "Weer werken [U+1F600]" in text and "[U+0645][U+0631]" in text
    summary = json.loads((tmp_path / "s" / "samenvatting-K-1.json").read_text(encoding="utf-8"))
    assert "Weer werken 😀" in json.dumps(summary, ensure_ascii=False)


def test_two_clients_web_pages_save_under_different_names(tmp_path):
    pages = [build(tmp_path / ref, "--format", "html", "--reference", ref).read_text(encoding="utf-8")
             for ref in ("K-1", "K-2")]
    assert 'link.download = "antwoorden-K-1.json"' in pages[0]
    assert 'link.download = "antwoorden-K-2.json"' in pages[1]
    english = build(tmp_path / "en", "--format", "html", "--language", "en", "--reference", "K-3")
    assert 'link.download = "answers-K-3.json"' in english.read_text(encoding="utf-8")


def test_large_print_makes_the_web_page_large(tmp_path):
    normal = build(tmp_path / "n", "--format", "html").read_text(encoding="utf-8")
    large = build(tmp_path / "l", "--format", "html", "--large-print").read_text(encoding="utf-8")
    assert "font-size: 13.5pt" in normal and "font-size: 18pt" in large


def test_every_answer_has_its_own_question_in_summary_fields_and_web_page(tmp_path, library):
    from kaartgen.model.answers import answer_names

    for language, variant in (("nl", "standaard"), ("nl", "eenvoudig"), ("en", "standaard"), ("en", "eenvoudig")):
        saved = tmp_path / f"{language}-{variant}.json"
        names = answer_names(library.card_set(language, variant).model)
        saved.write_text(json.dumps({"kaartgen": "answers", "set": f"{language}/{variant}",
                                     "answers": {n: "" for n in names}}))
        summary = library.read(saved, date(2026, 11, 23)).summary
        for card in summary["cards"]:
            asked = [a["question"] for a in card["answers"]]
            assert len(asked) == len(set(asked)), (card["card"], asked)
    digital = library.edition("nl", "standaard", False, "digital").pack()
    fields = PdfReader(io.BytesIO(digital)).get_fields()
    assert fields["situatie.verloop_waarom"]["/TU"] == "Waar komt dat door?"
    assert fields["beeld.beschrijving"]["/TU"] == "Hoe zie ik mijn situatie?"  # the question, not option A
    assert set(fields) == answer_names(library.card_set("nl", "standaard").model)


def test_more_ticked_domains_than_the_card_asks_for_are_flagged(tmp_path, library):
    domains = [d.id for d in library.card_set("nl", "standaard").model.domains][:4]
    ticks = {f"belemmeringen.belemmerend.{d}": True for d in domains}
    saved = tmp_path / "a.json"
    saved.write_text(json.dumps({"kaartgen": "answers", "set": "nl/standaard", "answers": ticks}))
    result = run("read", str(saved), "--out", str(tmp_path / "s"), "--json")
    assert result.exit_code == 0, result.output
    item = next(a for c in json.loads(result.stdout)["cards"] for a in c["answers"] if a["field"] == "belemmeringen.belemmerend")
    assert item["too_many"] == "4 aangekruist; de kaart vraagt er maximaal 3"
    assert "4 aangekruist; de kaart vraagt er maximaal 3" in pdf_text(tmp_path / "s" / "a-summary.pdf")


def test_the_digital_reflectiekaart_is_read_into_its_own_summary(tmp_path):
    result = run("guide", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    filled = fill(tmp_path / "kaartgen-reflection-nl-standaard-digital.pdf", tmp_path / "reflectie.pdf",
                  {"reflectie.observaties": "Cliënt was open.\nTweede regel", "reflectie.stagnatie": "/herorientatie",
                   "reflectie.kaart3": "/a"})
    states = PdfReader(filled).get_fields()["reflectie.stagnatie"]["/_States_"]
    assert all(s.isascii() for s in states)  # a PDF name in ASCII: every viewer writes back the same bytes
    result = run("read", str(filled), "--out", str(tmp_path / "s"), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["of"] == "reflection" and [c["card"] for c in summary["cards"]] == ["reflectie"]
    answers = {a["field"]: a["answer"] for a in summary["cards"][0]["answers"] if "answer" in a}
    assert answers["reflectie.observaties"] == "Cliënt was open.\nTweede regel"
    assert answers["reflectie.stagnatie"] == "verdwaald in heroriëntatie" and answers["reflectie.kaart3"] == "A"


def test_an_office_pack_or_the_guide_is_exit_2_saying_which_file_is_read(tmp_path):
    for args in (("build", "--out", str(tmp_path)), ("guide", "--out", str(tmp_path))):
        assert run(*args).exit_code == 0
    for name in ("kaartgen-nl-standaard-a6-office.pdf", "kaartgen-guide-nl-standaard.pdf"):
        result = run("read", str(tmp_path / name), "--out", str(tmp_path / "s"))
        assert result.exit_code == 2, name
        assert "reads the fillable pack (PDF) or the answers saved" in result.stderr
        assert "EOF" not in result.stderr and "pypdf" not in result.stderr


def test_the_fillable_pack_has_boxes_to_type_in_and_fields_that_look_like_what_is_printed(library):
    from kaartgen.layout.items import Field, Frame, Rule
    from kaartgen.render.fields import for_typing

    edition = library.edition("nl", "standaard", False, "digital")
    side = edition.generic[1].sides[1]  # card 2's back: a choice and a write-in area
    typed = for_typing(side.items, edition.theme)
    assert not any(isinstance(i, Rule) and i.writing for i in typed)
    frames = [i.rect for i in typed if isinstance(i, Frame)]
    for field in (i for i in typed if isinstance(i, Field) and i.kind == "text"):
        assert any(f.x < field.rect.x and f.y < field.rect.y and f.x + f.w > field.rect.x + field.rect.w
                   and f.y + f.h > field.rect.y + field.rect.h for f in frames), field.name
    assert any(isinstance(i, Rule) and i.writing for i in side.items)  # print keeps the lines for a pen
    fields = PdfReader(io.BytesIO(edition.pack())).get_fields()
    box = fields["belemmeringen.belemmerend.gezondheid"].indirect_reference.get_object()
    assert box["/MK"]["/CA"] == "4"  # several may be ticked: a check mark in a square, like the print
    for one_of in ("situatie.verloop", "beeld.beschrijving"):  # one only: a dot in a circle, like the print
        assert all(k.get_object()["/MK"]["/CA"] == "l" for k in fields[one_of]["/Kids"])
    assert float(fields["verder.doel"].indirect_reference.get_object()["/DA"].split()[1]) >= 11  # 11 pt or more


def test_instructions_are_worded_for_a_screen_in_the_fillable_pack_and_web_page(library):
    office = "".join(p.extract_text() for p in PdfReader(io.BytesIO(library.edition("nl", "standaard", False, "office").pack())).pages)
    digital = PdfReader(io.BytesIO(library.edition("nl", "standaard", False, "digital").pack())).pages[4].extract_text()  # card 3's front
    page = library.edition("nl", "standaard", False, "html").pack().decode("utf-8")
    assert "Omcirkelofmarkeer" in squash(office)
    assert "Omcirkel" not in digital and "Kies de beschrijving hieronder" in digital
    assert "Omcirkel" not in page and "Kies de beschrijving hieronder" in page


def test_a_screen_text_that_does_not_fit_is_a_lint_error(content_copy):
    cards = content_copy / "nl" / "standaard" / "cards.yaml"
    text = cards.read_text(encoding="utf-8")
    cards.write_text(text.replace("screen: Kies de beschrijving hieronder die het best past bij uw situatie.",
                                  "screen: " + "Kies de beschrijving die het best past. " * 40), encoding="utf-8")
    result = run("lint", "--content", str(content_copy))
    assert result.exit_code == 1 and "cards.yaml:" in result.output and "does not fit" in result.output


def test_a_wrong_variable_in_a_summary_text_is_a_lint_error_with_its_line(content_copy):
    set_yaml = content_copy / "nl" / "standaard" / "set.yaml"
    set_yaml.write_text(set_yaml.read_text(encoding="utf-8").replace('too_many: "{{ count }}', 'too_many: "{{ aantal }}'),
                        encoding="utf-8")
    result = run("lint", "--content", str(content_copy))
    assert result.exit_code == 1
    assert "set.yaml:" in result.output and "info.summary.too_many: unknown variable aantal" in result.output


def test_a_card_whose_label_uses_a_client_value_is_laid_out_for_each_client(content_copy, tmp_path):
    cards = content_copy / "nl" / "standaard" / "cards.yaml"
    text = cards.read_text(encoding="utf-8")
    cards.write_text(text.replace("label: wat is mijn doel voor de lange termijn?",
                                  "label: wat is het doel van {% if name %}{{ name }}{% else %}u{% endif %} voor de lange termijn?"), encoding="utf-8")
    library = Library(content_copy, DEFAULT_TEMPLATES)
    from kaartgen.engine import PackOptions

    pack = library.edition("nl", "standaard", False, "office").pack(PackOptions.parse(name="Zoë Ĳzerman").personal)
    assert "wat is het doel van Zoë Ĳzerman" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(pack)).pages)
