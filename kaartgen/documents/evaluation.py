"""The evaluation report: a tagged A4 PDF (a platypus story) and a self-contained web page, each a
chart and a table for every figure of the evaluation (engine/evaluate.py), in the report's language.

Charts are drawn from one model (`bars`): a bar per row, for the row's total (all groups together);
a hidden total has no bar, only its mark ("<5", "×"). In the PDF a chart is a reportlab Drawing,
tagged as a Figure with its bars in words as Alt text, followed by its table (TH cells head the
columns); in the web page it is inline SVG, named for screen readers, followed by the same table as
text. Look and colours come from templates/evaluation/evaluation.yaml; no number is drawn that the
table does not publish.
"""

from __future__ import annotations

import base64
import functools
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, SimpleDocTemplate, Spacer, TableStyle

from kaartgen import __version__
from kaartgen.fonts import Fonts
from kaartgen.fonts.files import font_path
from kaartgen.layout.items import P, Tag
from kaartgen.layout.typeset import Typesetter
from kaartgen.messages import render as word
from kaartgen.model.builtin import DEFAULT_TEMPLATES
from kaartgen.model.evaluation import EvaluationConfig
from kaartgen.model.theme import Theme
from kaartgen.render.tags import Tagged, TaggedTable, tagging_canvas

if TYPE_CHECKING:
    from kaartgen.engine.evaluate import Evaluation
    from kaartgen.engine.tally import Table

_HEAD, _IN = Tag(("Sect", "H2")), Tag(("Sect", "P"), 1)
HTML = "report.html.j2"
FRAGMENT = "report-body.html.j2"
PX = 4 / 3  # CSS pixels a point


def _cell(row: int, column: int) -> Tag:
    """A table cell's tag: a new table at its first cell, a new row at each row's first."""
    return Tag(("Sect", "Table", "TR", "TH" if row == 0 else "TD"),
               1 if row == column == 0 else 2 if column == 0 else 3)


def t(code: str, lang: str, **params: Any) -> str:
    return word(f"evaluation.{code}", params, lang)


# -- the chart model --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Bar:
    label: str
    count: int | None  # None: hidden
    text: str  # the count as published: "12", "<5", "×"


def bars(table: Table) -> list[Bar]:
    """A bar per row, for its total: what the chart shows."""
    return [Bar(label, table.row_totals[r].count, table.row_totals[r].text) for r, label in table.rows]


def alt_text(table: Table, lang: str) -> str:
    """The chart in words, for a screen reader: its title and each bar's label and count."""
    return t("chart_alt", lang, title=table.title,
             bars="; ".join(f"{b.label}: {b.text}" for b in bars(table)))


def _fit(text: str, font: str, size: float, width: float) -> str:
    """`text`, cut with an ellipsis to fit `width` (a chart's label; the table has it whole)."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


@dataclass(frozen=True)
class ChartGeometry:
    """Where a chart's parts go, in points from its top left: shared by the PDF and the SVG."""

    width: float
    height: float
    x0: float  # where the bars start
    rows: list[dict[str, Any]]  # label, label_w (its width), text, hidden, y (top of the bar), w (its length)


def geometry(table: Table, config: EvaluationConfig, fonts: Fonts, theme: Theme, width: float) -> ChartGeometry:
    look = config.report.chart
    label_style = theme.style(look.text_style)
    font = fonts.name(label_style.font, label_style.weight)
    shown = bars(table)
    top = max((b.count or 0 for b in shown), default=0) or 1
    longest = max((stringWidth(b.label, font, label_style.size) for b in shown), default=0.0)
    x0 = min(look.label_width, longest + 2 * look.value_gap)  # as wide as the longest name needs, at most label_width
    room = width - x0 - look.value_width - look.value_gap
    rows = []
    for i, b in enumerate(shown):
        label = _fit(b.label, font, label_style.size, x0 - look.value_gap)
        rows.append({"label": label, "label_w": stringWidth(label, font, label_style.size), "text": b.text,
                     "hidden": b.count is None, "y": look.gap + i * (look.bar + look.gap),
                     "w": 0.0 if b.count is None else room * b.count / top})
    return ChartGeometry(width, look.gap + len(shown) * (look.bar + look.gap), x0, rows)


