"""The print shop's job ticket: what the shop PDF holds, read back from the PDF itself.

A shop that imposes the cards on its own sheets needs to know which page is which card and side,
the trim and bleed, the stock and printing condition, which CMYK colours and fonts the file uses,
and how many pages there are. The colours and fonts are read from the finished PDF, not from the
templates, so the ticket cannot claim what the file does not hold.
"""

from __future__ import annotations

import hashlib
import io
import re
from typing import TYPE_CHECKING, Any

from kaartgen import __version__
from kaartgen.layout.imposition import Page
from kaartgen.model.theme import Theme
from kaartgen.model.units import to_mm

if TYPE_CHECKING:
    from pypdf import PdfReader

CMYK_OPERATOR = re.compile(rb"(?<![\w.])(\d*\.?\d+) (\d*\.?\d+) (\d*\.?\d+) (\d*\.?\d+) [kK]\b")
SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")


def _streams(reader: PdfReader) -> list[bytes]:
    """Every content stream of the file: pages and the form XObjects they draw (once each)."""
    out, seen = [], set()
    todo = []
    for page in reader.pages:
        contents = page.get_contents()
        out.append(contents.get_data() if contents is not None else b"")
        todo.append(page.get("/Resources"))
    while todo:
        resources = todo.pop()
        resources = resources.get_object() if resources is not None else None
        if not resources or "/XObject" not in resources:
            continue
        for ref in resources["/XObject"].values():
            key = getattr(ref, "idnum", id(ref))
            if key in seen:
                continue
            seen.add(key)
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Form":
                out.append(xobject.get_data())
                todo.append(xobject.get("/Resources"))
    return out


def _fonts(reader: PdfReader) -> list[dict[str, Any]]:
    found: dict[str, bool] = {}
    for page in reader.pages:
        resources = page.get("/Resources")
        stack = [resources.get_object()] if resources is not None else []
        while stack:
            res = stack.pop()
            for font in (res.get("/Font") or {}).values():
                font = font.get_object()
                described = font
                if font.get("/Subtype") == "/Type0":
                    described = font["/DescendantFonts"][0].get_object()
                descriptor = described.get("/FontDescriptor")
                descriptor = descriptor.get_object() if descriptor is not None else {}
                embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                name = SUBSET_TAG.sub("", str(font.get("/BaseFont", "?"))[1:])
                found[name] = found.get(name, True) and embedded
            for xobject in (res.get("/XObject") or {}).values():
                inner = xobject.get_object().get("/Resources")
                if inner is not None:
                    stack.append(inner.get_object())
    return [{"name": name, "embedded": embedded} for name, embedded in sorted(found.items())]


def _colours(reader: PdfReader, theme: Theme) -> list[dict[str, Any]]:
    """The CMYK colours the file paints with, by their name in templates/colours.yaml."""
    named = {tuple(round(v / 100, 4) for v in c.cmyk): name for name, c in theme.colours.items()}
    used = set()
    for data in _streams(reader):
        for match in CMYK_OPERATOR.finditer(data):
            used.add(tuple(round(float(v), 4) for v in match.groups()))
    rows = [{"name": named.get(values, "?"), "cmyk": [round(v * 100, 2) for v in values]} for values in used]
    return sorted(rows, key=lambda r: (r["name"], r["cmyk"]))


def shop_ticket(pdf: bytes, file_name: str, pages: list[Page], theme: Theme, set_name: str,
                side_words: tuple[str, str], stock: str | None, intent: str | None) -> dict[str, Any]:
    """The job ticket of a shop PDF, as data (written as JSON, and drawn as the ticket PDF)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    first = pages[0]
    trim = first.trim or (0, 0, first.width, first.height)
    bleed = first.bleed or trim
    sides = []
    for number, page in enumerate(pages, 1):
        assert page.label is not None  # imposed with the side words: every page is labelled
        card_number, rest = page.label.split("-", 1)  # <number>-<card id>-<side word>
        card, side = rest.rsplit("-", 1)
        sides.append({"page": number, "label": page.label, "card": card, "card_number": int(card_number),
                      "side": "front" if side == side_words[0] else "back", "blank": not page.placements})
    return {
        "kaartgen": "shop-ticket", "version": __version__, "set": set_name,
        "file": file_name, "sha256": hashlib.sha256(pdf).hexdigest(), "pages": len(reader.pages),
        "trim_mm": [round(to_mm(trim[2] - trim[0]), 1), round(to_mm(trim[3] - trim[1]), 1)],
        "bleed_mm": round(to_mm(trim[0] - bleed[0]), 1),
        "page_mm": [round(to_mm(first.width), 1), round(to_mm(first.height), 1)],
        "stock": stock, "output_intent": intent,
        "order": "front, back for every card",
        "sides": sides, "colours": _colours(reader, theme), "fonts": _fonts(reader),
    }
