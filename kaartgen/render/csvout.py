"""CSV files kaartgen writes (the manifest, the error list): UTF-8, and every cell safe to open in a
spreadsheet, as OWASP advises against CSV injection."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a cell a spreadsheet would run as a formula (OWASP)


def spreadsheet_safe(value: object) -> object:
    """A CSV cell that Excel and LibreOffice show as text: one that starts like a formula gets a
    leading apostrophe, as OWASP's advice on CSV injection has it, and a carriage return becomes a
    line break (which the writer quotes; a bare CR it would not). Numbers pass as they are."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_START):
        value = "'" + value
    return value.replace("\r\n", "\n").replace("\r", "\n")


def csv_bytes(rows: Iterable[Iterable[object]]) -> bytes:
    """Rows as CSV (UTF-8), every cell safe to open in a spreadsheet."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([spreadsheet_safe(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")
