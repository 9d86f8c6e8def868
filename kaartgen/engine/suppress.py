"""Privacy by construction: which numbers of the evaluation's tables may be published, so that
nobody can find one client in them (statistical disclosure control, as statistical offices do it).

The rules, in the order they are applied:

1. Small groups are not shown. A group — a benefit type, a team, a channel, or the clients who chose
   one description on card 3 when a table is split by it — of fewer than MIN_GROUP (10) clients
   gets no column, no row and no size anywhere. Its clients still count in the totals. Inside a
   table the small groups of one axis count together as one hidden group, and every cell of it is
   protected like a small count (rule 3), so that no total gives it back (except a cell in a row or
   column whose total is a shown 0: everyone can tell it is 0). Its size is protected when it is
   1 to 4. A table of fewer than MIN_GROUP clients altogether is not shown.
2. Primary suppression. A count of 1 to MIN_COUNT - 1 (1–4) in any cell or total is shown as "<5".
   A zero is shown: it says nothing about any one client.
3. Secondary (complementary) suppression. The numbers shown must not give a hidden one back. Every
   total is the sum of its cells: a hidden cell alone in its row or column follows from its total,
   and so do hidden cells that form no closed circuit of rows and columns, or that two tables
   sharing a total (the group sizes) give back together. The check is exact: linear algebra over
   every sum of every table at once (a hidden number is given back when all solutions of the sums
   agree on it). While one is given back, another shown number that takes it away is hidden as
   well, shown as "×": a cell before a total, a group's size last; a count above 0 before a 0; the
   smallest first.
4. Tight sums. Hidden numbers whose sum is known are still given back when that sum leaves them one
   value each (each "<5" is 1 to 4, each "×" 0 or at least 5, and four "<5" cells adding up to 4
   are four ones): then another number in that sum is hidden too.
5. A table in which a hidden number cannot be protected this way is not shown at all.

A `Problem` holds every number of every table (an entry, by key), the sums between them
(relations), and which entries are the hidden groups; `solve` gives each entry its status.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

MIN_COUNT = 5  # counts below this (and above 0) are shown as "<5"
MIN_GROUP = 10  # groups below this are not shown at all

SHOWN, PRIMARY, SECONDARY, HIDDEN, WITHHELD = "shown", "primary", "secondary", "hidden", "withheld"
MARKS = {PRIMARY: f"<{MIN_COUNT}", SECONDARY: "×"}

# what an entry is, which decides the order in which complements are chosen (rule 3)
CELL, MARGIN, SIZE, TOTAL = 0, 1, 2, 3  # a TOTAL (a table's population) is never hidden

Key = Hashable
_PRIME = (1 << 61) - 1  # elimination modulo a prime: exact for the 0/±1 sums of counting tables
TRIALS = 12  # complements tried one at a time before one is hidden on the way to a circuit


@dataclass(frozen=True)
class Cell:
    """A published number: its count (None when hidden) and status (SHOWN, PRIMARY or SECONDARY)."""

    count: int | None
    status: str

    @property
    def text(self) -> str:
        return str(self.count) if self.count is not None else MARKS[self.status]


@dataclass
class _Entry:
    value: int
    kind: int
    tables: set[str]
    hidden: bool = False  # a hidden group's entry (rule 1): never shown
    order: int = 0


@dataclass
class Problem:
    """The numbers of every table and the sums between them; `solve` decides what is shown."""

    entries: dict[Key, _Entry] = field(default_factory=dict)
    relations: list[tuple[tuple[Key, ...], Key, str]] = field(default_factory=list)  # (parts, whole, table)
    withheld: set[str] = field(default_factory=set)

    def entry(self, key: Key, value: int, kind: int, table: str, hidden: bool = False) -> Key:
        """Add a number (or name one more table that shows it); returns its key."""
        found = self.entries.get(key)
        if found is None:
            self.entries[key] = _Entry(value, kind, {table}, hidden, len(self.entries))
        else:
            if found.value != value:
                raise ValueError(f"{key!r} added twice with different values")
            found.tables.add(table)
        return key

    def relation(self, parts: Iterable[Key], whole: Key, table: str) -> None:
        """The entries `parts` add up to `whole`."""
        self.relations.append((tuple(parts), whole, table))

    def withhold(self, table: str) -> None:
        """Show nothing of `table` (too few clients)."""
        self.withheld.add(table)

    # -- solving --------------------------------------------------------------------------------

    def solve(self) -> dict[Key, str]:
        """Every entry's status: SHOWN, PRIMARY ("<5"), SECONDARY ("×"), HIDDEN (a hidden group's:
        not shown) or WITHHELD (its tables are not shown)."""
        entries = self.entries
        empty = {k for parts, whole, _ in self.relations if entries[whole].value == 0 and not entries[whole].hidden
                 for k in parts}  # in a sum of 0 shown: 0, as everyone can tell; nothing to protect
        protected = {k for k, e in entries.items() if e.hidden and k not in empty
                     and (e.kind == CELL or 0 < e.value < MIN_COUNT)}
        protected |= {k for k, e in entries.items() if not e.hidden and 0 < e.value < MIN_COUNT and e.kind != TOTAL}
        unknown = set(protected)
        secondary: set[Key] = set()
        for _ in range(len(entries) + len(self.relations) + 1):  # each round hides one more, or withholds
            relations = self._active()
            exposed = _exposed(relations, unknown, protected, entries)
            if exposed is None:
                break
            key, where = exposed
            complement = self._complement(key, where, relations, unknown, protected)
            if complement is None:
                for table in sorted(entries[key].tables):
                    self.withheld.add(table)
                continue
            unknown.add(complement)
            secondary.add(complement)
        status: dict[Key, str] = {}
        for key, e in entries.items():
            if e.tables <= self.withheld:
                status[key] = WITHHELD
            elif e.hidden:
                status[key] = HIDDEN
            elif key in secondary:
                status[key] = SECONDARY
            elif key in unknown:
                status[key] = PRIMARY
            else:
                status[key] = SHOWN
        return status

    def _active(self) -> list[tuple[tuple[Key, ...], Key]]:
        return [(parts, whole) for parts, whole, table in self.relations if table not in self.withheld]

    def _complement(self, key: Key, where: tuple[Key, ...] | None, relations: list[tuple[tuple[Key, ...], Key]],
                    unknown: set[Key], protected: set[Key]) -> Key | None:
        """The shown entry whose hiding protects `key` again, by the order of rule 3: first the
        numbers of a sum it is in (`where`, when that sum pins it), then the rest of its tables;
        None when none does. A complement is never 0: the reader knows a "×" is at least 5."""
        entries = self.entries
        near = set(where) if where is not None else {k for parts, whole in relations if key in (*parts, whole)
                                                     for k in (*parts, whole)}
        tables = entries[key].tables
        pool = near | {k for parts, whole in relations for k in (*parts, whole) if entries[k].tables & tables}
        candidates = sorted((k for k in pool if k not in unknown and entries[k].kind != TOTAL and entries[k].value
                             and not entries[k].hidden and not entries[k].tables <= self.withheld),
                            key=lambda k: (k not in near, entries[k].kind, entries[k].value, entries[k].order))
        for candidate in candidates[:TRIALS]:
            if _safe(key, relations, unknown | {candidate}, protected, entries):
                return candidate
        # none does it alone: hide the first of the sum around `key` that has the fewest hidden numbers,
        # and look again (a circuit of hidden cells takes several)
        sums = [(*parts, whole) for parts, whole in relations if key in (*parts, whole)] if where is None else [where]
        sums.sort(key=lambda members: sum(k in unknown for k in members))
        for members in sums:
            found = next((c for c in candidates if c in members), None)
            if found is not None:
                return found
        return None


def _exposed(relations: list[tuple[tuple[Key, ...], Key]], unknown: set[Key], protected: set[Key],
             entries: dict[Key, _Entry]) -> tuple[Key, tuple[Key, ...] | None] | None:
    """The first protected entry that the published numbers give back, with the one sum that pins
    it when there is one; None when every protected entry is safe. Three checks, the cheap ones
    first: the sums' linear algebra, each sum's bounds, then the bounds of all sums together."""
    determined = _determined(relations, unknown, protected, entries)
    if determined:
        return min(determined, key=lambda k: entries[k].order), None
    for parts, whole in relations:
        members = (*parts, whole)
        if any(k in protected for k in members):
            pinned = _pinned(members, unknown, protected, entries)
            if pinned is not None:
                return pinned, members
    for key in sorted(protected, key=lambda k: entries[k].order):
        if not _safe(key, relations, unknown, protected, entries):
            return key, None
    return None


def _safe(key: Key, relations: list[tuple[tuple[Key, ...], Key]], unknown: set[Key], protected: set[Key],
          entries: dict[Key, _Entry]) -> bool:
    """Whether `key` may still take two values, given every published number, every sum and each
    hidden number's bounds (a linear programme over the sums that link it, min and max)."""
    linked = _component(key, relations, unknown)
    columns = sorted(linked, key=lambda k: entries[k].order)
    index = {k: i for i, k in enumerate(columns)}
    lows = [_bounds(k, protected, entries)[0] for k in columns]
    highs = [_bounds(k, protected, entries)[1] for k in columns]
    extra = [i for i, h in enumerate(highs) if h is not None]  # a slack for each upper bound
    width = len(columns) + len(extra)
    matrix: list[list[float]] = []
    rhs: list[float] = []
    for parts, whole in relations:
        members = (*parts, whole)
        if not any(k in index for k in members):
            continue
        row = [0.0] * width
        value = 0.0
        for k, sign in [*((p, 1.0) for p in parts), (whole, -1.0)]:
            if k in index:
                row[index[k]] += sign
                value -= sign * lows[index[k]]
            else:
                value -= sign * entries[k].value
        matrix.append(row)
        rhs.append(value)
    for n, i in enumerate(extra):  # y_i + s_i = high - low
        row = [0.0] * width
        row[i], row[len(columns) + n] = 1.0, 1.0
        matrix.append(row)
        rhs.append(float(highs[i]) - lows[i])  # type: ignore[arg-type]
    low, high = _lp_range(matrix, rhs, width, index[key])
    if low is None:
        return True  # no solution at all: nothing is given back (cannot happen with true counts)
    return high is None or math.floor(high + lows[index[key]] + 1e-7) - math.ceil(low + lows[index[key]] - 1e-7) >= 1


