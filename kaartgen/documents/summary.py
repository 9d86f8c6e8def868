"""The professional's summary of a client's answers as a PDF: every card's answers under its title.

Answers are the client's own words: printed literally (never as markup), line breaks kept, and
laid out in chunks so a very long answer costs time linear in its length.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer

from kaartgen import __version__
from kaartgen.fonts import Fonts
from kaartgen.layout.items import P, Tag
from kaartgen.layout.typeset import Typesetter
from kaartgen.model.content import CardSet, SummaryLabels
from kaartgen.model.text import format_date, render
from kaartgen.model.theme import SummaryLook, Theme
from kaartgen.render.tags import Tagged, tagging_canvas

_IN_CARD = Tag(("Sect", "P"), 1)  # a paragraph in the card's section (each card: a Sect under its H2)
CHUNK = 1000  # characters of an answer laid out as one paragraph


def summary_heading(summary: dict[str, Any], cs: CardSet) -> list[str]:
    """What the summary says about itself under its title, in the pack's language: the pack's
    reference when it has one, and the day it was read ("kenmerk K-0042", "gelezen op 6 december
    2026"). The PDF and the web page both show these."""
    labels = cs.info.summary
    when = format_date(date.fromisoformat(summary["read"]), cs.info.dates)
    reference = [render(labels.reference, {"reference": summary["reference"]})] if summary.get("reference") else []
    return [*reference, render(labels.read_on, {"date": when})]


def summary_pdf(summary: dict[str, Any], theme: Theme, fonts: Fonts, cs: CardSet,
                pictures: dict[str, bytes] | None = None) -> tuple[bytes, int]:
    """One A4 page (more only if the answers are long): every card's answers under its title, as a
    tagged PDF (a section a card: its title H2, questions H3, answers P); and
    how many characters of the answers no font can draw. Those are shown as a visible placeholder,
    their code in brackets ("[U+1F600]"), so the summary is always made and nothing is silently lost.
    Answers read from scanned cards come with `pictures` (PNG by field name): the client's
    handwriting, and each mark that was not clearly one answer, shown under the question."""

    look = theme.summary
    labels = cs.info.summary
    out = _Flow(Typesetter(theme, fonts), fonts, A4[0] - 2 * look.margin)
    question_style = look.question_style

    out.para(f"{cs.info.title}: {labels.title}", look.title_style, tag=Tag(("H1",)))
    out.para("   ·   ".join(summary_heading(summary, cs)), question_style, tag=P)
    out.flow.append(Spacer(1, look.gap_title))
    for index, card in enumerate(summary["cards"]):
        if index:  # a gap between cards, none after the last: there it could start an empty page
            out.flow.append(Spacer(1, look.gap_card))
        out.para(f"{card['number']}/{summary['total']}  {card['title']}" if summary["of"] == "pack" else card["title"],
                 look.card_style, tag=Tag(("Sect", "H2")))
        for item in card["answers"]:
            if "ticked" in item:
                _ticked(out, item, look, labels, pictures or {})
            else:
                _answered(out, item, card["title"], look, labels)
            if item.get("problem"):
                out.para(f"! {item['problem']}", question_style, look.answer_indent)
            _pictures(out, item, pictures or {}, look, labels)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=look.margin, rightMargin=look.margin,
                            topMargin=look.top, bottomMargin=look.bottom, invariant=1, initialFontName=fonts.base,
                            title=labels.title, author="", creator=f"kaartgen {__version__}",
                            keywords="kaartgen summary")
    doc.build(out.flow, canvasmaker=tagging_canvas(cs.info.language, theme.direction.pdf))
    return buffer.getvalue(), out.placeholders


class _Flow:
    """The summary's paragraphs as they are set, and how many characters in them no font can draw."""

    def __init__(self, ts: Typesetter, fonts: Fonts, width: float):
        self.ts, self.fonts, self.width = ts, fonts, width
        self.flow: list[Flowable] = []
        self.placeholders = 0

    def para(self, text: str, style: str, indent: float = 0.0, tag: Tag = _IN_CARD) -> None:
        """A paragraph of the text as written; a character the style's font and the fallback cannot
        draw shows as its code."""
        missing = set(self.fonts.missing(text, self.ts.theme.style(style)))
        if missing:
            self.placeholders += sum(1 for c in text if c in missing)
            text = "".join(f"[U+{ord(c):04X}]" if c in missing else c for c in text)
        p, _ = self.ts.para(text, style, self.width - indent, bind=False)  # the client's words as written
        side = self.ts.theme.direction.start  # indented where lines start (templates/direction.yaml)
        p.style = p.style.clone(f"{p.style.name}-{side}", **{f"{side}Indent": indent}) if indent else p.style
        self.flow.append(Tagged(p, tag))


