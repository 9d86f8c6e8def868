"""The one owner of what a printed card's 2D code says, for `kaartgen scan`.

A code names the set, the card size, the card and side, the version of the set's texts and the
pack's reference when it has one: enough to find the blank card to compare a scan with, and to
give the answers their pack. Never a name, an address or a date. It is short text in ASCII, so
that the smallest Data Matrix holds it:

    KG1 nl/standaard a6 3.2 9f2c41 K-0042

(format 1, set, card size, card 3 side 2, texts' version, reference).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from kaartgen.model.content import CardSet
from kaartgen.model.options import REFERENCE

PREFIX = "KG1"
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")  # a language, variant or card size folder name


@dataclass(frozen=True)
class ScanId:
    set: str  # "nl/standaard"
    size: str  # the card's name in templates/card.yaml: a6, or a5 in large print
    card: int  # 1-based, in pack order
    side: int  # 1 front, 2 back
    version: str  # texts_version() of the set the card was printed from
    reference: str | None = None

    def text(self) -> str:
        parts = [PREFIX, self.set, self.size, f"{self.card}.{self.side}", self.version]
        return " ".join(parts + ([self.reference] if self.reference else []))

    @property
    def language(self) -> str:
        return self.set.split("/", 1)[0]

    @property
    def variant(self) -> str:
        return self.set.split("/", 1)[1]


def parse(text: str) -> ScanId | None:
    """The card a code names, or None for a code kaartgen did not print (any other code on a page)."""
    parts = text.split(" ")
    if len(parts) not in (5, 6) or parts[0] != PREFIX:
        return None
    _, name, size, where, version = parts[:5]
    reference = parts[5] if len(parts) == 6 else None
    language, _, variant = name.partition("/")
    card, _, side = where.partition(".")
    if not (_NAME.fullmatch(language) and _NAME.fullmatch(variant) and _NAME.fullmatch(size)
            and card.isdigit() and side in ("1", "2") and re.fullmatch(r"[0-9a-f]{6}", version)):
        return None
    if reference is not None and not REFERENCE.fullmatch(reference):
        return None
    return ScanId(name, size, int(card), int(side), version, reference)


def texts_version(cs: CardSet) -> str:
    """Six hex digits that change when any text of the set changes: a scan of a card printed from
    other texts is not compared with today's blank card."""
    return hashlib.sha256(cs.model_dump_json().encode("utf-8")).hexdigest()[:6]
