"""The client list for `kaartgen batch`: CSV as Excel exports it, or YAML, validated row by row.

Everything is read as text, exactly as written: no value is guessed to be a number, date or yes/no
(`007` stays `007`, country `NO` stays `NO`). A bad row never stops the batch: every problem of it
becomes a RowError (spreadsheet row number, id, field, reason) and every good row is still produced.
No message quotes a client's value: it names the row and the field, and says what to do.
"""

from __future__ import annotations

import csv
import re
import sys
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Iterable, Iterator

from kaartgen.errors import FieldError, FitError, KaartgenError, MissingGlyph
from kaartgen.model.sheets import MAX_FILE, MAX_ROWS, SECONDS, SPREADSHEETS, YAML, Raw, Sheets, read_isolated, TooManyRows
from kaartgen.model.text import Personal, date_warnings, parse_date_time

TWO_SPACES = "\u00a0\u00a0"  # PostNL: two spaces between postcode and town; no-break, so they are kept
COLUMNS = ("id", "name", "street", "postcode", "city", "country", "professional", "role", "phone",
           "appointment", "location", "language", "variant", "large_print")
REQUIRED = ("id", "name", "street", "postcode", "city")
PRINTED = ("name", "street", "postcode", "city", "country", "professional", "role", "phone", "location")
# An id names the client's file: letters, digits, - and _, never a leading - (a file `-rf.pdf` reads as an
# option to many commands, and a cell `-2-3` as a formula to spreadsheets). Used with fullmatch.
SAFE_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,63}")
# Names Windows reserves for devices, whatever the extension: a file `CON.pdf` cannot be made there.
WINDOWS_NAMES = frozenset({"con", "prn", "aux", "nul"} | {f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)})
DUTCH_POSTCODE = re.compile(r"\s*([1-9][0-9]{3})\s*([A-Za-z]{2})\s*")  # used with fullmatch
HOME_COUNTRIES = {"", "nl", "nederland", "netherlands", "the netherlands"}
TRUE = {"1", "true", "yes", "ja", "j", "y", "x", "waar"}
FALSE = {"", "0", "false", "no", "nee", "n", "onwaar"}
MAX_FIELD = 300  # characters in one value; no name, address or place is longer
# Control characters, invisible format characters (bidi overrides, zero-width), private use and
# unassigned code points: never typed on purpose, and never printed the way they were meant.
HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


@dataclass(frozen=True, slots=True)
class Client:
    row: int
    id: str
    name: str
    street: str
    postcode: str
    city: str
    country: str | None
    professional: str | None
    phone: str | None
    appointment: datetime | None
    location: str | None
    language: str
    variant: str
    large_print: bool
    role: str | None = None

    @property
    def personal(self) -> Personal:
        return Personal(self.name, self.professional, self.appointment, self.location, self.role, reference=self.id)

    def address(self) -> list[str]:
        """PostNL: name; street and number; 'postcode  TOWN' (two spaces, capitals); country abroad."""
        lines = [self.name, self.street, f"{self.postcode}{TWO_SPACES}{self.city.upper()}"]
        if self.country:
            lines.append(self.country.upper())
        return lines


@dataclass(frozen=True)
class RowError:
    row: int
    id: str
    field: str
    reason: str


@dataclass(frozen=True)
class Row:
    """One row as written: its spreadsheet row number, values by column, and cells past the header."""

    number: int
    values: dict[str, str]
    extra_cells: int = 0


class ClientList:
    """The rows of a client list, read one at a time as they are validated, so that a list of
    50,000 clients is never held as rows; the columns kaartgen does not use, known after; and, for
    a workbook, which sheet was read and which others it has."""

    def __init__(self, header: list[str], rows: Iterator[Row], sheets: Sheets | None = None):
        self.header = header
        self._rows = rows
        self.sheets = sheets
        self._filled: set[str] = set()  # columns without a name that hold a value somewhere

    @property
    def rows(self) -> Iterator[Row]:
        for row in self._rows:
            if "" in row.values and row.values[""].strip():
                self._filled.add("")
            yield row

    @property
    def ignored_columns(self) -> list[str]:
        return [c or f"(column {i} without a name)" for i, c in enumerate(self.header, 1)
                if c not in COLUMNS and (c or c in self._filled)]


