"""The outreach reach page: each chart against counts made independently from the raw tables."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pandas as pd

from impact import i18n, labels, metrics
from tests import dashboards
from tests.dashboards import (
    DEFAULT_END,
    DEFAULT_START,
    LAST_DAY,
    between,
    by_label,
    by_month,
    engagements,
    events,
    figures,
    metric_values,
    month_key,
    open_numbers,
    open_page,
    plotly_values,
    trace,
)

coalition_db, as_director = dashboards.coalition_db, dashboards.as_director  # fixtures


def in_period(path: Path) -> pd.DataFrame:
    return between(engagements(path), "engaged_on", DEFAULT_START, DEFAULT_END)


def test_the_headline_cards_count_people_once_and_every_contact(as_director: Path) -> None:
    """Unique people and total contacts of the period, as on the overview."""
    at = open_page("reach")
    contacts = in_period(as_director)
    held = between(events(as_director), "event_date", DEFAULT_START, DEFAULT_END)
    shown = metric_values(at)
    assert shown["Unique people reached"] == f"{contacts['participant_key'].nunique():,}"
    assert shown["Total contacts"] == f"{len(contacts) + int(held['attendance'].sum()):,}"  # all headcount-only


def test_each_partners_line_counts_its_own_people_and_contacts(as_director: Path) -> None:
    """People per partner and month; contacts add the headcount of events it hosted or co-hosted."""
    at = open_page("reach")
    chart = figures(at)["Unique people by month and partner"]
    contacts = in_period(as_director)
    cla = contacts[contacts["partner_id"] == "CLA"]
    shown = by_month(chart, "Chinatown Legal Aid")
    for month, people in cla.groupby("month")["participant_key"].nunique().items():
        assert shown[month_key(month)] == people
    at.segmented_control(key="reach.partner_measure").set_value("contacts").run()
    chart = figures(at)["Contacts by month and partner"]
    held = between(events(as_director), "event_date", DEFAULT_START, DEFAULT_END)
    with_cla = held[(held["host_partner_id"] == "CLA") | held["co_host_partner_ids"].map(lambda c: "CLA" in c)]
    expected = cla.groupby("month").size().add(with_cla.groupby("month")["attendance"].sum(), fill_value=0)
    shown = by_month(chart, "Chinatown Legal Aid")
    assert {m: v for m, v in shown.items() if v} == {month_key(m): int(v) for m, v in expected.items() if v}


def test_channel_bars_count_people_and_contacts_of_each_channel(as_director: Path) -> None:
    """Each channel's unique people and contacts, with the channel's label."""
    chart = figures(open_page("reach"))["Unique people and contacts by channel"]
    contacts = in_period(as_director)
    people, recorded = by_label(chart, "Unique people"), by_label(chart, "Contacts")
    for channel, rows in contacts.groupby("channel"):
        name = labels.label("channel", channel)
        assert people[name] == rows["participant_key"].nunique()
        assert recorded[name] == len(rows)
    assert sum(recorded.values()) == len(contacts)  # individual records only


def test_age_group_bars_stand_in_age_order(as_director: Path) -> None:
    """Age groups from youngest to oldest, each with its people and contacts."""
    chart = figures(open_page("reach"))["Unique people and contacts by age group"]
    people = by_label(chart, "Unique people")
    assert list(people) == [labels.label("age_group", a) for a in ("0-17", "18-24", "25-44", "45-64", "65+")]
    contacts = in_period(as_director)
    elders = contacts[contacts["age_group"] == "65+"]
    assert people[labels.label("age_group", "65+")] == elders["participant_key"].nunique()


def test_neighborhoods_are_ranked_by_unique_people_with_contacts_in_the_table(as_director: Path) -> None:
    """The bars go from most to fewest people; the table's contacts add event headcounts there."""
    at = open_numbers(open_page("reach"))
    chart = figures(at)["Neighborhoods ranked by unique people reached"]
    bars = trace(chart)
    values = plotly_values(bars["x"])
    assert values == sorted(values, reverse=True)
    contacts = in_period(as_director)
    expected = contacts.groupby("neighborhood")["participant_key"].nunique()
    shown = by_label(chart)
    assert shown == {labels.label("neighborhood", n): v for n, v in expected.items()}
    table = next(t.value for t in at.dataframe if "Neighborhood" in t.value.columns)
    held = between(events(as_director), "event_date", DEFAULT_START, DEFAULT_END)
    chinatown = table.set_index("Neighborhood").loc["Chinatown", "Contacts"]
    in_chinatown = (contacts["neighborhood"] == "Chinatown").sum()
    assert chinatown == in_chinatown + held.loc[held["neighborhood"] == "Chinatown", "attendance"].sum()


