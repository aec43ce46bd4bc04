"""The overview page: each KPI card against an independent count, its comparison with the
previous period, the monthly charts, and the empty states."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from impact import filters, ingest, metrics
from impact.web import auth, ui
from tests import builders, dashboards
from tests.dashboards import (
    DEFAULT_END,
    DEFAULT_START,
    LAST_DAY,
    between,
    by_month,
    engagements,
    events,
    figures,
    metric_values,
    month_key,
    open_numbers,
    open_page,
)

coalition_db, as_director = dashboards.coalition_db, dashboards.as_director  # fixtures


def independent_kpis(path: Path, start: date, end: date, partners: list[str] | None = None) -> dict[str, int]:
    """The eight KPIs computed in pandas from the raw tables, following the definitions' words."""
    contacts = between(engagements(path), "engaged_on", start, end)
    held = between(events(path), "event_date", start, end)
    if partners:
        contacts = contacts[contacts["partner_id"].isin(partners)]
        involved = held.apply(
            lambda e: e["host_partner_id"] in partners or bool(set(e["co_host_partner_ids"]) & set(partners)),
            axis=1,
        )
        held = held[involved] if len(held) else held
    recorded = engagements(path)["event_id"].dropna().value_counts()
    headcount_only = held[~held["event_id"].isin(recorded.index)]["attendance"].fillna(0).sum()
    attendance = sum(
        int(row.attendance) if pd.notna(row.attendance) else int(recorded.get(row.event_id, 0))
        for row in held.itertuples()
    )
    event_languages = {lang for langs in held["languages"] for lang in langs}
    neighborhoods = set(contacts["neighborhood"].dropna()) | set(held["neighborhood"].dropna())
    active = set(contacts["partner_id"]) | set(held["host_partner_id"])
    active |= {p for hosts in held["co_host_partner_ids"] for p in hosts}
    if partners:
        active &= set(partners)
    return {
        "unique_people": contacts["participant_key"].nunique(),
        "contacts": len(contacts) + int(headcount_only),
        "events_held": len(held),
        "event_attendance": attendance,
        "languages_served": len(set(contacts["language"]) | event_languages),
        "neighborhoods_reached": len(neighborhoods),
        "active_partners": len(active),
        "officials_meetings": int((held["event_type"] == "stakeholder_meeting").sum()),
    }


def test_each_kpi_card_equals_an_independent_count(as_director: Path) -> None:
    """The eight cards of the default period (the 12 months to the latest data) match pandas counts."""
    at = open_page("overview")
    expected = independent_kpis(as_director, DEFAULT_START, DEFAULT_END)
    shown = metric_values(at)
    for kpi in metrics.KPIS:
        assert shown[kpi.label] == f"{expected[kpi.key]:,}", kpi.key
    assert not at.warning


def test_kpi_cards_follow_the_filters_in_the_link(as_director: Path) -> None:
    """?period=all-time&partners=TSN&partners=VVF counts only what those partners did or joined."""
    at = open_page("overview", {"period": "all-time", "partners": ["TSN", "VVF"]})
    expected = independent_kpis(as_director, date(2023, 1, 1), LAST_DAY, ["TSN", "VVF"])
    shown = metric_values(at)
    for kpi in metrics.KPIS:
        assert shown[kpi.label] == f"{expected[kpi.key]:,}", kpi.key


def test_each_card_compares_with_the_same_months_a_year_earlier(as_director: Path) -> None:
    """The last 12 complete months are compared with the 12 months before, as a signed percentage with one decimal."""
    at = open_page("overview")
    previous_end = DEFAULT_START - timedelta(days=1)
    previous_start = previous_end - timedelta(days=364)
    now = independent_kpis(as_director, DEFAULT_START, DEFAULT_END)
    before = independent_kpis(as_director, previous_start, previous_end)
    cards = {m.label: m for m in at.metric}
    people = cards["Unique people reached"]
    change = (now["unique_people"] - before["unique_people"]) / before["unique_people"] * 100
    assert people.delta == f"{change:+.1f}%"
    assert f"{before['unique_people']:,}" in people.proto.help
    meetings = cards["Meetings with officials"]
    assert before["officials_meetings"] == 0  # the fixture's events are all in 2024
    assert meetings.delta in (None, "")  # nothing to compare with: no change is shown


def test_the_trend_lines_add_up_to_the_period_for_counts_that_add_up(as_director: Path) -> None:
    """Monthly contacts, events, attendance and meetings sum to the card's number for the period."""
    scope = metrics.Scope(DEFAULT_START, DEFAULT_END)
    total = metrics.kpis(scope)
    monthly = metrics.kpis_by_month(scope)
    for key in ("contacts", "events_held", "event_attendance", "officials_meetings"):
        assert int(monthly[key].sum()) == total[key], key
    assert len(monthly) == 12  # December 2023 to November 2024, all complete
    assert (monthly["unique_people"] <= total["unique_people"]).all()


def test_the_monthly_chart_shows_each_months_unique_people_and_contacts(as_director: Path) -> None:
    """The bars are each month's distinct people and the line its contacts, from the raw tables."""
    at = open_page("overview")
    chart = figures(at)["Unique people and contacts by month"]
    shown_people = by_month(chart, "Unique people")
    contacts = between(engagements(as_director), "engaged_on", DEFAULT_START, DEFAULT_END)
    expected = contacts.groupby("month")["participant_key"].nunique()
    for month, people in expected.items():
        assert shown_people[month_key(month)] == people
    held = between(events(as_director), "event_date", DEFAULT_START, DEFAULT_END)
    june = pd.Timestamp(2024, 6, 1)
    june_contacts = (contacts["month"] == june).sum() + held.loc[held["month"] == june, "attendance"].sum()
    shown_contacts = by_month(chart, "Contacts")
    assert shown_contacts["2024-06"] == june_contacts


