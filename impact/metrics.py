"""What the dashboard's numbers mean, defined once, and the functions that compute them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import pandas as pd

from impact import config, db, labels
from impact.i18n import N_

Runner = Callable[..., pd.DataFrame]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kpi:
    key: str  # the column of queries/kpis.sql
    label: str
    help: str
    counts_categories: bool = False  # languages, neighborhoods, partners: a monthly line of 6, 7, 6 misleads


KPIS = (
    Kpi(
        "unique_people",
        N_("Unique people reached"),
        N_("Each participant counted once in the period, across all partners (by their pseudonymised id)."),
    ),
    Kpi(
        "contacts",
        N_("Total contacts"),
        N_("Every recorded engagement, plus the headcount of events that have no individual records."),
    ),
    Kpi("events_held", N_("Events held"), N_("Events in the period hosted or co-hosted by the selected partners.")),
    Kpi(
        "event_attendance",
        N_("Event attendance"),
        N_("The headcount of each event; for events without a headcount, the contacts recorded at them."),
    ),
    Kpi(
        "languages_served",
        N_("Languages served"),
        N_("Languages of the period's contacts and of the events held, each counted once."),
        counts_categories=True,
    ),
    Kpi(
        "neighborhoods_reached",
        N_("Neighborhoods reached"),
        N_("San Francisco neighborhoods of the period's contacts and events, each counted once."),
        counts_categories=True,
    ),
    Kpi(
        "active_partners",
        N_("Active partners"),
        N_("Partners with at least one contact, or an event they hosted or co-hosted, in the period."),
        counts_categories=True,
    ),
    Kpi(
        "officials_meetings",
        N_("Meetings with officials"),
        N_("Events of type 'stakeholder meeting': meetings with elected officials or public agencies."),
    ),
)
KPI_BY_KEY = {k.key: k for k in KPIS}

# The public impact page's headline figures (columns of public.py's report): the same measures
# as the KPI cards, worded for funders and community members.
PUBLIC_KPIS = (
    Kpi(
        "unique_people", N_("Unique people reached"), N_("Each person counted once in the period, across all partners.")
    ),
    Kpi(
        "contacts",
        N_("Contacts"),
        N_("Every recorded contact, plus the headcount of events without individual records."),
    ),
    Kpi("events", N_("Events"), N_("Events hosted or co-hosted by the partners.")),
    Kpi("languages_served", N_("Languages served"), N_("Languages of the contacts and of the events.")),
    Kpi("neighborhoods_reached", N_("Neighborhoods"), N_("San Francisco neighborhoods of the contacts and events.")),
    Kpi("active_partners", N_("Partners"), N_("Partners with a contact or an event in the period.")),
    Kpi("officials_meetings", N_("Meetings with officials"), N_("Meetings with elected officials or public agencies.")),
)

# The Data page's quality checks ({year} in "outliers" is the earliest plausible year).
QUALITY_CHECKS = (
    Kpi(
        "gaps",
        N_("Months with no data"),
        N_(
            "Months in which a partner sent no contacts and held no events: from its first month of data (or the "
            "month it joined, if later) to the latest month of anyone's data. Often an export that was forgotten. "
            "A mistyped year can stretch this list; such dates are listed under dates far outside the usual range."
        ),
    ),
    Kpi(
        "unknown",
        N_("Rows with unknown values"),
        N_(
            "Contacts and events whose language or neighborhood is not in the contract's lists. They were kept as "
            "written, so they are not counted as a known language or neighborhood."
        ),
    ),
    Kpi(
        "duplicates",
        N_("Possible duplicate contacts"),
        N_(
            "A further contact of the same person with the same partner on the same day. Often one contact entered "
            "twice; sometimes two real contacts (a call and a visit). Worth a look when a month has many."
        ),
    ),
    Kpi(
        "outliers",
        N_("Dates far outside the usual range"),
        N_(
            "Dates before {year}, before the partner joined the coalition, or more than a year beyond the spread of "
            "the partner's other dates (1.5 interquartile ranges beyond the quartiles). Usually a typo in the year "
            "or a day and month swapped."
        ),
    ),
)
QUALITY_CHECK_BY_KEY = {k.key: k for k in QUALITY_CHECKS}


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
    """Unique people and contacts per calendar month: kpis_by_month's own columns (the cards' trend
    lines count them with the same definitions), so a page that shows both passes over the period's
    contacts once, not twice (with a cached `run`)."""
    return kpis_by_month(scope, run)[["month", "unique_people", "contacts"]]


def data_extent(run: Runner = db.run_query) -> dict[str, Any]:
    row = run("data_extent").iloc[0]
    return {
        "first_day": None if pd.isna(row["first_day"]) else pd.Timestamp(row["first_day"]).date(),
        "last_day": None if pd.isna(row["last_day"]) else pd.Timestamp(row["last_day"]).date(),
        "is_demo": bool(row["is_demo"]),
        "last_upload": None if pd.isna(row["last_upload"]) else pd.Timestamp(row["last_upload"]),
    }


# --- the executive dashboards -----------------------------------------------------------
# Each function below names the query it runs (queries/<name>.sql). The measures that are
# not KPI cards are defined here too, so every page shows the same definitions.

MEASURES = (
    Kpi(
        "new_people",
        N_("New people"),
        N_("People whose first contact with the coalition ever (with any partner) was in that month."),
    ),
    Kpi(
        "returning_people",
        N_("Returning people"),
        N_("People seen in the month whose first contact with the coalition was in an earlier month."),
    ),
    Kpi(
        "share_returned",
        N_("Came back within 90 days"),
        N_(
            "Of the people whose first contact with the coalition was in the month, the share with another "
            "contact (with any partner, on a later day) at most 90 days after it. The filters choose whose "
            "first contact counts."
        ),
    ),
    Kpi(
        "cumulative_people",
        N_("Unique people so far this year"),
        N_("Each person counted once per calendar year, from the month of their first contact that year."),
    ),
    Kpi(
        "partner_reach",
        N_("Reach of each partner"),
        N_(
            "A person served by two partners counts for each, and a headcount-only event counts for its host "
            "and each co-host, so the partners add up to more than the coalition's total."
        ),
    ),
    Kpi(
        "non_english_share",
        N_("Contacts not in English"),
        N_("The share of contacts with individual records whose language was not English."),
    ),
    Kpi(
        "records_only",
        N_("Contacts with individual records"),
        N_(
            "Only contacts recorded person by person have a channel, an age group and a single language; "
            "the headcount of events without individual records is left out of these breakdowns."
        ),
    ),
    Kpi(
        "joint_events",
        N_("Events held together"),
        N_("Events with a host and at least one co-host, each counted once."),
    ),
    Kpi(
        "events_per_partner",
        N_("Events per partner"),
        N_("Events a partner hosted or co-hosted; a co-hosted event counts for each of its partners."),
    ),
    Kpi(
        "data_gap",
        N_("Month without data"),
        N_(
            "A month in which a partner has no contacts and no events, between its first data and the "
            "coalition's latest data: an upload may be missing, so a trend over it may not be right yet."
        ),
    ),
)
MEASURE_BY_KEY = {m.key: m for m in MEASURES}


@dataclass(frozen=True)
class FilterOptions:
    """What the sidebar filters offer: partners by name, languages most used first, neighborhoods."""

    partners: dict[str, str]  # partner_id -> name in the reader's language (partner_names)
    languages: tuple[str, ...]
    neighborhoods: tuple[str, ...]


def partner_names(run: Runner = db.run_query) -> dict[str, str]:
    """Every partner's name as the reader reads it (labels.partner_name: name_zh on Chinese pages)."""
    return labels.partner_names(run("partner_names"))