def _drawing(g: ChartGeometry, config: EvaluationConfig, fonts: Fonts, theme: Theme) -> Drawing:
    look = config.report.chart
    text_style, value_style = theme.style(look.text_style), theme.style(look.value_style)
    text_font = fonts.name(text_style.font, text_style.weight)
    value_font = fonts.name(value_style.font, value_style.weight)
    d = Drawing(g.width, g.height, initialFontName=text_font, initialFontSize=text_style.size)  # no Helvetica
    ink, muted, bar = (theme.colours[n].pdf for n in (text_style.colour, look.hidden_colour, look.bar_colour))
    for row in g.rows:
        y = g.height - row["y"] - look.bar  # a drawing's y runs up
        middle = y + look.bar / 2 - text_style.size * 0.35
        d.add(String(g.x0 - look.value_gap, middle, row["label"], fontName=text_font, fontSize=text_style.size,
                     fillColor=ink, textAnchor="end"))
        if row["w"] > 0:
            d.add(Rect(g.x0, y, row["w"], look.bar, fillColor=bar, strokeColor=None))
        d.add(String(g.x0 + row["w"] + look.value_gap, middle, row["text"], fontName=value_font,
                     fontSize=value_style.size, fillColor=muted if row["hidden"] else ink))
    d.add(Line(g.x0, 0, g.x0, g.height, strokeColor=theme.colours[look.axis.colour].pdf, strokeWidth=look.axis.width))
    return d


# -- the PDF ----------------------------------------------------------------------------------------

def _table(table: Table, ts: Typesetter, config: EvaluationConfig, width: float, lang: str) -> TaggedTable:
    look = config.report
    header = [table.row_label, *(label for _, label in table.columns), t("total", lang)]
    body: list[list[str]] = []
    if table.top is not None:
        body.append([table.top[0], *(table.top[1][c].text for c, _ in table.columns), table.top[1][""].text])
    body += [[label, *(table.cells[(r, c)].text for c, _ in table.columns), table.row_totals[r].text]
             for r, label in table.rows]
    if table.column_totals is not None and table.total is not None:
        body.append([t("total", lang), *(table.column_totals[c].text for c, _ in table.columns), table.total.text])
    pad = look.table.padding
    header_style = ts.theme.style(look.header_style)
    font = ts.fonts.name(header_style.font, header_style.weight)
    longest = max(stringWidth(text, font, header_style.size) for text in [row[0] for row in [header, *body]])
    first = min(width * look.table.label_column, longest + 2 * pad + 1)  # the rows' names, whole if they fit
    rest = (width - first) / (len(table.columns) + 1)
    widths = [first] + [rest] * (len(table.columns) + 1)
    rows = []
    for r, values in enumerate([header, *body]):
        row = []
        for c, (text, w) in enumerate(zip(values, widths)):
            style = look.header_style if r == 0 or c == 0 else look.cell_style
            p, _ = ts.para(text, style, w - 2 * pad, align="left" if c == 0 else "center", bind=False)
            row.append(Tagged(p, _cell(r, c)))
        rows.append(row)
    grid = look.table.grid
    out = TaggedTable(rows, colWidths=widths, repeatRows=0)
    out.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), grid.width, ts.colour(grid.colour)),
                             ("BACKGROUND", (0, 0), (-1, 0), ts.colour(look.table.header_fill)),
                             ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                             ("FONTNAME", (0, 0), (-1, -1), ts.fonts.base),  # keeps Helvetica out of the file
                             ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                             ("TOPPADDING", (0, 0), (-1, -1), pad), ("BOTTOMPADDING", (0, 0), (-1, -1), pad)]))
    return out


def intro(result: Evaluation) -> list[str]:
    """What the report says about itself, before the figures: what was read, the period, the rules."""
    lang = result.language
    lines = [t("about", lang, packs=result.packs, reflections=result.reflections, files=result.files)]
    if result.period:
        first, last = result.period
        lines.append(t("period", lang, first=first, last=last) if first != last else t("period_one", lang, month=first))
    if result.duplicates:
        lines.append(t("duplicates", lang, count=result.duplicates))
    if result.skipped:
        lines.append(t("skipped", lang, count=result.skipped))
    lines.append(t("rules", lang))
    return lines


