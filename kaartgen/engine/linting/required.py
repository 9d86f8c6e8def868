"""Lint, the must-have messages: what a set says must be said (filling in is voluntary, and has no
effect on the benefit) is still said wherever the set requires it, so an edit never drops it."""

from __future__ import annotations

from kaartgen.engine.linting.texts import LINT_DATE, letter_texts, samples
from kaartgen.errors import KaartgenError
from kaartgen.layout.letter import letter_values
from kaartgen.messages import All, Term
from kaartgen.model.content import CardSet
from kaartgen.model.loading import Loaded
from kaartgen.model.text import Personal, card_values, render
from kaartgen.model.theme import Theme


def _folded(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).casefold()


def _card_index(cs: CardSet, card_id: str) -> int:
    """The place in the set of card `card_id`, which the set has."""
    return next(i for i, c in enumerate(cs.cards) if c.id == card_id)


def check_messages(loaded: Loaded[CardSet], theme: Theme) -> list[KaartgenError]:
    """Every must-have message (e.g. 'filling in or not has no effect on your benefit') is still
    said where the set requires it, so an edit can never drop it silently."""
    cs: CardSet = loaded.model
    problems = []
    values = card_values(Personal(), cs.info)
    for where, ids in cs.info.required_messages.items():
        if where == "letter":
            if cs.letter is None:
                continue
            said = [render(t, letter_values(cs.info, samples(cs)[1][1], LINT_DATE))
                    for _, t, _, _ in letter_texts(cs, theme)]
        else:
            card = next((c for c in cs.cards if c.id == where), None)
            if card is None:
                problems.append(loaded.sources.error(("info", "required_messages", where), "lint.message_where",
                                                     where=where, known=["letter"] + [c.id for c in cs.cards]))
                continue
            said = [render(t, values) for _, t, kind in card.texts() if kind in ("heading", "text")]
        text = _folded(" ".join(said))
        for mid in ids:
            phrases = cs.info.messages.get(mid)
            if phrases is None:
                problems.append(loaded.sources.error(("info", "required_messages", where), "lint.message_undefined",
                                                     message=mid))
            elif not any(_folded(p) in text for p in phrases):
                loc = ("letter",) if where == "letter" else ("cards", _card_index(cs, where))
                place = Term("term.letter") if where == "letter" else Term("term.card_id", id=where)
                problems.append(loaded.sources.error(loc, "lint.message_dropped", place=place, message=mid,
                                                     phrases=All(repr(p) for p in phrases)))
    return problems