def filter_options(run: Runner = db.run_query) -> FilterOptions:
    frame = run("filter_options")

    def values(dimension: str) -> pd.DataFrame:
        return frame[frame["dimension"] == dimension]

    partners = values("partner")
    names = partner_names(run)
    return FilterOptions(
        partners={pid: names.get(pid, label) for pid, label in zip(partners["value"], partners["label"], strict=True)},
        languages=tuple(values("language")["value"]),
        neighborhoods=tuple(values("neighborhood")["value"]),
    )


def is_empty(figures: dict[str, int]) -> bool:
    """True when a scope holds no contacts and no events (its KPIs are all zero)."""
    return figures["contacts"] == 0 and figures["events_held"] == 0 and figures["unique_people"] == 0


def kpis_by_month(scope: Scope, run: Runner = db.run_query) -> pd.DataFrame:
    return run("kpis_by_month", **scope.params())


def new_vs_returning_by_month(scope: Scope, run: Runner = db.run_query) -> pd.DataFrame:
    return run("new_vs_returning_by_month", **scope.params())


def reach_by_partner_month(scope: Scope, run: Runner = db.run_query) -> pd.DataFrame:
    return run("reach_by_partner_month", **scope.params())


def reach_by_channel(scope: Scope, run: Runner = db.run_query) -> pd.DataFrame:
    return run("reach_by_channel", **scope.params())


def reach_by_neighborhood(scope: Scope, run: Runner = db.run_query) -> pd.DataFrame:
    return run("reach_by_neighborhood", **scope.params())


def reach_by_age_group(scope: Scope, run: Runner = db.run_query) -> pd.DataFrame:
    return run("reach_by_age_group", **scope.params())


def cumulative_reach(scope: Scope, run: Runner = db.run_query) -> pd.DataFrame:
    """Unique people so far in the year in which the scope ends, and in the whole year before."""
    return run("cumulative_reach", **scope.params())


def return_within_90_days(scope: Scope, run: Runner = db.run_query) -> pd.DataFrame:
    return run("return_within_90_days", **scope.params())


