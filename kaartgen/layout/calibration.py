"""A two-sided sheet to measure how far a duplex printer shifts the back side.

The front has a cross at the page centre; the back has two rulers where that cross should appear
after a long-edge flip. Held against the light, the cross lines meet the rulers at the values to
pass as --back-offset: the ruler labels already are the correction, in mm, in back-page
coordinates. The sheet is printed without any offset so that it measures the printer alone.
"""

from __future__ import annotations

from kaartgen.errors import KaartgenError
from kaartgen.layout.imposition import Page
from kaartgen.layout.cards import Item, Layout, Rule, TextBox
from kaartgen.model.text import render
from kaartgen.model.theme import Format
from kaartgen.model.units import mm

_RANGE = 10  # mm either side of zero
_ARM = mm(45)  # half length of the front cross


def _ruler(layout: Layout, cx: float, cy: float, vertical: bool, label: str, colour: str) -> list[Item]:
    """A ruler of ±10 mm centred on (cx, cy): ticks every 0.5 mm, longer every mm, numbers every 5 mm."""
    style = layout.theme.footer.style
    items: list[Item] = []
    for half in range(-2 * _RANGE, 2 * _RANGE + 1):
        u = mm(half / 2)
        length = mm(6) if half % 10 == 0 else mm(4) if half % 2 == 0 else mm(2)
        if vertical:
            items.append(Rule(cx, cy + u, cx + length, cy + u, colour, 0.4))
        else:
            items.append(Rule(cx + u, cy, cx + u, cy + length, colour, 0.4))
        if half % 10 == 0:
            p, h = layout.para(str(half // 2), style, mm(8), align="center")
            if vertical:
                items.append(TextBox(cx + mm(5), cy + u - h / 3, mm(8), h, p))
            else:
                items.append(TextBox(cx + u - mm(4), cy + mm(7), mm(8), h, p))
    p, h = layout.para(label, style, mm(40))
    if vertical:
        items.append(TextBox(cx + mm(2), cy - mm(_RANGE) - mm(3) - h, mm(40), h, p))
    else:
        items.append(TextBox(cx + mm(_RANGE) + mm(3), cy, mm(40), h, p))
    return items


def calibration_pages(layout: Layout, fmt: Format, fmt_name: str) -> list[Page]:
    if fmt.page == "card" or fmt.duplex is None:
        raise KaartgenError(f"format '{fmt_name}' is not printed duplex; --calibration goes with a duplex format such as office")
    pw, ph = fmt.page
    cal = layout.cs.info.calibration
    text = layout.theme.text_blocks
    width = pw - 2 * mm(25)
    colour = "ink"

    def header(body: str) -> list[Item]:
        t, th = layout.para(render(cal.title, {}), text.heading, width)
        b, bh = layout.para(body, text.text, width)
        top = ph - mm(25)
        return [TextBox(mm(25), top - th, width, th, t), TextBox(mm(25), top - th - mm(3) - bh, width, bh, b)]

    cx, cy = pw / 2, ph / 2
    front = Page(pw, ph, items=header(render(cal.front, {})) + [
        Rule(cx - _ARM, cy, cx + _ARM, cy, colour, 0.3),
        Rule(cx, cy - _ARM, cx, cy + _ARM, colour, 0.3),
    ])
    bx = pw - cx  # where the front's vertical line lands after a long-edge flip (portrait sheet)
    by = cy if pw <= ph else ph - cy
    back_text = render(cal.back, {"example": "0.5,-1"})
    back = Page(pw, ph, items=header(back_text)
                + _ruler(layout, bx, by + mm(20), False, cal.horizontal, colour)
                + _ruler(layout, bx + mm(20), by, True, cal.vertical, colour))
    return [front, back]
