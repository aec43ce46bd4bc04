"""Targets against what the coalition did: a target's actual equals an independent SQL count, the pace
expected by now and the status follow the rules in impact.goals, goal lines share a target out over
months, and milestones (public ones only, date and title only) for the public page."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from impact import db, goals, ingest, metrics
from impact.roles import User
from tests import builders
from tests.conftest import sql

LAST_DAY = date(2024, 12, 28)  # the fixture coalition's latest day with data
YEAR = (date(2024, 1, 1), date(2024, 12, 31))


def _by_target(found: list[goals.Progress]) -> dict[tuple[str, str | None], goals.Progress]:
    return {(p.metric, p.partner_id): p for p in found}


def test_each_targets_actual_equals_an_independent_sql_count(outcomes_db: Path) -> None:
    """Contacts (with headcount-only events), unique people, events, one partner's contacts, survey responses."""
    found = _by_target(goals.progress(today=date(2025, 6, 30)))
    period = {"start": YEAR[0], "end": LAST_DAY}
    headcount_only = """select coalesce(sum(attendance), 0) from events e
        where event_date between $start and $end and attendance is not null
        and not exists (select 1 from engagements g where g.event_id = e.event_id)"""
    contacts = sql(outcomes_db, "select count(*) from engagements where engaged_on between $start and $end", period)
    assert found[("contacts", None)].actual == contacts[0][0] + sql(outcomes_db, headcount_only, period)[0][0]
    people = sql(
        outcomes_db,
        "select count(distinct participant_key) from engagements where engaged_on between $start and $end",
        period,
    )
    assert found[("unique_people", None)].actual == people[0][0]
    assert (
        found[("events", None)].actual
        == sql(outcomes_db, "select count(*) from events where event_date between $start and $end", period)[0][0]
    )
    hyc_contacts = sql(
        outcomes_db,
        "select count(*) from engagements where partner_id = 'HYC' and engaged_on between $start and $end",
        period,
    )[0][0]
    hyc_headcounts = sql(
        outcomes_db,
        headcount_only + " and (host_partner_id = 'HYC' or list_contains(co_host_partner_ids, 'HYC'))",
        period,
    )[0][0]
    assert found[("contacts", "HYC")].actual == hyc_contacts + hyc_headcounts
    assert metrics.kpis(metrics.Scope(*YEAR))["contacts"] >= found[("contacts", None)].actual


def test_the_pace_is_the_target_spread_evenly_over_the_days_up_to_the_latest_day_with_data(outcomes_db: Path) -> None:
    """2024 has 366 days; by Dec 28 (363 days) the pace of 2,400 contacts is 2,380.3; below it is behind."""
    found = _by_target(goals.progress(today=date(2025, 6, 30)))
    contacts = found[("contacts", None)]
    assert contacts.as_of == LAST_DAY
    assert contacts.expected == pytest.approx(2400 * 363 / 366)
    assert contacts.status == (goals.BEHIND if contacts.actual < contacts.expected else goals.ON_TRACK)
    assert contacts.name == "Foundation 2024"
    # today before the latest day with data: progress is measured at today
    assert goals.now(today=date(2024, 6, 30)) == date(2024, 6, 30)


@pytest.mark.parametrize(
    ("metric", "day", "value", "status"),
    [
        ("contacts", date(2023, 12, 31), 0, goals.NOT_STARTED),
        ("contacts", date(2024, 7, 1), 100, goals.MET),
        ("contacts", date(2024, 7, 1), 50, goals.ON_TRACK),
        ("contacts", date(2024, 7, 1), 49, goals.BEHIND),
        ("contacts", date(2024, 12, 31), 99, goals.MISSED),
        ("languages_served", date(2024, 3, 1), 2, goals.UNDER_WAY),
        ("languages_served", date(2024, 3, 1), 9, goals.MET),
    ],
)
def test_a_targets_status_follows_its_pace(metric: str, day: date, value: int, status: str) -> None:
    """Met, on track, behind, missed, not started; a count of categories has no pace, only under way."""
    expected, found = goals.status_of(metric, 100 if metric == "contacts" else 9, *YEAR, day, value)
    assert found == status
    if metric == "contacts" and day == date(2024, 7, 1):
        assert expected == pytest.approx(100 * 183 / 366)  # Jan 1 to Jul 1: 183 days
    if metric == "languages_served":
        assert expected is None


