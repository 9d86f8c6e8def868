"""Lint, the texts themselves: every text of a set and of its letter renders with the values it may
use, uses only the variables allowed where it stands, and has every character in a font."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from itertools import chain

from jinja2 import TemplateSyntaxError

from kaartgen.errors import KaartgenError
from kaartgen.fonts import Fonts
from kaartgen.layout.letter import letter_values
from kaartgen.messages import Term
from kaartgen.model.clients import Client
from kaartgen.model.content import CardSet
from kaartgen.model.loading import Loaded
from kaartgen.model.merge import Loc
from kaartgen.model.rows import sample_client
from kaartgen.model.text import (
    CALIBRATION_VARIABLES,
    CARD_VARIABLES,
    DATE_VARIABLES,
    LETTER_VARIABLES,
    NUMBER_VARIABLES,
    Personal,
    card_values,
    render,
    variables,
)
from kaartgen.model.theme import Theme

NONE: frozenset[str] = frozenset()
SUMMARY_VARIABLES = {key: frozenset(names) for key, names in {
    "title": (), "empty": (), "chosen": (), "stagnation": (), "mechanism": (), "action": (), "ticked": (),
    "notes": ("number",), "save": (), "saved": (), "at_most": ("max",), "too_many": ("count", "max"),
    "resume": (), "autosave": (), "resumed": (), "not_resumed": (), "reference": ("reference",),
    "read_on": ("date",), "answers_file": (), "summary_file": (), "cut": ("count",), "not_text": (),
    "unknown_choice": ()}.items()}
LINT_DATE = date(2026, 12, 30)  # the letter's date lint renders with: any date does, this one fixes the bytes

WHO_NOBODY = Term("term.who_nobody")
WHO_SAMPLE = Term("term.who_sample")
WHO_SPARSE = Term("term.who_sparse")


def letter_texts(cs: CardSet, theme: Theme) -> Iterator[tuple[Loc, str, frozenset[str], str]]:
    """Every text of the cover letter, with the variables it may use and its style."""
    if cs.letter is None:
        return
    look = theme.letter
    letter = cs.letter
    for i, text in enumerate(letter.sender):
        yield ("letter", "sender", i), text, LETTER_VARIABLES, look.sender.style
    yield ("letter", "return_address"), letter.return_address, LETTER_VARIABLES, look.window.return_style
    yield ("letter", "date"), letter.date, LETTER_VARIABLES, look.date.style
    yield ("letter", "subject"), letter.subject, LETTER_VARIABLES, look.subject.style
    for key in ("greeting", "closing"):
        yield ("letter", key), getattr(letter, key), LETTER_VARIABLES, look.body_style
    for key in ("body", "signature"):
        for i, text in enumerate(getattr(letter, key)):
            yield ("letter", key, i), text, LETTER_VARIABLES, look.body_style
    if letter.for_others is not None:
        yield ("letter", "for_others"), letter.for_others, LETTER_VARIABLES, look.sender.style


def samples(cs: CardSet) -> list[tuple[Term, Client]]:
    """The clients lint proves every text with: the long sample of set.yaml, and the same client
    with only the required fields, so an optional value printed without {% if %} is caught."""
    full = sample_client(cs)
    sparse = replace(full, professional=None, phone=None, appointment=None, location=None, role=None)
    return [(WHO_SAMPLE, full), (WHO_SPARSE, sparse)]


def texts(cs: CardSet, theme: Theme) -> Iterator[tuple[Loc, str, frozenset[str], str]]:
    """Every text of a set with its location, the variables it may use and the style it prints in."""
    t = theme
    yield ("info", "title"), cs.info.title, NONE, t.footer.style
    yield ("info", "labels", "examples"), cs.info.labels.examples, NONE, t.examples.heading_style
    yield ("info", "labels", "card_number"), cs.info.labels.card_number, NUMBER_VARIABLES, t.footer.style
    yield ("info", "labels", "reference"), cs.info.labels.reference, frozenset({"reference"}), t.footer.style
    for key, allowed in SUMMARY_VARIABLES.items():  # the summary and the web page's own texts
        yield ("info", "summary", key), getattr(cs.info.summary, key), allowed, t.summary.answer_style
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
        styles = {"heading": t.text_blocks.heading, "text": t.text_blocks.text, "label": t.write_in.label_style,
                  "option": t.checkbox.label_style, "description": t.descriptions.style}
        for loc, text, kind in card.texts():
            yield ("cards", ci) + loc, text, CARD_VARIABLES, styles[kind]


def _value_sets(cs: CardSet) -> dict[frozenset[str], list[tuple[Term, dict[str, object]]]]:
    """For each kind of personal text, the values of every client lint renders it with."""
    clients = samples(cs)
    cards = [(WHO_NOBODY, card_values(Personal(), cs.info))]
    cards += [(who, card_values(c.personal, cs.info)) for who, c in clients]
    letters = [(who, letter_values(cs.info, c, LINT_DATE)) for who, c in clients]
    return {CARD_VARIABLES: cards, LETTER_VARIABLES: letters}


def check_texts(loaded: Loaded[CardSet], theme: Theme, fonts: Fonts) -> list[KaartgenError]:
    problems = []
    value_sets = _value_sets(loaded.model)
    for loc, text, allowed, style_name in chain(texts(loaded.model, theme), letter_texts(loaded.model, theme)):
        try:
            unknown = variables(text) - allowed
        except TemplateSyntaxError as exc:
            problems.append(loaded.sources.error(loc, "lint.template_syntax", problem=exc.message or ""))
            continue
        except KaartgenError as exc:  # a construct texts may not use
            problems.append(loaded.sources.error(loc, exc.code, **exc.params))
            continue
        for who, values in value_sets.get(allowed, []) if not unknown else []:
            try:
                render(text, values)
            except KaartgenError as exc:
                problems.append(loaded.sources.error(loc, "lint.fails_for", detail=exc, who=who))
                break
        if unknown:
            problems.append(loaded.sources.error(loc, "lint.unknown_variable", names=sorted(unknown),
                                                 allowed=sorted(allowed) or Term("term.none")))
        style = theme.style(style_name)
        for char in fonts.missing(text, style):
            problems.append(loaded.sources.error(loc, "lint.no_font", char=repr(char), point=f"U+{ord(char):04X}"))
    return problems


# A Dutch phone number as people write it: 0 or +31, then 6 to 10 more digits, single spaces or
# hyphens between them allowed ("088 898 92 94", "+31 88 8989294"); not a postcode, a Postbus
# number, a reference (K-0042) or a date.
PHONE = re.compile(r"(?<![\w+])(?:\+31|0)(?:[ \-]?\d){6,10}(?!\d)")
OWN_NUMBERS = {("info", "contact", "phone"), ("info", "sample", "phone")}  # where a number belongs


def check_phone_numbers(loaded: Loaded[CardSet]) -> list[KaartgenError]:
    """No text of a set holds a phone number of its own: the one number clients call is
    set.yaml's `contact.phone`, which texts print as {{ uwv_phone }}; a number typed into a text
    would go out of date apart from it (as 088 898 92 95, UWV's line for employers, once did)."""
    problems = []
    stack: list[tuple[tuple[str | int, ...], object]] = [((), loaded.model.model_dump())]
    while stack:
        loc, node = stack.pop()
        if isinstance(node, dict):
            stack += [((*loc, k), v) for k, v in node.items()]
        elif isinstance(node, list):
            stack += [((*loc, i), v) for i, v in enumerate(node)]
        elif isinstance(node, str) and loc not in OWN_NUMBERS and PHONE.search(node):
            problems.append(loaded.sources.error(loc, "lint.phone_number"))
    return sorted(problems, key=lambda p: (str(p.file), p.line or 0))
