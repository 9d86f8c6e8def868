"""Fonts from Python packages, registered with reportlab, with a fallback for missing characters.

reportlab embeds every TrueType font as a subset, so PDFs carry only the glyphs they use. The
primary family (Atkinson Hyperlegible) lacks letters clients' names have (Turkish İ, Dutch Ĳ,
Greek, Cyrillic); those are drawn from the fallback family, cut once per weight to the script
ranges in templates/fonts.yaml. A character that no font can draw there is an error naming it: a
PDF must never show a blank, a box or a wrong letter where a client's letter should be.

Every cut font gets a PostScript name of its own. reportlab files a subset's font descriptor
under that name, so two cuts that kept the variable font's name ("NotoSans-Regular") would share
one descriptor and print each other's glyphs, a silent wrong letter in a client's name.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import os
import unicodedata
from array import array
from functools import lru_cache
from html import escape as _html_escape
from pathlib import Path
from typing import Callable

from fontTools.ttLib import TTFont as ToolsFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFString
from reportlab.pdfbase.ttfonts import TTFont

from kaartgen.errors import KaartgenError, MissingGlyph
from kaartgen.model.theme import FontFile, Style, Theme


def escape(text: str) -> str:
    """&, < and > as reportlab's paragraph markup needs them (xml.sax's escape, without its imports)."""
    return _html_escape(text, quote=False)


CUT_VERSION = "2"  # part of the cache key: bump when _cut changes what it makes
Ranges = tuple[tuple[int, int], ...]
# Categories never drawn: controls, invisible format characters (bidi overrides, zero-width),
# private use, unassigned, and combining marks, which need positioning the writer cannot do.
UNPRINTABLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Mc", "Me", "Zl", "Zp"})
SPACES = frozenset(" \t\n\r\u00a0")  # white space the paragraph folds; client values are checked apart


def _font_path(spec: FontFile) -> Path:
    found = importlib.util.find_spec(spec.package)
    if found is None or not found.submodule_search_locations:
        raise KaartgenError(f"font package '{spec.package}' is not installed; run: pip install {spec.package.replace('_', '-')}")
    path = Path(list(found.submodule_search_locations)[0]) / spec.file
    if not path.is_file():
        raise KaartgenError(f"font file {spec.file} not found in package {spec.package}")
    return path


def font_files(theme: Theme) -> list[Path]:
    """Every font file the templates use (their bytes are part of a batch's identity)."""
    return sorted({_font_path(getattr(family, weight)) for family in theme.fonts.values() for weight in ("regular", "bold")})


@lru_cache(maxsize=None)
def _cmap(path: Path) -> frozenset[int]:
    """The code points the font at `path` maps. Kept in the cache folder like the cut fonts:
    reading a cmap with fontTools costs about 50 ms, a quarter of a personal pack's start."""
    def read() -> bytes:
        return array("I", sorted(ToolsFont(str(path), lazy=True).getBestCmap())).tobytes()

    return frozenset(array("I", _cached(path, ("cmap",), "cmap", read, ".cmap")))


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "kaartgen" / "fonts"


def _in(code: int, ranges: Ranges) -> bool:
    return any(first <= code <= last for first, last in ranges)


def _cached(path: Path, request: tuple, name: str, make: Callable[[], bytes], suffix: str = ".ttf") -> bytes:
    """A font made from `path`, kept in the user's cache folder keyed by the font file's contents
    and the request. Making one takes up to a second; the bytes are the same whether cached or
    not, and on every machine (a made font keeps the source font's timestamps)."""
    key = hashlib.sha256(path.read_bytes() + repr((CUT_VERSION,) + request).encode()).hexdigest()[:24]
    cached = _cache_dir() / f"{name}-{key}{suffix}"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    data = make()
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, cached)
    except OSError:
        pass  # a read-only home only costs time
    return data


@lru_cache(maxsize=None)
def _static_instance(path: Path, axes: tuple[tuple[str, float], ...], ranges: Ranges, name: str) -> bytes:
    """A static font named `name` with only the glyphs in `ranges`, cut from a variable font at `axes`."""
    return _cached(path, (axes, ranges, name), name, lambda: _cut(path, axes, ranges, name))