def _targets(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["metric", "period_start", "period_end", "target", "partner_id", "label"])


def test_goal_lines_share_a_target_out_over_the_months_of_the_scope() -> None:
    """A month's goal is the target times its days in the period; cumulative, the pace by its end."""
    targets = _targets(
        ("contacts", date(2024, 1, 1), date(2024, 12, 31), 366, None, "Grant"),
        ("contacts", date(2024, 1, 1), date(2024, 12, 31), 999, "HYC", ""),
        ("unique_people", date(2024, 1, 1), date(2024, 12, 31), 500, None, ""),
    )
    months = [date(2024, m, 1) for m in (1, 2, 3)]
    scope = metrics.Scope(date(2024, 1, 1), date(2024, 3, 15))
    lines = goals.goal_lines("contacts", targets, scope, months)
    assert list(lines["goal"]) == [31, 29, 15]  # March counts only to the scope's end
    assert set(lines["name"]) == {"Grant"}
    cumulative = goals.goal_lines("contacts", targets, scope, months, cumulative=True)
    assert list(cumulative["goal"]) == [31, 60, 91]
    # the months of unique people do not add up: no monthly share, only the cumulative pace
    assert goals.goal_lines("unique_people", targets, scope, months).empty
    assert set(goals.goal_lines("unique_people", targets, scope, months, cumulative=True)["name"]) == {"2024"}
    # one partner chosen: its own target; a language chosen: none
    assert goals.goal_lines("contacts", targets, metrics.Scope(*YEAR, partners=("HYC",)), months)["goal"].iloc[
        0
    ] == pytest.approx(999 * 31 / 366)
    assert goals.goal_lines("contacts", targets, metrics.Scope(*YEAR, languages=("English",)), months).empty
    assert goals.goal_lines("contacts", targets, metrics.Scope(*YEAR, partners=("HYC", "CLA")), months).empty


def test_a_card_shows_the_target_that_covers_the_period(outcomes_db: Path) -> None:
    """Year to date is covered by the 2024 targets; the last 12 months (from Dec 2023) by none."""
    year_to_date = metrics.Scope(date(2024, 1, 1), LAST_DAY)
    found = goals.card_progress(year_to_date, today=date(2025, 6, 30))
    contacts = found["contacts"]
    assert contacts.actual == metrics.kpis(year_to_date)["contacts"]
    with_numbers = f"{round(100 * contacts.actual / 2400)}% of the Foundation 2024 target of 2,400"
    assert goals.card_text(contacts) == with_numbers
    assert goals.card_text(found["events_held"]).endswith("of the 2024 target of 2")
    assert "unique_people" in found and "officials_meetings" not in found
    assert goals.card_progress(metrics.Scope(date(2023, 12, 1), date(2024, 11, 30))) == {}


def test_only_directors_and_administrators_may_save_targets(outcomes_db: Path) -> None:
    """The rule is in the core, not only on the page."""
    with pytest.raises(PermissionError):
        goals.save_targets([], User("ana", "analyst"), goals.targets_version())


def test_public_milestones_are_the_public_ones_with_their_date_title_and_kind_only(outcomes_db: Path) -> None:
    """M1 is public; M2 (empty) and M3 (no) are not, and nothing but the date, title and kind comes back."""
    found = goals.public_milestones(date(2024, 1, 1), date(2024, 12, 31))
    assert list(found.columns) == ["date", "title", "kind"]
    assert [(pd.Timestamp(d).date(), t) for d, t, _kind in found.itertuples(index=False)] == [
        (date(2024, 3, 12), "Budget hearing: language access funded")
    ]
    assert goals.public_milestones(date(2025, 1, 1), date(2025, 12, 31)).empty


