"""What the evaluation reads besides the content: templates/evaluation/evaluation.yaml.

It holds the benefit types the pilot counted by (bijlage 6's columns, by the option ids of the
reflectiekaart's benefit question), the names a groups CSV may give its columns, and the look of the
report: page, styles and colours by name (from styles.yaml and colours.yaml), lengths as "12mm".
A templates folder copied before the evaluation existed has no such file: the built-in one is read.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from kaartgen.errors import KaartgenErrors
from kaartgen.model.builtin import DEFAULT_TEMPLATES
from kaartgen.model.columns import key
from kaartgen.model.content import IDENT
from kaartgen.model.loading import Sources, _mapping, _validate
from kaartgen.model.merge import Tree
from kaartgen.model.theme import Length, Strict, Stroke, Theme
from kaartgen.model.yamlfile import load_yaml

FILE = ("evaluation", "evaluation.yaml")  # under the templates folder


class Benefit(Strict):
    id: str = Field(pattern=IDENT)
    names: list[str] = Field(default_factory=list)


class Columns(Strict):
    reference: list[str] = Field(min_length=1)
    benefit: list[str] = Field(min_length=1)
    team: list[str] = Field(min_length=1)


class TableLook(Strict):
    label_column: float = Field(gt=0.1, lt=0.8)
    grid: Stroke
    header_fill: str
    padding: Length


class ChartLook(Strict):
    bar: Length
    gap: Length
    label_width: Length
    value_gap: Length
    value_width: Length
    bar_colour: str
    hidden_colour: str
    axis: Stroke
    text_style: str
    value_style: str


class HtmlLook(Strict):
    font: str
    body_size: Length


class ReportLook(Strict):
    margin: Length
    top: Length
    bottom: Length
    page_number_y: Length
    gap_small: Length
    gap: Length
    gap_figure: Length
    title_style: str
    heading_style: str
    subheading_style: str
    body_style: str
    note_style: str
    cell_style: str
    header_style: str
    table: TableLook
    chart: ChartLook
    html: HtmlLook


class EvaluationConfig(Strict):
    benefits: list[Benefit] = Field(min_length=1)
    columns: Columns
    report: ReportLook

    def column_names(self) -> dict[str, str]:
        """A groups CSV's header, as compared (columns.key), -> the field it names."""
        return {key(name): field for field in ("reference", "benefit", "team")
                for name in getattr(self.columns, field)}


def config_path(templates: Path) -> Path:
    path = templates.joinpath(*FILE)
    return path if path.is_file() else DEFAULT_TEMPLATES.joinpath(*FILE)


def load_evaluation(templates: Path, theme: Theme) -> EvaluationConfig:
    """The evaluation's settings, each style and colour checked against `theme`; every problem is
    an error with the file and line."""
    yf = load_yaml(config_path(templates))
    sources = Sources(Tree.of(yf), yf.path)
    config = _validate(EvaluationConfig, _mapping(yf), sources, lambda loc: loc)
    report = config.report
    problems = []
    for name, where in [(report.title_style, "title_style"), (report.heading_style, "heading_style"),
                        (report.subheading_style, "subheading_style"), (report.body_style, "body_style"),
                        (report.note_style, "note_style"), (report.cell_style, "cell_style"),
                        (report.header_style, "header_style"), (report.chart.text_style, "chart.text_style"),
                        (report.chart.value_style, "chart.value_style")]:
        if name not in theme.styles:
            problems.append(sources.error(("report", *where.split(".")), "template.unknown_style", name=name,
                                          known=sorted(theme.styles)))
    for name, where in [(report.table.grid.colour, "table.grid.colour"), (report.table.header_fill,
                                                                           "table.header_fill"),
                        (report.chart.bar_colour, "chart.bar_colour"), (report.chart.hidden_colour,
                                                                        "chart.hidden_colour"),
                        (report.chart.axis.colour, "chart.axis.colour")]:
        if name not in theme.colours:
            problems.append(sources.error(("report", *where.split(".")), "template.unknown_colour", name=name,
                                          known=sorted(theme.colours)))
    if report.html.font not in theme.fonts:
        problems.append(sources.error(("report", "html", "font"), "template.unknown_font_family",
                                      name=report.html.font, known=sorted(theme.fonts)))
    if problems:
        raise KaartgenErrors(problems)
    return config