def _header(cells: Iterable[str], path: Path) -> list[str]:
    names = [unicodedata.normalize("NFC", c).strip().lower() for c in cells]
    seen: dict[str, int] = {}
    for position, name in enumerate(names, 1):
        if name and name in seen:
            raise KaartgenError(f"the column '{name}' is in the header twice (columns {seen[name]} and {position}); "
                                "remove or rename one of them", path, 1)
        seen.setdefault(name, position)
    missing = [c for c in REQUIRED if c not in seen]
    if missing:
        raise KaartgenError(f"the client list lacks the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
                            f"add {'them' if len(missing) > 1 else 'it'} to the header (required: {', '.join(REQUIRED)}; "
                            f"optional: {', '.join(c for c in COLUMNS if c not in REQUIRED)})", path, 1)
    return names


def _rows_csv(path: Path, max_rows: int = MAX_ROWS) -> tuple[list[str], Iterator[Row]]:
    """Rows read from the file as they are used: a long list is never held whole in memory."""
    if path.stat().st_size > MAX_FILE:
        raise KaartgenError(f"is larger than {MAX_FILE // (1024 * 1024)} MB, the limit for a client list; split it", path)
    try:
        f = open(path, encoding="utf-8-sig", newline="")
        first = f.readline()
    except UnicodeDecodeError:
        raise KaartgenError("not UTF-8 text; in Excel choose 'CSV UTF-8 (comma delimited)' when saving", path) from None
    if not first.strip():
        f.close()
        raise KaartgenError("the client list is empty, or its first line is; it needs a header row and a row "
                            "per client", path)
    delimiter = ";" if first.count(";") > first.count(",") else ","
    csv.field_size_limit(MAX_FILE)  # a long value is a row error below, never an aborted batch
    try:
        header = _header(next(csv.reader([first], delimiter=delimiter)), path)
    except csv.Error as exc:
        f.close()
        raise KaartgenError(f"the header is not readable CSV ({exc}); save it again from Excel as 'CSV UTF-8'",
                            path, 1) from None
    except KaartgenError:
        f.close()
        raise
    reader = csv.reader(f, delimiter=delimiter)

    def rows() -> Iterator[Row]:
        counted = 0
        with f:
            try:
                # Row numbers are the spreadsheet's: the header is row 1, and a blank line is a row too.
                for number, cells in enumerate(reader, 2):
                    if not any(cell.strip() for cell in cells):
                        continue
                    counted += 1
                    if counted > max_rows:
                        raise TooManyRows(max_rows, path, number)
                    values = {name: cells[i] if i < len(cells) else "" for i, name in enumerate(header)}
                    extra = sum(1 for cell in cells[len(header):] if cell.strip())
                    yield Row(number, values, extra)
            except csv.Error as exc:
                raise KaartgenError(f"is not readable CSV near line {reader.line_num + 1} ({exc}); "
                                    "save it again from Excel as 'CSV UTF-8'", path) from None
            except UnicodeDecodeError:
                raise KaartgenError(f"is not UTF-8 text after line {reader.line_num + 1}; in Excel choose "
                                    "'CSV UTF-8 (comma delimited)' when saving", path) from None

    return header, rows()


def _from_raw(path: Path, raw: Raw) -> ClientList:
    """Header and rows of a workbook's sheet or a YAML list, as read by the bounded reader."""
    if raw.header is not None:  # YAML: the keys of the mappings
        header = _header(raw.header, path)
        rows = raw.rows
    else:
        rows = raw.rows
        first = next(rows, None)
        if first is None:
            raise KaartgenError("the client list is empty, or its first line is; it needs a header row and a row "
                                "per client", path)
        header = _header(first[1], path)

    def values() -> Iterator[Row]:
        for number, cells, beyond in rows:
            found = {name: cells[i] if i < len(cells) else "" for i, name in enumerate(header)}
            yield Row(number, found, beyond + sum(1 for cell in cells[len(header):] if cell.strip()))

    return ClientList(header, values(), raw.sheets if raw.header is None else None)