def test_a_partners_milestones_are_its_own_and_the_coalitions(outcomes_db: Path) -> None:
    """Chosen partners see the milestones that name them and those that name no partner."""
    year = metrics.Scope(*YEAR, partners=("SSE",))
    assert list(goals.milestones(year)["milestone_id"]) == ["M2", "M3"]
    assert list(goals.milestones(metrics.Scope(*YEAR))["milestone_id"]) == ["M1", "M2", "M3"]


@pytest.mark.parametrize(
    "period", [YEAR, (date(2024, 3, 1), date(2024, 9, 30)), (date(2020, 1, 1), date(2030, 12, 31))]
)
def test_a_partners_contacts_actual_is_its_kpi_with_that_partner_chosen(
    outcomes_db: Path, period: tuple[date, date]
) -> None:
    """contacts_by_partner (every partner in one pass) against kpis.sql run for each partner alone,
    in periods where co-hosted events with only a headcount count for their host and co-hosts."""
    start, end = period
    cohosted_headcounts = sql(
        outcomes_db,
        """select count(*) from events e where event_date between $start and $end and attendance is not null
        and len(coalesce(co_host_partner_ids, [])) > 0
        and not exists (select 1 from engagements g where g.event_id = e.event_id)""",
        {"start": start, "end": end},
    )[0][0]
    assert cohosted_headcounts > 0  # the case a per-host count would get wrong is in the data
    partners = [row[0] for row in sql(outcomes_db, "select partner_id from partners order by partner_id")]
    actuals = {p: goals.actual("contacts", start, end, p) for p in partners}
    expected = {p: metrics.kpis(metrics.Scope(start, end, partners=(p,)))["contacts"] for p in partners}
    assert actuals == expected
    assert sum(actuals.values()) > metrics.kpis(metrics.Scope(start, end))["contacts"] > 0  # co-hosts count twice


def test_partners_contacts_count_records_else_headcounts_for_host_and_co_hosts(empty_db: Path) -> None:
    """Hand-counted 2024 contacts: an event with records counts through them (not its headcount), one with a
    headcount and no record counts it for its host and each co-host, one with neither counts nothing, and a
    partner without any data has 0; contacts_by_partner gives one row per partner, as kpis.sql per partner."""
    partners = [*builders.PARTNERS, ("QUI", "Quiet Partner", "", "", "2020-01-01")]
    events = [
        *builders.EVENTS,  # EV1 HYC+CLA 25 (records below), EV2 CLA 8, EV3 SSE+HYC+CLA no headcount
        ("EV4", "2024-09-09", "SSE", "HYC", "outreach", "Night market outreach", "12"),
    ]
    contacts = [
        builders.ENGAGEMENT_HEADER,
        builders.engagement(1, partner="HYC", event="EV1", day=date(2024, 1, 15)),
        builders.engagement(2, partner="HYC", event="EV1", day=date(2024, 1, 15)),
        builders.engagement(3, partner="HYC", day=date(2024, 4, 1)),
        builders.engagement(4, partner="CLA", day=date(2024, 5, 1)),
        builders.engagement(5, partner="SSE", day=date(2024, 6, 1)),
        builders.engagement(6, partner="SSE", day=date(2024, 7, 1)),
        builders.engagement(7, partner="SSE", day=date(2023, 7, 1)),  # another year
    ]
    for name, rows in (("partners.csv", partners), ("events.csv", events), ("engagements.csv", contacts)):
        report = ingest.process(builders.csv_bytes(rows), name, database=empty_db, by="test", store=True)
        assert report.ok, [str(p) for p in report.problems]
    start, end = YEAR
    expected = {"CLA": 1 + 8, "HYC": 3 + 12, "QUI": 0, "SSE": 2 + 12}
    found = db.run_query("contacts_by_partner", start=start, end=end)
    assert dict(zip(found["partner_id"], found["contacts"].astype(int), strict=True)) == expected
    assert {p: goals.actual("contacts", start, end, p) for p in expected} == expected
    assert {p: metrics.kpis(metrics.Scope(start, end, partners=(p,)))["contacts"] for p in expected} == expected
