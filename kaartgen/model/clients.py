"""The client list for `kaartgen batch`: CSV as Excel exports it, or YAML, validated row by row.

Everything is read as text, exactly as written: no value is guessed to be a number, date or yes/no
(`007` stays `007`, country `NO` stays `NO`). A bad row never stops the batch: every problem of it
becomes a RowError (spreadsheet row number, id, field, reason) and every good row is still produced.
No message quotes a client's value: it names the row and the field, and says what to do.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from dataclasses import field as dfield
from datetime import datetime
from pathlib import Path
from typing import Any

from kaartgen.errors import KaartgenError
from kaartgen.messages import render
from kaartgen.model.sheets import (
    MAX_FILE,
    MAX_ROWS,
    SECONDS,
    SPREADSHEETS,
    YAML,
    Raw,
    Sheets,
    TooManyRows,
    read_isolated,
)
from kaartgen.model.text import Personal

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
    kix: str | None = None  # PostNL's KIX of a Dutch address: postcode, house number, X and addition ("1234AB12XA")

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
    """A problem of one row (or a warning about it): where, which field, and a message code."""

    row: int
    id: str
    field: str
    code: str
    params: dict[str, Any] = dfield(default_factory=dict, compare=False, hash=False)

    def text(self, lang: str = "en") -> str:
        """The reason in `lang`, without row or field (each front end shows those its own way)."""
        return render(self.code, self.params, lang)

    @property
    def reason(self) -> str:
        return self.text("en")


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
            raise KaartgenError("list.column_twice", file=path, line=1, column=name, first=seen[name], second=position)
        seen.setdefault(name, position)
    missing = [c for c in REQUIRED if c not in seen]
    if missing:
        raise KaartgenError("list.columns_missing", file=path, line=1, missing=missing, required=list(REQUIRED),
                            optional=[c for c in COLUMNS if c not in REQUIRED])
    return names


def _rows_csv(path: Path, max_rows: int = MAX_ROWS) -> tuple[list[str], Iterator[Row]]:
    """Rows read from the file as they are used: a long list is never held whole in memory."""
    if path.stat().st_size > MAX_FILE:
        raise KaartgenError("list.too_large", file=path, mb=MAX_FILE // (1024 * 1024))
    try:
        f = open(path, encoding="utf-8-sig", newline="")
        first = f.readline()
    except UnicodeDecodeError:
        raise KaartgenError("list.not_utf8", file=path) from None
    if not first.strip():
        f.close()
        raise KaartgenError("list.empty", file=path)
    delimiter = ";" if first.count(";") > first.count(",") else ","
    csv.field_size_limit(MAX_FILE)  # a long value is a row error below, never an aborted batch
    try:
        header = _header(next(csv.reader([first], delimiter=delimiter)), path)
    except csv.Error as exc:
        f.close()
        raise KaartgenError("list.header_unreadable", file=path, line=1, problem=str(exc)) from None
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
                raise KaartgenError("list.csv_unreadable", file=path, near=reader.line_num + 1,
                                    problem=str(exc)) from None
            except UnicodeDecodeError:
                raise KaartgenError("list.not_utf8_after", file=path, after=reader.line_num + 1) from None

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
            raise KaartgenError("list.empty", file=path)
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
        raise KaartgenError("list.not_found", file=path, field="clients")
    suffix = path.suffix.lower()
    if sheet is not None and suffix not in SPREADSHEETS:
        raise KaartgenError("list.no_sheets", file=path, field="sheet")
    if suffix in SPREADSHEETS or suffix in YAML:
        return _from_raw(path, read_isolated(path, sheet, seconds, max_rows))
    return ClientList(*_rows_csv(path, max_rows))
