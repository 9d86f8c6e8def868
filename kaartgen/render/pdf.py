"""Write imposed pages to a PDF: deterministic bytes, no client data in metadata, atomic on disk.

reportlab's invariant mode fixes the timestamps and document id, so the same input gives a
byte-identical file. The file appears under its final name only when complete: it is written to a
temporary file in the same folder and renamed, so an interrupted run never leaves half a PDF.
"""

from __future__ import annotations

import io
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from reportlab.lib.colors import CMYKColor
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFObjectReference, PDFString, xObjectName
from reportlab.pdfgen.canvas import Canvas

from kaartgen import __version__
from kaartgen import reportlab_internals as rl
from kaartgen.fonts import Fonts
from kaartgen.layout.imposition import Guide, Page
from kaartgen.layout.items import SideLayout
from kaartgen.model.theme import Format, OutputIntent, Theme
from kaartgen.model.units import mm
from kaartgen.render.draw import Colours, draw_items, draw_side, draw_side_body
from kaartgen.render.fieldfont import install
from kaartgen.render.fields import draw_fields
from kaartgen.render.tags import Tagger


def colour_lookup(theme: Theme) -> Colours:
    cache: dict[str, CMYKColor] = {}

    def colour(name: str) -> CMYKColor:
        if name not in cache:
            cache[name] = theme.colours[name].pdf
        return cache[name]

    return colour