# Letters that are a sequence of two letters the font has: drawn from those, in the font's own
# design, rather than from a fallback face (Dutch Ĳ is I and J set together).
SEQUENCES = {0x0132: "IJ", 0x0133: "ij"}


@lru_cache(maxsize=None)
def _completed(path: Path, name: str) -> bytes:
    """The font at `path` with the SEQUENCES it lacks added as composite glyphs, named `name`.

    The composite refers to the font's own outlines, so Ĳ matches the I and J beside it, and the
    PDF's text still says U+0132. Kept in the cache folder like the cut fonts; the same bytes on
    every machine."""
    return _cached(path, (sorted(SEQUENCES.items()), name), name, lambda: _complete(path, name))


def _complete(path: Path, name: str) -> bytes:
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    font = ToolsFont(str(path), recalcTimestamp=False)
    for tag in ("DSIG",):  # a signature no longer matches a changed font
        if tag in font:
            del font[tag]
    cmap = font.getBestCmap()
    order = list(font.getGlyphOrder())
    glyphs = font.getGlyphSet()
    for code, letters in SEQUENCES.items():
        if code in cmap or not all(ord(c) in cmap for c in letters):
            continue
        pen = TTGlyphPen(glyphs)
        x = 0
        for letter in letters:
            part = cmap[ord(letter)]
            pen.addComponent(part, (1, 0, 0, 1, x, 0))
            x += font["hmtx"][part][0]
        glyph_name = f"uni{code:04X}"
        font["glyf"][glyph_name] = pen.glyph()
        font["hmtx"][glyph_name] = (x, font["hmtx"][cmap[ord(letters[0])]][1])
        order.append(glyph_name)
        for table in font["cmap"].tables:
            if table.isUnicode():
                table.cmap[code] = glyph_name
    font.setGlyphOrder(order)
    font["maxp"].numGlyphs = len(order)
    for record in font["name"].names:
        if record.nameID in (1, 3, 4, 6, 16, 17):
            record.string = name
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _cut(path: Path, axes: tuple[tuple[str, float], ...], ranges: Ranges, name: str) -> bytes:
    from fontTools import subset  # only when a font is cut, which the cache makes rare
    from fontTools.varLib import instancer

    font = ToolsFont(str(path), lazy=True, recalcTimestamp=False)
    created, modified = font["head"].created, font["head"].modified
    for tag in ("GSUB", "GPOS", "GDEF", "STAT"):  # not needed, and slow to decompile
        if tag in font:
            del font[tag]
    wanted = [c for c in font.getBestCmap() if _in(c, ranges)]
    options = subset.Options()
    options.layout_features = []
    options.notdef_outline = True
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "STAT"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    if "fvar" in font:
        font = instancer.instantiateVariableFont(font, dict(axes), inplace=True)  # a copy would double the time
    for record in font["name"].names:
        if record.nameID in (1, 3, 4, 6, 16, 17, 25):
            record.string = name
    font["head"].created, font["head"].modified = created, modified
    font.recalcTimestamp = False
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


# The order in which the first font subset's free codes are given out in a document that shares
# fonts: Latin-1, the common punctuation, then the Latin letters of Europe and Turkey.
SHARED_ORDER = (list(range(0xA1, 0x100)) + [0x2018, 0x2019, 0x201A, 0x201C, 0x201D, 0x201E, 0x2013, 0x2014,
                0x2026, 0x2022, 0x20AC] + list(range(0x100, 0x250)))
SUBSET_SIZE = 256