DEFAULT_MIN_RATE_BASE = 20


def min_rate_base() -> int:
    """The fewest people (or contacts) a share is shown for as a headline: $IMPACT_MIN_RATE_BASE,
    default 20. Below it a card shows the counts and a caution: 50% of 2 people says nothing."""
    return int(config.number_setting("IMPACT_MIN_RATE_BASE", DEFAULT_MIN_RATE_BASE, minimum=1))


@dataclass(frozen=True)
class Rate:
    """A share with its base: `part` of `base` (people or contacts)."""

    part: int
    base: int

    @property
    def share(self) -> float | None:
        return self.part / self.base if self.base else None

    @property
    def reliable(self) -> bool:
        """Enough people behind the share for it to stand as a headline."""
        return self.base >= min_rate_base()


def returned_within_90_days(cohorts: pd.DataFrame) -> Rate:
    """Of the new people of the months whose 90 days are over, how many came back."""
    complete = cohorts[cohorts["complete"]]
    return Rate(int(complete["returned_within_90_days"].sum()), int(complete["new_people"].sum()))


def language_reach(scope: Scope, run: Runner = db.run_query) -> pd.DataFrame:
    return run("language_reach", **scope.params())


def language_by_month(scope: Scope, run: Runner = db.run_query) -> pd.DataFrame:
    return run("language_by_month", **scope.params())


def language_by_partner(scope: Scope, run: Runner = db.run_query) -> pd.DataFrame:
    return run("language_by_partner", **scope.params())


def events_by_language(scope: Scope, run: Runner = db.run_query) -> pd.DataFrame:
    return run("events_by_language", **scope.params())


NOT_ENGLISH_EXCLUDES = "English"


def not_in_english(contacts_by_language: pd.DataFrame) -> Rate:
    """How many contacts (with individual records) were in a language other than English."""
    total = int(contacts_by_language["contacts"].sum())
    english = int(contacts_by_language.loc[contacts_by_language["language"] == NOT_ENGLISH_EXCLUDES, "contacts"].sum())
    return Rate(total - english, total)


def non_english_share_by_month(language_months: pd.DataFrame) -> pd.DataFrame:
    """Month, contacts and the share not in English, for each month of a language_by_month result."""
    months = language_months.assign(
        english=language_months["contacts"].where(language_months["language"] == NOT_ENGLISH_EXCLUDES, 0)
    )
    totals = months.groupby("month", as_index=False)[["contacts", "english"]].sum()
    contacts = totals["contacts"]
    share = ((contacts - totals["english"]) / contacts.where(contacts > 0)).astype("Float64")
    return pd.DataFrame({"month": totals["month"], "contacts": contacts, "non_english_share": share})


def events_by_partner_month(scope: Scope, run: Runner = db.run_query) -> pd.DataFrame:
    return run("events_by_partner_month", **scope.params())


def events_by_partner_type(scope: Scope, run: Runner = db.run_query) -> pd.DataFrame:
    return run("events_by_partner_type", **scope.params())


def cohost_pairs(scope: Scope, run: Runner = db.run_query) -> pd.DataFrame:
    return run("cohost_pairs", **scope.params())


@dataclass(frozen=True)
class Collaboration:
    partners: pd.DataFrame  # partner_id, partner_name, events, joint_events
    events: int  # each event once
    joint_events: int  # events held by two or more partners, each once


def collaboration_by_partner(scope: Scope, run: Runner = db.run_query) -> Collaboration:
    frame = run("collaboration_by_partner", **scope.params())
    is_total = frame["partner_id"].isna()
    totals = frame[is_total]
    return Collaboration(
        partners=frame[~is_total].reset_index(drop=True),
        events=int(totals["events"].iloc[0]) if len(totals) else 0,
        joint_events=int(totals["joint_events"].iloc[0]) if len(totals) else 0,
    )


def officials_meetings_by_month(scope: Scope, run: Runner = db.run_query) -> pd.DataFrame:
    return run("officials_meetings_by_month", **scope.params())


def partner_activity_by_month(scope: Scope, run: Runner = db.run_query) -> pd.DataFrame:
    return run("partner_activity_by_month", **scope.params())


def partner_freshness(scope: Scope, activity: pd.DataFrame, run: Runner = db.run_query) -> pd.DataFrame:
    """Each partner's last upload and activity, with the months of the scope that have no data.

    `activity` is the scope's partner_activity_by_month result (the page has it already).
    """
    freshness = run("partner_freshness", **scope.params())
    gaps: dict[str, list[date]] = {}
    for partner_id, month in activity.loc[activity["gap"], ["partner_id", "month"]].itertuples(index=False):
        gaps.setdefault(partner_id, []).append(pd.Timestamp(month).date())
    months = [tuple(sorted(gaps.get(partner_id, []))) for partner_id in freshness["partner_id"]]
    return freshness.assign(gap_months=months, months_without_data=[len(m) for m in months])
