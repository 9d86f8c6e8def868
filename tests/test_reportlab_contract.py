"""The contract with reportlab's private parts: every one kaartgen uses is behind the adapter
(kaartgen/reportlab_internals.py), each of its doors does what kaartgen needs from the installed
reportlab, and no other module reaches past it. An upgrade that moves one fails here, not in a
print run."""

from __future__ import annotations

import ast
import io
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFObjectReference, PDFString, xObjectName
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate

from kaartgen import reportlab_internals as rl
from kaartgen.fonts import Fonts
from kaartgen.model.builtin import DEFAULT_TEMPLATES
from kaartgen.model.loading import load_theme

PACKAGE = Path(rl.__file__).resolve().parent


def saved(canvas: Canvas, buffer: io.BytesIO) -> PdfReader:
    canvas.save()
    return PdfReader(io.BytesIO(buffer.getvalue()))


def test_operators_catalog_and_page_entries_land_in_the_file():
    buffer = io.BytesIO()
    c = Canvas(buffer, invariant=1)
    assert not rl.page_has_content(c)
    rl.emit(c, "/P <</MCID 0>> BDC")
    c.drawString(10, 10, "tekst")
    rl.emit(c, "EMC")
    assert rl.page_has_content(c)
    c.acroForm.textfield(name="veld", x=10, y=50, width=50, height=20)
    annotation = rl.last_annotation_name(c)
    c.showPage()
    page = rl.pages(c)[0]
    rl.set_page(page, StructParents=0, Tabs=PDFName("S"))
    rl.named_object(c, annotation)["StructParent"] = 1
    rl.set_catalog(c, Lang=PDFString("nl"), OutputIntents=PDFArray([PDFDictionary({"S": PDFName("GTS_PDFX")})]),
                   MarkInfo=PDFDictionary({"Marked": "true"}))
    c.setTitle("Titel")
    assert rl.document_title(c) == "Titel"
    assert callable(rl.document(c).Reference)
    reader = saved(c, buffer)
    content = reader.pages[0].get_contents().get_data()
    assert content.index(b"/P <</MCID 0>> BDC") < content.index(b"(tekst)") < content.index(b"EMC")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl" and root["/OutputIntents"][0]["/S"] == "/GTS_PDFX" and root["/MarkInfo"]["/Marked"]
    assert reader.pages[0]["/StructParents"] == 0 and reader.pages[0]["/Tabs"] == "/S"
    assert reader.pages[0]["/Annots"][0].get_object()["/StructParent"] == 1


def test_one_xobject_dictionary_and_compressed_pages():
    buffer = io.BytesIO()
    c = Canvas(buffer, invariant=1, pageCompression=1)
    seen = []
    shared = PDFDictionary({})
    ref = rl.document(c).Reference(shared, "Mine")

    def resources(thing, names):
        seen.append(list(names))
        for name in names:
            shared.dict.setdefault(xObjectName(name), PDFObjectReference(xObjectName(name)))
        thing.XObjects = ref if names else None

    rl.one_xobject_dictionary(c, resources)
    c.beginForm("kaart")
    c.rect(0, 0, 10, 10)
    c.endForm()
    c.doForm("kaart")
    c.showPage()
    rl.compress_last_page(c)
    page = rl.pages(c)[0]
    assert page.stream is None and page.Contents.dictionary["Filter"] == PDFName("FlateDecode")
    data = (c.save(), buffer.getvalue())[1]
    assert ["kaart"] in seen and b"/Mine" not in data  # a reference, by number
    assert rl.FORM_ENTRY.search(data)


def test_a_seeded_font_has_the_same_first_subset_in_every_sharing_document_and_a_placeholder_in_a_part():
    fonts = Fonts(load_theme(DEFAULT_TEMPLATES).model)
    font = pdmetrics_font(fonts)
    assert isinstance(font, rl.SeededTTFont)
    subsets = []
    for text in ("Zoë", "İlknur Ĳsbrand"):  # two documents that draw different letters
        buffer = io.BytesIO()
        c = Canvas(buffer, invariant=1)
        rl.mark_document(c, kaartgen_shared=True, kaartgen_part=False)
        c.setFont(font.fontName, 10)
        c.drawString(10, 10, text)
        subsets.append(font.subset_of(rl.document(c)))
        c.save()
        assert rl.FIRST_SUBSET_FACE.search(buffer.getvalue())
    assert subsets[0] == subsets[1] == font.shared_subset()
    buffer = io.BytesIO()
    c = Canvas(buffer, invariant=1)
    rl.mark_document(c, kaartgen_shared=True, kaartgen_part=True)
    rl.embed_first_subset(font, c)
    c.showPage()
    c.save()
    assert b"(kaartgen-shared font " in buffer.getvalue()


