"""Imposition: which card side goes where on which page, per format.

Grid formats put cards on sheets (e.g. four A6 on A4) and, for duplex, put each back on the
reverse page at the mirrored slot, so that after a long-edge flip it lands behind its front. The
"card" page puts one side on a page of its own size. Geometry comes from templates/formats.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kaartgen.errors import FieldError, KaartgenError
from kaartgen.layout.items import CardLayout, Item, SideLayout
from kaartgen.model.theme import Format, Theme
from kaartgen.model.units import to_mm


@dataclass(frozen=True)
class Placement:
    """A side on a page: (x, y) is the bottom-left of the cell it fills; `rotation` in degrees.

    At 90 the card's top points to the page's left edge; at -90, to its right edge.
    """

    side: SideLayout
    x: float
    y: float
    rotation: int = 0
    overlay: tuple[Item, ...] = ()  # drawn over the side in its place: what differs from pack to pack


@dataclass(frozen=True)
class Guide:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass
class Page:
    width: float
    height: float
    placements: list[Placement] = field(default_factory=list)
    guides: list[Guide] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)  # drawn in page coordinates (calibration sheet)
    trim: tuple[float, float, float, float] | None = None  # TrimBox and BleedBox for the print shop
    bleed: tuple[float, float, float, float] | None = None
    crop_marks: list[Guide] = field(default_factory=list)
    label: str | None = None  # the page's label in a PDF viewer and the print shop's tools


def impose(cards: list[CardLayout], fmt: Format, theme: Theme, fmt_name: str, crop_marks: bool = False,
           sides: tuple[str, str] | None = None) -> list[Page]:
    """The pages of `cards` in format `fmt`. With `sides` (the words for front and back), pages of
    one side each are labelled `<number>-<card>-<side>`, e.g. 1-introductie-voor."""
    if crop_marks and fmt.crop_marks is None:
        raise FieldError("crop_marks", "option.crop_marks_format", format=fmt_name)
    if fmt.page == "card":
        pages = []
        for number, card in enumerate(cards, 1):
            faces: list[SideLayout | None] = list(card.sides)
            if fmt.pairs and len(faces) == 1:
                faces.append(None)  # a blank back, so that an imposition program pairs every page right
            for i, side in enumerate(faces):
                page = _single(side, fmt, theme, crop_marks, _overlay(card, i))
                if sides is not None:
                    page.label = f"{number}-{card.id}-{sides[min(i, 1)]}"
                pages.append(page)
        return pages
    return _grid(cards, fmt, fmt.page, theme, fmt_name)


def _overlay(card: CardLayout, side: int) -> tuple[Item, ...]:
    return tuple(card.overlays[side]) if side < len(card.overlays) else ()


def _single(side: SideLayout | None, fmt: Format, theme: Theme, crop_marks: bool,
            overlay: tuple[Item, ...] = ()) -> Page:
    """One side on a page of its own: the trim size, plus bleed and room for crop marks if any.
    Without a side, the blank back of a one-sided card: the same boxes and marks, nothing printed."""
    w, h = theme.card.width, theme.card.height
    b = fmt.bleed
    marks = fmt.crop_marks if crop_marks else None
    m = b + (marks.offset + marks.length if marks else 0.0)
    page = Page(w + 2 * m, h + 2 * m, [Placement(side, m, m, overlay=overlay)] if side is not None else [])
    if b or marks:
        page.trim = (m, m, m + w, m + h)
        page.bleed = (m - b, m - b, m + w + b, m + h + b)
    if marks:
        near, far = b + marks.offset, b + marks.offset + marks.length  # distance outside the trim edge
        for x in (m, m + w):
            page.crop_marks += [Guide(x, m - far, x, m - near), Guide(x, m + h + near, x, m + h + far)]
        for y in (m, m + h):
            page.crop_marks += [Guide(m - far, y, m - near, y), Guide(m + w + near, y, m + w + far, y)]
    return page


def _grid(cards: list[CardLayout], fmt: Format, page: tuple[float, float], theme: Theme, fmt_name: str) -> list[Page]:
    """Cards on sheets of size `page` (the format's page, when it is not "card")."""
    pw, ph = page
    w, h = (theme.card.height, theme.card.width) if fmt.rotate else (theme.card.width, theme.card.height)
    cols, rows = fmt.columns, fmt.rows
    gx, gy = (pw - cols * w) / 2, (ph - rows * h) / 2
    ink_edge = min(gx, gy) + fmt.panel_inset
    if gx < 0 or gy < 0 or ink_edge < fmt.safe_margin - 1e-6:
        raise KaartgenError("template.safe_margin", loc=("formats", fmt_name), format=fmt_name, cols=cols, rows=rows,
                            width=f"{to_mm(theme.card.width):.0f}", height=f"{to_mm(theme.card.height):.0f}",
                            edge=f"{to_mm(ink_edge):.1f}", margin=f"{to_mm(fmt.safe_margin):.1f}")

    def slot(index: int, back: bool) -> tuple[float, float, int]:
        r, c = divmod(index, cols)
        if back and pw <= ph:  # portrait sheet flipped on its long edge: columns swap sides
            c = cols - 1 - c
        elif back:  # landscape sheet flipped on its long edge: rows swap
            r = rows - 1 - r
        dx, dy = fmt.back_offset if back else (0.0, 0.0)
        rotation = (-90 if back else 90) if fmt.rotate else 0  # a flip turns a quarter turn around
        return gx + c * w + dx, ph - gy - (r + 1) * h + dy, rotation

    guides = _guides(fmt, pw, ph, gx, gy, w, h)
    per_sheet = cols * rows
    pages: list[Page] = []
    for start in range(0, len(cards), per_sheet):
        sheet = cards[start:start + per_sheet]
        front = Page(pw, ph, guides=guides)
        back = Page(pw, ph)
        for i, card in enumerate(sheet):
            front.placements.append(Placement(card.sides[0], *slot(i, False), overlay=_overlay(card, 0)))
            if len(card.sides) > 1:
                back.placements.append(Placement(card.sides[1], *slot(i, fmt.duplex is not None),
                                                 overlay=_overlay(card, 1)))
        pages.append(front)
        if fmt.duplex is not None or back.placements:
            pages.append(back)  # a blank back keeps the next sheet's fronts on fronts
    return pages


def _guides(fmt: Format, pw: float, ph: float, gx: float, gy: float, w: float, h: float) -> list[Guide]:
    """Cut lines through the white gutters between card panels, kept clear of the page edge."""
    if fmt.cut_guides is None:
        return []
    s = fmt.safe_margin
    out = []
    for c in range(fmt.columns + 1):
        x = gx + c * w
        if s <= x <= pw - s:
            out.append(Guide(x, s, x, ph - s))
    for r in range(fmt.rows + 1):
        y = ph - gy - r * h
        if s <= y <= ph - s:
            out.append(Guide(s, y, pw - s, y))
    return out
