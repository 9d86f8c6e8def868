"""Inserter marks: a small DataMatrix per sheet with job id, pack sequence and sheet i/n.

No personal data goes in. The symbol is reportlab's ECC200 DataMatrix (44 × 44 modules), drawn
as one rectangle per run of dark modules instead of one per module, to keep the print file small.
"""

from __future__ import annotations

from dataclasses import dataclass

from kaartgen.model.units import mm

MODULE = mm(0.2)


@dataclass(frozen=True)
class InsertMark:
    """Centre (cx, cy) on the page, and the text it encodes."""

    cx: float
    cy: float
    value: str


def mark_value(job: str, sequence: int, sheet: int, sheets: int) -> str:
    return f"KG {job} P{sequence:05d} S{sheet}/{sheets}"


def modules(value: str) -> list[list[int]]:
    """The module matrix, bottom row first."""
    from reportlab.graphics.barcode.ecc200datamatrix import ECC200DataMatrix  # only for --insert-marks

    symbol = ECC200DataMatrix(value=value)
    symbol.validate()
    return symbol.encode()


def draw_mark(c, mark: InsertMark, dark, light) -> None:
    matrix = modules(mark.value)
    size = len(matrix) * MODULE
    x0, y0 = mark.cx - size / 2, mark.cy - size / 2
    c.saveState()
    c.setFillColor(light)
    c.rect(x0 - 2 * MODULE, y0 - 2 * MODULE, size + 4 * MODULE, size + 4 * MODULE, stroke=0, fill=1)  # quiet zone
    c.setFillColor(dark)
    path = c.beginPath()
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                path.rect(x0 + start * MODULE, y0 + y * MODULE, (x - start) * MODULE, MODULE)
            else:
                x += 1
    c.drawPath(path, stroke=0, fill=1)
    c.restoreState()
