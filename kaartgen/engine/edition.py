"""The engine API: a Library of content and templates, and the Editions made from it.

Every front end (the CLI, the web app, the tests, the batch workers) goes through these two
classes, so loading, checking, laying out and rendering happen one way only:

- `Library(content, templates)` loads each theme, font set and card set once, on first use.
- `library.edition(language, variant, large_print, format)` is one language/variant/size in one
  format with its generic cards laid out once; it renders a pack for no client or one client to
  bytes, and a batch client's pages.
- `library.guide(...)`, `library.previews(...)`, `library.set_files(...)` and `library.read(...)`
  make the other documents.

Nothing here writes files or knows about click: callers decide where bytes go.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportlab.platypus import Paragraph

from kaartgen.errors import FieldError, KaartgenError, KaartgenErrors
from kaartgen.fonts import Fonts
from kaartgen.layout.calibration import calibration_pages
from kaartgen.layout.cards import REFERENCE_CARD, REFERENCE_SIDE, CardMaker
from kaartgen.layout.imposition import Page, impose
from kaartgen.layout.items import CardLayout
from kaartgen.layout.letter import letter_page
from kaartgen.layout.typeset import ParaKey, Typesetter
from kaartgen.model.builtin import DEFAULT_CONTENT, DEFAULT_TEMPLATES
from kaartgen.model.clients import ON_PAPER, Client
from kaartgen.model.content import CardSet
from kaartgen.model.loading import Loaded, available_sets, load_card_set, load_theme
from kaartgen.model.rows import client_error, sample_client, value_problems
from kaartgen.model.text import CARD_VARIABLES, Personal, variables
from kaartgen.model.theme import Format, Point, Theme
from kaartgen.render.marks import InsertMark, mark_value
from kaartgen.render.pdf import render_pdf
from kaartgen.render.setfile import SetFile

if TYPE_CHECKING:
    from kaartgen.render.pdfjoin import SharedObjects

LARGE_PRINT = ("large-print",)  # the template overlay behind large print
RIGHT_TO_LEFT = ("rtl",)  # the template overlay of a set whose text runs right to left (set.yaml direction: rtl)
DIRECTIONS = ("ltr", "rtl")


def overlays(large_print: bool, direction: str = "ltr") -> tuple[str, ...]:
    """The template overlays of a size and a direction, in the order they apply."""
    return (LARGE_PRINT if large_print else ()) + (RIGHT_TO_LEFT if direction == "rtl" else ())
HTML = "html"  # the one format that is not a PDF
PREVIEW_FORMAT = "cards"  # one card side a page, trimmed: what a preview shows
PERSONAL_OPTIONS = ("name", "professional", "role", "location")  # client values a single pack takes
NO_CLIENT = Personal()  # a generic pack: no client values, no reference


def check_theme_names(card_set: Loaded[CardSet], theme: Theme) -> None:
    """Names in the content that must exist in the templates: domain colours, pictograms, styles."""
    problems: list[KaartgenError] = []
    for i, domain in enumerate(card_set.model.domains):
        if domain.colour not in theme.domain_colours:
            problems.append(card_set.sources.error(("domains", i, "colour"), "content.unknown_domain_colour",
                                                   name=domain.colour, known=sorted(theme.domain_colours)))
        if domain.pictogram is not None and domain.pictogram not in theme.pictograms.icons:
            problems.append(card_set.sources.error(("domains", i, "pictogram"), "content.unknown_pictogram",
                                                   name=domain.pictogram, known=sorted(theme.pictograms.icons)))
    back = card_set.model.info.domain_back
    for key in ("text_style", "example_style", "example_heading_style"):
        name = getattr(back, key)
        if name is not None and name not in theme.styles:
            problems.append(card_set.sources.error(("info", "domain_back", key), "content.unknown_style",
                                                   name=name, known=sorted(theme.styles)))
    if problems:
        raise KaartgenErrors(problems)


def lay_out(theme: Loaded[Theme], card_set: Loaded[CardSet], personal: Personal, fonts: Fonts | None = None,
            screen: bool = False, scan: bool = False) -> list[CardLayout]:
    """All cards laid out; layout errors get the file and line of the content they concern."""
    check_theme_names(card_set, theme.model)
    try:
        return CardMaker(theme.model, fonts or Fonts(theme.model), card_set.model, personal, screen, scan=scan).pack()
    except KaartgenError as exc:
        raise card_set.sources.located(exc) from None


def personal_sides(cs: CardSet) -> dict[int, frozenset[int]]:
    """For each fill-in card with a text (of any kind: heading, text, label, option) that uses a
    client value, the indexes of the sides that have one. Only these differ between clients (and
    the side that carries a pack's reference, layout/cards.py); domain cards may use no client value (lint)."""
    found: dict[int, set[int]] = {}
    for i, card in enumerate(cs.cards):
        for loc, text, _ in card.texts():
            if variables(text) & CARD_VARIABLES:
                found.setdefault(i, set()).add(int(loc[1]))
    return {i: frozenset(sides) for i, sides in found.items()}


@dataclass(frozen=True)
class Reading:
    """What reading a client's answers gives: the summary as data and as PDF, the file name (without
    suffix) to save both under, and how many characters the PDF shows as a placeholder."""

    summary: dict[str, Any]
    pdf: bytes
    stem: str
    placeholders: int = 0
    heading: list[str] = field(default_factory=list)  # the pack's reference and the reading date, worded
    notes: list[KaartgenError] = field(default_factory=list)  # a scan's: what a person should look at

    @property
    def scanned(self) -> bool:
        """Answers read from scanned paper cards."""
        from kaartgen.engine.read import SCANNED

        return bool(self.summary.get("channel") == SCANNED)


def _option_error(exc: KaartgenError, personal: Personal) -> FieldError:
    """A layout error that only a client's value causes, naming its field, never the value."""
    return client_error(exc, {o: getattr(personal, o) for o in PERSONAL_OPTIONS})


class Edition:
    """One language/variant/size in one format: checked once, its generic cards laid out once.

    Read-only once made, so threads and forked workers may share it."""

    def __init__(self, theme: Loaded[Theme], card_set: Loaded[CardSet], fonts: Fonts, fmt_name: str,
                 back_offset: tuple[float, float] | None = None, scan_marks: bool = True):
        self.loaded_theme, self.loaded_set = theme, card_set
        self.theme: Theme = theme.model
        self.card_set: CardSet = card_set.model
        self.fonts = fonts
        self.fmt_name = fmt_name
        self.fmt: Format | None = None
        if fmt_name != HTML:
            if fmt_name not in self.theme.formats:
                raise FieldError("format", "option.unknown_format", format=fmt_name,
                                 known=sorted([*self.theme.formats, HTML]))
            self.fmt = self.theme.formats[fmt_name]
            if back_offset is not None:
                self.fmt = self.fmt.model_copy(update={"back_offset": back_offset})
        # corner dots and codes on the fill-in cards, for `kaartgen scan`: where the format prints them
        self.scan = self.fmt is not None and self.fmt.scan_marks and scan_marks
        check_theme_names(card_set, theme.model)
        self.personal = personal_sides(self.card_set)
        self._lock = threading.Lock()
        self._paragraphs: dict[ParaKey, tuple[Paragraph, float]] = {}  # wrapped once, drawn for every client

    @property
    def pdf_fmt(self) -> Format:
        """The sheet format, for what only a PDF edition makes (pages, tickets, batch parts); the
        html edition has none, and a batch or a print shop never asks it for one."""
        if self.fmt is None:
            raise FieldError("format", "option.format_not_printed", format=self.fmt_name)
        return self.fmt

    @property
    def screen(self) -> bool:
        """A format filled in on a screen (the fillable PDF): texts in their screen wording."""
        return self.fmt is not None and self.fmt.write_in == "box"

    @cached_property
    def generic(self) -> list[CardLayout]:
        """The cards without a client, laid out on first use."""
        with self._lock:
            return lay_out(self.loaded_theme, self.loaded_set, Personal(), self.fonts, self.screen, self.scan)

    @cached_property
    def shared(self) -> frozenset[int]:
        """Ids of the generic sides no client changes: the ones a print run keeps as forms."""
        return frozenset(id(side) for i, card in enumerate(self.generic) for si, side in enumerate(card.sides)
                         if si not in self.personal.get(i, ()) and (i, si) != (REFERENCE_CARD, REFERENCE_SIDE))

    # -- one pack ---------------------------------------------------------------------------------

    def check_personal(self, personal: Personal) -> None:
        """Client values given as options: refused before any layout, every field at once, naming
        the field, never the value."""
        problems: list[KaartgenError] = [
            FieldError(option, found[0][0], **found[0][1])
            for option in PERSONAL_OPTIONS for value in [getattr(personal, option)]
            for found in [value_problems(value, self.fonts.unprintable) if value else []] if found]
        if len(problems) == 1:
            raise problems[0]
        if problems:
            raise KaartgenErrors(problems)

    def cards(self, personal: Personal) -> list[CardLayout]:
        """Every card laid out for `personal`; when a personal pack fails where the generic one
        fits, the client's value is to blame and the message names the option."""
        if not personal.is_personal:
            return self.generic
        self.check_personal(personal)
        try:
            return self._relaid(self._maker(personal), personal)
        except KaartgenError as exc:
            _ = self.generic  # the content's own problem, if it has one, comes first
            raise _option_error(exc, personal) from None

    def problems(self, personal: Personal) -> list[KaartgenError]:
        """Every client value that cannot be printed or does not fit its card, each naming its
        field: a value found wrong is left out and the cards laid out again, so that one value's
        problem never hides another's. Empty when the pack can be made."""
        found: list[KaartgenError] = []
        for _ in PERSONAL_OPTIONS:  # each round leaves out at least one more value, or ends
            try:
                self.check_personal(personal) if self.fmt is None else self.cards(personal)
                return found
            except KaartgenError as exc:
                errors = exc.errors if isinstance(exc, KaartgenErrors) else [exc]
                fields = {e.field for e in errors if e.field is not None and e.field in PERSONAL_OPTIONS}
                found += errors
                if not fields or any(getattr(personal, f) is None for f in fields):
                    return found  # not about a value given, or about one already left out
                personal = dataclasses.replace(personal, **dict.fromkeys(fields))
        return found

    def _maker(self, personal: Personal) -> CardMaker:
        """A maker for one client, sharing the edition's paragraphs that hold no client value."""
        return CardMaker(self.theme, self.fonts, self.card_set, personal, self.screen, self._paragraphs, self.scan)

    @cached_property
    def texts_version(self) -> str:
        from kaartgen.model.scancode import texts_version

        return texts_version(self.card_set)

    def coded(self, cards: list[CardLayout], reference: str | None, first: int = 0) -> list[CardLayout]:
        """`cards` (pack positions `first`…) with the scan code over each printed fill-in side that
        keeps a spot for one; as they are when the edition prints no scan marks."""
        if not self.scan:
            return cards
        from kaartgen.layout.scanmarks import coded
        from kaartgen.model.scancode import ScanId

        info = self.card_set.info
        name = f"{info.language}/{info.variant}"
        ids: list[list[ScanId | None]] = [
            [ScanId(name, self.theme.card.name, first + i + 1, j + 1, self.texts_version, reference)
             for j in range(len(card.sides))] for i, card in enumerate(cards)]
        try:
            return coded(cards, self.theme, ids)
        except KaartgenError as exc:
            raise _option_error(exc, Personal(reference=reference)) if reference else exc from None

    def _relaid(self, maker: CardMaker, personal: Personal) -> list[CardLayout]:
        """The generic cards, with the sides `personal` changes laid out again: the sides whose
        texts use a client value, and card 1's front when the pack has a reference. The other sides
        are laid out once per edition and shared by every pack and every client of a batch."""
        cards = list(self.generic)
        redo = dict(self.personal)
        if personal.reference:
            redo[REFERENCE_CARD] = redo.get(REFERENCE_CARD, frozenset()) | {REFERENCE_SIDE}
        for i in sorted(redo):
            keep = {si: side for si, side in enumerate(cards[i].sides) if si not in redo[i]}
            cards[i] = maker.fill_in_card(i, self.card_set.cards[i], keep)
        return cards

    def preview(self, personal: Personal = NO_CLIENT, index: int = 0) -> bytes:
        """The first side of fill-in card `index` for `personal` as a PNG, at screen resolution:
        what the professional sees while typing. Laid out and drawn like the pack itself."""
        from kaartgen.render.preview import side_png

        self.check_personal(personal)
        try:
            card = self._maker(personal).fill_in_card(index, self.card_set.cards[index])
        except KaartgenError as exc:
            raise _option_error(exc, personal) from None
        one = self.coded([CardLayout(card.id, card.kind, card.sides[:1])], personal.reference, index)[0]
        fmt = self.theme.formats[PREVIEW_FORMAT]
        pages = impose([one], fmt, self.theme, PREVIEW_FORMAT)
        return side_png(render_pdf(pages, self.theme, fmt, self.card_set.info.title, "preview", self.fonts))

    def pack(self, personal: Personal = NO_CLIENT, crop_marks: bool = False) -> bytes:
        """The whole pack as one PDF, or as one web page (format html), as bytes."""
        if self.fmt is None:
            from kaartgen.documents.html import render_html

            self.check_personal(personal)
            return render_html(self.card_set, self.theme, self.loaded_theme.folder, personal).encode("utf-8")
        cards = self.coded(self.cards(personal), personal.reference)
        labels = self.card_set.info.labels
        try:
            pages = impose(cards, self.fmt, self.theme, self.fmt_name, crop_marks, (labels.front, labels.back))
        except KaartgenError as exc:
            raise self.loaded_theme.sources.located(exc) from None
        info = self.card_set.info
        return render_pdf(pages, self.theme, self.fmt, info.title,
                          f"{info.language}/{info.variant}, {self.theme.card.name}, {self.fmt_name}", self.fonts,
                          keywords=f"kaartgen {info.language}/{info.variant} {self.theme.card.name} {self.fmt_name}",
                          lang=info.language)

    def ticket(self, pdf: bytes, crop_marks: bool = False) -> tuple[str, dict[str, Any], bytes]:
        """The print shop's job ticket of `pdf`, this edition's generic pack in a print-shop format:
        its file stem, its data (for the JSON file) and its PDF."""
        from kaartgen.documents.ticket import ticket_pdf
        from kaartgen.engine.ticket import shop_ticket

        info = self.card_set.info
        if info.ticket is None:
            raise KaartgenError("content.no_ticket", set=f"{info.language}/{info.variant}")
        labels = info.labels
        fmt = self.pdf_fmt
        pages = impose(self.generic, fmt, self.theme, self.fmt_name, crop_marks, (labels.front, labels.back))
        intent = fmt.output_intent.condition if fmt.output_intent else None
        data = shop_ticket(pdf, self.file_name(), pages, self.theme, f"{info.language}/{info.variant}",
                           (labels.front, labels.back), fmt.stock, intent)
        ts = Typesetter(self.theme, self.fonts)
        return self.file_name().removesuffix(".pdf") + "-ticket", data, ticket_pdf(data, info.ticket, ts, pdf)

    def file_name(self, personal: Personal = NO_CLIENT) -> str:
        """Language, variant, size and format in the name, then the pack's reference (a client
        number, checked to hold no name) so that two clients' packs never share a name, or
        `-personal` for a personal pack without one; never anything else about the client."""
        info = self.card_set.info
        suffix = f"-{personal.reference}" if personal.reference else "-personal" if personal.is_personal else ""
        ext = "html" if self.fmt is None else "pdf"
        return f"kaartgen-{info.language}-{info.variant}-{self.theme.card.name}-{self.fmt_name}{suffix}.{ext}"

    def calibration(self) -> tuple[str, bytes]:
        """The duplex calibration sheet for this format: its file name and PDF."""
        if self.fmt is None:
            raise FieldError("calibration", "option.calibration_format", format=self.fmt_name)
        info = self.card_set.info
        pages = calibration_pages(Typesetter(self.theme, self.fonts), info.calibration, self.fmt, self.fmt_name)
        data = render_pdf(pages, self.theme, self.fmt, info.title, "calibration", self.fonts)
        return f"kaartgen-calibration-{info.language}-{self.fmt_name}.pdf", data

    # -- a batch client ---------------------------------------------------------------------------

    def client_pages(self, client: Client, letter_date: date) -> list[Page]:
        """Cover letter, then the cards, each on new sheets; only the sides that hold a client value are laid out
        again. Raises KaartgenError, FieldError when a client value is the cause."""
        if self.card_set.letter is None:
            info = self.card_set.info
            raise KaartgenError("content.no_letter", set=f"{info.language}/{info.variant}")
        maker = self._maker(client.personal)
        try:
            cards = self._relaid(maker, client.personal)  # a client's id is the pack's reference
            letter = [letter_page(maker.ts, self.card_set.letter, self.card_set.info, client, letter_date)]
        except KaartgenError as exc:
            raise client_error(exc, {f: getattr(client, f) for f in ON_PAPER}) from None
        fmt = self.pdf_fmt
        if fmt.duplex is not None:
            letter.append(Page(letter[0].width, letter[0].height))  # the cards start on a new sheet
        return letter + impose(self.coded(cards, client.personal.reference), fmt, self.theme, self.fmt_name)

    def envelope_check(self, letter_date: date) -> list[Page]:
        """The letter of the set's sample client with the envelope window and the zone only the
        address may enter drawn on it, address lines as frames: printed, folded and put in an
        envelope, it shows whether the office's envelopes match templates/letter.yaml."""
        if self.card_set.letter is None:
            info = self.card_set.info
            raise KaartgenError("content.no_letter", set=f"{info.language}/{info.variant}")
        client = sample_client(self.card_set)
        ts = self._maker(client.personal).ts
        return [letter_page(ts, self.card_set.letter, self.card_set.info, client, letter_date, outline=True)]

    # -- a batch: each client's part, joined to what the edition's packs share ----------------------

    @cached_property
    def shared_keys(self) -> dict[int, str]:
        """A stable name for each shared side (card and side number), the same in every process."""
        return {id(side): f"c{i}s{j}" for i, card in enumerate(self.generic) for j, side in enumerate(card.sides)
                if id(side) in self.shared}

    @cached_property
    def library(self) -> SharedObjects:
        """The shared sides and fonts of this edition's packs, rendered and parsed once (main process)."""
        from kaartgen.render.pdf import render_library
        from kaartgen.render.pdfjoin import SharedObjects

        sides = [(key, side) for card in self.generic for side in card.sides
                 for key in [self.shared_keys.get(id(side))] if key is not None]
        return SharedObjects(render_library(sides, self.fonts.all_names(), self.theme, self.pdf_fmt, self.fonts))

    def client_part(self, client: Client, letter_date: date) -> tuple[bytes, list[float]]:
        """A client's pages drawn once, as a part that names the shared sides and fonts (joined by
        the main process into the client's file and into the print run), and each page's height."""
        from kaartgen.render.pdf import PdfDoc

        pages = self.client_pages(client, letter_date)
        doc = PdfDoc(self.card_set.info.title, f"{self.card_set.info.language}/{self.card_set.info.variant}",
                     self.fonts, share="part", keys=self.shared_keys)
        doc.add(pages, self.theme, self.pdf_fmt, self.shared)
        return doc.finish(), [page.height for page in pages]

    def mark_spots(self) -> tuple[Point, Point]:
        """Where the inserter mark goes on the letter's sheet and on the cards' sheets."""
        insert_mark = self.pdf_fmt.insert_mark
        if insert_mark is None:
            raise FieldError("insert_marks", "template.no_insert_mark", format=self.fmt_name)
        return self.theme.letter.insert_mark, insert_mark

    def mark_overlays(self, heights: list[float], sequence: int, job: str) -> list[bytes | None]:
        """The inserter mark of each sheet of a pack, as content drawn over its first page."""
        from kaartgen.render.marks import mark_operators

        step = 2 if self.pdf_fmt.duplex is not None else 1
        sheets = len(heights) // step
        dark = tuple(v / 100 for v in self.theme.colours["mark"].cmyk)
        light = tuple(v / 100 for v in self.theme.colours["paper"].cmyk)
        out: list[bytes | None] = [None] * len(heights)
        for sheet in range(sheets):
            spot = self.mark_spots()[sheet > 0]
            mark = InsertMark(spot.x, heights[sheet * step] - spot.y, mark_value(job, sequence, sheet + 1, sheets))
            out[sheet * step] = mark_operators(mark, dark, light)
        return out


class Library:
    """One content folder and one templates folder; each part is loaded once, on first use."""

    def __init__(self, content: Path = DEFAULT_CONTENT, templates: Path = DEFAULT_TEMPLATES):
        self.content, self.templates = Path(content), Path(templates)
        self._lock = threading.RLock()
        self._themes: dict[tuple[bool, str], Loaded[Theme]] = {}
        self._fonts: dict[tuple[bool, str], Fonts] = {}
        self._sets: dict[tuple[str, str], Loaded[CardSet]] = {}
        self._editions: dict[tuple[str, str, bool, str, tuple[float, float] | None, bool], Edition] = {}

    def theme(self, large_print: bool = False, direction: str = "ltr") -> Loaded[Theme]:
        """The templates, with the large-print overlay and, for a right-to-left set, templates/rtl/."""
        key = (large_print, direction)
        with self._lock:
            if key not in self._themes:
                self._themes[key] = load_theme(self.templates, overlays(large_print, direction))
            return self._themes[key]

    def fonts(self, large_print: bool = False, direction: str = "ltr") -> Fonts:
        key = (large_print, direction)
        with self._lock:
            if key not in self._fonts:
                self._fonts[key] = Fonts(self.theme(large_print, direction).model)
            return self._fonts[key]

    def direction(self, language: str, variant: str) -> str:
        """Which way a set's text runs (set.yaml `direction`): the templates it is made with."""
        return self.card_set(language, variant).model.info.direction

    def card_set(self, language: str, variant: str) -> Loaded[CardSet]:
        with self._lock:
            if (language, variant) not in self._sets:
                self._sets[(language, variant)] = load_card_set(self.content, language, variant)
            return self._sets[(language, variant)]

    @cached_property
    def content_version(self) -> str:
        """The sha256 of the content folder's files: which texts a pack was made with (the audit
        log, the web app's "Over deze toepassing")."""
        from kaartgen.engine.jobfolder import content_version

        return content_version(self.content)

    def sets(self) -> list[str]:
        """'language/variant' of every set in the content folder."""
        return available_sets(self.content)

    def concept_sets(self) -> list[str]:
        """'language/variant' of every translated set no native speaker has checked yet (status concept)."""
        found = []
        for name in self.sets():
            try:
                translation = self.card_set(*name.split("/")).model.info.translation
            except KaartgenError:
                continue  # a set that does not load is lint's to report
            if translation is not None and translation.concept:
                found.append(name)
        return found

    def unprintable(self, text: str) -> list[str]:
        """Characters of a client's value that the fonts cannot print (checked before any layout)."""
        return self.fonts(False).unprintable(text)

    def edition(self, language: str = "nl", variant: str = "standaard", large_print: bool = False,
                format: str = "office", back_offset: tuple[float, float] | None = None,
                scan_marks: bool = True) -> Edition:
        key = (language, variant, large_print, format, back_offset, scan_marks)
        with self._lock:
            if key not in self._editions:
                self.theme(large_print)  # templates first: their problems are nobody's content
                direction = self.direction(language, variant)
                self._editions[key] = Edition(self.theme(large_print, direction), self.card_set(language, variant),
                                              self.fonts(large_print, direction), format, back_offset, scan_marks)
            return self._editions[key]

    def guide(self, language: str, variant: str) -> list[SetFile]:
        """The professional's guide and the reflectiekaart (office and fillable)."""
        from kaartgen.documents.guide import guide_pdf, reflection_pdf

        theme = self.theme(False).model
        cs = self.card_set(language, variant).model
        fonts = self.fonts(False)
        name = f"{language}-{variant}"
        return [SetFile(f"kaartgen-guide-{name}.pdf", guide_pdf(cs, theme, fonts), "guide"),
                *(SetFile(f"kaartgen-reflection-{name}-{fmt}.pdf", reflection_pdf(cs, theme, fonts, fmt),
                          f"reflection-{fmt}") for fmt in ("office", "digital"))]

    def previews(self, language: str, variant: str, large_print: bool = False) -> list[SetFile]:
        """A PNG per card side and a contact sheet."""
        from kaartgen.render.preview import previews

        edition = self.edition(language, variant, large_print, "cards")
        return previews(edition.generic, edition.pack(), f"{language}-{variant}-{edition.theme.card.name}")

    def set_files(self, language: str, variant: str) -> list[SetFile]:
        """Every file of a set for people to look at or print: each card side, the contact sheet,
        the guide, the reflectiekaart and the duplex test sheet of the office format."""
        name, sheet = self.edition(language, variant, False, "office").calibration()
        return [*self.previews(language, variant), *self.guide(language, variant),
                SetFile(name, sheet, "calibration")]

    def read(self, path: Path, read_on: date, data: bytes | None = None) -> Reading:
        """A filled digital pack or saved answers: the summary as data and as PDF, and the file name
        (without suffix) to save them under; `read_on` is the date the summary gives. With `data`, the
        file's bytes are read from memory and `path` only names it in messages."""
        from kaartgen.documents.summary import summary_heading, summary_pdf
        from kaartgen.engine.read import check_text, read_answers, read_filled, summarise, summary_stem
        from kaartgen.engine.scanpages import SCAN_SUFFIXES, is_scan
        from kaartgen.model.answers import answer_names

        notes: list[KaartgenError] = []
        if data is None and path.suffix.lower() in SCAN_SUFFIXES and path.is_file():  # a PDF: a pack or a scan
            from kaartgen.engine.scan import MAX_SCAN_FILE
            from kaartgen.messages import Term
            from kaartgen.model.yamlfile import read_limited

            data = read_limited(path, MAX_SCAN_FILE, Term("term.scan_file"))
        if data is not None and is_scan(data, path):
            filled, notes = self._scanned(data, path)
        else:
            filled = read_filled(path) if data is None else read_answers(data, path)
        if filled.set_name not in self.sets():  # matched exactly: a file never chooses a folder to load
            raise KaartgenError("read.unknown_set", file=path)
        cs = self.card_set(filled.language, filled.variant).model
        cards = [cs.reflection] if filled.reflection and cs.reflection is not None else None
        if not answer_names(cs, cards) & set(filled.answers):
            raise KaartgenError("read.no_answers", file=path)
        check_text(filled, cs, cards, path)
        source = path.name.encode("utf-8", "replace").decode("utf-8")  # a file name in no encoding
        summary = summarise(cs, filled, source, read_on, cards)
        direction = cs.info.direction
        pdf, placeholders = summary_pdf(summary, self.theme(False, direction).model, self.fonts(False, direction), cs,
                                        {**filled.uncertain, **filled.images})
        return Reading(summary, pdf, summary_stem(cs, summary, path), placeholders, summary_heading(summary, cs),
                       notes)

    def _scanned(self, data: bytes, path: Path) -> tuple[Any, list[KaartgenError]]:
        """The answers on the scanned cards of one pack, and what a person should look at."""
        from kaartgen.engine.read import SCANNED, Filled
        from kaartgen.engine.scan import Scanner

        result = Scanner(self).scan([(path, data)])
        if not result.packs:  # a PDF may be anyone's: it is neither a pack of ours nor a scan of our cards
            from kaartgen.engine.scanpages import is_pdf

            raise KaartgenError("scan.not_pack_nor_scan" if is_pdf(data) else "scan.no_cards", file=path)
        if len(result.packs) > 1:
            raise KaartgenError("scan.many_packs", file=path, count=len(result.packs))
        pack = result.packs[0]
        language, variant = pack.set.split("/", 1)
        filled = Filled(language, variant, pack.answers, pack.reference, images=pack.images,
                        uncertain=pack.uncertain, channel=SCANNED)
        return filled, [note.error() for note in result.notes]


def edition_fonts(library: Library) -> list[Path]:
    """Every font file a mailing of `library` may use, normal and large print: part of its identity."""
    from kaartgen.fonts import font_files

    return sorted({f for large in (False, True) for direction in DIRECTIONS
                   for f in font_files(library.theme(large, direction).model)})
