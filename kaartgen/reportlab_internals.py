"""The one door to reportlab's private parts: every name kaartgen uses that reportlab does not
promise to keep is used here and nowhere else. When reportlab moves, this is the file to read, and
tests/test_reportlab_contract.py the test that says what moved.

Why each is needed, by what it lets kaartgen do:

Tagged PDF and catalog entries (render/tags.py, render/pdf.py)
- `Canvas._code`: the page's operator list. Marked content (`/P <</MCID 3>> BDC … EMC`) must wrap
  the operators of each drawn item; reportlab has no call for it.
- `Canvas._annotationrefs`: the name of the widget annotation just added, to link it to its Form
  structure element (`/StructParent`, `OBJR`).
- `Canvas._doc`, `PDFDocument._catalog`, `PDFDocument.Pages.pages`, `PDFDocument.idToObject`,
  `PDFDocument.info`: the document behind the canvas, its catalog (StructTreeRoot, MarkInfo, Lang,
  Metadata, OutputIntents, AcroForm), its pages (StructParents, Tabs) and named objects.
- `__NoDefault__` and `__Defaults__` of reportlab's catalog and page classes: the entries they
  write; an entry they do not list (OutputIntents, StructParents, Tabs) is added to it, or reportlab
  leaves it out.
- `Table._drawBkgrnd`, `Table._drawLines`: a table's grid is decoration (an Artifact).

Print runs of many packs (render/pdf.py, render/pdfjoin.py, fonts/shared.py)
- `Canvas._setXObjects`, `Canvas._formsinuse`: one XObject dictionary for the whole document,
  instead of one per page that a print run of thousands of pages would repeat.
- `PDFPage.stream`, `PDFPage.Contents`: a finished page's operators compressed at once, so a print
  run never holds every page's operators as text.
- `TTFont.state`, `TTFont.State`, `TTFont._asciiReadable`, the state's `assignments`, `subsets`,
  `nextCode` and `frozen`, `TTFont.splitString`, `TTFont.getSubsetInternalName`,
  `TTFont.addObjects`, `TTFontFace.charToGlyph`, `.name`, `.subfontNameX`, `.getCharWidth`,
  `.addSubsetObjects`, `ttfonts.SUBSETN`, `ttfonts.makeToUnicodeCMap`, `pdfdoc.PDFTrueTypeFont`,
  `__Comment__`: the first subset of every font is filled in a fixed order, so separately drawn
  documents share it; a part document writes a placeholder for it (SeededTTFont).
- The bytes reportlab writes: a classic xref table, objects as `N 0 obj … endobj`, a stream's data
  after `>>\nstream`, a font's first subset named `AAAAAA+`, form XObjects named `FormXob.<name>`,
  the page tree under `/Pages`, pages under `/Kids` (parse_output and the patterns below).

The fillable PDF (render/fieldfont.py)
- `AcroForm.makeFont`, `AcroForm.format`, `AcroForm.fonts`, `.extras`, `.encRefStr`, `.getRef`,
  `.canv`: text fields that name an embedded Unicode font (reportlab's name one of the 14 standard
  fonts only), and every font in one /DR /Font entry.

Shaped text, right to left (layout/typeset.py with templates/rtl/)
- `PDFTextObject.setRise`: reportlab 5 reads `_code[-1]` of an empty operator list when a shaped
  run's first glyph sits raised (Arabic letters joined at different heights); the one line it
  needs is given, with the text object's `_rise` and `_y` as reportlab keeps them (install_shaping_fixes).
- `ttfonts.makeToUnicodeCMap`, `TTFontFace.charToGlyph`, `TTFont.hbFont`: a shaped glyph is filed
  under a presentation form or a private-use code, so text read from the PDF would be those; the
  ToUnicode map gives the letters each glyph shows instead (the same bytes for unshaped fonts).

Paragraphs (layout/, render/draw.py, engine/linting/fit.py)
- `Paragraph.blPara` with its `kind`, `lines` (one font: (extra space, words); several: line
  objects with `words` of fragments), `fontName`, `fontSize`, `textColor`, `ascent`: how many lines
  a paragraph wrapped to, the words on each, and the fast drawing of one-font paragraphs.
"""

from __future__ import annotations

import copy
import re
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

from reportlab import rl_config
from reportlab.pdfbase.acroform import AcroForm, PDFFromString
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFDocument, PDFName, PDFPage, PDFStream, PDFString
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, Table