def _component(key: Key, relations: list[tuple[tuple[Key, ...], Key]], unknown: set[Key]) -> set[Key]:
    """The unknown entries linked to `key` through sums with unknowns in them."""
    found, todo = {key}, [key]
    by_entry: dict[Key, list[tuple[Key, ...]]] = {}
    for parts, whole in relations:
        members = (*parts, whole)
        for k in members:
            if k in unknown:
                by_entry.setdefault(k, []).append(members)
    while todo:
        for members in by_entry.get(todo.pop(), []):
            for k in members:
                if k in unknown and k not in found:
                    found.add(k)
                    todo.append(k)
    return found


def _bounds(key: Key, protected: set[Key], entries: dict[Key, _Entry]) -> tuple[int, int | None]:
    """What a reader knows of a hidden number: a "<5" is 1 to 4, a "×" at least 5, a hidden group's
    cell at least 0."""
    e = entries[key]
    if e.hidden and e.kind == CELL:
        return 0, None
    if key in protected:
        return 1, MIN_COUNT - 1
    return MIN_COUNT, None


_EPS = 1e-9


class _Simplex:
    """A dense simplex tableau for `rows` · x = `rhs`, x >= 0, with an artificial variable a row
    (phase 1); Bland's rule, so it never cycles. The tables are small: tens of hidden numbers."""

    def __init__(self, rows: list[list[float]], rhs: list[float], width: int):
        m = len(rows)
        self.width = width
        self.tableau = []
        for i, (row, value) in enumerate(zip(rows, rhs)):
            sign = -1.0 if value < 0 else 1.0
            artificial = [0.0] * m
            artificial[i] = 1.0
            self.tableau.append([sign * x for x in row] + artificial + [sign * value])
        self.basis = [width + i for i in range(m)]

    def pivot(self, r: int, c: int) -> None:
        pr = self.tableau[r]
        pv = pr[c]
        pr[:] = [x / pv for x in pr]
        for i, row in enumerate(self.tableau):
            f = row[c]
            if i != r and abs(f) > _EPS:
                row[:] = [x - f * y for x, y in zip(row, pr)]
        self.basis[r] = c

    def minimise(self, cost: list[float], allowed: int) -> bool:
        """Minimise cost · x over the first `allowed` columns; False when unbounded."""
        tableau, basis = self.tableau, self.basis
        while True:
            in_basis = set(basis)
            enter = next((j for j in range(allowed) if j not in in_basis
                          and cost[j] - sum(cost[basis[i]] * tableau[i][j] for i in range(len(tableau))) < -_EPS),
                         None)
            if enter is None:
                return True
            ratios = [(tableau[i][-1] / tableau[i][enter], basis[i], i) for i in range(len(tableau))
                      if tableau[i][enter] > _EPS]
            if not ratios:
                return False
            self.pivot(min(ratios)[2], enter)

    def feasible(self) -> bool:
        """Phase 1: a basis without artificial variables, rows that only repeat others dropped."""
        width, m = self.width, len(self.tableau)
        self.minimise([0.0] * width + [1.0] * m, width + m)
        if sum(self.tableau[i][-1] for i in range(m) if self.basis[i] >= width) > 1e-6:
            return False
        for i in range(m):
            if self.basis[i] >= width:
                c = next((j for j in range(width) if abs(self.tableau[i][j]) > _EPS), None)
                if c is not None:
                    self.pivot(i, c)
        keep = [i for i in range(m) if self.basis[i] < width]
        self.tableau = [self.tableau[i] for i in keep]
        self.basis = [self.basis[i] for i in keep]
        return True

    def value(self, column: int) -> float:
        return next((self.tableau[i][-1] for i, b in enumerate(self.basis) if b == column), 0.0)


