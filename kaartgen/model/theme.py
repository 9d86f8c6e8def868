"""The template model: geometry, colours, text styles, fonts and sheet formats from templates/.

Python holds no card coordinates and no colour values; everything visual is read from here, so a
different card size or sheet is a template change. Lengths are validated from "105mm"-style
strings into points.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError
from reportlab.lib.colors import CMYKColor

from kaartgen.model.merge import Loc, Problem
from kaartgen.model.units import parse_length, to_mm

Length = Annotated[float, BeforeValidator(parse_length)]
DOMAIN_TEXT = "domain-text"  # style colour meaning "the text colour of the card's domain colour"
DOMAIN = "domain"  # style background meaning "every domain fill colour"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Colour(Strict):
    cmyk: tuple[float, float, float, float]

    @model_validator(mode="after")
    def _range(self) -> Colour:
        if any(not 0 <= v <= 100 for v in self.cmyk):
            raise PydanticCustomError("template.cmyk_range", "CMYK values are percentages from 0 to 100")
        return self

    @property
    def fractions(self) -> tuple[float, float, float, float]:
        c, m, y, k = (v / 100 for v in self.cmyk)
        return c, m, y, k

    @property
    def pdf(self) -> CMYKColor:
        """The colour as reportlab draws it: CMYK, so print files carry no RGB."""
        return CMYKColor(*self.fractions)

    @property
    def rgb(self) -> tuple[float, float, float]:
        """Screen colour derived from CMYK (naive conversion; the CMYK value is the reference)."""
        c, m, y, k = self.fractions
        return (1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)


class DomainColour(Strict):
    fill: str
    text: str


class Rules(Strict):
    min_text_size: Length
    min_small_size: Length
    min_heading_size: Length
    min_line_spacing: Length
    min_contrast: float = Field(ge=1, le=21)


class Style(Strict):
    font: str
    weight: Literal["regular", "bold"] = "regular"
    size: Length
    leading: Length
    colour: str
    background: str = "paper"
    align: Literal["left", "center"] = "left"
    small: bool = False
    heading: bool = False


class FontFile(Strict):
    package: str
    file: str
    axes: dict[str, float] = {}
    shaping: bool = False  # keep the layout tables and shape text (uharfbuzz): scripts whose letters join


def _code_range(value: object) -> tuple[int, int]:
    """'0400-052F' -> (0x400, 0x52F): a range of Unicode code points, written in hex."""
    match = re.fullmatch(r"([0-9A-Fa-f]{4,6})-([0-9A-Fa-f]{4,6})", str(value).strip())
    if not match or int(match.group(1), 16) > int(match.group(2), 16):
        raise PydanticCustomError("template.code_range", "not a range of code points", {"value": repr(value)})
    return int(match.group(1), 16), int(match.group(2), 16)


CodeRange = Annotated[tuple[int, int], BeforeValidator(_code_range)]


class FontFamily(Strict):
    regular: FontFile
    bold: FontFile


class Stroke(Strict):
    colour: str
    width: Length
    dash: tuple[Length, Length] | None = None


class CardGeometry(Strict):
    name: str = Field(pattern=r"^[a-z0-9-]+$")
    width: Length
    height: Length
    margin: Length
    radius: Length
    block_gap: Length
    footer_height: Length


class TextBlocks(Strict):
    heading: str
    text: str


class Front(Strict):
    title_style: str
    set_title_style: str


class Band(Strict):
    height: Length
    style: str


class Footer(Strict):
    style: str
    separator: str = " · "  # between card 1's reference and its number: "kenmerk K-0042 · 1/6"
    gap: Length  # at least this much space between the set's title and the number at the right


class Direction(Strict):
    """Which way text runs (templates/direction.yaml; templates/rtl/ for right to left)."""

    mirror: bool
    word_wrap: Literal["LTR", "RTL"]
    shaping: bool
    align: dict[Literal["left", "right", "center"], Literal["left", "right", "center"]]
    html: Literal["ltr", "rtl"]
    pdf: Literal["L2R", "R2L"]
    start: Literal["left", "right"]
    keep_align: list[str] = []  # styles whose alignment `align` leaves as it is
    bind_last_words: bool


class ConceptMark(Strict):
    """The mark every card of a concept translation carries (set.yaml `translation.status: concept`):
    its text on a patch of `fill`, its top `top` below the card's top edge and its end `end` inside
    the side edge (the right edge, or the left in a right-to-left set, as the card is mirrored)."""

    text: str
    style: str
    top: Length
    end: Length
    padding: Length
    fill: str


class ScanMarksLook(Strict):
    """The corner dots and the 2D code `kaartgen scan` finds a printed fill-in card by
    (templates/card.yaml `scan_marks`): the dots' diameter and their centres' distance from the trim
    edges; the code's module, its largest size in modules, its distance from the bottom edge and
    from the card number."""

    dot: Length
    inset: Length
    module: Length
    modules: int = Field(ge=10, le=32)
    bottom: Length
    gap: Length
    colour: str

    @property
    def box(self) -> float:
        """The side of the square the largest code takes, with its one-module quiet zone around."""
        return (self.modules + 2) * self.module


class WriteInLook(Strict):
    line_spacing: Length
    line_width: Length
    colour: str
    label_style: str
    label_gap: Length


class CheckboxLook(Strict):
    size: Length
    line_width: Length
    colour: str
    label_gap: Length
    row_gap: Length
    label_style: str
    list_row_gap: Length = 0.0
    choice_columns: int = Field(ge=1, le=6)
    domain_columns: int = Field(ge=1, le=5)


class BadgeLook(Strict):
    diameter: Length
    line_width: Length
    colour: str
    style: str


class DescriptionsLook(Strict):
    columns: int = Field(ge=1, le=5)
    gap: Length
    padding: Length
    border: Stroke
    radius: Length
    style: str


class ExamplesLook(Strict):
    heading_style: str
    item_style: str
    bullet_diameter: Length
    indent: Length
    item_gap: Length


class Shape(Strict):
    """One stroke of a pictogram, in a 100 × 100 box."""

    line: list[tuple[float, float]] | None = None
    shape: list[tuple[float, float]] | None = None
    circle: tuple[float, float, float] | None = None

    @model_validator(mode="after")
    def _one(self) -> Shape:
        if sum(v is not None for v in (self.line, self.shape, self.circle)) != 1:
            raise PydanticCustomError("template.one_shape", "give exactly one of line, shape or circle")
        return self


class Pictograms(Strict):
    front_size: Length
    list_size: Length
    chip_padding: Length = 0.0  # the domain-coloured square around a tick list's pictogram
    stroke: float = Field(gt=0, le=20)
    icons: dict[str, list[Shape]]


class Point(Strict):
    x: Length
    y: Length


class Placed(Strict):
    top: Length
    style: str
    left: Length | None = None  # from the page's left edge; the letter's left margin when absent


# RM4SCC's published ranges in mm (KIX is RM4SCC without start, stop and check character): what
# a template may set for the KIX. Whether PostNL's sorting machines read every value in them is for
# PostNL's current KIX specification to say; templates/letter.yaml uses values in their middle.
RM4SCC_MM = {
    "bar_width": (0.38, 0.63),
    "pitch": (25.4 / 24, 25.4 / 20),  # 20 to 24 bars per 25.4 mm
    "tracker": (1.02, 1.52),
    "full": (4.22, 6.35),  # a full bar: tracker with ascender and descender
}
RM4SCC_CLEAR_MM = 2.0  # the clear zone around the bars, at least
DUTCH_LINES = 3  # a Dutch address, the only kind with a KIX: name; street and number; postcode  TOWN


def _rm4scc(what: str, points: float, low: float, high: float) -> None:
    value = to_mm(points)
    if not low - 1e-9 <= value <= high + 1e-9:
        raise PydanticCustomError("template.kix_range", "outside RM4SCC's range",
                                  {"what": what, "value": f"{value:.2f}", "low": f"{low:.2f}", "high": f"{high:.2f}"})


class Kix(Strict):
    """PostNL's KIX barcode under a Dutch address in the window: RM4SCC's bars, their spacing and
    heights, and the zone around them kept clear of any other print."""

    bar_width: Length
    pitch: Length  # from one bar's left edge to the next one's
    tracker: Length  # the middle part every bar has
    ascender: Length  # how far an ascender reaches above the tracker; a descender reaches as far below
    clear: Length  # nothing else printed within this distance of the bars
    colour: str

    @field_validator("bar_width", "pitch", "tracker")
    @classmethod
    def _range(cls, value: float, info: ValidationInfo) -> float:
        assert info.field_name is not None
        _rm4scc(info.field_name, value, *RM4SCC_MM[info.field_name])
        return value

    @field_validator("ascender")
    @classmethod
    def _full(cls, value: float, info: ValidationInfo) -> float:
        tracker = info.data.get("tracker")
        if tracker is not None:  # else the tracker's own error says what is wrong
            _rm4scc("tracker + 2 × ascender", tracker + 2 * value, *RM4SCC_MM["full"])
        return value

    @field_validator("clear")
    @classmethod
    def _clear(cls, value: float) -> float:
        if to_mm(value) < RM4SCC_CLEAR_MM - 1e-9:
            raise PydanticCustomError("template.kix_clear", "clear zone too small",
                                      {"value": f"{to_mm(value):.2f}", "low": f"{RM4SCC_CLEAR_MM:.2f}"})
        return value

    @model_validator(mode="after")
    def _gap(self) -> Kix:
        if self.pitch <= self.bar_width:
            raise PydanticCustomError("template.kix_gap", "bars touch",
                                      {"pitch": f"{to_mm(self.pitch):.2f}", "width": f"{to_mm(self.bar_width):.2f}"})
        return self

    @property
    def height(self) -> float:
        """Of a full bar, and so of the whole symbol."""
        return self.tracker + 2 * self.ascender


class Window(Strict):
    """The envelope window, where it lies on the letter, and how the address block keeps to it."""

    top: Length
    left: Length
    width: Length
    height: Length
    lines: int = Field(ge=1, le=10)
    style: str
    return_style: str  # the one-line return address above the address
    inset: Length  # the address block keeps this far inside the window
    margin: Length  # nothing but the address block within this distance of the window (envelope play)
    kix: Kix | None = None  # PostNL's barcode under a Dutch address; none without this section


class FoldMarks(Strict):
    at: list[Length]
    x: Length
    length: Length
    colour: str
    width: Length


class LetterLook(Strict):
    page: tuple[Length, Length]
    left: Length
    right: Length
    bottom: Length
    sender: Placed
    window: Window
    date: Placed
    subject: Placed
    body_top: Length
    paragraph_gap: Length
    body_style: str
    fold_marks: FoldMarks
    insert_mark: Point

    def keep_out(self) -> list[Problem]:
        """Everything the letter prints besides the address block, kept out of the zone of
        `window.margin` around the window (a folded letter slides that far in its envelope).

        A text block fills its column downward from its top, so one whose column reaches into the
        zone horizontally must start below it; the fold marks and the inserter mark lie wholly
        outside it. Where a text ends depends on the content, so this holds for any text."""
        w = self.window
        left, right = w.left - w.margin, w.left + w.width + w.margin
        top, bottom = w.top - w.margin, w.top + w.height + w.margin
        mm = 72 / 25.4
        why = {"margin": f"{w.margin / mm:.0f}", "right": f"{right / mm:.0f}", "bottom": f"{bottom / mm:.0f}"}
        problems: list[Problem] = []
        blocks = [("sender", self.sender.left, self.sender.top), ("date", self.date.left, self.date.top),
                  ("subject", self.subject.left, self.subject.top), ("body_top", None, self.body_top)]
        for key, x, y in blocks:
            x = self.left if x is None else x
            if x < right and y < bottom:
                problems.append((("letter", key), "template.window_zone", why))
        marks = self.fold_marks
        for at in marks.at:
            if marks.x < right and marks.x + marks.length > left and top < at < bottom:
                problems.append((("letter", "fold_marks"), "template.window_zone", why))
                break
        if left < self.insert_mark.x < right and top < self.insert_mark.y < bottom:
            problems.append((("letter", "insert_mark"), "template.window_zone", why))
        return problems


class CropMarks(Strict):
    offset: Length  # from the bleed edge
    length: Length
    colour: str
    width: Length


class OutputIntent(Strict):
    """The printing condition the CMYK values are meant for, named as in the ICC's registry."""

    identifier: str  # e.g. FOGRA29
    condition: str
    registry: str = "http://www.color.org"


