"""Targets and milestones: what the coalition set out to do, how far it has come, and the moments
that explain a chart. The rules are defined here once: what a target's actual is, the pace
expected by now, when a target is on track, which targets a card or a chart shows.

- A target's **actual** is its metric counted exactly as the KPI cards count it (queries/kpis.sql;
  survey responses: queries/survey_response_count.sql; a partner's contacts: queries/contacts_by_partner.sql,
  which counts them as kpis.sql does with that partner chosen), over the target's period up to *now*, for
  its partner or the whole coalition.
- **Now** is the latest day with data, never after today (as every period counts from it,
  impact.periods): a month not loaded yet must not read as falling behind.
- The **pace expected by now** is the target spread evenly over the period's days: after 73 of
  365 days, a fifth of it. A count of categories (languages served, neighborhoods, partners) has
  no pace: the third language is not a third of the way to nine, so such a target is only met,
  missed or under way.
- A target is **met** once the actual reaches it; **on track** while the actual is at least the
  pace; **behind** while it is below; **missed** when the period ended short of it; **not
  started** before its period begins.
- A card or a chart shows the targets that match what it counts: the coalition's targets when no
  filter narrows it, one partner's when only that partner is chosen, none when a language or a
  neighborhood is (targets are not set per language).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from impact import db, labels, metrics, periods, vocab
from impact.i18n import N_, _, format_date, format_number, format_percent
from impact.ingest import targets as saved_targets
from impact.roles import DIRECTORS, User

Runner = metrics.Runner

# The KPI (queries/kpis.sql) each metric is counted as; survey responses have their own query, and a
# partner's contacts are read from every partner's at once (contacts_by_partner, counted as kpis.sql counts them).
METRIC_KPI = {
    "unique_people": "unique_people",
    "contacts": "contacts",
    "events": "events_held",
    "event_attendance": "event_attendance",
    "languages_served": "languages_served",
    "neighborhoods_reached": "neighborhoods_reached",
    "active_partners": "active_partners",
    "officials_meetings": "officials_meetings",
}
assert set(METRIC_KPI) | {"survey_responses"} == set(vocab.TARGET_METRICS)
# Metrics whose months add up to the period's (a monthly chart can show a share of the target).
ADDS_UP = frozenset({"contacts", "events", "event_attendance", "officials_meetings", "survey_responses"})
# Counts of categories: no pace (see the module's docstring).
COUNTS_CATEGORIES = frozenset({"languages_served", "neighborhoods_reached", "active_partners"})
# Metrics a target of which can be followed month by month (so far, against the pace).
FOLLOWED_MONTHLY = ADDS_UP | {"unique_people"}
SaveRefused = saved_targets.SaveRefused
EDITOR_COLUMNS = saved_targets.COLUMNS  # metric, period_start, period_end, target, partner_id, label
WHOLE_COALITION = ""  # the table's partner for a target of the whole coalition (an empty partner_id)

MET, ON_TRACK, BEHIND, UNDER_WAY, MISSED, NOT_STARTED = (
    "met",
    "on_track",
    "behind",
    "under_way",
    "missed",
    "not_started",
)
STATUS_LABELS = {
    MET: N_("Met"),
    ON_TRACK: N_("On track"),
    BEHIND: N_("Behind"),
    UNDER_WAY: N_("Under way"),
    MISSED: N_("Missed"),
    NOT_STARTED: N_("Not started"),
}
DEFINITIONS = metrics.Kpi(
    "goals",
    N_("Progress against targets"),
    N_(
        "Actual: the target's measure counted as the overview's cards count it, from the period's first day to "
        "the latest day with data (never after today). Pace expected by now: the target spread evenly over the "
        "period's days. On track: the actual is at least that pace; behind: it is not; met: the actual has "
        "reached the target. Languages, neighborhoods and partners are counted once each, so their targets "
        "have no pace: they are met, missed or under way."
    ),
)


def metric_label(metric: str) -> str:
    """What a target measures, in the reader's language ("Unique people reached")."""
    return labels.label("metric", metric)


def status_label(status: str) -> str:
    return _(STATUS_LABELS[status])


# --- targets ----------------------------------------------------------------------------------


