"""`kaartgen guide`: the professional's A4 guide and the reflectiekaart, from the same content.

The guide explains the set, draws the adaptive cycle with the five stagnations, gives a table from
the descriptions on card 3 to stagnation and key mechanism, lists the conversation prompts per
card, and shows the reflectiekaart. The reflectiekaart itself is a card like the others: four to an
A4 sheet for the office printer (duplex), and fillable in a digital PDF.
"""

from __future__ import annotations

import io
import math

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, SimpleDocTemplate, Spacer, TableStyle

from kaartgen import __version__
from kaartgen.errors import KaartgenError
from kaartgen.fonts import Fonts
from kaartgen.layout.cards import CardMaker
from kaartgen.layout.imposition import impose
from kaartgen.layout.items import CardLayout, P, SideLayout, Tag
from kaartgen.layout.typeset import Typesetter
from kaartgen.model.content import CardSet, Descriptions, FillInCard, GuideParagraph, Heading
from kaartgen.model.text import render
from kaartgen.model.theme import Theme
from kaartgen.render.draw import draw_side_body
from kaartgen.render.pdf import colour_lookup, render_pdf
from kaartgen.render.tags import Tagged, TaggedTable, tagging_canvas

# Structure of the tagged guide: a section for each heading (H2), its paragraphs, figures and table.
_HEAD, _IN = Tag(("Sect", "H2")), Tag(("Sect", "P"), 1)


def _cell(row: int, column: int) -> Tag:
    """A table cell's tag: a new table at its first cell, a new row at each row's first."""
    return Tag(("Sect", "Table", "TR", "TH" if row == 0 else "TD"),
               1 if row == column == 0 else 2 if column == 0 else 3)


class CycleDiagram(Flowable):  # type: ignore[misc]  # reportlab has no type hints: Flowable is Any
    """The adaptive cycle as a figure eight (equilibrium, disruption, reorientation, growth) with the
    stagnations placed at their phase; one that belongs to no phase sits at the crossing."""

    def __init__(self, ts: Typesetter, phases: list[str], stagnations: list[tuple[str, str]], width: float):
        super().__init__()
        self.ts, self.phases, self.stagnations = ts, phases, stagnations
        self.look = ts.theme.guide.cycle
        self.width, self.height = width, self.look.height

    def _point(self, t: float, a: float) -> tuple[float, float]:
        d = 1 + math.sin(t) ** 2
        return self.width / 2 + a * math.cos(t) / d, self.height / 2 + a * math.sin(t) * math.cos(t) / d * 1.55

    def draw(self) -> None:
        c = self.canv
        look = self.look
        colour = colour_lookup(self.ts.theme)
        a = self.width * 0.36
        c.setStrokeColor(colour(look.line.colour))
        c.setLineWidth(look.line.width)
        path = c.beginPath()
        steps = 240
        for i in range(steps + 1):
            x, y = self._point(2 * math.pi * i / steps, a)
            path.moveTo(x, y) if i == 0 else path.lineTo(x, y)
        c.drawPath(path, stroke=1, fill=0)
        # arrows in the direction of travel: equilibrium -> disruption -> reorientation -> growth
        c.setFillColor(colour(look.line.colour))
        for t in (0.0, math.pi, math.pi / 2 + 0.35, 3 * math.pi / 2 + 0.35):
            x, y = self._point(t, a)
            x2, y2 = self._point(t - 0.02, a)  # travel runs towards smaller t
            length = math.hypot(x2 - x, y2 - y) or 1.0
            ux, uy = (x2 - x) / length, (y2 - y) / length
            head = c.beginPath()
            tip, half = look.arrow_length, look.arrow_half
            head.moveTo(x + tip * ux, y + tip * uy)
            head.lineTo(x - half * ux - half * uy, y - half * uy + half * ux)
            head.lineTo(x - half * ux + half * uy, y - half * uy - half * ux)
            head.close()
            c.drawPath(head, stroke=0, fill=1)
        spots = [math.pi / 4, 7 * math.pi / 4, 5 * math.pi / 4, 3 * math.pi / 4]  # along the figure eight
        names = dict(self.stagnations)
        box = look.label_width
        for phase, t in zip(self.phases, spots):
            x, y = self._point(t, a)
            c.setFillColor(colour(look.dot_colour))
            c.circle(x, y, look.dot, stroke=0, fill=1)
            top = y > self.height / 2
            label_x = min(max(x - box / 2, 0), self.width - box)
            p, h = self.ts.para(phase, look.phase_style, box, align="center")
            q, qh = self.ts.para(names.get(phase, ""), look.stagnation_style, box, align="center")
            y0 = y + look.label_distance if top else y - look.label_distance - h - qh
            p.drawOn(c, label_x, y0 + qh)
            q.drawOn(c, label_x, y0)
        centre = [name for phase, name in self.stagnations if phase not in self.phases]
        if centre:
            q, qh = self.ts.para(", ".join(centre), look.stagnation_style, box, align="center")
            pad = look.centre_padding
            c.setFillColor(colour(look.centre_fill))
            c.rect(self.width / 2 - box / 2, self.height / 2 - qh / 2 - pad, box, qh + 2 * pad, stroke=0, fill=1)
            q.drawOn(c, self.width / 2 - box / 2, self.height / 2 - qh / 2)