class SharedTTFont(TTFont):
    """A TrueType font whose first subset is the same in every document that shares fonts.

    reportlab gives a font's codes out in the order characters first appear in a document, so two
    documents embed different subsets. The packs of a batch are drawn as separate documents and
    joined; to store a font once for all of them, a sharing document (`doc.kaartgen_shared`) first
    gives out the first subset's free codes in SHARED_ORDER, filling it, so characters beyond it go
    to later subsets of their own. A pack document (`doc.kaartgen_part`) then writes a placeholder
    for the first subset, which the joiner replaces by the one copy (see render/pdfjoin.py).
    Documents that do not share are written exactly as reportlab writes them."""

    def _seed(self, doc) -> None:
        """Give a sharing document the seeded state (a copy: the document adds its own codes to it)."""
        if not getattr(doc, "kaartgen_shared", False) or doc in self.state:
            return
        seeded = self._seeded()
        state = TTFont.State(self._asciiReadable, self)
        state.assignments = dict(seeded.assignments)
        state.subsets = [list(subset) for subset in seeded.subsets]
        state.nextCode = seeded.nextCode
        self.state[doc] = state

    def _seeded(self):
        """The state of a sharing document before it draws anything, worked out once per font."""
        if getattr(self, "_kg_seeded", None) is None:
            class Probe:  # a stand-in document; only its identity matters
                pass

            probe = Probe()
            TTFont.splitString(self, "", probe)
            state = self.state[probe]
            chars = self.face.charToGlyph
            for code in SHARED_ORDER:  # one at a time, until the first subset is full
                if state.nextCode >= SUBSET_SIZE:
                    break
                if code in chars and code not in state.assignments:
                    TTFont.splitString(self, chr(code), probe)
            if state.nextCode < 32:  # reportlab fills codes 1-31, then goes on at 128
                state.nextCode = 128
            while state.nextCode < SUBSET_SIZE:
                state.subsets[0].append(0)  # unused codes: .notdef
                state.nextCode += 1
            self._kg_seeded = self.state.pop(probe)
        return self._kg_seeded

    def shared_subset(self) -> list[int]:
        """The first subset as every sharing document has it."""
        return list(self._seeded().subsets[0])

    def splitString(self, text, doc, encoding="utf-8"):  # noqa: N802 (reportlab's name)
        self._seed(doc)
        return super().splitString(text, doc, encoding)

    def getSubsetInternalName(self, subset, doc):  # noqa: N802
        self._seed(doc)
        return super().getSubsetInternalName(subset, doc)

    def addObjects(self, doc):  # noqa: N802
        if getattr(doc, "kaartgen_shared", False):
            self._seed(doc)
            if self.state[doc].subsets[0] != self.shared_subset():  # never a wrong letter: stop instead
                raise KaartgenError(f"font {self.fontName}: its first subset differs from the shared one; "
                                    "the print run cannot share it (report this as a bug)")
        if not getattr(doc, "kaartgen_part", False):
            return super().addObjects(doc)
        state = self.state[doc]
        # the first subset: a placeholder the joiner replaces by the shared copy
        internal = self.getSubsetInternalName(0, doc)[1:]
        placeholder = doc.Reference(PDFString(f"kaartgen-shared font {self.face.name.decode('latin-1')}"),
                                    f"KaartgenShared.{internal}")
        doc.idToObject["BasicFonts"].dict[internal] = placeholder
        _add_later_subsets(self, doc, state)


def _add_later_subsets(font: TTFont, doc, state) -> None:
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
        pdf_font.__Comment__ = "Font %s subset %d" % (font.fontName, n)
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