PICTURE_HEIGHT = 70 * 72 / 25.4  # a picture of handwriting is shown at most this high
POINTS_PIXEL = 0.8 * 72 / 25.4 / 8  # at 0.8 of its size on the card (8 pixels a millimetre: engine/omr.py)


def _pictures(out: _Flow, item: dict[str, Any], pictures: dict[str, bytes], look: SummaryLook,
              labels: SummaryLabels) -> None:
    """Under an answer read from a scanned card: the marks not read, then the handwriting, each as
    a picture (a figure whose alternative text says what it is)."""

    notes = {f"{item['field']}.{n}" for n in range(1, len(item.get("notes", [])) + 1)}  # shown in place
    for key, label in (("uncertain", labels.uncertain), ("handwriting", labels.handwriting)):
        shown = [pictures[name] for name in item.get(key, []) if name in pictures
                 and not (key == "handwriting" and name in notes)]
        if not shown:
            continue
        out.para(label, look.question_style, look.answer_indent)
        for data in shown:
            _picture(out, data, label)


def _picture(out: _Flow, data: bytes, label: str) -> None:
    """A PNG from a scanned card at 0.8 of its size on the card, never wider than the page or
    higher than PICTURE_HEIGHT; a figure whose alternative text is `label`."""
    from reportlab.platypus import Image

    image = Image(io.BytesIO(data))
    width = image.imageWidth * POINTS_PIXEL
    height = image.imageHeight * POINTS_PIXEL
    fit = min(1.0, out.width / max(width, 1), PICTURE_HEIGHT / max(height, 1))
    image.drawWidth, image.drawHeight = width * fit, height * fit
    image.hAlign = "LEFT" if out.ts.theme.direction.start == "left" else "RIGHT"
    out.flow.append(Tagged(image, Tag(("Sect", "Figure"), 1, alt=label)))


def _lines(text: str, empty: str) -> list[str]:
    """An answer as paragraphs: one a line the client wrote, long lines in chunks, so that a
    long answer is laid out in time linear in its length (reportlab re-wraps a paragraph
    that it splits across pages from the start, every page); `empty` for an empty answer."""
    if not text.strip():
        return [empty]
    out = []
    for line in text.splitlines():
        while len(line) > CHUNK:
            cut = line.rfind(" ", CHUNK // 2, CHUNK)
            cut = cut if cut > 0 else CHUNK
            out.append(line[:cut])
            line = line[cut:].lstrip(" ")
        out.append(line)
    return [line if line.strip() else "\u00a0" for line in out]


def _ticked(out: _Flow, item: dict[str, Any], look: SummaryLook, labels: SummaryLabels,
            pictures: dict[str, bytes]) -> None:
    """A domain choice's answer: the domains ticked, then the numbered notes, each as the client
    wrote it (a note's later lines indented under its first), or as the picture of the handwriting
    when it was read from a scanned card."""
    out.para(f"{labels.ticked}: {', '.join(item['ticked']) or labels.empty}", look.answer_style, look.indent)
    if item.get("too_many"):
        out.para(f"! {item['too_many']}", look.question_style, look.indent)
    for n, note in enumerate(item["notes"], 1):
        written = f"{item['field']}.{n}"
        if not note and written in item.get("handwriting", []) and written in pictures:
            out.para(f"{n}.", look.answer_style, look.answer_indent)
            _picture(out, pictures[written], labels.handwriting)
            continue
        first, *rest = _lines(note, labels.empty)
        out.para(f"{n}. {first}", look.answer_style, look.answer_indent)
        for line in rest:
            out.para(line, look.answer_style, look.note_indent)
        hidden = item.get("notes_cut", [0] * n)[n - 1]
        if hidden:
            out.para(render(labels.cut, {"count": hidden}), look.question_style, look.note_indent)


def _answered(out: _Flow, item: dict[str, Any], title: str, look: SummaryLook, labels: SummaryLabels) -> None:
    """Any other answer: its question (unless the card's title already asks it), the answer, what
    was cut from it, and for a chosen description the stagnation it stands for."""
    question_style, answer_style = look.question_style, look.answer_style
    if item["question"] and item["question"] != title:
        out.para(item["question"], question_style, look.indent, Tag(("Sect", "H3"), 1))
    if not item.get("problem") and not (item.get("handwriting") and not item["answer"]):  # a picture follows
        for line in _lines(item["answer"], labels.empty):
            out.para(line, answer_style, look.answer_indent)
    if item.get("cut"):
        out.para(render(labels.cut, {"count": item["cut"]}), question_style, look.answer_indent)
    if item.get("stagnation"):
        out.para(f"{labels.stagnation}: {item['stagnation']}", question_style, look.indent, Tag(("Sect", "H3"), 1))
        out.para(f"{labels.mechanism}: {item['mechanism']}. {item['action']}", answer_style, look.answer_indent)
