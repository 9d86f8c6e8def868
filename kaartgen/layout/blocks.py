"""Block builders: each content block of a card measured at the text width as a Piece.

A builder sets its texts through the Typesetter and returns a Piece whose `place` turns it into
drawing items once the stacker knows where the block goes. Answer names come from model/answers.py.
"""

from __future__ import annotations

from reportlab.platypus import Paragraph

from kaartgen import reportlab_internals as rl
from kaartgen.layout.items import FORM, Circle, Field, Fill, Frame, Item, P, Polyline, Rect, Rule, Tag, TextBox
from kaartgen.layout.stack import Piece
from kaartgen.layout.typeset import Typesetter
from kaartgen.messages import Term
from kaartgen.model.answers import answer_name, choice_value, note_name, tick_name
from kaartgen.model.content import (
    Block,
    CardSet,
    Choice,
    Descriptions,
    Domain,
    DomainChoice,
    FillInCard,
    Heading,
    Text,
    WriteIn,
)
from kaartgen.model.merge import Loc

# Structure roles of a tagged PDF (render/tags.py): a card's first heading is H1, later ones H2;
# boxes to tick and lettered or numbered options are lists, each option a list item whose field
# (Form) and text (LBody) follow its label.
_H1, _H2 = Tag(("H1",)), Tag(("H2",))
_LI_FORM = ("L", "LI", "Form")
_BODY = Tag(("L", "LI", "LBody"), 2)
_UNNAMED = Term("term.block_unnamed")  # a block in messages, when the caller names none


