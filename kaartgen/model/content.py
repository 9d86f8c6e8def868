"""The content model: what a card set says, validated from the YAML in content/<language>/<variant>/.

Field names are the schema content owners write; `extra="forbid"` makes a misspelt key an error
that names the key instead of a text that silently disappears from the cards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kaartgen.model.merge import Loc, Problem

IDENT = r"^[a-z0-9_\u00e0-\u024f]+$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Labels(Strict):
    examples: str
    card_number: str
    reference: str = "{{ reference }}"  # on card 1's foot, e.g. "kenmerk {{ reference }}"
    front: str  # a card's two sides, in page labels and the print shop's job ticket
    back: str


class Dates(Strict):
    weekdays: list[str] = Field(min_length=7, max_length=7)
    months: list[str] = Field(min_length=12, max_length=12)
    appointment: str
    letter: str


class Calibration(Strict):
    title: str
    front: str
    back: str
    horizontal: str
    vertical: str


class Sample(Strict):
    """Long but realistic personal values, so lint can prove a personal pack still fits."""

    name: str
    professional: str
    role: str | None = None
    appointment: str
    location: str
    phone: str
    street: str
    postcode: str
    city: str


class Contact(Strict):
    """How a client reaches UWV: one number a set, printed wherever a text says {{ uwv_phone }}."""

    phone: str = Field(pattern=r"^[0-9+][0-9 ]{5,18}[0-9]$")


class Readability(Strict):
    """Limits a plain-language set must meet; `kaartgen lint` enforces them."""

    min_score: float | None = Field(default=None, ge=0, le=100)  # Flesch-Douma, Dutch sets only
    max_words: int = Field(ge=1)
    max_average: float = Field(gt=0)
    max_questions: int = Field(ge=1)


class SummaryLabels(Strict):
    """Labels for `kaartgen read` (the professional's summary) and the HTML pack."""

    title: str
    empty: str
    chosen: str
    stagnation: str
    mechanism: str
    action: str
    ticked: str
    notes: str
    save: str
    saved: str
    at_most: str
    reference: str = "{{ reference }}"  # at the top of the summary
    read_on: str = "{{ date }}"  # when the answers were read, at the top of the summary
    too_many: str = "{{ count }} ticked, the card asks for at most {{ max }}"
    resume: str = "Load answers saved earlier"  # load saved answers back into the web page
    autosave: str = "Your answers are kept on this device while you type. Nothing is sent."
    resumed: str = "Your saved answers are back in the page."
    not_resumed: str = "This file does not hold answers of this pack."
    over_max: str = "You have ticked {{ count }}; the card asks for at most {{ max }}."  # said at once in the web page
    clear: str = "Clear the answers from this device"  # for a shared or library computer
    clear_confirm: str = "Clear all answers from this device? This cannot be undone."
    cleared: str = "The answers are cleared from this device."
    cut: str = "[… {{ count }} more characters not shown; the client's file holds the whole answer]"
    handwriting: str = "Handwritten on the card (scan):"  # above a picture of a scanned card's write-in area
    uncertain: str = "Not clearly one answer on the scan; look at the picture:"  # above a mark not read
    not_text: str = "(this file holds something here that is not text)"
    unknown_choice: str = "(this file holds a choice the card does not have)"
    answers_file: str = "answers"  # saved answers: <answers_file>-<reference>.json
    summary_file: str = "summary"  # the summary: <summary_file>-<reference>.pdf


class DomainBack(Strict):
    """How a set sets the back of its domain cards: a plain set with few words can put each
    question on its own line and use larger type, named styles from the templates."""

    questions: Literal["in_text", "lines"] = "in_text"
    text_style: str | None = None     # a style of templates/styles.yaml for the text and questions
    example_style: str | None = None  # and for the "denk daarbij aan" examples
    example_heading_style: str | None = None  # and for "denk daarbij aan:" itself


class Ticket(Strict):
    """Headings of the print shop's job ticket (kaartgen build --format shop)."""

    title: str
    file: str
    pages: str
    order: str  # how the pages are ordered, in a sentence
    trim: str
    bleed: str
    page_size: str
    stock: str
    intent: str
    colours: str
    fonts: str
    embedded: str
    sides: str
    blank: str


class Translation(Strict):
    """A set translated from another (kaartgen translate): from which set, and whether a native
    speaker has checked it. A `concept` set prints a mark on every card; `gecontroleerd` says who
    checked it and when."""

    source: str = Field(pattern=r"^[a-z]{2}/[a-z0-9-]+$")
    status: Literal["concept", "gecontroleerd"]
    checked_by: str | None = None
    checked_on: date | None = None

    @model_validator(mode="after")
    def _checked(self) -> Translation:
        if self.status == "gecontroleerd" and (not self.checked_by or self.checked_on is None):
            raise ValueError("status gecontroleerd needs checked_by (who) and checked_on (when, YYYY-MM-DD)")
        return self

    @property
    def concept(self) -> bool:
        return self.status == "concept"


class SetInfo(Strict):
    title: str
    language: str = Field(pattern=r"^[a-z]{2}$")
    variant: str = Field(pattern=r"^[a-z0-9-]+$")
    readability: Readability | None = None
    # Messages that must never be edited away: an id -> phrases of which a text must hold one.
    messages: dict[str, list[str]] = {}
    # Where each message must stand: 'letter' or a card id -> message ids (checked by lint).
    required_messages: dict[str, list[str]] = {}
    domain_back: DomainBack = DomainBack()
    labels: Labels
    ticket: Ticket | None = None
    dates: Dates
    calibration: Calibration
    sample: Sample
    summary: SummaryLabels
    contact: Contact  # the phone number clients call; texts use it as {{ uwv_phone }}, never a number of their own
    translation: Translation | None = None  # a set made with `kaartgen translate`
    direction: Literal["ltr", "rtl"] = "ltr"  # rtl: the templates' right-to-left overlay (templates/rtl/)


class Stagnation(Strict):
    id: str = Field(pattern=IDENT)
    name: str
    phase: str
    mechanism: str
    action: str


class Domain(Strict):
    id: str = Field(pattern=IDENT)
    title: str
    label: str
    colour: str
    pictogram: str | None = None
    intro: str
    questions: list[str] = Field(min_length=1)
    examples: list[str] = Field(min_length=1)


class Heading(Strict):
    type: Literal["heading"]
    text: str


class Text(Strict):
    type: Literal["text"]
    text: str
    screen: str | None = None  # the text for a screen (fillable PDF, web page) where print says "circle"

    def for_screen(self, screen: bool) -> str:
        return self.screen if screen and self.screen is not None else self.text


class WriteIn(Strict):
    type: Literal["write_in"]
    id: str = Field(pattern=IDENT)
    label: str | None = None
    lines: int = Field(default=3, ge=1, le=40)


class Option(Strict):
    id: str = Field(pattern=IDENT)
    label: str


class Choice(Strict):
    """One option to choose of several, drawn as circles: its own question above it (`label`, in
    the write-in label style), and the options `columns` a row (the template's `choice_columns`
    when not given), as many as leave every option on one line."""

    type: Literal["choice"]
    id: str = Field(pattern=IDENT)
    label: str | None = None
    columns: int | None = Field(default=None, ge=1, le=6)
    options: list[Option] = Field(min_length=2)


class Description(Strict):
    letter: str = Field(pattern=r"^[A-Z]$")
    text: str
    stagnation: str


class Descriptions(Strict):
    type: Literal["descriptions"]
    id: str = Field(pattern=IDENT)
    options: list[Description] = Field(min_length=2)


class DomainChoice(Strict):
    type: Literal["domain_choice"]
    id: str = Field(pattern=IDENT)
    max: int = Field(ge=1, le=5)
    lines: int = Field(default=2, ge=1, le=20)


Block = Annotated[
    Heading | Text | WriteIn | Choice | Descriptions | DomainChoice, Field(discriminator="type")
]


class Side(Strict):
    blocks: list[Block] = Field(min_length=1)


class FillInCard(Strict):
    id: str = Field(pattern=IDENT)
    name: str | None = None  # what the guide calls the card when its first heading is no title (a greeting)
    notes: str
    sides: list[Side] = Field(min_length=1, max_length=2)

    def walk(self) -> Iterator[tuple[Loc, Block, str]]:
        """Every block in reading order, with its location in the card ("sides", s, "blocks", b) and
        the (unrendered) heading it stands under: the one walk every reader of a card shares."""
        heading = ""
        for si, side in enumerate(self.sides):
            for bi, block in enumerate(side.blocks):
                if isinstance(block, Heading):
                    heading = block.text
                yield ("sides", si, "blocks", bi), block, heading

    @property
    def title(self) -> str:
        """The card's first heading (unrendered)."""
        return next((b.text for _, b, _ in self.walk() if isinstance(b, Heading)), self.id)

    def texts(self) -> Iterator[tuple[Loc, str, str]]:
        """Every text printed on the card with its location and kind: "heading", "text", "label",
        "option" or "description". For checks that read the texts rather than draw them."""
        for loc, b, _ in self.walk():
            if isinstance(b, (Heading, Text)):
                yield loc + ("text",), b.text, b.type
                if isinstance(b, Text) and b.screen is not None:
                    yield loc + ("screen",), b.screen, b.type
            elif isinstance(b, WriteIn) and b.label:
                yield loc + ("label",), b.label, "label"
            elif isinstance(b, Choice):
                if b.label:
                    yield loc + ("label",), b.label, "label"
                for i, o in enumerate(b.options):
                    yield loc + ("options", i, "label"), o.label, "option"
            elif isinstance(b, Descriptions):
                for i, d in enumerate(b.options):
                    yield loc + ("options", i, "text"), d.text, "description"


class Letter(Strict):
    """The cover letter for a window envelope, sent with the cards by `kaartgen batch`."""

    sender: list[str] = Field(min_length=1, max_length=6)
    return_address: str  # one line above the address, in the window (PostNL)
    date: str
    subject: str
    greeting: str
    body: list[str] = Field(min_length=1)
    closing: str
    signature: list[str] = Field(min_length=1)
    # A translated letter's last sentence, in Dutch, for the people around the client: what it is, whom to call.
    for_others: str | None = None


# Where a guide paragraph comes from: the report's chapters or appendices ("hoofdstuk 5",
# "bijlage 5, hoofdstuk 5", "chapter 3, 4"), advice of ours ("advies"/"advice": printed under the
# guide's advice label), or kaartgen's own reading or product information ("kaartgen": its text says so).
SOURCE = (r"^(?:(?:hoofdstuk|bijlage|chapter|appendix) \d+(?:, (?:(?:hoofdstuk|bijlage|chapter|appendix) )?\d+)*"
          r"|advies|advice|kaartgen)$")
ADVICE = ("advies", "advice")


class GuideParagraph(Strict):
    """One paragraph of the guide and where it comes from, so that a reader sees what is advice."""

    source: str = Field(pattern=SOURCE)
    text: str

    @property
    def advice(self) -> bool:
        return self.source in ADVICE


class GuideSection(Strict):
    heading: str
    paragraphs: list[GuideParagraph] = Field(min_length=1)


class GuideText(Strict):
    heading: str
    paragraphs: list[GuideParagraph] = []


class GuideCycle(GuideText):
    phases: list[str] = Field(min_length=4, max_length=4)  # in cycle order, starting at equilibrium


class GuideTable(GuideText):
    columns: list[str] = Field(min_length=4, max_length=4)


class Guide(Strict):
    """The professional's guide: texts from the report's chapters, each paragraph with its source,
    and advice of ours marked on the page with `advice_label`."""

    title: str
    advice_label: str
    intro: list[GuideParagraph] = Field(min_length=1)
    sections: list[GuideSection] = Field(min_length=1)
    cycle: GuideCycle
    table: GuideTable
    prompts: GuideText
    reflection: GuideText
    page: str = "{{ number }}"  # the page number at the foot of every page

class CardSet(Strict):
    """One language and text variant of the whole set, as drawn and as read back."""

    info: SetInfo
    stagnations: list[Stagnation] = Field(min_length=1)
    domains: list[Domain] = Field(min_length=1)
    cards: list[FillInCard] = Field(min_length=1)
    letter: Letter | None = None  # letter.yaml; needed by `kaartgen batch` only
    guide: Guide | None = None  # guide.yaml; needed by `kaartgen guide` only
    reflection: FillInCard | None = None  # the professional's reflectiekaart, also in guide.yaml

    def stagnation(self, stagnation_id: str) -> Stagnation:
        return next(s for s in self.stagnations if s.id == stagnation_id)




def check_references(cs: CardSet) -> list[Problem]:
    """Cross-references the schema alone cannot check: unique ids, known stagnations and colours."""
    problems: list[Problem] = []

    def unique(loc_of: Callable[[int], Loc], items: list[str], what: str) -> None:
        seen: set[str] = set()
        for index, item in enumerate(items):
            if item in seen:
                problems.append((loc_of(index), f"content.{what}_twice", {"id": item}))
            seen.add(item)

    unique(lambda i: ("stagnations", i, "id"), [s.id for s in cs.stagnations], "stagnation")
    unique(lambda i: ("domains", i, "id"), [d.id for d in cs.domains], "domain")
    unique(lambda i: ("cards", i, "id"), [c.id for c in cs.cards], "card")
    known = {s.id for s in cs.stagnations}
    answers: set[str] = set()
    for ci, card in enumerate(cs.cards):
        for where, block, _ in card.walk():
            loc = ("cards", ci) + where
            answer = getattr(block, "id", None)
            if answer is not None:
                if answer in answers:
                    problems.append((loc + ("id",), "content.answer_twice", {"id": answer}))
                answers.add(answer)
            if isinstance(block, Descriptions):
                letters: set[str] = set()
                for oi, option in enumerate(block.options):
                    oloc = loc + ("options", oi)
                    if option.letter in letters:
                        problems.append((oloc + ("letter",), "content.letter_twice", {"letter": option.letter}))
                    letters.add(option.letter)
                    if option.stagnation not in known:
                        problems.append((oloc + ("stagnation",), "content.unknown_stagnation",
                                         {"id": option.stagnation, "known": sorted(known)}))
    if cs.guide is not None:  # the guide's cycle puts each stagnation at its phase, by name
        phases = {s.phase for s in cs.stagnations}
        for pi, phase in enumerate(cs.guide.cycle.phases):
            if phase not in phases:
                problems.append((("guide", "cycle", "phases", pi), "content.unknown_phase",
                                 {"phase": phase, "known": sorted(phases)}))
    return problems
