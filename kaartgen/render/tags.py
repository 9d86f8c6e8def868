"""Tagged PDF (aiming at PDF/UA-1): marked content on the canvas and the structure tree behind it.

reportlab writes no tags, but kaartgen knows every item it draws: layout gives each one a `Tag`
(layout/items.py) — its role and how it nests — or none, for decoration. While a page is drawn,
`Tagger.mark` wraps each item's operators in `/Role <</MCID n>> BDC … EMC` (or `/Artifact BMC … EMC`)
and adds the item to the structure tree in drawing order, which layout keeps in reading order.
`finish` then writes the tree, the parent tree, the widgets' links to their Form elements and the
catalog entries (/Lang, /MarkInfo, DisplayDocTitle, XMP with the PDF/UA identifier) as reportlab
objects, so the file is still written once, by reportlab, byte for byte the same every time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from html import escape  # not xml.sax.saxutils: that imports urllib, http and ssl (11 ms at start)
from typing import Any

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
from reportlab.platypus import Flowable, Paragraph

from kaartgen import reportlab_internals as rl
from kaartgen.layout.items import Tag
from kaartgen.messages import Term

ARTIFACT = "/Artifact BMC"


@dataclass(eq=False)
class Element:
    """A structure element: its role, and its kids in order — elements, marked content
    (page index, MCID) and widget annotations (page index, annotation name)."""

    role: str
    parent: Element | None
    alt: str = ""
    kids: list[Element | tuple[int, int] | tuple[int, str]] = field(default_factory=list)

    def page(self) -> int | None:
        """The page of the element's first content, for its /Pg."""
        for kid in self.kids:
            if isinstance(kid, tuple):
                return kid[0]
            page = kid.page()
            if page is not None:
                return page
        return None


