"""A two-sided sheet to measure how far a duplex printer shifts the back side.

The front has a cross at the page centre; the back has two rulers where that cross should appear
after a long-edge flip. Held against the light, the cross lines meet the rulers at the values to
pass as --back-offset: the ruler labels already are the correction, in mm, in back-page
coordinates. The sheet is printed without any offset so that it measures the printer alone.
"""

from __future__ import annotations

from kaartgen.errors import FieldError
from kaartgen.layout.imposition import Page
from kaartgen.layout.items import Item, Rule, TextBox
from kaartgen.layout.typeset import Typesetter
from kaartgen.model.content import Calibration
from kaartgen.model.text import render
from kaartgen.model.theme import Format
from kaartgen.model.units import mm


def _ruler(ts: Typesetter, cx: float, cy: float, vertical: bool, label: str, colour: str) -> list[Item]:
    """A ruler of ± ruler_mm centred on (cx, cy): ticks every 0.5 mm, longer every mm, numbers every 5 mm."""
    look = ts.theme.calibration
    style = ts.theme.footer.style
    reach = mm(look.ruler_mm)
    number = look.number_width
    items: list[Item] = []
    for half in range(-2 * look.ruler_mm, 2 * look.ruler_mm + 1):
        u = mm(half / 2)
        length = look.tick_long if half % 10 == 0 else look.tick_mid if half % 2 == 0 else look.tick_short
        if vertical:
            items.append(Rule(cx, cy + u, cx + length, cy + u, colour, look.tick_width))
        else:
            items.append(Rule(cx + u, cy, cx + u, cy + length, colour, look.tick_width))
        if half % 10 == 0:
            p, h = ts.para(str(half // 2), style, number, align="center")
            if vertical:
                items.append(TextBox(cx + look.number_across, cy + u - h / 3, number, h, p))
            else:
                items.append(TextBox(cx + u - number / 2, cy + look.number_along, number, h, p))
    p, h = ts.para(label, style, look.label_width)
    if vertical:
        items.append(TextBox(cx + look.tick_short, cy - reach - look.text_gap - h, look.label_width, h, p))
    else:
        items.append(TextBox(cx + reach + look.text_gap, cy, look.label_width, h, p))
    return items


def calibration_pages(ts: Typesetter, cal: Calibration, fmt: Format, fmt_name: str) -> list[Page]:
    if fmt.page == "card" or fmt.duplex is None:
        raise FieldError("calibration", "option.calibration_format", format=fmt_name)
    pw, ph = fmt.page
    text = ts.theme.text_blocks
    look = ts.theme.calibration
    margin = look.margin
    width = pw - 2 * margin
    colour = look.colour

    def header(body: str) -> list[Item]:
        t, th = ts.para(render(cal.title, {}), text.heading, width)
        b, bh = ts.para(body, text.text, width)
        top = ph - margin
        return [TextBox(margin, top - th, width, th, t), TextBox(margin, top - th - look.text_gap - bh, width, bh, b)]

    cx, cy = pw / 2, ph / 2
    front = Page(pw, ph, items=header(render(cal.front, {})) + [
        Rule(cx - look.arm, cy, cx + look.arm, cy, colour, look.cross_width),
        Rule(cx, cy - look.arm, cx, cy + look.arm, colour, look.cross_width),
    ])
    bx = pw - cx  # where the front's vertical line lands after a long-edge flip (portrait sheet)
    by = cy if pw <= ph else ph - cy
    back_text = render(cal.back, {"example": "0.5,-1"})
    back = Page(pw, ph, items=header(back_text)
                + _ruler(ts, bx, by + look.ruler_offset, False, cal.horizontal, colour)
                + _ruler(ts, bx + look.ruler_offset, by, True, cal.vertical, colour))
    return [front, back]
