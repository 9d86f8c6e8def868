"""Page and card geometry: sheet sizes, duplex mirroring, back offset, safe margin and cut guides."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from kaartgen.errors import KaartgenError
from kaartgen.fonts import Fonts
from kaartgen.layout.cards import CardMaker
from kaartgen.layout.imposition import impose
from kaartgen.layout.items import Field
from kaartgen.model.builtin import DEFAULT_CONTENT, DEFAULT_TEMPLATES
from kaartgen.model.content import WriteIn
from kaartgen.model.loading import load_card_set, load_theme
from kaartgen.model.units import mm

A4 = (595.28, 841.89)
A6 = (297.64, 419.53)


def sizes(path):
    return [(round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2)) for p in PdfReader(path).pages]


@pytest.fixture(scope="module")
def laid_out():
    theme = load_theme(DEFAULT_TEMPLATES).model
    cs = load_card_set(DEFAULT_CONTENT, "nl", "standaard").model
    return theme, CardMaker(theme, Fonts(theme), cs).pack()


def test_office_pack_is_three_duplex_a4_sheets(office_pdf):
    assert sizes(office_pdf) == [A4] * 6


def test_cards_format_is_one_a6_side_a_page(cards_pdf):
    # 6 fill-in cards and 5 domain cards, each with front and back
    assert sizes(cards_pdf) == [A6] * (12 + 10)


def test_backs_land_behind_their_fronts_on_a_long_edge_flip(laid_out):
    theme, cards = laid_out
    fmt = theme.formats["office"]
    pages = impose(cards, fmt, theme, "office")
    pw = fmt.page[0]
    w = theme.card.width
    checked = 0
    for front, back in zip(pages[0::2], pages[1::2]):
        where = {id(p.side): (p.x, p.y) for p in front.placements}
        for card in cards:
            if len(card.sides) == 2 and id(card.sides[0]) in where:
                fx, fy = where[id(card.sides[0])]
                bx, by = next((p.x, p.y) for p in back.placements if p.side is card.sides[1])
                assert bx == pytest.approx(pw - fx - w)
                assert by == pytest.approx(fy)
                checked += 1
    assert checked == 11  # every card: five domain cards and six fill-in cards


def test_back_offset_moves_only_the_backs(laid_out):
    theme, cards = laid_out
    fmt = theme.formats["office"]
    shifted = fmt.model_copy(update={"back_offset": (mm(1), mm(-2))})
    plain, moved = impose(cards, fmt, theme, "office"), impose(cards, shifted, theme, "office")
    for i, (a, b) in enumerate(zip(plain, moved)):
        for pa, pb in zip(a.placements, b.placements):
            dx, dy = (mm(1), mm(-2)) if i % 2 else (0, 0)
            assert (pb.x - pa.x, pb.y - pa.y) == pytest.approx((dx, dy))


def test_a_grid_that_breaks_the_safe_margin_is_refused(laid_out):
    theme, cards = laid_out
    fmt = theme.formats["office"].model_copy(update={"panel_inset": mm(2)})
    with pytest.raises(KaartgenError, match="safe_margin"):
        impose(cards, fmt, theme, "office")


def test_no_ink_within_5mm_of_the_office_sheet_edge(office_pdf):
    import pypdfium2 as pdfium

    scale = 2.0  # 2 px per point
    edge = int(mm(5) * scale) - 1
    pdf = pdfium.PdfDocument(str(office_pdf))
    for index in range(len(pdf)):
        image = pdf[index].render(scale=scale).to_pil().convert("L")
        w, h = image.size
        for box in [(0, 0, w, edge), (0, h - edge, w, h), (0, 0, edge, h), (w - edge, 0, w, h)]:
            assert image.crop(box).getextrema()[0] >= 250, f"ink near the edge on page {index + 1}"


def test_cut_guides_lie_between_the_cards_only(laid_out):
    theme, cards = laid_out
    fmt = theme.formats["office"]
    page = impose(cards, fmt, theme, "office")[0]
    pw, ph = fmt.page
    assert page.guides, "office sheets have cut guides"
    for g in page.guides:
        for v, limit in ((g.x1, pw), (g.x2, pw), (g.y1, ph), (g.y2, ph)):
            assert fmt.safe_margin - 1e-6 <= v <= limit - fmt.safe_margin + 1e-6
        vertical = g.x1 == g.x2
        if vertical:
            assert g.x1 == pytest.approx(pw / 2)
        else:
            assert g.y1 == pytest.approx(ph / 2, abs=mm(1))


def test_a_card_is_laid_out_the_same_alone_as_after_other_cards():
    """No state carries from one card to the next: a write-in space with neither a label nor a
    heading above it is announced with nothing, not with the previous card's heading."""
    theme = load_theme(DEFAULT_TEMPLATES).model
    cs = load_card_set(DEFAULT_CONTENT, "nl", "standaard").model
    last = cs.cards[-1]
    first_side = last.sides[0].model_copy(update={"blocks": [WriteIn(type="write_in", id="eerst", lines=1),
                                                             *last.sides[0].blocks[1:]]})
    changed = last.model_copy(update={"sides": [first_side, *last.sides[1:]]})
    cs = cs.model_copy(update={"cards": [*cs.cards[:-1], changed]})

    def labels(card):
        return [(i.name, i.label) for side in card.sides for i in side.items if isinstance(i, Field)]

    fonts = Fonts(theme)
    index = len(cs.cards) - 1
    after_others = CardMaker(theme, fonts, cs).pack()[index]
    alone = CardMaker(theme, fonts, cs).fill_in_card(index, changed)
    assert labels(after_others) == labels(alone)
    assert labels(alone)[0] == (f"{changed.id}.eerst", "")