def test_cumulative_reach_counts_each_person_once_per_year(as_director: Path) -> None:
    """The period's last year to its last day, and the year before in full, month by month."""
    chart = figures(open_page("reach", {"period": "this-year"}))[
        "Unique people reached so far in 2024, with 2023 for comparison"
    ]
    everyone = engagements(as_director)
    this_year = trace(chart, "2024")
    last_year = trace(chart, "2023")
    so_far = dict(zip(plotly_values(this_year["x"]), plotly_values(this_year["y"]), strict=True))
    in_2024 = between(everyone, "engaged_on", pd.Timestamp(2024, 1, 1), LAST_DAY)
    assert so_far["Dec"] == in_2024["participant_key"].nunique()
    by_june = between(everyone, "engaged_on", pd.Timestamp(2024, 1, 1), pd.Timestamp(2024, 6, 30))
    assert so_far["Jun"] == by_june["participant_key"].nunique()
    in_2023 = everyone[everyone["engaged_on"].dt.year == 2023]
    assert plotly_values(last_year["y"])[-1] == in_2023["participant_key"].nunique()


def test_return_within_90_days_follows_each_persons_first_contact(as_director: Path) -> None:
    """Of the people first seen in a month, the share with a contact on a later day within 90 days."""
    at = open_numbers(open_page("reach", {"period": "this-year"}))
    everyone = engagements(as_director)
    first = everyone.groupby("participant_key")["engaged_on"].min().rename("first_day")
    later = everyone.join(first, on="participant_key")
    came_back = set(
        later.loc[
            (later["engaged_on"] > later["first_day"])
            & (later["engaged_on"] <= later["first_day"] + timedelta(days=90)),
            "participant_key",
        ]
    )
    cohort = first[(first >= pd.Timestamp(2024, 1, 1)) & (first <= pd.Timestamp(LAST_DAY))].to_frame()
    cohort["month"] = cohort["first_day"].dt.to_period("M").dt.to_timestamp()
    cohort["back"] = cohort.index.isin(came_back)
    monthly = cohort.groupby("month")["back"].agg(["size", "sum"])
    table = next(t.value for t in at.dataframe if "Month of first contact" in t.value.columns).set_index(
        "Month of first contact"
    )
    for month, row in monthly.iterrows():
        shown = table.loc[i18n.format_date(month.date(), "month_short")]  # Jan 2024: the reader's month
        assert shown["New people"] == row["size"]
        assert shown["Came back within 90 days"] == row["sum"]
        assert shown["Share that came back (%)"] == i18n.format_number(row["sum"] / row["size"] * 100, 1)
    last = pd.Timestamp(LAST_DAY)
    complete = monthly[[m + pd.offsets.MonthEnd(0) + timedelta(days=90) <= last for m in monthly.index]]
    back, new = int(complete["sum"].sum()), int(complete["size"].sum())
    assert new < metrics.min_rate_base()  # 19 people: too few for a headline share
    assert metric_values(at)["Came back within 90 days"] == f"{back:,} of {new:,}"
    assert any("Too few to give a share that means much" in c.value for c in at.caption)
    assert table.loc["Dec 2024", "90 days over"] == "No"


def test_a_filter_with_no_contacts_shows_the_empty_state(as_director: Path) -> None:
    """A period in which no one was reached leaves a message, not blank charts."""
    at = open_page("reach", {"period": "custom", "start": "1999-01-01", "end": "1999-12-31"})
    assert not at.get("plotly_chart")
    assert any("No contacts or events match these filters" in i.value for i in at.info)
