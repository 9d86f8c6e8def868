"""The one owner of answer names and of the saved-answers format.

A digital PDF's fields, the web page's controls and the keys `kaartgen read` accepts all come
from here. A name is `<card>.<block>` for a write-in, a choice or the descriptions; a domain choice
has `<card>.<block>.<domain>` for each tick box and `<card>.<block>.<n>` for each numbered note.
The saved-answers JSON is described by answers.schema.json next to this file.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from kaartgen.model.content import CardSet, Choice, Descriptions, DomainChoice, FillInCard, WriteIn

SCHEMA = "answers.schema.json"
REFERENCE_FIELD = "kaartgen.reference"  # a read-only, hidden field of the digital pack: not an answer
SAVED_FILE = "kaartgen-answers.json"  # the name the web page saves under


def answer_name(card: FillInCard, block: Any) -> str:
    """The name of a block's answer (for a domain choice: the stem of its ticks and notes)."""
    return f"{card.id}.{block.id}"


def tick_name(stem: str, domain_id: str) -> str:
    return f"{stem}.{domain_id}"


def note_name(stem: str, number: int) -> str:
    return f"{stem}.{number}"


def answer_names(cs: CardSet) -> set[str]:
    """Every answer name a pack of this set has (field names in the PDF, keys in saved JSON)."""
    names = set()
    for card in cs.cards:
        for _, block, _ in card.walk():
            if isinstance(block, DomainChoice):
                stem = answer_name(card, block)
                names |= {tick_name(stem, d.id) for d in cs.domains}
                names |= {note_name(stem, n) for n in range(1, block.max + 1)}
            elif isinstance(block, (WriteIn, Choice, Descriptions)):
                names.add(answer_name(card, block))
    return names


@cache
def schema() -> dict[str, Any]:
    """The JSON schema of a saved-answers file."""
    return json.loads(resources.files("kaartgen.model").joinpath(SCHEMA).read_text(encoding="utf-8"))


def marker() -> str:
    """The value of the file's `kaartgen` key that says it holds answers."""
    return schema()["properties"]["kaartgen"]["const"]
