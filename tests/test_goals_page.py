"""The Goals page and the targets and milestones on the dashboards: every target with its actual, share,
pace and status; a director's save through the engine (one batch, undone on the Data page); the
overview's goal line, milestone marks, timeline and card progress; each partner's targets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from impact import config, db, goals
from impact.web import auth
from tests.conftest import sql
from tests.dashboards import build_coalition, figures, open_numbers, plotly_values, trace
from tests.goal_builders import TARGETS, load_outcomes

DIRECTOR = auth.User("test-director", "director", "local")
ANALYST = auth.User("test-analyst", "analyst", "local")
LAST_DAY = date(2024, 12, 28)


@pytest.fixture(scope="module")
def outcomes_db(tmp_path_factory: pytest.TempPathFactory, built_coalition_db: Path) -> Iterator[Path]:
    """The fixture coalition with targets, milestones and surveys, built once (these tests only read)."""
    path = build_coalition(built_coalition_db, tmp_path_factory.mktemp("goals") / "coalition.duckdb")
    load_outcomes(path)
    yield path
    db.close(path)


def _open(page: str, user: auth.User, monkeypatch: pytest.MonkeyPatch, query: dict | None = None) -> AppTest:
    monkeypatch.setattr(auth, "current_user", lambda: user)
    at = AppTest.from_file(str(config.PROJECT_ROOT / "app.py"), default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _table(at: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns and not d.proto.editing_mode)


def _contacts(path: Path, start: date, end: date) -> int:
    """Contacts as the KPI counts them, independently: records plus headcount-only events."""
    params = {"start": start, "end": end}
    records = sql(path, "select count(*) from engagements where engaged_on between $start and $end", params)[0][0]
    headcounts = sql(
        path,
        """select coalesce(sum(attendance), 0) from events e where event_date between $start and $end
        and attendance is not null and not exists (select 1 from engagements g where g.event_id = e.event_id)""",
        params,
    )[0][0]
    return records + headcounts


def test_the_goals_page_lists_every_target_with_its_actual_share_pace_and_status(
    outcomes_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One row per target in force; the Foundation 2024 target's actual is the SQL count of 2024's contacts."""
    monkeypatch.setenv("IMPACT_DB", str(outcomes_db))
    at = _open("pages/11_goals.py", DIRECTOR, monkeypatch)
    table = _table(at, "Status")
    assert len(table) == len(TARGETS) - 1
    row = table[table["Target"] == "Foundation 2024"].iloc[0]
    actual = _contacts(outcomes_db, date(2024, 1, 1), LAST_DAY)
    assert row["Actual so far"] == actual
    assert row["Target value"] == 2400
    assert row["% of target"] == f"{100 * actual / 2400:.1f}"
    assert row["Pace expected by now"] == f"{round(2400 * 363 / 366):,}"
    assert row["Status"] == ("Behind" if actual < 2400 * 363 / 366 else "On track")
    statuses = {m.label: m.value for m in at.metric}
    assert int(statuses["Met"]) + int(statuses["Behind"]) + int(statuses["On track"]) + int(statuses["Missed"]) == 4
    assert "Targets: share reached" in figures(at) or "Targets under way: share reached so far" in figures(at)
    assert any(d.proto.editing_mode for d in at.dataframe), "a director gets the table of targets to change"