def _lp_range(rows: list[list[float]], rhs: list[float], width: int,
              target: int) -> tuple[float | None, float | None]:
    """min and max of x[target] subject to rows · x = rhs and x >= 0; (None, None) when infeasible,
    max None when unbounded."""
    simplex = _Simplex(rows, rhs, width)
    if not simplex.feasible():
        return None, None
    start = [list(row) for row in simplex.tableau], list(simplex.basis)
    found: list[float | None] = []
    for sign in (1.0, -1.0):
        simplex.tableau, simplex.basis = [list(row) for row in start[0]], list(start[1])
        cost = [0.0] * (len(simplex.tableau[0]) - 1) if simplex.tableau else [0.0] * width
        cost[target] = sign
        found.append(simplex.value(target) if simplex.minimise(cost, width) else None)
    return found[0], found[1]


def _determined(relations: list[tuple[tuple[Key, ...], Key]], unknown: set[Key], wanted: set[Key],
                entries: dict[Key, _Entry]) -> set[Key]:
    """The entries of `wanted` (all unknown) whose value follows from the sums: those whose unit
    vector lies in the row space of the sums' coefficients on the unknowns (Gauss-Jordan, mod p)."""
    columns = sorted(unknown, key=lambda k: entries[k].order)
    index = {k: i for i, k in enumerate(columns)}
    pivots: dict[int, dict[int, int]] = {}  # pivot column -> its row, reduced
    for parts, whole in relations:
        row: dict[int, int] = {}
        for k, sign in [*((p, 1) for p in parts), (whole, -1)]:
            if k in index:
                row[index[k]] = (row.get(index[k], 0) + sign) % _PRIME
        row = {c: v for c, v in row.items() if v}
        for col, prow in pivots.items():  # reduce by the pivots found so far
            factor = row.get(col)
            if factor:
                for c, v in prow.items():
                    row[c] = (row.get(c, 0) - factor * v) % _PRIME
                row = {c: v for c, v in row.items() if v}
        if not row:
            continue
        col = min(row)
        inverse = pow(row[col], _PRIME - 2, _PRIME)
        row = {c: v * inverse % _PRIME for c, v in row.items()}
        for other in pivots.values():  # keep every pivot row free of the new pivot column
            factor = other.get(col)
            if factor:
                for c, v in row.items():
                    other[c] = (other.get(c, 0) - factor * v) % _PRIME
                for c in [c for c, v in other.items() if not v]:
                    del other[c]
        pivots[col] = row
    return {columns[col] for col, row in pivots.items() if len(row) == 1 and columns[col] in wanted}


