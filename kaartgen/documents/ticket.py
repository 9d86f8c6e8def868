"""The print shop's job ticket as a PDF: the facts of the shop file, its colours with swatches,
its fonts, and a thumbnail of every page with its label, so the shop sees which card is which
before it imposes them. Headings come from the content (`ticket:` in set.yaml)."""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib.colors import CMYKColor
from reportlab.lib.pagesizes import A4
from reportlab.platypus import Flowable, Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from kaartgen import __version__
from kaartgen.layout.typeset import Typesetter
from kaartgen.model.content import Ticket
from kaartgen.model.units import mm

THUMB_WIDTH = mm(27)
PER_ROW = 5


class Swatch(Flowable):  # type: ignore[misc]  # reportlab has no type hints: Flowable is Any
    """A square of one CMYK colour, outlined so that white shows."""

    def __init__(self, cmyk: list[float], size: float):
        super().__init__()
        self.cmyk, self.width, self.height = cmyk, size, size

    def draw(self) -> None:
        self.canv.setFillColor(CMYKColor(*(v / 100 for v in self.cmyk)))
        self.canv.setStrokeColor(CMYKColor(0, 0, 0, 0.45))
        self.canv.setLineWidth(0.5)
        self.canv.rect(0, 0, self.width, self.height, stroke=1, fill=1)


def _thumbnails(pdf: bytes, width: float) -> list[Image]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    out = []
    for page in document:
        w, h = page.get_size()
        image = page.render(scale=width / w * 2).to_pil().convert("RGB")  # twice the size shown: sharp when printed
        png = io.BytesIO()
        image.save(png, "PNG")
        png.seek(0)
        outline = TableStyle([("BOX", (0, 0), (-1, -1), 0.5, CMYKColor(0, 0, 0, 0.45)),
                              *((side, (0, 0), (-1, -1), 0) for side in ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING",
                                                                          "BOTTOMPADDING"))])
        out.append(Table([[Image(png, width=width, height=width * h / w)]], style=outline, hAlign="LEFT"))
    return out


def ticket_pdf(ticket: dict[str, Any], texts: Ticket, ts: Typesetter, shop_pdf: bytes) -> bytes:
    look = ts.theme.guide
    body, label, heading = look.body_style, look.label_style, look.heading_style

    def p(text: str, style: str = body) -> Paragraph:
        return ts.para(str(text), style, A4[0] - 2 * look.margin, bind=False)[0]

    trim = ticket["trim_mm"]
    facts = [
        (texts.file, ticket["file"]),
        (texts.pages, f"{ticket['pages']}: {texts.order}"),
        (texts.trim, f"{trim[0]:g} × {trim[1]:g} mm"),
        (texts.bleed, f"{ticket['bleed_mm']:g} mm"),
        (texts.page_size, f"{ticket['page_mm'][0]:g} × {ticket['page_mm'][1]:g} mm"),
    ]
    if ticket["stock"]:
        facts.append((texts.stock, ticket["stock"]))
    if ticket["output_intent"]:
        facts.append((texts.intent, ticket["output_intent"]))
    grid = TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                       ("BOTTOMPADDING", (0, 0), (-1, -1), mm(1.2))])
    key_width = mm(40)
    rest = A4[0] - 2 * look.margin - key_width
    flow: list[Flowable] = [p(f"{texts.title}: {ticket['set']}", heading), Spacer(1, look.gap),
                            Table([[p(k, label), p(v)] for k, v in facts], colWidths=[key_width, rest], style=grid),
                            Spacer(1, look.gap_section), p(texts.colours, label), Spacer(1, look.gap_small)]
    swatch = mm(5)
    flow.append(Table([[Swatch(c["cmyk"], swatch), p(c["name"]), p(" / ".join(f"{v:g}" for v in c["cmyk"]))]
                       for c in ticket["colours"]], colWidths=[swatch + mm(3), mm(37), rest - swatch - mm(3) + mm(0)],
                      style=grid, hAlign="LEFT"))
    flow += [Spacer(1, look.gap_section), p(texts.fonts, label), Spacer(1, look.gap_small)]
    flow += [p(f"{f['name']}" + (f" ({texts.embedded})" if f["embedded"] else "")) for f in ticket["fonts"]]
    flow += [Spacer(1, look.gap_section), p(texts.sides, label), Spacer(1, look.gap_small)]
    cells = []
    small = ts.theme.footer.style
    column = (A4[0] - 2 * look.margin) / PER_ROW
    for side, thumb in zip(ticket["sides"], _thumbnails(shop_pdf, THUMB_WIDTH)):
        caption = f"{side['page']}: {side['label']}" + (f" ({texts.blank})" if side["blank"] else "")
        cells.append([thumb, ts.para(caption, small, column - mm(2), bind=False)[0]])
    rows = [cells[i:i + PER_ROW] for i in range(0, len(cells), PER_ROW)]
    for row in rows:
        flow.append(Table([[c[0] for c in row], [c[1] for c in row]], colWidths=[column] * len(row), hAlign="LEFT",
                          style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                            ("BOTTOMPADDING", (0, 1), (-1, 1), mm(3))])))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=look.margin, rightMargin=look.margin, topMargin=look.top,
                      bottomMargin=look.bottom, invariant=1, initialFontName=ts.fonts.base, title=texts.title,
                      author="", creator=f"kaartgen {__version__}",
                      keywords=f"kaartgen {ticket['set']} shop-ticket").build(flow)
    return buffer.getvalue()
