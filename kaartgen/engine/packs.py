"""Packs for many clients: what is the same for everyone is laid out once and reused.

For each language/variant/size, the generic cards are laid out once. Per client only the sides
whose texts use client values (the introduction card) and the letter are laid out again. In a
merged print file the generic sides become form XObjects, drawn once for the whole run.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from kaartgen.engine.build import LARGE_PRINT, check_theme_names, pick_format
from kaartgen.model.clients import PRINTED, Client, client_error
from kaartgen.model.content import CardSet
from kaartgen.errors import KaartgenError
from kaartgen.layout.fonts import Fonts
from kaartgen.layout.imposition import Page, impose
from kaartgen.layout.cards import CardLayout, Layout
from kaartgen.layout.letter import letter_page
from kaartgen.model.loading import Loaded, load_card_set, load_theme
from kaartgen.render.marks import InsertMark, mark_value
from kaartgen.model.text import CARD_VARIABLES, variables
from kaartgen.model.theme import Format, Theme


def personal_cards(cs: CardSet) -> list[int]:
    """Indexes of fill-in cards with a text that uses a client value."""
    out = []
    for i, card in enumerate(cs.cards):
        if any(variables(text) & CARD_VARIABLES for _, text, kind in card.texts() if kind in ("heading", "text")):
            out.append(i)
    return out


@dataclass
class Edition:
    """One language/variant/size in one format, with its generic cards laid out."""

    theme: Theme
    fonts: Fonts
    card_set: CardSet
    fmt: Format
    fmt_name: str
    generic: list[CardLayout]
    personal: list[int]
    base_font: str
    shared: frozenset[int] = frozenset()  # ids of the generic sides: the ones a print run keeps as forms

    def __post_init__(self) -> None:
        keep = set(self.personal)
        self.shared = frozenset(id(s) for i, c in enumerate(self.generic) if i not in keep for s in c.sides)




class PackMaker:
    """Makes the pages of a client's pack: cover letter, then the cards, each on new sheets."""

    def __init__(self, content: Path, templates: Path, fmt_name: str, letter_date: date,
                 job: str | None = None, insert_marks: bool = False):
        self.content, self.templates, self.fmt_name = content, templates, fmt_name
        self.letter_date = letter_date
        self.job = job
        self.insert_marks = insert_marks
        self._editions: dict[tuple[str, str, bool], Edition] = {}
        self._themes: dict[bool, Loaded] = {}
        self._fonts: Fonts | None = None

    def theme(self, large: bool) -> Loaded:
        if large not in self._themes:
            self._themes[large] = load_theme(self.templates, LARGE_PRINT if large else ())
        return self._themes[large]

    def unprintable(self, text: str) -> list[str]:
        """Characters of a client's value that the fonts cannot print (checked before any layout)."""
        if self._fonts is None:
            self._fonts = Fonts(self.theme(False).model)
        return self._fonts.unprintable(text)

    def edition(self, language: str, variant: str, large: bool) -> Edition:
        key = (language, variant, large)
        if key not in self._editions:
            theme = self.theme(large)
            loaded = load_card_set(self.content, language, variant)
            check_theme_names(loaded, theme.model)
            if loaded.model.letter is None:
                raise KaartgenError(f"{language}/{variant} has no letter.yaml; the batch needs a cover letter")
            fonts = Fonts(theme.model)
            fmt = pick_format(theme.model, self.fmt_name, None)
            generic = Layout(theme.model, fonts, loaded.model).pack()
            body = theme.model.style(theme.model.text_blocks.text)
            self._editions[key] = Edition(theme.model, fonts, loaded.model, fmt, self.fmt_name, generic,
                                          personal_cards(loaded.model), fonts.name(body.font, body.weight))
        return self._editions[key]

    def pages(self, client: Client, sequence: int = 0) -> tuple[Edition, list[Page]]:
        """All pages of the client's pack; raises KaartgenError, FieldError when a client value is the cause."""
        ed = self.edition(client.language, client.variant, client.large_print)
        layout = Layout(ed.theme, ed.fonts, ed.card_set, client.personal)
        cards = list(ed.generic)
        try:
            for i in ed.personal:
                cards[i] = layout.fill_in_card(i, ed.card_set.cards[i])
            letter = [letter_page(layout, ed.card_set.letter, client, self.letter_date)]
        except KaartgenError as exc:
            raise client_error(exc, {f: getattr(client, f) for f in PRINTED}) from None
        if ed.fmt.duplex is not None:
            letter.append(Page(letter[0].width, letter[0].height))  # the cards start on a new sheet
        pages = letter + impose(cards, ed.fmt, ed.theme, ed.fmt_name)
        if self.insert_marks:
            pages = self._marked(pages, ed, sequence)
        return ed, pages

    def _marked(self, pages: list[Page], ed: Edition, sequence: int) -> list[Page]:
        step = 2 if ed.fmt.duplex is not None else 1
        sheets = len(pages) // step
        out = list(pages)
        for sheet in range(sheets):
            i = sheet * step
            spot = ed.theme.letter.insert_mark if sheet == 0 else ed.fmt.insert_mark
            if spot is None:
                raise KaartgenError(f"format '{ed.fmt_name}' has no insert_mark position in templates/formats.yaml")
            value = mark_value(self.job or "-", sequence, sheet + 1, sheets)
            mark = InsertMark(spot.x, out[i].height - spot.y, value)
            out[i] = replace(out[i], items=out[i].items + [mark])
        return out