def current_targets(run: Runner = db.run_query) -> pd.DataFrame:
    """The targets in force (queries/targets.sql), with their dates as dates."""
    frame = run("targets")
    return frame.assign(
        period_start=[pd.Timestamp(d).date() for d in frame["period_start"]],
        period_end=[pd.Timestamp(d).date() for d in frame["period_end"]],
    )


def now(run: Runner = db.run_query, today: date | None = None) -> date:
    """The day progress is measured at: the latest day with data, never after today."""
    today = today or date.today()
    last_day = metrics.data_extent(run)["last_day"]
    return min(today, last_day) if last_day is not None else today


def actual(metric: str, start: date, end: date, partner: str | None, run: Runner = db.run_query) -> int:
    """The metric from `start` to `end` for one partner (None: the whole coalition), counted as the
    KPI cards count it; 0 for a period that has not begun."""
    if end < start:
        return 0
    scope = metrics.Scope(start, end, partners=(partner,) if partner else None)
    if metric == "survey_responses":
        return int(run("survey_response_count", **scope.params())["responses"].iloc[0])
    if metric == "contacts" and partner:  # every partner's at once: partners' targets share their periods
        found = run("contacts_by_partner", start=start, end=end)
        return int(found.loc[found["partner_id"] == partner, "contacts"].sum())
    return metrics.kpis(scope, run)[METRIC_KPI[metric]]


def expected_by(target: float, start: date, end: date, day: date) -> float:
    """The pace: how much of `target` is expected by the end of `day`, spread evenly over the days."""
    if day < start:
        return 0.0
    days = (end - start).days + 1
    return target * min((day - start).days + 1, days) / days


@dataclass(frozen=True)
class Progress:
    """One target and how far the coalition (or its partner) has come by `as_of`."""

    metric: str
    period_start: date
    period_end: date
    target: int
    partner_id: str | None
    partner_name: str | None
    label: str | None
    as_of: date
    actual: int
    expected: float | None  # the pace expected by as_of; None for counts of categories
    status: str

    @property
    def share(self) -> float | None:
        """The actual as a share of the target (None for a target of 0)."""
        return self.actual / self.target if self.target else None

    @property
    def name(self) -> str:
        """The target as people call it: its label, else its period ("2026", "Jul 1, 2025 – Jun 30, 2026")."""
        return self.label or period_name(self.period_start, self.period_end)


def period_name(start: date, end: date) -> str:
    """A calendar year as "2026"; any other period as its first and last day."""
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return format_date(start, "year")
    return _("{start} – {end}").format(start=format_date(start), end=format_date(end))


def status_of(metric: str, target: int, start: date, end: date, as_of: date, value: int) -> tuple[float | None, str]:
    """(the pace expected by as_of, the status) of a target whose actual is `value`."""
    expected = None if metric in COUNTS_CATEGORIES else expected_by(target, start, end, as_of)
    if as_of < start:
        return expected, NOT_STARTED
    if value >= target:
        return expected, MET
    if as_of >= end:
        return expected, MISSED
    if expected is None:
        return expected, UNDER_WAY
    return expected, ON_TRACK if value >= expected else BEHIND


def progress_of(row: Any, as_of: date, run: Runner = db.run_query, until: date | None = None) -> Progress:
    """A targets.sql row's progress by `as_of` (its actual counted up to `until`, default as_of)."""
    start, end = row.period_start, row.period_end
    partner = row.partner_id if isinstance(row.partner_id, str) else None
    last = min(end, until or as_of)
    value = actual(row.metric, start, last, partner, run)
    expected, status = status_of(row.metric, int(row.target), start, end, min(as_of, last), value)
    return Progress(
        metric=row.metric,
        period_start=start,
        period_end=end,
        target=int(row.target),
        partner_id=partner,
        partner_name=row.partner_name if isinstance(row.partner_name, str) else None,
        label=row.label if isinstance(row.label, str) and row.label else None,
        as_of=min(as_of, end),
        actual=value,
        expected=expected,
        status=status,
    )


def progress(run: Runner = db.run_query, today: date | None = None) -> list[Progress]:
    """Every target in force, with its actual, pace and status by now."""
    as_of = now(run, today)
    return [progress_of(row, as_of, run) for row in current_targets(run).itertuples(index=False)]


