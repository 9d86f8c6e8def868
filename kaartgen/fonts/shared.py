"""Fonts that a batch's separately drawn documents share: the first subset of every font is the
same in each of them, so the print run and each client's file can store it once (render/pdfjoin.py
joins the documents)."""

from __future__ import annotations

from reportlab.pdfbase.pdfdoc import PDFString
from reportlab.pdfbase.ttfonts import TTFont

from kaartgen.errors import KaartgenError

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
                raise KaartgenError("batch.shared_font", font=self.fontName)
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