@pytest.mark.parametrize("partners", [None, ["HYC"], ["CLA", "SSE"]])
def test_the_monthly_reach_equals_each_months_independent_counts(as_director: Path, partners: list | None) -> None:
    """The reach chart's frame (the cards' monthly query's columns) holds each month's people and contacts
    as counted from the raw tables for that month alone."""
    scope = metrics.Scope(DEFAULT_START, DEFAULT_END, partners=tuple(partners) if partners else None)
    reach = metrics.reach_by_month(scope)
    assert list(reach.columns) == ["month", "unique_people", "contacts"] and len(reach) == 12
    for row in reach.itertuples():
        start = row.month.date()
        end = (row.month + pd.offsets.MonthEnd(0)).date()
        expected = independent_kpis(as_director, start, end, partners)
        assert (row.unique_people, row.contacts) == (expected["unique_people"], expected["contacts"]), start
    assert reach["contacts"].sum() > 0


def test_new_and_returning_people_follow_each_persons_first_contact_ever(as_director: Path) -> None:
    """New: first contact with the coalition (any partner, all time) in the month; returning: the rest."""
    at = open_page("overview", {"partners": ["HYC"]})
    chart = figures(at)["New and returning people by month"]
    everyone = engagements(as_director)
    first = everyone.groupby("participant_key")["month"].min()
    seen = between(everyone[everyone["partner_id"] == "HYC"], "engaged_on", DEFAULT_START, DEFAULT_END)
    new_shown = by_month(chart, "New people")
    returning_shown = by_month(chart, "Returning people")
    checked = 0
    for month, people in seen.groupby("month")["participant_key"]:
        people = set(people)
        new = sum(1 for p in people if first[p] == month)
        assert new_shown[month_key(month)] == new
        assert returning_shown[month_key(month)] == len(people) - new
        checked += new
    assert checked > 0  # the fixture has new people in the period


def test_every_table_behind_a_chart_can_be_downloaded(as_director: Path) -> None:
    """Each chart's numbers come as a table with its own CSV download button, drawn once its expander is
    opened (a closed one sends and draws nothing)."""
    at = open_page("overview")
    assert len(at.expander) == len(at.get("plotly_chart")) == 2
    assert not at.dataframe and not at.get("download_button")
    open_numbers(at)
    assert len(at.dataframe) == len(at.get("plotly_chart")) == 2
    assert len(at.get("download_button")) == len(at.dataframe)


def test_a_figure_carries_the_themes_layout_and_styles_only_for_the_traces_it_draws(as_director: Path) -> None:
    """Streamlit's template styles ten kinds of trace; a chart is sent with the styles of its own kinds alone."""
    for spec in figures(open_page("overview")).values():
        template = spec["layout"]["template"]
        assert set(template.get("data", {})) <= {trace["type"] for trace in spec["data"]}
        assert "colorway" in template["layout"]  # the theme's colours, filled in by the browser


def test_a_period_without_data_says_so_instead_of_drawing_empty_charts(as_director: Path) -> None:
    """A custom range before the data shows a friendly message with what to change, and no chart."""
    at = open_page("overview", {"period": "custom", "start": "2019-01-01", "end": "2019-06-30"})
    assert not at.get("plotly_chart") and not at.metric
    message = " ".join(i.value for i in at.info)
    assert "No contacts or events match these filters" in message
    assert "longer period" in message


def test_a_store_without_data_says_no_data_yet(empty_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before any upload the page explains where data comes from instead of failing."""
    monkeypatch.setattr(auth, "current_user", lambda: dashboards.DIRECTOR)
    at = open_page("overview")
    assert any("No data yet" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def test_the_period_caption_states_both_date_ranges(as_director: Path) -> None:
    """The caption names the period's first and last day and those of the same days a year earlier."""
    at = open_page("overview", {"period": "last-year"})
    captions = " ".join(c.value for c in at.caption)
    scope = filters.to_scope(filters.FilterState(period="last-year"), filters.DataSpan(date(2023, 1, 1), LAST_DAY))
    assert (scope.start, scope.end) == (date(2023, 1, 1), date(2023, 12, 31))
    assert "Jan 1, 2023 to Dec 31, 2023, compared with Jan 1, 2022 to Dec 31, 2022." in captions


def test_charts_and_cards_are_refreshed_after_an_upload(fixture_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cached results and drawn charts are reused until data changes; after an upload they show it."""
    monkeypatch.setattr(auth, "current_user", lambda: dashboards.DIRECTOR)
    ui.data_changed()
    at = open_page("overview", {"period": "this-year"})  # to December 28, the month under way
    people = int(metric_values(at)["Unique people reached"].replace(",", ""))
    december = by_month(figures(at)["Unique people and contacts by month"], "Unique people")["2024-12"]
    rows = [builders.ENGAGEMENT_HEADER, builders.engagement(1, day=date(2024, 12, 27), partner="HYC", person="new-1")]
    report = ingest.process(builders.csv_bytes(rows), "late.csv", database=fixture_db, by="test", store=True)
    assert report.ok, [str(p) for p in report.problems]
    at.run()
    assert metric_values(at)["Unique people reached"] == f"{people:,}"  # still the cached view
    ui.data_changed()  # what the upload page does after a load
    at.run()
    assert metric_values(at)["Unique people reached"] == f"{people + 1:,}"
    assert by_month(figures(at)["Unique people and contacts by month"], "Unique people")["2024-12"] == december + 1
