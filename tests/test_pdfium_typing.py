"""The fillable PDF typed in the way Chrome and Edge type in it: PDFium's own form filler makes the
appearance of what the client types, so these tests click into a field, type key by key, save,
and then look at what PDFium drew and what `kaartgen read` gets back."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader
from pypdfium2 import raw

from tests.conftest import run

TYPED = {
    "situatie.situatie": "İstanbul, Ĳsselmeer, Zoë, € 12",
    "belemmeringen.belemmerend.1": "Ωμέγα Жж ĳs",
    "verder.doel": "Weer werken 😀 مرحبا\nregel twee",
}


def type_into(pdf: Path, dest: Path, values: dict[str, str]) -> None:
    """Click each field's middle and type its value as key presses (UTF-16 units, as a viewer sends them)."""
    where = {}
    for number, page in enumerate(PdfReader(pdf).pages):
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            if annot.get("/T") in values:
                x0, y0, x1, y1 = (float(v) for v in annot["/Rect"])
                where[annot["/T"]] = (number, (x0 + x1) / 2, (y0 + y1) / 2)
    assert set(where) == set(values)
    document = pdfium.PdfDocument(pdf)
    document.init_forms()
    env = document.formenv.raw
    for name, text in values.items():
        number, x, y = where[name]
        page = document[number]
        raw.FORM_OnLButtonDown(env, page.raw, 0, x, y)
        raw.FORM_OnLButtonUp(env, page.raw, 0, x, y)
        units = text.replace("\n", "\r").encode("utf-16-le")
        for i in range(0, len(units), 2):
            raw.FORM_OnChar(env, page.raw, int.from_bytes(units[i:i + 2], "little"), 0)
        raw.FORM_ForceToKillFocus(env)
    document.save(dest)


def flattened_text(pdf: Path) -> str:
    """The page text after PDFium flattens the fields into the page: what its appearances show."""
    document = pdfium.PdfDocument(pdf)
    for page in document:
        raw.FPDFPage_Flatten(page.raw, raw.FLAT_NORMALDISPLAY)
    buffer = io.BytesIO()
    document.save(buffer)
    return "\n".join(p.get_textpage().get_text_bounded() for p in pdfium.PdfDocument(buffer.getvalue()))


@pytest.fixture(scope="module")
def typed(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("typed")
    result = run("build", "--format", "digital", "--reference", "K-7", "--out", str(out))
    assert result.exit_code == 0, result.output
    type_into(Path(result.output.split()[-1]), out / "typed.pdf", TYPED)
    return out / "typed.pdf"


def test_text_fields_show_typed_text_in_an_embedded_unicode_font(tmp_path):
    """The fields name a Type0 font embedded whole, not the viewer's WinAnsi Helvetica."""
    result = run("build", "--format", "digital", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    reader = PdfReader(result.output.split()[-1])
    form = reader.trailer["/Root"]["/AcroForm"]
    fonts = form["/DR"]["/Font"]
    texts = [a.get_object() for p in reader.pages for a in p.get("/Annots", []) if a.get_object().get("/FT") == "/Tx"]
    assert texts
    for field in texts:
        alias, size = field["/DA"].split()[:2]
        assert alias in fonts and float(size) >= (1 if field.get("/Ff", 0) & 1 else 11)
        font = fonts[alias].get_object()
        assert font["/Subtype"] == "/Type0" and font["/Encoding"] == "/Identity-H"
        cid = font["/DescendantFonts"][0].get_object()
        assert "/FontFile2" in cid["/FontDescriptor"] and "/ToUnicode" in font


def test_what_is_typed_in_pdfium_is_drawn_with_every_letter(typed):
    shown = flattened_text(typed)
    for text in ("İstanbul, Ĳsselmeer, Zoë, € 12", "Ωμέγα Жж ĳs"):
        assert text in shown


def test_a_field_with_only_turkish_and_dutch_capitals_is_not_blank(tmp_path, typed):
    """Before, PDFium drew İ and Ĳ as nothing: a field holding only them looked empty."""
    pdf = tmp_path / "caps.pdf"
    type_into(typed, pdf, {"situatie.situatie": "İĲİĲ"})
    reader = PdfReader(pdf)
    page_no, rect = next((n, [float(v) for v in a.get_object()["/Rect"]]) for n, p in enumerate(reader.pages)
                         for a in p.get("/Annots", []) if a.get_object().get("/T") == "situatie.situatie")
    page = pdfium.PdfDocument(pdf)
    page.init_forms()
    image = page[page_no].render(scale=2, may_draw_forms=True).to_pil().convert("L")
    height = float(reader.pages[page_no].mediabox.height)
    first_line = image.crop((int(rect[0] * 2), int((height - rect[3]) * 2), int(rect[2] * 2), int((height - rect[3] + 20) * 2)))
    dark = first_line.histogram()[:128]
    dark = sum(dark)
    assert dark > 150, dark


def test_what_is_typed_in_pdfium_is_read_back_exactly(typed, tmp_path):
    result = run("read", str(typed), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "samenvatting-K-7.json").read_text(encoding="utf-8"))
    answers = {a["field"]: a for card in summary["cards"] for a in card["answers"]}
    assert answers["situatie.situatie"]["answer"] == TYPED["situatie.situatie"]
    assert answers["belemmeringen.belemmerend"]["notes"][0] == TYPED["belemmeringen.belemmerend.1"]
    assert answers["verder.doel"]["answer"] == TYPED["verder.doel"]  # emoji, Arabic and the line break too
