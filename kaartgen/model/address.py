"""Dutch names and addresses from the parts a case system exports, as PostNL and Dutch letters
write them: "J. de Vries" (but "De Vries" where the name begins with the prefix), "Kerkstraat 12 A"
and "Kerkstraat 12-2", and the KIX, PostNL's sorting code: postcode, house number, `X`, addition.
"""

from __future__ import annotations

import re

INITIALS = re.compile(r"(?:[^\W\d_]\.?\s*){1,6}")  # "J", "JA", "J.A.", "J. A." (fullmatch)
NUMBERED = re.compile(r"(?P<street>.*\D)\s+(?P<number>\d{1,5})(?:\s*[-/]?\s*(?P<addition>[0-9A-Za-z ]{1,8}))?")
HOUSE_NUMBER = re.compile(r"\d{1,5}")  # fullmatch
ADDITION = re.compile(r"[-/]?\s*[0-9A-Za-z][0-9A-Za-z .-]{0,9}")  # fullmatch: "A", "2", "-2", "bis", "hs"


def initials(text: str) -> str:
    """Initials as Dutch letters write them: "J.A." from "JA", "J A", "j.a." or "J. A."."""
    letters = [c for c in text if c.isalpha()]
    return "".join(f"{c.upper()}." for c in letters)


def full_name(first: str, prefix: str, surname: str) -> str:
    """The name from its parts: the first name or initials, the prefix in lower case after them
    ("J. de Vries"), or with a capital when the name begins with it ("De Vries")."""
    prefix = prefix.strip()
    if prefix:
        prefix = prefix[0].lower() + prefix[1:] if first else prefix[0].upper() + prefix[1:]
    return " ".join(part for part in (first.strip(), prefix, surname.strip()) if part)


def given_part(initials_text: str, first_name: str) -> str:
    """The part before the surname: the first name a client goes by, else the initials."""
    if first_name.strip():
        return first_name.strip()
    if initials_text.strip() and INITIALS.fullmatch(initials_text.strip()):
        return initials(initials_text)
    return initials_text.strip()


def street_line(street: str, number: str, addition: str) -> str:
    """Street, number and addition as written on an envelope: a letter addition after a space
    ("12 A"), a numeric one after a hyphen ("12-2"), one written with its own mark as it is ("12/3")."""
    addition = addition.strip()
    if not number.strip():
        return street
    house = number.strip()
    if addition:
        house += addition if addition[0] in "-/" else f"-{addition}" if addition[0].isdigit() else f" {addition}"
    return f"{street.strip()} {house}"


def kix(postcode: str, street: str, number: str = "", addition: str = "") -> str | None:
    """PostNL's KIX of a Dutch address: the postcode without its space, the house number, and `X`
    with the addition when there is one, in capitals and digits only ("1234AB12XA"). The number and
    addition come from their own columns, or from the end of the street line ("Postbus 1234" gives
    the Postbus number). None when the street holds no number."""
    if not number.strip():
        found = NUMBERED.fullmatch(street.strip())
        if found is None:
            return None
        number, addition = found["number"], found["addition"] or ""
    code = postcode.replace(" ", "").upper() + str(int(number))
    extra = re.sub(r"[^0-9A-Z]", "", addition.upper())
    return code + (f"X{extra}" if extra else "")
