"""The suppression rules of engine/suppress.py, one at a time on small tables, and then on many random
ones, each checked by brute force: whatever a reader knows (the numbers shown, the sums, that "<5" is
1 to 4 and "×" at least 5), every small count and every cell of a hidden group keeps at least two
possible values."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from kaartgen.engine.suppress import (
    CELL,
    HIDDEN,
    MIN_COUNT,
    PRIMARY,
    SECONDARY,
    SHOWN,
    TOTAL,
    WITHHELD,
    Problem,
    add_grid,
    add_sizes,
    shown_groups,
)


def table(counts: dict[tuple[str, str], int], groups: bool = False) -> tuple[Problem, dict]:
    """A table of one answer a client: rows are categories, columns groups (when `groups`)."""
    rows = sorted({r for r, _ in counts})
    cols = sorted({c for _, c in counts})
    p = Problem()
    total = p.entry(("size", "all"), sum(counts.values()), TOTAL, "size:all")
    row_n = {r: sum(n for (x, _), n in counts.items() if x == r) for r in rows}
    col_n = {c: sum(n for (_, y), n in counts.items() if y == c) for c in cols}
    row_keys = add_sizes(p, "rows", row_n, total, False)
    col_keys = add_sizes(p, "cols", col_n, total, groups)
    _, small = shown_groups(col_n, groups)
    kept = [c for c in cols if col_n[c] > 0]
    add_grid(p, "t", rows, kept, {k: v for k, v in counts.items() if k[1] in kept}, set(), set(small),
             row_total=row_keys, col_total=col_keys, total=total)
    return p, p.solve()


def possible(problem: Problem, status: dict, target, most: int = 2) -> list[int]:
    """The values `target` can take for a reader who knows what is shown (brute force)."""
    entries = problem.entries
    top = max(e.value for e in entries.values())
    hidden = [k for k, s in status.items() if s not in (SHOWN, WITHHELD)]
    domain = {k: range(1, MIN_COUNT) if status[k] == PRIMARY else range(MIN_COUNT, top + 1)
              if status[k] == SECONDARY else range(0, top + 1) for k in hidden}
    sums = [(parts, whole) for parts, whole, t in problem.relations if t not in problem.withheld]
    known = {k: entries[k].value for k, s in status.items() if s == SHOWN}

    def fits(values: dict) -> bool:
        for parts, whole in sums:
            got = [values.get(k, known.get(k)) for k in parts]
            low = sum(g if g is not None else min(domain[k]) for g, k in zip(got, parts))
            high = sum(g if g is not None else max(domain[k]) for g, k in zip(got, parts))
            w = values.get(whole, known.get(whole))
            if (w if w is not None else max(domain[whole])) < low or (w if w is not None else min(domain[whole])) > high:
                return False
        return True

    order = [k for k in hidden if k != target]

    def search(i: int, values: dict) -> bool:
        if not fits(values):
            return False
        if i == len(order):
            return True
        return any(search(i + 1, {**values, order[i]: v}) for v in domain[order[i]])

    found = []
    for v in domain[target]:
        if search(0, {target: v}):
            found.append(v)
            if len(found) >= most:
                break
    return found


def test_a_small_count_is_shown_as_less_than_5_and_a_zero_as_0():
    p, status = table({("a", "x"): 20, ("a", "y"): 3, ("b", "x"): 12, ("b", "y"): 0, ("c", "x"): 9, ("c", "y"): 15})
    assert status[("t", "a", "y")] == PRIMARY
    assert status[("t", "b", "y")] == SHOWN and p.entries[("t", "b", "y")].value == 0


def test_a_small_count_alone_in_its_row_and_column_gets_company():
    """Rule 3: with the totals shown, a lone "<5" is given back; the smallest cells that close a circuit
    are hidden too, never a 0."""
    p, status = table({("a", "x"): 20, ("a", "y"): 3, ("b", "x"): 12, ("b", "y"): 6, ("c", "x"): 9, ("c", "y"): 15})
    hidden = {k for k, s in status.items() if s == SECONDARY}
    assert hidden, status
    assert all(p.entries[k].value >= MIN_COUNT for k in hidden)
    for row in ("a", "b", "c"):  # every row and column with a hidden cell has at least two
        n = sum(status[("t", row, c)] != SHOWN for c in ("x", "y"))
        assert n in (0, 2), row
    assert len(possible(p, status, ("t", "a", "y"))) == 2


def test_a_group_under_10_is_not_shown_and_its_cells_not_given_back():
    p, status = table({("a", "x"): 20, ("a", "y"): 2, ("a", "z"): 30, ("b", "x"): 15, ("b", "y"): 5, ("b", "z"): 25},
                      groups=True)
    assert status[("size", "cols", "~")] == HIDDEN  # y: 7 clients
    assert ("t", "a", "y") not in status and status[("t", "a", "~")] == HIDDEN
    for key in (("t", "a", "~"), ("t", "b", "~")):
        assert len(possible(p, status, key)) == 2, status


def test_a_tight_sum_is_loosened():
    """Rule 4: no sum gives any one of four "<5" back, but four of them adding up to 4 are four ones;
    one more number is hidden."""
    p = Problem()
    total = p.entry(("size", "all"), 24, TOTAL, "size:all")
    add_sizes(p, "months", {"m1": 1, "m2": 1, "m3": 1, "m4": 1, "m5": 20}, total, False)
    status = p.solve()
    assert [status[("size", "months", m)] for m in ("m1", "m2", "m3", "m4", "m5")] == [PRIMARY] * 4 + [SECONDARY]
    assert len(possible(p, status, ("size", "months", "m1"))) == 2


def test_too_few_clients_withholds_the_table():
    p = Problem()
    p.entry(("size", "all"), 7, TOTAL, "size:all")
    p.withhold("t")
    add_grid(p, "t", ["a"], [""], {("a", ""): 7}, set(), set())
    assert p.solve()[("t", "a", "")] == WITHHELD


def test_a_row_of_no_clients_needs_no_protection():
    """A row whose total is a shown 0 (no client chose it) says nothing of the hidden group's cell in
    it: the table is shown, not withheld for want of a complement."""
    p, status = table({("a", "x"): 20, ("a", "y"): 2, ("a", "z"): 30, ("b", "x"): 15, ("b", "y"): 5,
                       ("b", "z"): 25, ("c", "x"): 0, ("c", "y"): 0, ("c", "z"): 0}, groups=True)
    assert not p.withheld
    assert status[("t", "c", "x")] == SHOWN and status[("size", "rows", "c")] == SHOWN
    for key in (("t", "a", "~"), ("t", "b", "~")):
        assert len(possible(p, status, key)) == 2, status


@pytest.mark.parametrize("seed", range(3))
def test_no_random_table_gives_a_hidden_number_back(seed):
    rng = random.Random(seed)
    checked = withheld = 0
    for _ in range(25):
        counts = Counter({(f"r{r}", f"c{c}"): rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 12, 20])
                          for r in range(rng.randint(2, 3)) for c in range(rng.randint(2, 3))})
        if sum(counts.values()) < 10:
            continue
        p, status = table(dict(counts), groups=rng.random() < 0.5)
        if p.withheld:
            withheld += 1
            continue
        empty = {k for parts, whole, _ in p.relations if status[whole] == SHOWN and p.entries[whole].value == 0
                 for k in parts}
        for key, s in status.items():
            e = p.entries[key]
            if s == PRIMARY or (s == HIDDEN and key not in empty and (e.kind == CELL or 0 < e.value < MIN_COUNT)):
                assert len(possible(p, status, key)) == 2, (key, {k: (p.entries[k].value, v) for k, v in status.items()})
                checked += 1
    assert checked > 10
    assert withheld <= 2  # a table is withheld only when nothing else protects it
