"""Lint, the templates' own rules: minimum text sizes, write-in line spacing, and the contrast of
every text colour on its background (WCAG)."""

from __future__ import annotations

from kaartgen.engine.contrast import contrast
from kaartgen.errors import KaartgenError
from kaartgen.model.loading import Loaded
from kaartgen.model.theme import DOMAIN, DOMAIN_TEXT, Theme
from kaartgen.model.units import to_mm


def check_theme(loaded: Loaded[Theme]) -> list[KaartgenError]:
    """Template rules: minimum text sizes, write-in spacing and contrast of every text colour pair."""
    theme: Theme = loaded.model
    rules = theme.rules
    src = loaded.sources
    problems = []
    for key, style in theme.styles.items():
        if style.heading:
            minimum = rules.min_heading_size
        else:
            minimum = rules.min_small_size if style.small else rules.min_text_size
        if style.size < minimum - 1e-6:
            problems.append(src.error(("styles", key, "size"), "lint.size", size=f"{style.size:.1f}",
                                      minimum=f"{minimum:.1f}"))
        if style.background == DOMAIN:
            pairs = [(style.colour if style.colour != DOMAIN_TEXT else dc.text, dc.fill,
                      ("domain_colours", name, "text")) for name, dc in theme.domain_colours.items()]
        elif style.colour == DOMAIN_TEXT:
            problems.append(src.error(("styles", key, "colour"), "lint.domain_text"))
            pairs = []
        else:
            pairs = [(style.colour, style.background, ("styles", key, "colour"))]
        for fg, bg, loc in pairs:
            ratio = contrast(theme.colours[fg].rgb, theme.colours[bg].rgb)
            if ratio < rules.min_contrast:
                problems.append(src.error(loc, "lint.contrast", fg=fg, bg=bg, style=key, ratio=f"{ratio:.2f}",
                                          minimum=rules.min_contrast))
    if theme.write_in.line_spacing < rules.min_line_spacing - 1e-6:
        problems.append(src.error(("write_in", "line_spacing"), "lint.line_spacing",
                                  spacing=f"{to_mm(theme.write_in.line_spacing):.1f}",
                                  minimum=f"{to_mm(rules.min_line_spacing):.0f}"))
    return problems
