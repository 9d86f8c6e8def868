"""The mail room's week: update a mailing after fixing rows, numbers without gaps, check first."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from tests.conftest import run

HEADER = "id,name,street,postcode,city"


def write(path: Path, *rows: str) -> Path:
    path.write_text("\n".join((HEADER,) + rows) + "\n", encoding="utf-8")
    return path


def batch(clients: Path, out: Path, *extra: str):
    return run("batch", str(clients), "--out", str(out), "--date", "2026-11-23", "--jobs", "1", *extra)


def manifest(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader((out / "manifest.csv").read_text(encoding="utf-8").splitlines()))


def test_sequence_numbers_run_without_gaps_past_a_failing_row(tmp_path):
    clients = write(tmp_path / "c.csv", "A1,Ann,Weg 1,1001 AA,Zwolle", f"B2,{'Jan ' * 74}Jan,Weg 2,1002 AA,Zwolle",
                    "C3,Cor,Weg 3,1003 AA,Zwolle")
    result = batch(clients, tmp_path / "out", "--insert-marks")
    assert result.exit_code == 1 and "row 3 (B2): name:" in result.stderr
    rows = manifest(tmp_path / "out")
    assert [(m["id"], m["sequence"]) for m in rows] == [("A1", "1"), ("C3", "2")]


def test_update_keeps_unchanged_packs_makes_new_and_changed_removes_the_rest(tmp_path):
    out = tmp_path / "out"
    first = write(tmp_path / "week1.csv", "A1,Ann,Weg 1,1001 AA,Zwolle", "B2,Bram,Weg 2,1002 AA,Zwolle",
                  "C3,Cor,Weg 3,1003 AA,Zwolle")
    assert batch(first, out).exit_code == 0
    kept_before = (out / "A1.pdf").stat().st_mtime_ns
    second = write(tmp_path / "week2.csv", "A1,Ann,Weg 1,1001 AA,Zwolle", "B2,Bram de Vries,Weg 2,1002 AA,Zwolle",
                   "D4,Dirk,Weg 4,1004 AA,Zwolle", "E5,,Weg 5,1005 AA,Zwolle")
    refused = batch(second, out)
    assert refused.exit_code == 2 and "update the mailing to make only the new and changed rows" in refused.stderr
    result = batch(second, out, "--update")
    assert result.exit_code == 1, result.output  # E5 has no name
    assert "3 packs (kept 1, made 2, removed 1), 1 row with errors" in result.output
    assert (out / "A1.pdf").stat().st_mtime_ns == kept_before
    assert not (out / "C3.pdf").exists() and (out / "D4.pdf").is_file()
    assert [m["id"] for m in manifest(out)] == ["A1", "B2", "D4"]
    assert [m["sequence"] for m in manifest(out)] == ["1", "2", "3"]
    again = batch(second, out, "--update")
    assert "3 packs (kept 3, made 0, removed 0)" in again.output
    fixed = write(tmp_path / "week2b.csv", "A1,Ann,Weg 1,1001 AA,Zwolle", "B2,Bram de Vries,Weg 2,1002 AA,Zwolle",
                  "D4,Dirk,Weg 4,1004 AA,Zwolle", "E5,Eva,Weg 5,1005 AA,Zwolle")
    assert "4 packs (kept 3, made 1, removed 0), 0 rows" in batch(fixed, out, "--update").output


def test_update_is_refused_when_more_than_the_list_changed(tmp_path):
    out = tmp_path / "out"
    clients = write(tmp_path / "c.csv", "A1,Ann,Weg 1,1001 AA,Zwolle")
    assert batch(clients, out).exit_code == 0
    result = run("batch", str(clients), "--out", str(out), "--date", "2026-11-30", "--update")
    assert result.exit_code == 2
    assert "the options (format, inserter marks, date, sheet) changed" in result.stderr
    assert "an update takes a changed client list only" in result.stderr


CHECK_LIST = (
    "id,name,street,postcode,city,appointment,language,large_print",
    "A1,Ann,Weg 1,1001 AA,Zwolle,2026-12-05T10:00,nl,ja",
    "B2,,Weg 2,1002 AA,,2026-12-07T10:00,nl,",
    "C3,Cor,Weg 3,12 AA,Zwolle,2026-11-01T10:00,en,",
    "C3,Dup,Weg 3,1003 AA,Zwolle,,nl,",
    f"D4,{'Jan ' * 74}Jan,Weg 4,1004 AA,Zwolle,,nl,",
    "E5,Eva,Weg 5,1005 AA,Zwolle,2026-11-20 09:00,en,",
    "F6,Fem,Weg 6,1006 AA,Zwolle,03-12-2026 09:30,nl,",
)


def test_check_tells_everything_at_once_and_writes_nothing(tmp_path):
    clients = tmp_path / "c.csv"
    clients.write_text("\n".join(CHECK_LIST) + "\n", encoding="utf-8")
    result = run("batch", str(clients), "--check", "--date", "2026-11-24")
    assert result.exit_code == 1
    out = result.output
    assert "rows: 3 ok, 4 failing" in out
    assert "name: is empty; fill it in (1 row: 3)" in out and "city: is empty" in out  # both of row 3
    assert "postcode: not a Dutch postcode" in out and "id: is used twice (also on row 4)" in out
    assert "name: is too long to fit" in out  # laid out, as the batch would
    assert "packs by set: en/standaard 1, nl/standaard 2" in out and "large print: 1" in out
    assert "appointments: 3, from 2026-11-20 to 2026-12-05" in out
    assert "appointment: is on a Saturday; check the date (1 row: 2)" in out
    assert "appointment: is before the date of the letter; check the date (1 row: 7)" in out
    assert "Ann" not in out and "Weg" not in out
    assert list(tmp_path.iterdir()) == [clients]


def test_a_list_without_required_columns_is_one_message_before_any_row(tmp_path):
    clients = tmp_path / "c.csv"
    clients.write_text("id,name,postcode\nA1,Ann,1001 AA\nB2,,\n", encoding="utf-8")
    result = run("batch", str(clients), "--check")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "lacks the column(s) street, city" in result.stderr and "required: id, name, street, postcode, city" in result.stderr


def test_weekend_and_past_dates_are_warnings_not_errors(tmp_path):
    clients = write(tmp_path / "c.csv", "A1,Ann,Weg 1,1001 AA,Zwolle")
    clients.write_text("id,name,street,postcode,city,appointment\nA1,Ann,Weg 1,1001 AA,Zwolle,06-12-2026 10:30\n",
                       encoding="utf-8")
    result = batch(clients, tmp_path / "out")
    assert result.exit_code == 0 and "warning: row 2 (A1): appointment: is on a Sunday" in result.stderr
    built = run("build", "--appointment", "06-12-2026 10:30", "--out", str(tmp_path / "b"))
    assert built.exit_code == 0 and "warning: --appointment is on a Sunday; check the date" in built.stderr


def test_excel_cells_are_read_as_excel_shows_them(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Overzicht"
    book.active.append(["nothing here"])
    ws = book.create_sheet("Klanten")
    ws.append([])  # an empty row above the header
    ws.append(["id", "name", "street", "postcode", "city", "phone", "appointment"])
    ws.append(["X1", "Ann", "Weg 5", "1001 AA", "Zwolle", 612345678, "2026-12-03 10:30"])
    ws.append([2, "Bo", 5, "1002 AA", "Zwolle", "088 898 92 95", None])
    ws.append(["X3", None, "Weg 7", "1003 AA", None, None, None])
    ws["F3"].number_format = "0000000000"
    path = tmp_path / "klanten.xlsx"
    book.save(path)
    result = run("batch", str(path), "--sheet", "Klanten", "--check", "--date", "2026-11-24")
    assert "rows: 2 ok, 1 failing" in result.output
    assert "name: is empty; fill it in (1 row: 5)" in result.output and "city: is empty" in result.output
    from kaartgen.model.clients import read_clients

    rows = list(read_clients(path, "Klanten").rows)
    assert rows[0].number == 3 and rows[0].values["phone"] == "0612345678"
    assert rows[1].values["id"] == "2" and rows[1].values["street"] == "5"
    missing = run("batch", str(path), "--sheet", "Clients", "--check")
    assert missing.exit_code == 2 and "has no sheet 'Clients'; its sheets are: Overzicht, Klanten" in missing.stderr


def _letter_objects(pdf: Path):
    """(kind, bounds in mm from the top-left) of every object drawn on the letter, the first page."""
    import pypdfium2 as pdfium
    from pypdfium2 import raw

    page = pdfium.PdfDocument(pdf)[0]
    height = page.get_height()
    mm = 25.4 / 72
    out = []
    for obj in page.get_objects(max_depth=5):
        left, bottom, right, top = obj.get_bounds()
        kind = "text" if obj.type == raw.FPDF_PAGEOBJ_TEXT else "other"
        out.append((kind, (left * mm, (height - top) * mm, right * mm, (height - bottom) * mm)))
    return page, out


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_only_the_address_block_lies_in_the_window_zone_for_both_letter_sizes(tmp_path):
    from kaartgen.model.builtin import DEFAULT_TEMPLATES
    from kaartgen.model.yamlfile import load_yaml

    look = load_yaml(DEFAULT_TEMPLATES / "letter.yaml").data["letter"]["window"]
    n = {k: float(str(look[k]).removesuffix("mm")) for k in ("top", "left", "width", "height", "inset", "margin")}
    window = (n["left"], n["top"], n["left"] + n["width"], n["top"] + n["height"])
    inner = (window[0] + n["inset"], window[1] + n["inset"], window[2] - n["inset"], window[3] - n["inset"])
    zone = (window[0] - n["margin"], window[1] - n["margin"], window[2] + n["margin"], window[3] + n["margin"])
    clients = tmp_path / "c.csv"
    clients.write_text("id,name,street,postcode,city,phone,large_print\n"
                       "A1,Maria van den Heuvel,Laan van Meerdervoort 201 A,2563 AB,Den Haag,088 898 92 95,nee\n"
                       "B2,Maria van den Heuvel,Laan van Meerdervoort 201 A,2563 AB,Den Haag,088 898 92 95,ja\n",
                       encoding="utf-8")
    assert batch(clients, tmp_path / "out", "--insert-marks").exit_code == 0
    for cid in ("A1", "B2"):
        page, objects = _letter_objects(tmp_path / "out" / f"{cid}.pdf")
        inside = [(kind, box) for kind, box in objects if _overlaps(box, zone)]
        bars = [box for kind, box in inside if kind != "text"]  # the KIX: 4 bars a character of 2563AB201XA
        assert len(bars) == 4 * len("2563AB201XA") and all(b[1] > max(t[3] for k, t in inside if k == "text")
                                                         for b in bars), bars
        assert [kind for kind, _ in inside].count("text") == len(inside) - len(bars)
        for _, box in inside:
            assert inner[0] - 0.01 <= box[0] and box[2] <= inner[2] + 0.01, box
            assert inner[1] - 0.01 <= box[1] and box[3] <= inner[3] + 0.01, box
        text = page.get_textpage().get_text_bounded(
            left=zone[0] * 72 / 25.4, right=zone[2] * 72 / 25.4,
            top=page.get_height() - zone[1] * 72 / 25.4, bottom=page.get_height() - zone[3] * 72 / 25.4)
        lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
        assert lines == ["Postbus 58285, 1040 HG Amsterdam", "Maria van den Heuvel", "Laan van Meerdervoort 201 A",
                         "2563 AB DEN HAAG"]


def test_the_address_is_in_a_face_without_slashed_zero_and_as_large_as_the_body(tmp_path):
    from pypdf import PdfReader

    clients = tmp_path / "c.csv"
    clients.write_text("id,name,street,postcode,city,large_print\nA1,Ann,Weg 10,3500 AB,Utrecht,nee\n"
                       "B2,Bo,Weg 10,3500 AB,Utrecht,ja\n", encoding="utf-8")
    assert batch(clients, tmp_path / "out").exit_code == 0
    for cid, body in (("A1", 11), ("B2", 16)):
        sizes: dict[str, set] = {}

        def visit(text, cm, tm, font, size, sizes=sizes):
            if text.strip() and font is not None:
                sizes.setdefault(text.strip(), set()).add((font.get("/BaseFont"), round(size * tm[0], 1)))

        PdfReader(tmp_path / "out" / f"{cid}.pdf").pages[0].extract_text(visitor_text=visit)
        address = next(v for k, v in sizes.items() if k.startswith("3500 AB"))
        (font, size), = address
        assert "NotoSans" in font and "Atkinson" not in font  # Atkinson Hyperlegible slashes its zero
        assert size >= body


def test_envelope_check_draws_the_window_for_both_letter_sizes(tmp_path):
    result = run("batch", "--envelope-check", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(tmp_path / "envelope-check.pdf")
    assert len(pdf) == 2
    for page in pdf:
        text = page.get_textpage().get_text_bounded()
        assert "Postbus 58285, 1040 HG Amsterdam" in text
        paths = [o for o in page.get_objects() if o.type == 2]  # the window, the zone and the address lines
        assert len(paths) >= 6


def test_shop_pdf_is_front_back_pairs_with_labels_and_a_job_ticket(tmp_path):
    import json
    import shutil

    import pypdfium2 as pdfium
    from pypdf import PdfReader

    from kaartgen.model.builtin import DEFAULT_CONTENT

    # every built-in card is printed on both sides: a copy whose card 1 has no back shows a blank one
    content = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT, content)
    cards = content / "nl" / "standaard" / "cards.yaml"
    text = cards.read_text(encoding="utf-8")
    back = text.index("      # kaartgen's own back side: room for the questions")
    cards.write_text(text[:back] + text[text.index("  - id: situatie"):], encoding="utf-8")
    result = run("build", "--format", "shop", "--crop-marks", "--content", str(content), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    shop = tmp_path / "kaartgen-nl-standaard-a6-shop.pdf"
    reader = PdfReader(shop)
    labels = reader.page_labels
    assert len(reader.pages) == 22 and labels[:3] == ["1-introductie-voor", "1-introductie-achter", "2-situatie-voor"]
    assert all(label.endswith("-voor") for label in labels[0::2]) and all(label.endswith("-achter") for label in labels[1::2])
    assert [label.rsplit("-", 1)[0] for label in labels[0::2]] == [label.rsplit("-", 1)[0] for label in labels[1::2]]
    boxes = {(tuple(p.trimbox), tuple(p.bleedbox), tuple(p.mediabox)) for p in reader.pages}
    assert len(boxes) == 1  # a blank back has the same boxes as a printed side
    blank = reader.pages[1]
    assert "/XObject" not in blank["/Resources"] and "re f" not in blank.get_contents().get_data().decode("latin-1")
    from kaartgen.engine.ticket import _streams

    painted = b"\n".join(_streams(reader))  # what the README promises the shop: CMYK only, nothing transparent
    assert not re.search(rb"(?<![\w/.])[\d.]+ [\d.]+ [\d.]+ (rg|RG)\b|(?:^|\s)[\d.]+ (g|G)(?=\s)|\bgs\b", painted)
    assert not any(key in shop.read_bytes() for key in (b"/SMask", b"/AcroForm", b"DeviceRGB"))
    intent = reader.trailer["/Root"]["/OutputIntents"][0]
    assert intent["/S"] == "/GTS_PDFX" and intent["/OutputConditionIdentifier"] == "FOGRA29"

    ticket = json.loads((tmp_path / "kaartgen-nl-standaard-a6-shop-ticket.json").read_text(encoding="utf-8"))
    assert ticket["pages"] == 22 and ticket["trim_mm"] == [105.0, 148.0] and ticket["bleed_mm"] == 3.0
    assert [s["label"] for s in ticket["sides"]] == labels
    assert ticket["sides"][1] == {"page": 2, "label": "1-introductie-achter", "card": "introductie", "card_number": 1,
                                  "side": "back", "blank": True}
    colours = {c["name"]: c["cmyk"] for c in ticket["colours"]}
    assert colours["coral"] == [0.0, 67.0, 74.0, 30.0] and "registration" in colours and "?" not in colours
    assert ticket["fonts"] and all(f["embedded"] for f in ticket["fonts"])
    assert "uncoated" in ticket["stock"] and "FOGRA29" in ticket["output_intent"]

    sheet = pdfium.PdfDocument(tmp_path / "kaartgen-nl-standaard-a6-shop-ticket.pdf")
    text = "\n".join(p.get_textpage().get_text_bounded() for p in sheet)
    text = " ".join(text.split())
    assert "Drukopdracht" in text and "22: 11-werk-achter" in text and "2: 1-introductie-achter (leeg)" in text
    images = sum(1 for p in sheet for o in p.get_objects(max_depth=3) if o.type == 3)
    assert images == 22


def test_update_is_refused_when_the_content_changed_together_with_the_list(tmp_path, content_copy):
    out = tmp_path / "out"
    first = write(tmp_path / "c.csv", "A1,Ann,Weg 1,1001 AA,Zwolle")
    assert batch(first, out, "--content", str(content_copy)).exit_code == 0
    second = write(tmp_path / "c.csv", "A1,Ann,Weg 1,1001 AA,Zwolle", "B2,Bo,Weg 2,1002 AA,Zwolle")
    letter = content_copy / "nl" / "standaard" / "letter.yaml"
    letter.write_text(letter.read_text(encoding="utf-8").replace("Beste", "Geachte", 1), encoding="utf-8")
    result = batch(second, out, "--content", str(content_copy), "--update")
    assert result.exit_code == 2
    assert "the client list and the content changed" in result.stderr
    assert "an update takes a changed client list only" in result.stderr
    assert not (out / "B2.pdf").exists()


def test_inserter_marks_number_the_packs_as_the_manifest_does_past_a_row_failing_at_layout(tmp_path):
    import pypdfium2 as pdfium
    import zxingcpp

    clients = write(tmp_path / "c.csv", "A1,Ann,Weg 1,1001 AA,Zwolle", f"B2,{'Jan ' * 74}Jan,Weg 2,1002 AA,Zwolle",
                    "C3,Cor,Weg 3,1003 AA,Zwolle", "D4,Dirk,Weg 4,1004 AA,Zwolle")
    out = tmp_path / "out"
    result = batch(clients, out, "--insert-marks")
    assert result.exit_code == 1 and "row 3 (B2): name:" in result.stderr  # fails at layout, not at reading
    pdf = pdfium.PdfDocument(out / "print-run.pdf")
    found = {}
    for i in range(0, len(pdf), 2):  # the front of every sheet carries its mark
        for code in zxingcpp.read_barcodes(pdf[i].render(scale=4).to_pil()):
            if not code.text.startswith("KG "):
                continue  # a card's scan code
            sequence, sheet = re.match(r"KG \w+ P(\d{5}) S(\d+)/\d+", code.text).groups()
            found.setdefault(int(sequence), []).append((i + 1, int(sheet)))
    for row in manifest(out):
        pages = found[int(row["sequence"])]
        assert [p for p, _ in pages] == list(range(int(row["first_page"]), int(row["last_page"]) + 1, 2)), row
        assert [s for _, s in pages] == list(range(1, int(row["sheets"]) + 1)), row
    assert sorted(found) == [1, 2, 3] and [m["id"] for m in manifest(out)] == ["A1", "C3", "D4"]


def test_nothing_but_the_address_may_lie_in_the_zone_around_the_window(tmp_path, templates_copy):
    letter = templates_copy / "letter.yaml"
    letter.write_text(letter.read_text(encoding="utf-8").replace("margin: 15mm", "margin: 25mm"), encoding="utf-8")
    result = run("lint", "--templates", str(templates_copy))
    assert result.exit_code != 0
    line = next(i for i, text in enumerate(letter.read_text(encoding="utf-8").splitlines(), 1)
                if text.strip().startswith("date:"))
    assert f"letter.yaml:{line}: letter.date: lies within 25 mm of the envelope window" in result.output
    built = run("build", "--templates", str(templates_copy), "--out", str(tmp_path / "b"))
    assert built.exit_code == 2 and "letter.date: lies within 25 mm" in built.output


def test_a_name_that_would_wrap_in_the_window_is_a_row_error_naming_the_window(tmp_path):
    name = "Anna Maria Johanna Wilhelmina van Oldenbarnevelt"  # fits card 1, not one line of the window
    clients = write(tmp_path / "c.csv", f"A1,{name},Weg 1,1001 AA,Zwolle", "B2,Bo,Weg 2,1002 AA,Zwolle")
    result = batch(clients, tmp_path / "out")
    assert result.exit_code == 1
    assert ("row 2 (A1): name: does not fit on one line of the envelope window (81 mm wide); shorten it, e.g. "
            "initials for the first names") in result.stderr
    assert name not in result.stderr and (tmp_path / "out" / "B2.pdf").is_file()
