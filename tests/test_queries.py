"""Every queries/*.sql runs against the fixture database and returns the columns of its `final` CTE.

The files are discovered when the tests run (queries are added all the time). Each
$parameter gets a value chosen from its name; a parameter this file cannot guess fails
with a message naming it, so whoever adds it adds a rule to `param_value`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from impact import config, db, vocab
from tests.conftest import copy_database

QUERY_NAMES = sorted(path.stem for path in config.QUERIES_DIR.glob("*.sql"))
IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")

# The shared fixture files hold contacts and events of 2023 and 2024.
PERIOD = (date(2023, 1, 1), date(2024, 12, 31))
EMPTY_PERIOD = (date(1990, 1, 1), date(1990, 12, 31))
FILTERS = {
    "partners": ["HYC", "CLA"],
    "languages": ["Cantonese", "English"],
    "neighborhoods": ["Chinatown", "Visitacion Valley"],
}
VARIANTS = ("everything", "filtered", "empty period")


def param_value(name: str, variant: str) -> Any:
    """A sensible value for the parameter `name` in one of VARIANTS, derived from its name."""
    start, end = EMPTY_PERIOD if variant == "empty period" else PERIOD
    if name in FILTERS:
        return FILTERS[name] if variant == "filtered" else None
    if name in ("partner", "partner_id"):
        return FILTERS["partners"][0]
    if name in ("language", "neighborhood"):
        return FILTERS[f"{name}s"][0]
    if name == "known_languages":
        return list(vocab.LANGUAGES)
    if name == "known_neighborhoods":
        return list(vocab.NEIGHBORHOODS)
    if name in ("start", "from_date", "start_date", "since") or name.endswith("_start"):
        return start
    if name in ("end", "to_date", "end_date", "until") or name.endswith("_end"):
        return end
    if name == "today":
        return date.today()
    if name == "earliest":
        return date(2015, 1, 1)
    if name == "year" or name.endswith("_year"):
        return end.year
    if name.endswith("_days") or name == "days":
        return 30
    if name in ("limit", "top", "n") or name.startswith(("min_", "max_")) or name in ("threshold", "minimum"):
        return 10
    if name.endswith(("sha256", "_sha", "_hash")):
        return "0" * 64
    pytest.fail(
        f"a query uses ${name}, and tests/test_queries.py cannot guess a value for it: add a rule to param_value"
    )


def _strip(sql: str) -> str:
    """The SQL without comments and with string literals emptied (so ',' '(' ';' in them do not count)."""
    sql = re.sub(r"--[^\n]*", "", sql)
    return re.sub(r"'(?:[^']|'')*'", "''", sql)


def _split_top_level(text: str) -> list[str]:
    parts, depth, current = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def final_columns(sql: str) -> list[str] | None:
    """The output names of the `final` CTE's select list, or None when it selects `*`."""
    text = _strip(sql)
    found = re.search(r"\bfinal\s+as\s*\(", text)
    if not found:
        return None
    depth, body_start = 1, found.end()
    for index in range(body_start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[index], 0)
        if depth == 0:
            body = text[body_start:index]
            break
    else:
        return None
    # the select list runs from the first top-level 'select' to the first top-level 'from'
    depth, tokens = 0, re.finditer(r"\(|\)|\b(select|from)\b", body)
    select_end = select_start = None
    for token in tokens:
        if token.group() == "(":
            depth += 1
        elif token.group() == ")":
            depth -= 1
        elif depth == 0 and token.group() == "select" and select_start is None:
            select_start = token.end()
        elif depth == 0 and token.group() == "from" and select_start is not None:
            select_end = token.start()
            break
    if select_start is None:
        return None
    items = _split_top_level(body[select_start:select_end])
    items[0] = re.sub(r"^distinct\s+", "", items[0])
    names = []
    for item in items:
        if item == "*" or item.endswith(".*"):
            return None
        alias = re.search(r"\bas\s+([a-z_][a-z0-9_]*)\s*$", item)
        names.append(alias.group(1) if alias else item.split(".")[-1].strip())
    return names