# -- tight sums (rule 4): values as lists of closed intervals (lo, hi), hi None for no upper bound --

Intervals = list[tuple[int, int | None]]


def _domain(key: Key, unknown: set[Key], protected: set[Key], entries: dict[Key, _Entry]) -> Intervals:
    if key not in unknown:
        return [(entries[key].value, entries[key].value)]
    low, high = _bounds(key, protected, entries)
    return [(low, high)]


def _add(a: Intervals, b: Intervals) -> Intervals:
    return _merge([(x + y, None if xh is None or yh is None else xh + yh) for x, xh in a for y, yh in b])


def _merge(items: Intervals) -> Intervals:
    out: Intervals = []
    for lo, hi in sorted(items, key=lambda i: i[0]):
        top = out[-1][1] if out else 0
        if out and (top is None or lo <= top + 1):
            out[-1] = (out[-1][0], None if top is None or hi is None else max(top, hi))
        else:
            out.append((lo, hi))
    return out


def _sumset(keys: Iterable[Key], unknown: set[Key], protected: set[Key], entries: dict[Key, _Entry]) -> Intervals:
    total: Intervals = [(0, 0)]
    for k in keys:
        total = _add(total, _domain(k, unknown, protected, entries))
    return total


def _values(domain: Intervals, allowed: Intervals) -> int:
    """How many integers lie in both (2 means "at least two")."""
    count = 0
    for lo, hi in domain:
        for alo, ahi in allowed:
            start = max(lo, alo)
            ends = [h for h in (hi, ahi) if h is not None]
            end = min(ends) if ends else None
            if end is None or end >= start:
                count += 2 if end is None else end - start + 1
            if count >= 2:
                return 2
    return count


