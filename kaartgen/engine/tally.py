"""What one answers file counts for, and the counting of many into the evaluation's tables.

`record` reduces one client's pack (or one reflectiekaart) to what the evaluation counts, and
nothing more: which cards hold an answer, the stagnation behind the description chosen on card 3,
the domains ticked in each domain choice, the options chosen on the reflectiekaart, a date. No text
the client wrote leaves it: a written answer only counts as "answered". It runs in the reading
processes, so only these small records travel.

Every id is read from the content (the file's own set): the card with the descriptions is card 3,
whatever its id; a domain choice is counted under its answer name; the reflectiekaart's benefit
question is the choice whose option ids are the benefit types of templates/evaluation/evaluation.yaml.
Sets share these ids (the stagnations, domains, cards and options are the same in every language
and variant), so packs of several sets are counted together, under the report's set's names.

`tables` turns the records into the published tables (see suppress.py for what is published).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from kaartgen.engine.read import SCANNED, Filled
from kaartgen.engine.suppress import (
    MARGIN,
    MIN_GROUP,
    SHOWN,
    TOTAL,
    Cell,
    Key,
    Problem,
    add_grid,
    add_sizes,
    shown_groups,
)
from kaartgen.messages import render as word
from kaartgen.model.answers import answer_name, choice_value, note_name, tick_name
from kaartgen.model.content import CardSet, Choice, Descriptions, DomainChoice, FillInCard, WriteIn
from kaartgen.model.text import Personal, card_values, render

PACK, REFLECTION = "pack", "reflection"
PDF, WEB, SCAN = "pdf", "web", SCANNED  # the channel: the fillable PDF, the web-page pack's answers, paper cards
NONE = "-"  # no choice, no date: a row of its own
UNKNOWN = "?"  # a group the file does not tell (no benefit, no team)
DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")


@dataclass(frozen=True, slots=True)  # slots: the main process keeps one a file, so it stays small
class Record:
    """What one file counts for. `reference` stays in the main process (it finds the same client
    twice, and makes a keyed pseudonym); no output ever holds it."""

    kind: str  # PACK or REFLECTION
    channel: str  # PDF, WEB or SCAN
    reference: str | None
    digest: bytes  # sha256 of the file's bytes: the same file read twice
    when: datetime | None  # the written date of a reflectiekaart, the PDF's save date, or the file's
    answered: tuple[str, ...] = ()  # ids of the cards holding an answer
    card3: str | None = None  # the stagnation behind the chosen description
    ticks: tuple[tuple[str, tuple[str, ...]], ...] = ()  # domain choice -> domains ticked
    choices: tuple[tuple[str, str], ...] = ()  # the reflectiekaart's choices -> option chosen
    benefit: str | None = None  # the reflectiekaart's benefit


def descriptions(cs: CardSet) -> tuple[int, FillInCard, Descriptions] | None:
    """Card 3: the card with the descriptions A–E (its number, the card, the block)."""
    return next(((n, c, b) for n, c in enumerate(cs.cards, 1) for _, b, _ in c.walk()
                 if isinstance(b, Descriptions)), None)


def benefit_choice(cs: CardSet, benefits: list[str]) -> Choice | None:
    """The reflectiekaart's benefit question: the choice whose option ids are the benefit types."""
    if cs.reflection is None:
        return None
    return next((b for _, b, _ in cs.reflection.walk()
                 if isinstance(b, Choice) and {o.id for o in b.options} == set(benefits)), None)


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _options(ids: Iterable[str]) -> dict[str, str]:
    """What a file may hold for each option -> the option: its id, or the ASCII export value a
    fillable PDF gives it (model/answers.py choice_value; "herorientatie" for "heroriëntatie")."""
    known = {choice_value(i): i for i in ids}
    return known | {i: i for i in known.values()}


def _chosen(value: Any, known: Iterable[str]) -> str | None:
    return _options(known).get(value) if isinstance(value, str) else None


