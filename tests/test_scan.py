"""Paper answers back: the printed fill-in cards carry corner dots and a 2D code, and `kaartgen scan`
reads synthetic scans of filled cards (tests/scansynth.py: ticks, crosses, filled boxes, circles,
crossed-out ticks, handwriting; 1–4 cut cards a page at any place and turn; 150–300 dpi, blur, noise,
uneven light, JPEG) back into the web-page pack's answers, never reporting a wrong answer as certain."""

from __future__ import annotations

import io
import json
import random
import shutil
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from kaartgen.engine import Library
from kaartgen.engine.scan import Scanner
from kaartgen.model.answers import schema
from kaartgen.model.builtin import DEFAULT_CONTENT, DEFAULT_TEMPLATES
from kaartgen.model.scancode import parse
from kaartgen.model.text import Personal
from tests import scansynth
from tests.conftest import run


def _codes(pdf: bytes, scale: float = 3) -> list[list[str]]:
    document = pypdfium2.PdfDocument(pdf)
    return [[c.text for c in zxingcpp.read_barcodes(document[i].render(scale=scale).to_pil(),
                                                    formats=zxingcpp.BarcodeFormat.DataMatrix)]
            for i in range(len(document))]


@pytest.fixture(scope="module")
def library() -> Library:
    return Library()


def test_every_printed_fill_in_side_names_its_set_card_side_and_reference_and_no_domain_card_has_one(library):
    edition = library.edition("nl", "standaard", False, "cards")
    found = _codes(edition.pack(Personal(reference="K-0042")))
    sides = [(c + 1, s + 1, card.kind) for c, card in enumerate(edition.generic) for s in range(len(card.sides))]
    assert len(found) == len(sides)
    for (card, side, kind), codes in zip(sides, found, strict=True):
        if kind != "fill-in":
            assert codes == [], (card, side)
            continue
        assert len(codes) == 1, (card, side)
        scan_id = parse(codes[0])
        assert scan_id is not None and (scan_id.set, scan_id.size, scan_id.card, scan_id.side, scan_id.reference) == (
            "nl/standaard", "a6", card, side, "K-0042")
        assert scan_id.version == edition.texts_version
        assert "Zo" not in codes[0]  # never personal data: only the reference