def test_analysts_see_the_targets_but_cannot_change_them(outcomes_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No editor and no save button for an analyst; a sentence says who sets targets."""
    monkeypatch.setenv("IMPACT_DB", str(outcomes_db))
    at = _open("pages/11_goals.py", ANALYST, monkeypatch)
    assert len(_table(at, "Status")) == len(TARGETS) - 1
    assert not any(d.proto.editing_mode for d in at.dataframe)
    assert not [b for b in at.button if b.label == "Save the targets"]
    assert "Directors and administrators set the targets here" in " ".join(i.value for i in at.info)


def _edit_with(monkeypatch: pytest.MonkeyPatch, change) -> None:
    """Stand in for the browser's table editing: st.data_editor returns the table as `change` edits it."""
    monkeypatch.setattr(streamlit, "data_editor", lambda data, **kwargs: change(data.copy()))


def test_a_directors_save_is_one_batch_through_the_engine_and_undo_brings_back_the_earlier_set(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Raise one target, remove another, add a third: saved as one batch by the director; undone, as before."""
    load_outcomes(fixture_db)
    before = sql(fixture_db, "select metric, target, partner_id from targets order by all")

    def change(table: pd.DataFrame) -> pd.DataFrame:
        table.loc[table["label"] == "Foundation 2024", "target"] = 3000
        table = table[table["metric"] != "events"]
        added = {"metric": "survey_responses", "period_start": date(2024, 1, 1), "period_end": date(2024, 12, 31)}
        return pd.concat([table, pd.DataFrame([{**added, "target": 50}])], ignore_index=True)

    _edit_with(monkeypatch, change)
    at = _open("pages/11_goals.py", DIRECTOR, monkeypatch)
    save = next(b for b in at.button if b.label == "Save the targets")
    assert not save.disabled
    save.click().run()
    assert not at.exception, [e.value for e in at.exception]
    batch = sql(fixture_db, "select max(batch_id) from batches where kind = 'targets'")[0][0]
    assert f"Saved as batch {batch}: 4 targets" in at.success[0].value
    assert sql(fixture_db, "select loaded_by, row_count, status from batches where batch_id = ?", [batch]) == [
        ("test-director", 4, "loaded")
    ]
    assert sql(
        fixture_db, "select metric, target, partner_id from targets where superseded_by is null order by all"
    ) == [
        ("contacts", 100, "HYC"),
        ("contacts", 3000, None),
        ("survey_responses", 50, None),
        ("unique_people", 20, None),
    ]
    # On the Data page the save reads as a save (no file to load again), and undoing it there brings
    # the earlier set back.
    data = _open("pages/7_data.py", ANALYST, monkeypatch)
    data.selectbox(key="data_undo_batch").select(batch).run()
    warning = data.warning[0].value
    assert warning.startswith("This removes the 4 targets saved on the Goals page by test-director on ")
    assert "brings back the targets that save replaced" in warning and "load the file again" not in warning
    data.checkbox(key=f"data_undo_confirm_{batch}").check().run()
    data.button(key="data_undo").click().run()
    assert not data.exception, [e.value for e in data.exception]
    assert (
        sql(fixture_db, "select metric, target, partner_id from targets where superseded_by is null order by all")
        == before
    )


def test_a_save_with_a_problem_names_the_line_and_column_and_changes_nothing(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A period that ends before it starts, on the table's second row: line 3, column period_end."""
    load_outcomes(fixture_db)
    before = sql(fixture_db, "select count(*), max(batch_id) from targets")

    def change(table: pd.DataFrame) -> pd.DataFrame:
        table.loc[1, "period_end"] = pd.Timestamp(2023, 6, 30)
        return table

    _edit_with(monkeypatch, change)
    at = _open("pages/11_goals.py", DIRECTOR, monkeypatch)
    next(b for b in at.button if b.label == "Save the targets").click().run()
    assert "Nothing was saved" in at.error[0].value
    problems = next(d.value for d in at.dataframe if "How to fix" in d.value.columns)
    assert list(zip(problems["Line"], problems["Column"], strict=True)) == [(3, "period_end")]
    assert sql(fixture_db, "select count(*), max(batch_id) from targets") == before


def test_the_overviews_monthly_chart_has_the_goal_line_and_the_milestone_marks(
    outcomes_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Contacts against 2,400 a year (a month's share of its days), a ◆ per month with a milestone, the timeline."""
    monkeypatch.setenv("IMPACT_DB", str(outcomes_db))
    at = _open("pages/1_overview.py", DIRECTOR, monkeypatch)
    figure = figures(at)["Unique people and contacts by month"]
    goal = trace(figure, "Target: Foundation 2024")
    assert goal["line"]["dash"] == "dash"
    months = [pd.Timestamp(m) for m in goal["x"]]
    assert months[0] == pd.Timestamp(2024, 1, 1) and months[-1] == pd.Timestamp(2024, 11, 1)
    goal_values = plotly_values(goal["y"])
    assert goal_values[0] == pytest.approx(2400 * 31 / 366)  # January
    assert goal_values[1] == pytest.approx(2400 * 29 / 366)  # February, a leap year
    marks = [a for a in figure["layout"]["annotations"] if a.get("name") == "milestone"]
    assert [pd.Timestamp(a["x"]).strftime("%Y-%m") for a in marks] == ["2024-03", "2024-05"]
    assert "Budget hearing: language access funded (Harbor Youth Center, Chinatown Legal Aid)" in marks[0]["hovertext"]
    assert "Attack on an elder in Chinatown" in marks[1]["hovertext"] and marks[1]["text"] == "◆2"
    lines = [s for s in figure["layout"]["shapes"] if s.get("name") == "milestone"]
    assert len(lines) == 2
    assert "Milestones in this period (filled: shown on the public page)" in figures(at)
    for other in ("New and returning people by month",):
        assert [a for a in figures(at)[other]["layout"]["annotations"] if a.get("name") == "milestone"]


def test_the_cards_show_progress_against_the_target_that_covers_the_period(
    outcomes_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Year to date (2024): '..% of the Foundation 2024 target of 2,400' under Total contacts."""
    monkeypatch.setenv("IMPACT_DB", str(outcomes_db))
    at = _open("pages/1_overview.py", DIRECTOR, monkeypatch, {"period": "this-year"})
    actual = _contacts(outcomes_db, date(2024, 1, 1), LAST_DAY)
    captions = [c.value.replace("\\", "") for c in at.caption]
    assert f"{round(100 * actual / 2400)}% of the Foundation 2024 target of 2,400" in captions
    assert any(c.endswith("of the City grant 2024 target of 20") for c in captions)


def test_partner_activity_shows_each_partners_targets(outcomes_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """HYC's contacts target is drawn and listed with its actual."""
    monkeypatch.setenv("IMPACT_DB", str(outcomes_db))
    at = open_numbers(_open("pages/4_partners.py", DIRECTOR, monkeypatch))
    chart = figures(at)["Each partner's targets: share reached so far"]
    bars = trace(chart, None) if len(chart["data"]) == 1 else chart["data"][0]
    assert any("Harbor Youth Center" in label for label in bars["y"])
    listed = _table(at, "Actual so far")
    hyc = listed[listed["Partner"] == "Harbor Youth Center"].iloc[0]
    records = sql(
        outcomes_db,
        "select count(*) from engagements where partner_id = 'HYC' and engaged_on between '2024-01-01' and ?",
        [LAST_DAY],
    )[0][0]
    assert hyc["Actual so far"] >= records and hyc["Target value"] == 100
    assert json.dumps(chart)  # a plain figure


def test_the_goal_lines_come_from_the_targets_that_apply(outcomes_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With one partner chosen the overview draws that partner's target instead of the coalition's."""
    monkeypatch.setenv("IMPACT_DB", str(outcomes_db))
    at = _open("pages/1_overview.py", DIRECTOR, monkeypatch, {"partners": "HYC"})
    names = [t.get("name") for t in figures(at)["Unique people and contacts by month"]["data"]]
    assert "Target: 2024" in names and "Target: Foundation 2024" not in names
    assert goals.status_label(goals.MET) == "Met"


def test_the_year_to_date_chart_draws_the_years_unique_people_target_as_its_pace(
    outcomes_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cumulative where the chart is cumulative: City grant 2024's 20 people, spread over 2024's days."""
    monkeypatch.setenv("IMPACT_DB", str(outcomes_db))
    at = _open("pages/2_reach.py", DIRECTOR, monkeypatch)
    chart = figures(at)["Unique people reached so far in 2024, with 2023 for comparison"]
    pace = trace(chart, "Target: City grant 2024")
    values = plotly_values(pace["y"])
    assert pace["x"][0] == "Jan" and pace["x"][-1] == "Dec"
    assert values[0] == pytest.approx(20 * 31 / 366) and values[-1] == pytest.approx(20)
