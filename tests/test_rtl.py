"""Right to left: the Arabic set as a reader and a machine see it. Text read from the PDF (pypdf,
pdfium and poppler's pdftotext) gives back the YAML's Arabic words, every letter right, in the order
they are read; a Latin name inside Arabic text stands in its place; the words of a line stand from
right to left on the page."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import unicodedata
from datetime import date, datetime
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from kaartgen.engine import Library
from kaartgen.model.builtin import DEFAULT_CONTENT
from kaartgen.model.loading import load_card_set
from kaartgen.model.text import CARD_VARIABLES, Personal, render
from tests.conftest import fill, run
from tests.test_pdfium_typing import flattened_text, type_into

GENERIC = {name: None for name in CARD_VARIABLES} | {"uwv_phone": "088 898 92 94"}  # a pack for no one in particular
ARABIC_WORD = re.compile(r"[\u0621-\u063A\u0641-\u064A\u0660-\u0669\u0671-\u06D3]+")


@pytest.fixture(scope="module")
def library() -> Library:
    return Library()


@pytest.fixture(scope="module")
def cards_pdf(library: Library, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rtl") / "ar-cards.pdf"
    path.write_bytes(library.edition("ar", "standaard", False, "cards").pack())
    return path


def words(text: str) -> list[str]:
    """The Arabic words of a text, in the order they come (bidi controls pdftotext adds dropped)."""
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return ARABIC_WORD.findall(text)


def contains(haystack: list[str], needle: list[str]) -> bool:
    return any(haystack[i:i + len(needle)] == needle for i in range(len(haystack) - len(needle) + 1))


def read_pypdf(pdf: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(pdf).pages]


def read_pdfium(pdf: Path) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]


def read_poppler(pdf: Path) -> list[str]:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed (apt-get install poppler-utils)")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1]


READERS = {"pypdf": read_pypdf, "pdfium": read_pdfium, "pdftotext": read_poppler}


def side_texts() -> list[list[str]]:
    """The heading and text blocks of every fill-in card side, as a generic pack prints them."""
    cs = load_card_set(DEFAULT_CONTENT, "ar", "standaard").model
    return [[render(b.text, GENERIC) for b in side.blocks if b.type in ("heading", "text")]
            for card in cs.cards for side in card.sides]


@pytest.mark.parametrize("reader", READERS)
def test_text_read_from_the_arabic_pdf_is_the_yaml_s_words_in_reading_order(cards_pdf: Path, reader: str) -> None:
    pages = READERS[reader](cards_pdf)
    expected = side_texts()
    assert len(pages) >= len(expected)
    checked = 0
    for page, texts in zip(pages, expected):
        found = words(page)
        for text in texts:
            wanted = words(text)
            assert wanted and contains(found, wanted), (reader, text, " ".join(found))
            checked += len(wanted)
    assert checked > 200


@pytest.mark.parametrize("reader", READERS)
def test_a_domain_card_reads_back_too(cards_pdf: Path, reader: str) -> None:
    cs = load_card_set(DEFAULT_CONTENT, "ar", "standaard").model
    pages = READERS[reader](cards_pdf)
    domain = cs.domains[0]
    back = words(pages[len(side_texts()) + 1])
    for text in [domain.title, *domain.questions]:
        assert contains(back, words(render(text, GENERIC))), (reader, text, " ".join(back))


@pytest.mark.parametrize("reader", READERS)
def test_a_latin_place_inside_arabic_text_stands_in_its_place(library: Library, tmp_path: Path, reader: str) -> None:
    personal = Personal(name="Zoë de Wit", professional="Jan Jansen", appointment=datetime(2026, 12, 3, 10, 30),
                        location="UWV Utrecht")
    pdf = tmp_path / "personal.pdf"
    pdf.write_bytes(library.edition("ar", "standaard", False, "cards").pack(personal))
    page = READERS[reader](pdf)[0]
    flat = " ".join("".join(c for c in page if unicodedata.category(c) != "Cf").split())
    assert contains(words(page), ["ستتحدث", "مع"]) and contains(words(page), ["موعد", "حديثك"]), flat
    if reader == "pdfium":  # pdfium reverses the words of a Latin run in a right-to-left line (its own bidi)
        assert {"UWV", "Utrecht", "Jan", "Jansen", "Zoë", "Wit"} <= set(re.findall(r"\w+", flat)), flat
        return
    assert "UWV Utrecht" in flat and "Jan Jansen" in flat and "Zoë de Wit" in flat, flat
    assert re.search(r"المكان\W*UWV Utrecht", flat) and re.search(r"مع\W*Jan Jansen", flat), flat


def test_the_words_of_a_line_stand_from_right_to_left(cards_pdf: Path) -> None:
    """pdfium's boxes: the first word of card 1's text stands right of the second, and both right
    of the line's Latin 'UWV', which comes after them in reading order."""
    page = pdfium.PdfDocument(cards_pdf)[0].get_textpage()
    text = page.get_text_range()
    first, second = text.index("سيكون"), text.index("لديك")
    uwv = text.index("UWV")

    def left(index: int) -> float:
        return float(page.get_charbox(index)[0])

    assert left(first) > left(second) > left(uwv)


