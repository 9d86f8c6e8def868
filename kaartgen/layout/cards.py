"""Lay out card sides: turn content into positioned drawing items, measuring every text.

A side is a stack of pieces from top to bottom inside the card's text area. Each piece knows its
minimum height; write-in areas are flexible and share the spare space in whole ruled lines, so a
card is never half empty and never overfull. A side that does not fit raises FitError with the
card, the block and the overflow in mm; text is never clipped or shrunk.

Coordinates are points from the card's bottom-left trim corner. Nothing here depends on the output
format: formats only decide where a laid-out side goes on a page (imposition.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from kaartgen.model.content import (
    CardSet, Choice, Descriptions, Domain, DomainChoice, FillInCard, Heading, Side, Text, WriteIn,
)
from kaartgen.model.answers import answer_name, note_name, tick_name
from kaartgen.errors import FitError, KaartgenError
from kaartgen.layout.fonts import Fonts
from kaartgen.model.text import Personal, card_values, render
from kaartgen.model.theme import DOMAIN_TEXT, Style, Theme
from kaartgen.model.units import to_mm

_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
_TALL = 10_000.0  # height offered to a paragraph when measuring it


# ---- drawing items: what a laid-out side is made of ------------------------------------------

@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Fill:
    """A background area; `to_edge` areas that touch the trim edge run on into bleed."""

    rect: Rect
    colour: str


@dataclass(frozen=True)
class TextBox:
    x: float
    y: float  # bottom of the wrapped paragraph
    w: float
    h: float
    para: Paragraph


@dataclass(frozen=True)
class Rule:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: str
    width: float


@dataclass(frozen=True)
class Circle:
    cx: float
    cy: float
    r: float
    colour: str
    width: float
    fill: str | None = None


@dataclass(frozen=True)
class Polyline:
    points: tuple[tuple[float, float], ...]
    colour: str
    width: float
    closed: bool = False


@dataclass(frozen=True)
class Frame:
    rect: Rect
    radius: float
    colour: str
    width: float


@dataclass(frozen=True)
class Field:
    """Where an answer is written: a fillable field in digital formats, nothing in print."""

    rect: Rect
    name: str
    kind: str  # "text", "checkbox" or "radio"
    value: str | None = None  # the option of a radio button or check box
    label: str = ""  # what a screen reader says for the field

Item = Fill | TextBox | Rule | Circle | Polyline | Frame | Field


@dataclass
class SideLayout:
    label: str  # for messages: "card 2/6 'situatie', side 2"
    background: str  # colour of the card panel
    framed: bool  # white cards get a thin frame where the format draws one
    items: list[Item] = field(default_factory=list)
    spare: float = 0.0  # height left over in the text area before write-in lines grew into it


@dataclass
class CardLayout:
    id: str
    kind: str  # "fill-in" or "domain"
    sides: list[SideLayout]


# ---- pieces: blocks measured at a width, placed later ---------------------------------------

Place = Callable[[float, float, list[int]], list[Item]]  # (x, top, extra lines per group) -> items


def bind_last_words(text: str) -> str:
    """'a b c d' -> 'a b c\u00a0d' when there are three words or more and the last is short."""
    head, sep, last = text.rpartition(" ")
    if not sep or " " not in head.strip() or len(last) > 16:
        return text
    return head + "\u00a0" + last


@dataclass
class Piece:
    height: float
    place: Place
    groups: int = 0  # flexible write-in areas in this piece
    what: str = ""
    loc: tuple = ()


class Layout:
    """Lays out one card set for one personalisation with one theme."""

    def __init__(self, theme: Theme, fonts: Fonts, card_set: CardSet, personal: Personal | None = None):
        self.theme = theme
        self.fonts = fonts
        self.cs = card_set
        self.values = card_values(personal or Personal(), card_set.info.dates)
        self._pstyles: dict[tuple[str, str, str], ParagraphStyle] = {}
        self._last_heading = ""  # spoken label of a write-in space without a label of its own
        card = theme.card
        self.width = card.width
        self.height = card.height
        self.inner = card.width - 2 * card.margin

    # -- text ---------------------------------------------------------------------------------

    def colour(self, name: str):
        return self.theme.colours[name].pdf

    def _pstyle(self, name: str, colour: str, align: str | None) -> ParagraphStyle:
        style = self.theme.style(name)
        key = (name, colour, align or style.align)
        if key not in self._pstyles:
            self._pstyles[key] = ParagraphStyle(
                name="-".join(key),
                fontName=self.fonts.name(style.font, style.weight),
                fontSize=style.size,
                leading=style.leading,
                textColor=self.colour(colour),
                alignment=_ALIGN[align or style.align],
            )
        return self._pstyles[key]

    def para(self, text: str, style_name: str, width: float, loc: tuple = (),
             domain: Domain | None = None, align: str | None = None, bind: bool = True) -> tuple[Paragraph, float]:
        """A wrapped paragraph of plain text and its height; markup in the text is printed literally.

        With `bind`, a paragraph's last two words are joined by a no-break space, so that its last
        line never holds a single word (a widow). A text holding a client's value is not bound:
        the value must come out of the PDF exactly as it was given."""
        style: Style = self.theme.style(style_name)
        if bind and not any(isinstance(v, str) and v in text for v in self.values.values()):
            text = bind_last_words(text)
        colour = style.colour
        if colour == DOMAIN_TEXT:
            colour = self.theme.domain_colours[domain.colour].text if domain else "ink"
        try:
            markup = self.fonts.markup(text, style)
        except KaartgenError as exc:
            exc.loc = loc
            raise
        p = Paragraph(markup, self._pstyle(style_name, colour, align))
        _, h = p.wrap(width, _TALL)
        return p, h

    def render(self, source: str, loc: tuple) -> str:
        try:
            return render(source, self.values)
        except KaartgenError as exc:
            exc.loc = loc
            raise

    def text_piece(self, text: str, style_name: str, loc: tuple, what: str, width: float | None = None,
                   domain: Domain | None = None) -> Piece:
        p, h = self.para(text, style_name, width or self.inner, loc, domain)

        def place(x: float, top: float, _: list[int]) -> list[Item]:
            return [TextBox(x, top - h, width or self.inner, h, p)]

        return Piece(h, place, what=what, loc=loc)

    def lines_piece(self, texts: list[str], style_name: str, loc: tuple, what: str) -> Piece:
        """Several short paragraphs, each starting on a new line, a quarter line apart."""
        paras = [self.para(text, style_name, self.inner, loc) for text in texts]
        gap = self.theme.style(style_name).leading * 0.25
        height = sum(h for _, h in paras) + gap * (len(paras) - 1)

        def place(x: float, top: float, _: list[int]) -> list[Item]:
            items: list[Item] = []
            for p, h in paras:
                items.append(TextBox(x, top - h, self.inner, h, p))
                top -= h + gap
            return items

        return Piece(height, place, what=what, loc=loc)

    # -- the pack -----------------------------------------------------------------------------

    def pack(self) -> list[CardLayout]:
        """Every card of the set in pack order: the fill-in cards 1…n, then the domain cards."""
        cards = [self.fill_in_card(i, c) for i, c in enumerate(self.cs.cards)]
        cards += [self.domain_card(i, d) for i, d in enumerate(self.cs.domains)]
        return cards

    # -- fill-in cards ------------------------------------------------------------------------

    def fill_in_card(self, index: int, card: FillInCard) -> CardLayout:
        total = len(self.cs.cards)
        number = render(self.cs.info.labels.card_number, {"number": index + 1, "total": total})
        return self.card(card, number, ("cards", index))

    def card(self, card: FillInCard, number: str | None, where: tuple) -> CardLayout:
        """A card of blocks: a fill-in card (with its number) or the professional's reflectiekaart."""
        sides = []
        for si, side in enumerate(card.sides):
            label = f"card {number or ''} '{card.id}'" + (f", side {si + 1}" if len(card.sides) > 1 else "")
            loc = where + ("sides", si)
            pieces = self.side_pieces(card, side, loc)
            layout = SideLayout(label, "paper", framed=True)
            self.stack(pieces, self.height - self.theme.card.margin, layout)
            layout.items += self.footer(number)
            sides.append(layout)
        return CardLayout(card.id, "fill-in", sides)

    def side_pieces(self, card: FillInCard, side: Side, loc: tuple) -> list[Piece]:
        pieces = []
        for bi, block in enumerate(side.blocks):
            bloc = loc + ("blocks", bi)
            what = f"block {bi + 1} ({block.type}{' ' + repr(block.id) if hasattr(block, 'id') else ''})"
            if isinstance(block, (Heading, Text)):
                text = self.render(block.text, bloc + ("text",))
                if isinstance(block, Heading):
                    self._last_heading = text
                if text:  # a text that renders empty (e.g. no appointment given) takes no space
                    style = getattr(self.theme.text_blocks, block.type)
                    pieces.append(self.text_piece(text, style, bloc + ("text",), what))
            elif isinstance(block, WriteIn):
                pieces.append(self.write_in(answer_name(card, block), block.label, block.lines, bloc, what))
            elif isinstance(block, Choice):
                pieces.append(self.choice(card, block, bloc, what))
            elif isinstance(block, Descriptions):
                pieces.append(self.descriptions(card, block, bloc, what))
            elif isinstance(block, DomainChoice):
                pieces.append(self.domain_choice(card, block, bloc, what))
        return pieces

    def stack(self, pieces: list[Piece], top: float, side: SideLayout) -> None:
        """Place pieces top-down in the text area; share spare space out as extra write-in lines."""
        label = side.label
        card = self.theme.card
        bottom = card.margin + card.footer_height
        gap = card.block_gap
        need = sum(p.height for p in pieces) + gap * max(0, len(pieces) - 1)
        if need > top - bottom:
            y = top
            for p in pieces:
                y -= p.height
                if y < bottom:
                    raise FitError(
                        f"{label}: {p.what} does not fit; the side overflows its text area "
                        f"({to_mm(top - bottom):.1f} mm high) by {to_mm(need - (top - bottom)):.1f} mm. "
                        "Shorten the text or lower `lines`.",
                        loc=p.loc,
                    )
                y -= gap
        side.spare = top - bottom - need
        spare = int(side.spare // self.theme.write_in.line_spacing)
        groups = sum(p.groups for p in pieces)
        # Every write-in area gets the same number of extra lines, and the lines left over go to the
        # first areas, so no ruled line's worth of the card stays blank.
        extra = [spare // groups + (1 if i < spare % groups else 0) for i in range(groups)]
        y = top
        for p in pieces:
            mine, extra = extra[: p.groups], extra[p.groups:]
            side.items += p.place(self.theme.card.margin, y, mine)
            y -= p.height + sum(mine) * self.theme.write_in.line_spacing + gap

    def footer(self, number: str | None) -> list[Item]:
        card = self.theme.card
        style = self.theme.footer.style
        y = card.margin
        title, th = self.para(self.cs.info.title, style, self.inner * 0.8)
        items: list[Item] = [TextBox(card.margin, y, self.inner * 0.8, th, title)]
        if number:
            num, nh = self.para(number, style, self.inner * 0.2, align="right")
            items.append(TextBox(card.margin + self.inner * 0.8, y, self.inner * 0.2, nh, num))
        return items

    def lines(self, x: float, top: float, width: float, count: int, name: str, label: str = "") -> list[Item]:
        look = self.theme.write_in
        s = look.line_spacing
        items: list[Item] = [Rule(x, top - (i + 1) * s, x + width, top - (i + 1) * s, look.colour, look.line_width)
                             for i in range(count)]
        items.append(Field(Rect(x, top - count * s, width, count * s), name, "text", label=label))
        return items

    def write_in(self, name: str, label: str | None, lines: int, loc: tuple, what: str) -> Piece:
        look = self.theme.write_in
        text = self.render(label, loc + ("label",)) if label else ""
        if text:
            p, lh = self.para(text, look.label_style, self.inner, loc + ("label",))
            lh += look.label_gap
        else:
            p, lh = None, 0.0
        spoken = text or self._last_heading

        def place(x: float, top: float, extra: list[int]) -> list[Item]:
            items: list[Item] = [TextBox(x, top - lh + look.label_gap, self.inner, lh - look.label_gap, p)] if p else []
            return items + self.lines(x, top - lh, self.inner, lines + extra[0], name, spoken)

        return Piece(lh + lines * look.line_spacing, place, groups=1, what=what, loc=loc)

    def tick_grid(self, labels: list[tuple[str, str]], columns: int, name: str, kind: str, loc: tuple,
                  domains: list[Domain] | None = None) -> Piece:
        """Boxes to tick with a label each, in a grid of at most `columns`: as many as leave every
        label on one line, so no label can be read as another box's. With `domains`, each box has
        the domain's pictogram on a chip of the domain's colour, linking it to its coloured card."""
        box = self.theme.checkbox
        look = self.theme.pictograms
        icon = look.list_size if domains else 0.0
        chip = icon + 2 * look.chip_padding if domains else 0.0
        lead = box.size + box.label_gap + (chip + box.label_gap if domains else 0.0)
        texts = [self.render(text, loc) for _, text in labels]
        for columns in range(columns, 0, -1):
            cell = self.inner / columns
            text_w = cell - lead
            paras = [self.para(text, box.label_style, text_w, loc) for text in texts]
            if all(len(p.blPara.lines) == 1 for p, _ in paras):
                break
        rows = [paras[i:i + columns] for i in range(0, len(paras), columns)]
        heights = [max(max(h for _, h in row), box.size, chip) for row in rows]
        row_gap = box.row_gap if columns > 1 or not domains else box.list_row_gap  # a list of one column packs tighter
        height = sum(heights) + row_gap * (len(rows) - 1)

        def place(x: float, top: float, _: list[int]) -> list[Item]:
            items: list[Item] = []
            y = top
            for r, row in enumerate(rows):
                for c, (p, h) in enumerate(row):
                    cx = x + c * cell
                    value = labels[r * columns + c][0]
                    mid = y - heights[r] / 2 if domains else y - box.size / 2
                    sq = Rect(cx, mid - box.size / 2, box.size, box.size)
                    items.append(Frame(sq, box.size * 0.15, box.colour, box.line_width))
                    items.append(Field(sq, name if kind == "radio" else tick_name(name, value), kind, value,
                                       label=labels[r * columns + c][1]))
                    if domains:
                        domain = domains[r * columns + c]
                        colours = self.theme.domain_colours[domain.colour]
                        ix = cx + box.size + box.label_gap
                        items.append(Fill(Rect(ix, mid - chip / 2, chip, chip), colours.fill))
                        if domain.pictogram:
                            items += self.pictogram(domain.pictogram, ix + look.chip_padding, mid - icon / 2, icon,
                                                    colours.text)
                    items.append(TextBox(cx + lead, mid - h / 2 if domains else y - h, text_w, h, p))
                y -= heights[r] + row_gap
            return items

        return Piece(height, place)

    def choice(self, card: FillInCard, block: Choice, loc: tuple, what: str) -> Piece:
        piece = self.tick_grid([(o.id, o.label) for o in block.options], self.theme.checkbox.choice_columns,
                               answer_name(card, block), "radio", loc)
        piece.what, piece.loc = what, loc
        return piece

    def badge(self, x: float, top: float, text: str) -> list[Item]:
        look = self.theme.badge
        r = look.diameter / 2
        p, h = self.para(text, look.style, look.diameter, align="center")
        return [Circle(x + r, top - r, r - look.line_width / 2, look.colour, look.line_width),
                TextBox(x, top - r - h / 2 + p.style.fontSize * 0.12, look.diameter, h, p)]

    def pictogram(self, name: str, x: float, y: float, size: float, colour: str) -> list[Item]:
        """The template's icon `name` scaled into the square with bottom-left (x, y)."""
        look = self.theme.pictograms
        k = size / 100
        width = look.stroke * k
        items: list[Item] = []
        for shape in look.icons[name]:
            if shape.circle:
                cx, cy, r = shape.circle
                items.append(Circle(x + cx * k, y + cy * k, r * k, colour, width))
            else:
                points = tuple((x + px * k, y + py * k) for px, py in (shape.line or shape.shape))
                items.append(Polyline(points, colour, width, closed=shape.shape is not None))
        return items

    def descriptions(self, card: FillInCard, block: Descriptions, loc: tuple, what: str) -> Piece:
        look = self.theme.descriptions
        badge = self.theme.badge.diameter
        gap = look.gap
        n = len(block.options)
        cols = look.columns
        rows = [list(range(i, min(i + cols, n))) for i in range(0, n, cols)]
        cells: dict[int, tuple[Paragraph, float, float]] = {}
        heights = []
        for row in rows:
            width = (self.inner - gap * (len(row) - 1)) / len(row)  # a short last row spans the width
            text_w = width - 2 * look.padding - badge - look.padding
            for i in row:
                opt = block.options[i]
                p, h = self.para(self.render(opt.text, loc + ("options", i, "text")), look.style, text_w,
                                 loc + ("options", i, "text"))
                cells[i] = (p, h, width)
            heights.append(max(max(cells[i][1], badge) for i in row) + 2 * look.padding)
        height = sum(heights) + gap * (len(rows) - 1)

        def place(x: float, top: float, _: list[int]) -> list[Item]:
            items: list[Item] = []
            y = top
            for r, row in enumerate(rows):
                cx = x
                for i in row:
                    p, h, width = cells[i]
                    rect = Rect(cx, y - heights[r], width, heights[r])
                    items.append(Frame(rect, look.radius, look.border.colour, look.border.width))
                    option = block.options[i]
                    spot = Rect(cx + look.padding, y - look.padding - badge, badge, badge)
                    items += self.badge(cx + look.padding, y - look.padding, option.letter)
                    items.append(Field(spot, answer_name(card, block), "radio", option.letter,
                                       label=f"{option.letter}: {self.render(option.text, loc)}"))
                    tx = cx + 2 * look.padding + badge
                    items.append(TextBox(tx, y - look.padding - h, width - (tx - cx) - look.padding, h, p))
                    cx += width + gap
                y -= heights[r] + gap
            return items

        return Piece(height, place, what=what, loc=loc)

    def domain_choice(self, card: FillInCard, block: DomainChoice, loc: tuple, what: str) -> Piece:
        name = answer_name(card, block)
        ticks = self.tick_grid([(d.id, d.label) for d in self.cs.domains], self.theme.checkbox.domain_columns,
                               name, "checkbox", loc, list(self.cs.domains))
        look = self.theme.write_in
        badge = self.theme.badge.diameter
        indent = badge + self.theme.checkbox.label_gap
        gap = self.theme.checkbox.row_gap
        area = block.lines * look.line_spacing
        height = ticks.height + self.theme.card.block_gap + block.max * area + (block.max - 1) * gap

        def place(x: float, top: float, extra: list[int]) -> list[Item]:
            items = ticks.place(x, top, [])
            y = top - ticks.height - self.theme.card.block_gap
            for n in range(block.max):
                count = block.lines + extra[n]
                items += self.badge(x, y - look.line_spacing + badge + 1, str(n + 1))
                items += self.lines(x + indent, y, self.inner - indent, count, note_name(name, n + 1),
                                    f"{self._last_heading} {n + 1}")
                y -= count * look.line_spacing + gap
            return items

        return Piece(height, place, groups=block.max, what=what, loc=loc)

    # -- domain cards -------------------------------------------------------------------------

    def domain_card(self, index: int, domain: Domain) -> CardLayout:
        return CardLayout(domain.id, "domain", [self.domain_front(index, domain), self.domain_back(index, domain)])

    def domain_front(self, index: int, domain: Domain) -> SideLayout:
        card = self.theme.card
        fill = self.theme.domain_colours[domain.colour].fill
        label = f"domain card '{domain.id}', front"
        side = SideLayout(label, fill, framed=False)
        loc = ("domains", index, "title")
        title, th = self.para(self.render(domain.title, loc), self.theme.front.title_style, self.inner, loc, domain)
        sub, sh = self.para(self.cs.info.title, self.theme.front.set_title_style, self.inner, (), domain)
        icon = self.theme.pictograms.front_size if domain.pictogram else 0.0
        gap = card.block_gap * 2 if domain.pictogram else 0.0
        area = self.height - 2 * card.margin - card.footer_height
        if th + icon + gap > area:
            raise FitError(f"{label}: the title is {to_mm(th + icon + gap - area):.1f} mm too tall for the card; shorten it",
                           loc=loc)
        side.spare = area - th - icon - gap
        bottom = (self.height - th - icon - gap) / 2 + card.footer_height / 2
        side.items.append(TextBox(card.margin, bottom, self.inner, th, title))
        if domain.pictogram:
            text = self.theme.domain_colours[domain.colour].text
            side.items += self.pictogram(domain.pictogram, (self.width - icon) / 2, bottom + th + gap, icon, text)
        side.items.append(TextBox(card.margin, card.margin, self.inner, sh, sub))
        return side

    def domain_back(self, index: int, domain: Domain) -> SideLayout:
        card = self.theme.card
        band = self.theme.band
        fill = self.theme.domain_colours[domain.colour].fill
        label = f"domain card '{domain.id}', back"
        side = SideLayout(label, "paper", framed=True)
        loc = ("domains", index)
        band_rect = Rect(0, self.height - band.height, self.width, band.height)
        title, th = self.para(self.render(domain.title, loc + ("title",)), band.style, self.inner, loc + ("title",), domain)
        if th > band.height - card.margin / 2:
            raise FitError(f"{label}: the title does not fit in the coloured band; shorten it", loc=loc + ("title",))
        side.items.append(Fill(band_rect, fill))
        visible = band.height - card.margin / 2  # the panel may start up to half the margin inside the trim
        side.items.append(TextBox(card.margin, band_rect.y + (visible - th) / 2 + th * 0.1, self.inner, th, title))

        back = self.cs.info.domain_back
        style = back.text_style or self.theme.text_blocks.text
        if back.questions == "lines":  # the intro, then each question on a line of its own
            texts = [(domain.intro, loc + ("intro",))] + [(q, loc + ("questions", i)) for i, q in enumerate(domain.questions)]
            pieces = [self.lines_piece([self.render(t, at) for t, at in texts], style, loc + ("intro",),
                                       "the text with questions")]
        else:
            body = " ".join([domain.intro] + domain.questions)
            pieces = [self.text_piece(self.render(body, loc + ("intro",)), style, loc + ("intro",),
                                      "the text with questions")]
        pieces.append(self.examples(domain, loc + ("examples",), fill, back.example_style, back.example_heading_style))
        self.stack(pieces, band_rect.y - card.block_gap, side)
        side.items += self.footer(None)
        return side

    def examples(self, domain: Domain, loc: tuple, fill: str, item_style: str | None = None,
                 heading_style: str | None = None) -> Piece:
        look = self.theme.examples
        head, hh = self.para(self.render(self.cs.info.labels.examples, ()), heading_style or look.heading_style, self.inner)
        width = self.inner - look.indent
        items = [self.para(self.render(t, loc + (i,)), item_style or look.item_style, width, loc + (i,))
                 for i, t in enumerate(domain.examples)]
        height = hh + sum(h + look.item_gap for _, h in items)

        def place(x: float, top: float, _: list[int]) -> list[Item]:
            out: list[Item] = [TextBox(x, top - hh, self.inner, hh, head)]
            y = top - hh - look.item_gap
            r = look.bullet_diameter / 2
            for p, h in items:
                first_line = p.style.leading
                out.append(Circle(x + r, y - first_line / 2 - r / 2, r, fill, 0, fill=fill))
                out.append(TextBox(x + look.indent, y - h, width, h, p))
                y -= h + look.item_gap
            return out

        return Piece(height, place, what="the 'denk daarbij aan' list", loc=loc)