def read_clients(path: Path, sheet: str | None = None, seconds: float = SECONDS,
                 max_rows: int = MAX_ROWS) -> ClientList:
    """The rows of a client list as text (read as they are used), and the columns not used.
    CSV (as Excel saves it), Excel workbooks (.xlsx, .xlsm, .xls, .ods: the first visible sheet
    or `sheet`) or YAML; workbooks and YAML are read by a bounded process (model/sheets.py) that
    may take at most `seconds`. A list with more than `max_rows` rows is refused."""
    if not path.is_file():
        raise KaartgenError("client list not found; check the path", path)
    suffix = path.suffix.lower()
    if sheet is not None and suffix not in SPREADSHEETS:
        raise KaartgenError("--sheet is for Excel workbooks; this client list has no sheets", path)
    if suffix in SPREADSHEETS or suffix in YAML:
        return _from_raw(path, read_isolated(path, sheet, seconds, max_rows))
    return ClientList(*_rows_csv(path, max_rows))


def _hidden(value: str) -> str | None:
    return next((c for c in value if unicodedata.category(c) in HIDDEN), None)


def value_problems(value: str, unprintable: Callable[[str], list[str]] | None) -> list[str]:
    """What is wrong with one client value, in words for the professional, without quoting it."""
    if len(value) > MAX_FIELD:
        return [f"is longer than {MAX_FIELD} characters; shorten it"]
    char = _hidden(value)
    if char is not None:
        return [f"contains a control or invisible character (U+{ord(char):04X}); retype the value"]
    return [f"has a character kaartgen cannot print, U+{ord(c):04X} ({unicodedata.name(c, 'unnamed').lower()}); "
            "write it in Latin, Greek or Cyrillic letters, or leave it out"
            for c in (unprintable(value) if unprintable else [])[:3]]


def _is_reserved(cid: str, reserved: frozenset[str]) -> bool:
    return cid.lower() in reserved or cid.lower() in WINDOWS_NAMES


def validate(rows: Iterable[Row], known_sets: set[str], reserved: frozenset[str] = frozenset(),
             unprintable: Callable[[str], list[str]] | None = None) -> tuple[list[Client], list[RowError]]:
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
              unprintable: Callable[[str], list[str]] | None = None) -> Iterator[Client | list[RowError]]:
    """Each row in turn as a client, or as the list of its problems.

    One at a time, so that a batch can put each client away on disk as it is read: what stays in
    memory is one entry a client for finding ids used twice. Wholly empty rows (Excel leaves
    `;;;;` at the end of a sheet) are skipped. `reserved` are names of kaartgen's own files that
    an id may not take; `unprintable` returns the characters of a value that the templates' fonts
    cannot print.
    """
    # lower-case id -> its row, or (row, id) when the id is not all lower case
    seen: dict[str, int | tuple[int, str]] = {}
    moments: dict[str, datetime] = {}  # one object for each appointment time written
    languages = {s.split("/")[0] for s in known_sets}
    for row in rows:
        # a value far over the limit is refused below as it is: not worth normalising (a 60 MB cell)
        raw = {k: v if len(v) > 4 * MAX_FIELD else unicodedata.normalize("NFC", v.strip()) for k, v in row.values.items()}
        if not any(raw.values()):
            if row.extra_cells:  # nothing under the header, something far right: a stray value
                yield [RowError(row.number, "", "row", "the row holds values only beyond the last column of the "
                                                      "header (a stray cell?); delete them, or give the column a header")]
            continue
        cid = raw.get("id", "")
        problems: list[tuple[str, str]] = []

        def fail(field: str, reason: str) -> None:
            problems.append((field, reason))

        if row.extra_cells:
            fail("row", f"the row has {row.extra_cells} value(s) beyond the last column of the header; "
                        "a value may hold an unquoted separator, or a column has no header; check the row")
        bad_text: set[str] = set()
        for field, value in raw.items():
            if field in COLUMNS:
                for reason in value_problems(value, unprintable if field in PRINTED else None):
                    fail(field, reason)
                    bad_text.add(field)
        if not cid:
            fail("id", "id is empty; every client needs a unique id")
        elif "id" not in bad_text and not SAFE_ID.fullmatch(cid):
            fail("id", "id may only contain letters, digits, - and _ (at most 64), and may not begin with -")
        elif _is_reserved(cid, reserved):
            fail("id", "id is a name kaartgen or Windows uses for its own files; choose another id")
        elif cid.lower() in seen:
            first = seen[cid.lower()]
            first_row, first_id = first if isinstance(first, tuple) else (first, cid.lower())
            same = "is used twice" if first_id == cid else "differs only in upper/lower case from the id"
            fail("id", f"id {same} on row {first_row}; ids must be unique, also ignoring case")
        else:
            seen[cid.lower()] = row.number if cid == cid.lower() else (row.number, cid)
        for key in REQUIRED[1:]:
            if not raw.get(key) and key not in bad_text:
                fail(key, f"{key} is empty; fill it in")
        country = raw.get("country", "")
        postcode = raw.get("postcode", "")
        if postcode and "postcode" not in bad_text and country.lower() in HOME_COUNTRIES:
            match = DUTCH_POSTCODE.fullmatch(postcode)
            if match:
                postcode = f"{match.group(1)} {match.group(2).upper()}"
            else:
                fail("postcode", "not a Dutch postcode; write four digits and two letters, e.g. 1234 AB, "
                                 "or fill in the country")
        if country.lower() in HOME_COUNTRIES:
            country = ""
        appointment = None
        if raw.get("appointment") and "appointment" not in bad_text:
            try:
                appointment = moments.get(raw["appointment"]) or moments.setdefault(
                    raw["appointment"], parse_date_time(raw["appointment"]))
            except ValueError as exc:
                fail("appointment", str(exc))
        language = raw.get("language") or "nl"
        variant = raw.get("variant") or "standaard"
        if "language" not in bad_text and "variant" not in bad_text and f"{language}/{variant}" not in known_sets:
            if language not in languages:
                fail("language", f"no texts in this language; use one of: {', '.join(sorted(languages))}")
            else:
                variants = sorted(s.split("/")[1] for s in known_sets if s.startswith(language + "/"))
                fail("variant", f"no such variant in this language; use one of: {', '.join(variants)}")
        large = raw.get("large_print", "").lower()
        if large not in TRUE | FALSE and "large_print" not in bad_text:
            fail("large_print", "write yes or no (or ja/nee, 1/0)")
        if problems:
            shown = cid if SAFE_ID.fullmatch(cid) and not _is_reserved(cid, reserved) else ""
            yield [RowError(row.number, shown, field, reason) for field, reason in problems]
            continue
        shared = sys.intern  # values many clients share are stored once: memory stays flat with the list
        yield Client(
            row=row.number, id=cid, name=raw["name"], street=raw["street"], postcode=postcode,
            city=shared(raw["city"]), country=shared(country) if country else None,
            professional=shared(raw["professional"]) if raw.get("professional") else None,
            phone=raw.get("phone") or None, appointment=appointment,
            location=shared(raw["location"]) if raw.get("location") else None,
            language=shared(language), variant=shared(variant), large_print=large in TRUE,
            role=shared(raw["role"]) if raw.get("role") else None,
        )


