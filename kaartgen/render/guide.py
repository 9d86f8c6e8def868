"""`kaartgen guide`: the professional's A4 guide and the reflectiekaart, from the same content.

The guide explains the set, draws the adaptive cycle with the five stagnations, gives a table from
the descriptions on card 3 to stagnation and key mechanism, lists the conversation prompts per
card, and shows the reflectiekaart. The reflectiekaart itself is a card like the others: four to an
A4 sheet for the office printer (duplex), and fillable in a digital PDF.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from kaartgen import __version__
from kaartgen.model.content import CardSet, Descriptions
from kaartgen.render.draw import draw_side_body
from kaartgen.errors import KaartgenError
from kaartgen.layout.fonts import Fonts
from kaartgen.layout.imposition import impose
from kaartgen.layout.cards import CardLayout, Layout
from kaartgen.model.loading import Loaded, load_card_set, load_theme
from kaartgen.render.pdf import colour_lookup, render_pdf, write_atomic
from kaartgen.model.text import render
from kaartgen.model.theme import Theme
from kaartgen.model.units import mm

MARGIN = mm(18)


class CycleDiagram(Flowable):
    """The adaptive cycle as a figure eight (equilibrium, disruption, reorientation, growth) with the
    stagnations placed at their phase; one that belongs to no phase sits at the crossing."""

    def __init__(self, layout: Layout, phases: list[str], stagnations: list[tuple[str, str]], width: float):
        super().__init__()
        self.layout, self.phases, self.stagnations = layout, phases, stagnations
        self.width, self.height = width, mm(118)

    def _point(self, t: float, a: float) -> tuple[float, float]:
        d = 1 + math.sin(t) ** 2
        return self.width / 2 + a * math.cos(t) / d, self.height / 2 + a * math.sin(t) * math.cos(t) / d * 1.55

    def draw(self) -> None:
        c = self.canv
        colour = colour_lookup(self.layout.theme)
        a = self.width * 0.36
        c.setStrokeColor(colour("rule"))
        c.setLineWidth(2.5)
        path = c.beginPath()
        steps = 240
        for i in range(steps + 1):
            x, y = self._point(2 * math.pi * i / steps, a)
            path.moveTo(x, y) if i == 0 else path.lineTo(x, y)
        c.drawPath(path, stroke=1, fill=0)
        # arrows in the direction of travel: equilibrium -> disruption -> reorientation -> growth
        c.setFillColor(colour("rule"))
        for t in (0.0, math.pi, math.pi / 2 + 0.35, 3 * math.pi / 2 + 0.35):
            x, y = self._point(t, a)
            x2, y2 = self._point(t - 0.02, a)  # travel runs towards smaller t
            length = math.hypot(x2 - x, y2 - y) or 1.0
            ux, uy = (x2 - x) / length, (y2 - y) / length
            head = c.beginPath()
            head.moveTo(x + 7 * ux, y + 7 * uy)
            head.lineTo(x - 5 * ux - 5 * uy, y - 5 * uy + 5 * ux)
            head.lineTo(x - 5 * ux + 5 * uy, y - 5 * uy - 5 * ux)
            head.close()
            c.drawPath(head, stroke=0, fill=1)
        spots = [math.pi / 4, 7 * math.pi / 4, 5 * math.pi / 4, 3 * math.pi / 4]  # along the figure eight
        names = dict(self.stagnations)
        box = mm(44)
        for phase, t in zip(self.phases, spots):
            x, y = self._point(t, a)
            c.setFillColor(colour("ink"))
            c.circle(x, y, 4.5, stroke=0, fill=1)
            top = y > self.height / 2
            label_x = min(max(x - box / 2, 0), self.width - box)
            p, h = self.layout.para(phase, "label", box, align="center")
            q, qh = self.layout.para(names.get(phase, ""), "option", box, align="center")
            y0 = y + mm(4) if top else y - mm(4) - h - qh
            p.drawOn(c, label_x, y0 + qh)
            q.drawOn(c, label_x, y0)
        centre = [name for phase, name in self.stagnations if phase not in self.phases]
        if centre:
            q, qh = self.layout.para(", ".join(centre), "option", box, align="center")
            c.setFillColor(colour("paper"))
            c.rect(self.width / 2 - box / 2, self.height / 2 - qh / 2 - 2, box, qh + 4, stroke=0, fill=1)
            q.drawOn(c, self.width / 2 - box / 2, self.height / 2 - qh / 2)


class CardPicture(Flowable):
    """A card side drawn at a reduced scale, for showing the reflectiekaart in the guide."""

    def __init__(self, sides: list, theme: Theme, scale: float, gap: float):
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


def _reflection(layout: Layout, cs: CardSet) -> CardLayout:
    if cs.reflection is None:
        raise KaartgenError(f"{cs.info.language}/{cs.info.variant} has no reflection card in guide.yaml")
    return layout.card(cs.reflection, None, ("reflection",))


def guide_pdf(cs: CardSet, theme: Theme) -> bytes:
    if cs.guide is None:
        raise KaartgenError(f"{cs.info.language}/{cs.info.variant} has no guide.yaml; add one to make the guide")
    g = cs.guide
    fonts = Fonts(theme)
    layout = Layout(theme, fonts, cs)
    width = A4[0] - 2 * MARGIN
    flow: list = []

    def para(text: str, style: str, w: float = width, align: str | None = None) -> Paragraph:
        return layout.para(text, style, w, align=align)[0]

    flow += [para(cs.info.title, "examples_heading"), para(g.title, "domain_title", align="left"),
             Spacer(1, mm(3)), para(g.intro, "body"), Spacer(1, mm(4))]
    for section in g.sections:
        block = [para(section.heading, "heading"), Spacer(1, mm(1.5))]
        for text in section.paragraphs:
            block += [para(text, "body"), Spacer(1, mm(2))]
        flow += [KeepTogether(block), Spacer(1, mm(2))]

    stagnations = [(s.phase, s.name) for s in cs.stagnations]
    flow.append(KeepTogether([para(g.cycle.heading, "heading"), Spacer(1, mm(1.5)), para(g.cycle.text, "body"),
                              Spacer(1, mm(3)), CycleDiagram(layout, g.cycle.phases, stagnations, width)]))
    flow.append(Spacer(1, mm(4)))

    descriptions = next((b for c in cs.cards for _, b, _ in c.walk() if isinstance(b, Descriptions)), None)
    if descriptions:
        widths = [width * f for f in (0.27, 0.19, 0.26, 0.28)]
        rows = [[para(h, "label", w) for h, w in zip(g.table.columns, widths)]]
        for option in descriptions.options:
            s = cs.stagnation(option.stagnation)
            rows.append([para(f"{option.letter}  {option.text}", "option", widths[0]),
                         para(s.name, "label", widths[1]), para(s.mechanism, "option", widths[2]),
                         para(s.action, "option", widths[3])])
        table = Table(rows, colWidths=widths, repeatRows=1)
        rule = colour_lookup(theme)("rule")
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, rule), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
        flow.append(KeepTogether([para(g.table.heading, "heading"), Spacer(1, mm(1.5)), para(g.table.text, "body"),
                                  Spacer(1, mm(3)), table]))
        flow.append(Spacer(1, mm(4)))

    prompts = [para(g.prompts.heading, "heading"), Spacer(1, mm(1.5))]
    for number, card in enumerate(cs.cards, 1):
        title = card.name or render(card.title, layout.values)
        prompts += [para(f"{number}/{len(cs.cards)}  {title}", "label"), para(card.notes, "body"), Spacer(1, mm(2))]
    flow += prompts

    reflection = _reflection(layout, cs)
    flow.append(KeepTogether([para(g.reflection.heading, "heading"), Spacer(1, mm(1.5)),
                              para(g.reflection.text, "body"), Spacer(1, mm(3)),
                              CardPicture(reflection.sides, theme, 0.75, mm(8))]))
    buffer = io.BytesIO()
    body = theme.style("body")
    footer = theme.style(theme.footer.style)

    def page_number(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(fonts.name(footer.font, footer.weight), footer.size)
        canvas.setFillColor(theme.colours[footer.colour].pdf)
        canvas.drawRightString(A4[0] - MARGIN, mm(10), render(g.page, {"number": doc.page}))
        canvas.restoreState()

    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=mm(16),
                      bottomMargin=mm(16), invariant=1, initialFontName=fonts.name(body.font, body.weight),
                      title=g.title, author="", creator=f"kaartgen {__version__}",
                      keywords=f"kaartgen {cs.info.language}/{cs.info.variant} guide").build(
        flow, onFirstPage=page_number, onLaterPages=page_number)
    return buffer.getvalue()


def reflection_pdf(cs: CardSet, theme: Theme, fmt_name: str) -> bytes:
    """The reflectiekaart on its own: four to a sheet (office) or fillable (digital)."""
    fonts = Fonts(theme)
    layout = Layout(theme, fonts, cs)
    card = _reflection(layout, cs)
    fmt = theme.formats[fmt_name]
    copies = fmt.columns * fmt.rows if fmt.page != "card" else 1
    pages = impose([card] * copies, fmt, theme, fmt_name)
    body = theme.style("body")
    return render_pdf(pages, theme, fmt, cs.guide.reflection.heading if cs.guide else card.id,
                      f"{cs.info.language}/{cs.info.variant} reflection", fonts.name(body.font, body.weight),
                      keywords=f"kaartgen {cs.info.language}/{cs.info.variant} reflection {fmt_name}")


def build_guide(content: Path, templates: Path, language: str, variant: str, out: Path) -> list[Path]:
    theme: Loaded = load_theme(templates)
    loaded = load_card_set(content, language, variant)
    cs = loaded.model
    written = []
    for name, data in ((f"kaartgen-guide-{language}-{variant}.pdf", guide_pdf(cs, theme.model)),
                       (f"kaartgen-reflection-{language}-{variant}-office.pdf", reflection_pdf(cs, theme.model, "office")),
                       (f"kaartgen-reflection-{language}-{variant}-digital.pdf", reflection_pdf(cs, theme.model, "digital"))):
        write_atomic(out / name, data)
        written.append(out / name)
    return written
