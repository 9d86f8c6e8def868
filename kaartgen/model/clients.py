"""The client list for `kaartgen batch`: CSV as Excel exports it, or YAML, validated row by row.

Everything is read as text, exactly as written: no value is guessed to be a number, date or yes/no
(`007` stays `007`, country `NO` stays `NO`). A bad row never stops the batch: every problem of it
becomes a RowError (spreadsheet row number, id, field, reason) and every good row is still produced.
No message quotes a client's value: it names the row and the field, and says what to do.
"""

from __future__ import annotations

import codecs
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
from kaartgen.messages import Term, render
from kaartgen.model.columns import DEFAULT, FIELDS, Columns
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
COLUMNS = FIELDS
REQUIRED = ("id", "name", "street", "postcode", "city")  # a name may come from its parts: surname at least
DELIMITERS = {";": "term.delimiter_semicolon", ",": "term.delimiter_comma", "\t": "term.delimiter_tab"}
CONTROLS = frozenset(range(32)) - {9, 10, 13}  # bytes no text file holds many of
# what a file that is no text begins with, and what it is then
BINARY = ((b"%PDF", "PDF"), (b"PK\x03\x04", "zip"), (b"\xd0\xcf\x11\xe0", "Office"), (b"{\\rtf", "RTF"))
PRINTED = ("name", "initials", "first_name", "prefix", "surname", "street", "house_number", "addition", "postcode",
           "city", "country", "professional", "role", "phone", "location")  # columns whose values are printed
ON_PAPER = ("name", "street", "postcode", "city", "country", "professional", "role", "phone", "location")  # Client's
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
    """One row as written: its spreadsheet row number, values by field, cells past the header, and
    the positions of cells in columns kaartgen does not use that hold a value."""

    number: int
    values: dict[str, str]
    extra_cells: int = 0
    unused: list[int] = dfield(default_factory=list)


@dataclass(frozen=True)
class ListReading:
    """How a list was read, for the front ends to show: the text encoding and the delimiter of a
    CSV file, and which header became which field."""

    encoding: str | None = None  # of a CSV file: utf-8, utf-8-sig, utf-16 or cp1252
    delimiter: str | None = None  # of a CSV file: ";", "," or a tab
    mapping: tuple[tuple[str, str], ...] = ()  # (header as written, field), in the file's order

    def describe(self, lang: str) -> list[str]:
        """How the list was read, in `lang`: a CSV file's encoding and delimiter, then which
        header became which field ("Achternaam → achternaam")."""
        lines = []
        if self.encoding is not None and self.delimiter is not None:
            lines.append(render("list.read_csv", {"encoding": Term(f"term.encoding_{self.encoding.replace('-', '_')}"),
                                                  "delimiter": Term(DELIMITERS[self.delimiter])}, lang))
        if self.mapping:
            pairs = ", ".join(f"{h} → {render(f'field.{f}', {}, lang)}" for h, f in self.mapping)
            lines.append(render("list.columns_used", {"mapping": pairs}, lang))
        return lines

    def column(self, field: str) -> str:
        """The header a field was read from, as written in the list; the field's name when none was."""
        return next((h for h, f in self.mapping if f == field), field)


class ClientList:
    """The rows of a client list, read one at a time as they are validated, so that a list of
    50,000 clients is never held as rows; the columns kaartgen does not use, known after; how it
    was read; and, for a workbook, which sheet was read and which others it has."""

    def __init__(self, header: list[str], fields: list[str | None], rows: Iterator[Row],
                 sheets: Sheets | None = None, encoding: str | None = None, delimiter: str | None = None):
        self.header = header
        self.fields = fields
        self._rows = rows
        self.sheets = sheets
        self.reading = ListReading(encoding, delimiter,
                               tuple((h, f) for h, f in zip(header, fields, strict=True) if f is not None))
        self._filled: set[int] = set()  # columns kaartgen does not use that hold a value somewhere

    @property
    def rows(self) -> Iterator[Row]:
        for row in self._rows:
            self._filled.update(row.unused)
            yield row

    @property
    def ignored_columns(self) -> list[str]:
        """Columns with a header kaartgen does not use, and columns without a header that hold values."""
        return [h or f"(column {i} without a name)" for i, (h, f) in enumerate(zip(self.header, self.fields,
                                                                                    strict=True), 1)
                if f is None and (h.strip() or i - 1 in self._filled)]


def mapped_header(cells: Iterable[str], path: Path, columns: Columns) -> tuple[list[str], list[str | None]]:
    """The header as written and the field of each column (None for one kaartgen does not use); a
    field named twice, or required fields missing, is one message naming the file."""
    header = [unicodedata.normalize("NFC", c).strip() for c in cells]
    fields = [columns.field(h) for h in header]
    seen: dict[str, int] = {}
    for position, found in enumerate(fields, 1):
        if found is None:
            continue
        if found in seen:
            raise KaartgenError("list.column_twice", file=path, line=1, column=header[position - 1],
                                first=seen[found], second=position)
        seen[found] = position
    missing = [c for c in REQUIRED if c not in seen and not (c == "name" and "surname" in seen)]
    if missing:
        raise KaartgenError("list.columns_missing", file=path, line=1, missing=missing, required=list(REQUIRED),
                            optional=[c for c in COLUMNS if c not in REQUIRED])
    return header, fields