def partner_progress(scope: metrics.Scope, run: Runner = db.run_query, today: date | None = None) -> list[Progress]:
    """The targets of single partners (the chosen ones, or all) whose period overlaps the scope's,
    with their progress by now (the Partner activity page)."""
    targets = current_targets(run)
    found = targets[
        targets["partner_id"].notna() & (targets["period_start"] <= scope.end) & (targets["period_end"] >= scope.start)
    ]
    if scope.partners:
        found = found[found["partner_id"].isin(scope.partners)]
    as_of = now(run, today)
    return [progress_of(row, as_of, run) for row in found.itertuples(index=False)]


def chart_frame(found: pd.DataFrame) -> pd.DataFrame:
    """A progress_frame as charts.progress_bars draws it: a label per target (its measure, partner and
    name; the name alone stays as `target_name`), the actual and the pace as shares of the target, and
    the counts in words ("3,120 of 5,000")."""
    return found.assign(
        target_name=found["label"],
        label=[
            " · ".join(part for part in (m, p, n) if part)
            for m, p, n in zip(found["metric_name"], found["partner_name"], found["label"], strict=True)
        ],
        expected_share=[
            None if pd.isna(e) or not t else float(e) / float(t)
            for e, t in zip(found["expected"], found["target"], strict=True)
        ],
        text=[
            _("{actual} of {target}").format(actual=format_number(a), target=format_number(t))
            for a, t in zip(found["actual"], found["target"], strict=True)
        ],
    )


def progress_frame(found: Sequence[Progress]) -> pd.DataFrame:
    """Progress as a table (one row per target; the Goals page shows it)."""
    return pd.DataFrame(
        {
            "metric": [p.metric for p in found],
            "metric_name": [metric_label(p.metric) for p in found],
            "partner_id": pd.array([p.partner_id for p in found], dtype="string"),
            "partner_name": [p.partner_name if p.partner_id else _("Whole coalition") for p in found],
            "label": [p.name for p in found],
            "period_start": [p.period_start for p in found],
            "period_end": [p.period_end for p in found],
            "target": pd.array([p.target for p in found], dtype="Int64"),
            "actual": pd.array([p.actual for p in found], dtype="Int64"),
            "share": pd.array([p.share for p in found], dtype="Float64"),
            "expected": pd.array([None if p.expected is None else round(p.expected) for p in found], dtype="Int64"),
            "expected_text": ["–" if p.expected is None else format_number(round(p.expected)) for p in found],
            "status": [p.status for p in found],
            "status_name": [status_label(p.status) for p in found],
            "as_of": [p.as_of for p in found],
        }
    )


def applies_to(targets: pd.DataFrame, scope: metrics.Scope) -> pd.DataFrame:
    """The targets that count what `scope` counts: the coalition's without filters, one partner's when
    only it is chosen, none when languages or neighborhoods narrow the scope."""
    if scope.languages or scope.neighborhoods:
        return targets.iloc[0:0]
    if not scope.partners:
        return targets[targets["partner_id"].isna()]
    if len(scope.partners) == 1:
        return targets[targets["partner_id"] == scope.partners[0]]
    return targets.iloc[0:0]


def covering(
    metric: str, targets: pd.DataFrame, scope: metrics.Scope, as_of: date, run: Runner = db.run_query
) -> Progress | None:
    """The target of `metric` whose period holds the scope's whole period (the shortest such, then
    the latest), with its progress up to the scope's end; None when there is none."""
    found = applies_to(targets, scope)
    found = found[
        (found["metric"] == metric) & (found["period_start"] <= scope.start) & (found["period_end"] >= scope.end)
    ]
    if found.empty:
        return None
    found = found.assign(days=[(e - s).days for s, e in zip(found["period_start"], found["period_end"], strict=True)])
    row = next(found.sort_values(["days", "period_start"], ascending=[True, False]).itertuples(index=False))
    return progress_of(row, as_of, run, until=scope.end)


def card_progress(scope: metrics.Scope, run: Runner = db.run_query, today: date | None = None) -> dict[str, Progress]:
    """KPI card key -> the progress of the target that covers the scope's period, for the cards
    that have one (the overview's "62% of the 2026 target of 5,000")."""
    targets = current_targets(run)
    if targets.empty:
        return {}
    as_of = now(run, today)
    found = {}
    for metric, kpi in METRIC_KPI.items():
        covered = covering(metric, targets, scope, as_of, run)
        if covered is not None:
            found[kpi] = covered
    return found