# Every private reportlab name used in this module: no other module of kaartgen may use them
# (tests/test_reportlab_contract.py greps for them).
PRIVATE_NAMES = (
    "_code", "_annotationrefs", "_doc", "_catalog", "_setXObjects", "_formsinuse", "_drawBkgrnd", "_drawLines",
    "_asciiReadable", "__NoDefault__", "__Defaults__", "__Comment__", "idToObject", "blPara", "splitString",
    "getSubsetInternalName", "addObjects", "charToGlyph", "subfontNameX", "addSubsetObjects", "SUBSETN",
    "makeToUnicodeCMap", "PDFTrueTypeFont", "makeFont", "encRefStr", "nextCode",
    "_rise", "_y", "hbFont",  # shaped text: PDFTextObject's rise and line position, TTFont's harfbuzz font
)


# -- the canvas and its document ------------------------------------------------------------------

def document(canvas: Canvas) -> Any:
    """The PDFDocument a canvas writes."""
    return canvas._doc


def emit(canvas: Canvas, operator: str) -> None:
    """An operator into the current page's content, where it stands among what is drawn."""
    canvas._code.append(operator)


def page_has_content(canvas: Canvas) -> bool:
    return bool(len(canvas._code))


def last_annotation_name(canvas: Canvas) -> str:
    """The name of the annotation (a widget) the canvas added last."""
    name: str = canvas._annotationrefs[-1].name
    return name


def pages(canvas: Canvas) -> list[PDFPage]:
    """The document's finished pages (PDFPage objects), in order."""
    finished: list[PDFPage] = canvas._doc.Pages.pages
    return finished


def named_object(canvas: Canvas, name: str) -> Any:
    return canvas._doc.idToObject[name]


def document_title(canvas: Canvas) -> str:
    title: str = canvas._doc.info.title
    return title


def set_catalog(canvas: Canvas, **entries: Any) -> None:
    """Entries of the document's catalog, including ones reportlab's catalog does not list."""
    catalog = canvas._doc._catalog
    known = {*type(catalog).__NoDefault__, *type(catalog).__Defaults__}
    missing = [name for name in entries if name not in known]
    if missing:
        catalog.__NoDefault__ = [*getattr(catalog, "__NoDefault__", type(catalog).__NoDefault__), *missing]
    for name, value in entries.items():
        setattr(catalog, name, value)


def set_page(page: PDFPage, **entries: Any) -> None:
    """Entries of a finished page, including ones reportlab's page does not list."""
    page.__NoDefault__ = [*type(page).__NoDefault__, *(n for n in entries if n not in type(page).__NoDefault__)]
    for name, value in entries.items():
        setattr(page, name, value)


def mark_document(canvas: Canvas, **flags: bool) -> None:
    """kaartgen's own flags on the document (read by SeededTTFont): `kaartgen_shared`, `kaartgen_part`."""
    for name, value in flags.items():
        setattr(canvas._doc, name, value)


def one_xobject_dictionary(canvas: Canvas, resources: Callable[[Any, list[str]], None]) -> None:
    """Every page's XObject resources set by `resources(page_resources, names_in_use)` instead of
    reportlab's own dictionary a page."""
    canvas._setXObjects = lambda thing: resources(thing, list(canvas._formsinuse))


def compress_last_page(canvas: Canvas) -> None:
    """Compress the finished page's content now rather than at save time: a compressed stream with
    its Filter already set is written as it is, so the PDF is the same with less held in memory."""
    page = canvas._doc.Pages.pages[-1]
    if page.stream and not page.Contents:
        stream = PDFStream()
        stream.dictionary["Filter"] = PDFName("FlateDecode")
        stream.content = zlib.compress(page.stream.encode("latin-1"))
        page.Contents = stream
        page.stream = None


def embed_first_subset(font: TTFont, canvas: Canvas) -> None:
    """Make the document embed `font`'s first subset even if nothing drawn uses it."""
    font.getSubsetInternalName(0, canvas._doc)


def install_form(canvas: Canvas, form: AcroForm) -> None:
    """`form` as the document's AcroForm (before any field is drawn)."""
    canvas._doc._catalog.AcroForm = canvas.AcroForm = form


# -- tables -----------------------------------------------------------------------------------------

class DecoratedTable(Table):  # type: ignore[misc]  # reportlab has no type hints: Table is Any
    """A table whose backgrounds and rules are drawn inside `decoration()` (an Artifact in a tagged PDF)."""

    def decoration(self) -> AbstractContextManager[object]:  # to override: what the grid is drawn inside
        return _nothing()

    def _drawBkgrnd(self) -> None:
        with self.decoration():
            super()._drawBkgrnd()

    def _drawLines(self) -> None:
        with self.decoration():
            super()._drawLines()


