"""Fillable form fields for the digital format, generated from the same layout as the printed
write-in areas: multiline text fields over the ruled lines, check boxes over the domain boxes,
and radio groups for single choices (A–E, better/worse). Fields are created in reading order, so
the tab order follows the card. Names are stable ids from the content: `<card>.<answer>[.<option>]`.
"""

from __future__ import annotations

from reportlab.lib.colors import Color

from kaartgen.layout.imposition import Page
from kaartgen.layout.items import Field

TRANSPARENT = Color(1, 1, 1, alpha=0)


def draw_fields(c, page: Page, colour) -> None:
    form = c.acroForm
    ink = colour("ink")
    for placement in page.placements:
        for item in placement.side.items:
            if not isinstance(item, Field):
                continue
            r = item.rect
            x, y = placement.x + r.x, placement.y + r.y
            if item.kind == "hidden":
                form.textfield(name=item.name, value=item.value, x=x, y=y, width=r.w, height=r.h, borderWidth=0,
                               fillColor=TRANSPARENT, textColor=ink, fontSize=1, fieldFlags="readOnly",
                               annotationFlags="hidden")
            elif item.kind == "text":
                form.textfield(name=item.name, tooltip=item.label or item.name, x=x, y=y, width=r.w, height=r.h,
                               fieldFlags="multiline", maxlen=None, borderWidth=0, fillColor=TRANSPARENT,
                               textColor=ink, fontSize=11)
            elif item.kind == "checkbox":
                form.checkbox(name=item.name, tooltip=item.label or item.name, x=x, y=y, size=r.w,
                              buttonStyle="check", borderWidth=0, fillColor=TRANSPARENT, textColor=ink,
                              fieldFlags="")
            else:
                form.radio(name=item.name, value=item.value, tooltip=item.label or item.name, x=x, y=y, size=r.w,
                           buttonStyle="circle", shape="circle", borderWidth=0, fillColor=TRANSPARENT,
                           textColor=ink, fieldFlags="noToggleToOff radio")
