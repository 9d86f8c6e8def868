"""PostNL's KIX barcode: which bars stand for a KIX code.

KIX ("Klantindex") is PostNL's barcode for a Dutch address: the postcode, house number, "X" and
the addition, as "1234AB12XA". It is the Royal Mail 4-State Customer Code (RM4SCC) without its
start and stop bars and without its check character; PostNL's sorting machines read it under the
address in the window. Each character is four bars, and each bar is one of four states: F (full,
ascender and descender), A (ascender), D (descender) or T (tracker, the short middle part only).

RM4SCC sets its 36 characters in a 6 × 6 table: the row gives which two of the four bars have an
ascender, the column which two have a descender, each from the same list of six pairs. The table
below is built from that rule, so it holds every character and no other.
"""

from __future__ import annotations

from kaartgen.errors import FieldError

# Which two of a character's four bars (1-4) reach up (by row) or down (by column); RM4SCC's order.
_PAIRS = ((3, 4), (2, 4), (2, 3), (1, 4), (1, 3), (1, 2))
_ROWS = ("012345", "6789AB", "CDEFGH", "IJKLMN", "OPQRST", "UVWXYZ")
_STATE = {(True, True): "F", (True, False): "A", (False, True): "D", (False, False): "T"}

SYMBOLS: dict[str, str] = {
    char: "".join(_STATE[(bar in _PAIRS[row], bar in _PAIRS[column])] for bar in range(1, 5))
    for row, chars in enumerate(_ROWS) for column, char in enumerate(chars)
}
"""Each character of a KIX code (0-9, A-Z) as its four bars, e.g. "0" -> "TTFF", "A" -> "DADA"."""


def kix_bars(code: str) -> list[str]:
    """The bars of KIX `code`, left to right, each "F", "A", "D" or "T": four a character.

    Only the capitals A-Z and the digits 0-9 have bars. Anything else (a lower-case letter, a
    space, an accented letter) is refused rather than left out or changed: a barcode that reads
    differently from the address under which it is printed sends the letter to the wrong door,
    which is worse than a letter without one. The KIX is made from the street and house number,
    so the error is about the street field; it names the character's code point, never the value.
    An empty code has no bars.
    """
    bad = next((c for c in code if c not in SYMBOLS), None)
    if bad is not None:
        raise FieldError("street", "letter.kix_char", point=f"U+{ord(bad):04X}")
    return [bar for char in code for bar in SYMBOLS[char]]
