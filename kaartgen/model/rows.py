"""A client list's rows checked one at a time: each row becomes a Client, or the list of its problems.

Every problem of a row is reported, not only the first, as a RowError (spreadsheet row number, id,
field, message code); no message quotes a client's value. Each column has its own small check; a
value with hidden characters, one far too long, or one no font prints is refused before the checks
that read it, so one cause is one message.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from kaartgen.errors import FieldError, FitError, KaartgenError, MissingGlyph
from kaartgen.model.address import ADDITION, HOUSE_NUMBER, full_name, given_part, kix, street_line
from kaartgen.model.clients import (
    COLUMNS,
    DUTCH_POSTCODE,
    FALSE,
    HIDDEN,
    HOME_COUNTRIES,
    MAX_FIELD,
    PRINTED,
    REQUIRED,
    SAFE_ID,
    TRUE,
    WINDOWS_NAMES,
    Client,
    Row,
    RowError,
)
from kaartgen.model.columns import key as name_key
from kaartgen.model.dates import date_warnings, parse_date_time

if TYPE_CHECKING:
    from kaartgen.model.content import CardSet

Problem = tuple[str, str, dict[str, Any]]  # (field, message code, parameters)
Unprintable = Callable[[str], list[str]]


def _hidden(value: str) -> str | None:
    return next((c for c in value if unicodedata.category(c) in HIDDEN), None)


def value_problems(value: str, unprintable: Unprintable | None) -> list[tuple[str, dict[str, Any]]]:
    """What is wrong with one client value, as message codes, without quoting it."""
    if len(value) > MAX_FIELD:
        return [("value.too_long", {"limit": MAX_FIELD})]
    char = _hidden(value)
    if char is not None:
        return [("value.hidden_char", {"point": f"U+{ord(char):04X}"})]
    return [("value.unprintable", {"point": f"U+{ord(c):04X}", "char": unicodedata.name(c, "unnamed").lower()})
            for c in (unprintable(value) if unprintable else [])[:3]]


def is_reserved(cid: str, reserved: frozenset[str]) -> bool:
    return cid.lower() in reserved or cid.lower() in WINDOWS_NAMES


@dataclass
class _Row:
    """One row being checked: its values (NFC, trimmed), its problems, and the fields already refused."""

    row: Row
    raw: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    bad: set[str] = field(default_factory=set)

    def fail(self, field_name: str, code: str, **params: Any) -> None:
        self.problems.append((field_name, code, params))

    def ok(self, field_name: str) -> bool:
        return field_name not in self.bad


class Checker:
    """The checks of one list: ids seen so far (for duplicates) and what the content offers."""

    def __init__(self, known_sets: set[str], reserved: frozenset[str] = frozenset(),
                 unprintable: Unprintable | None = None, with_kix: bool = True,
                 language_codes: dict[str, str] | None = None):
        self.known_sets = known_sets
        self.language_codes = language_codes or {}  # a language's name as a list gives it (key) -> its code
        self.with_kix = with_kix  # a list posted with PostNL: each Dutch address gets its KIX
        self.languages = {s.split("/")[0] for s in known_sets}
        self.reserved, self.unprintable = reserved, unprintable
        # lower-case id -> its row, or (row, id) when the id is not all lower case
        self.seen: dict[str, int | tuple[int, str]] = {}
        self.moments: dict[str, datetime] = {}  # one object for each appointment time written

    def check(self, row: Row) -> Client | list[RowError] | None:
        """The row as a client, its problems, or None for a row without any value."""
        # a value far over the limit is refused below as it is: not worth normalising (a 60 MB cell)
        raw = {k: v if len(v) > 4 * MAX_FIELD else unicodedata.normalize("NFC", v.strip())
               for k, v in row.values.items()}
        if not any(raw.values()):
            if row.extra_cells:  # nothing under the header, something far right: a stray value
                return [RowError(row.number, "", "row", "row.stray_values")]
            return None
        r = _Row(row, raw)
        if row.extra_cells:
            r.fail("row", "row.extra_cells", count=row.extra_cells)
        self.values(r)
        self.identity(r)
        name, street = self.name(r), self.street(r)
        for key in REQUIRED[3:]:
            if not raw.get(key) and r.ok(key):
                r.fail(key, "row.required")
        postcode, country = self.address(r)
        appointment = self.appointment(r)
        language, variant = self.set_of(r)
        large = self.large_print(r)
        if r.problems:
            cid = raw.get("id", "")
            shown = cid if SAFE_ID.fullmatch(cid) and not is_reserved(cid, self.reserved) else ""
            return [RowError(row.number, shown, f, code, params) for f, code, params in r.problems]
        shared = sys.intern  # values many clients share are stored once: memory stays flat with the list
        return Client(
            row=row.number, id=raw["id"], name=name, street=street, postcode=postcode,
            city=shared(raw["city"]), country=shared(country) if country else None,
            professional=shared(raw["professional"]) if raw.get("professional") else None,
            phone=raw.get("phone") or None, appointment=appointment,
            location=shared(raw["location"]) if raw.get("location") else None,
            language=shared(language), variant=shared(variant), large_print=large,
            role=shared(raw["role"]) if raw.get("role") else None,
            kix=kix(postcode, raw.get("street", ""), raw.get("house_number", ""), raw.get("addition", ""))
            if self.with_kix and not country else None,
        )

    def values(self, r: _Row) -> None:
        """Every value a column kaartgen reads: no hidden characters, not too long, printable."""
        for name, value in r.raw.items():
            if name in COLUMNS:
                for code, params in value_problems(value, self.unprintable if name in PRINTED else None):
                    r.fail(name, code, **params)
                    r.bad.add(name)

    def identity(self, r: _Row) -> None:
        cid = r.raw.get("id", "")
        if not cid:
            r.fail("id", "row.id_empty")
        elif r.ok("id") and not SAFE_ID.fullmatch(cid):
            r.fail("id", "row.id_form")
        elif is_reserved(cid, self.reserved):
            r.fail("id", "row.id_reserved")
        elif cid.lower() in self.seen:
            first = self.seen[cid.lower()]
            first_row, first_id = first if isinstance(first, tuple) else (first, cid.lower())
            r.fail("id", "row.id_twice" if first_id == cid else "row.id_case", other=first_row)
        else:
            self.seen[cid.lower()] = r.row.number if cid == cid.lower() else (r.row.number, cid)

    @staticmethod
    def name(r: _Row) -> str:
        """The name as written, or put together from its parts (see model/address.py)."""
        written = r.raw.get("name", "")
        if written or not r.ok("name"):
            return written
        if not r.raw.get("surname"):
            r.fail("surname" if "surname" in r.raw else "name", "row.required")
            return ""
        return full_name(given_part(r.raw.get("initials", ""), r.raw.get("first_name", "")),
                         r.raw.get("prefix", ""), r.raw["surname"])

    @staticmethod
    def street(r: _Row) -> str:
        """The street line: as written, or with the house number and addition of their own columns."""
        street, number, addition = (r.raw.get(k, "") for k in ("street", "house_number", "addition"))
        if not street:
            if r.ok("street"):
                r.fail("street", "row.required")
            return ""
        if number and not HOUSE_NUMBER.fullmatch(number) and r.ok("house_number"):
            r.fail("house_number", "row.house_number")
        if addition and not ADDITION.fullmatch(addition) and r.ok("addition"):
            r.fail("addition", "row.addition")
        return street_line(street, number, addition)

    @staticmethod
    def address(r: _Row) -> tuple[str, str]:
        """The postcode, normalised when it is Dutch, and the country (empty at home)."""
        country = r.raw.get("country", "")
        postcode = r.raw.get("postcode", "")
        if postcode and r.ok("postcode") and country.lower() in HOME_COUNTRIES:
            match = DUTCH_POSTCODE.fullmatch(postcode)
            if match:
                postcode = f"{match.group(1)} {match.group(2).upper()}"
            else:
                r.fail("postcode", "row.postcode")
        return postcode, "" if country.lower() in HOME_COUNTRIES else country

    def appointment(self, r: _Row) -> datetime | None:
        written = r.raw.get("appointment")
        day, hour = r.raw.get("date", ""), r.raw.get("time", "")
        if not written and (day or hour):  # the date and the time in columns of their own
            if not (day and hour):
                r.fail("time" if day else "date", "row.date_and_time")
                return None
            if not (r.ok("date") and r.ok("time")):
                return None
            written = f"{day} {hour}"
        if not written or not r.ok("appointment"):
            return None
        try:
            return self.moments.get(written) or self.moments.setdefault(written, parse_date_time(written))
        except KaartgenError as exc:
            r.fail("appointment", exc.code, **exc.params)
            return None

    def set_of(self, r: _Row) -> tuple[str, str]:
        given = r.raw.get("language") or "nl"
        language = self.language_codes.get(name_key(given), given)  # "Türkçe", "Turks", "Turkish": tr
        variant = r.raw.get("variant") or "standaard"
        if r.ok("language") and r.ok("variant") and f"{language}/{variant}" not in self.known_sets:
            if language not in self.languages:
                r.fail("language", "row.language", known=sorted(self.languages))
            else:
                variants = sorted(s.split("/")[1] for s in self.known_sets if s.startswith(language + "/"))
                r.fail("variant", "row.variant", known=variants)
        return language, variant

    @staticmethod
    def large_print(r: _Row) -> bool:
        large = r.raw.get("large_print", "").lower()
        if large not in TRUE | FALSE and r.ok("large_print"):
            r.fail("large_print", "row.yes_no")
        return large in TRUE


def validate(rows: Iterable[Row], known_sets: set[str], reserved: frozenset[str] = frozenset(),
             unprintable: Unprintable | None = None) -> tuple[list[Client], list[RowError]]:
    """Clients from the good rows, and every problem of every bad row (see `validated`)."""
    return partition(validated(rows, known_sets, reserved, unprintable))


def partition(items: Iterable[Client | list[RowError]]) -> tuple[list[Client], list[RowError]]:
    """What `validated` yields, as the clients and the errors."""
    clients: list[Client] = []
    errors: list[RowError] = []
    for item in items:
        if isinstance(item, Client):
            clients.append(item)
        else:
            errors.extend(item)
    return clients, errors


def validated(rows: Iterable[Row], known_sets: set[str], reserved: frozenset[str] = frozenset(),
              unprintable: Unprintable | None = None, with_kix: bool = True,
              language_codes: dict[str, str] | None = None) -> Iterator[Client | list[RowError]]:
    """Each row in turn as a client, or as the list of its problems.

    One at a time, so that a batch can put each client away on disk as it is read: what stays in
    memory is one entry a client for finding ids used twice. Wholly empty rows (Excel leaves
    `;;;;` at the end of a sheet) are skipped. `reserved` are names of kaartgen's own files that
    an id may not take; `unprintable` returns the characters of a value that the templates' fonts
    cannot print. With `with_kix`, each Dutch address carries its KIX for the letter. `language_codes`
    are the names a language may be given by (model/columns.py), each to its code."""
    checker = Checker(known_sets, reserved, unprintable, with_kix, language_codes)
    for row in rows:
        found = checker.check(row)
        if found is not None:
            yield found


def sample_client(cs: CardSet) -> Client:
    """The long but realistic (fictional) client of the set's set.yaml, as a client of a list."""
    s = cs.info.sample
    return Client(row=0, id="sample", name=s.name, street=s.street, postcode=s.postcode, city=s.city,
                  country=None, professional=s.professional, phone=s.phone,
                  appointment=parse_date_time(s.appointment), location=s.location,
                  language=cs.info.language, variant=cs.info.variant, large_print=False, role=s.role,
                  kix=kix(s.postcode, s.street))  # lint fits the window with the KIX under the address