@dataclass(frozen=True)
class _Plan:
    """What a pack of one set is read for, worked out once a set (a file is then read by lookups):
    per card, its written answers, its choices (name, options) and its ticks and notes; card 3's
    answer name and each letter's stagnation; each domain choice's ticks (domain id, name)."""

    cards: tuple[tuple[str, tuple[str, ...], tuple[tuple[str, dict[str, str]], ...], tuple[str, ...]], ...]
    letters: tuple[str, dict[str, str]] | None
    ticks: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]


_PLANS: dict[int, tuple[CardSet, _Plan]] = {}  # by id(cs); the set is kept so that its id stays its own


def _plan(cs: CardSet) -> _Plan:
    found = _PLANS.get(id(cs))
    if found is not None and found[0] is cs:
        return found[1]
    cards = []
    for card in cs.cards:
        texts: list[str] = []
        choices: list[tuple[str, dict[str, str]]] = []
        marks: list[str] = []  # a tick or a note: answered when ticked, or written in
        for _, block, _ in card.walk():
            if not hasattr(block, "id"):
                continue  # a heading or a text asks nothing
            name = answer_name(card, block)
            if isinstance(block, WriteIn):
                texts.append(name)
            elif isinstance(block, Choice):
                choices.append((name, _options(o.id for o in block.options)))
            elif isinstance(block, Descriptions):
                choices.append((name, _options(o.letter for o in block.options)))
            elif isinstance(block, DomainChoice):
                marks += [tick_name(name, d.id) for d in cs.domains]
                texts += [note_name(name, n) for n in range(1, block.max + 1)]
        cards.append((card.id, tuple(texts), tuple(choices), tuple(marks)))
    found3 = descriptions(cs)
    letters = None
    if found3 is not None:
        stagnation_of = {o.letter: o.stagnation for o in found3[2].options}
        letters = (answer_name(found3[1], found3[2]),
                   {value: stagnation_of[letter] for value, letter in _options(stagnation_of).items()})
    ticks = tuple((answer_name(c, b), tuple((d.id, tick_name(answer_name(c, b), d.id)) for d in cs.domains))
                  for c in cs.cards for _, b, _ in c.walk() if isinstance(b, DomainChoice))
    plan = _Plan(tuple(cards), letters, ticks)
    _PLANS[id(cs)] = (cs, plan)
    return plan


def _answered(plan: _Plan, answers: dict[str, Any]) -> tuple[str, ...]:
    """The ids of the cards that hold an answer: text written, an option of a choice, a tick."""
    found = []
    for card_id, texts, choices, marks in plan.cards:
        if (any(answers.get(m) is True for m in marks) or any(_text(answers.get(t)) for t in texts)
                or any(answers.get(n) in known for n, known in choices)):  # a str; never a tick (True)
            found.append(card_id)
    return tuple(found)


def _ticks(cards: list[FillInCard], answers: dict[str, Any], cs: CardSet) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((answer_name(c, b), tuple(d.id for d in cs.domains if answers.get(tick_name(answer_name(c, b), d.id))
                                           is True))
                 for c in cards for _, b, _ in c.walk() if isinstance(b, DomainChoice))


