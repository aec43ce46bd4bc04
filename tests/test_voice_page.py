"""The Community voice page: its numbers equal SQL counts (responses, by month, each answer per group),
small groups are not broken down, comments are listed as written for staff, the filters apply."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from impact import config, db
from impact.web import auth
from tests.conftest import sql
from tests.dashboards import build_coalition, by_month, figures, plotly_values
from tests.goal_builders import load_outcomes

ANALYST = auth.User("test-analyst", "analyst", "local")
DEFAULT = {"start": date(2023, 12, 1), "end": date(2024, 11, 30)}  # the last 12 complete months


@pytest.fixture(scope="module")
def outcomes_db(tmp_path_factory: pytest.TempPathFactory, built_coalition_db: Path) -> Iterator[Path]:
    path = build_coalition(built_coalition_db, tmp_path_factory.mktemp("voice") / "coalition.duckdb")
    load_outcomes(path)
    yield path
    db.close(path)


@pytest.fixture
def as_analyst(outcomes_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("IMPACT_DB", str(outcomes_db))
    monkeypatch.setattr(auth, "current_user", lambda: ANALYST)
    return outcomes_db


def _open(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(config.PROJECT_ROOT / "app.py"), default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.switch_page("pages/12_voice.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_responses_and_responses_by_month_equal_sql(as_analyst: Path) -> None:
    """The card and the monthly bars count the period's responses."""
    at = _open()
    total = sql(as_analyst, "select count(*) from surveys where responded_on between $start and $end", DEFAULT)[0][0]
    assert {m.label: m.value for m in at.metric}["Survey responses"] == f"{total:,}"
    months = dict(
        sql(
            as_analyst,
            """select strftime(date_trunc('month', responded_on), '%Y-%m'), count(*) from surveys
            where responded_on between $start and $end group by all""",
            DEFAULT,
        )
    )
    drawn = by_month(figures(at)["Survey responses by month"], "Responses")
    assert {m: v for m, v in drawn.items() if v} == months


def test_each_scale_answer_per_language_equals_sql_with_its_number_of_responses(as_analyst: Path) -> None:
    """Felt safer by language: each bar's count is the SQL count, each label says n; the small group is not drawn."""
    at = _open()
    chart = figures(at)["Felt safer"]
    counts = {}
    for drawn in chart["data"]:
        for label, data in zip(drawn["y"], drawn["customdata"], strict=True):
            counts[(label, drawn["name"])] = data[1]
    expected = sql(
        as_analyst,
        """select language, felt_safer, count(*) over (partition by language, felt_safer),
            count(*) over (partition by language)
        from surveys where felt_safer is not null and responded_on between $start and $end""",
        DEFAULT,
    )
    names = {1: "1 not at all", 2: "2", 3: "3", 4: "4", 5: "5 very much"}
    checked = 0
    for language, answer, count, n in set(expected):
        label = f"{language} (n = {n:,})"
        if n <= 10:
            assert not any(key[0] == label for key in counts), label
            continue
        assert counts[(label, names[answer])] == count
        checked += 1
    assert checked >= 8
    assert "Not broken down (too few responses): Vietnamese" in " ".join(c.value.replace("\\", "") for c in at.caption)


def test_yes_no_answers_are_the_share_answering_yes_with_its_base(as_analyst: Path) -> None:
    """Would recommend by partner: share and counts equal SQL."""
    at = _open()
    at.segmented_control(key="voice_dimension").set_value("partner").run()
    chart = figures(at)["Would recommend: share answering yes"]
    bars = chart["data"][0]
    shares = dict(zip(bars["y"], plotly_values(bars["x"]), strict=True))
    expected = sql(
        as_analyst,
        """select p.name, count(*) filter (where would_recommend), count(*) from surveys s join partners p using (partner_id)
        where would_recommend is not null and responded_on between $start and $end group by all""",
        DEFAULT,
    )
    for name, yes, n in expected:
        assert shares[f"{name} (n = {n:,})"] == pytest.approx(yes / n)
    assert any("of" in t for t in bars["text"])


def test_comments_are_listed_as_written_for_staff_and_follow_the_filters(as_analyst: Path) -> None:
    """Every comment of the period, markup and all, as text; choosing a partner narrows the list."""
    at = _open()
    listed = next(d.value for d in at.dataframe if "Comment" in d.value.columns)
    expected = sql(
        as_analyst,
        "select comment from surveys where comment is not null and responded_on between $start and $end",
        DEFAULT,
    )
    assert sorted(listed["Comment"]) == sorted(c for (c,) in expected)
    assert any("<b>staff</b> [link](http://x.example)" in c for c in listed["Comment"])
    narrowed = next(d.value for d in _open({"partners": "CLA"}).dataframe if "Comment" in d.value.columns)
    cla = sql(
        as_analyst,
        """select count(*) from surveys where comment is not null and partner_id = 'CLA'
        and responded_on between $start and $end""",
        DEFAULT,
    )[0][0]
    assert len(narrowed) == cla < len(listed)
    assert set(narrowed["Partner"]) == {"Chinatown Legal Aid"}


def test_a_period_without_responses_says_so(as_analyst: Path) -> None:
    """No chart, no table: a sentence on what to change."""
    at = _open({"period": "custom", "start": "2023-01-01", "end": "2023-06-30"})
    assert "No survey responses match these filters" in at.info[0].value
    assert not at.get("plotly_chart") and not [m for m in at.metric if m.label == "Survey responses"]
    assert pd.Timestamp("2023-01-01")  # the fixture's surveys start in 2024
