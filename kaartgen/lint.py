"""`kaartgen lint`: prove that content and templates make a correct pack before anything is printed.

Checks every language/variant folder against the templates: schema, template variables, glyph
coverage, text fit (generic and with the long sample client of set.yaml) in every format, and the
template rules (minimum sizes, line spacing, contrast). Problems come back as file:line messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from jinja2 import TemplateSyntaxError

from kaartgen.build import lay_out
from kaartgen.content import CardSet, Choice, Descriptions, Heading, Text, WriteIn
from kaartgen.contrast import contrast
from kaartgen.errors import KaartgenError, KaartgenErrors
from kaartgen.fonts import Fonts
from kaartgen.imposition import impose
from kaartgen.loading import Loaded, load_card_set, load_theme
from kaartgen.text import (
    CALIBRATION_VARIABLES, CARD_VARIABLES, DATE_VARIABLES, NUMBER_VARIABLES, Personal, parse_appointment, variables,
)
from kaartgen.theme import DOMAIN, DOMAIN_TEXT, Theme
from kaartgen.units import to_mm

NONE: frozenset[str] = frozenset()


@dataclass
class LintReport:
    sets: list[str] = field(default_factory=list)
    cards: int = 0
    problems: list[KaartgenError] = field(default_factory=list)


def texts(cs: CardSet, theme: Theme) -> Iterator[tuple[tuple, str, frozenset[str], str]]:
    """Every text of a set with its location, the variables it may use and the style it prints in."""
    t = theme
    yield ("info", "title"), cs.info.title, NONE, t.footer.style
    yield ("info", "labels", "examples"), cs.info.labels.examples, NONE, t.examples.heading_style
    yield ("info", "labels", "card_number"), cs.info.labels.card_number, NUMBER_VARIABLES, t.footer.style
    yield ("info", "dates", "appointment"), cs.info.dates.appointment, DATE_VARIABLES, t.text_blocks.text
    for key in ("title", "front", "back", "horizontal", "vertical"):
        yield ("info", "calibration", key), getattr(cs.info.calibration, key), CALIBRATION_VARIABLES, t.text_blocks.text
    for i, s in enumerate(cs.stagnations):
        for key in ("name", "mechanism", "action"):
            yield ("stagnations", i, key), getattr(s, key), NONE, t.text_blocks.text
    for i, d in enumerate(cs.domains):
        yield ("domains", i, "title"), d.title, NONE, t.front.title_style
        yield ("domains", i, "label"), d.label, NONE, t.checkbox.label_style
        yield ("domains", i, "intro"), d.intro, NONE, t.text_blocks.text
        for j, q in enumerate(d.questions):
            yield ("domains", i, "questions", j), q, NONE, t.text_blocks.text
        for j, e in enumerate(d.examples):
            yield ("domains", i, "examples", j), e, NONE, t.examples.item_style
    for ci, card in enumerate(cs.cards):
        yield ("cards", ci, "notes"), card.notes, NONE, t.text_blocks.text
        for si, side in enumerate(card.sides):
            for bi, b in enumerate(side.blocks):
                loc = ("cards", ci, "sides", si, "blocks", bi)
                if isinstance(b, (Heading, Text)):
                    yield loc + ("text",), b.text, CARD_VARIABLES, getattr(t.text_blocks, b.type)
                elif isinstance(b, WriteIn) and b.label:
                    yield loc + ("label",), b.label, CARD_VARIABLES, t.write_in.label_style
                elif isinstance(b, Choice):
                    for oi, o in enumerate(b.options):
                        yield loc + ("options", oi, "label"), o.label, CARD_VARIABLES, t.checkbox.label_style
                elif isinstance(b, Descriptions):
                    for oi, o in enumerate(b.options):
                        yield loc + ("options", oi, "text"), o.text, CARD_VARIABLES, t.descriptions.style


def check_texts(loaded: Loaded, theme: Theme, fonts: Fonts) -> list[KaartgenError]:
    problems = []
    for loc, text, allowed, style_name in texts(loaded.model, theme):
        try:
            unknown = variables(text) - allowed
        except TemplateSyntaxError as exc:
            problems.append(loaded.sources.error(loc, f"template syntax error: {exc.message}; check the {{{{ }}}} and {{% %}} tags"))
            continue
        if unknown:
            may = ", ".join(sorted(allowed)) or "none"
            problems.append(loaded.sources.error(loc, f"unknown variable {', '.join(sorted(unknown))}; this text may use: {may}"))
        style = theme.style(style_name)
        for char in fonts.missing(text, style):
            problems.append(loaded.sources.error(
                loc, f"character {char!r} (U+{ord(char):04X}) is in no font of the templates; replace it or add a font"))
    return problems


def check_theme(loaded: Loaded) -> list[KaartgenError]:
    """Template rules: minimum text sizes, write-in spacing and contrast of every text colour pair."""
    theme: Theme = loaded.model
    rules = theme.rules
    src = loaded.sources
    problems = []
    for key, style in theme.styles.items():
        minimum = rules.min_small_size if style.small else rules.min_text_size
        if style.size < minimum - 1e-6:
            problems.append(src.error(("styles", key, "size"),
                f"{style.size:.1f}pt is below the minimum of {minimum:.1f}pt; make it larger"))
        if style.background == DOMAIN:
            pairs = [(style.colour if style.colour != DOMAIN_TEXT else dc.text, dc.fill, ("domain_colours", name, "text"))
                     for name, dc in theme.domain_colours.items()]
        elif style.colour == DOMAIN_TEXT:
            problems.append(src.error(("styles", key, "colour"),
                "'domain-text' only works with `background: domain`; name a colour instead"))
            pairs = []
        else:
            pairs = [(style.colour, style.background, ("styles", key, "colour"))]
        for fg, bg, loc in pairs:
            ratio = contrast(theme.colours[fg].rgb, theme.colours[bg].rgb)
            if ratio < rules.min_contrast:
                problems.append(src.error(loc,
                    f"text colour '{fg}' on '{bg}' (style '{key}') has contrast {ratio:.2f}:1, below "
                    f"{rules.min_contrast}:1; darken the text or lighten the background"))
    if theme.write_in.line_spacing < rules.min_line_spacing - 1e-6:
        problems.append(src.error(("write_in", "line_spacing"),
            f"{to_mm(theme.write_in.line_spacing):.1f} mm is below the minimum of {to_mm(rules.min_line_spacing):.0f} mm"))
    return problems


def _sample(cs: CardSet) -> Personal:
    s = cs.info.sample
    return Personal(s.name, s.professional, parse_appointment(s.appointment), s.location)


def lint(content: Path, templates: Path) -> LintReport:
    """Check everything; never raises for content problems, it reports them."""
    report = LintReport()
    try:
        theme = load_theme(templates)
    except KaartgenErrors as exc:
        report.problems += exc.errors
        return report
    except KaartgenError as exc:
        report.problems.append(exc)
        return report
    report.problems += check_theme(theme)
    fonts = Fonts(theme.model)
    folders = sorted(p for p in content.glob("*/*") if p.is_dir()) if content.is_dir() else []
    if not folders:
        report.problems.append(KaartgenError(f"no <language>/<variant> folders with content in {content}"))
    for folder in folders:
        language, variant = folder.parent.name, folder.name
        report.sets.append(f"{language}/{variant}")
        try:
            loaded = load_card_set(content, language, variant)
        except KaartgenErrors as exc:
            report.problems += exc.errors
            continue
        except KaartgenError as exc:
            report.problems.append(exc)
            continue
        text_problems = check_texts(loaded, theme.model, fonts)
        report.problems += text_problems
        if text_problems:
            continue  # layout would only repeat them
        for personal in (Personal(), _sample(loaded.model)):
            try:
                cards = lay_out(theme, loaded, personal)
                for name, fmt in theme.model.formats.items():
                    impose(cards, fmt, theme.model, name)
            except KaartgenError as exc:
                if personal.is_personal:
                    exc.message += " (with the long sample client from set.yaml)"
                report.problems.append(exc)
                break
        report.cards += len(loaded.model.cards) + len(loaded.model.domains)
    return report
