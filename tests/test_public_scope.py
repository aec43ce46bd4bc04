"""What a share link's page may show beyond its figures: only the public milestones of its own
partners (and the coalition's own), and an end that moves by whole months, not by each day's load."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from impact import db, public
from tests import builders
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
def milestones_db(empty_db: Path) -> Path:
    builders.load_base(empty_db)
    report = load(empty_db, MILESTONES)
    assert report.ok, problems(report)
    return empty_db


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
