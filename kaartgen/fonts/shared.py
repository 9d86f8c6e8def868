"""Fonts that a batch's separately drawn documents share: the first subset of every font is the
same in each of them, so the print run and each client's file can store it once (render/pdfjoin.py
joins the documents). The mechanism is reportlab's, behind the adapter (reportlab_internals.py:
SeededTTFont); what is shared, and in which order, is decided here."""

from __future__ import annotations

from kaartgen.errors import KaartgenError
from kaartgen.reportlab_internals import SeededTTFont

# The order in which the first font subset's free codes are given out in a document that shares
# fonts: Latin-1, the common punctuation, then the Latin letters of Europe and Turkey.
SHARED_ORDER = (list(range(0xA1, 0x100)) + [0x2018, 0x2019, 0x201A, 0x201C, 0x201D, 0x201E, 0x2013, 0x2014,
                0x2026, 0x2022, 0x20AC] + list(range(0x100, 0x250)))
SUBSET_SIZE = 256


def _mismatch(font: str) -> KaartgenError:
    return KaartgenError("batch.shared_font", font=font)


class SharedTTFont(SeededTTFont):
    """A font of a theme, registered once: its first subset is seeded in SHARED_ORDER, so every
    document that shares fonts has the same one (a first subset that differs stops the batch
    rather than print a wrong letter)."""

    ORDER = tuple(SHARED_ORDER)
    SIZE = SUBSET_SIZE
    mismatch = staticmethod(_mismatch)
