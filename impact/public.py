"""The public impact page's content: what it covers, its figures, and what may be shown of them.

Everything the public page shows is computed here on the server and passed through
`impact.privacy.protect` as one table set, so that no small count can be worked out from
the headline, the yearly trend, the breakdowns or the collaboration table, across every
year a visitor can select. The page (pages/5_impact.py) only draws the result: it receives
display labels and published numbers, never rows of data.

What is counted, and how it is protected:

- People, contacts, events and meetings with officials: counts of people or records,
  suppressed below the threshold, with complementary suppression.
- Languages served, neighborhoods reached and active partners: counts of named
  categories, not of people or records; they are shown as they are.
- People by language and by neighborhood: each person once a year, in their main
  language / neighborhood (where most of their contacts that year were), so the rows add
  up exactly to the year's unique people. Language and neighborhood names outside the
  coalition's lists (free text as typed by staff) are grouped as "Other".
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from impact import charts, labels, privacy, vocab
from impact.i18n import N_

Runner = Callable[..., pd.DataFrame]
COUNTED = ("unique_people", "contacts", "events", "officials_meetings")  # suppressed measures
COVERAGE = ("languages_served", "neighborhoods_reached", "active_partners")  # shown as they are
ALL = "all"
OTHER_LANGUAGE = "Other"
OTHER_NEIGHBORHOOD = N_("Other neighborhoods")
NOT_RECORDED = N_("Not recorded")
TRANSLATED_GROUPS = frozenset({OTHER_NEIGHBORHOOD, NOT_RECORDED})  # group names the page translates
# How much showing a cell is worth: hide a breakdown cell before a year, a year before a total.
_COST = {"total": 1000.0, "year": 100.0, "cell": 1.0}


def threshold() -> int:
    """Counts from 1 to this are shown as "<N+1": $IMPACT_SUPPRESSION_THRESHOLD, default 10."""
    return int(os.environ.get("IMPACT_SUPPRESSION_THRESHOLD", privacy.DEFAULT_THRESHOLD))


@dataclass(frozen=True)
class PublicScope:
    """What a public view covers: a period, optionally some partners, and whether it is a share link."""

    start: date
    end: date
    partners: tuple[str, ...] | None = None
    shared: bool = False  # opened through a share link: the scope is locked

    def params(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "partners": list(self.partners) if self.partners else None}

    def years(self) -> list[int]:
        return list(range(self.start.year, self.end.year + 1))

    def year_span(self, year: int) -> tuple[date, date]:
        """The part of a calendar year inside the scope."""
        return max(self.start, date(year, 1, 1)), min(self.end, date(year, 12, 31))


def last_complete_year(last_day: date | None, today: date) -> int | None:
    """The latest calendar year that has ended (before today) and that the data reaches.

    Data that ends on December 28 of a year that is over counts as that year's data: a
    quiet last week is not a missing one. A year still under way never counts.
    """
    if last_day is None:
        return None
    return min(last_day.year, today.year - 1)


def public_scope(first_day: date | None, last_day: date | None, today: date) -> PublicScope | None:
    """The open page: every partner, the complete calendar years of the data; None if there is none."""
    last_year = last_complete_year(last_day, today)
    if first_day is None or last_year is None or last_year < first_day.year:
        return None
    return PublicScope(date(first_day.year, 1, 1), date(last_year, 12, 31))


def shared_scope(start: date, end: date, partners: tuple[str, ...] | None, last_day: date | None) -> PublicScope:
    """A share link's scope, ending at the last day of data if the link reaches beyond it."""
    if last_day is not None and last_day < end:
        end = max(start, last_day)
    return PublicScope(start, end, partners or None, shared=True)


@dataclass
class Report:
    scope: PublicScope
    threshold: int
    figures: pd.DataFrame  # one row per period ('all' and each year): labels and published numbers
    languages: dict[int, pd.DataFrame]  # year -> language, people (label)
    neighborhoods: dict[int, pd.DataFrame]  # year -> neighborhood, people (label)
    pairs: pd.DataFrame  # partner_a_name, partner_b_name, events (label)
    withheld_years: set[int] = field(default_factory=set)  # years too small to break down
    suppressed: int = 0  # how many cells are not shown exactly
    partner_names: tuple[str, ...] = ()  # the scope's partners by name (empty: all partners)

    def period(self, period: str) -> pd.Series:
        return self.figures.loc[self.figures["period"] == period].iloc[0]


def _group(frame: pd.DataFrame, column: str, known: tuple[str, ...], other: str, missing: str | None) -> pd.DataFrame:
    """Names outside the coalition's lists become `other`; missing values become `missing`."""
    if frame.empty:
        return pd.DataFrame({"year": [], column: [], "people": []})
    names = frame[column].astype("object")
    grouped = names.where(names.isin(known), other)
    if missing is not None:
        grouped = grouped.where(names.notna(), missing)
    out = frame.assign(**{column: grouped}).groupby(["year", column], as_index=False)["people"].sum()
    return out


