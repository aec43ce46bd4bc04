"""The partner activity page: data freshness and months without data, events per partner, the
collaboration network, meetings with officials, and formula-safe CSV downloads."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import streamlit as st

from impact import i18n, ingest, labels
from impact.web import auth, ui
from tests import builders, dashboards
from tests.dashboards import (
    DEFAULT_END,
    DEFAULT_START,
    between,
    by_month,
    engagements,
    events,
    figures,
    frame,
    metric_values,
    month_key,
    open_numbers,
    open_page,
    plotly_values,
    trace,
)

coalition_db, as_director = dashboards.coalition_db, dashboards.as_director  # fixtures


def partner_events(path: Path) -> pd.DataFrame:
    """One row per event and partner that hosted or co-hosted it, in the default period."""
    held = between(events(path), "event_date", DEFAULT_START, DEFAULT_END)
    hosts = held.assign(partner_id=held["host_partner_id"], hosted=True)
    cohosts = held.explode("co_host_partner_ids").dropna(subset=["co_host_partner_ids"])
    cohosts = cohosts.assign(partner_id=cohosts["co_host_partner_ids"], hosted=False)
    return pd.concat([hosts, cohosts], ignore_index=True)


def months_without_data(path: Path) -> dict[str, list[str]]:
    """Months of the period with neither contacts nor events, from a partner's first data to the
    coalition's latest, computed from the raw tables."""
    contacts = engagements(path)[["partner_id", "month"]]
    held = events(path)
    hosted = held[["host_partner_id", "month"]].rename(columns={"host_partner_id": "partner_id"})
    cohosted = held.explode("co_host_partner_ids").dropna(subset=["co_host_partner_ids"])
    cohosted = cohosted[["co_host_partner_ids", "month"]].rename(columns={"co_host_partner_ids": "partner_id"})
    active = pd.concat([contacts, hosted, cohosted]).drop_duplicates()
    last = active["month"].max()
    period = pd.date_range(pd.Timestamp(DEFAULT_START), DEFAULT_END, freq="MS")
    gaps = {}
    for partner, rows in active.groupby("partner_id"):
        seen = set(rows["month"])
        first = min(seen)
        gaps[partner] = [month_key(m) for m in period if first <= m <= last and m not in seen]
    return gaps


def test_the_freshness_table_gives_each_partners_last_upload_and_activity(as_director: Path) -> None:
    """Last upload: the latest loaded batch holding the partner's rows; last activity: its latest date. Dates
    read as the reader reads them (Dec 2, 2024), times too, with UTC said once in the header. The table
    is drawn once its expander is opened, under the warning that names the months without data."""
    at = open_page("partners")
    assert "Each partner's last upload, contact, event and activity" in [e.label for e in at.expander]
    assert not any("Last upload (UTC)" in t.value.columns for t in at.dataframe)  # not drawn while closed
    at = open_numbers(at)
    table = next(t.value for t in at.dataframe if "Last upload (UTC)" in t.value.columns).set_index("Partner")
    uploads = frame(
        as_director,
        "select max(b.loaded_at) from batches as b where b.status = 'loaded' and b.batch_id in ("
        " select batch_id from engagements where partner_id = 'SSE'"
        " union select batch_id from events where host_partner_id = 'SSE')",
    ).iloc[0, 0]
    sse = table.loc["Sunset Senior Exchange"]
    assert sse["Last upload (UTC)"] == i18n.format_moment(pd.Timestamp(uploads).to_pydatetime())
    last_contact = engagements(as_director).query("partner_id == 'SSE'")["engaged_on"].max()
    assert sse["Last contact"] == i18n.format_date(last_contact.date())
    assert pd.Timestamp(sse["Last activity"]) >= pd.Timestamp(sse["Last event"])


def test_months_without_data_are_flagged_before_the_charts(as_director: Path) -> None:
    """Each partner's gap months are listed in the warning and the table, and drawn as 'no data'."""
    at = open_numbers(open_page("partners"))
    expected = months_without_data(as_director)
    assert any(expected.values())  # the fixture has gaps: Sunset Senior Exchange, Visitacion Valley Families
    table = next(t.value for t in at.dataframe if "Which months" in t.value.columns).set_index("Partner")
    names = dict(frame(as_director, "select partner_id, name from partners").itertuples(index=False))
    for partner, months in expected.items():
        row = table.loc[names[partner]]
        assert row["Months without data in the period"] == len(months)
        assert row["Which months"] == ", ".join(i18n.format_date(pd.Timestamp(m).date(), "month_short") for m in months)
    warning = at.warning[0].value
    assert "Sunset Senior Exchange: Feb 2024" in warning
    calendar = trace(figures(at)["Contacts and events per partner and month (vermillion: no data)"])
    rows, columns = plotly_values(calendar["y"]), plotly_values(calendar["x"])
    assert calendar["text"][rows.index("Sunset Senior Exchange")][columns.index("Feb 2024")] == "no data"


def test_events_per_partner_and_month_count_hosted_and_co_hosted_events(as_director: Path) -> None:
    """A heat-map cell is the events a partner hosted or co-hosted that month."""
    grid = trace(figures(open_page("partners"))["Events per partner and month"])
    rows, columns = plotly_values(grid["y"]), plotly_values(grid["x"])
    involved = partner_events(as_director)
    cla = involved[involved["partner_id"] == "CLA"]
    for month, count in cla.groupby("month").size().items():
        assert grid["text"][rows.index("Chinatown Legal Aid")][columns.index(month.strftime("%b %Y"))] == str(count)


