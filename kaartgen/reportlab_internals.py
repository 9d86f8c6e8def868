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

Shaped text: letters that join (layout/shaped.py, for templates/rtl/)
- `TTFontFace._ttf_data`, `.unitsPerEm`, `.charToGlyph`, `.charWidths`, `TTFont.splitString`,
  `getSubsetInternalName`, `Canvas._code`: kaartgen shapes with uharfbuzz on the font file reportlab read and
  draws the glyphs itself (reportlab orders a right-to-left line's words only with `rlbidi`), each
  base glyph under a code of its own for the letters it stands for, filed in the face's character
  map with its width, so reportlab's subsets carry it.
- `ttfonts.makeToUnicodeCMap`: the ToUnicode map gives those letters for such a code (the same
  bytes for every other font).

Paragraphs (layout/, render/draw.py, engine/linting/fit.py)
- `Paragraph.blPara` with its `kind`, `lines` (one font: (extra space, words); several: line
  objects with `words` of fragments), `fontName`, `fontSize`, `textColor`, `ascent`: how many lines
  a paragraph wrapped to, the words on each, and the fast drawing of one-font paragraphs.
"""

from __future__ import annotations

import copy
import re
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

from reportlab import rl_config
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics
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
    "_ttf_data",  # shaped text: the font file reportlab read, for uharfbuzz
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

class OwnLines:
    """A paragraph that wraps and draws its lines itself (layout/shaped.py): the helpers below ask it
    instead of reading reportlab's lines."""

    def own_line_count(self) -> int:
        raise NotImplementedError

    def own_used_width(self, width: float) -> float:
        raise NotImplementedError

    def own_line_words(self) -> list[list[str]]:
        raise NotImplementedError

    def own_end_spaces(self) -> Paragraph:
        raise NotImplementedError


def line_count(p: Paragraph) -> int:
    """How many lines a wrapped paragraph takes."""
    if isinstance(p, OwnLines):
        return p.own_line_count()
    return len(p.blPara.lines)


def used_width(p: Paragraph, width: float) -> float:
    """The width of a wrapped paragraph's widest line: the room it needs, less than `width` when
    its lines end short (each line's `extraSpace` is what is left of the width it was wrapped to)."""
    if isinstance(p, OwnLines):
        return p.own_used_width(width)
    lines = p.blPara.lines
    spare = [line[0] if p.blPara.kind == 0 else line.extraSpace for line in lines]
    return width - min(spare, default=width)


def line_words(p: Paragraph) -> list[list[str]]:
    """The words of each line of a wrapped paragraph."""
    if isinstance(p, OwnLines):
        return p.own_line_words()
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
    """A one-font paragraph's lines, or None for one with fallback-font runs (drawn by Paragraph) or
    one that draws its own lines."""
    if isinstance(p, OwnLines):
        return None
    lines = p.blPara
    if lines.kind != 0:
        return None
    first = lines.fontSize if rl_config.paraFontSizeHeightOffset else getattr(lines, "ascent", lines.fontSize)
    return PlainLines(lines.fontName, lines.fontSize, lines.textColor, first, lines.lines)


def with_end_spaces(p: Paragraph) -> Paragraph:
    """A copy of a wrapped paragraph whose lines, but the last, end in a space (text read from a
    tagged PDF keeps the words at a line break apart). The paragraph itself is left as it is."""
    if isinstance(p, OwnLines):
        return p.own_end_spaces()
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

SPLITS_KEPT = 4096  # lines remembered a font (SeededTTFont.splitString)


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
        """reportlab's split, remembered for texts of the first subset alone in a sharing document:
        their codes are the seeded ones, the same in every such document, and splitting them changes
        no state (a new character always goes to a later subset), so the letter's and the cards'
        lines, drawn again for every client of a batch, are split once."""
        self._seed(doc)
        sharing = getattr(doc, "kaartgen_shared", False)
        splits: dict[str, list[tuple[int, bytes]]] = self.__dict__.setdefault("_kg_split", {})
        if sharing:
            known = splits.get(text)
            if known is not None:
                return list(known)
        split: list[tuple[int, bytes]] = super().splitString(text, doc, encoding)
        if sharing and all(subset == 0 for subset, _ in split):
            if len(splits) >= SPLITS_KEPT:
                splits.clear()  # client values come and go; the texts every pack has come back
            splits[text] = split
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


# -- shaped text: letters that join (templates/rtl/, layout/shaped.py) -------------------------------

# reportlab 5 shapes with uharfbuzz but orders the words of a right-to-left line only with `rlbidi`,
# and files every glyph harfbuzz gives under one code: Noto Sans Arabic draws a dotted letter in its
# joined forms as a dotless skeleton plus dot marks, the same skeleton for beh, teh, noon and yeh, so
# text read from the PDF could not name the letter. kaartgen therefore shapes and places the words
# of a shaped paragraph itself (layout/shaped.py) and draws their glyphs here: a letter's base glyph
# as text, under a code of its own for the letters it stands for (the ToUnicode map gives those
# letters), and the marks placed on it (its dots) as filled outlines, which are no text, so text read
# from the PDF is the letters and nothing else, in the order text extraction expects.

_PRIVATE = (0xE000, 0xF8FF)  # codes for glyphs that stand for other letters than their own
_codes: dict[tuple[str, int, str], str] = {}  # (font, glyph, letters) -> the code it is drawn with
_next_code: dict[str, int] = {}  # a font's next free private-use code
_letters: dict[str, dict[int, str]] = {}  # a face's name as in a subset's BaseFont -> code -> letters
_outlines: dict[tuple[str, int], str] = {}  # (font, glyph) -> its outline as PDF path operators, 1/1000 em
_hb_fonts: dict[str, Any] = {}
_shaping = threading.Lock()


@dataclass(frozen=True)
class Glyph:
    """A glyph as drawn, where it sits from the start of its run and how far it is raised (1/1000
    em): a base glyph as text under `code`, whose width the PDF gives as `width`; a mark as the
    filled `outline` (PDF path operators, 1/1000 em)."""

    x: float
    y: float
    code: str = ""
    width: float = 0.0
    outline: str = ""


@dataclass(frozen=True)
class Cluster:
    """The glyphs that together show `letters` (logical order): the glyph that carries the letters'
    advance first, then the marks placed on it."""

    letters: str
    glyphs: tuple[Glyph, ...]


@dataclass(frozen=True)
class ShapedRun:
    """Text in one font and one direction, shaped: its clusters from left to right as they stand
    on the page, and its advance (1/1000 em)."""

    font: str
    size: float
    text: str
    clusters: tuple[Cluster, ...]
    advance: float

    @property
    def width(self) -> float:
        return self.advance * self.size / 1000


def _scale(font: TTFont) -> float:
    """Font units to 1/1000 em, the units of a PDF's glyph widths."""
    return 1000 / float(font.face.unitsPerEm)


def _face_name(font: TTFont) -> str:
    name: str = (font.face.name + font.face.subfontNameX).decode("pdfdoc", "replace")
    return name


def _code(font: TTFont, hb_font: Any, gid: int, letters: str) -> str:
    """The code glyph `gid` of `font` is drawn with when it stands for `letters`: the letter itself
    when that is what the font's character map gives, else a private-use code of its own."""
    face = font.face
    if len(letters) == 1 and face.charToGlyph.get(ord(letters)) == gid:
        return letters
    key = (font.fontName, gid, letters)
    code = _codes.get(key)
    if code is None:
        free = _next_code.get(font.fontName, _PRIVATE[0])
        while free in face.charToGlyph:
            free += 1
        if free > _PRIVATE[1]:
            raise ValueError(f"{font.fontName}: no private-use code left for shaped glyphs")
        face.charToGlyph[free] = gid
        face.charWidths[free] = _scale(font) * hb_font.get_glyph_h_advance(gid)
        _letters.setdefault(_face_name(font), {})[free] = letters
        code = _codes[key] = chr(free)
        _next_code[font.fontName] = free + 1
    return code


class _PathPen:
    """A fontTools-style pen that writes a glyph's outline as PDF path operators, scaled to 1/1000 em."""

    def __init__(self, scale: float):
        self.scale = scale
        self.ops: list[str] = []
        self.at = (0.0, 0.0)

    def xy(self, x: float, y: float) -> str:
        return f"{fp_str(x * self.scale)} {fp_str(y * self.scale)}"

    def moveTo(self, p: tuple[float, float]) -> None:  # the pen protocol's names
        self.ops.append(f"{self.xy(*p)} m")
        self.at = p

    def lineTo(self, p: tuple[float, float]) -> None:
        self.ops.append(f"{self.xy(*p)} l")
        self.at = p

    def curveTo(self, *points: tuple[float, float]) -> None:
        (a, b, c) = points[-3:]
        self.ops.append(f"{self.xy(*a)} {self.xy(*b)} {self.xy(*c)} c")
        self.at = c

    def qCurveTo(self, *points: tuple[float, float]) -> None:
        (x0, y0), (qx, qy), (x3, y3) = self.at, points[-2], points[-1]  # harfbuzz gives one quadratic at a time
        a = (x0 + 2 * (qx - x0) / 3, y0 + 2 * (qy - y0) / 3)
        b = (x3 + 2 * (qx - x3) / 3, y3 + 2 * (qy - y3) / 3)
        self.curveTo(a, b, (x3, y3))

    def closePath(self) -> None:
        self.ops.append("h")


def _outline(font: TTFont, hb_font: Any, gid: int) -> str:
    key = (font.fontName, gid)
    if key not in _outlines:
        pen = _PathPen(_scale(font))
        hb_font.draw_glyph_with_pen(gid, pen)
        _outlines[key] = " ".join(pen.ops)
    return _outlines[key]


_SHAPED_MOST = 50_000  # shaped words kept: every word of every set many times over
_shaped: dict[tuple[str, float, str, bool], ShapedRun] = {}


def shape(font_name: str, size: float, text: str, rtl: bool) -> ShapedRun:
    """`text` in one font and direction, shaped with uharfbuzz (the font's own layout tables)."""
    key = (font_name, size, text, rtl)
    found = _shaped.get(key)
    if found is None:
        found = _shape(font_name, size, text, rtl)
        if len(_shaped) >= _SHAPED_MOST:
            _shaped.clear()
        _shaped[key] = found
    return found


def _shape(font_name: str, size: float, text: str, rtl: bool) -> ShapedRun:
    import uharfbuzz

    font = pdfmetrics.getFont(font_name)
    with _shaping:
        hb_font = _hb_fonts.get(font_name)
        if hb_font is None:
            hb_font = _hb_fonts[font_name] = uharfbuzz.Font(uharfbuzz.Face(uharfbuzz.Blob(font.face._ttf_data)))
        buffer = uharfbuzz.Buffer()
        buffer.cluster_level = uharfbuzz.BufferClusterLevel.MONOTONE_CHARACTERS
        buffer.add_str(text)
        buffer.guess_segment_properties()
        buffer.direction = "rtl" if rtl else "ltr"
        uharfbuzz.shape(hb_font, buffer, {})
        infos, positions = buffer.glyph_infos, buffer.glyph_positions
        scale = _scale(font)
        starts = sorted({info.cluster for info in infos}) + [len(text)]
        end_of = {start: starts[i + 1] for i, start in enumerate(starts[:-1])}
        groups: list[tuple[int, list[tuple[int, float, float, float]]]] = []  # cluster, (gid, x, y, advance)
        pen = 0.0
        for info, pos in zip(infos, positions):
            advance = scale * pos.x_advance
            glyph = (info.codepoint, pen + scale * pos.x_offset, scale * pos.y_offset, advance)
            if groups and groups[-1][0] == info.cluster:
                groups[-1][1].append(glyph)
            else:
                groups.append((info.cluster, [glyph]))
            pen += advance
        clusters = []
        for start, placed in groups:
            base = max(range(len(placed)), key=lambda i: (placed[i][3], placed[i][2] == 0, -i))
            gid, x, y, _ = placed[base]
            code = _code(font, hb_font, gid, text[start:end_of[start]])
            glyphs = [Glyph(x, y, code=code, width=font.face.getCharWidth(ord(code)))]
            glyphs += [Glyph(placed[i][1], placed[i][2], outline=_outline(font, hb_font, placed[i][0]))
                       for i in range(len(placed)) if i != base]
            clusters.append(Cluster(text[start:end_of[start]], tuple(glyphs)))
    return ShapedRun(font_name, size, text, tuple(clusters), pen)


def draw_shaped(canvas: Canvas, colour: Any, lines: list[tuple[float, list[tuple[float, ShapedRun]]]]) -> None:
    """Shaped runs: `lines` of (baseline, [(x, run)]), each run where its x puts it, in the order
    given (left to right, as text extraction expects): a line's base glyphs in one text object, its
    marks after it as filled outlines."""
    doc = canvas._doc
    out: list[str] = []
    canvas.setFillColor(colour)
    current: tuple[str, int, float] | None = None
    for baseline, runs in lines:
        out.append("BT")
        marks: list[str] = []
        current = None
        for x, run in runs:
            font = pdfmetrics.getFont(run.font)
            scale = run.size / 1000
            pen: float | None = None  # where the text position is, from the run's start, 1/1000 em
            for cluster in run.clusters:
                base, *rest = cluster.glyphs
                (n, code), = font.splitString(base.code, doc)
                if current != (run.font, n, run.size):
                    out.append(f"{font.getSubsetInternalName(n, doc)} {fp_str(run.size)} Tf")
                    current = (run.font, n, run.size)
                if pen is None or abs(pen - base.x) > 1e-6:
                    out.append(f"1 0 0 1 {fp_str(x + base.x * scale)} {fp_str(baseline)} Tm")
                shown = f"<{bytes(code).hex().upper()}> Tj"
                out.append(f"{fp_str(base.y * scale)} Ts {shown} 0 Ts" if base.y else shown)
                pen = base.x + base.width
                marks += [f"q {fp_str(scale)} 0 0 {fp_str(scale)} {fp_str(x + mark.x * scale)} "
                          f"{fp_str(baseline + mark.y * scale)} cm {mark.outline} f Q" for mark in rest if mark.outline]
        out.append("ET")
        out += marks
    canvas._code.append(" ".join(out))


def install_shaped_text_map() -> None:
    """The ToUnicode map of every font subset gives the letters a shaped glyph's code stands for
    (see `shape`); for other codes it is reportlab's own. Installed once."""
    from reportlab.pdfbase import ttfonts

    if getattr(ttfonts, "kaartgen_letters", False):
        return
    ttfonts.kaartgen_letters = True
    to_unicode = ttfonts.makeToUnicodeCMap

    def letters_cmap(fontname: str, subset: list[int]) -> str:
        text: str = to_unicode(fontname, subset)
        letters = _letters.get(fontname.split("+", 1)[-1])
        if not letters:
            return text
        for index, code in enumerate(subset):
            if code in letters:
                shown = letters[code].encode("utf-16-be").hex().upper()
                text = text.replace(f"<{index:02X}> <{code:04X}>", f"<{index:02X}> <{shown}>", 1)
        return text

    ttfonts.makeToUnicodeCMap = letters_cmap
