"""The one owner of answer names and of the saved-answers format.

A digital PDF's fields, the web page's controls and the keys `kaartgen read` accepts all come
from here. A name is `<card>.<block>` for a write-in, a choice or the descriptions; a domain choice
has `<card>.<block>.<domain>` for each tick box and `<card>.<block>.<n>` for each numbered note.
The saved-answers JSON is described by answers.schema.json next to this file.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from importlib import resources
from typing import Any

from kaartgen.model.content import CardSet, Choice, Descriptions, DomainChoice, FillInCard, Heading, Text, WriteIn

SCHEMA = "answers.schema.json"
REFERENCE_FIELD = "kaartgen.reference"  # a read-only, hidden field of the digital pack: not an answer


def answer_name(card: FillInCard, block: Any) -> str:
    """The name of a block's answer (for a domain choice: the stem of its ticks and notes)."""
    return f"{card.id}.{block.id}"


def choice_value(option_id: str) -> str:
    """An option's export value in a fillable PDF: its id in ASCII letters ("heroriëntatie" →
    "herorientatie"). A PDF name is bytes, and readers decode other letters each their own way, so
    the value a viewer writes back would not be the id; `read` maps it back (engine/read.py)."""
    folded = unicodedata.normalize("NFKD", option_id).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9_.-]", "_", folded) or "_"


def tick_name(stem: str, domain_id: str) -> str:
    return f"{stem}.{domain_id}"


def note_name(stem: str, number: int) -> str:
    return f"{stem}.{number}"


def answer_names(cs: CardSet, cards: list[FillInCard] | None = None) -> set[str]:
    """Every answer name a pack of this set has (field names in the PDF, keys in saved JSON); of
    `cards` instead when given (the reflectiekaart)."""
    names = set()
    for card in cs.cards if cards is None else cards:
        for _, block, _ in card.walk():
            if isinstance(block, DomainChoice):
                stem = answer_name(card, block)
                names |= {tick_name(stem, d.id) for d in cs.domains}
                names |= {note_name(stem, n) for n in range(1, block.max + 1)}
            elif isinstance(block, (WriteIn, Choice, Descriptions)):
                names.add(answer_name(card, block))
    return names


def questions(card: FillInCard) -> dict[int, str]:
    """The question each answering block of a card asks, by block position in `card.walk()`
    order (unrendered texts): what the summary shows above an answer, what a screen reader says
    for a field, what the web page labels a control with.

    A block's own label comes first. Otherwise it is the heading above it, unless an earlier
    answer already asks that heading: then it is the last question in the text above the block
    ("Waar komt dat door?"), so that no two answers carry the same question."""
    found: dict[int, str] = {}
    asked: set[str] = set()
    last_text = ""
    for index, (_, block, heading) in enumerate(card.walk()):
        if isinstance(block, Heading):
            last_text = ""
        elif isinstance(block, Text):
            last_text = block.text
        elif isinstance(block, (WriteIn, Choice, Descriptions, DomainChoice)):
            own = getattr(block, "label", None)
            question = own or heading
            if not own and heading in asked and _last_question(last_text):
                question = _last_question(last_text)
            asked.add(question)
            found[index] = question
    return found


def _last_question(text: str) -> str:
    """The last sentence of `text` that ends in a question mark, or ''."""
    sentences = re.split(r"(?<=[.?!])\s+", text.strip())
    return next((s for s in reversed(sentences) if s.endswith("?")), "")


@cache
def schema() -> dict[str, Any]:
    """The JSON schema of a saved-answers file."""
    loaded: dict[str, Any] = json.loads(resources.files("kaartgen.model").joinpath(SCHEMA).read_text(encoding="utf-8"))
    return loaded


def marker() -> str:
    """The value of the file's `kaartgen` key that says it holds answers."""
    const: str = schema()["properties"]["kaartgen"]["const"]
    return const