def card_text(found: Progress) -> str:
    """'62% of the City grant 2026 target of 5,000' (a KPI card's line under its number)."""
    share = found.share
    return _("{share} of the {name} target of {target}").format(
        share=format_percent(share, 0) if share is not None else "–",
        name=found.name,
        target=format_number(found.target),
    )


def goal_lines(
    metric: str, targets: pd.DataFrame, scope: metrics.Scope, months: Iterable[date], cumulative: bool = False
) -> pd.DataFrame:
    """Each applicable target of `metric` as a goal per month of the chart: the share of the target that
    falls in the month's days (of the period, within the scope), or, `cumulative`, the pace expected
    by the month's end. Columns: month, goal, name (the target's name). No rows when none applies, or
    when the months of a metric that does not add up would be compared with a share of its target."""
    rows: list[dict[str, Any]] = []
    if not cumulative and metric not in ADDS_UP:
        return pd.DataFrame(rows, columns=["month", "goal", "name"])
    found = applies_to(targets, scope)
    found = found[
        (found["metric"] == metric) & (found["period_start"] <= scope.end) & (found["period_end"] >= scope.start)
    ]
    days_of = lambda a, b: max(0, (b - a).days + 1)  # noqa: E731 - days from a to b, both included
    for row in found.itertuples(index=False):
        name = row.label if isinstance(row.label, str) and row.label else period_name(row.period_start, row.period_end)
        period_days = days_of(row.period_start, row.period_end)
        for month in months:
            first, last = month, periods.month_end(month)
            if cumulative:
                if last < row.period_start or first > row.period_end:
                    continue
                goal = expected_by(row.target, row.period_start, row.period_end, min(last, row.period_end))
            else:
                covered = days_of(max(first, row.period_start, scope.start), min(last, row.period_end, scope.end))
                if covered == 0:
                    continue
                goal = row.target * covered / period_days
            rows.append({"month": pd.Timestamp(month), "goal": goal, "name": name})
    return pd.DataFrame(rows, columns=["month", "goal", "name"])


@dataclass(frozen=True)
class MonthlyProgress:
    actual: pd.DataFrame  # month, cumulative (empty after the latest day with data)
    pace: pd.DataFrame  # month, goal, name: the pace expected by each month's end


def monthly_progress(row: Any, as_of: date, run: Runner = db.run_query) -> MonthlyProgress:
    """A target followed month by month: its actual from the period's first day to each month's end,
    and the pace expected by then. `row`: a progress_frame row of a FOLLOWED_MONTHLY metric."""
    start, end = row.period_start, row.period_end
    partner = row.partner_id if isinstance(row.partner_id, str) else None
    last = min(end, as_of)
    months = [m.date() for m in pd.date_range(periods.month_start(start), end, freq="MS")]
    frame = pd.DataFrame({"month": pd.to_datetime(months)})
    if last >= start:
        scope = metrics.Scope(start, last, partners=(partner,) if partner else None)
        if row.metric == "unique_people":
            counted = run("cumulative_people_by_month", **scope.params()).rename(
                columns={"unique_people": "cumulative"}
            )
        else:
            if row.metric == "survey_responses":
                monthly = run("survey_responses_by_month", **scope.params()).rename(columns={"responses": "value"})
            else:
                monthly = metrics.kpis_by_month(scope, run).rename(columns={METRIC_KPI[row.metric]: "value"})
            counted = monthly.assign(cumulative=monthly["value"].fillna(0).cumsum())
        counted = counted.assign(month=pd.to_datetime(counted["month"]))[["month", "cumulative"]]
        frame = frame.merge(counted, on="month", how="left")
    else:
        frame = frame.assign(cumulative=pd.NA)
    frame["cumulative"] = frame["cumulative"].astype("Int64")
    targets = pd.DataFrame(
        [
            {
                "metric": row.metric,
                "period_start": start,
                "period_end": end,
                "target": int(row.target),
                "partner_id": partner,
                "label": row.label,
            }
        ]
    )
    whole = metrics.Scope(start, end, partners=(partner,) if partner else None)
    return MonthlyProgress(frame, goal_lines(row.metric, targets, whole, months, cumulative=True))


