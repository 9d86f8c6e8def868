"""Lengths with units ("105mm", "11pt", "0.5in") as they are written in templates, in PDF points."""

from __future__ import annotations

import re

from pydantic_core import PydanticCustomError

_PER_UNIT = {"pt": 1.0, "mm": 72.0 / 25.4, "cm": 720.0 / 25.4, "in": 72.0}
_LENGTH = re.compile(r"\s*(-?\d+(?:\.\d+)?)\s*(pt|mm|cm|in)\s*")  # used with fullmatch


def parse_length(value: object) -> float:
    """Return points for a length such as "105mm"; a bare number is refused so no unit is guessed."""
    if isinstance(value, str):
        match = _LENGTH.fullmatch(value)
        if match:
            return float(match.group(1)) * _PER_UNIT[match.group(2)]
    raise PydanticCustomError("template.length", "not a length", {"value": repr(value)})


def to_mm(points: float) -> float:
    """Points to millimetres, for messages people can measure with a ruler."""
    return points / _PER_UNIT["mm"]


def mm(value: float) -> float:
    """Millimetres to points."""
    return value * _PER_UNIT["mm"]
