"""Print shop (bleed, CMYK, boxes), digital (fillable fields, read back), HTML (labelled controls)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader, PdfWriter

from tests.conftest import build_pack, run
from tests.test_fonts import fonts_of

A6 = (297.64, 419.53)
BLEED = 3 * 72 / 25.4


@pytest.fixture(scope="module")
def shop_pdf(tmp_path_factory):
    return build_pack(tmp_path_factory.mktemp("shop"), "--format", "shop")


@pytest.fixture(scope="module")
def digital_pdf(tmp_path_factory):
    return build_pack(tmp_path_factory.mktemp("digital"), "--format", "digital")


def size(box):
    return round(float(box.width), 2), round(float(box.height), 2)


def test_shop_pages_have_trim_a6_and_bleed_3mm(shop_pdf):
    pages = PdfReader(shop_pdf).pages
    assert len(pages) == 22  # a front and a back page for each of the 11 cards, blank backs included
    for page in pages:
        assert size(page.trimbox) == A6
        assert size(page.bleedbox) == (round(A6[0] + 2 * BLEED, 2), round(A6[1] + 2 * BLEED, 2))
        assert float(page.trimbox.left) - float(page.bleedbox.left) == pytest.approx(BLEED)


def test_crop_marks_sit_outside_the_bleed(tmp_path):
    pdf = build_pack(tmp_path, "--format", "shop", "--crop-marks")
    page = PdfReader(pdf).pages[0]
    assert float(page.mediabox.width) > float(page.bleedbox.width)
    assert re.search(rb"(^|\s)1 1 1 1 K", page.get_contents().get_data())  # registration colour on every plate


def test_shop_uses_cmyk_only_and_embedded_fonts_and_no_fields(shop_pdf):
    reader = PdfReader(shop_pdf)
    for page in reader.pages:
        ops = page.get_contents().get_data()
        assert not re.search(rb"(^|\s)[\d.]+\s+[\d.]+\s+[\d.]+\s+(rg|RG)(\s|$)", ops)
        assert b"/DeviceRGB" not in ops
    fonts = fonts_of(shop_pdf)
    assert fonts and all(fonts.values())
    assert not any(name.lstrip("/") in ("Helvetica", "Times-Roman", "Courier", "ZapfDingbats") for name in fonts)
    assert "/AcroForm" not in reader.trailer["/Root"]


def test_digital_fields_have_stable_names_and_types(digital_pdf):
    fields = PdfReader(digital_pdf).get_fields()
    assert fields["situatie.situatie"]["/FT"] == "/Tx"
    assert int(fields["situatie.situatie"].get("/Ff", 0)) & (1 << 12)  # multiline
    assert "/MaxLen" not in fields["situatie.situatie"]
    assert fields["beeld.beschrijving"]["/FT"] == "/Btn"
    assert set(fields["beeld.beschrijving"]["/_States_"]) == {"/A", "/B", "/C", "/D", "/E"}
    assert set(fields["situatie.verloop"]["/_States_"]) == {"/verbeterd", "/gelijk", "/verslechterd"}
    for domain in ("gezondheid", "geldzaken", "familie", "omgeving", "werk"):
        assert fields[f"belemmeringen.belemmerend.{domain}"]["/FT"] == "/Btn"
        assert fields[f"helpers.helpend.{domain}"]["/FT"] == "/Btn"
    for name in ("belemmeringen.belemmerend.1", "helpers.helpend.3", "verder.doel", "verder.eerste_stap", "verder.hulp"):
        assert fields[name]["/FT"] == "/Tx"


def test_digital_tab_order_follows_reading_order(digital_pdf):
    reader = PdfReader(digital_pdf)
    names = [a.get_object().get("/T") or a.get_object()["/Parent"].get_object()["/T"]
             for page in reader.pages for a in page.get("/Annots", [])]
    firsts = list(dict.fromkeys(names))
    assert firsts.index("situatie.situatie") < firsts.index("situatie.verloop") < firsts.index("beeld.beschrijving")
    assert firsts.index("belemmeringen.belemmerend.werk") < firsts.index("belemmeringen.belemmerend.1")


FILLED_TEXT = "Ik ben <b>moe</b> & {{ 7*7 }}\nnieuwe regel"


def fill(digital_pdf, dest):
    writer = PdfWriter(clone_from=PdfReader(digital_pdf))
    values = {"situatie.situatie": FILLED_TEXT, "verder.doel": "Weer werken, 20 uur",
              "belemmeringen.belemmerend.1": "mijn rug", "belemmeringen.belemmerend.gezondheid": "/Yes",
              "beeld.beschrijving": "/C", "situatie.verloop": "/gelijk"}
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    writer.write(dest)
    return dest


def test_read_returns_exactly_what_was_filled(digital_pdf, tmp_path):
    filled = fill(digital_pdf, tmp_path / "filled.pdf")
    result = run("read", str(filled), "--json", "--out", str(tmp_path / "sum"))
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    answers = {a["field"]: a for card in summary["cards"] for a in card["answers"]}
    assert answers["situatie.situatie"]["answer"] == FILLED_TEXT
    assert answers["situatie.verloop"]["answer"] == "niet veranderd"
    assert answers["beeld.beschrijving"]["stagnation"] == "geremd in groei"
    assert answers["beeld.beschrijving"]["mechanism"] == "bronnen bieden om steunsysteem te bouwen"
    assert answers["belemmeringen.belemmerend"]["ticked"] == ["gezondheid"]
    assert answers["belemmeringen.belemmerend"]["notes"] == ["mijn rug", "", ""]
    assert answers["helpers.helpend"]["ticked"] == []
    assert answers["verder.doel"]["answer"] == "Weer werken, 20 uur"
    assert answers["verder.hulp"]["answer"] == ""
    summary_pdf = tmp_path / "sum" / "filled-summary.pdf"
    text = "".join(p.extract_text() for p in PdfReader(summary_pdf).pages)
    assert "Ik ben <b>moe</b> & {{ 7*7 }}" in text and "(niet ingevuld)" in text and "geremd in groei" in text
    assert len(PdfReader(summary_pdf).pages) == 1


@pytest.mark.parametrize("content, message", [
    (b"this is not a pdf at all", "not a readable"),
    (b"%PDF-1.4\n%garbage\n1 0 obj << /Type /Catalog", "not a readable kaartgen pack"),
])
def test_read_refuses_junk_cleanly(tmp_path, content, message):
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(content)
    result = run("read", str(junk), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_read_refuses_encrypted_and_foreign_pdfs(digital_pdf, tmp_path):
    writer = PdfWriter(clone_from=PdfReader(digital_pdf))
    writer.encrypt("geheim")
    writer.write(tmp_path / "locked.pdf")
    result = run("read", str(tmp_path / "locked.pdf"), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "encrypted" in result.output
    foreign = PdfWriter()
    foreign.add_blank_page(100, 100)
    foreign.write(tmp_path / "foreign.pdf")
    result = run("read", str(tmp_path / "foreign.pdf"), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "not a kaartgen pack" in result.output


class Controls(HTMLParser):
    """Collects form controls, labels, fieldsets, headings and outside references."""

    def __init__(self):
        super().__init__()
        self.controls, self.label_for, self.headings, self.outside = [], set(), [], []
        self.open_labels = 0
        self.fieldsets = self.legends = 0
        self.lang = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "label":
            self.open_labels += 1
            if "for" in a:
                self.label_for.add(a["for"])
        if tag in ("input", "textarea", "select") and a.get("type") != "hidden":
            self.controls.append((tag, a, self.open_labels > 0))
        if tag == "fieldset":
            self.fieldsets += 1
        if tag == "legend":
            self.legends += 1
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        for key in ("src", "href"):
            if key in a and not a[key].startswith(("data:", "#")):
                self.outside.append(a[key])

    def handle_endtag(self, tag):
        if tag == "label":
            self.open_labels -= 1


def test_html_pack_is_self_contained_and_every_control_has_a_label(tmp_path):
    (page,) = [build_pack(tmp_path, "--format", "html", "--name", "<b>Zoë</b>")]
    html = page.read_text(encoding="utf-8")
    parser = Controls()
    parser.feed(html)
    assert parser.lang == "nl"
    assert not parser.outside
    assert parser.controls
    for _, attrs, wrapped in parser.controls:
        assert wrapped or attrs.get("id") in parser.label_for, attrs
    assert parser.fieldsets == 4 and parser.fieldsets == parser.legends  # verloop, A–E, two domain choices
    assert parser.headings[0] == 1 and all(b - a <= 1 for a, b in zip(parser.headings, parser.headings[1:]))
    assert "&lt;b&gt;Zoë&lt;/b&gt;" in html and "<b>Zoë</b>" not in html
    assert "@media print" in html and 'name="viewport"' in html


def test_answers_saved_by_the_html_pack_are_read_back(tmp_path):
    saved = tmp_path / "kaartgen-answers.json"
    saved.write_text(json.dumps({"kaartgen": "answers", "set": "nl/eenvoudig", "answers": {
        "beeld.beschrijving": "B", "helpers.helpend.familie": True, "helpers.helpend.1": "mijn zus"}}), encoding="utf-8")
    result = run("read", str(saved), "--json", "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    answers = {a["field"]: a for c in json.loads(result.output)["cards"] for a in c["answers"]}
    assert answers["beeld.beschrijving"]["stagnation"] == "vastzittend in evenwicht"
    assert answers["helpers.helpend"]["ticked"] == ["familie en vrienden"]
    assert answers["helpers.helpend"]["notes"][0] == "mijn zus"
