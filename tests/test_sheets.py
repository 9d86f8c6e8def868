"""Workbooks as they come from anywhere: hidden sheets, lying or huge dimensions, stray cells far
away and a few bytes that ask for gigabytes. Each is read within bounds, and says what it did."""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from kaartgen.model.clients import read_clients
from kaartgen.model.sheets import TooManyRows
from tests.conftest import run

HEADER = ["id", "name", "street", "postcode", "city"]


def book(path: Path, *sheets: tuple[str, list[list[object]], str]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows, state in sheets:
        ws = wb.create_sheet(title)
        ws.sheet_state = state
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def rewritten(src: Path, dst: Path, change) -> Path:
    """`src` with its first sheet's XML changed by `change`, as another program might write it."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data.decode()).encode()
            zout.writestr(item, data)
    return dst


CLIENTS = [HEADER, ["k1", "Ann", "Weg 1", "1234 AB", "Zwolle"], ["k2", "Bob", "Weg 2", "1235 AB", "Zwolle"]]


def test_the_first_visible_sheet_is_read_and_the_others_named(tmp_path):
    path = book(tmp_path / "l.xlsx", ("Oud", [HEADER, ["x1", "Xander", "Weg 9", "1239 AB", "Zwolle"]], "hidden"),
                ("Klanten", CLIENTS, "visible"), ("Notities", [["iets"]], "visible"))
    result = run("batch", str(path), "--check", "--date", "2026-11-23")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:3] == ["sheet read: Klanten", "other sheets (not read): Oud (hidden), Notities",
                         "the first sheet, Oud, is hidden and was not read; name it with --sheet if the clients are there"]
    assert "rows: 2 ok, 0 failing" in result.output
    hidden = run("batch", str(path), "--check", "--sheet", "Oud", "--date", "2026-11-23")
    assert hidden.exit_code == 0 and "sheet read: Oud" in hidden.output and "rows: 1 ok" in hidden.output


def test_a_batch_names_the_sheet_it_read(tmp_path):
    path = book(tmp_path / "l.xlsx", ("Klanten", CLIENTS, "visible"), ("Notities", [["iets"]], "visible"))
    result = run("batch", str(path), "--out", str(tmp_path / "out"), "--date", "2026-11-23", "--jobs", "1")
    assert result.exit_code == 0
    assert "sheet read: Klanten\nother sheets (not read): Notities\n" in result.stderr


def test_a_workbook_without_a_visible_sheet_says_so(tmp_path):
    path = book(tmp_path / "l.xlsx", ("Klanten", CLIENTS, "visible"), ("Oud", CLIENTS, "hidden"))
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp_path / "none.xlsx", "w") as zout:
        for item in zin.infolist():  # as another program may write it: every sheet hidden
            data = zin.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = data.replace(b'state="visible"', b'state="hidden"')
            zout.writestr(item, data)
    result = run("batch", str(tmp_path / "none.xlsx"), "--check", "--date", "2026-11-23")
    assert result.exit_code == 2 and "has no visible sheet" in result.stderr


def test_a_wrong_dimension_neither_drops_rows_nor_pads_them(tmp_path):
    base = book(tmp_path / "b.xlsx", ("Klanten", CLIENTS, "visible"))
    # A dimension that claims one row: read-only readers that trust it drop every client.
    small = rewritten(base, tmp_path / "small.xlsx", lambda s: re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1"/>', s))
    assert [r.values["id"] for r in read_clients(small).rows] == ["k1", "k2"]
    # A dimension of a whole sheet with one stray cell at its far corner: read in a moment.
    huge = rewritten(base, tmp_path / "huge.xlsx", lambda s: re.sub(
        r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', s).replace(
        "</sheetData>", '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'))
    started = time.monotonic()
    result = run("batch", str(huge), "--check", "--date", "2026-11-23")
    assert time.monotonic() - started < 20
    assert result.exit_code == 1 and "rows: 2 ok, 1 failing" in result.output
    assert ("row: the row holds values only beyond the last column of the header (a stray cell?); delete them, "
            "or give the column a header (1 row: 1048576)") in result.output


def ods_bomb(rows: int, columns: int) -> bytes:
    """An .ods of a few kilobytes whose second row repeats `rows` times with `columns` empty cells
    and one filled: a workbook that asks a reader for gigabytes."""
    cells = "".join(f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>' for v in HEADER)
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               '<office:body><office:spreadsheet><table:table table:name="Blad1">'
               f'<table:table-row>{cells}</table:table-row>'
               f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell table:number-columns-repeated="{columns}"/>'
               '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>'
               '</table:table></office:spreadsheet></office:body></office:document-content>')
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                   'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                   '<manifest:file-entry manifest:full-path="/" '
                   'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                   '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                   '</manifest:manifest>')
    return data.getvalue()


def test_a_few_bytes_that_ask_for_gigabytes_are_refused_quickly(tmp_path):
    path = tmp_path / "bom.ods"
    path.write_bytes(ods_bomb(6000, 16383))
    assert path.stat().st_size < 3000
    started = time.monotonic()
    result = run("batch", str(path), "--check", "--date", "2026-11-23")
    assert time.monotonic() - started < 30
    assert result.exit_code == 2
    assert "could not be read within 1536 MB of memory" in result.stderr and "save the sheet as CSV" in result.stderr


def test_a_list_longer_than_the_limit_is_refused_naming_the_limit(tmp_path):
    rows = [HEADER] + [[f"k{i}", "Ann", "Weg 1", "1234 AB", "Zwolle"] for i in range(6)]
    path = book(tmp_path / "l.xlsx", ("Klanten", rows, "visible"))
    with pytest.raises(TooManyRows) as refused:
        list(read_clients(path, max_rows=5).rows)
    assert refused.value.limit == 5 and "more than 5 rows" in refused.value.message
    csv = tmp_path / "l.csv"
    csv.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    with pytest.raises(TooManyRows, match=r"more than 5 rows with values.*reading stopped at row 7"):
        list(read_clients(csv, max_rows=5).rows)
    assert len(list(read_clients(csv, max_rows=6).rows)) == 6
