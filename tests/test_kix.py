"""PostNL's KIX barcode under a Dutch address in the letter's window: the RM4SCC symbols, and the
bars read back from the letter's PDF by this file's own decoder, where the window lets them be seen."""

from __future__ import annotations

import dataclasses
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from pydantic import ValidationError

from kaartgen.errors import FieldError
from kaartgen.layout.items import Bars, Frame, TextBox
from kaartgen.layout.kix import SYMBOLS, kix_bars
from kaartgen.layout.letter import letter_page
from kaartgen.model.builtin import DEFAULT_TEMPLATES
from kaartgen.model.clients import Client
from kaartgen.model.rows import sample_client
from kaartgen.model.theme import Kix
from kaartgen.model.yamlfile import load_yaml

WHEN = date(2026, 11, 23)
MM = 72 / 25.4

# RM4SCC's symbols as zint (backend/postal.c, RoyalTable) lists them for 0-9 then A-Z, each bar
# written 0 full, 1 ascender, 2 descender, 3 tracker: a public reference, independent of
# kaartgen/layout/kix.py (which builds its table from RM4SCC's row and column rule).
ZINT_ROYAL = ("3300 3210 3201 2310 2301 2211 3120 3030 3021 2130 2121 2031 3102 3012 3003 2112 2103 2013 "
              "1320 1230 1221 0330 0321 0231 1302 1212 1203 0312 0303 0213 1122 1032 1023 0132 0123 0033")
REFERENCE = {char: bars.translate(str.maketrans("0123", "FADT"))
             for char, bars in zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", ZINT_ROYAL.split())}
DECODE = {bars: char for char, bars in REFERENCE.items()}


# -- the symbols -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("char", "bars"), [("0", "TTFF"), ("1", "TDAF"), ("9", "DATF"), ("A", "DADA"),
                                            ("K", "ADDA"), ("X", "FATD"), ("Z", "FFTT")])
def test_known_rm4scc_symbols(char, bars):
    assert SYMBOLS[char] == bars == REFERENCE[char]


def test_the_table_is_rm4scc_s_for_every_character_and_only_those():
    assert SYMBOLS == REFERENCE
    for bars in SYMBOLS.values():  # two bars reach up and two down in every symbol
        assert sum(b in "FA" for b in bars) == 2 and sum(b in "FD" for b in bars) == 2
    assert kix_bars("1234AB12XA") == list("".join(REFERENCE[c] for c in "1234AB12XA"))
    assert kix_bars("") == []


@pytest.mark.parametrize("code", ["1234ab12", "1234 AB12", "1234AB12-A", "1234AB12XÉ", "1234AB１2"])
def test_anything_but_capitals_and_digits_is_refused_naming_the_character_not_the_value(code):
    with pytest.raises(FieldError) as caught:
        kix_bars(code)
    assert caught.value.code == "letter.kix_char" and caught.value.field == "street"
    assert caught.value.params["point"].startswith("U+") and code not in caught.value.message


# -- the template's dimensions ---------------------------------------------------------------------

GOOD = {"bar_width": "0.5mm", "pitch": "1.15mm", "tracker": "1.3mm", "ascender": "1.85mm", "clear": "2mm",
        "colour": "mark"}


@pytest.mark.parametrize(("key", "value", "code"), [
    ("bar_width", "0.3mm", "template.kix_range"), ("pitch", "1.4mm", "template.kix_range"),
    ("pitch", "1mm", "template.kix_range"), ("tracker", "2mm", "template.kix_range"),
    ("ascender", "3mm", "template.kix_range"), ("ascender", "1mm", "template.kix_range"),
    ("clear", "1mm", "template.kix_clear")])
def test_dimensions_outside_rm4scc_s_ranges_are_refused(key, value, code):
    Kix.model_validate(GOOD)
    with pytest.raises(ValidationError) as caught:
        Kix.model_validate({**GOOD, key: value})
    assert [e["type"] for e in caught.value.errors()] == [code]


def test_a_window_too_low_for_a_dutch_address_with_its_kix_is_a_template_error(templates_copy):
    from kaartgen.errors import KaartgenError
    from kaartgen.model.loading import load_theme

    letter = templates_copy / "letter.yaml"
    letter.write_text(letter.read_text(encoding="utf-8").replace("height: 45mm", "height: 28mm"), encoding="utf-8")
    with pytest.raises(KaartgenError) as caught:
        load_theme(templates_copy)
    assert "a Dutch address with its KIX does not fit the envelope window" in str(caught.value)


# -- the letters: bars read back from the PDF ------------------------------------------------------