def test_events_by_type_stack_each_partners_events(as_director: Path) -> None:
    """The workshop segment of a partner's bar is its hosted or co-hosted workshops."""
    chart = figures(open_page("partners"))["Events per partner by type"]
    workshops = trace(chart, labels.label("event_type", "workshop"))
    shown = dict(zip(plotly_values(workshops["y"]), plotly_values(workshops["x"]), strict=True))
    involved = partner_events(as_director)
    expected = involved[involved["event_type"] == "workshop"].groupby("partner_id").size()
    names = dict(frame(as_director, "select partner_id, name from partners").itertuples(index=False))
    assert shown == {names[p]: n for p, n in expected.items()}


def test_the_network_joins_partners_by_the_events_they_held_together(as_director: Path) -> None:
    """Edges are partner pairs with their joint events; the cards count events and joint events once."""
    at = open_numbers(open_page("partners"))
    held = between(events(as_director), "event_date", DEFAULT_START, DEFAULT_END)
    joint = held[held["co_host_partner_ids"].map(len) > 0]
    shown = metric_values(at)
    assert shown["Events held"] == f"{len(held):,}"
    assert shown["Events held together"] == f"{len(joint):,}"
    pairs = {}
    for event in joint.itertuples():
        people = sorted({event.host_partner_id, *event.co_host_partner_ids})
        for i, a in enumerate(people):
            for b in people[i + 1 :]:
                pairs[(a, b)] = pairs.get((a, b), 0) + 1
    table = next(t.value for t in at.dataframe if "With partner" in t.value.columns)
    names = dict(frame(as_director, "select partner_id, name from partners").itertuples(index=False))
    assert {(r[0], r[1]): r[2] for r in table.itertuples(index=False)} == {
        (names[a], names[b]): n for (a, b), n in pairs.items()
    }
    network = figures(at)["Partners that held events together (line width and label: events held together)"]
    edge_labels = next(t for t in network["data"] if t.get("mode") == "markers+text" and "customdata" in t)
    assert sorted(map(int, edge_labels["text"])) == sorted(pairs.values())


def test_a_partner_filter_keeps_its_collaborators_in_the_network(as_director: Path) -> None:
    """Choosing Tenderloin Safety Network still shows the partner it held events with."""
    at = open_numbers(open_page("partners", {"partners": ["TSN"]}))
    table = next(t.value for t in at.dataframe if "With partner" in t.value.columns)
    assert set(table["Partner"]) | set(table["With partner"]) == {
        "Tenderloin Safety Network",
        "Visitacion Valley Families",
    }


def test_meetings_with_officials_stack_by_host_and_add_up_per_month(as_director: Path) -> None:
    """Each month's bars add up to the stakeholder meetings held; the card on the overview agrees."""
    chart = figures(open_page("partners"))["Meetings with officials per month, by hosting partner"]
    totals: dict[str, int] = {}
    for line in chart["data"]:
        for month, count in by_month({"data": [line]}).items():
            totals[month] = totals.get(month, 0) + count
    held = between(events(as_director), "event_date", DEFAULT_START, DEFAULT_END)
    meetings = held[held["event_type"] == "stakeholder_meeting"].groupby("month").size()
    assert {m: n for m, n in totals.items() if n} == {month_key(m): n for m, n in meetings.items()}


def test_csv_downloads_neutralise_cells_that_would_run_as_formulas(
    empty_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A partner named like a spreadsheet formula is written with a leading apostrophe in the CSV."""
    partners = [
        builders.PARTNERS[0],
        ("EVIL", '=HYPERLINK("http://x.invalid","click")', "", "", ""),
        ("AT", "@SUM(A1)", "", "", ""),
    ]
    rows = [builders.ENGAGEMENT_HEADER, builders.engagement(1, partner="EVIL"), builders.engagement(2, partner="AT")]
    for name, data in (("partners.csv", partners), ("engagements.csv", rows)):
        report = ingest.process(builders.csv_bytes(data), name, database=empty_db, by="test", store=True)
        assert report.ok, [str(p) for p in report.problems]
    monkeypatch.setattr(auth, "current_user", lambda: dashboards.DIRECTOR)
    downloads: dict[str, bytes] = {}
    real = st.download_button

    def capture(label: str, data: bytes, file_name: str, **kwargs: object) -> bool:
        downloads[file_name] = data() if callable(data) else data  # the CSV is made on click
        return real(label, data, file_name=file_name, **kwargs)

    monkeypatch.setattr(st, "download_button", capture)
    monkeypatch.setattr(ui, "download_data", lambda produce: produce)  # the viewer's check is tested elsewhere
    open_numbers(open_page("partners", {"period": "all-time"}))
    text = downloads["partner_freshness.csv"].decode("utf-8-sig")
    assert "'=HYPERLINK(" in text and "'@SUM(A1)" in text
    assert not any(line.startswith(("=", "@", "+", "-")) for line in text.splitlines())
    assert '\n"=HYPERLINK' not in text and "\n=HYPERLINK" not in text