class Format(Strict):
    page: tuple[Length, Length] | Literal["card"]
    columns: int = Field(default=1, ge=1)
    rows: int = Field(default=1, ge=1)
    safe_margin: Length = 0.0
    panel_inset: Length = 0.0
    panel_border: Stroke | None = None
    rotate: bool = False  # cards turned a quarter on the sheet (e.g. two A5 on A4 portrait)
    duplex: Literal["long-edge"] | None = None
    back_offset: tuple[Length, Length] = (0.0, 0.0)
    cut_guides: Stroke | None = None
    insert_mark: Point | None = None
    bleed: Length = 0.0
    crop_marks: CropMarks | None = None
    fields: bool = False
    write_in: Literal["lines", "box"] = "lines"  # box: a write-in area is a frame to type in, not lines for a pen
    pairs: bool = False  # one card side a page: a front and a back page for every card, blank if unprinted
    stock: str | None = None  # the paper, for the print shop's job ticket
    output_intent: OutputIntent | None = None
    tagged: bool = False  # a tagged PDF (structure tree, language, PDF/UA identifier) for screen readers
    scan_marks: bool = False  # corner dots and a 2D code on every fill-in card side, for `kaartgen scan`


class CycleLook(Strict):
    height: Length
    line: Stroke
    arrow_length: Length
    arrow_half: Length
    dot: Length
    dot_colour: str
    label_width: Length
    label_distance: Length
    centre_fill: str
    centre_padding: Length
    phase_style: str
    stagnation_style: str