def sample_client(cs) -> Client:
    """The long but realistic (fictional) client of the set's set.yaml, as a client of a list."""
    s = cs.info.sample
    return Client(row=0, id="sample", name=s.name, street=s.street, postcode=s.postcode, city=s.city,
                  country=None, professional=s.professional, phone=s.phone,
                  appointment=parse_date_time(s.appointment), location=s.location,
                  language=cs.info.language, variant=cs.info.variant, large_print=False, role=s.role)


def row_warnings(clients: Iterable[Client], letter_date: date) -> list[RowError]:
    """Rows that will be produced but look wrong: an appointment before the letter's date or in a
    weekend. Warnings, in the shape of row errors (row, id, field, reason)."""
    return [RowError(c.row, c.id, "appointment", reason) for c in clients if c.appointment is not None
            for reason in date_warnings(c.appointment, letter_date)]


def client_error(exc: KaartgenError, values: dict[str, str | None]) -> FieldError:
    """A layout failure that only a client's values cause, as a message about those values.

    The content passed lint with a long sample client, so what does not fit here is the client's
    own value: the message names the field (never its value) and what the professional can do."""
    if isinstance(exc, FieldError):
        return exc
    if isinstance(exc, MissingGlyph):
        field = next((f for f, v in values.items() if v and exc.char in v), "name")
        return FieldError(field, f"has a character kaartgen cannot print, U+{ord(exc.char):04X}; write it "
                                 "in Latin, Greek or Cyrillic letters, or leave it out")
    if isinstance(exc, FitError):
        field = max(values, key=lambda f: len(values[f] or ""))
        return FieldError(field, "is too long to fit on the card or letter; shorten it (e.g. initials for "
                                 "first names, an abbreviation for a place)")
    return FieldError("content", f"the texts cannot be printed for this client: {exc.message}; "
                                 "the content owner should run kaartgen lint")