class PdfDoc:
    """One PDF being written. Sides listed as `shared` become form XObjects, drawn once and placed
    by reference wherever they recur, so a print run of many packs stores each common card once.

    A batch draws each edition's shared sides once, in a `library` document, and each client's
    pages in a `part` document that names those forms by `keys` (and the first subset of each font,
    see SharedTTFont) through placeholders; render/pdfjoin.py joins the two into a pack's file and
    into the print run, each shared object written once."""

    def __init__(self, title: str, subject: str, fonts: Fonts, keywords: str = "", share: str | None = None,
                 keys: dict[int, str] | None = None, lang: str | None = None, direction: str = "L2R"):
        # `title` and `subject` describe the set, never a client. The canvas starts in the cards'
        # body font: reportlab's default (Helvetica) would otherwise be referenced, unembedded.
        self._buffer = io.BytesIO()
        self.fonts = fonts
        self.c = Canvas(self._buffer, invariant=1, pageCompression=1, initialFontName=fonts.base)
        self.c.setTitle(title)
        self.c.setSubject(subject)
        self.c.setAuthor("")
        self.c.setCreator(f"kaartgen {__version__}")
        self.c.setKeywords(keywords)  # "kaartgen <language>/<variant> <size> <format>": how `read` knows a pack
        self._forms: dict[int, str] = {}
        self._intent = False
        self._alive: list[SideLayout] = []  # keeps form sides alive so their id() stays theirs
        self.pages = 0
        # One XObject dictionary for the whole document instead of one per page: a print run of
        # thousands of pages then holds, and writes, it once.
        self._xobjects = PDFDictionary({})
        self._xobjects_ref = rl.document(self.c).Reference(self._xobjects, "KaartgenXObjects")
        rl.one_xobject_dictionary(self.c, self._set_xobjects)
        self.share, self.keys = share, keys or {}
        # With `lang`, a tagged PDF (render/tags.py): drawn in place only, never from shared forms.
        self.tags = Tagger(self.c, title, lang, direction) if lang is not None else None
        if direction != "L2R" and self.tags is None:  # the reading order (templates/direction.yaml `pdf`)
            self.c.setViewerPreference("Direction", direction)
        if share is not None:  # "library" or "part"
            rl.mark_document(self.c, kaartgen_shared=True, kaartgen_part=share == "part")

    def _set_xobjects(self, thing: Any, names: list[str]) -> None:
        if not names:
            thing.XObjects = None
            return
        for name in names:
            internal = xObjectName(name)
            self._xobjects.dict.setdefault(internal, PDFObjectReference(internal))
        thing.XObjects = self._xobjects_ref

    def form(self, side: SideLayout, theme: Theme, fmt: Format, colour: Colours) -> str:
        key = id(side)
        if key not in self._forms and self.share == "part":  # drawn in the library: a placeholder here
            name = self.keys[key]
            rl.document(self.c).Reference(PDFString(f"kaartgen-shared form {name}"), xObjectName(name))
            self._forms[key] = name
        if key not in self._forms:
            name = self.keys.get(key, f"side{len(self._forms)}")
            run_on = mm(20)
            card = theme.card
            self.c.beginForm(name, -run_on, -run_on, card.width + run_on, card.height + run_on)
            draw_side_body(self.c, side, theme, fmt, colour)
            self.c.endForm()
            self._forms[key] = name
            self._alive.append(side)
        return self._forms[key]

    def add(self, pages: list[Page], theme: Theme, fmt: Format, shared: frozenset[int] = frozenset()) -> None:
        """Draw `pages` in format `fmt`, each a page of the document: its cut guides, its sides (the
        ones in `shared` as forms), its own items, crop marks, boxes, label and fields."""
        c = self.c
        colour = colour_lookup(theme)
        if self.tags is not None:
            self.tags.fields = fmt.fields
        for page in pages:
            c.setPageSize((page.width, page.height))
            if page.guides and fmt.cut_guides is not None:
                guides = fmt.cut_guides
                self._guide_lines(page.guides, colour(guides.colour), guides.width, guides.dash)
            self._place_sides(page, theme, fmt, colour, shared)
            if self.tags is not None and page.items:
                self.tags.section(f"page {self.pages}")
            draw_items(c, page.items, colour, self.tags)
            if page.crop_marks and fmt.crop_marks is not None:
                self._guide_lines(page.crop_marks, colour(fmt.crop_marks.colour), fmt.crop_marks.width)
            self._page_entries(page, theme, fmt, colour)
            c.showPage()
            rl.compress_last_page(c)  # a print run never holds every page's operators as text
            self.pages += 1
            if self.tags is not None:
                self.tags.next_page()

    def _guide_lines(self, lines: list[Guide], stroke: CMYKColor, width: float,
                     dash: tuple[float, float] | None = None) -> None:
        """Cut guides or crop marks: lines for the guillotine, drawn as decoration."""
        c = self.c
        with self._decoration():
            c.saveState()
            c.setStrokeColor(stroke)
            c.setLineWidth(width)
            if dash:
                c.setDash(list(dash))
            for g in lines:
                c.line(g.x1, g.y1, g.x2, g.y2)
            c.restoreState()

    def _place_sides(self, page: Page, theme: Theme, fmt: Format, colour: Colours, shared: frozenset[int]) -> None:
        """The card sides of a page: a shared one placed as its form (drawn once in the document),
        every other one drawn in place (always, in a tagged PDF: a form has no structure)."""
        c = self.c
        for p in page.placements:
            if self.tags is not None and id(p.side) in shared:
                raise AssertionError("a tagged PDF draws every side in place")
            form = self.form(p.side, theme, fmt, colour) if id(p.side) in shared else None
            draw_side(c, p.side, p.x, p.y, theme, fmt, colour, p.rotation, self.tags, p.overlay, form)

    def _page_entries(self, page: Page, theme: Theme, fmt: Format, colour: Colours) -> None:
        """What a page holds besides its drawing: the trim and bleed boxes, the document's output
        intent (once), the page's label and, in a fillable format, its form fields."""
        c = self.c
        if page.trim:
            c.setTrimBox(page.trim)
            c.setBleedBox(page.bleed)
        if fmt.output_intent is not None and not self._intent:
            self._set_output_intent(fmt.output_intent)
        if page.label:
            c.addPageLabel(self.pages, prefix=page.label)
        if fmt.fields:
            if not hasattr(c, "AcroForm"):
                install(c, self.fonts.typing())
            draw_fields(c, page, colour, theme if fmt.write_in == "box" else None, self.tags)

    def _decoration(self) -> AbstractContextManager[None]:
        """Cut guides and crop marks: artifacts in a tagged PDF."""
        return self.tags.artifact() if self.tags is not None else nullcontext()

    def _set_output_intent(self, intent: OutputIntent) -> None:
        """The PDF/X output intent: the printing condition the CMYK values are meant for, named by
        its ICC registry identifier (which PDF/X allows instead of an embedded profile). It says
        what the colours mean; it does not make the file a validated PDF/X."""
        rl.set_catalog(self.c, OutputIntents=PDFArray([PDFDictionary({
            "Type": PDFName("OutputIntent"), "S": PDFName("GTS_PDFX"),
            "OutputConditionIdentifier": PDFString(intent.identifier), "OutputCondition": PDFString(intent.condition),
            "RegistryName": PDFString(intent.registry), "Info": PDFString(intent.condition)})]))
        self._intent = True

    def finish(self) -> bytes:
        if self.tags is not None:
            self.tags.finish()
        self.c.save()
        return self._buffer.getvalue()


def render_library(sides: list[tuple[str, SideLayout]], font_names: list[str], theme: Theme, fmt: Format,
                   fonts: Fonts) -> bytes:
    """An edition's library document: each shared side as a form named by its key, and the shared
    first subset of every font a pack may use, on one page that only exists to hold them."""
    doc = PdfDoc("", "library", fonts, share="library", keys={id(side): key for key, side in sides})
    c = doc.c
    for name in font_names:  # embedded even when no shared side uses them: a pack may
        rl.embed_first_subset(pdfmetrics.getFont(name), c)
    colour = colour_lookup(theme)
    c.setPageSize((theme.card.width, theme.card.height))
    for _, side in sides:
        c.doForm(doc.form(side, theme, fmt, colour))
    c.showPage()
    return doc.finish()


def render_pdf(pages: list[Page], theme: Theme, fmt: Format, title: str, subject: str, fonts: Fonts,
               keywords: str = "", lang: str | None = None) -> bytes:
    """The PDF bytes for `pages`, every side drawn in place; tagged, in language `lang`, if the
    format says so."""
    doc = PdfDoc(title, subject, fonts, keywords, lang=lang if fmt.tagged else None, direction=theme.direction.pdf)
    doc.add(pages, theme, fmt)
    return doc.finish()
