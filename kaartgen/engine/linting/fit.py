"""Lint, fit: every card laid out at every size, generic and for the sample clients, imposed in
every format; the wording for a screen; the guide and the reflectiekaart; the letter; and the
paragraphs whose last line holds one word (a warning)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kaartgen import reportlab_internals as rl
from kaartgen.documents.guide import guide_pdf, reflection_pdf
from kaartgen.engine.edition import lay_out
from kaartgen.engine.linting.texts import LINT_DATE, samples
from kaartgen.errors import FieldError, KaartgenError
from kaartgen.fonts import Fonts
from kaartgen.layout.cards import CardMaker
from kaartgen.layout.imposition import impose
from kaartgen.layout.items import CardLayout, TextBox
from kaartgen.layout.letter import letter_page
from kaartgen.messages import Term
from kaartgen.model.content import CardSet
from kaartgen.model.loading import Loaded
from kaartgen.model.text import Personal
from kaartgen.model.theme import Theme
from kaartgen.model.units import to_mm

if TYPE_CHECKING:
    from kaartgen.engine.linting import LintReport


def widows(cards: list[CardLayout]) -> list[tuple[Term, str, str]]:
    """(side label, start of paragraph, the lone word) for paragraphs whose last line is one word."""
    found = []
    for card in cards:
        for side in card.sides:
            for item in side.items:
                if isinstance(item, TextBox):
                    lines = rl.line_words(item.para)
                    if len(lines) > 1 and len(lines[-1]) == 1:
                        start = " ".join(lines[0][:4])
                        found.append((side.label, start, lines[-1][0]))
    return found


class FitCheck:
    """The layout checks of one set at one size; problems go to `report` (see lint)."""

    def __init__(self, report: LintReport, loaded: Loaded[CardSet], size: str, theme: Loaded[Theme]):
        self.report, self.loaded, self.size, self.theme = report, loaded, size, theme
        self.fonts = Fonts(theme.model)
        self.margins: dict[tuple[str, str], float] = {}  # (kind, card) -> mm left on its fullest side

    def cards(self) -> None:
        """Every card, generic and for each sample client, in every format."""
        printed = any(f.scan_marks for f in self.theme.model.formats.values())  # as printed: with scan marks
        for who, personal in [(None, Personal())] + [(w, c.personal) for w, c in samples(self.loaded.model)]:
            try:
                cards = lay_out(self.theme, self.loaded, personal, self.fonts, scan=printed)
                if who is None:  # the wording for a screen (the fillable pack) must fit as well
                    lay_out(self.theme, self.loaded, personal, self.fonts, screen=True)
            except KaartgenError as exc:
                if who is None:
                    self.report.problems.append(exc)
                else:
                    self.report.problems.append(KaartgenError("lint.with_who", file=exc.file, line=exc.line,
                                                              key=exc.key, detail=_bare(exc), who=who))
                return
            for fmt_name, fmt in self.theme.model.formats.items():
                try:
                    impose(cards, fmt, self.theme.model, fmt_name)
                except KaartgenError as exc:
                    self.report.add(self.theme.sources.located(exc))
            if who is None and self.theme.model.direction.bind_last_words:  # shaped right-to-left lines: not read here
                for label, start, word in widows(cards):
                    self.report.warnings.append(KaartgenError("lint.widow", file=self.loaded.folder, size=self.size,
                                                              side=label, start=start, word=word))
            for card in cards:
                key = (card.kind, card.id)
                spare = to_mm(min(side.spare for side in card.sides))
                self.margins[key] = min(spare, self.margins.get(key, spare))

    def documents(self) -> None:
        """The guide and the reflectiekaart can be made (at the normal size only)."""
        if self.loaded.model.guide is None:
            return
        try:
            guide_pdf(self.loaded.model, self.theme.model, self.fonts)
            reflection_pdf(self.loaded.model, self.theme.model, self.fonts, "office")
        except KaartgenError as exc:
            self.report.add(self.loaded.sources.error(("guide",), "lint.guide", detail=exc))

    def letter(self) -> None:
        """The letter for each sample client: a sample whose address does not fit the window is a
        warning (clients like it will be row errors); anything else is a problem."""
        cs = self.loaded.model
        if cs.letter is None:
            return
        for who, client in samples(cs):
            try:
                letter_page(CardMaker(self.theme.model, self.fonts, cs, client.personal).ts, cs.letter,
                            cs.info, client, LINT_DATE)
            except FieldError as exc:
                warning = self.loaded.sources.error(("letter",), "lint.sample_address", size=self.size, detail=exc,
                                                    field=exc.field or "")
                if str(warning) not in {str(w) for w in self.report.warnings}:
                    self.report.warnings.append(warning)
            except KaartgenError as exc:
                self.report.add(self.loaded.sources.error(("letter",), "lint.letter", size=self.size, detail=exc,
                                                          who=who))


def _bare(exc: KaartgenError) -> KaartgenError:
    """The error without its place, to stand inside another message that has it."""
    bare = KaartgenError(exc.code, **exc.params)
    return bare