def _values(fields: list[str | None], cells: list[str]) -> tuple[dict[str, str], list[int]]:
    """A row's values by field, and the positions of cells kaartgen does not use that hold a value."""
    values = {f: cells[i] if i < len(cells) else "" for i, f in enumerate(fields) if f is not None}
    unused = [i for i, f in enumerate(fields) if f is None and i < len(cells) and cells[i].strip()]
    return values, unused


def sniff(path: Path) -> tuple[str, str]:
    """The encoding a CSV file is written in, as Excel and LibreOffice write them: UTF-8 with or
    without its byte order mark, UTF-16 with one, or Windows-1252 (Dutch Excel's "CSV (gescheiden
    door lijstscheidingsteken)") when the bytes are not UTF-8; and its first line. A file that is
    no text (a PDF, a workbook or a zip renamed .csv, binary data) is refused here."""
    with open(path, "rb") as f:
        head = f.read(64 * 1024)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            encoding = "utf-16"
        else:
            for magic, kind in BINARY:
                if head.startswith(magic):
                    raise KaartgenError("list.binary", file=path, kind=kind)
            controls = sum(head.count(bytes([b])) for b in CONTROLS)
            if controls > max(8, len(head) // 20):  # a stray control character is a row's problem, many are no text
                raise KaartgenError("list.not_text", file=path)
            encoding = "utf-8-sig" if head.startswith(b"\xef\xbb\xbf") else "utf-8"
            decoder = codecs.getincrementaldecoder("utf-8")()
            try:
                decoder.decode(head)
                while chunk := f.read(1 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                encoding = "cp1252"
    with open(path, encoding=encoding, errors="strict" if encoding != "cp1252" else "replace", newline="") as text:
        try:
            first = text.readline()
        except UnicodeDecodeError:
            raise KaartgenError("list.not_text", file=path) from None
    return encoding, first


def delimiter_of(first: str) -> str:
    """The delimiter a header line uses, of `;`, `,` and tab: the one it has most of outside quotes."""
    outside = re.sub(r'"[^"]*"', "", first)
    counts = {d: outside.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _rows_csv(path: Path, columns: Columns, max_rows: int = MAX_ROWS) -> ClientList:
    """Rows read from the file as they are used: a long list is never held whole in memory."""
    if path.stat().st_size > MAX_FILE:
        raise KaartgenError("list.too_large", file=path, mb=MAX_FILE // (1024 * 1024))
    encoding, first = sniff(path)
    if not first.strip():
        raise KaartgenError("list.empty", file=path)
    delimiter = delimiter_of(first)
    csv.field_size_limit(MAX_FILE)  # a long value is a row error below, never an aborted batch
    try:
        header, fields = mapped_header(next(csv.reader([first], delimiter=delimiter)), path, columns)
    except csv.Error as exc:
        raise KaartgenError("list.header_unreadable", file=path, line=1, problem=str(exc)) from None
    # cp1252 leaves five byte values undefined; Excel never writes them, and `replace` shows any as U+FFFD,
    # which the row checks refuse as a character kaartgen cannot print
    f = open(path, encoding=encoding, errors="strict" if encoding != "cp1252" else "replace", newline="")
    f.readline()
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
                    values, unused = _values(fields, cells)
                    extra = sum(1 for cell in cells[len(header):] if cell.strip())
                    yield Row(number, values, extra, unused)
            except csv.Error as exc:
                raise KaartgenError("list.csv_unreadable", file=path, near=reader.line_num + 1,
                                    problem=str(exc)) from None
            except UnicodeDecodeError:
                raise KaartgenError("list.not_text_after", file=path, after=reader.line_num + 1) from None

    return ClientList(header, fields, rows(), encoding=encoding, delimiter=delimiter)


def _from_raw(path: Path, raw: Raw, columns: Columns) -> ClientList:
    """Header and rows of a workbook's sheet or a YAML list, as read by the bounded reader."""
    if raw.header is not None:  # YAML: the keys of the mappings
        header, fields = mapped_header(raw.header, path, columns)
        rows = raw.rows
    else:
        rows = raw.rows
        first = next(rows, None)
        if first is None:
            raise KaartgenError("list.empty", file=path)
        header, fields = mapped_header(first[1], path, columns)

    def values() -> Iterator[Row]:
        for number, cells, beyond in rows:
            found, unused = _values(fields, cells)
            yield Row(number, found, beyond + sum(1 for cell in cells[len(header):] if cell.strip()), unused)

    return ClientList(header, fields, values(), raw.sheets if raw.header is None else None)


def read_clients(path: Path, sheet: str | None = None, seconds: float = SECONDS,
                 max_rows: int = MAX_ROWS, columns: Columns = DEFAULT) -> ClientList:
    """The rows of a client list as text (read as they are used), and the columns not used.
    CSV (as Excel saves it), Excel workbooks (.xlsx, .xlsm, .xls, .ods: the first visible sheet
    or `sheet`) or YAML; workbooks and YAML are read by a bounded process (model/sheets.py) that
    may take at most `seconds`. A list with more than `max_rows` rows is refused. `columns` says
    which header names which field."""
    if not path.is_file():
        raise KaartgenError("list.not_found", file=path, field="clients")
    suffix = path.suffix.lower()
    if sheet is not None and suffix not in SPREADSHEETS:
        raise KaartgenError("list.no_sheets", file=path, field="sheet")
    if suffix in SPREADSHEETS or suffix in YAML:
        return _from_raw(path, read_isolated(path, sheet, seconds, max_rows), columns)
    return _rows_csv(path, columns, max_rows)
