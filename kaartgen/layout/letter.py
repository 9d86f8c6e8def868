"""The cover letter for a window envelope: sender, address in the window, date, text, fold marks.

The address follows PostNL: name; street and number; postcode, two spaces, TOWN in capitals; at
most the window's number of lines, each on one line. A line that would wrap or a block that would
not fit the window is an error for that client's field; the address is never clipped. Under a
Dutch address comes PostNL's KIX barcode (layout/kix.py), its size and clear zone from
templates/letter.yaml (letter.window.kix), the last thing in the window.
"""

from __future__ import annotations

import re
from datetime import date

from reportlab.pdfbase import pdfmetrics

from kaartgen import reportlab_internals as rl
from kaartgen.errors import FieldError, FitError
from kaartgen.layout.imposition import Page
from kaartgen.layout.items import Bars, Frame, Item, Rect, Rule, TextBox
from kaartgen.layout.kix import kix_bars
from kaartgen.layout.typeset import Typesetter
from kaartgen.messages import Term
from kaartgen.model.clients import TWO_SPACES, Client
from kaartgen.model.content import Letter, SetInfo
from kaartgen.model.text import format_appointment, format_date, optional, render
from kaartgen.model.theme import DUTCH_LINES, Kix
from kaartgen.model.units import to_mm


def letter_values(info: SetInfo, client: Client, when: date) -> dict[str, object]:
    """The variables letter texts see; optional values the client lacks are Absent. `uwv_phone`
    is the set's one phone number for clients (set.yaml `contact.phone`)."""
    dates = info.dates
    appointment = format_appointment(client.appointment, dates) if client.appointment else None
    return {
        "name": client.name,
        "uwv_phone": info.contact.phone,
        "professional": optional("professional", client.professional),
        "phone": optional("phone", client.phone),
        "appointment": optional("appointment", appointment),
        "location": optional("location", client.location),
        "role": optional("role", client.role),
        "date": format_date(when, dates),
    }


NUMBER_GAP = re.compile(r"(?<=\d) (?=\d)")  # the space inside 088 898 92 95: never a line break


SHORTER = {field: Term(f"term.shorter_{field}") for field in ("name", "street", "city", "country")}  # what to do

def keep_numbers(text: str) -> str:
    """Digits separated by single spaces (a phone number) held together on one line."""
    return NUMBER_GAP.sub("\u00a0", text)


def letter_page(ts: Typesetter, letter: Letter, info: SetInfo, client: Client, when: date,
                outline: bool = False, kix: bool = True) -> Page:
    """The letter for `client`, dated `when`; `ts` sets the text (with the client's card values).
    With `kix` (and a KIX section in the template), a Dutch address (`client.kix` set) gets PostNL's
    KIX barcode under it. With `outline`, the envelope check: the window and the zone kept clear of
    everything else drawn, and frames where the address lines and the KIX go instead of the address."""
    look = ts.theme.letter
    pw, ph = look.page
    values = letter_values(info, client, when)
    items: list[Item] = []

    def block(top: float, texts: list[str], style: str, left: float | None = None) -> float:
        x = look.left if left is None else left
        w = pw - look.right - x
        y = ph - top
        for text in texts:
            if text:
                p, h = ts.para(keep_numbers(text), style, w)
                items.append(TextBox(x, y - h, w, h, p))
                y -= h
        return ph - y  # new top

    sender = [render(t.replace("  ", TWO_SPACES), values) for t in letter.sender]
    block(look.sender.top, sender, look.sender.style, look.sender.left)
    block(look.date.top, [render(letter.date, values)], look.date.style, look.date.left)
    block(look.subject.top, [render(letter.subject, values)], look.subject.style)
    gap = look.paragraph_gap
    top = look.body_top
    paragraphs = [render(letter.greeting, values), *(render(t, values) for t in letter.body),
                  render(letter.closing, values)]
    for text in paragraphs:
        if text:
            top = block(top, [text], look.body_style) + gap
    top = block(top + gap, [render(t, values) for t in letter.signature], look.body_style)
    if letter.for_others:  # a translated letter: one Dutch sentence for the people around the client
        top = block(top + gap, [render(letter.for_others, values)], look.sender.style)
    if ph - top < look.bottom:
        raise FitError("letter.bottom", mm=f"{to_mm(look.bottom - (ph - top)):.1f}")
    # last: a client's long address is no excuse for the rest
    items += (address_block(ts, letter, client, values, kix) if not outline
              else envelope_outline(ts, letter, values, kix))
    marks = look.fold_marks
    for at in marks.at:
        items.append(Rule(marks.x, ph - at, marks.x + marks.length, ph - at, marks.colour, marks.width))
    return Page(pw, ph, items=items)


def _return_line(ts: Typesetter, letter: Letter, values: dict[str, object], x: float, y: float,
                 width: float) -> tuple[TextBox, float]:
    returned = render(letter.return_address.replace("  ", TWO_SPACES), values)
    p, h = ts.para(keep_numbers(returned), ts.theme.letter.window.return_style, width)
    if rl.line_count(p) > 1:
        raise FitError("letter.return_address", mm=f"{to_mm(width):.0f}")
    return TextBox(x, y - h, width, h, p), h