class Blocks:
    """The block builders of one card set, setting text with one typesetter."""

    def __init__(self, ts: Typesetter, card_set: CardSet, screen: bool = False):
        self.ts = ts
        self.screen = screen  # a pack filled in on a screen: texts in their screen wording
        self.theme = ts.theme
        self.cs = card_set
        self.inner = self.theme.card.width - 2 * self.theme.card.margin

    def piece(self, card: FillInCard, block: Block, loc: Loc, question: str, title: bool = False) -> Piece | None:
        """The piece for one block of a fill-in card; None for a text that renders empty (e.g. no
        appointment given), which takes no space. `question` is the (unrendered) question the block
        asks (model/answers.py `questions`): what a screen reader says for its fields. `title`: the
        block is the card's first heading (H1 in a tagged PDF; later headings are H2)."""
        what = (Term("term.block_id", n=loc[-1] + 1, type=block.type, id=block.id) if hasattr(block, "id")
                else Term("term.block", n=loc[-1] + 1, type=block.type))
        if isinstance(block, (Heading, Text)):
            screen = isinstance(block, Text) and self.screen and block.screen is not None
            at = loc + ("screen",) if screen else loc + ("text",)
            text = self.ts.render(block.for_screen(self.screen) if isinstance(block, Text) else block.text, at)
            if not text:
                return None
            tag = (_H1 if title else _H2) if isinstance(block, Heading) else P
            return self.text_piece(text, getattr(self.theme.text_blocks, block.type), at, what, tag=tag)
        spoken = self.ts.render(question, loc)
        if isinstance(block, WriteIn):
            return self.write_in(answer_name(card, block), block.label, block.lines, loc, what, spoken)
        if isinstance(block, Choice):
            return self.choice(card, block, loc, what, spoken)
        if isinstance(block, Descriptions):
            return self.descriptions(card, block, loc, what, spoken)
        if isinstance(block, DomainChoice):
            return self.domain_choice(card, block, loc, what, spoken)
        raise TypeError(f"no builder for block type {block.type!r}")

    # -- text ---------------------------------------------------------------------------------

    def text_piece(self, text: str, style_name: str, loc: Loc, what: Term, width: float | None = None,
                   domain: Domain | None = None, tag: Tag = P) -> Piece:
        width = width or self.inner
        p, h = self.ts.para(text, style_name, width, loc, domain)

        def place(x: float, top: float, _: list[int]) -> list[Item]:
            return [TextBox(x, top - h, width, h, p, tag)]

        return Piece(h, place, what=what, loc=loc)

    def lines_piece(self, texts: list[str], style_name: str, loc: Loc, what: Term) -> Piece:
        """Several short paragraphs, each starting on a new line, a quarter line apart."""
        paras = [self.ts.para(text, style_name, self.inner, loc) for text in texts]
        gap = self.theme.style(style_name).leading * 0.25
        height = sum(h for _, h in paras) + gap * (len(paras) - 1)

        def place(x: float, top: float, _: list[int]) -> list[Item]:
            items: list[Item] = []
            for p, h in paras:
                items.append(TextBox(x, top - h, self.inner, h, p))
                top -= h + gap
            return items

        return Piece(height, place, what=what, loc=loc)

    # -- answers ------------------------------------------------------------------------------

    def lines(self, x: float, top: float, width: float, count: int, name: str, label: str = "",
              tag: Tag = FORM) -> list[Item]:
        """`count` ruled lines to write on, and the field that covers them in digital formats."""
        look = self.theme.write_in
        s = look.line_spacing
        items: list[Item] = [Rule(x, top - (i + 1) * s, x + width, top - (i + 1) * s, look.colour, look.line_width,
                                  writing=True) for i in range(count)]
        items.append(Field(Rect(x, top - count * s, width, count * s), name, "text", label=label, tag=tag))
        return items

    def write_in(self, name: str, label: str | None, lines: int, loc: Loc, what: Term, heading: str) -> Piece:
        look = self.theme.write_in
        text = self.ts.render(label, loc + ("label",)) if label else ""
        if text:
            p, lh = self.ts.para(text, look.label_style, self.inner, loc + ("label",))
            lh += look.label_gap
        else:
            p, lh = None, 0.0
        spoken = text or heading

        def place(x: float, top: float, extra: list[int]) -> list[Item]:
            items: list[Item] = [TextBox(x, top - lh + look.label_gap, self.inner, lh - look.label_gap, p)] if p else []
            return items + self.lines(x, top - lh, self.inner, lines + extra[0], name, spoken)

        return Piece(lh + lines * look.line_spacing, place, groups=1, what=what, loc=loc)

    def choice(self, card: FillInCard, block: Choice, loc: Loc, what: Term, heading: str) -> Piece:
        """A single choice: its label, when it has one, in the write-in label style (so every
        question on a card looks the same), then the options as circles."""
        look = self.theme.write_in
        text = self.ts.render(block.label, loc + ("label",)) if block.label else ""
        columns = block.columns or self.theme.checkbox.choice_columns
        grid = self.tick_grid([(o.id, o.label) for o in block.options], columns, answer_name(card, block), "radio",
                              loc, what, question=text or heading)
        if not text:
            return grid
        p, lh = self.ts.para(text, look.label_style, self.inner, loc + ("label",))
        lh += look.label_gap

        def place(x: float, top: float, extra: list[int]) -> list[Item]:
            return [TextBox(x, top - lh + look.label_gap, self.inner, lh - look.label_gap, p),
                    *grid.place(x, top - lh, extra)]

        return Piece(lh + grid.height, place, what=what, loc=loc)

    def tick_grid(self, labels: list[tuple[str, str]], max_columns: int, name: str, kind: str, loc: Loc,
                  what: Term = _UNNAMED, domains: list[Domain] | None = None, question: str = "") -> Piece:
        """Boxes to tick with a label each, in a grid of at most `max_columns`: as many as leave every
        label on one line, so no label can be read as another box's. With `domains`, each box has
        the domain's pictogram on a chip of the domain's colour, linking it to its coloured card."""
        box = self.theme.checkbox
        look = self.theme.pictograms
        icon = look.list_size if domains else 0.0
        chip = icon + 2 * look.chip_padding if domains else 0.0
        lead = box.size + box.label_gap + (chip + box.label_gap if domains else 0.0)
        texts = [self.ts.render(text, loc) for _, text in labels]
        for columns in range(max_columns, 0, -1):
            cell = self.inner / columns
            text_w = cell - lead
            paras = [self.ts.para(text, box.label_style, text_w, loc) for text in texts]
            if all(rl.line_count(p) == 1 for p, _ in paras):
                break
        rows = [paras[i:i + columns] for i in range(0, len(paras), columns)]
        heights = [max(*(h for _, h in row), box.size, chip) for row in rows]
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
                    if kind == "radio":  # one of several: a circle, as forms draw a single choice
                        items.append(Circle(cx + box.size / 2, mid, (box.size - box.line_width) / 2, box.colour,
                                            box.line_width))
                    else:
                        items.append(Frame(sq, box.size * 0.15, box.colour, box.line_width))
                    items.append(Field(sq, name if kind == "radio" else tick_name(name, value), kind,
                                       choice_value(value) if kind == "radio" else value,
                                       label=question if kind == "radio" else labels[r * columns + c][1],
                                       shape="circle" if kind == "radio" else "square",
                                       tag=Tag(_LI_FORM, 0 if r == c == 0 else 1)))
                    if domains:
                        domain = domains[r * columns + c]
                        colours = self.theme.domain_colours[domain.colour]
                        ix = cx + box.size + box.label_gap
                        items.append(Fill(Rect(ix, mid - chip / 2, chip, chip), colours.fill))
                        if domain.pictogram:
                            items += self.pictogram(domain.pictogram, ix + look.chip_padding, mid - icon / 2, icon,
                                                    colours.text)
                    items.append(TextBox(cx + lead, mid - h / 2 if domains else y - h, text_w, h, p, _BODY))
                y -= heights[r] + row_gap
            return items

        return Piece(height, place, what=what, loc=loc)

    def badge(self, x: float, top: float, text: str, first: bool) -> list[Item]:
        """A letter or number in a circle: the option letters of card 3, the numbered notes. It
        labels a list item (`first`: the list's first), so a screen reader says "A" before the text."""
        look = self.theme.badge
        r = look.diameter / 2
        p, h = self.ts.para(text, look.style, look.diameter, align="center")
        return [Circle(x + r, top - r, r - look.line_width / 2, look.colour, look.line_width),
                TextBox(x, top - r - h / 2 + p.style.fontSize * 0.12, look.diameter, h, p,
                        Tag(("L", "LI", "Lbl"), 0 if first else 1))]

    def pictogram(self, name: str, x: float, y: float, size: float, colour: str, alt: str = "") -> list[Item]:
        """The template's icon `name` scaled into the square with bottom-left (x, y). With `alt`, it
        carries meaning: one Figure with that text in a tagged PDF; without, it is decoration."""
        look = self.theme.pictograms
        k = size / 100
        width = look.stroke * k
        items: list[Item] = []
        for i, shape in enumerate(look.icons[name]):
            tag = Tag(("Figure",), 0 if i == 0 else 1, alt) if alt else None
            if shape.circle:
                cx, cy, r = shape.circle
                items.append(Circle(x + cx * k, y + cy * k, r * k, colour, width, tag=tag))
            else:
                outline = shape.line or shape.shape
                assert outline is not None  # a template's shape has exactly one of line, shape and circle
                points = tuple((x + px * k, y + py * k) for px, py in outline)
                items.append(Polyline(points, colour, width, closed=shape.shape is not None, tag=tag))
        return items

    def descriptions(self, card: FillInCard, block: Descriptions, loc: Loc, what: Term, question: str) -> Piece:
        """Card 3's lettered descriptions in framed cells, one to pick."""
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
                at = loc + ("options", i, "text")
                p, h = self.ts.para(self.ts.render(block.options[i].text, at), look.style, text_w, at)
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
                    items += self.badge(cx + look.padding, y - look.padding, option.letter, i == 0)
                    items.append(Field(spot, answer_name(card, block), "radio", option.letter, label=question,
                                       shape="circle", area=rect, tag=Tag(_LI_FORM, 2)))
                    tx = cx + 2 * look.padding + badge
                    items.append(TextBox(tx, y - look.padding - h, width - (tx - cx) - look.padding, h, p, _BODY))
                    cx += width + gap
                y -= heights[r] + gap
            return items

        return Piece(height, place, what=what, loc=loc)

    def domain_choice(self, card: FillInCard, block: DomainChoice, loc: Loc, what: Term, heading: str) -> Piece:
        """The domains to tick, then `max` numbered write-in areas for what the client means."""
        name = answer_name(card, block)
        ticks = self.tick_grid([(d.id, d.label) for d in self.cs.domains], self.theme.checkbox.domain_columns,
                               name, "checkbox", loc, what, list(self.cs.domains))
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
                items += self.badge(x, y - look.line_spacing + badge + 1, str(n + 1), n == 0)
                items += self.lines(x + indent, y, self.inner - indent, count, note_name(name, n + 1),
                                    f"{heading} {n + 1}", Tag(_LI_FORM, 2))
                y -= count * look.line_spacing + gap
            return items

        return Piece(height, place, groups=block.max, what=what, loc=loc)

    # -- domain cards -------------------------------------------------------------------------

    def examples(self, domain: Domain, loc: Loc, fill: str, item_style: str | None = None,
                 heading_style: str | None = None) -> Piece:
        """A domain card's 'denk daarbij aan' list: a heading, then bullets in the domain's colour."""
        look = self.theme.examples
        head, hh = self.ts.para(self.ts.render(self.cs.info.labels.examples, ()),
                                heading_style or look.heading_style, self.inner)
        width = self.inner - look.indent
        items = [self.ts.para(self.ts.render(t, loc + (i,)), item_style or look.item_style, width, loc + (i,))
                 for i, t in enumerate(domain.examples)]
        height = hh + sum(h + look.item_gap for _, h in items)

        def place(x: float, top: float, _: list[int]) -> list[Item]:
            out: list[Item] = [TextBox(x, top - hh, self.inner, hh, head)]
            y = top - hh - look.item_gap
            r = look.bullet_diameter / 2
            for i, (p, h) in enumerate(items):
                first_line = p.style.leading
                out.append(Circle(x + r, y - first_line / 2 - r / 2, r, fill, 0, fill=fill))
                out.append(TextBox(x + look.indent, y - h, width, h, p, Tag(("L", "LI", "LBody"), 0 if i == 0 else 1)))
                y -= h + look.item_gap
            return out

        return Piece(height, place, what=Term("term.examples_list"), loc=loc)
