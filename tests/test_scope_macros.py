"""The scope macros of impact/schema.sql, which most dashboard queries read their rows through,
select what the filters mean, checked against plain SQL on the fixture database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from impact import db, ingest
from tests import builders
from tests.conftest import sql

PERIOD = {"start": date(2024, 1, 1), "end": date(2024, 6, 30)}
CALL = "$start::date, $end::date, $partners::varchar[], $languages::varchar[], $neighborhoods::varchar[]"


def _macro_count(path: Path, macro: str, partners=None, languages=None, neighborhoods=None) -> int:
    params = {**PERIOD, "partners": partners, "languages": languages, "neighborhoods": neighborhoods}
    return sql(path, f"select count(*) from {macro}({CALL})", params)[0][0]


def test_null_lists_mean_every_contact_of_the_period(fixture_db: Path) -> None:
    """With no filter chosen, engagements_in_scope holds exactly the period's contacts."""
    expected = sql(fixture_db, "select count(*) from engagements where engaged_on between $start and $end", PERIOD)
    assert expected[0][0] > 0
    assert _macro_count(fixture_db, "engagements_in_scope") == expected[0][0]


def test_an_empty_list_matches_nothing(fixture_db: Path) -> None:
    """An empty partner list is a choice of no partner, not 'all partners'."""
    assert _macro_count(fixture_db, "engagements_in_scope", partners=[]) == 0
    assert _macro_count(fixture_db, "events_in_scope", partners=[]) == 0


def test_contacts_filter_by_partner_language_and_neighborhood(fixture_db: Path) -> None:
    """Each filter keeps the contacts whose value is among the chosen ones."""
    partner, language, neighborhood, expected = sql(
        fixture_db,
        """select partner_id, language, neighborhood, count(*) from engagements
        where engaged_on between $start and $end and neighborhood is not null
        group by all order by 4 desc, 1, 2, 3 limit 1""",
        PERIOD,
    )[0]
    counted = _macro_count(
        fixture_db, "engagements_in_scope", partners=[partner], languages=[language], neighborhoods=[neighborhood]
    )
    assert counted == expected


def test_a_partner_filter_keeps_the_events_it_hosted_or_co_hosted(fixture_db: Path) -> None:
    """events_in_scope for one partner counts its hosted events plus those it co-hosted."""
    expected = sql(
        fixture_db,
        """select count(distinct ev.event_id) from events as ev
        left join event_cohosts as c on c.event_id = ev.event_id and c.partner_id = 'CLA'
        where ev.event_date between $start and $end and (ev.host_partner_id = 'CLA' or c.partner_id is not null)""",
        PERIOD,
    )[0][0]
    co_hosted = sql(
        fixture_db,
        """select count(*) from event_cohosts join events using (event_id)
        where partner_id = 'CLA' and event_date between $start and $end""",
        PERIOD,
    )[0][0]
    assert co_hosted > 0, "the fixture should hold an event CLA co-hosted"
    assert _macro_count(fixture_db, "events_in_scope", partners=["CLA"]) == expected


def test_headcount_only_events_are_the_events_without_individual_records(base_db: Path) -> None:
    """Of three events, one has a recorded contact and one no headcount: only the third is headcount-only."""
    rows = [builders.ENGAGEMENT_HEADER, builders.engagement(1, day=date(2024, 1, 15), event="EV1")]
    report = ingest.process(builders.csv_bytes(rows), "e.csv", database=base_db, by="test", store=True)
    assert report.ok, [str(p) for p in report.problems]
    params = {**PERIOD, "partners": None, "languages": None, "neighborhoods": None}
    events = sql(base_db, f"select event_id from headcount_only_events({CALL})", params)
    assert events == [("EV2",)]


def test_months_of_period_lists_each_month_the_period_touches(fixture_db: Path) -> None:
    """A period from mid-January to early March gives January, February and March."""
    months = db.run_sql(
        "select month from months_of_period($start::date, $end::date)",
        {"start": date(2024, 1, 15), "end": date(2024, 3, 2)},
        fixture_db,
    )
    assert [m.date() for m in months["month"]] == [date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)]


def test_a_database_opened_again_keeps_working_with_the_current_definitions(fixture_db: Path) -> None:
    """The schema replaces the macros on every open, so a reopened file answers the same."""
    before = _macro_count(fixture_db, "events_in_scope", partners=["CLA"])
    db.close(fixture_db)
    assert _macro_count(fixture_db, "events_in_scope", partners=["CLA"]) == before