def written_day(text: Any) -> datetime | None:
    """A date written on the reflectiekaart (2026-11-23, 23-11-2026, 23/11/2026, 23.11.2026), or None."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    match = DAY.fullmatch(text.strip())
    if not match:
        return None
    y, m, d = (match.group(1), match.group(2), match.group(3)) if match.group(1) else \
        (match.group(6), match.group(5), match.group(4))
    try:
        day = date(int(y), int(m), int(d))
    except ValueError:
        return None
    return datetime(day.year, day.month, day.day) if 2000 <= day.year <= 2100 else None


def record(cs: CardSet, filled: Filled, channel: str, digest: bytes, when: datetime | None,
           benefits: list[str]) -> Record:
    """One file's record (see Record), read by the ids of the file's own set `cs`."""
    answers = filled.answers
    if filled.reflection and cs.reflection is not None:
        card = cs.reflection
        choices = tuple((answer_name(card, b), value) for _, b, _ in card.walk() if isinstance(b, Choice)
                        for value in [_chosen(answers.get(answer_name(card, b)), (o.id for o in b.options))]
                        if value is not None)
        benefit = benefit_choice(cs, benefits)
        written = next((d for _, b, _ in card.walk() if isinstance(b, WriteIn)
                        for d in [written_day(answers.get(answer_name(card, b)))] if d is not None), None)
        return Record(REFLECTION, channel, None, digest, written or when, choices=choices,
                      ticks=_ticks([card], answers, cs),
                      benefit=dict(choices).get(answer_name(card, benefit)) if benefit is not None else None)
    plan = _plan(cs)
    stagnation = None
    if plan.letters is not None:
        letter = answers.get(plan.letters[0])
        stagnation = plan.letters[1].get(letter) if isinstance(letter, str) else None
    ticks = tuple((stem, tuple(d for d, name in names if answers.get(name) is True)) for stem, names in plan.ticks)
    return Record(PACK, channel, filled.reference, digest, when, answered=_answered(plan, answers),
                  card3=stagnation, ticks=ticks)


# -- the tables ----------------------------------------------------------------------------------

@dataclass
class Table:
    """A published table: rows × columns of Cells, row totals, column totals (a table of one answer
    a client: they add up), and the grand total; `withheld` when it cannot be shown safely."""

    id: str
    title: str
    note: str
    row_label: str
    rows: list[tuple[str, str]]  # (id, label)
    columns: list[tuple[str, str]]  # (id, label); none for a table with only a total
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)
    row_totals: dict[str, Cell] = field(default_factory=dict)
    column_totals: dict[str, Cell] | None = None
    total: Cell | None = None
    top: tuple[str, dict[str, Cell]] | None = None  # a first row of group sizes (label, by column)
    withheld: bool = False
    hidden_groups: int = 0  # columns (or rows) not shown: groups under MIN_GROUP
    key: str = ""  # what the columns' short names stand for

    @property
    def notes(self) -> list[str]:
        """What the report says under the title: the note and the columns' key."""
        return [n for n in (self.note, self.key) if n]

    @property
    def marked(self) -> bool:
        """Whether any number is hidden ("<5" or "×")."""
        cells = [*self.cells.values(), *self.row_totals.values(), *(self.column_totals or {}).values()]
        return any(c.count is None for c in cells)


@dataclass
class Counts:
    """Every record of one evaluation, after the same clients were counted once."""

    packs: list[Record]
    reflections: list[Record]
    groups: dict[str, tuple[str | None, str | None]]  # reference -> (benefit, team), from a groups CSV
    teams: bool  # the groups CSV names teams


