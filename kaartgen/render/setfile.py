"""A file made for a card set as a whole (not for one client), with what it is."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SetFile:
    """One of a set's files: a card side's PNG, the contact sheet, the guide, the reflectiekaart
    (printed or fillable) or the duplex test sheet. `kind` says which, so that a front end names it
    for people in their language instead of showing the file name."""

    name: str
    data: bytes
    kind: str  # card, contact-sheet, guide, reflection-office, reflection-digital, calibration
    card: int = 0  # a card side's number in the set, from 1
    side: str = ""  # a card side: front, back, or "" for a card printed on one side
