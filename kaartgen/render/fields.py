"""Fillable form fields for the digital format, generated from the same layout as the printed
write-in areas: multiline text fields over the ruled lines, check boxes over the domain boxes,
and radio groups for single choices (A–E, better/worse). Fields are created in reading order, so
the tab order follows the card. Names are stable ids from the content: `<card>.<answer>[.<option>]`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas

from kaartgen import reportlab_internals as rl
from kaartgen.layout.imposition import Page
from kaartgen.layout.items import Field, Frame, Item, Rect, Rule
from kaartgen.model.theme import Theme
from kaartgen.render.fieldfont import TYPING

if TYPE_CHECKING:
    from kaartgen.render.draw import Colours
    from kaartgen.render.tags import Tagger

TRANSPARENT = Color(1, 1, 1, alpha=0)
QUADDING = {"left": 0, "center": 1, "right": 2}  # a text field's /Q


def for_typing(items: list[Item], theme: Theme) -> list[Item]:
    """A side's items for a format that is typed in: each write-in area a frame the size of its
    field instead of ruled lines, so typed text never runs through lines drawn for a pen."""
    look = theme.write_in
    out: list[Item] = []
    for item in items:
        if isinstance(item, Rule) and item.writing:
            continue
        if isinstance(item, Field) and item.kind == "text":
            r = item.rect
            out.append(Frame(r, theme.descriptions.radius, look.colour, look.line_width))
            pad = theme.descriptions.padding  # typed text keeps clear of the frame
            item = replace(item, rect=Rect(r.x + pad, r.y + pad / 2, r.w - 2 * pad, r.h - pad))
        out.append(item)
    return out


def draw_fields(c: Canvas, page: Page, colour: Colours, typing: Theme | None = None,
                tags: Tagger | None = None) -> None:
    """The page's fields; with `typing` (a format typed in), where `for_typing` puts them; with
    `tags` (a render.tags.Tagger), each widget linked to its Form element."""
    form = c.acroForm
    ink = colour("ink")
    # typed text starts where the set's lines start: right for right to left (templates/direction.yaml)
    quadding = QUADDING[typing.direction.align["left"]] if typing is not None else 0
    for placement in page.placements:
        items = for_typing(placement.side.items, typing) if typing is not None else placement.side.items
        for item in items:
            if not isinstance(item, Field):
                continue
            r = item.rect
            x, y = placement.x + r.x, placement.y + r.y
            if item.kind == "hidden":
                form.textfield(name=item.name, value=item.value, x=x, y=y, width=r.w, height=r.h, borderWidth=0,
                               fillColor=TRANSPARENT, textColor=ink, fontName=TYPING, fontSize=1, fieldFlags="readOnly",
                               annotationFlags="hidden")
            elif item.kind == "text":
                form.textfield(name=item.name, tooltip=item.label or item.name, x=x, y=y, width=r.w, height=r.h,
                               fieldFlags="multiline", maxlen=None, borderWidth=0, fillColor=TRANSPARENT,
                               textColor=ink, fontName=TYPING, fontSize=11)
                if quadding:
                    rl.named_object(c, rl.last_annotation_name(c))["Q"] = quadding
            elif item.kind == "checkbox":
                form.checkbox(name=item.name, tooltip=item.label or item.name, x=x, y=y, size=r.w,
                              buttonStyle="check", borderWidth=0, fillColor=TRANSPARENT, textColor=ink,
                              fieldFlags="")
            else:
                form.radio(name=item.name, value=item.value, tooltip=item.label or item.name, x=x, y=y, size=r.w,
                           buttonStyle="circle" if item.shape == "circle" else "check", shape=item.shape,
                           borderWidth=0, fillColor=TRANSPARENT, textColor=ink, fieldFlags="noToggleToOff radio")
            if tags is not None and item.tagged:
                tags.widget((item.name, item.value))