def build_report(scope: PublicScope, run: Runner, limit: int | None = None) -> Report:
    """Query the scope's figures and decide, for all of them at once, what may be shown."""
    limit = threshold() if limit is None else limit
    params = scope.params()
    figures = run("impact_figures", **params)
    languages = _group(run("impact_people_by_language", **params), "language", vocab.LANGUAGES, OTHER_LANGUAGE, None)
    neighborhoods = _group(
        run("impact_people_by_neighborhood", **params),
        "neighborhood",
        vocab.NEIGHBORHOODS,
        OTHER_NEIGHBORHOOD,
        NOT_RECORDED,
    )
    pairs = run("impact_cohost_pairs", **params)

    values: dict[Any, int] = {}
    cost: dict[Any, float] = {}
    relations: list[privacy.Relation] = []
    bounds: list[privacy.AtMost] = []
    years = [int(y) for y in figures["year"].dropna()]
    for row in figures.itertuples():
        period = row.period
        for measure in COUNTED:
            values[(measure, period)] = int(getattr(row, measure))
            cost[(measure, period)] = _COST["total"] if period == ALL else _COST["year"]
        bounds.append(privacy.AtMost(("unique_people", period), ("contacts", period)))
        bounds.append(privacy.AtMost(("officials_meetings", period), ("events", period)))
    for measure in ("contacts", "events", "officials_meetings"):
        relations.append(privacy.Relation((measure, ALL), tuple((measure, str(y)) for y in years)))
    relations.append(privacy.Relation(("unique_people", ALL), tuple(("unique_people", str(y)) for y in years), False))
    for kind, frame, column in (("language", languages, "language"), ("neighborhood", neighborhoods, "neighborhood")):
        for year in years:
            rows = frame[frame["year"] == year]
            parts = []
            for name, people in zip(rows[column], rows["people"], strict=True):
                key = (kind, year, name)
                values[key] = int(people)
                parts.append(key)
            relations.append(privacy.Relation(("unique_people", str(year)), tuple(parts), breakdown=True))
    for row in pairs.itertuples():
        key = ("pair", row.partner_a, row.partner_b)
        values[key] = int(row.events)
        bounds.append(privacy.AtMost(key, ("events", ALL)))

    protection = privacy.protect(values, relations, bounds, limit, cost)

    shown = figures[["period", "year", *COVERAGE]].copy()
    for measure in COUNTED:
        shown[measure] = [protection.label((measure, p)) for p in figures["period"]]
        shown[f"{measure}_value"] = [protection.published((measure, p)) for p in figures["period"]]

    def table(kind: str, frame: pd.DataFrame, column: str) -> dict[int, pd.DataFrame]:
        out = {}
        for year in years:
            rows = frame[frame["year"] == year]
            keys = [(kind, year, name) for name in rows[column]]
            visible = [k for k in keys if protection.status[k] is not privacy.Status.WITHHELD]
            out[year] = pd.DataFrame(
                {
                    column: [k[2] for k in visible],
                    "people": [protection.label(k) for k in visible],
                    "people_value": [protection.published(k) for k in visible],
                }
            )
        return out

    withheld_years = {y for y in years if protection.status[("unique_people", str(y))] is privacy.Status.SMALL}
    pair_keys = [("pair", a, b) for a, b in zip(pairs["partner_a"], pairs["partner_b"], strict=True)]
    return Report(
        scope=scope,
        threshold=limit,
        figures=shown,
        languages=table("language", languages, "language"),
        neighborhoods=table("neighborhood", neighborhoods, "neighborhood"),
        pairs=pd.DataFrame(
            {
                "partner_a_name": pairs["partner_a_name"].tolist(),
                "partner_b_name": pairs["partner_b_name"].tolist(),
                "events": [protection.label(k) for k in pair_keys],
                "events_value": [protection.published(k) for k in pair_keys],
            }
        ),
        withheld_years=withheld_years,
        suppressed=len(protection.suppressed),
        partner_names=_partner_names(scope, run),
    )


def _partner_names(scope: PublicScope, run: Runner) -> tuple[str, ...]:
    """The scope's partners as the reader reads them (labels.partner_name), in alphabetical order."""
    if not scope.partners:
        return ()
    names = labels.partner_names(run("partner_names"))
    return tuple(sorted(names[p] for p in scope.partners if p in names))


def trend_chart(frame: pd.DataFrame, title: str, names: dict[str, str], y_title: str) -> go.Figure:
    """Unique people and contacts by year, from published numbers only.

    A suppressed count draws no bar (its value is not in the figure at all); its label
    ("<11" or "—") is written where the bar would be.
    """
    fig = go.Figure()
    for position, (measure, name) in enumerate(names.items()):
        fig.add_bar(
            x=frame["year_label"].tolist(),
            y=[0 if v is None or pd.isna(v) else int(v) for v in frame[f"{measure}_value"]],
            text=frame[measure].tolist(),
            textposition="outside",
            cliponaxis=False,
            name=name,
            marker_color=charts.PALETTE[position],
            hovertemplate=f"{name}: %{{text}}<extra></extra>",
        )
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        font={"family": charts.font_family()},
        barmode="group",
        yaxis_title=y_title,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        separators=".,",
    )
    fig.update_xaxes(type="category")
    fig.update_yaxes(rangemode="tozero", tickformat=",d")
    return fig
