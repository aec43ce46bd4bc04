"""Charts and cards that are honest at their edges: a month under way is drawn apart and said to be
"to date", comparisons are like for like, small lines carry their scale, and filter problems say what
is shown instead, at the top of the page."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from impact import db, ingest, metrics
from impact.web import auth, dashboard, ui
from tests import builders
from tests.conftest import sql
from tests.dashboards import DIRECTOR, figures, open_page, plotly_values, trace

LAST_DAY = date(2024, 3, 10)  # the data ends on the 10th of a month


@pytest.fixture(scope="module")
def tenth_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three partners' contacts from January 2 to March 10, 2024 (no events)."""
    path = tmp_path_factory.mktemp("tenth") / "coalition.duckdb"
    db.connection(path)
    rows = [builders.ENGAGEMENT_HEADER]
    day, number = date(2024, 1, 2), 0
    while day <= LAST_DAY:
        for partner in builders.PARTNER_IDS:
            number += 1
            language = ("Cantonese", "Mandarin", "English")[number % 3]
            rows.append(
                builders.engagement(number, day=day, partner=partner, person=f"p{number % 40}", language=language)
            )
        day += timedelta(days=3)
    rows.append(builders.engagement(number + 1, day=LAST_DAY, partner="HYC", person="p-last"))
    for name, data in (("partners.csv", builders.PARTNERS), ("engagements.csv", rows)):
        report = ingest.process(builders.csv_bytes(data), name, database=path, by="test", store=True)
        assert report.ok, [str(p) for p in report.problems]
    yield path
    db.close(path)


