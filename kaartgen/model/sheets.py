"""Client lists that come as workbooks (.xlsx, .xlsm, .xls, .ods) or YAML, read in a process of
their own with a memory, time and output limit, and handed back a row at a time.

A workbook is a zip of XML that may say anything about itself: a 2 KB .ods can ask for 16,000
columns times a million rows (6 GB in the reading library), an .xlsx can declare a dimension of
A1:XFD1048576 or hold one stray cell a million rows down, and a YAML list can expand far beyond
what is written. So the reading happens in a child process that the system stops when it uses
more than `MEMORY` bytes, `SECONDS` of CPU or writes more than `OUTPUT` bytes; the parent only
ever sees rows, one per line of JSON, and a child that was stopped becomes one clear message.

Within the child, an .xlsx is streamed by openpyxl with its declared dimension ignored (a wrong
dimension would otherwise make it stop early and drop rows, or pad every row to 16,384 cells),
rows without a value are skipped, and a list with more than `MAX_ROWS` rows is refused. The first
visible sheet is read unless one is named; hidden sheets are never read by default.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TextIO

from kaartgen.errors import KaartgenError

SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")  # openpyxl (.xlsx, .xlsm), python-calamine (the others)
YAML = (".yaml", ".yml")
MAX_ROWS = 500_000  # rows with a value in a client list: more than any one mailing
MAX_COLUMNS = 100  # cells of a row that are read; a value further right is counted, not read
MAX_UNPACKED = 512 * 1024 * 1024  # bytes a workbook may unpack to (its zip members, as declared)
MEMORY = 1536 * 1024 * 1024  # bytes of memory the reading process may use
SECONDS = 60  # CPU seconds the reading process may use; the parent waits a little longer
OUTPUT = 512 * 1024 * 1024  # bytes of rows the reading process may hand back
MAX_FILE = 64 * 1024 * 1024  # bytes of a client list: far more than 100,000 clients need
DIGIT_PATTERN_CHARS = set("0# ()/-")


@dataclass
class Sheets:
    """Which sheet of a workbook was read, and the others (name, 'visible' or 'hidden')."""

    read: str | None = None
    all: list[tuple[str, str]] = field(default_factory=list)

    @property
    def others(self) -> list[str]:
        return [name for name, _ in self.all if name != self.read]

    @property
    def hidden(self) -> list[str]:
        return [name for name, state in self.all if state != "visible"]


# -- in the child -----------------------------------------------------------------------------------

def _cell(value: object, number_format: str = "General") -> str:
    """A spreadsheet cell as the text Excel shows: 5 not 5.0, a phone number formatted 0000000000
    with its leading zero, a date and time as 2026-12-03 10:30, a tick as yes or no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour, value.minute) != (0, 0) else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, (int, float)):
        if float(value).is_integer():
            return _digits(int(value), number_format)
        return f"{value:.15g}"
    return "" if value is None else str(value)


def _digits(number: int, number_format: str) -> str:
    """A whole number in a digit pattern such as `0000000000` or `0000 00`: Excel's way of keeping
    leading zeros (phone numbers, postcodes). Other formats show the number as it is."""
    code = number_format.split(";")[0].replace('"', "").replace("\\", "")
    if number < 0 or not code or code[0] not in "0#" or not set(code) <= DIGIT_PATTERN_CHARS or "0" not in code:
        return str(number)
    digits = str(number).zfill(code.count("0"))
    out, rest = [], list(digits)
    for char in reversed(code):
        if char in "0#":
            out.append(rest.pop() if rest else "")
        else:
            out.append(char if rest else "")
    return "".join(rest) + "".join(reversed(out)).strip()


class TooManyRows(KaartgenError):
    """A list longer than the limit (a front end may set a lower one, such as the web app's)."""

    def __init__(self, limit: int, path: Path | None = None, number: int | None = None):
        if number:
            super().__init__("list.too_many_rows_at", file=path, limit=limit, row=number)
        else:
            super().__init__("list.too_many_rows", file=path, limit=limit)
        self.limit = limit