class Tagger:
    """Tags what one canvas draws. Sections open per card (`section`); items are marked as drawn."""

    def __init__(self, canvas: Canvas, title: str, lang: str, direction: str = "L2R"):
        self.c = canvas
        self.title, self.lang, self.direction = title, lang, direction
        self.root = Element("Document", None)
        self.base: list[Element] = [self.root]  # the document and, once one is open, the section
        self.open: list[Element] = [self.root]  # the base, then the elements the last item left open
        self.section_key: str | Term | None = None
        self.sections: dict[str | Term, Element] = {}
        self.mcid = 0  # the next MCID on the current page
        self.page = 0
        self.on_page: list[list[Element]] = [[]]  # per page: the element of each MCID
        self.forms: dict[tuple[str, str | None], Element] = {}  # Form elements waiting for their widget
        self.widgets: list[tuple[str, Element]] = []  # (annotation name, Form element) in tab order
        self.fields = True  # whether fields get widgets (digital formats); in print they are nothing

    # -- while drawing ------------------------------------------------------------------------------

    def section(self, key: str | Term) -> None:
        """Continue in the Sect of `key` (a card's id, or a side's label), new at its first use: a card's sides share
        one, even when imposition draws other cards between its front and its back (the structure
        keeps the reading order, whatever the order on the sheet)."""
        if key != self.section_key:
            self.section_key = key
            if key not in self.sections:
                self.sections[key] = Element("Sect", self.root)
                self.root.kids.append(self.sections[key])
            self.base = self.open = [self.root, self.sections[key]]

    def _element(self, tag: Tag) -> Element:
        """The leaf element for an item with `tag`: the first `keep` roles continue what is open."""
        base = self.base
        chain = base[:]
        for depth, role in enumerate(tag.path):
            here = len(base) + depth
            if depth < tag.keep and here < len(self.open) and self.open[here].role == role:
                chain.append(self.open[here])
                continue
            parent = chain[-1]
            element = Element(role, parent, tag.alt if depth == len(tag.path) - 1 else "")
            parent.kids.append(element)
            chain.append(element)
        self.open = chain
        return chain[-1]

    @contextmanager
    def mark(self, tag: Tag | None) -> Iterator[None]:
        """Wrap what is drawn inside in marked content: tagged with `tag`, or an artifact."""
        if tag is None:
            rl.emit(self.c, ARTIFACT)
        else:
            element = self._element(tag)
            rl.emit(self.c, f"/{tag.path[-1]} <</MCID {self.mcid}>> BDC")
            element.kids.append((self.page, self.mcid))
            self.on_page[self.page].append(element)
            self.mcid += 1
        yield
        rl.emit(self.c, "EMC")

    def artifact(self) -> AbstractContextManager[None]:
        """Wrap what is drawn inside as decoration."""
        return self.mark(None)

    def form(self, tag: Tag, key: tuple[str, str | None]) -> None:
        """A field's Form element, in reading order; `widget` links it to its annotation later."""
        if self.fields:
            self.forms[key] = self._element(tag)

    def widget(self, key: tuple[str, str | None]) -> None:
        """Link the annotation just added to the canvas to the Form element of the field `key`."""
        element = self.forms.pop(key)
        name = rl.last_annotation_name(self.c)
        element.kids.append((self.page, name))
        self.widgets.append((name, element))

    def next_page(self) -> None:
        """Call after each showPage: MCIDs count per page."""
        self.page += 1
        self.mcid = 0
        self.on_page.append([])

    # -- at the end ----------------------------------------------------------------------------------

    def finish(self) -> None:
        """Write the structure tree and the catalog's accessibility entries into the document."""
        doc = rl.document(self.c)
        pages = rl.pages(self.c)
        if self.forms:
            raise AssertionError(f"fields without a widget: {sorted(self.forms)}")
        refs: dict[int, PDFObjectReference] = {}
        objects: dict[int, PDFDictionary] = {}

        def ref(element: Element) -> PDFObjectReference:
            key = id(element)
            if key not in refs:
                objects[key] = PDFDictionary({})
                refs[key] = doc.Reference(objects[key], f"KgStruct{len(refs)}")
            return refs[key]

        def page_ref(index: int) -> PDFObjectReference:
            return PDFObjectReference(f"Page{index + 1}")

        tree_root = PDFDictionary({})
        root_ref = doc.Reference(tree_root, "KgStructTreeRoot")

        def build(element: Element, parent: PDFObjectReference) -> None:
            me = ref(element)
            d = objects[id(element)]
            d["Type"] = PDFName("StructElem")
            d["S"] = PDFName(element.role)
            d["P"] = parent
            home = element.page()
            if home is not None:
                d["Pg"] = page_ref(home)
            if element.alt:
                d["Alt"] = PDFString(element.alt)
            if element.role == "TH":  # kaartgen's tables have one header row: each TH heads its column
                d["A"] = PDFDictionary({"O": PDFName("Table"), "Scope": PDFName("Column")})
            kids = []
            for kid in element.kids:
                if isinstance(kid, Element):
                    build(kid, me)
                    kids.append(refs[id(kid)])
                elif isinstance(kid[1], str):  # a widget annotation
                    kids.append(PDFDictionary({"Type": PDFName("OBJR"), "Obj": PDFObjectReference(kid[1]),
                                               "Pg": page_ref(kid[0])}))
                elif kid[0] == home:
                    kids.append(kid[1])
                else:
                    kids.append(PDFDictionary({"Type": PDFName("MCR"), "Pg": page_ref(kid[0]), "MCID": kid[1]}))
            d["K"] = kids[0] if len(kids) == 1 else PDFArray(kids)  # one kid needs no array

        ref(self.root)
        build(self.root, root_ref)

        nums: list[object] = []
        for index, page in enumerate(pages):
            rl.set_page(page, StructParents=index, Tabs=PDFName("S"))
            elements = self.on_page[index] if index < len(self.on_page) else []
            nums += [index, PDFArray([refs[id(e)] for e in elements])]
        for n, (name, element) in enumerate(self.widgets):
            key = len(pages) + n
            rl.named_object(self.c, name)["StructParent"] = key
            nums += [key, refs[id(element)]]
        tree_root.dict.update({"Type": PDFName("StructTreeRoot"), "K": PDFArray([refs[id(self.root)]]),
                               "ParentTree": PDFDictionary({"Nums": PDFArray(nums)}),
                               "ParentTreeNextKey": len(pages) + len(self.widgets)})

        rl.set_catalog(self.c, StructTreeRoot=root_ref, MarkInfo=PDFDictionary({"Marked": "true"}),
                       Lang=PDFString(self.lang), ViewerPreferences=PDFDictionary(viewer_preferences(self.direction)),
                       Metadata=_xmp(self.title, self.lang, doc))