@pytest.fixture
def as_director(tenth_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("IMPACT_DB", str(tenth_db))
    monkeypatch.setattr(auth, "current_user", lambda: DIRECTOR)
    ui.data_changed()
    return tenth_db


def test_the_month_under_way_is_marked_to_date_in_tick_hover_and_bar(as_director: Path) -> None:
    """Year to date ending on March 10: March's bar is pale and hatched, its tick and hover say 'to date'."""
    chart = figures(open_page("overview", {"period": "this-year"}))["Unique people and contacts by month"]
    ticks = dict(zip(chart["layout"]["xaxis"]["tickvals"], chart["layout"]["xaxis"]["ticktext"], strict=True))
    march = next(label for value, label in ticks.items() if value.startswith("2024-03-01"))
    assert "to date (Mar 10)" in march
    assert not any("to date" in label for value, label in ticks.items() if not value.startswith("2024-03"))
    bars = trace(chart, "Unique people")
    assert [str(x)[:7] for x in plotly_values(bars["x"])] == ["2024-01", "2024-02", "2024-03"]
    assert bars["marker"]["opacity"] == [1.0, 1.0, 0.45]
    assert bars["marker"]["pattern"]["shape"] == ["", "", "/"]
    assert "to date" in bars["hovertemplate"][2] and "to date" not in bars["hovertemplate"][1]
    band = chart["layout"]["shapes"][0]
    assert band["x0"][:10] < "2024-03-01" < band["x1"][:10]
    assert chart["layout"]["annotations"][0]["text"] == "to date (Mar 10)"


def test_lines_mark_the_month_under_way_with_a_hollow_marker(as_director: Path) -> None:
    """Each partner's line on /reach ends in a hollow marker for March, whose hover says 'to date'."""
    chart = figures(open_page("reach", {"period": "this-year"}))["Unique people by month and partner"]
    for line in chart["data"]:
        assert line["marker"]["symbol"] == ["circle", "circle", "circle-open"], line["name"]
        assert "to date" in line["hovertemplate"][-1]


def test_the_default_period_leaves_the_month_under_way_out(as_director: Path) -> None:
    """The last 12 complete months end with February: no March bar, nothing marked."""
    at = open_page("overview")
    chart = figures(at)["Unique people and contacts by month"]
    months = [str(x)[:7] for x in plotly_values(trace(chart, "Unique people")["x"])]
    assert months[-1] == "2024-02" and len(months) == 12
    assert not chart["layout"].get("shapes")
    captions = " ".join(c.value for c in at.caption)
    assert "Mar 1, 2023 to Feb 29, 2024, compared with Mar 1, 2022 to Feb 28, 2023." in captions


def test_all_time_shows_no_comparison(as_director: Path) -> None:
    """All time has nothing before it: no card shows a change, and the caption says why."""
    at = open_page("overview", {"period": "all-time"})
    assert all(not m.proto.delta for m in at.metric)
    assert any("All time has no earlier period to compare with." in c.value for c in at.caption)


def test_sparklines_carry_their_scale_and_counts_of_categories_have_none(as_director: Path) -> None:
    """Year to date: people's line covers January and February (March is partial) and says its range;
    languages, neighborhoods and partners get no line."""
    at = open_page("overview", {"period": "this-year"})
    lines = [c.value for c in at.caption if c.value and set(c.value) <= set(dashboard.SPARK_LEVELS)]
    scales = [c.value for c in at.caption if c.value.startswith("Monthly, ")]
    assert len(lines) == len(scales) == len(metrics.KPIS) - 3  # no line for languages, neighborhoods, partners
    assert all(len(line) == 2 for line in lines)  # January and February: March is under way
    people = sql(
        as_director,
        """select count(distinct participant_key) from engagements
        where engaged_on between '2024-01-01' and '2024-02-29' group by date_trunc('month', engaged_on) order by 1""",
    )
    low, high = people[0][0], people[-1][0]
    assert f"Monthly, Jan 2024 to Feb 2024: lowest {low:,}, highest {high:,}" in scales


def test_a_bad_link_says_what_is_shown_instead_at_the_top(as_director: Path) -> None:
    """?period=xyz&partners=NOPE&start=2030-99-99: each problem is in the page and names what is used instead."""
    at = open_page("overview", {"period": "xyz", "partners": "NOPE", "start": "2030-99-99"})
    warnings = [w.value for w in at.main.warning]
    assert any("'xyz'" in w and "showing the last 12 complete months instead" in w for w in warnings), warnings
    assert any("'NOPE'" in w and "showing all partners instead" in w for w in warnings), warnings
    assert not at.sidebar.warning


def test_dates_no_calendar_can_hold_are_refused_with_a_sentence(as_director: Path) -> None:
    """A custom link from year 1 to 9999 is a typo: the page says so and shows the default period."""
    at = open_page("overview", {"period": "custom", "start": "0001-01-01", "end": "9999-12-31"})
    assert any("YYYY-MM-DD" in w.value for w in at.main.warning)
    assert at.selectbox(key="filters.period").value == "last-12-months"


def test_a_share_shows_its_base_and_on_too_few_the_counts_with_a_caution(
    as_director: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'Contacts not in English' says of how many contacts; below IMPACT_MIN_RATE_BASE it shows counts, not a %."""
    contacts = db.run_query("language_reach", **_year_to_date())
    total = int(contacts["contacts"].sum())
    english = int(contacts.loc[contacts["language"] == "English", "contacts"].sum())
    at = open_page("languages", {"period": "this-year"})
    assert {m.label: m.value for m in at.metric}["Contacts not in English"] == f"{(total - english) / total:.1%}"
    assert f"of {total:,} contacts with individual records" in [c.value for c in at.caption]

    monkeypatch.setenv("IMPACT_MIN_RATE_BASE", str(total + 1))
    ui.data_changed()
    at = open_page("languages", {"period": "this-year"})
    assert {m.label: m.value for m in at.metric}["Contacts not in English"] == f"{total - english:,} of {total:,}"
    assert any("Too few to give a share that means much" in c.value for c in at.caption)


def _year_to_date() -> dict[str, object]:
    return {"start": date(2024, 1, 1), "end": LAST_DAY, "partners": None, "languages": None, "neighborhoods": None}