def test_shaped_letters_join_and_carry_their_dots(cards_pdf: Path) -> None:
    """The base glyphs are text, the dots filled outlines: a letter whose joined form is a dotless
    skeleton plus dots (beh, teh, noon, yeh) still reads back as itself, and the page has paths."""
    document = pdfium.PdfDocument(cards_pdf)
    page = document[0]
    kinds = {obj.type for obj in page.get_objects()}
    assert pdfium.raw.FPDF_PAGEOBJ_PATH in kinds and pdfium.raw.FPDF_PAGEOBJ_TEXT in kinds
    text = page.get_textpage().get_text_range()
    for word in ("البطاقات", "تساعدك", "يمكنك", "بأفضل"):
        assert word in text, word
    assert not any("\ue000" <= c <= "\uf8ff" or "\ufb50" <= c <= "\ufeff" for c in text)


def test_the_same_arabic_pack_is_the_same_bytes(library: Library) -> None:
    one = library.edition("ar", "standaard", False, "office").pack()
    again = Library().edition("ar", "standaard", False, "office").pack()
    assert one == again
    assert io.BytesIO(one).getvalue().startswith(b"%PDF")


TYPED = {  # what a client typed into the Arabic fillable pack, with a Latin name and a line break
    "situatie.situatie": "أعمل ساعتين في اليوم في مخبز في أمستردام.\nأنا متعب كثيرا.",
    "verder.doel": "أريد أن أعمل ثلاثة أيام في الأسبوع مع José de Vries.",
    "belemmeringen.belemmerend.1": "الألم في ظهري",
}