def report_pdf(result: Evaluation, theme: Theme, fonts: Fonts, config: EvaluationConfig) -> bytes:
    """The report as a tagged A4 PDF: the title (H1), what was read, and per figure a section with its
    heading (H2), a note, the chart (a Figure with Alt text) and the table."""
    look = config.report
    lang = result.language
    ts = Typesetter(theme, fonts)
    width = A4[0] - 2 * look.margin
    flow: list[Flowable] = []

    def para(text: str, style: str, tag: Tag = _IN) -> Tagged:
        return Tagged(ts.para(text, style, width, bind=False)[0], tag)

    flow += [para(result.title, look.title_style, Tag(("H1",))), Spacer(1, look.gap)]
    for line in intro(result):
        flow += [para(line, look.body_style, P), Spacer(1, look.gap)]
    for table in result.tables:
        head = [para(table.title, look.heading_style, _HEAD), Spacer(1, look.gap_small)]
        if table.withheld:
            flow += [KeepTogether([*head, para(t("withheld", lang), look.body_style)]), Spacer(1, look.gap_figure)]
            continue
        chart = Tagged(_drawing(geometry(table, config, fonts, theme, width), config, fonts, theme),
                       Tag(("Sect", "Figure"), 1, alt_text(table, lang)))
        notes = table.notes + ([t("hidden_groups", lang, count=table.hidden_groups)] if table.hidden_groups else [])
        flow += [KeepTogether([*head, *(para(n, look.body_style) for n in notes), Spacer(1, look.gap), chart,
                               Spacer(1, look.gap)]),
                 _table(table, ts, config, width, lang)]
        if table.marked:
            flow += [Spacer(1, look.gap_small), para(t("legend", lang), look.note_style)]
        flow.append(Spacer(1, look.gap_figure))
    note = theme.style(look.note_style)

    def page_number(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        with canvas.tags.artifact():
            canvas.saveState()
            canvas.setFont(fonts.name(note.font, note.weight), note.size)
            canvas.setFillColor(theme.colours[note.colour].pdf)
            canvas.drawRightString(A4[0] - look.margin, look.page_number_y, t("page", lang, number=doc.page))
            canvas.restoreState()

    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=look.margin, rightMargin=look.margin, topMargin=look.top,
                      bottomMargin=look.bottom, invariant=1, initialFontName=fonts.base, title=result.title,
                      author="", creator=f"kaartgen {__version__}",
                      keywords=f"kaartgen {result.set_name} evaluation").build(
        flow, onFirstPage=page_number, onLaterPages=page_number, canvasmaker=tagging_canvas(lang))
    return buffer.getvalue()


# -- the web page -------------------------------------------------------------------------------------

def _hex(theme: Theme, name: str) -> str:
    return "#" + "".join(f"{round(v * 255):02x}" for v in theme.colours[name].rgb)


def _environment(templates: Path | None = None) -> Environment:
    folder = (templates or DEFAULT_TEMPLATES) / "evaluation"
    if not (folder / HTML).is_file():  # templates copied before the evaluation existed
        folder = DEFAULT_TEMPLATES / "evaluation"
    return _loaded(folder)


@functools.lru_cache(maxsize=8)
def _loaded(folder: Path) -> Environment:
    """One environment a folder: each template compiled once a process (Jinja2 sees a changed file)."""
    return Environment(loader=FileSystemLoader(str(folder)), autoescape=select_autoescape(default=True),
                       undefined=StrictUndefined, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)


def _context(result: Evaluation, theme: Theme, config: EvaluationConfig, fonts: Fonts | None) -> dict[str, Any]:
    from kaartgen.fonts import Fonts as FontSet

    fonts = fonts or FontSet(theme)
    look = config.report
    lang = result.language
    width = A4[0] - 2 * look.margin
    text_style, value_style = theme.style(look.chart.text_style), theme.style(look.chart.value_style)
    figures = []
    for n, table in enumerate(result.tables, 1):
        figure: dict[str, Any] = {"id": f"figure-{n}", "table": table, "withheld": table.withheld}
        if not table.withheld:
            g = geometry(table, config, fonts, theme, width)
            figure.update(geometry=g, alt=alt_text(table, lang), notes=table.notes + (
                [t("hidden_groups", lang, count=table.hidden_groups)] if table.hidden_groups else []))
        figures.append(figure)
    chart = look.chart
    return {
        "lang": lang, "title": result.title, "version": __version__, "intro": intro(result), "figures": figures,
        "total": t("total", lang), "legend": t("legend", lang), "withheld": t("withheld", lang),
        "chart": {"bar": chart.bar, "gap": chart.gap, "value_gap": chart.value_gap,
                  "text_size": text_style.size, "value_size": value_style.size, "px": PX,
                  "bar_colour": _hex(theme, chart.bar_colour), "hidden_colour": _hex(theme, chart.hidden_colour),
                  "axis_colour": _hex(theme, chart.axis.colour), "axis_width": chart.axis.width,
                  "ink": _hex(theme, text_style.colour)},
        "colours": {k: _hex(theme, k) for k in ("ink", "paper", "rule", "muted")},
        "grid": _hex(theme, look.table.grid.colour), "body_size": f"{look.html.body_size:g}pt",
    }


def report_fragment(result: Evaluation, theme: Theme, config: EvaluationConfig, fonts: Fonts | None = None,
                    templates: Path | None = None) -> str:
    """The report's body (figures and tables), for a page that brings its own style (the web app's)."""
    return _environment(templates).get_template(FRAGMENT).render(**_context(result, theme, config, fonts))


def report_html(result: Evaluation, theme: Theme, config: EvaluationConfig, templates: Path | None = None,
                fonts: Fonts | None = None) -> str:
    """The report as one self-contained web page: its style and fonts inside, nothing loaded."""
    family = theme.fonts[config.report.html.font]
    embedded = {w: base64.b64encode(font_path(getattr(family, w)).read_bytes()).decode("ascii")
                for w in ("regular", "bold")}
    return _environment(templates).get_template(HTML).render(**_context(result, theme, config, fonts),
                                                             font_regular=embedded["regular"],
                                                             font_bold=embedded["bold"])
