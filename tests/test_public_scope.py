"""What a share link's page may show beyond its figures: only the public milestones of its own
partners (and the coalition's own), and an end that moves by whole months, not by each day's load."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from impact import db, public
from tests.conftest import sql
from tests.goal_builders import load, problems

MILESTONES = (
    ("milestone_id", "date", "title", "kind", "partner_ids", "public"),
    ("M1", "2024-03-12", "Budget hearing with Harbor and Chinatown Legal", "policy", "HYC;CLA", "yes"),
    ("M2", "2024-04-02", "Harbor's youth forum", "campaign", "HYC", "yes"),
    ("M3", "2024-05-20", "Coalition walk for safety", "campaign", "", "yes"),
    ("M4", "2024-06-01", "Sunset elders' day", "media", "SSE", "yes"),
    ("M5", "2024-07-01", "Harbor's internal review", "other", "HYC", "no"),
)


@pytest.fixture
def milestones_db(base_db: Path) -> Path:
    report = load(base_db, MILESTONES)
    assert report.ok, problems(report)
    return base_db


def _titles(database: Path, partners: tuple[str, ...] | None) -> list[str]:
    scope = public.PublicScope(date(2024, 1, 1), date(2024, 12, 31), partners, shared=partners is not None)
    report = public.build_report(scope, lambda name, **params: db.run_query(name, db=database, **params))
    return report.milestones["title"].tolist()


def test_a_share_link_shows_only_the_public_milestones_of_its_partners_and_the_coalitions_own(
    milestones_db: Path,
) -> None:
    """A link for Harbor alone never shows a title naming Chinatown Legal or Sunset's day; the open page
    shows every public milestone and never the private one."""
    assert _titles(milestones_db, None) == [
        "Budget hearing with Harbor and Chinatown Legal",
        "Harbor's youth forum",
        "Coalition walk for safety",
        "Sunset elders' day",
    ]
    assert _titles(milestones_db, ("HYC",)) == ["Harbor's youth forum", "Coalition walk for safety"]
    assert _titles(milestones_db, ("CLA", "HYC")) == [
        "Budget hearing with Harbor and Chinatown Legal",
        "Harbor's youth forum",
        "Coalition walk for safety",
    ]
    assert sql(milestones_db, "select count(*) from milestones where not public") == [(1,)]


@pytest.mark.parametrize(
    ("last_day", "today", "end"),
    [
        (date(2026, 11, 17), date(2026, 11, 20), date(2026, 10, 31)),  # November is under way
        (date(2026, 11, 18), date(2026, 11, 20), date(2026, 10, 31)),  # a day's load changes nothing
        (date(2026, 11, 17), date(2026, 12, 2), date(2026, 11, 30)),  # November is over: the data is its
        (date(2026, 12, 1), date(2026, 12, 2), date(2026, 11, 30)),  # December is under way
        (date(2024, 12, 28), date(2026, 12, 2), date(2024, 12, 31)),  # a quiet last week is not a missing one
    ],
)
def test_a_share_links_period_ends_with_the_last_complete_month_of_data(last_day: date, today: date, end: date) -> None:
    """Before, it ended on the data's last day, so a funder reopening the link after each load could read
    one day's people as the difference of two pages."""
    scope = public.shared_scope(date(2026, 1, 1), date(2026, 12, 31), ("HYC",), last_day, today)
    if end.year == 2024:
        scope = public.shared_scope(date(2024, 1, 1), date(2025, 6, 30), ("HYC",), last_day, today)
    assert scope.end == end and scope.partners == ("HYC",) and scope.shared