@pytest.fixture(scope="module")
def filled(library: Library, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("filled")
    digital = folder / "ar-digital.pdf"
    digital.write_bytes(library.edition("ar", "standaard", False, "digital").pack())
    return fill(digital, folder / "ingevuld.pdf", TYPED)


def test_the_summary_of_an_arabic_pack_prints_the_answers_shaped_and_from_the_right(library: Library,
                                                                                   filled: Path) -> None:
    reading = library.read(filled, date(2026, 12, 6))
    assert reading.placeholders == 0
    document = pdfium.PdfDocument(reading.pdf)
    page = document[0].get_textpage()
    text = page.get_text_range()
    assert "[U+" not in text
    for answer in TYPED.values():
        for line in answer.splitlines():
            assert contains(words(text), words(line)), (line, text)
    assert {"José", "de", "Vries"} <= set(re.findall(r"\w+", text))  # pdfium reverses a Latin run's words
    # right-aligned, indented from the right: the answer ends one answer indent left of the card's title
    look = library.theme(False, "rtl").model.summary

    def right_end(word: str) -> float:
        """Where the line that holds `word` ends on the right."""
        at = text.index(word)
        start, end = text.rfind("\n", 0, at) + 1, text.find("\r", at)
        return max(float(page.get_charbox(i)[2]) for i in range(start, end))

    title, answer = right_end("كيف هو وضعي الحالي"), right_end("أعمل ساعتين")
    assert title > document[0].get_width() - look.margin - 10
    assert abs(title - answer - look.answer_indent) < 1.5, (title, answer)


@pytest.fixture(scope="module")
def digital(library: Library, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("digital") / "ar-digital.pdf"
    path.write_bytes(library.edition("ar", "standaard", False, "digital").pack())
    return path


def test_the_arabic_fillable_pdf_says_its_language_and_direction(digital: Path) -> None:
    root = PdfReader(digital).trailer["/Root"]
    assert root["/Lang"] == "ar"
    assert root["/ViewerPreferences"]["/Direction"] == "/R2L"
    assert root["/MarkInfo"]["/Marked"]


def test_arabic_fields_start_at_the_right_in_a_font_with_arabic_and_latin_letters(digital: Path) -> None:
    reader = PdfReader(digital)
    texts = [a.get_object() for p in reader.pages for a in p.get("/Annots", []) if a.get_object().get("/FT") == "/Tx"
             and not a.get_object().get("/Ff", 0) & 1]  # not the hidden, read-only reference
    assert len(texts) >= 10 and all(t.get("/Q") == 2 for t in texts)
    fonts = reader.trailer["/Root"]["/AcroForm"]["/DR"]["/Font"]
    font = fonts[texts[0]["/DA"].split()[0]].get_object()
    embedded = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]["/FontFile2"].get_data()
    cmap = TTFont(io.BytesIO(embedded)).getBestCmap()
    assert all(ord(c) in cmap for c in "أعمل في مخبز بكم" + "Zoë İstanbul Ĳ")
    dutch = PdfReader(io.BytesIO(Library().edition("nl", "standaard", False, "digital").pack()))
    assert not any("/Q" in a.get_object() for p in dutch.pages for a in p.get("/Annots", []))


def test_arabic_typed_in_pdfium_is_drawn_and_read_back_exactly(digital: Path, tmp_path: Path) -> None:
    typed = {"situatie.situatie": "أعمل في مخبز في Amsterdam\nمرحبا بكم", "verder.doel": "أريد أن أعمل، José."}
    pdf = tmp_path / "getypt.pdf"
    type_into(digital, pdf, typed)
    shown = flattened_text(pdf)
    for text in typed.values():
        for line in text.splitlines():
            assert contains(words(shown), words(line)), (line, shown)
    result = run("read", str(pdf), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    summary = json.loads(next((tmp_path / "out").glob("*.json")).read_text(encoding="utf-8"))
    answers = {a["field"]: a["answer"] for card in summary["cards"] for a in card["answers"] if "answer" in a}
    assert answers["situatie.situatie"] == typed["situatie.situatie"]
    assert answers["verder.doel"] == typed["verder.doel"]


def test_the_arabic_letter_keeps_the_address_at_the_left_of_the_window_and_sets_its_text_from_the_right(
        tmp_path: Path) -> None:
    clients = tmp_path / "clients.csv"
    clients.write_text("id,name,street,postcode,city,professional,appointment,location,language\n"
                       "C1,Fatima El Idrissi,Kerkstraat 12,3511 LK,Utrecht,Jan Jansen,2026-12-03T10:30,UWV Utrecht,ar\n",
                       encoding="utf-8")
    result = run("batch", str(clients), "--out", str(tmp_path / "out"), "--jobs", "1", "--date", "2026-11-23")
    assert result.exit_code == 0, result.output
    page = pdfium.PdfDocument(tmp_path / "out" / "C1.pdf")[0]
    text = page.get_textpage()
    found = text.get_text_range()
    look = Library().theme(False, "rtl").model.letter
    name = found.rindex("Fatima")  # the address is drawn last; the greeting names her too
    assert abs(text.get_charbox(name)[0] - (look.window.left + look.window.inset)) < 1.5
    assert abs(text.get_charbox(found.rindex("3511"))[0] - (look.window.left + look.window.inset)) < 1.5
    greeting = found.index("عزيزي")
    right_edge = look.page[0] - look.right
    assert abs(max(text.get_charbox(i)[2] for i in range(greeting, greeting + 5)) - right_edge) < 2
    assert contains(words(found), ["هل", "لديك", "أسئلة"]) and contains(words(found), ["مع", "أطيب", "التحيات"])


def test_a_list_s_language_column_takes_the_languages_names_as_well_as_their_codes(tmp_path: Path) -> None:
    from kaartgen.engine.batch import read_list
    from kaartgen.model.clients import Client

    given = ["Türkçe", "turks", "Turkish", "Polski", "Pools", "POLISH", "العربية", "Arabisch", "arabic", "ar", "TR",
             "Nederlands", "", "Klingon"]
    clients = tmp_path / "klanten.csv"
    clients.write_text("klantnummer,naam,straat,postcode,woonplaats,taal\n" + "".join(
        f"K{i},Klant {i},Weg {i},1000 AB,Zwolle,{taal}\n" for i, taal in enumerate(given)), encoding="utf-8")
    _, rows = read_list(clients, Library())
    found = [row.language if isinstance(row, Client) else [e.field for e in row] for row in rows]
    assert found == ["tr"] * 3 + ["pl"] * 3 + ["ar"] * 4 + ["tr", "nl", "nl", ["language"]]


def test_the_cli_s_language_option_names_the_languages_present() -> None:
    result = run("build", "--help")
    assert result.exit_code == 0
    flat = " ".join(result.output.split())
    assert "nl (Nederlands), en (English), tr (Türkçe), pl (Polski), ar (العربية)" in flat