def _line_foot(ts: Typesetter, style_name: str) -> float:
    """How far below the top of a one-line paragraph in `style_name` its letters may reach: the
    line's height, or its descenders where they hang below it (a large address in a tight leading).
    The first baseline lies the font size below the top, as reportlab sets a paragraph."""
    style = ts.theme.style(style_name)
    descent: float = -pdfmetrics.getDescent(ts.fonts.name(style.font, style.weight), style.size)
    return max(style.leading, style.size + descent)


def _kix_look(ts: Typesetter, kix: bool) -> Kix | None:
    return ts.theme.letter.window.kix if kix else None


def _kix_place(ts: Typesetter, look: Kix, text_top: float, lines: int) -> tuple[float, float]:
    """Where the KIX goes under `lines` address lines whose first one's top is `text_top`: the
    bottom of its bars, and the bottom of the clear zone under them."""
    style = ts.theme.style(ts.theme.letter.window.style)
    foot = text_top - (lines - 1) * style.leading - _line_foot(ts, ts.theme.letter.window.style)
    bottom = foot - look.clear - look.height
    return bottom, bottom - look.clear


def envelope_outline(ts: Typesetter, letter: Letter, values: dict[str, object], kix: bool = True) -> list[Item]:
    """The window (ink), the zone around it that only the address may enter (guide colour), the
    return address and a frame for each address line: a page to hold against a real envelope.
    With a KIX, the lines of a Dutch address and a frame (ink) where its bars go: the deepest any
    address reaches into the window."""
    window = ts.theme.letter.window
    ph = ts.theme.letter.page[1]
    top = ph - window.top
    m = window.margin
    items: list[Item] = [
        Frame(Rect(window.left, top - window.height, window.width, window.height), 0, "ink", 0.75),
        Frame(Rect(window.left - m, top - window.height - m, window.width + 2 * m, window.height + 2 * m),
              0, "guide", 0.5),
    ]
    x, width = window.left + window.inset, window.width - 2 * window.inset
    line, h = _return_line(ts, letter, values, x, top - window.inset, width)
    items.append(line)
    y = text_top = top - window.inset - h
    leading = ts.theme.styles[window.style].leading
    look = _kix_look(ts, kix)
    lines = window.lines if look is None else min(window.lines, DUTCH_LINES)
    for _ in range(lines):
        items.append(Frame(Rect(x, y - leading, width, leading), 0, "guide", 0.5))
        y -= leading
    if look is not None:
        bottom, _ = _kix_place(ts, look, text_top, lines)
        items.append(Frame(Rect(x, bottom, width - look.clear, look.height), 0, "ink", 0.5))
    return items


def address_block(ts: Typesetter, letter: Letter, client: Client, values: dict[str, object],
                  kix: bool = True) -> list[Item]:
    """The return address on one line, then the address, inside the window by its inset: every
    line on one line, the whole within the window's height, or an error naming the field. With
    `kix`, a Dutch address's KIX under it, left-aligned with it, with the template's clear zone
    above and below it inside the inset (and to its right): a KIX that does not fit is an error for
    the row, never a barcode clipped, shrunk or left out."""
    look = ts.theme.letter
    window = look.window
    ph = look.page[1]
    x = window.left + window.inset
    width = window.width - 2 * window.inset
    lines = client.address()
    if len(lines) > window.lines:
        raise FieldError("street", "letter.address_lines", lines=len(lines), window=window.lines)
    items: list[Item] = []
    y = ph - window.top - window.inset
    returned, h = _return_line(ts, letter, values, x, y, width)
    items.append(returned)
    y -= h
    text_top = y
    for line, field in zip(lines, ["name", "street", "city", "country"]):  # the third line: postcode  TOWN
        p, h = ts.para(line, window.style, width, bind=False)  # the address exactly as given
        if rl.line_count(p) > 1:
            raise FieldError(field, "letter.window_line", mm=f"{to_mm(width):.0f}", shorter=SHORTER[field])
        items.append(TextBox(x, y - h, width, h, p))
        y -= h
    kix_look = _kix_look(ts, kix)
    code = "letter.window_tall"
    if kix_look is not None and client.kix:
        bars = kix_bars(client.kix)
        bottom, y = _kix_place(ts, kix_look, text_top, len(lines))
        item = Bars(x, bottom, tuple(bars), kix_look.bar_width, kix_look.pitch, kix_look.tracker,
                    kix_look.ascender, kix_look.colour)
        wide = item.length + kix_look.clear - width
        if wide > 0:
            raise FieldError("street", "letter.kix_wide", mm=f"{to_mm(wide):.1f}")
        items.append(item)
        code = "letter.window_tall_kix"
    over = (ph - window.top - window.inset - y) - (window.height - 2 * window.inset)
    if over > 0:
        raise FieldError("name", code, mm=f"{to_mm(over):.1f}")
    return items
