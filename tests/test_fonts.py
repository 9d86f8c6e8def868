"""Fonts are embedded as subsets; missing characters come from the fallback or stop the build."""

from __future__ import annotations

from pypdf import PdfReader

from tests.conftest import pdf_text, run


def fonts_of(path):
    found = {}
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant.get("/FontDescriptor")
            embedded = descriptor is not None and any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font["/BaseFont"])] = embedded
    return found


def test_all_fonts_are_embedded_subsets_of_atkinson_hyperlegible(office_pdf):
    fonts = fonts_of(office_pdf)
    assert fonts and all(fonts.values()), fonts
    assert all("+" in name for name in fonts), "subset fonts carry a tag prefix"
    assert any("AtkinsonHyperlegible-Bold" in n for n in fonts)
    assert any("AtkinsonHyperlegible-Regular" in n for n in fonts)
    assert not any("Helvetica" in n or "Times" in n for n in fonts)


def test_turkish_and_dutch_capitals_use_the_fallback_font(personal_pdf):
    assert "İlknur" in pdf_text(personal_pdf)
    assert "Ĳsbrand" in pdf_text(personal_pdf)
    fonts = fonts_of(personal_pdf)
    assert any("NotoSans" in n for n in fonts) and all(fonts.values())


def test_a_character_no_font_has_is_an_error_naming_it(tmp_path):
    result = run("build", "--out", str(tmp_path), "--name", "Ank \U00013000")
    assert result.exit_code == 2
    assert "U+13000" in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_dutch_ij_is_drawn_in_the_main_face_and_extracts_as_typed(tmp_path):
    result = run("build", "--format", "cards", "--out", str(tmp_path), "--name", "Ĳsbrand ĳzerman")
    assert result.exit_code == 0, result.output
    pdf = next(tmp_path.glob("*.pdf"))
    assert "Ĳsbrand ĳzerman" in pdf_text(pdf)
    fonts = fonts_of(pdf)
    assert not any("NotoSans" in n for n in fonts), fonts  # no fallback face: I and J of Atkinson
    assert any("AtkinsonHyperlegible-Bold" in n for n in fonts) and all(fonts.values())
