"""Small-count suppression for everything the public sees.

The public impact page publishes counts (people, contacts, events) in several views that
are linked by arithmetic: a year's people are the sum of that year's people by language,
the years' contacts add up to the all-time contacts, and so on. Hiding a small count is
not enough when it can be worked back out of the numbers around it, so this module does
two things:

1. Primary suppression: every count from 1 to `threshold` (10 by default) is shown as
   "<11". Zero is shown as zero.
2. Complementary suppression: further cells are hidden (shown as "—") until no small
   count can be narrowed down by anyone who knows every published number, how the views
   add up, and how this algorithm works. "Narrowed down" is measured exactly: for each
   hidden cell a linear program finds the smallest and largest value it could have,
   given every published number and relation; a small count is protected only when both
   1 and `threshold` remain possible. So "<11" never means more than "between 1 and 10".

What is assumed known for a hidden cell: "<11" cells are between 1 and `threshold`;
"—" cells are above `threshold` (they were chosen among shown counts, never zeros);
withheld cells (breakdowns of a total that is itself small) are only known to be >= 0.

Relations come in two kinds. `Relation(total, parts)` with `additive=True` says
total == sum(parts) (contacts by year, people by their main language). With
`additive=False` the total counts a union (unique people over several years: someone
seen in two years counts once in the total), so max(parts) <= total <= sum(parts).
`AtMost(small, large)` says small <= large (people <= contacts). A relation marked
`breakdown=True` (people by language) is withheld entirely when its total is small.

Everything here is pure Python with scipy's HiGHS linear programs; no Streamlit, no data
access. The page builds cells and relations (impact.public) and shows what `protect`
allows.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

Key = Hashable
DEFAULT_THRESHOLD = 10
_EPS = 1e-6


class Status(StrEnum):
    SHOWN = "shown"  # published exactly
    SMALL = "small"  # 1..threshold, published as "<threshold+1"
    HIDDEN = "hidden"  # complementary suppression, published as "—"
    WITHHELD = "withheld"  # part of a breakdown of a small total: not published


@dataclass(frozen=True)
class Relation:
    total: Key
    parts: tuple[Key, ...]
    additive: bool = True  # False: a union count, max(parts) <= total <= sum(parts)
    breakdown: bool = False  # True: not published at all when the total is small (see protect)


@dataclass(frozen=True)
class AtMost:
    small: Key
    large: Key


@dataclass
class Protection:
    values: Mapping[Key, int]
    status: dict[Key, Status]
    threshold: int
    ranges: dict[Key, tuple[float, float]] = field(default_factory=dict)  # what an attacker can infer

    def published(self, key: Key) -> int | None:
        """The exact number that may be shown, or None when the cell is not shown exactly."""
        return int(self.values[key]) if self.status[key] is Status.SHOWN else None

    def label(self, key: Key) -> str:
        """The text shown for the cell: the number, "<11" or "—"."""
        status = self.status[key]
        if status is Status.SHOWN:
            return f"{int(self.values[key]):,}"
        if status is Status.SMALL:
            return small_label(self.threshold)
        return HIDDEN_LABEL

    @property
    def suppressed(self) -> list[Key]:
        return [k for k, s in self.status.items() if s is not Status.SHOWN]


HIDDEN_LABEL = "—"


def small_label(threshold: int = DEFAULT_THRESHOLD) -> str:
    return f"<{threshold + 1}"


def primary(values: Mapping[Key, int], threshold: int = DEFAULT_THRESHOLD) -> dict[Key, Status]:
    """Counts from 1 to `threshold` are small; everything else (0 included) may be shown."""
    return {k: Status.SMALL if 1 <= int(v) <= threshold else Status.SHOWN for k, v in values.items()}


def _check(values: Mapping[Key, int], relations: Iterable[Relation], bounds: Iterable[AtMost]) -> None:
    for key, value in values.items():
        if int(value) != value or value < 0:
            raise ValueError(f"cell {key!r} is not a count: {value!r}")
    for r in relations:
        missing = [k for k in (r.total, *r.parts) if k not in values]
        if missing:
            raise ValueError(f"relation refers to unknown cells: {missing!r}")
        total, parts = values[r.total], [values[p] for p in r.parts]
        if r.additive and total != sum(parts):
            raise ValueError(f"cells do not add up: {r.total!r} = {total} but its parts sum to {sum(parts)}")
        if not r.additive and parts and not (max(parts) <= total <= sum(parts)):
            raise ValueError(f"union count {r.total!r} = {total} is outside [max, sum] of its parts")
    for b in bounds:
        if values[b.small] > values[b.large]:
            raise ValueError(f"{b.small!r} exceeds {b.large!r}")


def _withhold_small_breakdowns(status: dict[Key, Status], relations: list[Relation]) -> None:
    """A breakdown of a small (or withheld) total is not published: its parts would all be
    small too, so nothing useful is lost, and many "<11" parts of a "<11" total could pin
    each other down (ten parts of a total of at most ten are all exactly one)."""
    changed = True
    while changed:
        changed = False
        for r in relations:
            if r.breakdown and status[r.total] in (Status.SMALL, Status.WITHHELD):
                for p in r.parts:
                    if status[p] is not Status.WITHHELD:
                        status[p] = Status.WITHHELD
                        changed = True


def feasible_ranges(
    values: Mapping[Key, int],
    status: Mapping[Key, Status],
    relations: Iterable[Relation],
    bounds: Iterable[AtMost] = (),
    threshold: int = DEFAULT_THRESHOLD,
    only: Iterable[Key] | None = None,
) -> dict[Key, tuple[float, float]]:
    """For every unpublished cell (or those in `only`), the least and greatest value consistent
    with what is published.

    This is the attacker's view: published cells are constants, "<11" cells lie in
    [1, threshold], "—" cells in [threshold + 1, inf), withheld cells in [0, inf), and
    every relation holds. Each connected group of unpublished cells is solved on its own.
    """
    from scipy.optimize import linprog  # 1.5 s to import: only when something is protected, never for a visit

    relations, bounds = list(relations), list(bounds)
    hidden = [k for k, s in status.items() if s is not Status.SHOWN]
    if not hidden:
        return {}
    # Rows over unpublished cells: (coefficients by key, comparison, constant).
    rows: list[tuple[dict[Key, float], str, float]] = []

    def add(terms: list[tuple[Key, float]], kind: str) -> None:
        coefficients: dict[Key, float] = {}
        constant = 0.0
        for key, coefficient in terms:
            if status[key] is Status.SHOWN:
                constant -= coefficient * values[key]
            else:
                coefficients[key] = coefficients.get(key, 0.0) + coefficient
        if coefficients:
            rows.append((coefficients, kind, constant))

    for r in relations:
        if r.additive:
            add([(r.total, 1.0)] + [(p, -1.0) for p in r.parts], "eq")
        else:
            add([(r.total, 1.0)] + [(p, -1.0) for p in r.parts], "le")  # total <= sum(parts)
            for p in r.parts:
                add([(p, 1.0), (r.total, -1.0)], "le")  # each part <= total
    for b in bounds:
        add([(b.small, 1.0), (b.large, -1.0)], "le")

    # Connected groups of unpublished cells (cells that share a row).
    parent = {k: k for k in hidden}

    def find(k: Key) -> Key:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for coefficients, _, _ in rows:
        keys = list(coefficients)
        for other in keys[1:]:
            parent[find(other)] = find(keys[0])
    groups: dict[Key, list[Key]] = {}
    for k in hidden:
        groups.setdefault(find(k), []).append(k)

    def bound(key: Key) -> tuple[float, float | None]:
        s = status[key]
        if s is Status.SMALL:
            return (1.0, float(threshold))
        if s is Status.HIDDEN:
            return (float(threshold + 1), None)
        return (0.0, None)

    ranges: dict[Key, tuple[float, float]] = {}
    wanted = None if only is None else set(only)
    for members in groups.values():
        if wanted is not None and not wanted.intersection(members):
            continue
        index = {k: i for i, k in enumerate(members)}
        group_rows = [row for row in rows if next(iter(row[0])) in index]
        eq = [row for row in group_rows if row[1] == "eq"]
        le = [row for row in group_rows if row[1] == "le"]

        a_eq, b_eq = _matrix(eq, index)
        a_ub, b_ub = _matrix(le, index)
        variable_bounds = [bound(k) for k in members]
        for key in members if wanted is None else [m for m in members if m in wanted]:
            objective = np.zeros(len(members))
            found = []
            for sign in (1.0, -1.0):
                objective[index[key]] = sign
                result = linprog(
                    objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=variable_bounds, method="highs"
                )
                if result.status == 3:  # unbounded
                    found.append(float("inf") if sign < 0 else float("-inf"))
                elif result.status != 0:
                    raise RuntimeError(f"suppression check failed for {key!r}: {result.message}")
                else:
                    found.append(sign * result.fun)
            ranges[key] = (found[0], found[1])
    return ranges


def _matrix(rows: list[tuple[dict[Key, float], str, float]], index: Mapping[Key, int]) -> tuple:
    """Rows as scipy wants them: a coefficient matrix over the group's cells and the constants."""
    if not rows:
        return None, None
    a = np.zeros((len(rows), len(index)))
    for i, (coefficients, _, _) in enumerate(rows):
        for key, coefficient in coefficients.items():
            a[i, index[key]] = coefficient
    return a, np.array([constant for _, _, constant in rows])