def _pinned(members: tuple[Key, ...], unknown: set[Key], protected: set[Key],
            entries: dict[Key, _Entry]) -> Key | None:
    """A protected entry of the sum `members` (parts..., whole) that this sum alone leaves one
    possible value, or None."""
    *parts, whole = members
    hidden_parts = [k for k in parts if k in unknown]
    if not any(k in protected for k in (*hidden_parts, whole)):
        return None
    known = sum(entries[k].value for k in parts if k not in unknown)
    whole_domain = _domain(whole, unknown, protected, entries)
    for k in sorted((*hidden_parts, whole), key=lambda k: entries[k].order):
        if k not in protected:
            continue
        if k == whole:
            reachable = [(lo + known, None if hi is None else hi + known)
                         for lo, hi in _sumset(hidden_parts, unknown, protected, entries)]
            if _values(whole_domain, reachable) < 2:
                return k
            continue
        others = _sumset([p for p in hidden_parts if p != k], unknown, protected, entries)
        allowed: Intervals = []  # k = whole - known - others, for each whole its domain allows
        for wlo, whi in whole_domain:
            for olo, ohi in others:
                low = 0 if ohi is None else max(wlo - known - ohi, 0)
                allowed.append((low, None if whi is None else whi - known - olo))
        if _values(_domain(k, unknown, protected, entries), _merge([a for a in allowed
                                                                    if a[1] is None or a[1] >= a[0]])) < 2:
            return k
    return None