@pytest.fixture(scope="module")
def fixture_db(built_fixture_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One copy of the session's fixture database for this module (the queries only read)."""
    path = copy_database(built_fixture_db, tmp_path_factory.mktemp("queries") / "coalition.duckdb")
    with pytest.MonkeyPatch.context() as env:
        env.delenv("IMPACT_KEY_FILE", raising=False)
        yield path
    db.close(path)


def _params(name: str, variant: str) -> dict[str, Any]:
    return {param: param_value(param, variant) for param in sorted(db.query_params(name))}


def test_the_queries_folder_holds_queries() -> None:
    """Discovery finds the queries the overview needs (so an empty glob cannot pass silently)."""
    assert {"kpis", "kpis_by_month", "data_extent", "batches"} <= set(QUERY_NAMES)


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_each_query_follows_the_convention(name: str) -> None:
    """One statement, CTEs ending in `final`, then `select * from final` (optionally ordered)."""
    text = _strip(db.query_text(name)).strip().rstrip(";").strip()
    assert ";" not in text, f"queries/{name}.sql holds more than one statement"
    assert re.search(r"\bfinal\s+as\s*\(", text), f"queries/{name}.sql has no `final` CTE"
    tail = text[text.rfind(")") + 1 :].strip()
    assert re.fullmatch(r"select \* from final(\s+order by [^;]+)?(\s+limit \d+)?", tail, flags=re.S), (
        f"queries/{name}.sql must end with `select * from final` (and at most an order by), not {tail!r}"
    )


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", QUERY_NAMES)
def test_each_query_runs_on_the_fixture_database_and_returns_its_final_columns(
    fixture_db: Path, name: str, variant: str
) -> None:
    """Unfiltered, filtered and for an empty period, the query returns the named columns of `final`."""
    frame = db.run_query(name, db=fixture_db, **_params(name, variant))
    assert isinstance(frame, pd.DataFrame)
    columns = [str(c) for c in frame.columns]
    assert columns, f"queries/{name}.sql returns no columns"
    assert len(set(columns)) == len(columns), f"queries/{name}.sql returns a column twice: {columns}"
    unnamed = [c for c in columns if not IDENTIFIER.fullmatch(c)]
    assert not unnamed, f"queries/{name}.sql returns columns without a proper name: {unnamed}"
    expected = final_columns(db.query_text(name))
    if expected is not None:
        assert columns == expected, f"queries/{name}.sql returns {columns}, but its final CTE selects {expected}"


@pytest.mark.parametrize("name", [n for n in QUERY_NAMES if {"start", "end"} <= db.query_params(n)])
def test_a_period_without_data_gives_no_activity(fixture_db: Path, name: str) -> None:
    """For 1990 every count a period query returns is zero (or there are no rows at all)."""
    frame = db.run_query(name, db=fixture_db, **_params(name, "empty period"))
    numeric = frame.select_dtypes("number")
    counted = [c for c in numeric.columns if not re.search(r"year|month|position|rank|order|days?$|share", c)]
    totals = {c: numeric[c].fillna(0).abs().sum() for c in counted}
    assert all(total == 0 for total in totals.values()), f"queries/{name}.sql counts activity in 1990: {totals}"


def test_final_columns_reads_aliases_qualified_names_and_nested_expressions() -> None:
    """The helper that reads `final` handles aliases, table prefixes, cases and function calls."""
    sql = """with a as (select 1 as x),
    final as (
        select
            t.partner_id,
            count(distinct (p, q)) as people, -- a comment, with a comma
            case when x = ',' then 1 else 2 end as odd,
            coalesce(a, b) as value
        from a as t
    )
    select * from final order by 1"""
    assert final_columns(sql) == ["partner_id", "people", "odd", "value"]
    assert final_columns("with final as (select e.* from e) select * from final") is None