def _emit(out: TextIO, number: int, cells: list[str], beyond: int, counted: list[int]) -> None:
    """One row with a value, trailing empty cells dropped; refused past the row limit."""
    while cells and not cells[-1].strip():
        cells.pop()
    if not cells and not beyond:
        return
    counted[0] += 1
    if counted[0] > _limit[0]:
        raise TooManyRows(_limit[0], number=number)
    out.write(json.dumps([number, cells, beyond], ensure_ascii=False) + "\n")


def _unpacked_size(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip (.xls): its reader decides
    if total > MAX_UNPACKED:
        raise KaartgenError("list.unpacks_large", mb=MAX_UNPACKED // (1024 * 1024))


def _pick(names: list[tuple[str, str]], sheet: str | None) -> str:
    if sheet is not None:
        if sheet not in [n for n, _ in names]:
            raise KaartgenError("list.no_such_sheet", field="sheet", sheet=sheet, sheets=[n for n, _ in names])
        return sheet
    visible = [n for n, state in names if state == "visible"]
    if not visible:
        raise KaartgenError("list.no_visible_sheet", field="sheet")
    return visible[0]


def _xlsx(path: Path, sheet: str | None, out: TextIO) -> None:
    import warnings

    from openpyxl import load_workbook

    _unpacked_size(path)
    with warnings.catch_warnings():  # openpyxl warns about styles and extensions it skips
        warnings.simplefilter("ignore")
        book = load_workbook(path, read_only=True, data_only=True)
    try:
        names = [(ws.title, "visible" if ws.sheet_state == "visible" else "hidden") for ws in book.worksheets]
        chosen = _pick(names, sheet)
        out.write(json.dumps({"sheet": chosen, "sheets": names}, ensure_ascii=False) + "\n")
        ws = book[chosen]
        ws.reset_dimensions()  # the file's own dimension may be wrong or huge: read what is there
        counted = [0]
        for number, row in enumerate(ws.iter_rows(), 1):
            if not row:
                continue  # a row the file does not have: nothing in it
            cells = [_cell(c.value, getattr(c, "number_format", "General")) for c in row[:MAX_COLUMNS]]
            beyond = sum(1 for c in row[MAX_COLUMNS:] if c.value not in (None, ""))
            _emit(out, number, cells, beyond, counted)
    finally:
        book.close()


def _calamine(path: Path, sheet: str | None, out: TextIO) -> None:
    from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

    _unpacked_size(path)
    book = CalamineWorkbook.from_path(str(path))
    names = [(m.name, "visible" if m.visible == SheetVisibleEnum.Visible else "hidden") for m in book.sheets_metadata]
    chosen = _pick(names, sheet)
    out.write(json.dumps({"sheet": chosen, "sheets": names}, ensure_ascii=False) + "\n")
    try:
        ws = book.get_sheet_by_name(chosen)
    except CalamineError as exc:
        if "limit" in str(exc).lower():
            raise KaartgenError("list.far_cells") from None
        raise
    start = ws.start[0] if ws.start else 0  # rows above the first used one are not in the range
    counted = [0]
    for number, row in enumerate(ws.iter_rows(), start + 1):
        cells = [_cell(c) for c in row[:MAX_COLUMNS]]
        beyond = sum(1 for c in row[MAX_COLUMNS:] if c not in (None, ""))
        _emit(out, number, cells, beyond, counted)


def _yaml(path: Path, out: TextIO) -> None:
    from kaartgen.model.yamlfile import load_yaml

    yf = load_yaml(path, max_bytes=MAX_FILE, plain=True)
    data = yf.data
    key: tuple[str, ...] = ()
    if isinstance(data, dict) and "clients" in data:
        data, key = data["clients"], ("clients",)
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise KaartgenError("list.yaml_not_list", line=1)
    if len(data) > _limit[0]:
        raise TooManyRows(_limit[0])
    header: list[str] = []
    for record in data:
        for k in record:
            if str(k) not in header:
                header.append(str(k))
    out.write(json.dumps({"header": header}, ensure_ascii=False) + "\n")
    for index, record in enumerate(data):
        cells = ["" if record.get(k) is None or isinstance(record.get(k), (list, dict)) else str(record[k])
                 for k in header]
        nested = sum(1 for v in record.values() if isinstance(v, (list, dict)))
        out.write(json.dumps([yf.line_of(key + (index,)) or 1, cells, nested], ensure_ascii=False) + "\n")


_limit = [MAX_ROWS]  # the child's row limit, from its command line


def child(path: Path, sheet: str | None, out: TextIO) -> int:
    """What the reading process does: rows of `path` as JSON lines on `out`; 0, or 3 with a message."""
    try:
        if path.suffix.lower() in YAML:
            _yaml(path, out)
        elif path.suffix.lower() in (".xlsx", ".xlsm"):
            _xlsx(path, sheet, out)
        else:
            _calamine(path, sheet, out)
    except TooManyRows as exc:
        message = {"error": exc.code, "params": exc.params, "too_many": exc.limit}
        out.write(json.dumps(message, ensure_ascii=False) + "\n")
        return 3
    except KaartgenError as exc:
        out.write(json.dumps({"error": exc.code, "params": exc.params, "line": exc.line, "field": exc.field},
                             ensure_ascii=False) + "\n")
        return 3
    except MemoryError:
        return 4
    except Exception:
        out.write(json.dumps({"error": "unreadable"}) + "\n")
        return 3
    return 0


def _limits() -> None:  # runs in the child before it starts
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (SECONDS, SECONDS + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT, OUTPUT))


# -- in the parent ----------------------------------------------------------------------------------

@dataclass
class Raw:
    """A list as rows of text: the header row (YAML: the keys), the rows after it, the sheets."""

    sheets: Sheets
    rows: Iterator[tuple[int, list[str], int]]  # (row number as the user sees it, cells, cells beyond)
    header: list[str] | None = None  # YAML only: the keys; a sheet's header is one of its rows


def unreadable_book(path: Path) -> KaartgenError:
    return KaartgenError("list.unreadable_book", file=path)


def read_isolated(path: Path, sheet: str | None = None, seconds: float = SECONDS, max_rows: int = MAX_ROWS) -> Raw:
    """The rows of a workbook or YAML list, read by a bounded child process (see the module's text)."""
    if path.stat().st_size > MAX_FILE:
        raise KaartgenError("list.too_large", file=path, mb=MAX_FILE // (1024 * 1024))
    rows = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # no name: gone on every way out
    command = [sys.executable, "-c", "import sys; from kaartgen.model.sheets import main; sys.exit(main())",
               str(path), sheet or "", str(max_rows)]
    kwargs: dict[str, Any] = {"preexec_fn": _limits} if os.name == "posix" else {}
    try:
        code = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=rows, stderr=subprocess.DEVNULL,
                              timeout=seconds + 5, env={**os.environ, "PYTHONHASHSEED": "0"}, **kwargs).returncode
    except subprocess.TimeoutExpired:
        rows.close()
        raise KaartgenError("list.read_timeout", file=path, seconds=int(seconds)) from None
    rows.seek(0)
    first = rows.readline()
    head = json.loads(first) if first.strip() else None
    if code == 3:  # the child's message is its last line
        last = first
        for line in rows:
            last = line
        rows.close()
        error = json.loads(last)
        if error["error"] == "unreadable":
            raise unreadable_book(path)
        if error.get("too_many"):
            raise TooManyRows(error["too_many"], path, error["params"].get("row"))
        raise KaartgenError(error["error"], file=path, line=error.get("line"), field=error.get("field"),
                            **error["params"])
    if code != 0 or not isinstance(head, dict):
        rows.close()
        raise KaartgenError("list.read_limits", file=path, mb=MEMORY // (1024 * 1024), seconds=SECONDS)
    sheets = Sheets(head.get("sheet"), [tuple(s) for s in head.get("sheets", [])])

    def lines() -> Iterator[tuple[int, list[str], int]]:
        with rows:
            for line in rows:
                number, cells, beyond = json.loads(line)
                yield number, cells, beyond

    return Raw(sheets, lines(), head.get("header"))


def main() -> int:
    """`python -c …main()` PATH SHEET: the child's entry point (see read_isolated)."""
    path, sheet = Path(sys.argv[1]), sys.argv[2] or None
    _limit[0] = int(sys.argv[3])
    out = open(sys.stdout.fileno(), "w", encoding="utf-8", closefd=False)
    try:
        return child(path, sheet, out)
    finally:
        out.flush()