# -- paragraphs -------------------------------------------------------------------------------------

def line_count(p: Paragraph) -> int:
    """How many lines a wrapped paragraph takes."""
    return len(p.blPara.lines)


def used_width(p: Paragraph, width: float) -> float:
    """The width of a wrapped paragraph's widest line: the room it needs, less than `width` when
    its lines end short (each line's `extraSpace` is what is left of the width it was wrapped to)."""
    lines = p.blPara.lines
    spare = [line[0] if p.blPara.kind == 0 else line.extraSpace for line in lines]
    return width - min(spare, default=width)


def line_words(p: Paragraph) -> list[list[str]]:
    """The words of each line of a wrapped paragraph."""
    lines = p.blPara.lines
    if p.blPara.kind == 0:  # words joined by a no-break space count as the words they are
        return [[w for word in words for w in word.split()] for _, words in lines]
    return [[w for frag in line.words for w in getattr(frag, "text", "").split()] for line in lines]


@dataclass(frozen=True)
class PlainLines:
    """A wrapped one-font paragraph as its lines: what the fast drawing path needs."""

    font_name: str
    font_size: float
    colour: Any
    first: float  # from the top of the box to the first baseline
    lines: list[tuple[float, list[str]]]  # (extra space, words)


def plain_lines(p: Paragraph) -> PlainLines | None:
    """A one-font paragraph's lines, or None for one with fallback-font runs or set right to left
    and shaped (drawn by Paragraph)."""
    if p.style.wordWrap == "RTL" or p.style.shaping:
        return None
    lines = p.blPara
    if lines.kind != 0:
        return None
    first = lines.fontSize if rl_config.paraFontSizeHeightOffset else getattr(lines, "ascent", lines.fontSize)
    return PlainLines(lines.fontName, lines.fontSize, lines.textColor, first, lines.lines)


def with_end_spaces(p: Paragraph) -> Paragraph:
    """A copy of a wrapped paragraph whose lines, but the last, end in a space (text read from a
    tagged PDF keeps the words at a line break apart). The paragraph itself is left as it is."""
    q = copy.copy(p)
    q.blPara = copy.copy(p.blPara)
    lines = []
    for line in p.blPara.lines[:-1]:
        if isinstance(line, tuple):  # one font: (extra space, words)
            line = (line[0], [*line[1], ""])
        elif line.words:  # several fonts: fragments
            line = copy.copy(line)
            last = line.words[-1].clone()
            last.text = last.text + " "
            line.words = [*line.words[:-1], last]
        lines.append(line)
    q.blPara.lines = lines + p.blPara.lines[-1:]
    return q


# -- fonts whose first subset separately drawn documents share ---------------------------------------