def editable_targets(run: Runner = db.run_query) -> pd.DataFrame:
    """The targets in force as the Goals page's table edits them: the contract's columns."""
    found = current_targets(run)
    return pd.DataFrame(
        {
            "metric": pd.Series(found["metric"], dtype="string"),
            # days as datetime64, so that the table's date columns work for an empty set too
            "period_start": pd.to_datetime(pd.Series(list(found["period_start"]), dtype="object")),
            "period_end": pd.to_datetime(pd.Series(list(found["period_end"]), dtype="object")),
            "target": pd.Series(found["target"], dtype="Int64"),
            "partner_id": pd.Series(found["partner_id"], dtype="string").fillna(WHOLE_COALITION),
            "label": pd.Series(found["label"], dtype="string"),
        },
        columns=list(EDITOR_COLUMNS),
    ).reset_index(drop=True)


def editor_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The table's rows as a save writes them (a row left empty is no row); compared to tell
    whether anything was changed."""
    rows = []
    for record in frame.to_dict("records"):
        row = {name: _plain(record.get(name)) for name in EDITOR_COLUMNS}
        if any(value is not None for value in row.values()):
            rows.append(row)
    return rows


def _plain(value: Any) -> Any:
    """A cell of the table as plain Python: None for empty, a date for a day, an int for a whole number."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip() or None
    if hasattr(value, "item"):  # numpy numbers
        return value.item()
    return value


def year_pace(metric: str, targets: pd.DataFrame, scope: metrics.Scope, year: int) -> pd.DataFrame:
    """The pace of each applicable target of `metric` set for calendar year `year` (its period inside
    the year), at the end of each of the year's months: the goal line of a year-to-date chart."""
    found = applies_to(targets, scope)
    within = pd.Series(
        [s.year == year and e.year == year for s, e in zip(found["period_start"], found["period_end"], strict=True)],
        index=found.index,
        dtype=bool,
    )
    found = found[(found["metric"] == metric) & within]
    months = [date(year, month, 1) for month in range(1, 13)]
    whole = metrics.Scope(date(year, 1, 1), date(year, 12, 31), scope.partners, scope.languages, scope.neighborhoods)
    return goal_lines(metric, found, whole, months, cumulative=True)


def save_targets(
    rows: Sequence[dict[str, Any]],
    user: User,
    expected_version: str,
    *,
    database: Any = None,
    today: date | None = None,
) -> Any:
    """Save the Goals page's table as the new set of targets (ingest.targets.replace_targets), for
    directors and administrators only (checked here, not only on the page)."""
    if user.role not in DIRECTORS:
        raise PermissionError(_("Only directors and administrators may change the targets."))
    return saved_targets.replace_targets(
        rows, by=user.name, expected_version=expected_version, database=database, today=today
    )


def targets_version(database: Any = None) -> str:
    """Which targets batches are loaded (a save names the version it started from)."""
    return saved_targets.version(database)


# --- milestones -------------------------------------------------------------------------------


def milestones(scope: metrics.Scope, run: Runner = db.run_query) -> pd.DataFrame:
    """The milestones of the scope's period that concern its partners (queries/milestones.sql)."""
    return run("milestones", **scope.params())


def milestone_marks(frame: pd.DataFrame, partner_names: dict[str, str]) -> pd.DataFrame:
    """Milestones as a chart marks them: month, day, title, kind and the partners by name."""

    def named(ids: Any) -> str:
        if ids is None or (not isinstance(ids, list | tuple) and getattr(ids, "ndim", 0) != 1):
            return ""
        return ", ".join(partner_names.get(pid, pid) for pid in ids)

    return pd.DataFrame(
        {
            "month": [pd.Timestamp(m) for m in frame["month"]],
            "date": [pd.Timestamp(d).date() for d in frame["date"]],
            "title": list(frame["title"]),
            "kind": list(frame["kind"]),
            "kind_name": [labels.label("milestone_kind", k) for k in frame["kind"]],
            "partners": [named(ids) for ids in frame["partner_ids"]],
            "public": list(frame["public"]),
        }
    )


def public_milestones(
    start: date, end: date, run: Runner = db.run_query, partners: Sequence[str] | None = None
) -> pd.DataFrame:
    """For the public impact page: the milestones marked public between `start` and `end`, their date,
    title and kind only (queries/public_milestones.sql). Nothing else of a milestone leaves the server.
    With `partners` (a share link's), only the coalition's own and those of these partners alone."""
    frame = run("public_milestones", start=start, end=end, partners=list(partners) if partners else None)
    return frame[["date", "title", "kind"]]