def _window_mm() -> dict[str, float]:
    look = load_yaml(DEFAULT_TEMPLATES / "letter.yaml").data["letter"]["window"]
    numbers = {k: float(str(look[k]).removesuffix("mm")) for k in ("top", "left", "width", "height", "inset")}
    numbers.update({f"kix_{k}": float(str(v).removesuffix("mm")) for k, v in look["kix"].items() if k != "colour"})
    return numbers


@cache
def _edition(large: bool):
    from kaartgen.engine import Library

    return Library().edition("nl", "standaard", large, "office")


def _client(street: str, postcode: str, city: str, kix: str | None, country: str | None = None) -> Client:
    base = sample_client(_edition(False).card_set)
    return dataclasses.replace(base, id="K1", name="Maria van den Heuvel", street=street, postcode=postcode, city=city,
                               country=country, kix=kix)


DUTCH = [
    _client("Kerkstraat 12", "1234 AB", "Utrecht", "1234AB12"),  # postcode and house number
    _client("Laan van Meerdervoort 201 A", "2563 AB", "Den Haag", "2563AB201XA"),  # a letter as addition
    _client("Noordsingel 44-3", "3035 EJ", "Rotterdam", "3035EJ44X3"),  # a number as addition
    _client("Postbus 58285", "1040 HG", "Amsterdam", "1040HG58285"),  # a PO box: its number
    _client("Hoofdweg 99999 H2bis", "9999 ZZ", "Zoutkamp", "9999ZZ99999XH2BIS"),  # the longest the BAG allows
]


def _letter_pdf(client: Client, large: bool, tmp_path: Path, kix: bool = True) -> Path:
    """The client's letter, made by the engine (or by letter_page with `kix` off), as a PDF."""
    from kaartgen.render.pdf import render_pdf

    edition = _edition(large)
    if kix:
        pages = edition.client_pages(client, WHEN)[:1]
    else:
        cs = edition.card_set
        pages = [letter_page(edition._maker(client.personal).ts, cs.letter, cs.info, client, WHEN, kix=False)]
    path = tmp_path / f"{client.id}-{int(large)}-{int(kix)}.pdf"
    path.write_bytes(render_pdf(pages, edition.theme, edition.pdf_fmt, "kix", "letter", edition.fonts))
    return path


def _filled_rects(pdf: Path) -> list[tuple[float, float, float, float]]:
    """Every rectangle the first page fills ('re' then 'f'), as (left, top, right, bottom) in mm from
    the page's top-left corner: read from the content stream's operators, with the transformations
    in force (q, Q, cm)."""
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    reader = PdfReader(pdf)
    page = reader.pages[0]
    height = float(page.mediabox.height)
    ctm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    stack = []
    pending: list[tuple[float, float, float, float]] = []
    out = []

    def apply(m, x, y):
        return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]

    for operands, op in ContentStream(page.get_contents(), reader).operations:
        if op == b"q":
            stack.append(ctm)
        elif op == b"Q":
            ctm = stack.pop()
        elif op == b"cm":
            a, b, c, d, e, f = (float(v) for v in operands)
            m = ctm
            ctm = (a * m[0] + b * m[2], a * m[1] + b * m[3], c * m[0] + d * m[2], c * m[1] + d * m[3],
                   e * m[0] + f * m[2] + m[4], e * m[1] + f * m[3] + m[5])
        elif op == b"re":
            x, y, w, h = (float(v) for v in operands)
            xs, ys = zip(*(apply(ctm, px, py) for px, py in ((x, y), (x + w, y), (x, y + h), (x + w, y + h))))
            pending.append((min(xs), max(ys), max(xs), min(ys)))
        elif op in (b"f", b"F", b"f*"):
            out += [(left / MM, (height - top) / MM, right / MM, (height - bottom) / MM)
                    for left, top, right, bottom in pending]
            pending = []
        elif op in (b"S", b"s", b"n", b"B", b"B*", b"b", b"b*"):
            pending = []
    return out


def _read_kix(rects: list[tuple[float, float, float, float]]) -> tuple[str, dict[str, float]]:
    """The KIX the bars spell: each bar classified by whether it reaches above and below the
    tracker (the band every bar covers), four bars a character, left to right; and the measured
    bar width, pitch, tracker and full height in mm."""
    bars = sorted(rects)
    tracker_top, tracker_bottom = max(r[1] for r in bars), min(r[3] for r in bars)  # in mm from the top
    eps = 0.05
    states = ["F" if up and down else "A" if up else "D" if down else "T"
              for r in bars for up, down in [(r[1] < tracker_top - eps, r[3] > tracker_bottom + eps)]]
    assert len(states) % 4 == 0, states
    text = "".join(DECODE["".join(states[i:i + 4])] for i in range(0, len(states), 4))
    measured = {
        "width": max(r[2] - r[0] for r in bars),
        "pitch": (bars[-1][0] - bars[0][0]) / (len(bars) - 1),
        "tracker": tracker_bottom - tracker_top,
        "full": max(r[3] for r in bars) - min(r[1] for r in bars),
    }
    return text, measured