class SeededTTFont(TTFont):  # type: ignore[misc]  # reportlab has no type hints: TTFont is Any
    """A TrueType font whose first subset is the same in every document that shares fonts.

    reportlab gives a font's codes out in the order characters first appear in a document, so two
    documents embed different subsets. A sharing document (`doc.kaartgen_shared`) first gives out
    the first subset's free codes in `ORDER`, filling it to `SIZE`, so characters beyond it go to
    later subsets of its own. A part document (`doc.kaartgen_part`) writes a placeholder,
    `(kaartgen-shared font <face>)`, for the first subset, which the joiner replaces by the one
    copy. Documents that do not share are written exactly as reportlab writes them. `ORDER` and
    `SIZE` are set by the subclass (fonts/shared.py); `mismatch` is raised when a sharing document's
    first subset is not the shared one (never a wrong letter)."""

    ORDER: tuple[int, ...] = ()
    SIZE = 256
    mismatch: Callable[[str], Exception] = ValueError

    def _seed(self, doc: PDFDocument) -> None:
        """Give a sharing document the seeded state (a copy: the document adds its own codes to it)."""
        if not getattr(doc, "kaartgen_shared", False) or doc in self.state:
            return
        seeded = self._seeded()
        state = TTFont.State(self._asciiReadable, self)
        state.assignments = dict(seeded.assignments)
        state.subsets = [list(subset) for subset in seeded.subsets]
        state.nextCode = seeded.nextCode
        self.state[doc] = state

    def _seeded(self) -> Any:  # a TTFont.State
        """The state of a sharing document before it draws anything, worked out once per font."""
        if getattr(self, "_kg_seeded", None) is None:
            class Probe:  # a stand-in document; only its identity matters
                pass

            probe = Probe()
            TTFont.splitString(self, "", probe)
            state = self.state[probe]
            chars = self.face.charToGlyph
            for code in self.ORDER:  # one at a time, until the first subset is full
                if state.nextCode >= self.SIZE:
                    break
                if code in chars and code not in state.assignments:
                    TTFont.splitString(self, chr(code), probe)
            if state.nextCode < 32:  # reportlab fills codes 1-31, then goes on at 128
                state.nextCode = 128
            while state.nextCode < self.SIZE:
                state.subsets[0].append(0)  # unused codes: .notdef
                state.nextCode += 1
            self._kg_seeded = self.state.pop(probe)
        return self._kg_seeded

    def shared_subset(self) -> list[int]:
        """The first subset as every sharing document has it."""
        return list(self._seeded().subsets[0])

    def subset_of(self, doc: PDFDocument) -> list[int]:
        """The first subset as `doc` has it."""
        return list(self.state[doc].subsets[0])

    def splitString(self, text: str, doc: PDFDocument, encoding: str = "utf-8") -> list[tuple[int, bytes]]:
        self._seed(doc)
        split: list[tuple[int, bytes]] = super().splitString(text, doc, encoding)
        return split

    def getSubsetInternalName(self, subset: int, doc: PDFDocument) -> str:
        self._seed(doc)
        name: str = super().getSubsetInternalName(subset, doc)
        return name

    def addObjects(self, doc: PDFDocument) -> None:
        if getattr(doc, "kaartgen_shared", False):
            self._seed(doc)
            if self.subset_of(doc) != self.shared_subset():  # never a wrong letter: stop instead
                raise self.mismatch(self.fontName)
        if not getattr(doc, "kaartgen_part", False):
            super().addObjects(doc)
            return
        state = self.state[doc]
        # the first subset: a placeholder the joiner replaces by the shared copy
        internal = self.getSubsetInternalName(0, doc)[1:]
        placeholder = doc.Reference(PDFString(f"kaartgen-shared font {self.face.name.decode('latin-1')}"),
                                    f"KaartgenShared.{internal}")
        doc.idToObject["BasicFonts"].dict[internal] = placeholder
        _add_later_subsets(self, doc, state)


def _add_later_subsets(font: TTFont, doc: PDFDocument, state: Any) -> None:
    """reportlab's TTFont.addObjects for subsets 1 and up only (subset 0 is shared)."""
    from reportlab.pdfbase import pdfdoc
    from reportlab.pdfbase.ttfonts import SUBSETN, makeToUnicodeCMap

    state.frozen = 1
    for n, subset in enumerate(state.subsets):
        if n == 0:
            continue
        internal = font.getSubsetInternalName(n, doc)[1:]
        base = (b"".join((SUBSETN(n), b"+", font.face.name, font.face.subfontNameX))).decode("pdfdoc")
        pdf_font = pdfdoc.PDFTrueTypeFont()
        pdf_font.__Comment__ = f"Font {font.fontName} subset {n:d}"
        pdf_font.Name = internal
        pdf_font.BaseFont = base
        pdf_font.FirstChar = 0
        pdf_font.LastChar = len(subset) - 1
        pdf_font.Widths = pdfdoc.PDFArray(list(map(font.face.getCharWidth, subset)))
        cmap = pdfdoc.PDFStream()
        cmap.content = makeToUnicodeCMap(base, subset)
        if doc.compression:
            cmap.filters = [pdfdoc.PDFZCompress]
        pdf_font.ToUnicode = doc.Reference(cmap, "toUnicodeCMap:" + base)
        pdf_font.FontDescriptor = font.face.addSubsetObjects(doc, base, subset)
        doc.Reference(pdf_font, internal)
        doc.idToObject["BasicFonts"].dict[internal] = pdf_font
    del font.state[doc]


# -- form fields that name an embedded font -----------------------------------------------------------

