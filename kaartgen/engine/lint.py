"""`kaartgen lint`: prove that content and templates make a correct pack before anything is printed.

Checks every language/variant folder against the templates: schema, template variables, glyph
coverage, text fit (generic and with the long sample client of set.yaml) in every format, and the
template rules (minimum sizes, line spacing, contrast). Problems come back as file:line messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from itertools import chain
from pathlib import Path
from typing import Iterator

from jinja2 import TemplateSyntaxError

from kaartgen.documents.guide import guide_pdf, reflection_pdf
from kaartgen.engine.contrast import contrast
from kaartgen.engine.edition import LARGE_PRINT, lay_out
from kaartgen.engine.readability import CardScore, card_scores
from kaartgen.errors import FieldError, KaartgenError, KaartgenErrors
from kaartgen.fonts import Fonts
from kaartgen.layout.cards import CardMaker
from kaartgen.layout.imposition import impose
from kaartgen.layout.items import CardLayout, TextBox
from kaartgen.layout.letter import letter_page, letter_values
from kaartgen.model.clients import Client, sample_client
from kaartgen.model.content import CardSet, Choice, Descriptions, DomainChoice, WriteIn
from kaartgen.model.loading import Loaded, available_sets, load_card_set, load_theme, unreadable_sets
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
from kaartgen.model.theme import DOMAIN, DOMAIN_TEXT, Theme
from kaartgen.model.units import to_mm

NONE: frozenset[str] = frozenset()
SUMMARY_VARIABLES = {key: frozenset(names) for key, names in {
    "title": (), "empty": (), "chosen": (), "stagnation": (), "mechanism": (), "action": (), "ticked": (),
    "notes": ("number",), "save": (), "saved": (), "at_most": ("max",), "too_many": ("count", "max"),
    "resume": (), "autosave": (), "resumed": (), "not_resumed": (), "reference": ("reference",),
    "read_on": ("date",), "answers_file": (), "summary_file": (), "cut": ("count",), "not_text": (),
    "unknown_choice": ()}.items()}


REFERENCE = "nl/standaard"  # every other set must have its cards, domains and answers
SIZES = {"a6": (), "a5": LARGE_PRINT}  # card sizes: template overlays to check each set with


@dataclass
class SetReport:
    name: str
    inherited: list[str]
    rows: list[tuple[CardScore, dict[str, float]]] = field(default_factory=list)


@dataclass
class LintReport:
    sets: list[str] = field(default_factory=list)
    cards: int = 0
    problems: list[KaartgenError] = field(default_factory=list)
    warnings: list[KaartgenError] = field(default_factory=list)  # shown, but lint still passes
    sections: list[SetReport] = field(default_factory=list)
    _seen: set[str] = field(default_factory=set)

    def add(self, problem: KaartgenError) -> None:
        """Add a problem once, however many sizes or formats run into it."""
        if str(problem) not in self._seen:
            self._seen.add(str(problem))
            self.problems.append(problem)


def letter_texts(cs: CardSet, theme: Theme) -> Iterator[tuple[tuple, str, frozenset[str], str]]:
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


def samples(cs: CardSet) -> list[tuple[str, Client]]:
    """The clients lint proves every text with: the long sample of set.yaml, and the same client
    with only the required fields, so an optional value printed without {% if %} is caught."""
    full = sample_client(cs)
    sparse = replace(full, professional=None, phone=None, appointment=None, location=None, role=None)
    return [("the long sample client from set.yaml", full), ("a client with only the required fields", sparse)]


def texts(cs: CardSet, theme: Theme) -> Iterator[tuple[tuple, str, frozenset[str], str]]:
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


def _value_sets(cs: CardSet) -> dict[frozenset[str], list[tuple[str, dict[str, object]]]]:
    """For each kind of personal text, the values of every client lint renders it with."""
    dates = cs.info.dates
    clients = samples(cs)
    cards = [("a pack without a client", card_values(Personal(), dates))]
    cards += [(who, card_values(c.personal, dates)) for who, c in clients]
    letters = [(who, letter_values(dates, c, date(2026, 12, 30))) for who, c in clients]
    return {CARD_VARIABLES: cards, LETTER_VARIABLES: letters}


def check_texts(loaded: Loaded, theme: Theme, fonts: Fonts) -> list[KaartgenError]:
    problems = []
    value_sets = _value_sets(loaded.model)
    for loc, text, allowed, style_name in chain(texts(loaded.model, theme), letter_texts(loaded.model, theme)):
        try:
            unknown = variables(text) - allowed
        except TemplateSyntaxError as exc:
            problems.append(loaded.sources.error(loc, f"template syntax error: {exc.message}; check the {{{{ }}}} and {{% %}} tags"))
            continue
        except KaartgenError as exc:  # a construct texts may not use
            problems.append(loaded.sources.error(loc, exc.message))
            continue
        for who, values in value_sets.get(allowed, []) if not unknown else []:
            try:
                render(text, values)
            except KaartgenError as exc:
                problems.append(loaded.sources.error(loc, f"{exc.message} (it fails for {who})"))
                break
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
        minimum = rules.min_heading_size if style.heading else rules.min_small_size if style.small else rules.min_text_size
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


def _answers(block) -> tuple:
    """What must be identical in every variant: the answers a card collects."""
    if isinstance(block, Choice):
        return ("choice", block.id, tuple(o.id for o in block.options))
    if isinstance(block, Descriptions):
        return ("descriptions", block.id, tuple((o.letter, o.stagnation) for o in block.options))
    if isinstance(block, WriteIn):
        return ("write_in", block.id)
    if isinstance(block, DomainChoice):
        return ("domain_choice", block.id, block.max)
    return ()


def check_complete(reference: CardSet, ref_name: str, loaded: Loaded, folder: Path) -> list[KaartgenError]:
    """Every card, domain, stagnation and answer of the reference set is present, in the same order."""
    cs: CardSet = loaded.model
    problems = []
    for key, file in (("stagnations", "stagnations.yaml"), ("domains", "domains.yaml"), ("cards", "cards.yaml")):
        ref_ids = [item.id for item in getattr(reference, key)]
        ids = [item.id for item in getattr(cs, key)]
        for missing in [i for i in ref_ids if i not in ids]:
            problems.append(KaartgenError(f"{key}: '{missing}' is missing (it is in {ref_name}); add it here",
                                          folder / file))
        for extra in [i for i in ids if i not in ref_ids]:
            index = ids.index(extra)
            problems.append(loaded.sources.error((key, index, "id"), f"'{extra}' is not in {ref_name}; every variant has the same {key}"))
        if not problems and ids != ref_ids:
            problems.append(loaded.sources.error((key,), f"the order differs from {ref_name}; keep it the same"))
    if problems:
        return problems
    for ci, (ref, card) in enumerate(zip(reference.cards, cs.cards)):
        if len(ref.sides) != len(card.sides):
            problems.append(loaded.sources.error(("cards", ci, "sides"),
                f"card '{card.id}' has {len(card.sides)} side(s), {ref_name} has {len(ref.sides)}"))
            continue
        for si, (rs, side) in enumerate(zip(ref.sides, card.sides)):
            want = [a for a in map(_answers, rs.blocks) if a]
            have = [a for a in map(_answers, side.blocks) if a]
            if want != have:
                problems.append(loaded.sources.error(("cards", ci, "sides", si, "blocks"),
                    f"the answers on card '{card.id}' differ from {ref_name}: expected {want}, found {have}; "
                    "keep the same ids, options, letters and stagnations"))
    return problems


def _folded(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).casefold()


def check_messages(loaded: Loaded, theme: Theme) -> list[KaartgenError]:
    """Every must-have message (e.g. 'filling in or not has no effect on your benefit') is still
    said where the set requires it, so an edit can never drop it silently."""
    cs: CardSet = loaded.model
    problems = []
    values = card_values(Personal(), cs.info.dates)
    for where, ids in cs.info.required_messages.items():
        if where == "letter":
            if cs.letter is None:
                continue
            said = [render(t, letter_values(cs.info.dates, samples(cs)[1][1], date(2026, 12, 30)))
                    for _, t, _, _ in letter_texts(cs, theme)]
        else:
            card = next((c for c in cs.cards if c.id == where), None)
            if card is None:
                problems.append(loaded.sources.error(("info", "required_messages", where),
                    f"'{where}' is neither 'letter' nor a card id; use one of: letter, {', '.join(c.id for c in cs.cards)}"))
                continue
            said = [render(t, values) for _, t, kind in card.texts() if kind in ("heading", "text")]
        text = _folded(" ".join(said))
        for mid in ids:
            phrases = cs.info.messages.get(mid)
            if phrases is None:
                problems.append(loaded.sources.error(("info", "required_messages", where),
                    f"message '{mid}' is not defined under `messages`; define it or remove it here"))
            elif not any(_folded(p) in text for p in phrases):
                loc = ("letter",) if where == "letter" else ("cards", next(i for i, c in enumerate(cs.cards) if c.id == where))
                problems.append(loaded.sources.error(loc,
                    f"{'the letter' if where == 'letter' else f'card {where!r}'} no longer says message '{mid}': "
                    f"it must contain one of: {' | '.join(repr(p) for p in phrases)}; put the message back"))
    return problems


def check_readability(loaded: Loaded) -> tuple[list[CardScore], list[KaartgenError]]:
    cs: CardSet = loaded.model
    rows = card_scores(cs)
    gate = cs.info.readability
    problems = []
    if gate is None:
        return rows, problems
    for row in rows:
        what = f"{row.kind} card '{row.card}'"
        src = loaded.sources
        if row.longest.words > gate.max_words:
            problems.append(src.error(row.longest.loc,
                f"{what}: a sentence of {row.longest.words} words (at most {gate.max_words}): "
                f"\"{row.longest.text}\"; split it"))
        if row.average > gate.max_average:
            problems.append(src.error(row.longest.loc,
                f"{what}: {row.average:.1f} words a sentence on average (at most {gate.max_average}); use shorter sentences"))
        if gate.min_score is not None and row.score is not None and row.score < gate.min_score:
            problems.append(src.error(row.longest.loc,
                f"{what}: readability {row.score:.0f} (Flesch-Douma), below {gate.min_score:.0f}; "
                "use shorter sentences and shorter, common words"))
        if row.kind == "domain" and row.questions > gate.max_questions:
            problems.append(src.error(("domains", row.index, "questions"),
                f"{what}: {row.questions} questions (at most {gate.max_questions})"))
    return rows, problems


def _line_words(p) -> list[list[str]]:
    """The words of each line of a wrapped reportlab paragraph."""
    lines = p.blPara.lines
    if p.blPara.kind == 0:  # words joined by a no-break space count as the words they are
        return [[w for word in words for w in word.split()] for _, words in lines]
    return [[w for frag in line.words for w in getattr(frag, "text", "").split()] for line in lines]


def widows(cards: list[CardLayout]) -> list[tuple[str, str, str]]:
    """(side label, start of paragraph, the lone word) for paragraphs whose last line is one word."""
    found = []
    for card in cards:
        for side in card.sides:
            for item in side.items:
                if isinstance(item, TextBox):
                    lines = _line_words(item.para)
                    if len(lines) > 1 and len(lines[-1]) == 1:
                        start = " ".join(lines[0][:4])
                        found.append((side.label, start, lines[-1][0]))
    return found


def _inherited(loaded: Loaded) -> list[str]:
    """Inherited key paths, with list positions folded: 'cards[*].notes'."""
    seen: list[str] = []
    for loc in loaded.sources.tree.inherited:
        name = "".join("[*]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
        name = name.removeprefix("info.")
        if name not in seen:
            seen.append(name)
    return seen


def lint(content: Path, templates: Path) -> LintReport:
    """Check everything; never raises for content problems, it reports them."""
    report = LintReport()
    themes: dict[str, Loaded] = {}
    for size, overlays in SIZES.items():
        try:
            themes[size] = load_theme(templates, overlays)
        except KaartgenErrors as exc:
            report.problems += exc.errors
        except KaartgenError as exc:
            report.problems.append(exc)
    if len(themes) != len(SIZES):
        return report
    for theme in themes.values():
        for problem in check_theme(theme):  # the large-print overlay repeats the base files' problems
            report.add(problem)
    names = available_sets(content) if content.is_dir() else []
    report.problems += unreadable_sets(content) if content.is_dir() else []
    if not names:
        report.problems.append(KaartgenError(f"no <language>/<variant> folders with a set.yaml in {content}"))
        return report
    reference = None
    if REFERENCE in names:
        try:
            reference = load_card_set(content, *REFERENCE.split("/")).model
        except KaartgenError:
            reference = None  # its own problems are reported below
    for name in names:
        language, variant = name.split("/")
        report.sets.append(name)
        try:
            loaded = load_card_set(content, language, variant)
        except KaartgenErrors as exc:
            report.problems += exc.errors
            continue
        except KaartgenError as exc:
            report.problems.append(exc)
            continue
        section = SetReport(name, _inherited(loaded))
        report.sections.append(section)
        problems = check_texts(loaded, themes["a6"].model, Fonts(themes["a6"].model))
        if reference is not None and name != REFERENCE:
            problems += check_complete(reference, REFERENCE, loaded, content / language / variant)
        if not problems:
            problems += check_messages(loaded, themes["a6"].model)
        if problems:  # readability and layout would only repeat them, or fail on the same text
            report.problems += problems
            continue
        rows, gate_problems = check_readability(loaded)
        report.problems += gate_problems
        if gate_problems:
            continue
        margins: dict[tuple[str, str], dict[str, float]] = {}
        for size, theme in themes.items():
            fonts = Fonts(theme.model)
            for who, personal in [("", Personal())] + [(w, c.personal) for w, c in samples(loaded.model)]:
                try:
                    cards = lay_out(theme, loaded, personal, fonts)
                    if not who:  # the wording for a screen (the fillable pack) must fit as well
                        lay_out(theme, loaded, personal, fonts, screen=True)
                except KaartgenError as exc:
                    report.problems.append(KaartgenError(f"{exc.message} (with {who})" if who else exc.message,
                                                         exc.file, exc.line))
                    break
                for fmt_name, fmt in theme.model.formats.items():
                    try:
                        impose(cards, fmt, theme.model, fmt_name)
                    except KaartgenError as exc:
                        report.add(theme.sources.located(exc))
                if not who:
                    file = content / language / variant
                    for label, start, word in widows(cards):
                        report.warnings.append(KaartgenError(
                            f"{size}: {label}: the paragraph '{start} …' ends with one word ('{word}') on its last "
                            "line; reword it so the last line holds two words or more", file))
                for card in cards:
                    key = (card.kind, card.id)
                    spare = to_mm(min(side.spare for side in card.sides))
                    margins.setdefault(key, {})[size] = min(spare, margins.get(key, {}).get(size, spare))
            if loaded.model.guide is not None and size == "a6":
                try:
                    guide_pdf(loaded.model, theme.model, fonts)
                    reflection_pdf(loaded.model, theme.model, fonts, "office")
                except KaartgenError as exc:
                    report.add(loaded.sources.error(("guide",), f"the guide or reflectiekaart cannot be made: {exc.message}"))
            if loaded.model.letter is not None:
                for who, client in samples(loaded.model):
                    try:
                        letter_page(CardMaker(theme.model, fonts, loaded.model, client.personal).ts, loaded.model.letter,
                                    loaded.model.info.dates, client, date(2026, 12, 30))
                    except FieldError as exc:  # the sample's own address: clients like it will be row errors
                        warning = loaded.sources.error(("letter",), f"{size}: the long sample client's {exc.message}; "
                                                       "clients with an address this long will be row errors")
                        if str(warning) not in {str(w) for w in report.warnings}:
                            report.warnings.append(warning)
                    except KaartgenError as exc:
                        report.add(loaded.sources.error(("letter",), f"{size}: {exc.message} (with {who})"))
        section.rows = [(row, margins.get((row.kind, row.card), {})) for row in rows]
        report.cards += len(rows)
    return report


def table(section: "SetReport") -> list[str]:
    """A compact table a content owner can read: readability and fit margin per card."""
    sizes = list(SIZES)
    head = f"  {'card':<16}{'score':>6}{'longest':>9}{'avg':>6}" + "".join(f"{'fit ' + s:>10}" for s in sizes)
    lines = [head]
    for row, margins in section.rows:
        score = f"{row.score:.0f}" if row.score is not None else "-"
        fits = "".join(f"{margins[s]:>8.1f}mm" if s in margins else f"{'-':>10}" for s in sizes)
        lines.append(f"  {row.card:<16}{score:>6}{row.longest.words:>9}{row.average:>6.1f}{fits}")
    return lines