def exposed(
    values: Mapping[Key, int], ranges: Mapping[Key, tuple[float, float]], threshold: int = DEFAULT_THRESHOLD
) -> list[Key]:
    """Small counts (1..threshold) that can be narrowed down: 1 or `threshold` no longer possible."""
    return [
        k
        for k, (low, high) in ranges.items()
        if 1 <= values[k] <= threshold and (low > 1 + _EPS or high < threshold - _EPS)
    ]


def protect(
    values: Mapping[Key, int],
    relations: Iterable[Relation] = (),
    bounds: Iterable[AtMost] = (),
    threshold: int = DEFAULT_THRESHOLD,
    cost: Mapping[Key, float] | None = None,
) -> Protection:
    """Decide what to publish: primary suppression, then complementary suppression until safe.

    `cost` says how much a cell is worth showing (default 1); headline totals should cost
    more, so that the algorithm hides a small breakdown cell rather than a headline. Among
    equally costly candidates it prefers the smallest count of at least twice the threshold
    (which alone gives a hidden small count its full range), else the largest available.
    """
    relations, bounds = list(relations), list(bounds)
    _check(values, relations, bounds)
    cost = cost or {}
    status = primary(values, threshold)
    _withhold_small_breakdowns(status, relations)
    neighbours: dict[Key, set[Key]] = {k: set() for k in values}
    for r in relations:
        members = {r.total, *r.parts}
        for m in members:
            neighbours[m] |= members - {m}
    for b in bounds:
        neighbours[b.small].add(b.large)
        neighbours[b.large].add(b.small)

    while True:
        ranges = feasible_ranges(values, status, relations, bounds, threshold)
        failing = exposed(values, ranges, threshold)
        if not failing:
            return Protection(values, status, threshold, ranges)
        # the most exposed first: fixing a pinned cell often frees the cells it bounds
        target = min(failing, key=lambda k: (ranges[k][1] - ranges[k][0], repr(k)))
        candidate = _complement_for(
            target, ranges[target], values, status, neighbours, cost, threshold, relations, bounds
        )
        if candidate is None:  # nothing left to hide around it: publish none of its group
            for key in _group_of(target, status, neighbours):
                if status[key] is not Status.SHOWN:
                    status[key] = Status.WITHHELD
            _withhold_small_breakdowns(status, relations)
            if target in exposed(values, feasible_ranges(values, status, relations, bounds, threshold), threshold):
                raise RuntimeError(f"cannot protect {target!r}")  # not reachable: see the property tests
            continue
        status[candidate] = Status.HIDDEN


