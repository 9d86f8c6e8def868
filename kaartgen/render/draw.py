"""Draw one laid-out card side on a reportlab canvas. This is the only card drawing code.

The format decides two things here and nothing else: how far the coloured panel is inset from the
trim edge (office printers cannot print to the edge; print shops want bleed, a negative inset), and
whether white cards get a thin frame. Everything else comes from the layout.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from contextlib import nullcontext

from reportlab.lib.colors import CMYKColor
from reportlab.pdfgen.canvas import Canvas

from kaartgen import reportlab_internals as rl
from kaartgen.layout.items import Bars, Circle, Field, Fill, Frame, Item, Matrix, Polyline, Rule, SideLayout, TextBox
from kaartgen.model.theme import Format, Theme
from kaartgen.model.units import mm
from kaartgen.render.fields import for_typing
from kaartgen.render.tags import Tagger

_RUN_ON = mm(10)  # how far edge-touching fills are extended before the panel clip cuts them
Colours = Callable[[str], CMYKColor]  # a colour's name in templates/colours.yaml -> the reportlab colour


def _panel(theme: Theme, fmt: Format) -> tuple[float, float, float, float, float]:
    card = theme.card
    inset = fmt.panel_inset
    radius = card.radius if inset > 0 else 0.0
    return inset, inset, card.width - 2 * inset, card.height - 2 * inset, radius


def _run_on(item: Fill, width: float, height: float) -> tuple[float, float, float, float]:
    """Extend a fill's edges that touch the trim edge, so it reaches the panel edge or the bleed."""
    r = item.rect
    x0, y0, x1, y1 = r.x, r.y, r.x + r.w, r.y + r.h
    x0 = x0 - _RUN_ON if x0 <= 0 else x0
    y0 = y0 - _RUN_ON if y0 <= 0 else y0
    x1 = x1 + _RUN_ON if x1 >= width else x1
    y1 = y1 + _RUN_ON if y1 >= height else y1
    return x0, y0, x1 - x0, y1 - y0


def place(c: Canvas, x: float, y: float, rotation: int, theme: Theme) -> None:
    """Move the origin to the card's trim corner in the cell at (x, y), turned by `rotation`."""
    card = theme.card
    if rotation == 90:
        c.translate(x + card.height, y)
    elif rotation == -90:
        c.translate(x, y + card.width)
    else:
        c.translate(x, y)
    if rotation:
        c.rotate(rotation)


def draw_side(c: Canvas, side: SideLayout, x: float, y: float, theme: Theme, fmt: Format, colour: Colours,
              rotation: int = 0, tags: Tagger | None = None, overlay: tuple[Item, ...] = (),
              form: str | None = None) -> None:
    """Draw `side` in the cell whose bottom-left corner is (x, y), turned by `rotation` degrees, or
    place it as the form XObject `form` drawn once for the document; then its `overlay` (what this
    pack's copy of the side adds: its code) in the same place.

    `colour` maps colour names to reportlab colours; with `tags`, what is drawn is tagged.
    """
    c.saveState()
    place(c, x, y, rotation, theme)
    if form is not None:
        c.doForm(form)
    else:
        draw_side_body(c, side, theme, fmt, colour, tags)
    if overlay:
        with tags.artifact() if tags is not None else nullcontext():
            for item in overlay:
                _draw_item(c, item, colour)
    c.restoreState()


def draw_side_body(c: Canvas, side: SideLayout, theme: Theme, fmt: Format, colour: Colours,
                   tags: Tagger | None = None) -> None:
    """Draw `side` with its trim box's bottom-left corner at the origin: the panel (decoration),
    then the items."""
    if tags is not None:
        tags.section(side.card or side.label)
    with tags.artifact() if tags is not None else nullcontext():
        _draw_panel(c, side, theme, fmt, colour)
    draw_items(c, side.items if fmt.write_in == "lines" else for_typing(side.items, theme), colour, tags)


def _draw_panel(c: Canvas, side: SideLayout, theme: Theme, fmt: Format, colour: Colours) -> None:
    card = theme.card
    px, py, pw, ph, radius = _panel(theme, fmt)
    c.saveState()
    path = c.beginPath()
    path.roundRect(px, py, pw, ph, radius)
    c.clipPath(path, stroke=0, fill=0)
    c.setFillColor(colour(side.background))
    c.rect(px, py, pw, ph, stroke=0, fill=1)
    for item in side.items:
        if isinstance(item, Fill):
            c.setFillColor(colour(item.colour))
            c.rect(*_run_on(item, card.width, card.height), stroke=0, fill=1)
    c.restoreState()
    if side.framed and fmt.panel_border is not None:
        c.setStrokeColor(colour(fmt.panel_border.colour))
        c.setLineWidth(fmt.panel_border.width)
        c.roundRect(px, py, pw, ph, radius, stroke=1, fill=0)