def _objects(pdf: Path) -> list[tuple[str, tuple[float, float, float, float]]]:
    """(kind, bounds in mm from the top-left) of every object drawn on the first page, by pdfium."""
    import pypdfium2 as pdfium
    from pypdfium2 import raw

    page = pdfium.PdfDocument(pdf)[0]
    height = page.get_height()
    out = []
    for obj in page.get_objects(max_depth=5):
        left, bottom, right, top = obj.get_bounds()
        kind = "text" if obj.type == raw.FPDF_PAGEOBJ_TEXT else "path" if obj.type == raw.FPDF_PAGEOBJ_PATH else "other"
        out.append((kind, (left / MM, (height - top) / MM, right / MM, (height - bottom) / MM)))
    return out


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large-print"])
def test_the_kix_read_back_from_each_letter_is_the_client_s_and_lies_clear_in_the_window(large, tmp_path):
    n = _window_mm()
    inner = (n["left"] + n["inset"], n["top"] + n["inset"],
             n["left"] + n["width"] - n["inset"], n["top"] + n["height"] - n["inset"])
    clear = n["kix_clear"]
    for client in DUTCH:
        pdf = _letter_pdf(client, large, tmp_path)
        rects = _filled_rects(pdf)
        text, measured = _read_kix(rects)
        assert text == client.kix
        assert len(rects) == 4 * len(client.kix)  # the bars are the only filled rectangles of the letter
        assert measured["width"] == pytest.approx(n["kix_bar_width"], abs=0.01)
        assert measured["pitch"] == pytest.approx(n["kix_pitch"], abs=0.01)
        assert measured["tracker"] == pytest.approx(n["kix_tracker"], abs=0.01)
        assert measured["full"] == pytest.approx(n["kix_tracker"] + 2 * n["kix_ascender"], abs=0.01)
        box = (min(r[0] for r in rects), min(r[1] for r in rects), max(r[2] for r in rects), max(r[3] for r in rects))
        assert box[0] == pytest.approx(inner[0], abs=0.01)  # left-aligned with the address lines
        zone = (box[0] - clear, box[1] - clear, box[2] + clear, box[3] + clear)
        # the bars inside the window's inset, and their clear zone too, but on the left, where the
        # bars line up with the address and their clear zone lies in the inset
        assert inner[0] - 1e-3 <= box[0] and zone[2] <= inner[2] + 1e-3, (box, inner)
        assert inner[1] - 1e-3 <= zone[1] and zone[3] <= inner[3] + 1e-3, (zone, inner)
        objects = _objects(pdf)
        texts = [b for kind, b in objects if kind == "text" and _overlaps(b, (inner[0], inner[1], inner[2], box[1]))]
        assert len(texts) >= 4 and max(b[3] for b in texts) <= zone[1] + 1e-3  # the address ends above the zone
        bar_objects = [b for _, b in objects if box[0] - 0.01 <= b[0] and b[2] <= box[2] + 0.01
                       and box[1] - 0.01 <= b[1] and b[3] <= box[3] + 0.01]
        assert len(bar_objects) == len(rects)
        others = [(kind, b) for kind, b in objects if b not in bar_objects and _overlaps(b, zone)]
        assert others == [], (client.kix, others)


def test_no_bars_for_a_foreign_address_nor_with_kix_off_and_those_letters_are_as_before(tmp_path):
    foreign = _client("Rue de la Loi 16", "1000", "Bruxelles", None, country="België")
    assert _filled_rects(_letter_pdf(foreign, False, tmp_path)) == []
    dutch = DUTCH[1]
    off = _letter_pdf(dutch, False, tmp_path, kix=False)
    assert _filled_rects(off) == []
    unknown = dataclasses.replace(dutch, id="K2", kix=None)  # a Dutch address without a KIX: the letter as before
    from pypdf import PdfReader

    def stream(path: Path) -> bytes:
        return PdfReader(path).pages[0].get_contents().get_data()

    assert stream(off) == stream(_letter_pdf(unknown, False, tmp_path))
    edition = _edition(False)
    cs = edition.card_set
    ts = edition._maker(dutch.personal).ts
    with_bars = letter_page(ts, cs.letter, cs.info, dutch, WHEN).items
    without = letter_page(ts, cs.letter, cs.info, dutch, WHEN, kix=False).items

    def drawn(item: object) -> object:  # a paragraph compares by identity: its text stands for it
        return (item.x, item.y, item.w, item.h, item.para.text) if isinstance(item, TextBox) else item

    assert [drawn(i) for i in with_bars if not isinstance(i, Bars)] == [drawn(i) for i in without]
    assert sum(isinstance(i, Bars) for i in with_bars) == 1


