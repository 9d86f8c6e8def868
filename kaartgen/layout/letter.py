"""The cover letter for a window envelope: sender, address in the window, date, text, fold marks.

The address follows PostNL: name; street and number; postcode, two spaces, TOWN in capitals; at
most the window's number of lines, each on one line. A line that would wrap or a block that would
not fit the window is an error for that client's field; the address is never clipped.
"""

from __future__ import annotations

from datetime import date

from kaartgen.errors import FieldError, FitError
from kaartgen.layout.imposition import Page
from kaartgen.layout.items import Item, Rule, TextBox
from kaartgen.layout.typeset import Typesetter
from kaartgen.model.clients import TWO_SPACES
from kaartgen.model.content import Dates, Letter
from kaartgen.model.text import format_appointment, format_date, optional, render
from kaartgen.model.units import to_mm


def letter_values(dates: Dates, client, when: date) -> dict[str, object]:
    """The variables letter texts see; optional values the client lacks are Absent."""
    return {
        "name": client.name,
        "professional": optional("professional", client.professional),
        "phone": optional("phone", client.phone),
        "appointment": optional("appointment", format_appointment(client.appointment, dates) if client.appointment else None),
        "location": optional("location", client.location),
        "role": optional("role", client.role),
        "date": format_date(when, dates),
    }


def letter_page(ts: Typesetter, letter: Letter, dates: Dates, client, when: date) -> Page:
    """The letter for `client`, dated `when`; `ts` sets the text (with the client's card values)."""
    look = ts.theme.letter
    pw, ph = look.page
    width = pw - look.left - look.right
    values = letter_values(dates, client, when)
    items: list[Item] = []

    def block(top: float, texts: list[str], style: str, w: float = width) -> float:
        y = ph - top
        for text in texts:
            if text:
                p, h = ts.para(text, style, w)
                items.append(TextBox(look.left, y - h, w, h, p))
                y -= h
        return ph - y  # new top

    sender = [render(t.replace("  ", TWO_SPACES), values) for t in letter.sender]
    block(look.sender.top, sender, look.sender.style)
    window = look.window
    lines = client.address()
    fields = ["name", "street", "postcode", "country"]
    if len(lines) > window.lines:
        raise FieldError("street", f"the address has {len(lines)} lines; the envelope window takes {window.lines}")
    y = ph - window.top
    for line, field in zip(lines, fields):
        p, h = ts.para(line, window.style, window.width, bind=False)  # the address exactly as given
        if len(p.blPara.lines) > 1:
            raise FieldError(field, f"{field} does not fit on one line of the envelope window "
                                    f"({to_mm(window.width):.0f} mm wide); shorten it")
        items.append(TextBox(look.left, y - h, window.width, h, p))
        y -= h
    if ph - window.top - y > window.height:
        raise FieldError("name", f"the address is {to_mm(ph - window.top - y - window.height):.1f} mm too tall for the window")

    block(look.date.top, [render(letter.date, values)], look.date.style)
    block(look.subject.top, [render(letter.subject, values)], look.subject.style)
    gap = look.paragraph_gap
    top = look.body_top
    paragraphs = [render(letter.greeting, values)] + [render(t, values) for t in letter.body] + [render(letter.closing, values)]
    for text in paragraphs:
        if text:
            top = block(top, [text], look.body_style) + gap
    top = block(top + gap, [render(t, values) for t in letter.signature], look.body_style)
    if ph - top < look.bottom:
        raise FitError(f"the letter runs {to_mm(look.bottom - (ph - top)):.1f} mm into the bottom margin; "
                       "shorten its text (letter.yaml) or a long client value")
    marks = look.fold_marks
    for at in marks.at:
        items.append(Rule(marks.x, ph - at, marks.x + marks.length, ph - at, marks.colour, marks.width))
    return Page(pw, ph, items=items)
