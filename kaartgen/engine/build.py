"""The build pipeline: load content → validate → lay out → impose → render → write.

Each step is its own module; this one only wires them together and turns locations in the content
model into file:line for error messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kaartgen.model.clients import client_error, value_problems
from kaartgen.errors import KaartgenError, KaartgenErrors
from kaartgen.layout.calibration import calibration_pages
from kaartgen.layout.fonts import Fonts
from kaartgen.layout.imposition import impose
from kaartgen.layout.cards import CardLayout, Layout
from kaartgen.model.builtin import DEFAULT_CONTENT, DEFAULT_TEMPLATES
from kaartgen.model.loading import Loaded, load_card_set, load_theme
from kaartgen.render.pdf import remove_temporary, render_pdf, write_atomic
from kaartgen.model.text import Personal
from kaartgen.model.theme import Format, Theme


LARGE_PRINT = ("large-print",)  # the template overlay behind --large-print
HTML = "html"  # the one format that is not a PDF


@dataclass(frozen=True)
class BuildOptions:
    content: Path = DEFAULT_CONTENT
    templates: Path = DEFAULT_TEMPLATES
    language: str = "nl"
    variant: str = "standaard"
    format: str = "office"
    out: Path = Path("output")
    personal: Personal = field(default_factory=Personal)
    back_offset: tuple[float, float] | None = None  # points; None: the template's value
    large_print: bool = False
    crop_marks: bool = False
    calibration: bool = False


def pick_format(theme: Theme, name: str, back_offset: tuple[float, float] | None) -> Format:
    if name not in theme.formats:
        raise KaartgenError(f"unknown format '{name}'; the templates define: {', '.join(sorted(theme.formats))}")
    fmt = theme.formats[name]
    if back_offset is not None:
        fmt = fmt.model_copy(update={"back_offset": back_offset})
    return fmt


def check_theme_names(card_set: Loaded, theme: Theme) -> None:
    """Names in the content that must exist in the templates: domain colours and pictograms."""
    problems = []
    for i, domain in enumerate(card_set.model.domains):
        if domain.colour not in theme.domain_colours:
            problems.append(card_set.sources.error(("domains", i, "colour"),
                f"colour '{domain.colour}' is not in the templates' domain_colours; use one of: "
                f"{', '.join(sorted(theme.domain_colours))}"))
        if domain.pictogram is not None and domain.pictogram not in theme.pictograms.icons:
            problems.append(card_set.sources.error(("domains", i, "pictogram"),
                f"pictogram '{domain.pictogram}' is not in templates/pictograms.yaml; use one of: "
                f"{', '.join(sorted(theme.pictograms.icons))}"))
    back = card_set.model.info.domain_back
    for key in ("text_style", "example_style", "example_heading_style"):
        name = getattr(back, key)
        if name is not None and name not in theme.styles:
            problems.append(card_set.sources.error(("info", "domain_back", key),
                f"style '{name}' is not in templates/styles.yaml; use one of: {', '.join(sorted(theme.styles))}"))
    if problems:
        raise KaartgenErrors(problems)


def lay_out(theme: Loaded, card_set: Loaded, personal: Personal, fonts: Fonts | None = None) -> list[CardLayout]:
    """All cards laid out; layout errors get the file and line of the content they concern."""
    check_theme_names(card_set, theme.model)
    try:
        return Layout(theme.model, fonts or Fonts(theme.model), card_set.model, personal).pack()
    except KaartgenError as exc:
        if exc.loc is not None and exc.file is None:
            raise card_set.sources.error(exc.loc, exc.message) from None
        raise


PERSONAL_OPTIONS = ("name", "professional", "role", "location")  # client values build takes as options


def check_personal(personal: Personal, fonts: Fonts) -> None:
    """Client values given as options: refused before any layout, naming the option, never the value."""
    for option in PERSONAL_OPTIONS:
        value = getattr(personal, option)
        problems = value_problems(value, fonts.unprintable) if value else []
        if problems:
            raise KaartgenError(f"--{option} {problems[0]}")


def lay_out_personal(theme: Loaded, card_set: Loaded, personal: Personal, fonts: Fonts) -> list[CardLayout]:
    """Like lay_out; when a personal pack fails where the generic one fits, the client's value is to blame."""
    if not personal.is_personal:
        return lay_out(theme, card_set, personal, fonts)
    check_theme_names(card_set, theme.model)
    try:
        return Layout(theme.model, fonts, card_set.model, personal).pack()
    except KaartgenError as exc:
        lay_out(theme, card_set, Personal(), fonts)  # the content's own problem, if it has one, comes first
        error = client_error(exc, {o: getattr(personal, o) for o in PERSONAL_OPTIONS})
        raise KaartgenError(f"--{error.field} {error.message}") from None


def output_name(card_set: Loaded, theme: Theme, fmt_name: str, personal: Personal) -> str:
    """language, variant, size and format in the name; never anything about the client."""
    info = card_set.model.info
    suffix = "-personal" if personal.is_personal else ""
    return f"kaartgen-{info.language}-{info.variant}-{theme.card.name}-{fmt_name}{suffix}.pdf"


def build(options: BuildOptions) -> list[Path]:
    """Build one pack and return the files written."""
    theme = load_theme(options.templates, LARGE_PRINT if options.large_print else ())
    card_set = load_card_set(options.content, options.language, options.variant)
    check_personal(options.personal, Fonts(theme.model))
    remove_temporary(options.out)  # left by a build that was killed mid-write
    if options.format == HTML:
        from kaartgen.render.html import render_html

        check_theme_names(card_set, theme.model)
        path = options.out / output_name(card_set, theme.model, HTML, options.personal).replace(".pdf", ".html")
        write_atomic(path, render_html(card_set.model, theme.model, options.templates, options.personal).encode("utf-8"))
        return [path]
    fmt = pick_format(theme.model, options.format, options.back_offset)
    fonts = Fonts(theme.model)
    cards = lay_out_personal(theme, card_set, options.personal, fonts)
    try:
        pages = impose(cards, fmt, theme.model, options.format, options.crop_marks)
    except KaartgenError as exc:
        raise theme.sources.error(exc.loc, exc.message) if exc.loc else exc from None
    info = card_set.model.info
    body = theme.model.style(theme.model.text_blocks.text)
    base_font = fonts.name(body.font, body.weight)
    data = render_pdf(pages, theme.model, fmt, info.title,
                      f"{info.language}/{info.variant}, {theme.model.card.name}, {options.format}", base_font,
                      keywords=f"kaartgen {info.language}/{info.variant} {theme.model.card.name} {options.format}")
    path = options.out / output_name(card_set, theme.model, options.format, options.personal)
    written = [path]
    if options.calibration:
        layout = Layout(theme.model, fonts, card_set.model)
        sheet = render_pdf(calibration_pages(layout, fmt, options.format), theme.model, fmt, info.title,
                           "calibration", base_font)
        cal_path = options.out / f"kaartgen-calibration-{info.language}-{options.format}.pdf"
        write_atomic(cal_path, sheet)
        written.append(cal_path)
    write_atomic(path, data)
    return sorted(written)