# -- building tables --------------------------------------------------------------------------------

POOL = "~"  # the key of an axis's hidden group: its small groups counted together


def shown_groups(sizes: dict[str, int], groups: bool) -> tuple[list[str], list[str]]:
    """The items of an axis in their order: those shown and those counted in the hidden group
    (a group under MIN_GROUP; an axis of categories hides none). A group of no clients is neither."""
    if not groups:
        return list(sizes), []
    return [g for g, n in sizes.items() if n >= MIN_GROUP], [g for g, n in sizes.items() if 0 < n < MIN_GROUP]


def add_sizes(problem: Problem, axis: str, sizes: dict[str, int], total: Key, groups: bool) -> dict[str, Key]:
    """The sizes of an axis's items (groups or categories) as shared entries that add up to `total`;
    returns each item's size key (a small group's is the hidden group's)."""
    shown, small = shown_groups(sizes, groups)
    keys = {g: problem.entry(("size", axis, g), sizes[g], SIZE, f"size:{axis}") for g in shown}
    if small:
        pool = problem.entry(("size", axis, POOL), sum(sizes[g] for g in small), SIZE, f"size:{axis}", hidden=True)
        keys.update(dict.fromkeys(small, pool))
    problem.relation(list(dict.fromkeys(keys.values())), total, f"size:{axis}")
    return keys


def add_grid(problem: Problem, table: str, rows: list[str], cols: list[str], counts: dict[tuple[str, str], int],
             row_pool: set[str], col_pool: set[str], row_total: dict[str, Key] | None = None,
             col_total: dict[str, Key] | None = None, total: Key | None = None) -> None:
    """A table's cells (rows × columns, the pooled small groups as one hidden row or column) and
    its sums: each row adds up to its total (a key of its own unless `row_total` names a shared
    size), each column to `col_total` when given (a table of one answer a client: the columns add
    up), and the row totals to `total` when given."""
    row_keys = [r for r in rows if r not in row_pool] + ([POOL] if row_pool else [])
    col_keys = [c for c in cols if c not in col_pool] + ([POOL] if col_pool else [])
    cell: dict[tuple[str, str], int] = {}
    for (r, c), n in counts.items():
        key = (POOL if r in row_pool else r, POOL if c in col_pool else c)
        cell[key] = cell.get(key, 0) + n
    for r in row_keys:
        for c in col_keys:
            problem.entry((table, r, c), cell.get((r, c), 0), CELL, table, hidden=POOL in (r, c))
    margins: list[Key] = []
    for r in row_keys:
        if row_total is not None:
            whole = row_total[next(x for x in rows if (POOL if x in row_pool else x) == r)]
            problem.entries[whole].tables.add(table)
        else:
            whole = problem.entry((table, r, "total"), sum(cell.get((r, c), 0) for c in col_keys), MARGIN, table,
                                  hidden=r == POOL)
        margins.append(whole)
        problem.relation([(table, r, c) for c in col_keys], whole, table)
    if col_total is not None:
        for c in col_keys:
            whole = col_total[next(x for x in cols if (POOL if x in col_pool else x) == c)]
            problem.entries[whole].tables.add(table)
            problem.relation([(table, r, c) for r in row_keys], whole, table)
    if total is not None:
        problem.entries[total].tables.add(table)
        problem.relation(list(dict.fromkeys(margins)), total, table)