class TableLook(Strict):
    columns: list[float]
    grid: Stroke
    padding_top: Length
    padding_bottom: Length


class PageMargins(Strict):
    margin: Length
    top: Length
    bottom: Length


class GuideLook(PageMargins):
    page_number_y: Length
    gap_small: Length
    gap: Length
    gap_figure: Length
    gap_section: Length
    set_title_style: str
    title_style: str
    heading_style: str
    body_style: str
    label_style: str
    option_style: str
    advice_style: str  # the label above a paragraph that is advice of ours, not the report's
    cycle: CycleLook
    table: TableLook
    reflection_scale: float
    reflection_gap: Length


class SummaryLook(PageMargins):
    indent: Length
    answer_indent: Length  # the client's words sit further in than the question above them
    note_indent: Length
    gap_title: Length
    gap_card: Length
    title_style: str
    card_style: str
    question_style: str
    answer_style: str


class CalibrationLook(Strict):
    margin: Length
    ruler_mm: int = Field(gt=0)
    arm: Length
    ruler_offset: Length
    text_gap: Length
    tick_long: Length
    tick_mid: Length
    tick_short: Length
    tick_width: Length
    cross_width: Length
    number_width: Length
    number_across: Length
    number_along: Length
    label_width: Length
    colour: str


class HtmlLook(Strict):
    font: str
    colours: list[str]
    body_size: Length = 13.5  # the page's body text (13.5pt = 18px); large print sets it larger


