"""Lay out cards: every side of a fill-in or domain card as positioned drawing items.

The block builders (blocks.py) measure each block; the stacker (stack.py) places them in the
side's text area. Coordinates are points from the card's bottom-left trim corner. Nothing here
depends on the output format: formats only decide where a laid-out side goes on a page
(imposition.py).
"""

from __future__ import annotations

from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph

from kaartgen import reportlab_internals as rl
from kaartgen.errors import FieldError, FitError
from kaartgen.fonts import Fonts
from kaartgen.layout.blocks import Blocks
from kaartgen.layout.items import CardLayout, Field, Fill, Item, Rect, SideLayout, Tag, TextBox, mirrored
from kaartgen.layout.scanmarks import check_clear, code_spot, dots
from kaartgen.layout.stack import Piece, stack
from kaartgen.layout.typeset import ParaKey, Typesetter
from kaartgen.messages import Term
from kaartgen.model.answers import REFERENCE_FIELD, questions
from kaartgen.model.content import CardSet, Domain, FillInCard, Heading
from kaartgen.model.merge import Loc
from kaartgen.model.text import Personal, card_values, render
from kaartgen.model.theme import Theme
from kaartgen.model.units import to_mm

REFERENCE_CARD, REFERENCE_SIDE = 0, 0  # a pack's reference is printed in the footer of card 1's front