class Fonts:
    """Registers the theme's fonts with reportlab and turns plain text into safe Paragraph markup."""

    def __init__(self, theme: Theme):
        self.theme = theme
        self._registered: dict[tuple[str, str], str] = {}
        self._coverage: dict[tuple[str, str], frozenset[str]] = {}
        self._printable: frozenset[str] | None = None

    def _ranges(self) -> Ranges:
        return tuple(r for ranges in self.theme.scripts.values() for r in ranges)

    def name(self, family: str, weight: str) -> str:
        """The reportlab name of a primary font, registering it on first use."""
        if family == self.theme.fallback:  # a style set in the fallback family: the one fallback font
            return self._fallback_name(weight)
        key = (family, weight)
        if key not in self._registered:
            spec: FontFile = getattr(self.theme.fonts[family], weight)
            path = _font_path(spec)
            reg = f"{path.stem}-{weight}" if not spec.axes else f"{path.stem.split('[')[0]}-{family}-{weight}"
            if reg not in pdfmetrics.getRegisteredFontNames():
                source = (_static_instance(path, tuple(sorted(spec.axes.items())), self._ranges(), reg)
                          if spec.axes else _completed(path, reg))
                pdfmetrics.registerFont(SharedTTFont(reg, io.BytesIO(source)))
            self._registered[key] = reg
        return self._registered[key]

    @property
    def base(self) -> str:
        """The font every PDF starts with: the face of the cards' body text (one choice for all documents)."""
        body = self.theme.style(self.theme.text_blocks.text)
        return self.name(body.font, body.weight)

    def _chars(self, family: str, weight: str) -> frozenset[str]:
        """What a family's font draws; the fallback family only within the declared scripts."""
        key = (family, weight)
        if key not in self._coverage:
            spec: FontFile = getattr(self.theme.fonts[family], weight)
            cmap = _cmap(_font_path(spec))
            if family != self.theme.fallback and not spec.axes:  # completed with SEQUENCES it can draw
                cmap = cmap | {c for c, letters in SEQUENCES.items() if all(ord(x) in cmap for x in letters)}
            if family == self.theme.fallback or spec.axes:
                ranges = self._ranges()
                cmap = frozenset(c for c in cmap if _in(c, ranges))
            chars = frozenset(c for c in map(chr, cmap) if unicodedata.category(c) not in UNPRINTABLE_CATEGORIES)
            self._coverage[key] = chars | SPACES
        return self._coverage[key]

    def covers(self, family: str, weight: str, char: str) -> bool:
        return char in self._chars(family, weight)

    def _fallback(self, weight: str) -> tuple[str, bytes]:
        """The one fallback font of a weight, cut to all declared scripts and named for itself."""
        spec: FontFile = getattr(self.theme.fonts[self.theme.fallback], weight)
        path = _font_path(spec)
        ranges = self._ranges()
        digest = hashlib.sha1(repr((ranges, sorted(spec.axes.items()))).encode()).hexdigest()[:8]
        reg = f"{path.stem.split('[')[0]}-{self.theme.fallback}-{weight}-{digest}"
        return reg, _static_instance(path, tuple(sorted(spec.axes.items())), ranges, reg)

    def _fallback_name(self, weight: str) -> str:
        reg, data = self._fallback(weight)
        if reg not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(SharedTTFont(reg, io.BytesIO(data)))
        return reg

    def typing(self) -> bytes:
        """The font a fillable PDF's fields show typed text in: the regular fallback, the one font
        cut to every declared script, embedded whole because nobody knows what a client will type."""
        return self._fallback("regular")[1]

    def all_names(self) -> list[str]:
        """Every font a pack may use: each style's font and both fallbacks, registered."""
        names = {self.name(s.font, s.weight) for s in self.theme.styles.values()}
        names |= {self._fallback_name(weight) for weight in ("regular", "bold")}
        return sorted(names)

    def _drawable(self, char: str, style: Style) -> bool:
        return self.covers(style.font, style.weight, char) or self.covers(self.theme.fallback, style.weight, char)

    def missing(self, text: str, style: Style) -> list[str]:
        """Characters of `text` that neither the style's font nor the fallback can draw."""
        return sorted({c for c in text if not self._drawable(c, style)})

    def unprintable(self, text: str) -> list[str]:
        """Characters of a client's value that some style could not draw, whichever it lands in."""
        if self._printable is None:  # once: what every style can draw, from its font or the fallback
            pairs = {(s.font, s.weight) for s in self.theme.styles.values()}
            self._printable = frozenset.intersection(*(
                self._chars(font, weight) | self._chars(self.theme.fallback, weight) for font, weight in pairs))
        return sorted(set(text) - self._printable)

    def markup(self, text: str, style: Style, loc: tuple | None = None) -> str:
        """Escape `text` for reportlab and route characters the style's font lacks to the fallback.
        A character no font has is a MissingGlyph naming `loc`, the text's place in the content."""
        own_chars = self._chars(style.font, style.weight)
        if own_chars.issuperset(text):
            return escape(text)  # the common case: the style's own font has every character
        runs: list[tuple[bool, str]] = []  # (needs fallback, characters)
        for char in text:
            own = char in own_chars
            if not own and not self.covers(self.theme.fallback, style.weight, char):
                raise MissingGlyph(char, loc)
            if runs and runs[-1][0] == (not own):
                runs[-1] = (runs[-1][0], runs[-1][1] + char)
            else:
                runs.append((not own, char))
        fallback = self._fallback_name(style.weight)
        return "".join(f'<font face="{fallback}">{escape(run)}</font>' if needs else escape(run) for needs, run in runs)
