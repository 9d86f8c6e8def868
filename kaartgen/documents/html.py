"""The card set as one self-contained, accessible web page (`--format html`).

Built with Jinja2 (autoescaping on) from the same content and templates as the PDFs: the same
answer names as the digital PDF, so `kaartgen read` takes the JSON the page saves. Fonts are
embedded as data, so the page loads nothing from anywhere.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from kaartgen import __version__
from kaartgen.fonts.files import font_path
from kaartgen.model.answers import answer_name, marker, note_name, questions, tick_name
from kaartgen.model.content import CardSet, Choice, Descriptions, DomainChoice, Heading, Text, WriteIn
from kaartgen.model.text import Personal, card_values, render
from kaartgen.model.theme import Theme

TEMPLATE = "html/pack.html.j2"
COUNT = "{count}"  # stands in for the number of ticks in a text the page fills in as the client ticks


def _hex(theme: Theme, name: str) -> str:
    return "#" + "".join(f"{round(v * 255):02x}" for v in theme.colours[name].rgb)


def _svg(theme: Theme, name: str | None, colour: str) -> str:
    if not name:
        return ""
    width = theme.pictograms.stroke
    parts = []
    for shape in theme.pictograms.icons[name]:
        if shape.circle:
            cx, cy, r = shape.circle
            parts.append(f'<circle cx="{cx}" cy="{100 - cy}" r="{r}"/>')
        else:
            outline = shape.line or shape.shape
            assert outline is not None  # a template's shape has exactly one of line, shape and circle
            points = " ".join(f"{x},{100 - y}" for x, y in outline)
            tag = "polygon" if shape.shape else "polyline"
            parts.append(f'<{tag} points="{points}"/>')
    return (f'<svg viewBox="0 0 100 100" aria-hidden="true" focusable="false" fill="none" stroke="{colour}" '
            f'stroke-width="{width}" stroke-linecap="round" stroke-linejoin="round">{"".join(parts)}</svg>')


def _font(theme: Theme, weight: str) -> str:
    return base64.b64encode(font_path(getattr(theme.fonts["sans"], weight)).read_bytes()).decode("ascii")


def page_context(cs: CardSet, theme: Theme, personal: Personal) -> dict[str, Any]:
    values = card_values(personal, cs.info)
    labels = cs.info.summary
    first_choice = next((i for i, c in enumerate(cs.cards)
                         if any(isinstance(b, DomainChoice) for _, b, _ in c.walk())), len(cs.cards))
    cards = []
    for index, card in enumerate(cs.cards):
        blocks: list[dict[str, Any]] = []
        asks = questions(card)
        for position, (_, b, under) in enumerate(card.walk()):
            name = answer_name(card, b) if hasattr(b, "id") else ""
            heading = render(under, values)
            question = render(asks.get(position, under), values)
            if isinstance(b, Heading):
                blocks.append({"type": "heading", "text": heading, "level": 2 if not blocks else 3})
            elif isinstance(b, Text):
                text = render(b.for_screen(True), values)
                if text:
                    blocks.append({"type": "text", "text": text})
            elif isinstance(b, WriteIn):
                blocks.append({"type": "write_in", "name": name, "rows": b.lines, "heading": heading,
                               "label": question})
            elif isinstance(b, Choice):
                blocks.append({"type": "choice", "name": name, "legend": question, "heading": heading,
                               "options": [{"value": o.id, "text": o.label} for o in b.options]})
            elif isinstance(b, Descriptions):
                blocks.append({"type": "descriptions", "name": name, "legend": question, "heading": heading,
                               "options": [{"value": o.letter, "letter": o.letter, "text": o.text} for o in b.options]})
            elif isinstance(b, DomainChoice):
                blocks.append({"type": "domain_choice", "legend": question, "heading": heading,
                               "at_most": render(labels.at_most, {"max": b.max}), "max": b.max,
                               "over_max": render(labels.over_max, {"max": b.max, "count": COUNT}),
                               "options": [{"name": tick_name(name, d.id), "text": d.label} for d in cs.domains],
                               "areas": [{"name": note_name(name, n), "label": render(labels.notes, {"number": n})}
                                         for n in range(1, b.max + 1)]})
        cards.append({"id": card.id, "number": f"{index + 1}/{len(cs.cards)}", "blocks": blocks,
                      "domains_before": index == first_choice})
    domains = [{"id": d.id, "title": d.title, "intro": d.intro, "questions": d.questions, "examples": d.examples,
                "fill": _hex(theme, theme.domain_colours[d.colour].fill),
                "svg": _svg(theme, d.pictogram, _hex(theme, theme.domain_colours[d.colour].fill))}
               for d in cs.domains]
    return {
        "language": cs.info.language, "direction": theme.direction.html,
        "title": cs.info.title, "set": f"{cs.info.language}/{cs.info.variant}",
        "version": __version__, "cards": cards, "domains": domains, "examples_label": cs.info.labels.examples,
        "save_label": labels.save, "saved_text": labels.saved, "marker": marker(),
        "reference": personal.reference or "",
        "reference_text": render(labels.reference, {"reference": personal.reference}) if personal.reference else "",
        "file_name": f"{labels.answers_file}-{personal.reference}.json" if personal.reference
        else f"{labels.answers_file}.json",
        "resume_label": labels.resume, "autosave_text": labels.autosave, "resumed_text": labels.resumed,
        "not_resumed_text": labels.not_resumed, "body_size": f"{theme.html.body_size:g}pt",
        "clear_label": labels.clear, "clear_confirm": labels.clear_confirm, "cleared_text": labels.cleared,
        "count_mark": COUNT,
        "colours": {k: _hex(theme, k) for k in ("ink", "paper", "rule", "muted")},
        "font_regular": _font(theme, "regular"), "font_bold": _font(theme, "bold"),
    }


def render_html(cs: CardSet, theme: Theme, templates: Path, personal: Personal) -> str:
    env = Environment(loader=FileSystemLoader(str(templates)), autoescape=select_autoescape(["html", "j2"]),
                      undefined=StrictUndefined, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    return env.get_template(TEMPLATE).render(**page_context(cs, theme, personal))