def _group_of(start: Key, status: Mapping[Key, Status], neighbours: Mapping[Key, set[Key]]) -> set[Key]:
    """The unpublished cells linked to `start` through relations of unpublished cells."""
    seen, todo = {start}, [start]
    while todo:
        for other in neighbours[todo.pop()]:
            if other not in seen and status[other] is not Status.SHOWN:
                seen.add(other)
                todo.append(other)
    return seen


def _complement_for(
    target: Key,
    current: tuple[float, float],
    values: Mapping[Key, int],
    status: dict[Key, Status],
    neighbours: Mapping[Key, set[Key]],
    cost: Mapping[Key, float],
    threshold: int,
    relations: list[Relation],
    bounds: list[AtMost],
) -> Key | None:
    """The shown cell to hide next so that `target` gains range.

    Candidates are shown counts above the threshold next to the target, then next to its
    unpublished neighbours, then next to anything in its group; within a ring the cheapest
    (by `cost`), preferring a count of at least twice the threshold. The first candidate
    that actually widens the target's range is taken; if none does, the first of the ring.
    """
    ring: set[Key] = {target}
    rings = [ring]
    rings.append(ring | {n for n in neighbours[target] if status[n] is not Status.SHOWN})
    rings.append(_group_of(target, status, neighbours))
    tried: set[Key] = set()
    fallback = None
    for members in rings:
        candidates = sorted(
            {
                other
                for member in members
                for other in neighbours[member]
                if status[other] is Status.SHOWN and values[other] > threshold and other not in tried
            },
            key=lambda k: (
                cost.get(k, 1.0),
                0 if values[k] >= 2 * threshold else 1,
                values[k] if values[k] >= 2 * threshold else -values[k],
                repr(k),
            ),
        )
        for candidate in candidates:
            tried.add(candidate)
            fallback = fallback or candidate
            status[candidate] = Status.HIDDEN
            try:
                low, high = feasible_ranges(values, status, relations, bounds, threshold, only=[target])[target]
            finally:
                status[candidate] = Status.SHOWN
            if low < current[0] - _EPS or high > current[1] + _EPS:
                return candidate
    return fallback