class CardPicture(Flowable):  # type: ignore[misc]  # reportlab has no type hints: Flowable is Any
    """A card side drawn at a reduced scale, for showing the reflectiekaart in the guide."""

    def __init__(self, sides: list[SideLayout], theme: Theme, scale: float, gap: float):
        super().__init__()
        self.sides, self.theme, self.scale, self.gap = sides, theme, scale, gap
        self.width = len(sides) * theme.card.width * scale + (len(sides) - 1) * gap
        self.height = theme.card.height * scale

    def draw(self) -> None:
        c = self.canv
        colour = colour_lookup(self.theme)
        fmt = self.theme.formats["office"]
        for i, side in enumerate(self.sides):
            c.saveState()
            c.translate(i * (self.theme.card.width * self.scale + self.gap), 0)
            c.scale(self.scale, self.scale)
            draw_side_body(c, side, self.theme, fmt, colour)
            c.restoreState()


def _reflection_card(cs: CardSet) -> FillInCard:
    """The set's reflectiekaart, which the guide and the reflection PDFs need."""
    if cs.reflection is None:
        raise KaartgenError("content.no_reflection", set=f"{cs.info.language}/{cs.info.variant}")
    return cs.reflection


def _reflection(maker: CardMaker, cs: CardSet) -> CardLayout:
    return maker.card(_reflection_card(cs), None, ("reflection",))


