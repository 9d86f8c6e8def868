"""The marks `kaartgen scan` finds a printed fill-in card by: a dot in each corner and a 2D code.

The dots are the same on every copy of a side, so they belong to the side (drawn once in a
batch's shared form). The code names the pack's reference, so it is an overlay: drawn over the
shared side, in the spot the footer kept free for it (templates/card.yaml `scan_marks`).
"""

from __future__ import annotations

from kaartgen import reportlab_internals as rl
from kaartgen.errors import FitError
from kaartgen.layout.items import (
    Bars,
    CardLayout,
    Circle,
    Field,
    Fill,
    Frame,
    Item,
    Matrix,
    Polyline,
    Rect,
    Rule,
    SideLayout,
    TextBox,
)
from kaartgen.model.scancode import ScanId
from kaartgen.model.theme import Theme
from kaartgen.model.units import to_mm

_DARK = bytes(ord("1") if value < 128 else ord("0") for value in range(256))  # a grey byte as a module


def dot_centres(theme: Theme) -> list[tuple[float, float]]:
    """The corner dots' centres in card points, from the bottom-left trim corner: bottom-left,
    bottom-right, top-right, top-left (the order `kaartgen scan` matches them in)."""
    card, inset = theme.card, theme.scan_marks.inset
    return [(inset, inset), (card.width - inset, inset), (card.width - inset, card.height - inset),
            (inset, card.height - inset)]


def dots(theme: Theme) -> list[Item]:
    look = theme.scan_marks
    return [Circle(x, y, look.dot / 2, look.colour, 0.0, fill=look.colour, tag=None) for x, y in dot_centres(theme)]


def code_spot(theme: Theme, number_width: float) -> Rect:
    """The square the code may take (with its quiet zone): at the foot of the card, `gap` before
    the card number, which takes `number_width` at the right of the text area."""
    card, look = theme.card, theme.scan_marks
    right = card.width - card.margin - number_width - look.gap
    return Rect(right - look.box, look.bottom, look.box, look.box)


def code(theme: Theme, spot: Rect, scan_id: ScanId) -> Matrix:
    """The Data Matrix of `scan_id`, square, at the bottom-right of `spot` inside its quiet zone."""
    import zxingcpp

    look = theme.scan_marks
    symbol = zxingcpp.create_barcode(scan_id.text(), zxingcpp.BarcodeFormat.DataMatrix, force_square=True)
    image = symbol.to_image(scale=1, add_quiet_zones=False)  # 8-bit grey, one byte a module
    size = image.__array_interface__["shape"][0]
    if size > look.modules:
        raise FitError("layout.scan_code_size", modules=size, limit=look.modules)
    modules = bytes(memoryview(image)).translate(_DARK).decode("ascii")  # type: ignore[arg-type]  # a buffer, untyped
    rows = tuple(modules[r * size:(r + 1) * size] for r in range(size))
    inner = spot.w - 2 * look.module
    return Matrix(spot.x + look.module + inner - size * look.module, spot.y + look.module, look.module, rows,
                  look.colour)


def coded(cards: list[CardLayout], theme: Theme, ids: list[list[ScanId | None]]) -> list[CardLayout]:
    """`cards` with each side's code as its overlay, where the side keeps a spot for one; the
    sides themselves are shared, not copied."""
    out = []
    for card, card_ids in zip(cards, ids, strict=True):
        overlays: list[list[Item]] = []
        for side, scan_id in zip(card.sides, card_ids, strict=True):
            overlays.append([code(theme, side.code, scan_id)] if side.code is not None and scan_id else [])
        out.append(CardLayout(card.id, card.kind, card.sides, overlays) if any(overlays) else card)
    return out


def check_clear(side: SideLayout, theme: Theme) -> None:
    """The dots and the code's spot touch nothing else on the side: no text, no write-in space, no
    box to tick (checked before the side's own dots are added). Raised as a layout error, so that
    `kaartgen lint` reports it for every set."""
    marks = [_bounds(d) for d in dots(theme)] + ([side.code] if side.code is not None else [])
    card = theme.card
    for item in side.items:
        box = _bounds(item)
        if box is None:
            continue
        for mark in marks:
            if mark is not None and _overlap(mark, box):
                raise FitError("layout.scan_overlap", side=side.label, x=f"{to_mm(mark.x):.1f}",
                               y=f"{to_mm(card.height - mark.y - mark.h):.1f}")


def _bounds(item: Item) -> Rect | None:
    if isinstance(item, TextBox):
        return _ink(item)
    if isinstance(item, Rule):
        return Rect(min(item.x1, item.x2), min(item.y1, item.y2), abs(item.x2 - item.x1), abs(item.y2 - item.y1))
    if isinstance(item, Circle):
        return Rect(item.cx - item.r, item.cy - item.r, 2 * item.r, 2 * item.r)
    if isinstance(item, (Frame, Fill)):
        return item.rect
    if isinstance(item, Field):
        return item.rect if item.kind != "hidden" else None
    if isinstance(item, Polyline):
        xs, ys = [p[0] for p in item.points], [p[1] for p in item.points]
        return Rect(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
    if isinstance(item, Bars):
        return Rect(item.x, item.y, item.length, item.height)
    if isinstance(item, Matrix):
        return Rect(item.x, item.y, item.size, item.size)
    return None


def _ink(box: TextBox) -> Rect | None:
    """The part of a text box its lines take (a right-aligned card number takes the right end of
    a box as wide as the text area); None for an empty paragraph."""
    if not box.para.getPlainText().strip():
        return None
    used = rl.used_width(box.para, box.w)
    align = box.para.style.alignment
    x = box.x + box.w - used if align == 2 else box.x + (box.w - used) / 2 if align == 1 else box.x
    return Rect(x, box.y, used if align in (0, 1, 2) else box.w, box.h)


def _overlap(a: Rect, b: Rect) -> bool:
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h