def test_a_line_of_first_subset_letters_is_split_once_and_a_new_letter_always_reaches_the_document():
    """A sharing document's split of a line is remembered only when all its letters are in the
    seeded first subset: then it is the same in every such document and changes nothing. A letter
    beyond it must still be given its code in each document that draws it."""
    fonts = Fonts(load_theme(DEFAULT_TEMPLATES).model)
    font = pdmetrics_font(fonts)

    def sharing():
        c = Canvas(io.BytesIO(), invariant=1)
        rl.mark_document(c, kaartgen_shared=True, kaartgen_part=False)
        return rl.document(c)

    line = "Beste Zoë, tot „morgen” – 12,50 €"
    first, second = sharing(), sharing()
    split = font.splitString(line, first)
    assert [subset for subset, _ in split] == [0]
    assert font.splitString(line, second) == split
    assert font.subset_of(second) == font.shared_subset()  # nothing given out
    seeded = set(font.shared_subset())
    extra = next(chr(code) for code in sorted(font.face.charToGlyph) if code > 0x24F and code not in seeded)
    for doc in (first, second):
        parts = font.splitString(f"a{extra}", doc)
        assert [subset for subset, _ in parts] == [0, 1]
        assert ord(extra) in font.state[doc].assignments  # each document gives the letter its code


def pdmetrics_font(fonts: Fonts):
    return pdfmetrics.getFont(fonts.base)


def test_the_typing_form_names_its_font_in_one_resource_entry():
    buffer = io.BytesIO()
    c = Canvas(buffer, invariant=1)
    made = []

    def make(doc):
        made.append(doc)
        return PDFDictionary({"Type": PDFName("Font"), "Subtype": PDFName("Type1"), "BaseFont": PDFName("Helvetica")})

    rl.install_form(c, rl.TypingAcroForm(c, "typen", "Wingdings", make))
    c.acroForm.textfield(name="a", x=10, y=10, width=80, height=20, fontName="typen")
    c.acroForm.textfield(name="b", x=10, y=40, width=80, height=20, fontName="Helvetica")
    c.showPage()
    reader = saved(c, buffer)
    form = reader.trailer["/Root"]["/AcroForm"]
    assert made and sorted(form["/DR"]["/Font"]) == ["/Helv", "/Wingdings"]
    assert {f.get_object()["/T"] for f in form["/Fields"]} == {"a", "b"}


def test_paragraph_lines_words_and_end_spaces():
    style = ParagraphStyle("s", fontName="Helvetica", fontSize=10, leading=12)
    p = Paragraph("een twee drie vier vijf zes zeven acht negen tien", style)
    p.wrap(60, 500)
    assert rl.line_count(p) > 1
    words = rl.line_words(p)
    assert [w for line in words for w in line] == ["een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien"]
    plain = rl.plain_lines(p)
    assert plain is not None and plain.font_name == "Helvetica" and plain.font_size == 10 and plain.first > 0
    assert [w for _, line in plain.lines for w in line] == [w for line in words for w in line]
    spaced = rl.with_end_spaces(p)
    assert all(line[1][-1] == "" for line in spaced.blPara.lines[:-1]) and p.blPara.lines[0][1][-1] != ""
    mixed = Paragraph('een <font face="Courier">twee</font> drie vier vijf zes zeven acht', style)
    mixed.wrap(60, 500)
    assert rl.plain_lines(mixed) is None and rl.line_count(mixed) > 1
    assert rl.with_end_spaces(mixed).blPara.lines[0].words[-1].text.endswith(" ")


def test_a_decorated_table_draws_its_grid_inside_the_decoration():
    calls = []

    class Table(rl.DecoratedTable):
        @contextmanager
        def decoration(self):
            calls.append("in")
            yield
            calls.append("out")

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer)
    doc.build([Table([["a", "b"]], style=[("GRID", (0, 0), (-1, -1), 1, "black"),
                                          ("BACKGROUND", (0, 0), (-1, -1), "grey")])])
    assert calls == ["in", "out", "in", "out"]  # the background, then the rules


def test_the_bytes_reportlab_writes_are_parsed():
    buffer = io.BytesIO()
    c = Canvas(buffer, invariant=1)
    c.drawString(10, 10, "een")
    c.showPage()
    c.drawString(10, 10, "twee")
    c.showPage()
    c.save()
    parsed = rl.parse_output(buffer.getvalue())
    tree = parsed.objects[parsed.pages]
    kids = rl.REF.findall(rl.KIDS.search(tree).group(1))
    assert len(kids) == 2 and all(rl.TYPE_PAGE.search(rl.stream_dictionary(parsed.objects[int(k)])) for k in kids)
    assert rl.CONTENTS.search(parsed.objects[int(kids[0])])
    assert parsed.pages in parsed.structural
    with pytest.raises(ValueError):
        rl.parse_output(b"%PDF-1.7 not one reportlab wrote")


def test_no_module_but_the_adapter_uses_reportlab_s_private_parts():
    """A `._name` on anything but `self`/`cls`, or one of the adapter's private names, anywhere else."""
    private = re.compile(r"\b(?!self\b|cls\b|os\._exit\b)[A-Za-z_][\w\]\)]*\._[A-Za-z]")
    any_name = "|".join(re.escape(n) for n in rl.PRIVATE_NAMES)
    names = re.compile(rf"\b({any_name})\b")
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "reportlab_internals.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if private.search(code) or names.search(code):
                found.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert found == []


def test_the_adapter_names_every_private_part_it_uses():
    source = (PACKAGE / "reportlab_internals.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    used = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute) and node.attr.startswith("_")
            and not (node.attr.startswith("__") and node.attr.endswith("__") and node.attr not in rl.PRIVATE_NAMES)}
    own = {"_typing", "_resource", "_make", "_typing_ref", "_seed", "_seeded", "_kg_seeded"}
    for name in used - own:
        assert name in rl.PRIVATE_NAMES, name
        assert name in rl.__doc__, name