def test_no_headline_figure_of_the_public_page_is_a_count_from_1_to_10(fixture_db: Path) -> None:
    """Languages served and neighborhoods reached are counts of named categories; from 1 to the limit
    they are shown as '<11' like every other count (the page, the brief and the static site all draw
    these headlines). Before, the fixture's 'Languages served 3' was printed as it is."""
    from impact import public_view

    scope = public.PublicScope(date(2024, 1, 1), date(2024, 12, 31))
    report = public.build_report(scope, lambda name, **params: db.run_query(name, db=fixture_db, **params))
    languages = int(report.period("2024")["languages_served"])
    assert 1 <= languages <= report.threshold  # the fixture coalition: a few languages
    page = public_view.build_page(report, "en", 2024)
    shown = {h.key: h.value for h in page.headlines}
    assert shown["languages_served"] == "<11"
    for headline in page.headlines:
        assert not (headline.value.replace(",", "").isdigit() and 1 <= int(headline.value.replace(",", "")) <= 10)
        assert headline.number is None or not 1 <= headline.number <= 10, headline


def _report(database: Path, partners: tuple[str, ...] | None = None) -> public.Report:
    end = sql(database, "select max(engaged_on) from engagements")[0][0]
    scope = public.PublicScope(date(end.year - 1, 1, 1), date(end.year, 12, 31), partners, shared=bool(partners))
    return public.build_report(scope, lambda name, **params: db.run_query(name, db=database, **params))


def _published(report: public.Report, measure: str, period: str) -> str:
    return str(report.period(period)[measure])


@pytest.mark.parametrize("partners", [None, ("HYC", "CLA")])
def test_how_we_work_together_counts_equal_sql_and_are_protected(fixture_db: Path, partners) -> None:
    """Events two or more (of the scope's) partners held together and town halls per year equal an
    independent count; each is shown exactly only above the threshold (else '<11' or '—')."""
    report = _report(fixture_db, partners)
    in_scope = "true" if partners is None else "list_contains($p, partner_id)"
    counts = sql(
        fixture_db,
        f"""with held as (
                select event_id, host_partner_id as partner_id from events
                union select event_id, unnest(co_host_partner_ids) from events
            ), scoped as (select * from held where {in_scope})
            select year(e.event_date)::varchar, count(*) filter (where n >= 2),
                count(*) filter (where e.event_type in ('town_hall', 'community_meeting'))
            from (select event_id, count(distinct partner_id) as n from scoped group by all) as s
            join events as e using (event_id)
            group by all""",
        {"p": list(partners)} if partners else None,
    )
    expected = {year: (together, halls) for year, together, halls in counts}
    limit = report.threshold
    for period in [str(y) for y in report.scope.years()]:
        for measure, exact in zip(("events_together", "town_halls"), expected.get(period, (0, 0)), strict=True):
            label, value = _published(report, measure, period), report.period(period)[f"{measure}_value"]
            if value is not None and not pd.isna(value):
                assert int(value) == exact and (exact == 0 or exact > limit), (measure, period)
            else:
                assert label in ("<11", "—") and (label != "<11" or 1 <= exact <= limit), (measure, period, label)


def test_the_public_page_shows_how_we_work_together_from_the_protected_report(fixture_db: Path) -> None:
    """The chart's table holds the report's published labels, year by year; its caption names the
    languages the partners' staff spoke (a count of named categories: '<11' from 1 to 10)."""
    from impact import public_view

    report = _report(fixture_db)
    latest = report.scope.years()[-1]
    page = public_view.build_page(report, "en", latest)
    chart = next(c for c in page.charts if c.key == "together")
    assert list(chart.table.columns) == [
        "Year",
        "Events held together",
        "Town halls and community meetings",
        "Meetings with officials",
    ]
    assert chart.table["Events held together"].tolist() == [
        public_view._shown(
            _published(report, "events_together", str(y)), report.period(str(y))["events_together_value"]
        )
        for y in report.scope.years()
    ]
    spoken = sql(
        fixture_db,
        f"""select count(distinct language) from (select unnest(languages) as language, started_on, ended_on
            from staff) where started_on <= '{latest}-12-31' and (ended_on is null or ended_on >= '{latest}-01-01')""",
    )[0][0]
    assert spoken > 0
    shown = "<11" if spoken <= report.threshold else f"{spoken:,}"
    assert f"the partners' staff spoke {shown} languages" in chart.caption
