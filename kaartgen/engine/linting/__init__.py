"""`kaartgen lint`: prove that content and templates make a correct pack before anything is printed.

Checks every language/variant folder against the templates, and reports every problem as a
KaartgenError with file and line (front ends show them in their language):

- texts.py: the schema, template variables, and a font for every character;
- rules.py: the templates' rules (minimum sizes, line spacing, contrast);
- complete.py: the same cards, domains, stagnations and answers as the reference set;
- required.py: the must-have messages, still said where the set requires them;
- translation.py: a translated set has every text of its source translated, every placeholder kept;
- gates.py: readability, with the limits of a plain set;
- fit.py: every text fits, generic and with the long sample client of set.yaml, in every format and
  size; the guide, the reflectiekaart and the letter; widows (warnings).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kaartgen.engine.edition import DIRECTIONS, LARGE_PRINT, overlays
from kaartgen.engine.linting.complete import check_complete
from kaartgen.engine.linting.fit import FitCheck
from kaartgen.engine.linting.gates import check_readability
from kaartgen.engine.linting.required import check_messages
from kaartgen.engine.linting.rules import check_theme
from kaartgen.engine.linting.texts import check_phone_numbers, check_texts
from kaartgen.engine.linting.translation import check_translation
from kaartgen.engine.readability import CardScore
from kaartgen.errors import KaartgenError, KaartgenErrors
from kaartgen.fonts import Fonts
from kaartgen.model.content import CardSet
from kaartgen.model.loading import Loaded, available_sets, load_card_set, load_theme, unreadable_sets
from kaartgen.model.theme import Theme
from kaartgen.model.translation import Rules, load_rules

REFERENCE = "nl/standaard"  # every other set must have its cards, domains and answers
SIZES = {"a6": (), "a5": LARGE_PRINT}  # card sizes: template overlays to check each set with


@dataclass
class SetReport:
    """One set's table: its cards' readability and the space left on each at every size."""

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


def _inherited(loaded: Loaded[CardSet]) -> list[str]:
    """Inherited key paths, with list positions folded: 'cards[*].notes'."""
    seen: list[str] = []
    for loc in loaded.sources.tree.inherited:
        name = "".join("[*]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
        name = name.removeprefix("info.")
        if name not in seen:
            seen.append(name)
    return seen


def _themes(templates: Path, report: LintReport, direction: str = "ltr") -> dict[str, Loaded[Theme]]:
    """The templates at every card size in one direction, their problems in `report`."""
    themes: dict[str, Loaded[Theme]] = {}
    for size, large in SIZES.items():
        try:
            themes[size] = load_theme(templates, overlays(bool(large), direction))
        except KaartgenErrors as exc:
            report.problems += exc.errors
        except KaartgenError as exc:
            report.problems.append(exc)
    for theme in themes.values():
        for problem in check_theme(theme):  # the large-print overlay repeats the base files' problems
            report.add(problem)
    return themes


def _reference(content: Path, names: list[str]) -> CardSet | None:
    if REFERENCE not in names:
        return None
    try:
        return load_card_set(content, *REFERENCE.split("/")).model
    except KaartgenError:
        return None  # its own problems are reported with the set


def _add(report: LintReport, problems: list[KaartgenError]) -> None:
    """Problems of one set; one in a file a variant inherits is said once, not for every set."""
    said = {(p.place(), p.code) for p in report.problems}
    report.problems += [p for p in problems if p.place() is None or (p.place(), p.code) not in said]


def check_set(report: LintReport, content: Path, name: str, by_direction: dict[str, dict[str, Loaded[Theme]]],
              reference: CardSet | None, rules: Rules | None = None) -> None:
    """Every check of one set, in order: a set with problems in its texts is not laid out."""
    language, variant = name.split("/")
    try:
        loaded = load_card_set(content, language, variant)
    except KaartgenErrors as exc:
        _add(report, exc.errors)
        return
    except KaartgenError as exc:
        _add(report, [exc])
        return
    themes = by_direction[loaded.model.info.direction]  # a right-to-left set: with templates/rtl/
    section = SetReport(name, _inherited(loaded))
    report.sections.append(section)
    problems = check_texts(loaded, themes["a6"].model, Fonts(themes["a6"].model)) + check_phone_numbers(loaded)
    if reference is not None and name != REFERENCE:
        problems += check_complete(reference, REFERENCE, loaded, content / language / variant)
    if rules is not None:
        problems += check_translation(loaded, content, rules, report.warnings)
    if not problems:
        problems += check_messages(loaded, themes["a6"].model)
    if problems:  # readability and layout would only repeat them, or fail on the same text
        _add(report, problems)
        return
    rows, gate_problems = check_readability(loaded)
    report.problems += gate_problems
    if gate_problems:
        return
    margins: dict[tuple[str, str], dict[str, float]] = {}
    for size, theme in themes.items():
        fit = FitCheck(report, loaded, size, theme)
        fit.cards()
        if size == "a6":
            fit.documents()
        fit.letter()
        for key, spare in fit.margins.items():
            margins.setdefault(key, {})[size] = spare
    section.rows = [(row, margins.get((row.kind, row.card), {})) for row in rows]
    report.cards += len(rows)


def _rules(templates: Path, report: LintReport) -> Rules | None:
    """The translation rules (templates/translation/rules.yaml), its problem in `report`."""
    try:
        return load_rules(templates)
    except KaartgenError as exc:
        report.problems.append(exc)
        return None


def lint(content: Path, templates: Path) -> LintReport:
    """Check everything; never raises for content problems, it reports them."""
    report = LintReport()
    themes = {direction: _themes(templates, report, direction) for direction in DIRECTIONS}
    if any(len(t) != len(SIZES) for t in themes.values()):
        return report
    names = available_sets(content) if content.is_dir() else []
    report.problems += unreadable_sets(content) if content.is_dir() else []
    if not names:
        report.problems.append(KaartgenError("lint.no_sets", field="content", folder=str(content)))
        return report
    reference = _reference(content, names)
    rules = _rules(templates, report)
    for name in names:
        report.sets.append(name)
        check_set(report, content, name, themes, reference, rules)
    return report
