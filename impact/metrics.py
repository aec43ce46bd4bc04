"""What the dashboard's numbers mean, defined once, and the functions that compute them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import pandas as pd

from impact import db

Runner = Callable[..., pd.DataFrame]


@dataclass(frozen=True)
class Kpi:
    key: str  # the column of queries/kpis.sql
    label: str
    help: str


KPIS = (
    Kpi(
        "unique_people",
        "Unique people reached",
        "Each participant counted once in the period, across all partners (by their pseudonymised id).",
    ),
    Kpi(
        "contacts",
        "Total contacts",
        "Every recorded engagement, plus the headcount of events that have no individual records.",
    ),
    Kpi("events_held", "Events held", "Events in the period hosted or co-hosted by the selected partners."),
    Kpi(
        "event_attendance",
        "Event attendance",
        "The headcount of each event; for events without a headcount, the contacts recorded at them.",
    ),
    Kpi(
        "languages_served",
        "Languages served",
        "Languages of the period's contacts and of the events held, each counted once.",
    ),
    Kpi(
        "neighborhoods_reached",
        "Neighborhoods reached",
        "San Francisco neighborhoods of the period's contacts and events, each counted once.",
    ),
    Kpi(
        "active_partners",
        "Active partners",
        "Partners with at least one contact, or an event they hosted or co-hosted, in the period.",
    ),
    Kpi(
        "officials_meetings",
        "Meetings with officials",
        "Events of type 'stakeholder meeting': meetings with elected officials or public agencies.",
    ),
)
KPI_BY_KEY = {k.key: k for k in KPIS}


@dataclass(frozen=True)
class Scope:
    """A period and the filters that narrow it; None in a list means 'all'."""

    start: date
    end: date
    partners: tuple[str, ...] | None = None
    languages: tuple[str, ...] | None = None
    neighborhoods: tuple[str, ...] | None = None

    def params(self) -> dict[str, Any]:
        def as_list(values: tuple[str, ...] | None) -> list[str] | None:
            return list(values) if values else None

        return {
            "start": self.start,
            "end": self.end,
            "partners": as_list(self.partners),
            "languages": as_list(self.languages),
            "neighborhoods": as_list(self.neighborhoods),
        }

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Scope:
        """The period of the same length just before this one, with the same filters."""
        end = self.start - timedelta(days=1)
        return replace(self, start=end - timedelta(days=self.days - 1), end=end)


def kpis(scope: Scope, run: Runner = db.run_query) -> dict[str, int]:
    row = run("kpis", **scope.params()).iloc[0]
    return {k.key: int(row[k.key]) for k in KPIS}


def change(current: int, previous: int) -> float | None:
    """Relative change in percent, or None when there is nothing to compare with."""
    if previous == 0:
        return None
    return (current - previous) / previous * 100


def reach_by_month(scope: Scope, run: Runner = db.run_query) -> pd.DataFrame:
    return run("reach_by_month", **scope.params())


def data_extent(run: Runner = db.run_query) -> dict[str, Any]:
    row = run("data_extent").iloc[0]
    return {
        "first_day": None if pd.isna(row["first_day"]) else pd.Timestamp(row["first_day"]).date(),
        "last_day": None if pd.isna(row["last_day"]) else pd.Timestamp(row["last_day"]).date(),
        "is_demo": bool(row["is_demo"]),
        "last_upload": None if pd.isna(row["last_upload"]) else pd.Timestamp(row["last_upload"]),
    }