class TypingAcroForm(AcroForm):  # type: ignore[misc]  # reportlab has no type hints: AcroForm is Any
    """reportlab's form, with one more font its fields may name: `typing`, whose font object is made
    by `make(document)` on first use and filed under `resource` in the form's /DR; and every font in
    one /DR /Font entry (reportlab writes an entry a font, and a dictionary that names /Font twice
    keeps only one of them)."""

    def __init__(self, canv: Canvas, typing: str, resource: str, make: Callable[[PDFDocument], Any]):
        super().__init__(canv)
        self._typing, self._resource, self._make = typing, resource, make
        self._typing_ref: str | None = None

    def makeFont(self, fontName: str) -> tuple[str, str]:
        if fontName != self._typing:
            made: tuple[str, str] = super().makeFont(fontName)
            return made
        if self._typing_ref is None:
            doc = self.canv._doc
            self._typing_ref = self._make(doc).format(doc).decode("ascii")
            self.fonts[self._resource] = self._typing_ref
        return self._typing_ref, self._resource

    def format(self, doc: PDFDocument) -> bytes:
        entries = {"Fields": PDFArray([self.getRef(f) for f in self.fields])}
        if self.fonts:
            fonts = " ".join(f"/{name} {ref}" for name, ref in sorted(self.fonts.items()))
            entries["DA"] = PDFString(f"/{min(self.fonts)} 0 Tf 0 g")
            entries["DR"] = PDFFromString(f"<< /Encoding << /RLAFencoding {self.encRefStr} >> /Font << {fonts} >> >>")
        entries.update(self.extras)
        formatted: bytes = PDFDictionary(entries).format(doc)
        return formatted


# -- the bytes reportlab writes ------------------------------------------------------------------------

REF = re.compile(rb"(\d+) 0 R\b")
ROOT = re.compile(rb"/Root (\d+) 0 R")
INFO = re.compile(rb"/Info (\d+) 0 R")
PAGES = re.compile(rb"/Pages (\d+) 0 R")
OUTLINES = re.compile(rb"/Outlines (\d+) 0 R")
KIDS = re.compile(rb"/Kids\s*\[([^\]]*)\]")
CONTENTS = re.compile(rb"/Contents (\d+ 0 R)")
FIRST_SUBSET_FACE = re.compile(rb"/BaseFont /AAAAAA\+(\S+)")  # a font's first subset: AAAAAA+<face>
FORM_ENTRY = re.compile(rb"/FormXob\.(\S+) (\d+) 0 R")  # a form XObject in a resource dictionary
TYPE_PAGE = re.compile(rb"/Type /Page\b(?!s)")
STREAM_START = b">>\nstream"  # between a stream's dictionary and its data


@dataclass
class Parsed:
    objects: dict[int, bytes]  # number -> body between "obj" and "endobj"
    pages: int  # the page tree's number
    structural: set[int]  # catalog, page tree, info, outlines: a joined file writes its own


def parse_output(pdf: bytes) -> Parsed:
    """The objects of a PDF as reportlab writes it (classic xref table, no object streams); a
    ValueError for anything else."""
    try:
        xref = int(pdf.rsplit(b"startxref", 1)[1].split()[0])
        lines = pdf[xref:pdf.index(b"trailer", xref)].split(b"\n")
        count = int(lines[1].split()[1])
        offsets = {i: int(lines[2 + i][:10]) for i in range(1, count) if lines[2 + i][17:18] == b"n"}
        trailer = pdf[pdf.index(b"trailer", xref):]
        root_ref = ROOT.search(trailer)
        if root_ref is None:
            raise ValueError("no /Root")
        root = int(root_ref.group(1))
    except (IndexError, ValueError, AttributeError):
        raise ValueError("not a PDF as reportlab writes it (classic xref table expected)") from None
    ends = sorted(offsets.values()) + [xref]
    end_of = {start: ends[i + 1] for i, start in enumerate(ends[:-1])}
    objects = {}
    for number, start in offsets.items():
        data = pdf[start:end_of[start]]
        data = data[data.index(b"obj") + 3:]
        objects[number] = data[:data.rindex(b"endobj")].strip(b"\r\n")
    catalog = objects[root]
    tree_ref = PAGES.search(catalog)
    if tree_ref is None:
        raise ValueError("not a PDF as reportlab writes it (its catalog names no page tree)")
    tree = int(tree_ref.group(1))
    structural = {root, tree}
    info = INFO.search(trailer)
    if info:
        structural.add(int(info.group(1)))
    outlines = OUTLINES.search(catalog)
    if outlines:
        structural.add(int(outlines.group(1)))
    return Parsed(objects, tree, structural)


def stream_dictionary(body: bytes) -> bytes:
    """An object's dictionary: before its stream data, if it has any."""
    return body.split(STREAM_START)[0]


@contextmanager
def _nothing() -> Iterator[None]:
    yield


# -- shaped text: right to left --------------------------------------------------------------------