def guide_pdf(cs: CardSet, theme: Theme, fonts: Fonts) -> bytes:
    if cs.guide is None:
        raise KaartgenError("content.no_guide", set=f"{cs.info.language}/{cs.info.variant}")
    g = cs.guide
    look = theme.guide
    maker = CardMaker(theme, fonts, cs)
    width = A4[0] - 2 * look.margin
    flow: list[Flowable] = []

    def para(text: str, style: str, w: float = width, align: str | None = None, tag: Tag = _IN) -> Tagged:
        return Tagged(maker.ts.para(text, style, w, align=align)[0], tag)

    heading, body, label, option_style = look.heading_style, look.body_style, look.label_style, look.option_style

    def paragraphs(texts: list[GuideParagraph], tag: Tag = _IN) -> list[list[Flowable]]:
        """Each paragraph, under the advice label when it is advice of ours, as a group the page
        must not split (the label stays with its text)."""
        return [[*([para(g.advice_label, look.advice_style, tag=tag)] if p.advice else []), para(p.text, body, tag=tag),
                 Spacer(1, look.gap)] for p in texts]

    def section(title: str, texts: list[GuideParagraph], after: list[Flowable] | None = None) -> list[Flowable]:
        """A heading kept with its first paragraph (never alone at a page foot); the other
        paragraphs flow, each whole; `after` (a figure, a table) is kept with the last paragraph."""
        groups = paragraphs(texts)
        head = [para(title, heading, tag=_HEAD), Spacer(1, look.gap_small)]
        if after is not None:
            groups.append(after)
        if not groups:
            return head
        groups[0] = head + groups[0]
        if after is not None and len(groups) > 1:
            groups[-2:] = [groups[-2] + groups[-1]]
        return [KeepTogether(group) for group in groups]

    flow += [para(cs.info.title, look.set_title_style, tag=P), para(g.title, look.title_style, align="left",
                                                                      tag=Tag(("H1",))),
             Spacer(1, look.gap_figure)]
    flow += [KeepTogether(group) for group in paragraphs(g.intro, P)]
    flow.append(Spacer(1, look.gap_section))
    for part in g.sections:
        flow += [*section(part.heading, part.paragraphs), Spacer(1, look.gap)]

    stagnations = [(s.phase, s.name) for s in cs.stagnations]
    names = dict(stagnations)
    cycle_alt = "; ".join([f"{phase}: {names[phase]}" if phase in names else phase for phase in g.cycle.phases]
                          + [name for phase, name in stagnations if phase not in g.cycle.phases])
    flow += section(g.cycle.heading, g.cycle.paragraphs,
                    [Spacer(1, look.gap_figure), Tagged(CycleDiagram(maker.ts, g.cycle.phases, stagnations, width),
                                                        Tag(("Sect", "Figure"), 1, cycle_alt))])
    flow.append(Spacer(1, look.gap_section))

    descriptions = next((b for c in cs.cards for _, b, _ in c.walk() if isinstance(b, Descriptions)), None)
    if descriptions:
        widths = [width * f for f in look.table.columns]
        rows = [[para(h, label, w, tag=_cell(0, c)) for c, (h, w) in enumerate(zip(g.table.columns, widths))]]
        for r, option in enumerate(descriptions.options, 1):
            s = cs.stagnation(option.stagnation)
            texts = [f"{option.letter}  {option.text}", s.name, s.mechanism, s.action]
            styles = [option_style, label, option_style, option_style]
            rows.append([para(t, st, w, tag=_cell(r, c)) for c, (t, st, w) in enumerate(zip(texts, styles, widths))])
        # no repeated header: a table that runs on stays one Table to a screen reader
        table = TaggedTable(rows, colWidths=widths, repeatRows=0)
        grid = look.table.grid
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), grid.width, colour_lookup(theme)(grid.colour)),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   # cells hold paragraphs; this only keeps reportlab's default
                                   # (Helvetica, never embedded) out of the file
                                   ("FONTNAME", (0, 0), (-1, -1), fonts.base),
                                   ("TOPPADDING", (0, 0), (-1, -1), look.table.padding_top),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), look.table.padding_bottom)]))
        flow += section(g.table.heading, g.table.paragraphs)
        flow += [Spacer(1, look.gap_figure), table, Spacer(1, look.gap_section)]  # it may run on, a row whole

    prompts = section(g.prompts.heading, g.prompts.paragraphs)
    for number, card in enumerate(cs.cards, 1):  # each card's title kept with its note, the first with the heading
        title = card.name or render(card.title, maker.ts.values)
        note = [para(f"{number}/{len(cs.cards)}  {title}", label, tag=Tag(("Sect", "H3"), 1)), para(card.notes, body),
                Spacer(1, look.gap)]
        if number == 1 and not g.prompts.paragraphs:
            prompts = [KeepTogether([para(g.prompts.heading, heading, tag=_HEAD), Spacer(1, look.gap_small), *note])]
        else:
            prompts.append(KeepTogether(note))
    flow += prompts

    reflection = _reflection(maker, cs)
    shown = [render(b.text, maker.ts.values) for _, b, _ in _reflection_card(cs).walk() if isinstance(b, Heading)]
    flow += section(g.reflection.heading, g.reflection.paragraphs,
                    [Spacer(1, look.gap_figure),
                     Tagged(CardPicture(reflection.sides, theme, look.reflection_scale, look.reflection_gap),
                            Tag(("Sect", "Figure"), 1, "; ".join([g.reflection.heading, *shown])))])
    buffer = io.BytesIO()
    footer = theme.style(theme.footer.style)

    def page_number(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        with canvas.tags.artifact():
            canvas.saveState()
            canvas.setFont(fonts.name(footer.font, footer.weight), footer.size)
            canvas.setFillColor(theme.colours[footer.colour].pdf)
            canvas.drawRightString(A4[0] - look.margin, look.page_number_y, render(g.page, {"number": doc.page}))
            canvas.restoreState()

    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=look.margin, rightMargin=look.margin, topMargin=look.top,
                      bottomMargin=look.bottom, invariant=1, initialFontName=fonts.base,
                      title=g.title, author="", creator=f"kaartgen {__version__}",
                      keywords=f"kaartgen {cs.info.language}/{cs.info.variant} guide").build(
        flow, onFirstPage=page_number, onLaterPages=page_number, canvasmaker=tagging_canvas(cs.info.language))
    return buffer.getvalue()


def reflection_pdf(cs: CardSet, theme: Theme, fonts: Fonts, fmt_name: str) -> bytes:
    """The reflectiekaart on its own: four to a sheet (office) or fillable (digital)."""
    card = _reflection(CardMaker(theme, fonts, cs), cs)
    fmt = theme.formats[fmt_name]
    copies = fmt.columns * fmt.rows if fmt.page != "card" else 1
    pages = impose([card] * copies, fmt, theme, fmt_name)
    return render_pdf(pages, theme, fmt, cs.guide.reflection.heading if cs.guide else card.id,
                      f"{cs.info.language}/{cs.info.variant} reflection", fonts,
                      keywords=f"kaartgen {cs.info.language}/{cs.info.variant} reflection {fmt_name}",
                      lang=cs.info.language)
