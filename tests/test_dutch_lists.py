"""Client lists as Dutch offices export them, and post as PostNL sorts it: CSV files in every
encoding and delimiter Excel and LibreOffice write, Dutch column names, names and addresses from
their parts, the KIX under every Dutch address, and the print run in postcode order."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from kaartgen.model.address import full_name, given_part, kix, street_line
from kaartgen.model.builtin import DEFAULT_TEMPLATES
from kaartgen.model.clients import delimiter_of, read_clients, sniff
from kaartgen.model.columns import Columns, key
from tests.conftest import DUTCH, run
from tests.test_kix import _filled_rects, _read_kix

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "klanten-nl.csv"
COLUMNS = Columns.load(DEFAULT_TEMPLATES)

# What the letters of examples/klanten-nl.csv must show in the window, as PostNL's address rules
# want them, and the KIX under each Dutch address (worked out here, not by kaartgen).
ADDRESSES = {
    "K-1001": (["J. de Vries", "Kerkstraat 12 A", "3511 LK UTRECHT"], "3511LK12XA"),
    "K-1002": (["A.M. van der Berg", "Laan van Meerdervoort 201-2", "2563 AB DEN HAAG"], "2563AB201X2"),
    "K-1003": (["Z. Öztürk", "Dorpsstraat 5", "9711 AA GRONINGEN"], "9711AA5"),
    "K-1004": (["P. Janssens", "Rue Royale 15", "1000 BRUSSEL", "BELGIË"], None),
    "K-1005": (["Van Dijk", "Postbus 1234", "1000 AA AMSTERDAM"], "1000AA1234"),
    "K-1006": (["R. Smit", "Molenweg 7 bis", "6511 AB NIJMEGEN"], "6511AB7XBIS"),
}


def manifest(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader((out / "manifest.csv").read_text(encoding="utf-8").splitlines()))


def window_lines(pdf: Path, index: int = 0) -> list[str]:
    """The address lines in the envelope window of a letter (below the return address)."""
    import pypdfium2 as pdfium

    page = pdfium.PdfDocument(pdf)[index]
    mm, height = 72 / 25.4, page.get_height()
    text = page.get_textpage().get_text_bounded(left=20 * mm, right=105 * mm, top=height - 45 * mm,
                                                bottom=height - 90 * mm)
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()][1:]


def test_a_list_as_dutch_excel_writes_it_is_checked_without_a_message_and_posted_as_postnl_wants(tmp_path):
    assert EXAMPLE.read_bytes().decode("cp1252")  # Windows-1252 and `;`, as Dutch Excel saves "CSV"
    with pytest.raises(UnicodeDecodeError):
        EXAMPLE.read_bytes().decode("utf-8")
    check = run("batch", str(EXAMPLE), "--check", "--date", "2026-11-30", env=DUTCH)
    assert check.exit_code == 0, check.output
    assert check.stdout.splitlines()[:3] == [
        "gelezen als CSV: tekenset Windows-1252 (West-Europees), scheidingsteken puntkomma (;)",
        "kolommen: Klantnummer → klantnummer, Voorletters → voorletters, Tussenvoegsel → tussenvoegsel, "
        "Achternaam → achternaam, Straat → straat, Huisnummer → huisnummer, Toevoeging → toevoeging, "
        "Postcode → postcode, Woonplaats → woonplaats, Land → land, Telefoon → telefoon, Datum → datum, "
        "Tijd → tijd, Taal → taal, Versie → versie, Grote letters → grote letters",
        "rijen: 6 goed, 0 fout",
    ]
    assert "let op" not in check.output and "genegeerd" not in check.output and not check.stderr

    out = tmp_path / "post"
    made = run("batch", str(EXAMPLE), "--out", str(out), "--date", "2026-11-30", "--sort", "postcode",
               "--insert-marks", env=DUTCH)
    assert made.exit_code == 0, made.output
    for cid, (lines, code) in ADDRESSES.items():
        assert window_lines(out / f"{cid}.pdf") == lines, cid
        bars = [r for r in _filled_rects(out / f"{cid}.pdf") if 20 < r[0] < 105 and 45 < r[1] < 90]
        assert (_read_kix(bars)[0] if bars else None) == code, cid

    rows = manifest(out)  # PostNL's order: Dutch postcodes ascending, then the address abroad
    assert [r["id"] for r in rows] == ["K-1005", "K-1002", "K-1001", "K-1006", "K-1003", "K-1004"]
    assert [r["row"] for r in rows] == ["6", "3", "2", "7", "4", "5"]
    import pypdfium2 as pdfium
    import zxingcpp

    run_pdf = pdfium.PdfDocument(out / "print-run.pdf")
    found: dict[int, list[int]] = {}
    for i in range(0, len(run_pdf), 2):  # the front of every sheet carries its inserter mark
        for code in zxingcpp.read_barcodes(run_pdf[i].render(scale=4).to_pil()):
            if not code.text.startswith("KG "):
                continue  # a card's scan code
            sequence = int(re.match(r"KG \w+ P(\d{5}) S\d+/\d+", code.text).group(1))
            found.setdefault(sequence, []).append(i + 1)
    assert sorted(found) == list(range(1, 7))  # contiguous, in print order
    for r in rows:
        assert found[int(r["sequence"])][0] == int(r["first_page"]), r
    in_print = [window_lines(out / "print-run.pdf", int(r["first_page"]) - 1) for r in rows]
    assert in_print == [ADDRESSES[r["id"]][0] for r in rows]
    postcodes = [lines[2][:7] for lines in in_print[:5]]
    assert postcodes == sorted(postcodes)


@pytest.mark.parametrize(("data", "encoding"), [
    ("naam;straat\nZoë;Dorpsstraat\n".encode(), "utf-8"),
    ("\ufeffnaam;straat\nZoë;Dorpsstraat\n".encode(), "utf-8-sig"),
    ("naam;straat\nZoë;Dorpsstraat\n".encode("utf-16"), "utf-16"),  # with its byte order mark
    ("\ufeffnaam\tstraat\nZoë\tDorpsstraat\n".encode("utf-16-be"), "utf-16"),
    ("naam;straat\nZoë;Dorpsstraat €\n".encode("cp1252"), "cp1252"),
])
def test_the_encoding_is_found_as_excel_and_libreoffice_write_csv(tmp_path, data, encoding):
    path = tmp_path / "c.csv"
    path.write_bytes(data)
    found, first = sniff(path)
    assert found == encoding and first.strip().lstrip("\ufeff") in ("naam;straat", "naam\tstraat")


@pytest.mark.parametrize(("line", "delimiter"), [
    ("id;naam;straat", ";"), ("id,naam,straat", ","), ("id\tnaam\tstraat", "\t"),
    ('"Naam, voluit";straat;postcode', ";"), ("id", ","),
])
def test_the_delimiter_is_the_one_the_header_has_most_of_outside_quotes(line, delimiter):
    assert delimiter_of(line) == delimiter


@pytest.mark.parametrize(("data", "message"), [
    (b"%PDF-1.7\n%\xe2\xe3\n1 0 obj", "is not text but a PDF file"),
    (b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml", "is not text but a zip file"),
    (bytes(range(256)) * 20, "is not readable text"),
])
def test_a_file_that_is_no_text_is_one_message(tmp_path, data, message):
    path = tmp_path / "klanten.csv"
    path.write_bytes(data)
    result = run("batch", str(path), "--check")
    assert result.exit_code == 2 and result.stderr.startswith(f"{path}: {message}")


@pytest.mark.parametrize(("header", "field"), [
    ("Klantnummer", "id"), ("RELATIENUMMER", "id"), ("Cliëntnummer", "id"), ("Huisnr.", "house_number"),
    ("huis-nummer", "house_number"), ("Huisnummer toevoeging", "addition"), ("Woonplaats", "city"),
    ("Plaats", "city"), ("Grote_letters", "large_print"), ("Tussen voegsel", "prefix"), ("Roepnaam", "first_name"),
    ("Telefoonnummer", "phone"), ("Contactpersoon", "professional"), ("Land", "country"), ("Opmerking", None),
])
def test_dutch_column_names_match_without_regard_to_case_spaces_dots_and_accents(header, field):
    assert COLUMNS.field(header) == field


def test_every_name_in_the_templates_belongs_to_one_field_only():
    assert key("Cliënt-nummer.") == "clientnummer"
    assert len({f for f in COLUMNS.names.values()}) == 22


def test_a_list_s_own_column_names_map_through_a_small_yaml_file(tmp_path):
    clients = tmp_path / "c.csv"
    clients.write_text("Dossier;Naam cliënt;Adresregel;PC;Plaats;Notitie\nD1;Anna Jansen;Weg 1;1234ab;Zwolle;x\n",
                       encoding="utf-8")
    mapping = tmp_path / "kolommen.yaml"
    mapping.write_text("Dossier: klantnummer\nNaam cliënt: naam\nAdresregel: straat\nPC: postcode\n", encoding="utf-8")
    without = run("batch", str(clients), "--check")
    assert without.exit_code == 2 and "lacks the column(s) id, street, postcode;" in without.stderr
    result = run("batch", str(clients), "--check", "--columns", str(mapping), env=DUTCH)
    assert result.exit_code == 0, result.output
    assert ("kolommen: Dossier → klantnummer, Naam cliënt → naam, Adresregel → straat, PC → postcode, "
            "Plaats → woonplaats") in result.stdout
    assert "genegeerde kolommen (kaartgen gebruikt ze niet): Notitie" in result.stdout
    mapping.write_text("Dossier: klantnummer\nPC: postkode\n", encoding="utf-8")
    wrong = run("batch", str(clients), "--check", "--columns", str(mapping))
    assert wrong.exit_code == 2
    assert wrong.stderr.startswith(f"{mapping}:2: the column 'PC' points to a field kaartgen does not know")


@pytest.mark.parametrize(("initials", "first", "prefix", "surname", "name"), [
    ("J.", "", "de", "Vries", "J. de Vries"), ("JA", "", "", "Bakker", "J.A. Bakker"),
    ("j. a.", "", "Van der", "Berg", "J.A. van der Berg"), ("J.", "Jan", "de", "Vries", "Jan de Vries"),
    ("", "", "de", "Vries", "De Vries"), ("", "", "van der", "Meer", "Van der Meer"),
    ("", "", "", "Öztürk", "Öztürk"), ("M.", "", "", "Nguyễn", "M. Nguyễn"),
])
def test_a_name_from_its_parts_is_written_as_dutch_letters_do(initials, first, prefix, surname, name):
    assert full_name(given_part(initials, first), prefix, surname) == name


@pytest.mark.parametrize(("street", "number", "addition", "line", "code"), [
    ("Kerkstraat", "12", "A", "Kerkstraat 12 A", "1234AB12XA"),
    ("Kerkstraat", "12", "2", "Kerkstraat 12-2", "1234AB12X2"),
    ("Kerkstraat", "12", "-3", "Kerkstraat 12-3", "1234AB12X3"),
    ("Kerkstraat", "12", "hs", "Kerkstraat 12 hs", "1234AB12XHS"),
    ("Kerkstraat 12 A", "", "", "Kerkstraat 12 A", "1234AB12XA"),
    ("Kerkstraat 12-2", "", "", "Kerkstraat 12-2", "1234AB12X2"),
    ("Postbus 1234", "", "", "Postbus 1234", "1234AB1234"),
    ("1e Jacob van Campenstraat 8", "", "", "1e Jacob van Campenstraat 8", "1234AB8"),
    ("Hofje zonder nummer", "", "", "Hofje zonder nummer", None),
])
def test_street_number_and_addition_as_written_and_their_kix(street, number, addition, line, code):
    assert street_line(street, number, addition) == line
    assert kix("1234 AB", street, number, addition) == code


def test_bad_parts_are_row_errors_naming_the_list_s_own_column(tmp_path):
    clients = tmp_path / "c.csv"
    clients.write_text("Klantnummer;Achternaam;Straat;Huisnr.;Toevoeging;Postcode;Woonplaats;Datum;Tijd\n"
                       "A1;;Weg;1;;1234 AB;Zwolle;;\n"
                       "A2;Bos;Weg;12a;;1234 AB;Zwolle;;\n"
                       "A3;Bos;Weg;3;*;1234 AB;Zwolle;;\n"
                       "A4;Bos;Weg;4;;12345;Zwolle;;\n"
                       "A5;Bos;Weg;5;;1234 AB;Zwolle;03-12-2026;\n"
                       "A6;Bos;Weg;6;;1234 ab;Zwolle;03-12-2026;10:30\n", encoding="utf-8")
    result = run("batch", str(clients), "--check", "--date", "2026-11-23", env=DUTCH)
    assert result.exit_code == 1
    out = result.stdout
    assert "rijen: 1 goed, 5 fout" in out
    assert "Achternaam: is leeg; vul het in (1 rij: 2)" in out
    assert "Huisnr.: is geen huisnummer" in out and "(1 rij: 3)" in out
    assert "Toevoeging: is geen huisnummertoevoeging" in out
    assert "Postcode: " in out and "(1 rij: 5)" in out
    assert "Tijd: is leeg terwijl de datum of de tijd van het gesprek wel is ingevuld" in out


def test_a_workbook_with_dutch_headers_and_excel_dates_and_times_in_two_columns(tmp_path):
    import datetime

    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Relatienummer", "Roepnaam", "Achternaam", "Straat", "Huisnummer", "Postcode", "Woonplaats",
                  "Datum", "Tijd", "Telefoon"])
    sheet.append(["R1", "Anna", "Jansen", "Weg", 7, "1234AB", "Zwolle", datetime.date(2026, 12, 3),
                  datetime.time(10, 30), "0612345678"])
    sheet["H2"].number_format = "dd-mm-yyyy"
    sheet["I2"].number_format = "hh:mm"
    path = tmp_path / "klanten.xlsx"
    book.save(path)
    listing = read_clients(path, columns=COLUMNS)
    row = next(listing.rows)
    assert row.values["house_number"] == "7" and row.values["phone"] == "0612345678"
    result = run("batch", str(path), "--out", str(tmp_path / "o"), "--date", "2026-11-23")
    assert result.exit_code == 0, result.output
    assert window_lines(tmp_path / "o" / "R1.pdf") == ["Anna Jansen", "Weg 7", "1234 AB ZWOLLE"]
    from pypdf import PdfReader

    letter = PdfReader(tmp_path / "o" / "R1.pdf").pages[0].extract_text()
    assert "3 december 2026" in letter and "10.30" in letter