_PRESENTATION = ((0xFB50, 0xFDFF), (0xFE70, 0xFEFF))  # Arabic presentation forms: NFKC gives the letters
_PRIVATE = (0xE000, 0xF8FF)  # where reportlab files glyphs that no character maps to
_TATWEEL = "\u0640"  # joins on both sides: puts a letter in its initial, medial or final form
_JOINING = tuple(range(0x0620, 0x064B)) + tuple(range(0x066E, 0x06D4))  # letters that take forms
_shown: dict[int, dict[int, str]] = {}  # id(font) -> glyph id -> the letters the glyph shows


def _glyph_letters(font: TTFont) -> dict[int, str]:
    """Which letters each glyph of a shaping font shows: every letter shaped alone, first, in the
    middle and last (with a tatweel beside it), and lam with each alef (their ligatures)."""
    import uharfbuzz

    if id(font) in _shown:
        return _shown[id(font)]
    hb = font.hbFont(10)
    shown: dict[int, str] = {}
    cmap = font.face.charToGlyph
    lam = "\u0644"
    words = [(t, 1 if t.startswith(_TATWEEL) else 0, 1) for c in map(chr, _JOINING) if ord(c) in cmap
             for t in (c, c + _TATWEEL, _TATWEEL + c + _TATWEEL, _TATWEEL + c)]
    words += [(w, 1 if w.startswith(_TATWEEL) else 0, 2) for a in "\u0627\u0622\u0623\u0625"
              for w in (lam + a, _TATWEEL + lam + a)]
    for text, at, length in words:
        buf = uharfbuzz.Buffer()
        buf.add_str(text)
        buf.guess_segment_properties()
        uharfbuzz.shape(hb, buf, {})
        glyphs = [i.codepoint for i in buf.glyph_infos if i.cluster == at]
        if len(glyphs) == 1:
            shown.setdefault(glyphs[0], text[at:at + length])
    _shown[id(font)] = shown
    return shown


def _shaping_font(base_font_name: str) -> TTFont | None:
    """The registered shaping font a subset's name (AAAAAA+<face>) belongs to."""
    from reportlab.pdfbase import pdfmetrics

    face = base_font_name.split("+", 1)[-1]
    for name in pdfmetrics.getRegisteredFontNames():
        font = pdfmetrics.getFont(name)
        if isinstance(font, TTFont) and font.shapable and \
                (font.face.name + font.face.subfontNameX).decode("pdfdoc", "replace") == face:
            return font
    return None


def _letters_of(code: int, font: TTFont | None) -> str:
    import unicodedata

    if font is not None and (_PRIVATE[0] <= code <= _PRIVATE[1] or any(a <= code <= b for a, b in _PRESENTATION)):
        gid = font.face.charToGlyph.get(code)
        letters = _glyph_letters(font).get(gid) if gid is not None else None
        if letters:
            return letters
    if any(a <= code <= b for a, b in _PRESENTATION):
        return unicodedata.normalize("NFKC", chr(code))
    return chr(code)


def install_shaping_fixes() -> None:
    """Two repairs for shaped (right-to-left) text, installed once; unshaped text is written as before."""
    from reportlab.pdfbase import ttfonts
    from reportlab.pdfgen.textobject import PDFTextObject

    if getattr(ttfonts, "kaartgen_fixed", False):
        return
    ttfonts.kaartgen_fixed = True
    set_rise = PDFTextObject.setRise

    def safe_set_rise(self: Any, rise: float) -> None:
        if not self._code:  # the first operator of a shaped run: nothing to fold it into
            from reportlab.lib.rl_accel import fp_str

            self._rise = rise
            self._y -= rise
            self._code.append(f"{fp_str(rise)} Ts")
            return
        set_rise(self, rise)

    PDFTextObject.setRise = safe_set_rise
    to_unicode = ttfonts.makeToUnicodeCMap

    def letters_cmap(fontname: str, subset: list[int]) -> str:
        special = [c for c in subset if _PRIVATE[0] <= c <= _PRIVATE[1] or any(a <= c <= b for a, b in _PRESENTATION)]
        text: str = to_unicode(fontname, subset)
        if not special:
            return text
        font = _shaping_font(fontname)
        for code in special:
            index = subset.index(code)
            letters = _letters_of(code, font).encode("utf-16-be").hex().upper()
            text = text.replace(f"<{index:02X}> <{code:04X}>", f"<{index:02X}> <{letters}>", 1)
        return text

    ttfonts.makeToUnicodeCMap = letters_cmap
