"""The font a fillable PDF's text fields show typed text in.

reportlab's form fields can only name one of the 14 standard fonts, which a viewer draws from its
own WinAnsi font: a client who types İ or Ĳ in a PDFium viewer (Chrome, Edge) saw nothing, although
the field kept the letter. So the text fields name an embedded Unicode font instead: the whole
fallback font (every declared script, not a subset, since nobody knows what a client will type)
as a Type0 font with Identity-H encoding, its widths and a ToUnicode map that lets a viewer turn
each typed character into a glyph.

The font's name in the form's resources is `FIELD_FONT`. PDFium looks up a character's font by
Windows charset, and for any letter past Latin-1 (İ is "East European") it skips the field's own
font and looks for a system font, unless the field's font is named as one of the Windows symbol
fonts, whose characters it never sorts by charset. The name is only a key into the resources:
the font itself is the embedded one, and other viewers use it like any other.
"""

from __future__ import annotations

import io
import zlib
from functools import lru_cache

from fontTools.ttLib import TTFont as ToolsFont
from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDictionary,
    PDFDocument,
    PDFName,
    PDFObjectReference,
    PDFStream,
    PDFString,
)
from reportlab.pdfgen.canvas import Canvas

from kaartgen import reportlab_internals as rl

FIELD_FONT = "Wingdings"  # the resource name PDFium keeps every character in (see above)
TYPING = "kaartgen-typing"  # the name draw_fields asks the form for
BASE_NAME = "KaartgenTyping"


class _Prepared:
    """What the PDF objects of one font need, computed once a process."""

    def __init__(self, data: bytes):
        font = ToolsFont(io.BytesIO(data), lazy=True)
        scale = 1000 / font["head"].unitsPerEm
        order = font.getGlyphOrder()
        hmtx = font["hmtx"]
        self.widths = [round(hmtx[g][0] * scale) for g in order]
        head, os2 = font["head"], font["OS/2"]
        self.bbox = [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]
        self.ascent = round(os2.sTypoAscender * scale)
        self.descent = round(os2.sTypoDescender * scale)
        self.cap_height = round(getattr(os2, "sCapHeight", os2.sTypoAscender) * scale)
        glyph_id = {name: i for i, name in enumerate(order)}
        first: dict[int, int] = {}  # glyph -> the lowest code point drawn with it
        for code, name in sorted(font.getBestCmap().items()):
            first.setdefault(glyph_id[name], code)
        self.to_unicode = zlib.compress(_cmap(sorted(first.items())))
        self.length = len(data)
        self.file = zlib.compress(data)


def _cmap(pairs: list[tuple[int, int]]) -> bytes:
    """A ToUnicode CMap from (glyph id, code point) pairs, in blocks of 100 as the format allows."""
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
    for i in range(0, len(pairs), 100):
        block = pairs[i:i + 100]
        lines.append(f"{len(block)} beginbfchar")
        lines += [f"<{gid:04X}> <{chr(code).encode('utf-16-be').hex().upper()}>" for gid, code in block]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


@lru_cache(maxsize=4)
def _prepared(data: bytes) -> _Prepared:
    return _Prepared(data)


def _stream(content: bytes, **entries: object) -> PDFStream:
    stream = PDFStream()
    stream.dictionary["Filter"] = PDFName("FlateDecode")
    for key, value in entries.items():
        stream.dictionary[key] = value
    stream.content = content  # already compressed: reportlab writes it as it is
    return stream


def type0_font(doc: PDFDocument, data: bytes) -> PDFObjectReference:
    """The font as PDF objects in reportlab document `doc`; returns a reference to the Type0 font."""
    p = _prepared(data)
    descriptor = PDFDictionary({
        "Type": PDFName("FontDescriptor"), "FontName": PDFName(BASE_NAME), "Flags": 32,
        "FontBBox": PDFArray(p.bbox), "ItalicAngle": 0, "Ascent": p.ascent, "Descent": p.descent,
        "CapHeight": p.cap_height, "StemV": 80,
        "FontFile2": doc.Reference(_stream(p.file, Length1=p.length))})
    cid_font = PDFDictionary({
        "Type": PDFName("Font"), "Subtype": PDFName("CIDFontType2"), "BaseFont": PDFName(BASE_NAME),
        "CIDSystemInfo": PDFDictionary({"Registry": PDFString("Adobe"), "Ordering": PDFString("Identity"),
                                        "Supplement": 0}),
        "FontDescriptor": doc.Reference(descriptor), "CIDToGIDMap": PDFName("Identity"),
        "W": PDFArray([0, PDFArray(p.widths)])})
    return doc.Reference(PDFDictionary({
        "Type": PDFName("Font"), "Subtype": PDFName("Type0"), "BaseFont": PDFName(BASE_NAME),
        "Encoding": PDFName("Identity-H"), "DescendantFonts": PDFArray([doc.Reference(cid_font)]),
        "ToUnicode": doc.Reference(_stream(p.to_unicode))}))


def install(canvas: Canvas, typing_font: bytes) -> None:
    """Give `canvas` a form whose text fields can use the typing font (before any field is drawn)."""
    rl.install_form(canvas, rl.TypingAcroForm(canvas, TYPING, FIELD_FONT, lambda doc: type0_font(doc, typing_font)))
