"""Helpers for the executive dashboards' tests: open a page as a director, read its charts,
and the independent numbers they are checked against (plain SQL and pandas on the raw tables,
never the queries/ files the pages use)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from impact import config, db
from impact.web import auth, dashboard
from tests.conftest import copy_database

DIRECTOR = auth.User("test-director", "director", "local")
PAGES = {
    "overview": "pages/1_overview.py",
    "reach": "pages/2_reach.py",
    "languages": "pages/3_languages.py",
    "partners": "pages/4_partners.py",
}
# The shared fixture files: contacts of 2023 and 2024, events of 2024; the latest day is
# 2024-12-28, so the default period (the last 12 complete months) is 2023-12-01 to 2024-11-30,
# compared with 2022-12-01 to 2023-11-30.
LAST_DAY = date(2024, 12, 28)
DEFAULT_START = date(2023, 12, 1)
DEFAULT_END = date(2024, 11, 30)


def build_coalition(built_coalition_db: Path, path: Path) -> Path:
    """The fixture coalition (partners, events and the good engagements files; no staff) at `path`,
    opened: a copy of the session's (tests/conftest.py, built_coalition_db)."""
    copy_database(built_coalition_db, path)
    db.connection(path)
    return path


@pytest.fixture(scope="module")
def coalition_db(tmp_path_factory: pytest.TempPathFactory, built_coalition_db: Path) -> Iterator[Path]:
    """The fixture coalition, built once per test module (the pages only read it)."""
    path = build_coalition(built_coalition_db, tmp_path_factory.mktemp("dashboards") / "coalition.duckdb")
    yield path
    db.close(path)


@pytest.fixture
def as_director(coalition_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A director looking at the fixture coalition."""
    monkeypatch.setenv("IMPACT_DB", str(coalition_db))
    monkeypatch.setattr(auth, "current_user", lambda: DIRECTOR)
    return coalition_db


def open_page(page: str, query: dict[str, Any] | None = None) -> AppTest:
    """Run a dashboard the way a deep link does: app.py, then the page, with URL parameters."""
    at = AppTest.from_file(str(config.PROJECT_ROOT / "app.py"), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.switch_page(PAGES[page]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_numbers(at: AppTest) -> AppTest:
    """Open every chart's "The numbers behind this chart" (and every table folded the same way, as
    /partners' latest dates), as a person clicks each one: the tables and their CSV downloads are
    drawn only then."""
    for key in [k for k in at.session_state if str(k).startswith(dashboard.NUMBERS_KEY)]:
        at.session_state[key] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def figures(at: AppTest) -> dict[str, dict]:
    """The page's plotly figures by their title."""
    found = {}
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        found[spec["layout"]["title"]["text"]] = spec
    return found


def trace(figure: dict, name: str | None = None) -> dict:
    """A figure's trace by legend name (or its only trace)."""
    traces = figure["data"] if name is None else [t for t in figure["data"] if t.get("name") == name]
    assert len(traces) == 1, [t.get("name") for t in figure["data"]]
    return traces[0]


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def frame(path: Path, statement: str, params: dict | None = None) -> pd.DataFrame:
    """An independent look at the raw tables, as a DataFrame."""
    cur = db.cursor(path)
    try:
        return cur.execute(statement, params or {}).df()
    finally:
        cur.close()


def engagements(path: Path) -> pd.DataFrame:
    data = frame(path, "select * from engagements")
    data["engaged_on"] = pd.to_datetime(data["engaged_on"])
    data["month"] = data["engaged_on"].dt.to_period("M").dt.to_timestamp()
    return data


def events(path: Path) -> pd.DataFrame:
    data = frame(path, "select * from events")
    for column in ("co_host_partner_ids", "languages"):  # lists; no list is an empty one
        data[column] = [list(v) if hasattr(v, "__len__") and not isinstance(v, str) else [] for v in data[column]]
    data["event_date"] = pd.to_datetime(data["event_date"])
    data["month"] = data["event_date"].dt.to_period("M").dt.to_timestamp()
    return data


def between(data: pd.DataFrame, column: str, start: date, end: date) -> pd.DataFrame:
    return data[(data[column] >= pd.Timestamp(start)) & (data[column] <= pd.Timestamp(end))]


def month_key(value: Any) -> str:
    """A chart's or a result's month as YYYY-MM."""
    return pd.Timestamp(value).strftime("%Y-%m")


def url_values(at: AppTest, key: str) -> list[str]:
    """A query parameter's values as a list (AppTest keeps a single value as a plain string)."""
    value = at.query_params.get(key)
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def plotly_values(array: Any) -> list:
    """A trace's x or y as a list (plotly sends numeric arrays as base64 typed arrays)."""
    if isinstance(array, dict) and "bdata" in array:
        import base64

        import numpy as np

        values = np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
        if "shape" in array:
            values = values.reshape([int(n) for n in str(array["shape"]).split(",")])
        return values.tolist()
    return list(array)


def by_month(figure: dict, name: str | None = None) -> dict[str, Any]:
    """A monthly trace as {YYYY-MM: value}."""
    line = trace(figure, name)
    return dict(zip(map(month_key, plotly_values(line["x"])), plotly_values(line["y"]), strict=True))


def by_label(figure: dict, name: str | None = None, horizontal: bool = True) -> dict[str, Any]:
    """A bar trace as {category: value} (horizontal bars: categories on y)."""
    line = trace(figure, name)
    labels, values = (line["y"], line["x"]) if horizontal else (line["x"], line["y"])
    return dict(zip(plotly_values(labels), plotly_values(values), strict=True))
