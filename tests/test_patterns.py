"""Every pattern that guards a value is anchored at both ends: a value with a final newline (which
Python's `$` lets through) or a leading dash is refused, and no CSV cell kaartgen writes starts
like a spreadsheet formula."""

from __future__ import annotations

import csv
import io
import json

import pytest
from jsonschema import Draft202012Validator
from pydantic import ValidationError

from kaartgen.errors import FieldError
from kaartgen.model.answers import schema
from kaartgen.model.clients import DUTCH_POSTCODE, SAFE_ID
from kaartgen.model.content import Option, SetInfo
from kaartgen.model.options import REFERENCE, check_reference
from kaartgen.model.theme import CardGeometry
from kaartgen.model.units import parse_length
from kaartgen.render.csvout import FORMULA_START, spreadsheet_safe
from kaartgen.render.csvout import csv_bytes as _csv
from tests.conftest import run


@pytest.mark.parametrize("pattern, good, bad", [
    (SAFE_ID, "K-0042", "K-0042\n"), (REFERENCE, "K-0042", "K-0042\n"), (DUTCH_POSTCODE, "1234 AB", "1234 AB\nX"),
])
def test_python_patterns_refuse_a_final_newline(pattern, good, bad):
    assert pattern.fullmatch(good)
    assert pattern.fullmatch(bad) is None
    assert pattern.fullmatch(good + "!") is None


def test_ids_and_references_with_a_final_newline_or_a_leading_dash_are_refused():
    for bad in ("K-0042\n", "-rf", "--help", "-2-3", "-A1-B1"):
        assert not SAFE_ID.fullmatch(bad), bad
    with pytest.raises(FieldError):
        check_reference("K-0042\n")
    assert not Draft202012Validator(schema()).is_valid({"kaartgen": "answers", "set": "nl/standaard", "answers": {},
                                                         "reference": "K-0042\n"})
    assert Draft202012Validator(schema()).is_valid({"kaartgen": "answers", "set": "nl/standaard", "answers": {},
                                                     "reference": "K-0042"})


def test_model_patterns_refuse_a_final_newline():
    with pytest.raises(ValidationError):
        Option(id="gelijk\n", label="x")
    with pytest.raises(ValidationError):
        CardGeometry(name="a6\n", width="105mm", height="148mm", margin="5mm", radius="3mm", block_gap="2mm",
                     footer_height="6mm")
    fields = SetInfo.model_fields
    assert fields["language"].metadata and fields["variant"].metadata
    with pytest.raises(ValueError):
        parse_length("105mm\nx")


@pytest.mark.parametrize("value, shown", [("=1+1", "'=1+1"), ("+31", "'+31"), ("-2-3", "'-2-3"), ("@SUM(A1)", "'@SUM(A1)"),
                                          ("\tx", "'\tx"), ("\rx", "'\nx"), ("K-0042", "K-0042"), (12, 12)])
def test_a_cell_that_starts_like_a_formula_is_written_as_text(value, shown):
    assert spreadsheet_safe(value) == shown
    assert next(csv.reader(io.StringIO(_csv([[value]]).decode(), newline=""))) == [str(shown)]


def test_no_cell_of_a_batch_s_csv_files_starts_like_a_formula(tmp_path):
    clients = tmp_path / "c.csv"
    clients.write_text("id,name,street,postcode,city\n-2-3,Ann,Weg 1,1001 AA,Zwolle\n-A1-B1,Bo,Weg 2,1002 AA,Zwolle\n"
                       "--help,Cor,Weg 3,1003 AA,Zwolle\nK1,Dirk,Weg 4,1004 AA,Zwolle\n=1+1,Eva,Weg 5,1005 AA,Zwolle\n",
                       encoding="utf-8")
    result = run("batch", str(clients), "--out", str(tmp_path / "out"), "--date", "2026-11-23", "--jobs", "1")
    assert result.exit_code == 1
    assert "may not begin with -" in result.stderr
    assert not list((tmp_path / "out").glob("-*"))  # no file named like an option
    for name in ("manifest.csv", "errors.csv"):
        for row in csv.reader((tmp_path / "out" / name).read_text(encoding="utf-8").splitlines()):
            assert not any(cell.startswith(FORMULA_START) for cell in row), (name, row)
    errors = list(csv.DictReader((tmp_path / "out" / "errors.csv").read_text(encoding="utf-8").splitlines()))
    assert [e["row"] for e in errors] == ["2", "3", "4", "6"] and all(e["id"] == "" for e in errors)
    assert json.dumps(errors).count("Ann") == 0
