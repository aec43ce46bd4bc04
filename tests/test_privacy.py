"""Small-count suppression: primary "<11", complementary suppression, and attacks by differencing."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from impact import privacy
from impact.privacy import AtMost, Relation, Status

T = privacy.DEFAULT_THRESHOLD


def test_counts_from_one_to_ten_are_small_and_zero_and_eleven_are_shown() -> None:
    """The primary rule, with its label."""
    status = privacy.primary({"a": 0, "b": 1, "c": 10, "d": 11})
    assert status == {"a": Status.SHOWN, "b": Status.SMALL, "c": Status.SMALL, "d": Status.SHOWN}
    protection = privacy.protect({"a": 0, "b": 1, "c": 10, "d": 11})
    assert [protection.label(k) for k in "abcd"] == ["0", "<11", "<11", "11"]
    assert privacy.small_label(5) == "<6"


def test_one_small_cell_in_a_row_with_a_total_gets_a_complement() -> None:
    """Total 50 = 3 + 17 + 30: hiding only the 3 would leave 50 - 17 - 30 = 3 on the page."""
    values = {"total": 50, "a": 3, "b": 17, "c": 30}
    protection = privacy.protect(values, [Relation("total", ("a", "b", "c"))])
    assert protection.status["a"] is Status.SMALL
    hidden = [k for k in ("b", "c", "total") if protection.status[k] is Status.HIDDEN]
    assert len(hidden) >= 1
    low, high = protection.ranges["a"]
    assert (low, high) == (1, T)


def test_a_complement_too_small_to_protect_is_not_enough() -> None:
    """20 = 3 + 17: hiding 17 (known to be over 10) would still pin 3 to at most 9; more is hidden."""
    values = {"total": 20, "a": 3, "b": 17}
    protection = privacy.protect(values, [Relation("total", ("a", "b"))], cost={"total": 1.0, "b": 1.0})
    assert protection.ranges["a"] == (1, T)


def test_the_headline_total_is_kept_when_a_breakdown_cell_can_be_hidden_instead() -> None:
    """A high cost keeps the total shown; a breakdown cell of at least 20 is hidden."""
    values = {"total": 100, "a": 4, "b": 21, "c": 75}
    protection = privacy.protect(values, [Relation("total", ("a", "b", "c"))], cost={"total": 1000})
    assert protection.status["total"] is Status.SHOWN
    assert protection.status["b"] is Status.HIDDEN  # the smallest cell that alone gives full protection
    assert protection.status["c"] is Status.SHOWN


def test_two_small_cells_that_pin_each_other_get_a_complement() -> None:
    """30 = 10 + 10 + 10 shown as <11, <11, <11 would be exact: 30 forces every cell to 10."""
    values = {"total": 40, "a": 10, "b": 10, "c": 10, "d": 10}
    protection = privacy.protect(values, [Relation("total", ("a", "b", "c", "d"))])
    assert all(protection.ranges[k] == (1, T) for k in "abcd")
    assert protection.status["total"] is Status.HIDDEN


def test_a_breakdown_of_a_small_total_is_withheld() -> None:
    """Ten parts of a total of ten would all be exactly one; none of them is published."""
    values = {"total": 10, **{f"p{i}": 1 for i in range(10)}}
    parts = tuple(f"p{i}" for i in range(10))
    protection = privacy.protect(values, [Relation("total", parts, breakdown=True)])
    assert protection.status["total"] is Status.SMALL
    assert all(protection.status[p] is Status.WITHHELD for p in parts)


def test_union_counts_are_protected_from_year_differencing() -> None:
    """All-years people 170, years 100, 5, 80: 170 - 100 - 80 alone gives no bound, but the
    years bound the total from below; the 5 keeps its full range."""
    values = {"all": 170, "y1": 100, "y2": 5, "y3": 80}
    protection = privacy.protect(values, [Relation("all", ("y1", "y2", "y3"), additive=False)], cost={"all": 1000})
    assert protection.ranges["y2"] == (1, T)


def test_union_counts_with_no_returning_people_are_additive_and_still_protected() -> None:
    """All-years 185 = 100 + 5 + 80 (nobody came back): hiding 5 alone would reveal it; a year is hidden too."""
    values = {"all": 185, "y1": 100, "y2": 5, "y3": 80}
    protection = privacy.protect(values, [Relation("all", ("y1", "y2", "y3"), additive=False)], cost={"all": 1000})
    assert protection.ranges["y2"] == (1, T)
    assert sum(protection.status[k] is Status.HIDDEN for k in ("y1", "y3")) == 1


def test_at_most_bounds_are_used_by_the_attacker_model() -> None:
    """People <= contacts: a small contacts count caps the people count; both stay protected."""
    values = {"people": 4, "contacts": 6}
    protection = privacy.protect(values, bounds=[AtMost("people", "contacts")])
    assert protection.ranges == {"people": (1, T), "contacts": (1, T)}


def test_cells_that_do_not_add_up_are_refused() -> None:
    """A wrong relation is a programming error, not something to publish around."""
    with pytest.raises(ValueError, match="do not add up"):
        privacy.protect({"t": 10, "a": 3, "b": 4}, [Relation("t", ("a", "b"))])


# -- properties: random linked tables ------------------------------------------------------


@st.composite
def linked_tables(draw: st.DrawFn) -> tuple[dict, list[Relation], list[AtMost]]:
    """Years x categories of people (each year's categories add up to the year), the
    years' union total, and contacts per year that add up to all-years contacts."""
    years = draw(st.integers(1, 3))
    categories = draw(st.integers(1, 4))
    values: dict = {}
    relations: list[Relation] = []
    bounds: list[AtMost] = []
    small_or_big = st.one_of(st.integers(0, 12), st.integers(0, 60))
    for y in range(years):
        parts = []
        for c in range(categories):
            values[("cat", y, c)] = draw(small_or_big)
            parts.append(("cat", y, c))
        values[("people", y)] = sum(values[p] for p in parts)
        relations.append(Relation(("people", y), tuple(parts), breakdown=True))
        values[("contacts", y)] = values[("people", y)] + draw(st.integers(0, 15))
        bounds.append(AtMost(("people", y), ("contacts", y)))
    year_people = [values[("people", y)] for y in range(years)]
    low, high = max(year_people), sum(year_people)
    values[("people", "all")] = draw(st.integers(low, high))
    relations.append(Relation(("people", "all"), tuple(("people", y) for y in range(years)), additive=False))
    values[("contacts", "all")] = sum(values[("contacts", y)] for y in range(years))
    relations.append(Relation(("contacts", "all"), tuple(("contacts", y) for y in range(years))))
    return values, relations, bounds


def _determined_by_equalities(values: dict, status: dict, relations: list[Relation]) -> list:
    """Unpublished cells whose value follows from the additive relations alone (linear algebra,
    independent of the linear programs): the classic differencing attack, over any number of steps."""
    hidden = [k for k, s in status.items() if s is not Status.SHOWN]
    index = {k: i for i, k in enumerate(hidden)}
    rows = []
    for r in relations:
        if not r.additive:
            continue
        row = np.zeros(len(hidden))
        for key, coefficient in [(r.total, 1.0)] + [(p, -1.0) for p in r.parts]:
            if key in index:
                row[index[key]] += coefficient
        if row.any():
            rows.append(row)
    if not rows:
        return []
    a = np.array(rows)
    rank = np.linalg.matrix_rank(a)
    determined = []
    for key, i in index.items():
        unit = np.zeros(len(hidden))
        unit[i] = 1.0
        if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:  # the unit vector is a combination of rows
            determined.append(key)
    return determined


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(linked_tables())
def test_no_suppressed_small_count_can_be_recovered_by_differencing(table: tuple) -> None:
    """For random linked tables, no small count is determined by adding and subtracting published numbers."""
    values, relations, bounds = table
    protection = privacy.protect(values, relations, bounds, cost={("people", "all"): 1000, ("contacts", "all"): 1000})
    determined = _determined_by_equalities(values, protection.status, relations)
    assert not [k for k in determined if 1 <= values[k] <= T]
    for key, value in values.items():
        if 1 <= value <= T:
            assert protection.status[key] is not Status.SHOWN
            assert protection.ranges[key][0] <= 1 + 1e-6 and protection.ranges[key][1] >= T - 1e-6


@st.composite
def one_way_tables(draw: st.DrawFn) -> dict:
    parts = draw(st.lists(st.one_of(st.integers(0, 12), st.integers(11, 40)), min_size=1, max_size=4))
    values = {f"p{i}": v for i, v in enumerate(parts)}
    values["total"] = sum(parts)
    return values


@settings(max_examples=80, deadline=None)
@given(one_way_tables())
def test_every_small_cell_can_still_be_one_and_ten_by_brute_force(values: dict) -> None:
    """Enumerating every integer filling of the unpublished cells (no linear program involved),
    each small count can still be 1 and can still be 10 given what is published."""
    parts = tuple(k for k in values if k != "total")
    protection = privacy.protect(values, [Relation("total", parts)])
    status = protection.status
    hidden = [k for k in values if status[k] is not Status.SHOWN]
    cap = values["total"] + 2 * T + 2  # far enough above any published total for the check

    def domain(key: str) -> range:
        if status[key] is Status.SMALL:
            return range(1, T + 1)
        if status[key] is Status.HIDDEN:
            return range(T + 1, cap)
        return range(0, cap)

    hidden_parts = [k for k in hidden if k != "total"]
    assume(np.prod([len(domain(k)) for k in hidden_parts]) <= 300_000)  # keep the enumeration quick
    possible: dict[str, set[int]] = {k: set() for k in hidden}
    for filling in itertools.product(*(domain(k) for k in hidden_parts)):
        candidate = {**values, **dict(zip(hidden_parts, filling, strict=True))}
        total = sum(candidate[p] for p in parts)  # the total follows from the parts
        if total in domain("total") if "total" in hidden else total == values["total"]:
            for key in hidden_parts:
                possible[key].add(candidate[key])
            if "total" in hidden:
                possible["total"].add(total)
    for key in hidden:
        if 1 <= values[key] <= T:
            assert {1, T} <= possible[key], (key, values, status)


def test_a_small_year_so_far_inside_the_all_years_totals_cannot_be_worked_out() -> None:
    """The year so far is one more year of the all-years sums (the public page's relations): three
    complete years and a January with 4 people, 7 contacts and 2 meetings. Neither its own numbers nor
    a breakdown of a complete year can be recovered from the totals by differencing."""
    years = {"2023": (140, 320, 3), "2024": (150, 350, 12), "2025": (160, 400, 15), "2026": (4, 7, 2)}
    values: dict = {}
    relations: list[Relation] = []
    bounds: list[AtMost] = []
    for year, (people, contacts, meetings) in years.items():
        values[("people", year)], values[("contacts", year)], values[("meetings", year)] = people, contacts, meetings
        bounds.append(AtMost(("people", year), ("contacts", year)))
    values[("people", "all")] = 400  # a union: people seen in several years count once
    for measure in ("contacts", "meetings"):
        values[(measure, "all")] = sum(values[(measure, y)] for y in years)
        relations.append(Relation((measure, "all"), tuple((measure, y) for y in years)))
    relations.append(Relation(("people", "all"), tuple(("people", y) for y in years), additive=False))
    languages = {"Cantonese": 110, "Mandarin": 45, "Tagalog": 5}  # 2025's people by main language
    for name, people in languages.items():
        values[("language", name)] = people
    relations.append(Relation(("people", "2025"), tuple(("language", n) for n in languages), breakdown=True))
    cost = {key: 1000.0 for key in values if key[1] == "all"}
    protection = privacy.protect(values, relations, bounds, cost=cost)
    small = [k for k, v in values.items() if 1 <= v <= T]
    assert set(small) == {
        ("people", "2026"),
        ("contacts", "2026"),
        ("meetings", "2026"),
        ("meetings", "2023"),
        ("language", "Tagalog"),
    }
    assert not [k for k in _determined_by_equalities(values, protection.status, relations) if k in small]
    assert all(protection.ranges[k] == (1, T) for k in small), {k: protection.ranges[k] for k in small}
    assert protection.status[("contacts", "all")] is Status.SHOWN  # a headline total stays when it can