def test_large_print_and_office_sheets_carry_codes_and_digital_and_no_scan_marks_do_not(library, tmp_path):
    large = _codes(library.edition("nl", "eenvoudig", True, "cards").pack(), 2)
    assert [parse(c[0]).size for c in large if c] == ["a5"] * 12  # type: ignore[union-attr]
    office = _codes(library.edition("en", "standaard", False, "office").pack(Personal(reference="R1")), 3)
    assert sorted(parse(c).card for page in office for c in page) == sorted([1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6])  # type: ignore[union-attr]
    assert _codes(library.edition("nl", "standaard", False, "digital").pack(), 2) == [[]] * 22
    result = run("build", "--format", "cards", "--no-scan-marks", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert _codes(Path(result.output.split()[-1]).read_bytes(), 2) == [[]] * 22


def test_batch_packs_carry_each_client_s_reference_in_the_code_and_no_scan_marks_leaves_it_off(tmp_path):
    clients = tmp_path / "c.csv"
    clients.write_text("id,name,street,postcode,city\nA1,Ann Smit,Weg 1,1234 AB,Zwolle\n", encoding="utf-8")
    assert run("batch", str(clients), "--out", str(tmp_path / "out"), "--jobs", "1").exit_code == 0
    texts = [t for page in _codes((tmp_path / "out" / "A1.pdf").read_bytes()) for t in page if t.startswith("KG1")]
    assert len(texts) == 12 and all(parse(t).reference == "A1" for t in texts)  # type: ignore[union-attr]
    assert run("batch", str(clients), "--out", str(tmp_path / "plain"), "--jobs", "1", "--no-scan-marks").exit_code == 0
    assert not [t for page in _codes((tmp_path / "plain" / "A1.pdf").read_bytes()) for t in page if t.startswith("KG1")]


def test_a_scan_mark_on_text_is_a_lint_error_naming_the_side_and_the_template_key(tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(DEFAULT_TEMPLATES, templates)
    card = templates / "card.yaml"
    card.write_text(card.read_text(encoding="utf-8").replace("  inset: 7mm ", "  inset: 14mm"), encoding="utf-8")
    result = run("lint", "--templates", str(templates))
    assert result.exit_code == 1
    assert "side 1: a scan mark (13.0 mm from the left, 13.0 mm from the top) touches text" in result.output
    assert "templates/card.yaml scan_marks" in result.output


def test_a_scanned_pack_reads_into_a_summary_with_the_handwriting_as_pictures(library, tmp_path):
    rng = random.Random(7)
    filled = scansynth.filled_pack(library, "K-0042", rng)
    pages = [scansynth.page_of(filled[i:i + 2], rng, dpi=200) for i in range(0, len(filled), 2)]
    for i, data in enumerate(pages):
        (tmp_path / f"scan{i}.jpg").write_bytes(data)
    result = run("scan", str(tmp_path), "--out", str(tmp_path / "answers"))
    assert result.exit_code == 0, result.output
    saved = json.loads((tmp_path / "answers" / "scan-K-0042.json").read_text(encoding="utf-8"))
    from jsonschema import Draft202012Validator

    assert not list(Draft202012Validator(schema()).iter_errors(saved))  # the web-page pack's format
    assert saved["reference"] == "K-0042" and len(saved["scan"]["sides"]) == 12
    truth = {k: v for card in filled for k, v in card.truth.items()}
    for name, value in saved["answers"].items():
        if name in truth and truth[name] != scansynth.CROSSED:
            assert value == truth[name], name
    pictures = saved["scan"]["handwriting"]
    assert pictures and all((tmp_path / "answers" / f).read_bytes().startswith(b"\x89PNG") for f in pictures.values())

    read = run("read", str(tmp_path / "answers" / "scan-K-0042.json"), "--out", str(tmp_path / "summary"))
    assert read.exit_code == 0, read.output
    pdf = PdfReader(tmp_path / "summary" / "samenvatting-K-0042.pdf")
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Handgeschreven op de kaart (scan)" in text and "kenmerk K-0042" in text
    images = sum(len(page.images) for page in pdf.pages)
    assert images == len(pictures) + len(saved["scan"]["uncertain"])

    direct = run("read", str(tmp_path / "scan0.jpg"), "--out", str(tmp_path / "direct"))  # a scan read at once
    assert direct.exit_code == 0, direct.output
    assert json.loads((tmp_path / "direct" / "samenvatting-K-0042.json").read_text())["channel"] == "scan"


def test_cards_printed_from_other_texts_are_not_compared_and_the_professional_is_told(library, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT, content)
    cards = content / "nl" / "standaard" / "cards.yaml"
    cards.write_text(cards.read_text(encoding="utf-8").replace("Hoe zie ik mijn situatie?", "Hoe zie ik mijn leven?"),
                     encoding="utf-8")
    other = scansynth.filled_pack(Library(content, DEFAULT_TEMPLATES), "K-7", random.Random(3))
    (tmp_path / "scan.png").write_bytes(scansynth.page_of(other[2:3], random.Random(4), jpeg=None))
    result = run("scan", str(tmp_path / "scan.png"), "--out", str(tmp_path / "answers"))
    assert result.exit_code == 1
    assert "printed from other texts" in result.stderr and "page 1" in result.stderr


@pytest.mark.parametrize("data, message", [
    (b"not a picture at all", "is not a scan kaartgen can read"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "is not a scan kaartgen can read"),
])
def test_a_file_that_is_no_scan_is_one_clear_message(tmp_path, data, message):
    (tmp_path / "x.png").write_bytes(data)
    result = run("scan", str(tmp_path / "x.png"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2 and message in result.stderr and not (tmp_path / "out").exists()


def test_a_picture_too_large_to_decode_is_refused_before_it_is_decoded(tmp_path):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (9000, 9000)).save(buffer, "PNG")  # 81 million pixels, a few kB
    (tmp_path / "big.png").write_bytes(buffer.getvalue())
    result = run("scan", str(tmp_path / "big.png"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2 and "page 1 is too large to read" in result.stderr


def test_evaluate_counts_scanned_packs_as_their_own_channel(library, tmp_path):
    rng = random.Random(11)
    folder = tmp_path / "antwoorden"
    folder.mkdir()
    chosen = 0
    scanner = Scanner(library)
    for n in range(12):  # a channel of fewer than 10 packs would be hidden
        card3 = scansynth.filled_pack(library, f"E-{n:03d}", rng, only={(3, 1)})[0]
        result = scanner.scan([(Path("s.png"), scansynth.page_of([card3], rng, dpi=200, jpeg=None))])
        pack = result.packs[0]
        chosen += bool(pack.answers.get("beeld.beschrijving")) or "beeld.beeld_toelichting" in pack.images
        for name, data in pack.files(f"scan-E-{n:03d}"):
            (folder / name).write_bytes(data)
    made = run("evaluate", str(folder), "--out", str(tmp_path / "evaluatie"))
    assert made.exit_code == 0, made.output
    tables = json.loads((tmp_path / "evaluatie" / "evaluation.json").read_text(encoding="utf-8"))["tables"]
    progress = next(t for t in tables if t["id"] == "progress")
    assert [(c["id"], c["label"]) for c in progress["columns"]] == [("scan", "gescande kaarten")]
    card3 = next(r for r in progress["rows"] if r["id"] == "beeld")
    assert card3["cells"][0] == {"count": chosen, "status": "shown"} and chosen >= 6


def test_large_print_and_right_to_left_cards_are_read_too(library):
    rng = random.Random(3)
    scanner = Scanner(library)
    large = scansynth.filled_pack(library, "L-1", rng, large=True, only={(3, 1)})[0]
    large.truth["beeld.beschrijving"] = large.truth.get("beeld.beschrijving") or ""
    read = scanner.scan([(Path("a5.png"), scansynth.page_of([large], rng, dpi=200, jpeg=85))])
    side = read.packs[0].sides[0]
    assert (side.scan_id.size, side.scan_id.card) == ("a5", 3)
    assert scansynth.compare(large.truth, side.answers, set(side.uncertain))[2] == 0

    edition = library.edition("ar", "standaard", False, "cards")  # mirrored: the boxes at the right
    document = pypdfium2.PdfDocument(edition.pack(Personal(reference="AR-1")))
    layout = edition.generic[3].sides[0]
    image = scansynth.np.array(document[6].render(scale=scansynth.DRAW_DPI / 72, grayscale=True).to_pil().convert("L"))
    boxes = [f for f in layout.items if isinstance(f, scansynth.Field) and f.kind == "checkbox"]
    scansynth._mark_box(image, boxes[0], edition.theme.card.height, "tick", rng)
    card = scansynth.Card(image, 4, 1, {boxes[0].name: True, **{b.name: False for b in boxes[1:]}})
    read = scanner.scan([(Path("ar.png"), scansynth.page_of([card], rng, dpi=200, jpeg=85))])
    side = read.packs[0].sides[0]
    assert side.scan_id.set == "ar/standaard" and side.scan_id.reference == "AR-1"
    assert {b.name: side.answers[b.name] for b in boxes} == card.truth


def test_saved_scan_answers_open_only_png_pictures_beside_them(tmp_path):
    from PIL import Image

    def png(shade: int) -> bytes:
        buffer = io.BytesIO()
        Image.new("L", (200, 40), shade).save(buffer, "PNG")
        return buffer.getvalue()

    folder = tmp_path / "antwoorden"
    folder.mkdir()
    (tmp_path / "outside.png").write_bytes(png(10))  # not beside the JSON: never opened
    (folder / "beside.png").write_bytes(png(20))
    (folder / "fake.png").write_bytes(b"not a png at all")
    saved = {"kaartgen": "answers", "set": "nl/standaard", "reference": "P-1",
             "answers": {"situatie.situatie": "", "verder.doel": "", "verder.hulp": ""},
             "scan": {"sides": [], "uncertain": {},
                      "handwriting": {"situatie.situatie": "beside.png", "verder.doel": "../outside.png",
                                      "verder.hulp": "fake.png"}}}
    (folder / "scan-P-1.json").write_text(json.dumps(saved), encoding="utf-8")
    result = run("read", str(folder / "scan-P-1.json"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    pdf = PdfReader(tmp_path / "out" / "samenvatting-P-1.pdf")
    assert sum(len(page.images) for page in pdf.pages) == 1  # only the PNG beside the JSON
    summary = json.loads((tmp_path / "out" / "samenvatting-P-1.json").read_text(encoding="utf-8"))
    handwriting = [a["field"] for c in summary["cards"] for a in c["answers"] if a.get("handwriting")]
    assert handwriting == ["situatie.situatie"] and summary["channel"] == "scan"


def test_a_scanner_s_multi_page_pdf_and_tiff_are_read_and_a_blank_page_says_no_cards(library, tmp_path):
    from PIL import Image

    rng = random.Random(9)
    cards = scansynth.filled_pack(library, "M-1", rng, only={(4, 1), (5, 1)})
    pages = [Image.open(io.BytesIO(scansynth.page_of([card], rng, dpi=200, jpeg=85))).convert("L") for card in cards]
    copies = [page.copy() for page in pages]  # an image saved as PDF keeps that writer's settings
    pages[0].save(tmp_path / "scan.pdf", "PDF", save_all=True, append_images=pages[1:], resolution=200)
    copies[0].save(tmp_path / "scan.tif", save_all=True, append_images=copies[1:], dpi=(200, 200))
    for name in ("scan.pdf", "scan.tif"):
        result = run("scan", str(tmp_path / name), "--out", str(tmp_path / name.replace(".", "-")))
        assert result.exit_code == 0, result.output
        saved = json.loads((tmp_path / name.replace(".", "-") / "scan-M-1.json").read_text(encoding="utf-8"))
        assert [(s["card"], s["side"], s["page"]) for s in saved["scan"]["sides"]] == [(4, 1, 1), (5, 1, 2)]
    seen: list[tuple[int, int]] = []  # progress: pages done, pages in all (the files counted first)
    Scanner(library).scan([(tmp_path / "scan.pdf", None), (tmp_path / "scan.tif", None)], lambda *a: seen.append(a))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    Image.new("L", (1654, 2339), 250).save(tmp_path / "blank.png", dpi=(200, 200))
    result = run("read", str(tmp_path / "blank.png"), "--out", str(tmp_path / "none"))
    assert result.exit_code == 2 and "holds no kaartgen fill-in card" in result.stderr


def test_read_takes_a_scanner_s_pdf_of_one_client_s_cards(library, tmp_path):
    from PIL import Image

    rng = random.Random(12)
    cards = scansynth.filled_pack(library, "R-1", rng, only={(2, 1), (3, 1)})
    page = Image.open(io.BytesIO(scansynth.page_of(cards, rng, dpi=200, jpeg=85))).convert("L")
    page.save(tmp_path / "scan.pdf", "PDF", resolution=200)
    result = run("read", str(tmp_path / "scan.pdf"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "out" / "samenvatting-R-1.json").read_text(encoding="utf-8"))
    assert summary["channel"] == "scan" and summary["reference"] == "R-1"


def test_a_description_marked_with_a_highlighter_is_never_read_as_none_or_as_another(library):
    """A highlighter is too light to count as ink: its tint alone makes card 3 uncertain."""
    edition = library.edition("nl", "standaard", False, "cards")
    document = pypdfium2.PdfDocument(edition.pack(Personal(reference="H-1")))
    index = sum(len(c.sides) for c in edition.generic[:2])  # card 3, side 1
    blank = scansynth.np.array(document[index].render(scale=scansynth.DRAW_DPI / 72, grayscale=True).to_pil().convert("L"))
    options = [f for f in edition.generic[2].sides[0].items if isinstance(f, scansynth.Field) and f.kind == "radio"]
    k, height = scansynth.DRAW_DPI / 72, edition.theme.card.height
    scanner = Scanner(library)
    for option in options[1:4]:
        image = blank.copy()
        a = option.area
        x0, y0 = int((a.x + 14 * 72 / 25.4) * k), int((height - a.y - a.h) * k + 15)  # over the text, not the letter
        x1, y1 = int((a.x + a.w) * k - 20), int((height - a.y) * k - 15)
        image[y0:y1, x0:x1] = (image[y0:y1, x0:x1] * 0.86).astype("uint8")  # yellow, as a grey scan sees it
        page = scansynth.page_of([scansynth.Card(image, 3, 1)], random.Random(1), dpi=200, jpeg=85)
        side = scanner.scan([(Path("h.jpg"), page)]).packs[0].sides[0]
        assert "beeld.beschrijving" in side.uncertain and "beeld.beschrijving" not in side.answers, option.value


def test_a_pack_kaartgen_made_beside_the_scans_is_left_out_and_domain_cards_are_no_warning(library, tmp_path):
    rng = random.Random(21)
    card = scansynth.filled_pack(library, "W-0007", rng, only={(4, 1)})[0]
    (tmp_path / "scan.png").write_bytes(scansynth.page_of([card], rng, dpi=200, jpeg=None))
    printed = library.edition("nl", "standaard", False, "cards")
    (tmp_path / "pak.pdf").write_bytes(printed.pack(Personal(reference="W-0007")))  # the blank cards, as built
    result = run("scan", str(tmp_path), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1 and "pak.pdf: is a pack kaartgen made, not a scan; it was left out" in result.stderr
    saved = json.loads((tmp_path / "out" / "scan-W-0007.json").read_text(encoding="utf-8"))
    truth = {k: v for k, v in card.truth.items() if v != scansynth.CROSSED and k not in saved["scan"]["uncertain"]}
    assert {k: saved["answers"][k] for k in truth} == truth  # the client's ticks, not the blank pack's

    document = pypdfium2.PdfDocument(printed.pack())
    domain_back = scansynth.np.array(document[13].render(scale=scansynth.DRAW_DPI / 72, grayscale=True).to_pil()
                                     .convert("L"))  # round bullets, no scan marks
    page = scansynth.page_of([card, scansynth.Card(domain_back, 0, 0)], rng, dpi=150, jpeg=85)
    result = Scanner(library).scan([(Path("p.jpg"), page)])
    assert not result.notes and len(result.packs[0].sides) == 1
