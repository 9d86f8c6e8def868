"""What a laid-out page is made of: positioned drawing items, card sides and cards.

Layout produces these and nothing else; the renderers (render/) draw them, and imposition places
card sides on pages. Coordinates are points; for a card side, from its bottom-left trim corner.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from reportlab.platypus import Paragraph

from kaartgen.messages import Term


@dataclass(frozen=True)
class Tag:
    """Where an item sits in the document's structure, for tagged (accessible) PDFs.

    `path` lists the structure roles from the card's section inwards, e.g. ("L", "LI", "LBody");
    the first `keep` of them continue the elements the previous tagged item left open (the same
    list, the same list item), the rest are new. Items without a tag are decoration (artifacts).
    Layout decides this because only layout knows that a letter in a circle labels the text
    beside it; the renderer only writes it down."""

    path: tuple[str, ...]
    keep: int = 0
    alt: str = ""  # what a screen reader says for a Figure


P = Tag(("P",))
FORM = Tag(("Form",))


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Fill:
    """A background area; `to_edge` areas that touch the trim edge run on into bleed."""

    rect: Rect
    colour: str


@dataclass(frozen=True)
class TextBox:
    x: float
    y: float  # bottom of the wrapped paragraph
    w: float
    h: float
    para: Paragraph
    tag: Tag | None = P


@dataclass(frozen=True)
class Rule:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: str
    width: float
    writing: bool = False  # a ruled line of a write-in area (formats for typing draw a box instead)
    tag: Tag | None = None


@dataclass(frozen=True)
class Circle:
    cx: float
    cy: float
    r: float
    colour: str
    width: float
    fill: str | None = None
    tag: Tag | None = None


@dataclass(frozen=True)
class Polyline:
    points: tuple[tuple[float, float], ...]
    colour: str
    width: float
    closed: bool = False
    tag: Tag | None = None


@dataclass(frozen=True)
class Frame:
    rect: Rect
    radius: float
    colour: str
    width: float
    tag: Tag | None = None


@dataclass(frozen=True)
class Field:
    """Where an answer is written: a fillable field in digital formats, nothing in print."""

    rect: Rect
    name: str
    kind: str  # "text", "checkbox", "radio", or "hidden" (the pack's reference, for `read`)
    value: str | None = None  # the option of a radio button or check box
    label: str = ""  # what a screen reader says for the field
    shape: str = "square"  # of a check box or radio button: what is printed under it ("square", "circle")
    area: Rect | None = None  # where a pen's mark for this option may be, when more than the box (a description)
    tag: Tag | None = FORM

    @property
    def tagged(self) -> bool:
        """Whether a tagged PDF gives the field a Form element (the hidden reference gets none)."""
        return self.kind != "hidden" and self.tag is not None

@dataclass(frozen=True)
class Bars:
    """A four-state postal barcode (PostNL's KIX): one filled rectangle a bar, left to right.

    (x, y) is the bottom-left corner of the symbol: the foot of the first descender. Each bar in
    `bars` is "F" (full: ascender, tracker and descender), "A" (ascender and tracker), "D"
    (tracker and descender) or "T" (tracker only); bar `i` starts at x + i * pitch. The tracker
    lies `ascender` above y; a full bar is `tracker + 2 * ascender` high."""

    x: float
    y: float
    bars: tuple[str, ...]
    width: float  # of one bar
    pitch: float  # from the left edge of a bar to that of the next
    tracker: float  # height of the middle part every bar has
    ascender: float  # how far an ascender reaches above the tracker, and a descender below it
    colour: str
    tag: Tag | None = None  # for a machine: decoration to a screen reader

    @property
    def height(self) -> float:
        return self.tracker + 2 * self.ascender

    @property
    def length(self) -> float:
        """From the left edge of the first bar to the right edge of the last."""
        return (len(self.bars) - 1) * self.pitch + self.width if self.bars else 0.0

    def rects(self) -> list[Rect]:
        """Each bar as the rectangle it fills."""
        out = []
        for i, bar in enumerate(self.bars):
            bottom = self.y if bar in "FD" else self.y + self.ascender
            top = self.y + self.height if bar in "FA" else self.y + self.ascender + self.tracker
            out.append(Rect(self.x + i * self.pitch, bottom, self.width, top - bottom))
        return out


@dataclass(frozen=True)
class Matrix:
    """A 2D code (a Data Matrix for `kaartgen scan`): one filled square a dark module. (x, y) is the
    bottom-left corner of the symbol without its quiet zone; `rows` run top to bottom, "1" dark."""

    x: float
    y: float
    module: float
    rows: tuple[str, ...]
    colour: str
    tag: Tag | None = None  # for a machine: decoration to a screen reader

    @property
    def size(self) -> float:
        return len(self.rows) * self.module


Item = Fill | TextBox | Rule | Circle | Polyline | Frame | Field | Bars | Matrix


@dataclass
class SideLayout:
    label: Term  # for messages: "card 2/6 'situatie', side 2", in the message's language
    background: str  # colour of the card panel
    framed: bool  # white cards get a thin frame where the format draws one
    items: list[Item] = field(default_factory=list)
    spare: float = 0.0  # height left over in the text area before write-in lines grew into it
    card: str = ""  # the card's id: a tagged PDF puts a card's sides in one section
    code: Rect | None = None  # where this side's scan code goes (printed fill-in cards): kept free


@dataclass
class CardLayout:
    id: str
    kind: str  # "fill-in" or "domain"
    sides: list[SideLayout]
    overlays: list[list[Item]] = field(default_factory=list)  # drawn over each side, even a shared one: its code


def _mirror_rect(r: Rect, width: float) -> Rect:
    return Rect(width - r.x - r.w, r.y, r.w, r.h)


def mirrored(items: list[Item], width: float) -> list[Item]:
    """A side's items as a right-to-left card shows them: every position reflected in the side's
    vertical middle (`width` wide), so what stood at the left edge stands at the right. The texts
    keep their place in their box; their alignment is the typesetter's (templates/direction.yaml)."""
    out: list[Item] = []
    for item in items:
        if isinstance(item, Field):
            area = _mirror_rect(item.area, width) if item.area is not None else None
            out.append(replace(item, rect=_mirror_rect(item.rect, width), area=area))
        elif isinstance(item, (Fill, Frame)):
            out.append(replace(item, rect=_mirror_rect(item.rect, width)))
        elif isinstance(item, TextBox):
            out.append(replace(item, x=width - item.x - item.w))
        elif isinstance(item, Rule):
            out.append(replace(item, x1=width - item.x2, x2=width - item.x1))
        elif isinstance(item, Circle):
            out.append(replace(item, cx=width - item.cx))
        elif isinstance(item, Polyline):
            out.append(replace(item, points=tuple((width - x, y) for x, y in item.points)))
        else:  # a barcode is read by a machine from its left end: never turned round
            out.append(item)
    return out