class CardMaker:
    """Lays out the cards of one card set for one personalisation with one theme."""

    def __init__(self, theme: Theme, fonts: Fonts, card_set: CardSet, personal: Personal | None = None,
                 screen: bool = False, shared: dict[ParaKey, tuple[Paragraph, float]] | None = None,
                 scan: bool = False):
        self.theme = theme
        self.scan = scan  # corner dots and a spot for the code on every fill-in side (printed formats)
        self.cs = card_set
        self.reference = personal.reference if personal else None
        self.ts = Typesetter(theme, fonts, card_values(personal or Personal(), card_set.info), shared)
        self.blocks = Blocks(self.ts, card_set, screen)
        self.inner = self.blocks.inner

    def pack(self) -> list[CardLayout]:
        """Every card of the set in pack order: the fill-in cards 1…n, then the domain cards."""
        cards = [self.fill_in_card(i, c) for i, c in enumerate(self.cs.cards)]
        cards += [self.domain_card(i, d) for i, d in enumerate(self.cs.domains)]
        return cards

    # -- fill-in cards ------------------------------------------------------------------------

    def fill_in_card(self, index: int, card: FillInCard, keep: dict[int, SideLayout] | None = None) -> CardLayout:
        """Fill-in card `index`; the sides in `keep` (by index) are taken as they are, not laid out
        again (a client's pack: the sides that hold no client value, laid out once an edition)."""
        number = render(self.cs.info.labels.card_number, {"number": index + 1, "total": len(self.cs.cards)})
        reference = None
        if index == REFERENCE_CARD and self.reference:
            reference = render(self.cs.info.labels.reference, {"reference": self.reference},
                               ("info", "labels", "reference"))
        return self.card(card, number, ("cards", index), reference, keep)

    def card(self, card: FillInCard, number: str | None, where: Loc, reference: str | None = None,
             keep: dict[int, SideLayout] | None = None) -> CardLayout:
        """A card of blocks: a fill-in card (with its number) or the professional's reflectiekaart;
        the sides in `keep` as they are."""
        keep = keep or {}
        pieces: list[list[Piece]] = [[] for _ in card.sides]
        asks = questions(card)
        title = next((i for i, (_, block, _) in enumerate(card.walk()) if isinstance(block, Heading)), None)
        for index, (at, block, heading) in enumerate(card.walk()):
            if at[1] in keep:
                continue
            piece = self.blocks.piece(card, block, where + at, asks.get(index, heading), index == title)
            if piece is not None:
                pieces[at[1]].append(piece)
        sides = []
        for si, side_pieces in enumerate(pieces):
            if si in keep:
                sides.append(keep[si])
                continue
            label = (Term("term.card_side", number=number or "", id=card.id, side=si + 1) if len(card.sides) > 1
                     else Term("term.card", number=number or "", id=card.id))
            side = SideLayout(label, "paper", framed=True, card=card.id)
            stack(side_pieces, self.theme.card.height - self.theme.card.margin, side, self.theme)
            side.items += self.footer(number, reference if si == REFERENCE_SIDE else None, side) + self.concept_mark()
            side = self.directed(side)
            if self.scan:  # the dots are the same either way round
                check_clear(side, self.theme)
                side.items += dots(self.theme)
            sides.append(side)
        return CardLayout(card.id, "fill-in", sides)

    def footer(self, number: str | None, reference: str | None = None, side: SideLayout | None = None) -> list[Item]:
        """The set's title bottom left and, on fill-in cards, the card number bottom right; on card
        1 of a pack with a reference, the reference before the number, on the same line. The
        number takes the width it needs and the title the rest; a reference too long to leave the
        title one line leaves it out (every other card has it). On a printed fill-in card (`side`
        given, with scan marks) the spot for the scan code before the number is kept free too, and
        noted in `side.code`. Like a page's running footer, it is decoration to a screen reader
        (untagged)."""
        card = self.theme.card
        style = self.theme.footer.style
        y = card.margin
        items: list[Item] = []
        used = 0.0  # the width the number (and reference) take at the right
        if number:
            text = f"{reference}{self.theme.footer.separator}{number}" if reference else number
            num, nh = self.ts.para(text, style, self.inner, align="right", bind=False)
            if rl.line_count(num) > 1:
                raise FieldError("reference", "layout.reference_fit", mm=f"{to_mm(self.inner):.0f}")
            used = rl.used_width(num, self.inner) + self.theme.footer.gap
            items.append(TextBox(card.margin, y, self.inner, nh, num, None))
            if self.scan and side is not None:
                side.code = code_spot(self.theme, used - self.theme.footer.gap)
                used += side.code.w + self.theme.scan_marks.gap
        title, th = self.ts.para(self.cs.info.title, style, self.inner - used)
        if not (reference and rl.line_count(title) > 1):  # a long reference takes the title's place
            items.insert(0, TextBox(card.margin, y, self.inner - used, th, title, None))
        if reference:  # for `read`: the digital pack's answers come back with their reference
            items.append(Field(Rect(card.margin, y, 1, 1), REFERENCE_FIELD, "hidden", value=self.reference))
        return items

    def directed(self, side: SideLayout) -> SideLayout:
        """The side as its set's direction shows it: mirrored when the templates say so (right to
        left: templates/rtl/direction.yaml), else as laid out."""
        if self.theme.direction.mirror:
            side.items = mirrored(side.items, self.theme.card.width)
            if side.code is not None:
                spot = side.code
                side.code = Rect(self.theme.card.width - spot.x - spot.w, spot.y, spot.w, spot.h)
        return side

    def concept_mark(self) -> list[Item]:
        """On every side of a concept translation, the template's mark in the top margin at the end
        of the line, on a patch of paper; decoration to a screen reader. Nothing for other sets."""
        translation = self.cs.info.translation
        if translation is None or not translation.concept:
            return []
        look = self.theme.concept_mark
        card = self.theme.card
        style = self.theme.style(look.style)
        w = pdfmetrics.stringWidth(look.text, self.ts.fonts.name(style.font, style.weight), style.size) + 1
        para, h = self.ts.para(look.text, look.style, w, bind=False)
        x, y = card.width - look.end - w, card.height - look.top - h
        pad = look.padding
        return [Fill(Rect(x - pad, y - pad, w + 2 * pad, h + 2 * pad), look.fill), TextBox(x, y, w, h, para, None)]

    # -- domain cards -------------------------------------------------------------------------

    def domain_card(self, index: int, domain: Domain) -> CardLayout:
        return CardLayout(domain.id, "domain", [self.domain_front(index, domain), self.domain_back(index, domain)])

    def domain_front(self, index: int, domain: Domain) -> SideLayout:
        """The coloured side: title and pictogram centred, the set's title at the foot."""
        card = self.theme.card
        fill = self.theme.domain_colours[domain.colour].fill
        label = Term("term.domain_front", id=domain.id)
        side = SideLayout(label, fill, framed=False, card=domain.id)
        loc = ("domains", index, "title")
        name = self.ts.render(domain.title, loc)
        title, th = self.ts.para(name, self.theme.front.title_style, self.inner, loc,
                                 domain)
        sub, sh = self.ts.para(self.cs.info.title, self.theme.front.set_title_style, self.inner, (), domain)
        icon = self.theme.pictograms.front_size if domain.pictogram else 0.0
        gap = card.block_gap * 2 if domain.pictogram else 0.0
        area = card.height - 2 * card.margin - card.footer_height
        if th + icon + gap > area:
            raise FitError("layout.title_tall", loc=loc, side=label, mm=f"{to_mm(th + icon + gap - area):.1f}")
        side.spare = area - th - icon - gap
        bottom = (card.height - th - icon - gap) / 2 + card.footer_height / 2
        side.items.append(TextBox(card.margin, bottom, self.inner, th, title, Tag(("H1",))))
        if domain.pictogram:
            text = self.theme.domain_colours[domain.colour].text
            side.items += self.blocks.pictogram(domain.pictogram, (card.width - icon) / 2, bottom + th + gap, icon,
                                                text, alt=name)
        side.items.append(TextBox(card.margin, card.margin, self.inner, sh, sub, None))
        side.items += self.concept_mark()
        return self.directed(side)

    def domain_back(self, index: int, domain: Domain) -> SideLayout:
        """The white side: the title in a band of the domain's colour, the questions, the examples."""
        card = self.theme.card
        band = self.theme.band
        fill = self.theme.domain_colours[domain.colour].fill
        label = Term("term.domain_back", id=domain.id)
        side = SideLayout(label, "paper", framed=True, card=domain.id)
        loc = ("domains", index)
        band_rect = Rect(0, card.height - band.height, card.width, band.height)
        title, th = self.ts.para(self.ts.render(domain.title, loc + ("title",)), band.style, self.inner,
                                 loc + ("title",), domain)
        if th > band.height - card.margin / 2:
            raise FitError("layout.title_band", loc=loc + ("title",), side=label)
        side.items.append(Fill(band_rect, fill))
        visible = band.height - card.margin / 2  # the panel may start up to half the margin inside the trim
        # the title again, read out already as the card's H1 on the front: decoration here
        title_y = band_rect.y + (visible - th) / 2 + th * 0.1
        side.items.append(TextBox(card.margin, title_y, self.inner, th, title, None))

        back = self.cs.info.domain_back
        style = back.text_style or self.theme.text_blocks.text
        what = Term("term.questions_text")
        if back.questions == "lines":  # the intro, then each question on a line of its own
            texts: list[tuple[str, Loc]] = [(domain.intro, loc + ("intro",))]
            texts += [(q, loc + ("questions", i)) for i, q in enumerate(domain.questions)]
            rendered = [self.ts.render(t, at) for t, at in texts]
            pieces = [self.blocks.lines_piece(rendered, style, loc + ("intro",), what)]
        else:
            body = " ".join([domain.intro] + domain.questions)
            pieces = [self.blocks.text_piece(self.ts.render(body, loc + ("intro",)), style, loc + ("intro",), what)]
        pieces.append(self.blocks.examples(domain, loc + ("examples",), fill, back.example_style,
                                           back.example_heading_style))
        stack(pieces, band_rect.y - card.block_gap, side, self.theme)
        side.items += self.footer(None) + self.concept_mark()
        return self.directed(side)