class Theme(Strict):
    """Everything about how the cards look, merged from the YAML files in one templates folder."""

    card: CardGeometry
    text_blocks: TextBlocks
    front: Front
    band: Band
    footer: Footer
    concept_mark: ConceptMark
    scan_marks: ScanMarksLook
    direction: Direction
    write_in: WriteInLook
    checkbox: CheckboxLook
    badge: BadgeLook
    descriptions: DescriptionsLook
    examples: ExamplesLook
    colours: dict[str, Colour]
    domain_colours: dict[str, DomainColour]
    rules: Rules
    styles: dict[str, Style]
    fonts: dict[str, FontFamily]
    fallback: str
    typing: list[str] | None = None  # the fields' typing font: the fallback, these families merged after it
    scripts: dict[str, list[CodeRange]]
    formats: dict[str, Format]
    pictograms: Pictograms
    letter: LetterLook
    guide: GuideLook
    summary: SummaryLook
    calibration: CalibrationLook
    html: HtmlLook

    def check_references(self) -> list[Problem]:
        """Names that must point at something defined elsewhere in the templates."""
        problems: list[Problem] = []

        def need(kind: dict[str, Any], name: str, loc: Loc, what: str) -> None:
            if name not in kind:
                code = f"template.unknown_{what.replace(' ', '_')}"
                problems.append((loc, code, {"name": name, "known": sorted(kind)}))

        for key, dc in self.domain_colours.items():
            need(self.colours, dc.fill, ("domain_colours", key, "fill"), "colour")
            need(self.colours, dc.text, ("domain_colours", key, "text"), "colour")
        for key, style in self.styles.items():
            if style.colour != DOMAIN_TEXT:
                need(self.colours, style.colour, ("styles", key, "colour"), "colour")
            if style.background != DOMAIN:
                need(self.colours, style.background, ("styles", key, "background"), "colour")
            need(self.fonts, style.font, ("styles", key, "font"), "font family")
        need(self.fonts, self.fallback, ("fallback",), "font family")
        for n, family in enumerate(self.typing or []):
            need(self.fonts, family, ("typing", n), "font family")
        need(self.fonts, self.html.font, ("html", "font"), "font family")
        for n, name in enumerate(self.direction.keep_align):
            need(self.styles, name, ("direction", "keep_align", n), "style")
        for loc, name in self._style_refs():
            need(self.styles, name, loc, "style")
        for loc, name in self._colour_refs():
            need(self.colours, name, loc, "colour")
        problems += self.letter.keep_out()
        problems += self._kix_fits()
        return problems

    def _kix_fits(self) -> list[Problem]:
        """The window holds a Dutch address with its KIX: the return line, three address lines,
        the clear zone, the bars and the clear zone again, inside the window's inset. (The letter
        checks each address again with its fonts' descenders; this catches a template that no
        Dutch address could fit.)"""
        window = self.letter.window
        kix = window.kix
        if kix is None or window.style not in self.styles or window.return_style not in self.styles:
            return []  # an unknown style is reported as such
        need = (self.styles[window.return_style].leading + DUTCH_LINES * self.styles[window.style].leading
                + 2 * kix.clear + kix.height)
        room = window.height - 2 * window.inset
        if need <= room + 1e-6:
            return []
        return [(("letter", "window", "kix"), "template.kix_window",
                 {"need": f"{to_mm(need):.1f}", "room": f"{to_mm(room):.1f}"})]

    def _style_refs(self) -> list[tuple[Loc, str]]:
        refs: list[tuple[Loc, str]] = [(("text_blocks", k), v) for k, v in self.text_blocks.model_dump().items()]
        refs += [(("letter", part, "style"), getattr(self.letter, part).style)
                 for part in ("sender", "window", "date", "subject")]
        refs.append((("letter", "window", "return_style"), self.letter.window.return_style))
        refs.append((("letter", "body_style"), self.letter.body_style))
        for part in ("front", "band", "footer", "concept_mark", "write_in", "checkbox", "badge", "descriptions",
                     "examples", "guide", "summary"):
            refs += _named(getattr(self, part).model_dump(), (part,), "style")
        return refs

    def _colour_refs(self) -> list[tuple[Loc, str]]:
        guide = self.guide.model_dump()
        refs = _named(guide, ("guide",), "colour") + _named(guide, ("guide",), "fill")
        refs += [(("calibration", "colour"), self.calibration.colour)]
        refs += [(("html", "colours", i), name) for i, name in enumerate(self.html.colours)]
        refs += [
            (("write_in", "colour"), self.write_in.colour),
            (("checkbox", "colour"), self.checkbox.colour),
            (("badge", "colour"), self.badge.colour),
            (("descriptions", "border", "colour"), self.descriptions.border.colour),
            (("scan_marks", "colour"), self.scan_marks.colour),
            (("letter", "fold_marks", "colour"), self.letter.fold_marks.colour),
        ]
        if self.letter.window.kix is not None:
            refs.append((("letter", "window", "kix", "colour"), self.letter.window.kix.colour))
        for key, fmt in self.formats.items():
            for part in ("panel_border", "cut_guides", "crop_marks"):
                stroke = getattr(fmt, part)
                if stroke is not None:
                    refs.append((("formats", key, part, "colour"), stroke.colour))
        return refs

    def style(self, name: str) -> Style:
        return self.styles[name]


def _named(data: dict[str, Any], loc: Loc, suffix: str) -> list[tuple[Loc, str]]:
    """(location, name) of every key ending in `suffix` (e.g. "style") in a nested template section,
    so that a new section's names are checked without listing them here."""
    out = []
    for key, value in data.items():
        if isinstance(value, dict):
            out += _named(value, loc + (key,), suffix)
        elif key.endswith(suffix) and isinstance(value, str):
            out.append((loc + (key,), value))
    return out