def viewer_preferences(direction: str) -> dict[str, object]:
    """A tagged PDF's /ViewerPreferences: its title shown, and its reading order when it is not the
    default left to right (templates/direction.yaml `pdf`)."""
    return {"DisplayDocTitle": "true", **({"Direction": PDFName(direction)} if direction != "L2R" else {})}


def _xmp(title: str, lang: str, doc: PDFDocument) -> PDFObjectReference:
    """The XMP packet PDF/UA asks for: the title (the set's, never a client's) and the PDF/UA part."""
    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title, quote=False)}</rdf:li></rdf:Alt></dc:title>
   <dc:language><rdf:Bag><rdf:li>{escape(lang, quote=False)}</rdf:li></rdf:Bag></dc:language>
   <pdfuaid:part>1</pdfuaid:part>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="r"?>"""
    stream = PDFStream(PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
                       packet.encode("utf-8"))
    stream.filters = []
    return doc.Reference(stream, "KgMetadata")


class Tagged(Flowable):  # type: ignore[misc]  # reportlab has no type hints: Flowable is Any
    """A platypus flowable drawn as one structure element (`tag`), or as decoration (None). A
    paragraph split over pages stays one element: its later parts continue it."""

    def __init__(self, inner: Flowable, tag: Tag | None):
        super().__init__()
        self.inner, self.tag = inner, tag

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width, self.height = self.inner.wrap(available_width, available_height)
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        parts = self.inner.split(available_width, available_height)
        later = None if self.tag is None else Tag(self.tag.path, len(self.tag.path), self.tag.alt)
        return [Tagged(part, self.tag if i == 0 else later) for i, part in enumerate(parts)]

    def getSpaceBefore(self) -> float:  # reportlab's names
        space: float = self.inner.getSpaceBefore()
        return space

    def getSpaceAfter(self) -> float:
        space: float = self.inner.getSpaceAfter()
        return space

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        inner = self.inner
        if isinstance(inner, Paragraph) and self.tag is not None:
            inner = rl.with_end_spaces(inner)
        with canvas.tags.mark(self.tag):
            inner.drawOn(canvas, x, y, _sW)


class TaggedTable(rl.DecoratedTable):
    """A table whose backgrounds and rules are decoration; its cells are Tagged flowables."""

    def decoration(self) -> AbstractContextManager[None]:
        tagger: Tagger = self.canv.tags
        return tagger.artifact()


def tagging_canvas(lang: str, direction: str = "L2R") -> type[Canvas]:
    """A canvas class for platypus documents (`build(..., canvasmaker=...)`) that tags: flowables
    wrapped in Tagged mark themselves; the structure is written when the document is saved, under
    the document's title."""

    class TaggingCanvas(Canvas):  # type: ignore[misc]  # reportlab has no type hints: Canvas is Any
        def __init__(self, *args: Any, **kwargs: Any):
            super().__init__(*args, **kwargs)
            self.tags = Tagger(self, "", lang, direction)

        def showPage(self) -> None:
            super().showPage()
            self.tags.next_page()

        def save(self) -> None:
            if rl.page_has_content(self):
                self.showPage()
            self.tags.title = rl.document_title(self)
            self.tags.finish()
            super().save()

    return TaggingCanvas