def row_warnings(clients: Iterable[Client], letter_date: date) -> list[RowError]:
    """Rows that will be produced but look wrong: an appointment before the letter's date or in a
    weekend. Warnings, in the shape of row errors (row, id, field, code)."""
    return [RowError(c.row, c.id, "appointment", w.code, w.params) for c in clients if c.appointment is not None
            for w in date_warnings(c.appointment, letter_date)]


def client_error(exc: KaartgenError, values: dict[str, str | None]) -> FieldError:
    """A layout failure that only a client's values cause, as a message about those values.

    The content passed lint with a long sample client, so what does not fit here is the client's
    own value: the message names the field (never its value) and what the professional can do."""
    if isinstance(exc, FieldError):
        return exc
    if isinstance(exc, MissingGlyph):
        name = next((f for f, v in values.items() if v and exc.char in v), "name")
        return FieldError(name, "value.no_glyph", point=f"U+{ord(exc.char):04X}")
    if isinstance(exc, FitError):
        name = max(values, key=lambda f: len(values[f] or ""))
        return FieldError(name, "value.too_long_to_fit")
    return FieldError("content", "content.cannot_print", detail=exc)


def row_error(client: Client, exc: KaartgenError) -> RowError:
    """A client's pack that could not be made, as a row error naming the field (content when none)."""
    return RowError(client.row, client.id, exc.field or "content", exc.code, exc.params)
