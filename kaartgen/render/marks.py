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
    matrix: list[list[int]] = symbol.encode()
    return matrix


def _rects(mark: InsertMark) -> tuple[tuple[float, float, float, float], list[tuple[float, float, float, float]]]:
    """The quiet zone, and one rectangle per run of dark modules (not one per module: a small file)."""
    matrix = modules(mark.value)
    size = len(matrix) * MODULE
    x0, y0 = mark.cx - size / 2, mark.cy - size / 2
    quiet = (x0 - 2 * MODULE, y0 - 2 * MODULE, size + 4 * MODULE, size + 4 * MODULE)
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append((x0 + start * MODULE, y0 + y * MODULE, (x - start) * MODULE, MODULE))
            else:
                x += 1
    return quiet, runs


def mark_operators(mark: InsertMark, dark: tuple[float, ...], light: tuple[float, ...]) -> bytes:
    """The mark as a content stream of its own (CMYK fractions), drawn over a page that is already
    made: the print run adds it to each pack's first page of a sheet."""

    def number(v: float) -> str:
        return f"{v:.3f}".rstrip("0").rstrip(".") or "0"

    def rect(r: tuple[float, float, float, float]) -> str:
        return " ".join(map(number, r)) + " re"

    quiet, runs = _rects(mark)
    ops = ["q", " ".join(map(number, light)) + " k", rect(quiet) + " f", " ".join(map(number, dark)) + " k"]
    ops += [rect(r) for r in runs]
    ops += ["f", "Q"]
    return "\n".join(ops).encode("ascii")
