from __future__ import annotations

import pytest

from kaartgen.model.units import parse_length, to_mm


@pytest.mark.parametrize("text, mm", [("105mm", 105), ("1cm", 10), ("72pt", 25.4), ("1in", 25.4), ("-3mm", -3)])
def test_lengths_with_units(text, mm):
    assert to_mm(parse_length(text)) == pytest.approx(mm)


@pytest.mark.parametrize("bad", ["105", 105, "10 px", "mm", None])
def test_a_length_needs_a_unit(bad):
    with pytest.raises(ValueError, match="not a length"):
        parse_length(bad)