def test_a_kix_too_long_for_the_window_or_with_a_wrong_character_is_an_error_for_the_row():
    edition = _edition(False)
    cs = edition.card_set
    too_long = _client("Hoofdweg 99999 H2bis", "9999 ZZ", "Zoutkamp", "9999ZZ99999XH2BISAB")
    with pytest.raises(FieldError) as caught:
        letter_page(edition._maker(too_long.personal).ts, cs.letter, cs.info, too_long, WHEN)
    assert caught.value.code == "letter.kix_wide" and caught.value.field == "street"
    # 19 characters: 76 bars of 0.5 mm, 1.15 mm apart, and the 2 mm clear zone, in a window 81 mm wide inside its inset
    assert float(caught.value.params["mm"]) == pytest.approx(75 * 1.15 + 0.5 + 2 - 81, abs=0.06)
    assert "KIX barcode is" in caught.value.message and "too long for the envelope window" in caught.value.message
    wrong = _client("Kerkstraat 12", "1234 AB", "Utrecht", "1234ab12")
    with pytest.raises(FieldError) as caught:
        letter_page(edition._maker(wrong.personal).ts, cs.letter, cs.info, wrong, WHEN)
    assert caught.value.code == "letter.kix_char" and "U+0061" in caught.value.message


def test_the_envelope_check_frames_where_the_kix_goes(tmp_path):
    n = _window_mm()
    full = (n["kix_tracker"] + 2 * n["kix_ascender"]) * MM
    for large in (False, True):
        page, = _edition(large).envelope_check(WHEN)
        frames = [i for i in page.items if isinstance(i, Frame) and i.rect.h == pytest.approx(full)]
        assert len(frames) == 1
        r = frames[0].rect
        top = page.height - r.y - r.h  # from the page's top, in points
        assert r.x == pytest.approx((n["left"] + n["inset"]) * MM)
        assert top + r.h + n["kix_clear"] * MM <= (n["top"] + n["height"] - n["inset"]) * MM
        letter = _letter_pdf(DUTCH[0], large, tmp_path)  # the frame is where a letter's bars are
        box_top = min(rect[1] for rect in _filled_rects(letter))
        assert top / MM == pytest.approx(box_top, abs=0.01)


def test_a_second_reader_zxing_reads_the_kix_if_it_can(tmp_path):
    from importlib.metadata import version

    import pypdfium2 as pdfium
    import zxingcpp

    fmt = next((getattr(zxingcpp.BarcodeFormat, name) for name in ("KIXCode", "KIX", "KixCode", "RM4SCC")
                if hasattr(zxingcpp.BarcodeFormat, name)), None)
    if fmt is None:
        pytest.skip(f"zxing-cpp {version('zxing-cpp')} has no KIX/RM4SCC reader "
                    "(zxingcpp.BarcodeFormat has no KIX member); the decoder above is the only reader")
    for client in DUTCH[:2]:
        pdf = _letter_pdf(client, False, tmp_path)
        image = pdfium.PdfDocument(pdf)[0].render(scale=600 / 72).to_pil()
        found = [r.text for r in zxingcpp.read_barcodes(image, formats=fmt)]
        assert client.kix in found


def test_a_mailing_prints_each_dutch_client_s_kix_as_the_list_gives_the_address_and_none_abroad(tmp_path):
    """Through `kaartgen batch`: the list's reading makes the KIX, the letter draws it, the part is
    joined into the client's file; the decoder reads it back from that file."""
    from tests.conftest import run

    clients = tmp_path / "c.csv"
    clients.write_text("id,name,street,postcode,city,country,large_print\n"
                       "A1,Ann de Vries,Kerkstraat 12,1234 AB,Utrecht,,nee\n"
                       "B2,Bo Jansen,Laan van Meerdervoort 201 A,2563 AB,Den Haag,,ja\n"
                       "C3,Cor Smit,Noordsingel 44-3,3035 EJ,Rotterdam,,nee\n"
                       "D4,Dirk Bos,Postbus 58285,1040 HG,Amsterdam,,ja\n"
                       "E5,Eva Mol,Rue de la Loi 16,1000,Bruxelles,België,nee\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("batch", str(clients), "--out", str(out), "--date", WHEN.isoformat(), "--jobs", "1")
    assert result.exit_code == 0, result.output
    expected = {"A1": "1234AB12", "B2": "2563AB201XA", "C3": "3035EJ44X3", "D4": "1040HG58285", "E5": None}
    for cid, kix in expected.items():
        rects = _filled_rects(out / f"{cid}.pdf")
        assert (_read_kix(rects)[0] if rects else None) == kix, cid
