"""The card stacker: measured pieces placed top-down in a side's text area.

Each piece knows its minimum height; write-in areas are flexible and share the spare space in
whole ruled lines, so a card is never half empty and never overfull. A side that does not fit
raises FitError with the card, the block and the overflow in mm; text is never clipped or shrunk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kaartgen.errors import FitError
from kaartgen.layout.items import Item, SideLayout
from kaartgen.messages import Term
from kaartgen.model.merge import Loc
from kaartgen.model.theme import Theme
from kaartgen.model.units import to_mm

Place = Callable[[float, float, list[int]], list[Item]]  # (x, top, extra lines per group) -> items


@dataclass
class Piece:
    """A block measured at the text width; `place` positions it once its top is known."""

    height: float
    place: Place
    groups: int = 0  # flexible write-in areas in this piece
    what: Term | None = None  # for messages: "block 3 (write_in 'doel')"
    loc: Loc = ()  # where the block is in the content


def stack(pieces: list[Piece], top: float, side: SideLayout, theme: Theme) -> None:
    """Place pieces top-down from `top`; share spare space out as extra write-in lines."""
    card = theme.card
    bottom = card.margin + card.footer_height
    gap = card.block_gap
    need = sum(p.height for p in pieces) + gap * max(0, len(pieces) - 1)
    if need > top - bottom:
        y = top
        for p in pieces:
            y -= p.height
            if y < bottom:
                raise FitError("layout.overflow", loc=p.loc, side=side.label, what=p.what,
                               height=f"{to_mm(top - bottom):.1f}", over=f"{to_mm(need - (top - bottom)):.1f}")
            y -= gap
    side.spare = top - bottom - need
    line = theme.write_in.line_spacing
    spare = int(side.spare // line)
    groups = sum(p.groups for p in pieces)
    # Every write-in area gets the same number of extra lines, and the lines left over go to the
    # first areas, so no ruled line's worth of the card stays blank.
    extra = [spare // groups + (1 if i < spare % groups else 0) for i in range(groups)]
    y = top
    for p in pieces:
        mine, extra = extra[: p.groups], extra[p.groups:]
        side.items += p.place(card.margin, y, mine)
        y -= p.height + sum(mine) * line + gap