def draw_items(c: Canvas, items: list[Item], colour: Colours, tags: Tagger | None = None) -> None:
    """Draw the foreground items (text, rules, circles, frames, bars) of a side or page; with `tags`,
    each in marked content of its structure element, or as an artifact, and each field's Form
    element in its place in the reading order (its widget comes later, render/fields.py)."""
    if tags is None:
        for item in items:
            _draw_item(c, item, colour)
        return
    for item in items:
        if isinstance(item, Field):
            if item.tag is not None and item.tagged:
                tags.form(item.tag, (item.name, item.value))
        elif not isinstance(item, Fill):
            with tags.mark(item.tag):
                _draw_item(c, item, colour, end_spaces=True)


def _draw_text(c: Canvas, box: TextBox, end_spaces: bool = False) -> None:
    """A wrapped paragraph. Plain one-font paragraphs (nearly all) are drawn line by line in one
    text object, as reportlab's Paragraph would place them but several times faster; paragraphs
    with fallback-font runs go through Paragraph itself. `end_spaces` (tagged PDFs) ends every line
    but the last with its space, so text read from the structure keeps its words apart."""
    p = box.para
    lines = rl.plain_lines(p)
    if lines is None:
        (rl.with_end_spaces(p) if end_spaces else p).drawOn(c, box.x, box.y)
        return
    style = p.style
    align = style.alignment  # 0 left, 1 centre, 2 right
    baseline = box.y + box.h - lines.first
    t = c.beginText()
    t.setFont(lines.font_name, lines.font_size, style.leading)
    t.setFillColor(lines.colour)
    last = len(lines.lines) - 1
    for n, (extraspace, words) in enumerate(lines.lines):
        text = " ".join(words)
        end = " " if end_spaces and n < last else ""
        spaces = len(words) - 1 + text.count("\u00a0")
        if extraspace < -1e-8 and spaces > 0:  # a line a hair too wide: squeezed, as Paragraph does
            t.setTextOrigin(box.x, baseline)
            t.setWordSpace(extraspace / spaces)
            t.textOut(text + end)
            t.setWordSpace(0)
        else:
            offset = 0.0 if align == 0 else extraspace / 2 if align == 1 else extraspace
            t.setTextOrigin(box.x + offset, baseline)
            t.textOut(text + end)
        baseline -= style.leading
    c.drawText(t)


_RUN = re.compile("1+")


def _modules(item: Matrix) -> str:
    """A 2D code as one path of rectangles, a run of dark modules each, in module units (scaled by
    `cm`), filled once: vector edges that every printer keeps sharp, and little to write for the
    code on every card of a mailing."""
    n = len(item.rows)
    runs = " ".join(_row_runs(row, n - 1 - r) for r, row in enumerate(item.rows))
    return f"q {item.module:.4f} 0 0 {item.module:.4f} {item.x:.3f} {item.y:.3f} cm {runs} f Q"


@functools.lru_cache(maxsize=1 << 16)
def _row_runs(row: str, y: int) -> str:
    """One row's runs of dark modules as rectangles at height `y` (many rows recur from code to code:
    the finder's, and those of cards that differ only in the reference)."""
    return " ".join(f"{m.start()} {y} {m.end() - m.start()} 1 re" for m in _RUN.finditer(row))


def _draw_item(c: Canvas, item: Item, colour: Colours, end_spaces: bool = False) -> None:
    if isinstance(item, TextBox):
        _draw_text(c, item, end_spaces)
    elif isinstance(item, Rule):
        c.setStrokeColor(colour(item.colour))
        c.setLineWidth(item.width)
        c.line(item.x1, item.y1, item.x2, item.y2)
    elif isinstance(item, Circle):
        if item.fill:
            c.setFillColor(colour(item.fill))
        if item.width:
            c.setStrokeColor(colour(item.colour))
            c.setLineWidth(item.width)
        c.circle(item.cx, item.cy, item.r, stroke=1 if item.width else 0, fill=1 if item.fill else 0)
    elif isinstance(item, Polyline):
        c.setStrokeColor(colour(item.colour))
        c.setLineWidth(item.width)
        c.setLineJoin(1)
        c.setLineCap(1)
        path = c.beginPath()
        path.moveTo(*item.points[0])
        for point in item.points[1:]:
            path.lineTo(*point)
        if item.closed:
            path.close()
        c.drawPath(path, stroke=1, fill=0)
    elif isinstance(item, Frame):
        c.setStrokeColor(colour(item.colour))
        c.setLineWidth(item.width)
        r = item.rect
        c.roundRect(r.x, r.y, r.w, r.h, item.radius, stroke=1, fill=0)
    elif isinstance(item, Matrix):  # a code on every card of a mailing: one path, one fill
        c.setFillColor(colour(item.colour))
        rl.emit(c, _modules(item))
    elif isinstance(item, Bars):
        c.setFillColor(colour(item.colour))  # vector rectangles: sharp at any resolution, no font
        for r in item.rects():
            c.rect(r.x, r.y, r.w, r.h, stroke=0, fill=1)
    elif isinstance(item, (Fill, Field)):
        pass  # fills are drawn under the clip above; fields exist only in digital formats