class Builder:
    """The evaluation's tables in the report's language, as one suppression problem: tables that
    share a number (a group's size) protect it together."""

    def __init__(self, cs: CardSet, lang: str, benefits: list[str], counts: Counts):
        self.cs, self.lang, self.benefits, self.counts = cs, lang, benefits, counts
        self.problem = Problem()
        self.specs: list[tuple[Table, dict[str, Any]]] = []
        self.values = card_values(Personal(), cs.info)

    def t(self, code: str, **params: Any) -> str:
        return word(f"evaluation.{code}", params, self.lang)

    def card_title(self, card: FillInCard) -> str:
        return card.name or render(card.title, self.values)

    # -- axes ---------------------------------------------------------------------------------

    def benefit_axis(self) -> list[tuple[str, str]]:
        choice = benefit_choice(self.cs, self.benefits)
        labels = {o.id: o.label for o in choice.options} if choice is not None else {}
        return [(b, labels.get(b, b)) for b in self.benefits] + [(UNKNOWN, self.t("unknown"))]

    def pack_benefit(self, r: Record) -> str:
        found = self.counts.groups.get(r.reference or "")
        return found[0] if found is not None and found[0] else UNKNOWN

    def pack_team(self, r: Record) -> str:
        found = self.counts.groups.get(r.reference or "")
        return found[1] if found is not None and found[1] else UNKNOWN

    def stagnation_axis(self) -> list[tuple[str, str]]:
        found = descriptions(self.cs)
        names = {s.id: s.name for s in self.cs.stagnations}
        rows = [(o.stagnation, f"{o.letter} · {names[o.stagnation]}") for o in found[2].options] if found else []
        return rows + [(NONE, self.t("no_choice"))]

    # -- building -------------------------------------------------------------------------------

    def build(self) -> list[Table]:
        packs, reflections = self.counts.packs, self.counts.reflections
        p = self.problem
        total = p.entry(("size", "packs"), len(packs), TOTAL, "size:packs")
        if len(packs) < MIN_GROUP:
            p.withhold("size:packs")
        benefit = self.benefit_axis()
        benefit_of = {id(r): self.pack_benefit(r) for r in packs}
        stagnation = self.stagnation_axis()
        self._progress(packs, total)
        self._card3(packs, total, stagnation, benefit, benefit_of)
        if self.counts.teams:
            self._teams(packs, total, benefit, benefit_of)
        for number, card in enumerate(self.cs.cards, 1):
            for _, block, _ in card.walk():
                if isinstance(block, DomainChoice):
                    self._domains(packs, number, card, block, stagnation)
        self._months(packs, total)
        if self.cs.reflection is not None:
            self._reflection(reflections)
        status = p.solve()
        return [self._finish(table, spec, status) for table, spec in self.specs]

    def _grid(self, table: Table, rows: list[tuple[str, str]], cols: list[tuple[str, str]],
              counts: Counter[tuple[str, str]], population: int, *, row_sizes: dict[str, Key] | None = None,
              col_sizes: dict[str, Key] | None = None, total: Key | None = None, col_groups: bool = True,
              col_of: dict[str, int] | None = None, row_pool: set[str] | None = None) -> None:
        """Add a table of rows × the groups `cols` (sizes `col_of`): groups under MIN_GROUP hidden."""
        col_n = col_of if col_of is not None else {c: sum(n for (_, cc), n in counts.items() if cc == c)
                                                   for c, _ in cols}
        shown, small = shown_groups(col_n, col_groups)
        columns = [(c, label) for c, label in cols if c in shown] if shown else []
        pooled = set(small) if shown else set()
        keep = [c for c, _ in cols if col_n.get(c, 0) > 0] if shown else []
        table.columns = columns
        table.hidden_groups = len(small) if shown else 0
        if not shown:  # no group can be shown: the totals only
            counts = _summed(counts)
            keep, pooled = [""], set()
        add_grid(self.problem, table.id, [r for r, _ in rows], keep, dict(counts), row_pool or set(), pooled,
                 row_total=row_sizes, col_total=col_sizes if shown else None, total=total)
        if population < MIN_GROUP:
            self.problem.withhold(table.id)
        self.specs.append((table, {"rows": [r for r, _ in rows], "cols": [c for c, _ in columns] or [""],
                                   "row_sizes": row_sizes, "col_sizes": col_sizes if shown else None,
                                   "total": total}))

    def _progress(self, packs: list[Record], total: Key) -> None:
        channels = [(PDF, self.t("channel_pdf")), (WEB, self.t("channel_web")), (SCAN, self.t("channel_scan"))]
        sizes = Counter(r.channel for r in packs)
        size_keys = add_sizes(self.problem, "channel", {c: sizes[c] for c, _ in channels}, total, True)
        cards = [c for c in self.cs.cards if any(hasattr(b, "id") for _, b, _ in c.walk())]
        rows = [(c.id, f"{n}. {self.card_title(c)}") for n, c in enumerate(self.cs.cards, 1) if c in cards]
        counts = Counter((a, r.channel) for r in packs for a in r.answered)
        table = Table("progress", self.t("progress"), self.t("progress_note"), self.t("card"), rows, [])
        self._grid(table, rows, channels, counts, len(packs), col_of={c: sizes[c] for c, _ in channels})
        for key in [*size_keys.values(), total]:
            self.problem.entries[key].tables.add(table.id)
        self.specs[-1][1]["top"] = (self.t("packs_row"), {c: size_keys[c] for c, _ in table.columns} | {"": total})

    def _card3(self, packs: list[Record], total: Key, stagnation: list[tuple[str, str]],
               benefit: list[tuple[str, str]], benefit_of: dict[int, str]) -> None:
        found = descriptions(self.cs)
        number = found[0] if found else 3
        rows_n = Counter(r.card3 or NONE for r in packs)
        row_sizes = add_sizes(self.problem, "stagnation", {s: rows_n[s] for s, _ in stagnation}, total, False)
        cols_n = Counter(benefit_of[id(r)] for r in packs)
        col_sizes = add_sizes(self.problem, "benefit", {b: cols_n[b] for b, _ in benefit}, total, True)
        counts = Counter((r.card3 or NONE, benefit_of[id(r)]) for r in packs)
        table = Table("card3", self.t("card3", number=number), self.t("card3_note"), self.t("description"),
                      stagnation, [])
        self._grid(table, stagnation, benefit, counts, len(packs), row_sizes=row_sizes, col_sizes=col_sizes,
                   total=total, col_of={b: cols_n[b] for b, _ in benefit})

    def _teams(self, packs: list[Record], total: Key, benefit: list[tuple[str, str]],
               benefit_of: dict[int, str]) -> None:
        team_n = Counter(self.pack_team(r) for r in packs)
        names = sorted(t for t in team_n if t != UNKNOWN) + ([UNKNOWN] if UNKNOWN in team_n else [])
        teams = [(t, self.t("unknown") if t == UNKNOWN else t) for t in names]
        row_sizes = add_sizes(self.problem, "team", {t: team_n[t] for t in names}, total, True)
        shown, small = shown_groups({t: team_n[t] for t in names}, True)
        cols_n = Counter(benefit_of[id(r)] for r in packs)
        col_sizes = add_sizes(self.problem, "benefit", {b: cols_n[b] for b, _ in benefit}, total, True)
        counts = Counter((self.pack_team(r), benefit_of[id(r)]) for r in packs)
        rows = [(t, label) for t, label in teams if t in shown]
        table = Table("teams", self.t("teams"), self.t("teams_note"), self.t("team"), rows, [])
        if not shown:
            self.problem.withhold("teams")
        self._grid(table, teams, benefit, counts, len(packs), row_sizes=row_sizes, col_sizes=col_sizes,
                   total=total, col_of={b: cols_n[b] for b, _ in benefit}, row_pool=set(small))
        self.specs[-1][1]["rows"] = [t for t, _ in rows]

    def _domains(self, packs: list[Record], number: int, card: FillInCard, block: DomainChoice,
                 stagnation: list[tuple[str, str]]) -> None:
        stem = answer_name(card, block)
        found = descriptions(self.cs)
        rows = [(d.id, d.title) for d in self.cs.domains]
        counts = Counter((d, r.card3 or NONE) for r in packs for s, ds in r.ticks if s == stem for d in ds)
        groups = Counter(r.card3 or NONE for r in packs)
        letters = {o.stagnation: o.letter for o in found[2].options} if found else {}
        cols = [(s, letters.get(s, label)) for s, label in stagnation]  # a column by its letter: the key says which
        key = ", ".join(f"{letters[s]}: {name.split(' · ', 1)[-1]}" for s, name in stagnation if s in letters)
        table = Table(f"domains-{card.id}", self.t("domains", number=number, title=self.card_title(card)),
                      self.t("domains_note", max=block.max, card3=found[0] if found else 3), self.t("domain"),
                      rows, [])
        table.key = self.t("columns_key", card3=found[0] if found else 3, key=key)
        self._grid(table, rows, cols, counts, len(packs), col_of={s: groups[s] for s, _ in cols})

    def _months(self, packs: list[Record], total: Key) -> None:
        months = self.cs.info.dates.months
        found = Counter(f"{r.when.year:04d}-{r.when.month:02d}" if r.when else NONE for r in packs)
        keys = sorted(k for k in found if k != NONE) + ([NONE] if NONE in found else [])
        rows = [(k, self.t("no_date") if k == NONE else f"{months[int(k[5:]) - 1]} {k[:4]}") for k in keys]
        row_sizes = add_sizes(self.problem, "month", {k: found[k] for k in keys}, total, False)
        table = Table("months", self.t("months"), self.t("months_note"), self.t("month"), rows, [])
        for key in [*row_sizes.values(), total]:
            self.problem.entries[key].tables.add(table.id)
        if len(packs) < MIN_GROUP:
            self.problem.withhold(table.id)
        self.specs.append((table, {"rows": keys, "cols": [""], "row_sizes": row_sizes, "total": total}))

    def _reflection(self, reflections: list[Record]) -> None:
        card = self.cs.reflection
        assert card is not None
        p = self.problem
        total = p.entry(("size", "reflections"), len(reflections), TOTAL, "size:reflections")
        if len(reflections) < MIN_GROUP:
            p.withhold("size:reflections")
        benefit = self.benefit_axis()
        chosen = {id(r): r.benefit or UNKNOWN for r in reflections}
        cols_n = Counter(chosen.values())
        col_sizes = add_sizes(p, "reflection-benefit", {b: cols_n[b] for b, _ in benefit}, total, True)
        question = benefit_choice(self.cs, self.benefits)
        for _, block, _ in card.walk():
            if not isinstance(block, Choice) or block is question:
                continue
            name, tid = answer_name(card, block), f"reflection-{block.id}"
            rows = [(o.id, o.label) for o in block.options] + [(NONE, self.t("not_filled"))]
            counts = Counter((dict(r.choices).get(name, NONE), chosen[id(r)]) for r in reflections)
            rows_n = Counter(dict(r.choices).get(name, NONE) for r in reflections)
            row_sizes = {o: p.entry((tid, o, "total"), rows_n[o], MARGIN, tid) for o, _ in rows}
            p.relation(list(row_sizes.values()), total, tid)
            table = Table(tid, self.t("reflection", question=render(block.label or name, self.values)),
                          self.t("reflection_note"), self.t("answer"), rows, [])
            self._grid(table, rows, benefit, counts, len(reflections), row_sizes=row_sizes, col_sizes=col_sizes,
                       total=total, col_of={b: cols_n[b] for b, _ in benefit})

    # -- reading the solution back ---------------------------------------------------------------

    def _finish(self, table: Table, spec: dict[str, Any], status: dict[Key, str]) -> Table:
        entries = self.problem.entries

        def cell(key: Key) -> Cell:
            return Cell(entries[key].value if status[key] == SHOWN else None, status[key])

        table.withheld = table.id in self.problem.withheld
        if table.withheld:
            return table
        cols, rows, row_sizes = spec["cols"], spec["rows"], spec.get("row_sizes")
        table.cells = {(r, c): cell((table.id, r, c)) for r in rows for c in cols if c}
        table.row_totals = {r: cell(row_sizes[r] if row_sizes else (table.id, r, "total")) for r in rows}
        if spec.get("col_sizes") is not None:
            table.column_totals = {c: cell(spec["col_sizes"][c]) for c in cols}
        if spec.get("total") is not None:
            table.total = cell(spec["total"])
        if spec.get("top") is not None:
            label, keys = spec["top"]
            table.top = (label, {c: cell(k) for c, k in keys.items()})
        return table


def _summed(counts: Counter[tuple[str, str]]) -> Counter[tuple[str, str]]:
    out: Counter[tuple[str, str]] = Counter()
    for (r, _), n in counts.items():
        out[(r, "")] += n
    return out

