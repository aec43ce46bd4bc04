"""The public impact page's content: what it covers, its figures, and what may be shown of them.

Everything the public page shows is computed here on the server and passed through
`impact.privacy.protect` as one table set, so that no small count can be worked out from
the headline, the yearly trend (the year so far included), the breakdowns, the
collaboration between partners or the survey answers, across every year a visitor can
select. The page (pages/5_impact.py) and the other outputs (the PDF brief, the static site)
only draw the result (impact.public_view): display labels and published numbers, never rows
of data.

**Computed when the data changes, not when someone visits.** The protected report of the open
page and of every active share link's scope is built after each load and each undo
(`refresh_reports`, called by impact.ingest through `ingest.batches.on_change`) and stored in
the database (table `public_reports`) as JSON, with the data version it was built from
(`data_version`: the latest batch and how many batches are loaded and undone, which every load
and every undo changes). A visit reads the stored report (`stored_report`); only when none
matches the current data (a database from before, a new month, a changed threshold) is it built,
once, stored and logged.

What is counted, and how it is protected:

- People, contacts, events and meetings with officials: counts of people or records,
  suppressed below the threshold, with complementary suppression.
- Languages served, neighborhoods reached and active partners: counts of named
  categories, not of people or records; they are shown as they are.
- People by language and by neighborhood: each person once a year, in their main
  language / neighborhood (where most of their contacts that year were), so the rows add
  up exactly to the year's unique people. Language and neighborhood names outside the
  coalition's lists (free text as typed by staff) are grouped as "Other"; beyond a year's
  ten largest neighborhoods, the rest are one row, "Other neighborhoods".
- Events two partners held together (both inside the scope): each pair at most the events.
- Survey answers of the scope's responses per year: each answer's count, adding up to the
  responses that answered the question (a question answered by too few is not broken down).
- Public milestones: date, title and kind only.

Every year of the period is a calendar year clipped to the period; the open page's period runs
from the first year of data to the end of the last complete month the data reaches (the year so
far), so the year to date is part of the all-years totals and protected with them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from impact import config, db, goals, labels, privacy, vocab
from impact.i18n import N_
from impact.ingest import batches

Runner = Callable[..., pd.DataFrame]
COUNTED = ("unique_people", "contacts", "events", "officials_meetings")  # suppressed measures
COVERAGE = ("languages_served", "neighborhoods_reached", "active_partners")  # shown as they are
# How we work together (queries/impact_working_together.sql): counts of events, protected with the
# rest; the languages the partners' staff spoke is a count of named categories, like COVERAGE.
TOGETHER = ("events_together", "town_halls")
STAFF_LANGUAGES = "staff_languages"
ALL = "all"
OTHER_LANGUAGE = "Other"
OTHER_NEIGHBORHOOD = N_("Other neighborhoods")
NOT_RECORDED = N_("Not recorded")
TRANSLATED_GROUPS = frozenset({OTHER_NEIGHBORHOOD, NOT_RECORDED})  # group names the page translates
TOP_NEIGHBORHOODS = 10  # a year's largest neighborhoods shown by name; the rest are "Other neighborhoods"
SURVEY_QUESTIONS = ("felt_safer", "knows_where_to_get_help", "trusts_organization", "satisfied", "would_recommend")
REPORT_FORMAT = 5  # the stored JSON's shape: a report stored in another shape is built again
OPEN_PAGE = "open"  # the stored report of the page without a share link
# How much showing a cell is worth: hide a breakdown cell before a year, a year before a total.
_COST = {"total": 1000.0, "year": 100.0, "cell": 1.0}
log = logging.getLogger(__name__)


def threshold() -> int:
    """Counts from 1 to this are shown as "<N+1": $IMPACT_SUPPRESSION_THRESHOLD, default 10."""
    return int(config.number_setting("IMPACT_SUPPRESSION_THRESHOLD", privacy.DEFAULT_THRESHOLD, minimum=1))


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

    def whole_year(self, year: int) -> bool:
        return self.year_span(year) == (date(year, 1, 1), date(year, 12, 31))

    def key(self, limit: int) -> str:
        """The stored report's key: everything the report's numbers depend on besides the data."""
        return json.dumps(
            {
                "format": REPORT_FORMAT,
                "start": self.start.isoformat(),
                "end": self.end.isoformat(),
                "partners": list(self.partners) if self.partners else None,
                "shared": self.shared,
                "threshold": limit,
            },
            sort_keys=True,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "partners": list(self.partners) if self.partners else None,
            "shared": self.shared,
        }

    @classmethod
    def from_dict(cls, found: dict[str, Any]) -> PublicScope:
        partners = found.get("partners")
        return cls(
            date.fromisoformat(found["start"]),
            date.fromisoformat(found["end"]),
            tuple(partners) if partners else None,
            bool(found.get("shared")),
        )


def last_complete_year(last_day: date | None, today: date) -> int | None:
    """The latest calendar year that has ended (before today) and that the data reaches.

    Data that ends on December 28 of a year that is over counts as that year's data: a
    quiet last week is not a missing one. A year still under way never counts.
    """
    if last_day is None:
        return None
    return min(last_day.year, today.year - 1)


def _month_end(day: date) -> date:
    following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def last_complete_month_end(last_day: date | None, today: date) -> date | None:
    """The last day of the latest month that has ended (before today) and that the data reaches.

    As for years, data that ends on November 28 counts as November's; the month still under way
    never counts. None without data.
    """
    if last_day is None:
        return None
    before_this_month = date(today.year, today.month, 1) - timedelta(days=1)
    return min(_month_end(last_day), before_this_month)


def public_scope(first_day: date | None, last_day: date | None, today: date) -> PublicScope | None:
    """The open page: every partner, from the first calendar year of the data to the end of the last
    complete month it reaches (the current year so far, when that month is in it); None if not even
    one month is complete."""
    end = last_complete_month_end(last_day, today)
    if first_day is None or end is None or end < first_day:
        return None
    return PublicScope(date(first_day.year, 1, 1), end)


def shared_scope(
    start: date, end: date, partners: tuple[str, ...] | None, last_day: date | None, today: date | None = None
) -> PublicScope:
    """A share link's scope, ending at the end of the last complete month of data (as the open page
    does) if the link reaches beyond it. Not at the data's last day: a funder who opened the link
    after each day's load could subtract one day's figures from the next and read a small count."""
    cut = last_complete_month_end(last_day, today or date.today())
    if cut is not None and cut < end:
        end = max(start, cut)
    return PublicScope(start, end, partners or None, shared=True)


@dataclass
class Report:
    """The protected report: every number the public page (and the brief, and the static site) shows,
    as published labels ("1,234", "<11", "—") beside the exact value where it may be shown (None
    where it may not). Language-independent: partners are stored by id with both names, categories
    by their canonical values; impact.public_view labels them for a reader."""

    scope: PublicScope
    threshold: int
    figures: pd.DataFrame  # one row per period ('all' and each year): labels and published numbers
    languages: dict[int, pd.DataFrame]  # year -> language, people (label), people_value
    neighborhoods: dict[int, pd.DataFrame]  # year -> neighborhood, people (label), people_value
    pairs: pd.DataFrame  # partner_a, partner_b, events (label), events_value
    withheld_years: set[int] = field(default_factory=set)  # years too small to break down
    suppressed: int = 0  # how many cells are not shown exactly
    partners: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["partner_id", "name", "name_zh"]))
    survey: pd.DataFrame = field(  # year, question, answer, responses (label), responses_value; shown questions
        default_factory=lambda: pd.DataFrame(columns=["year", "question", "answer", "responses", "responses_value"])
    )
    survey_totals: pd.DataFrame = field(  # year, question, responses (label), responses_value, shown (broken down)
        default_factory=lambda: pd.DataFrame(columns=["year", "question", "responses", "responses_value", "shown"])
    )
    milestones: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["date", "title", "kind"]))
    data_version: str = ""  # what it was built from (data_version())
    built_at: datetime | None = None  # when (UTC)
    is_demo: bool = False  # the data is the demo's (the page says so)
    first_day: date | None = None  # the data's first and last day when it was built (data_extent)
    last_day: date | None = None

    def period(self, period: str) -> pd.Series:
        return self.figures.loc[self.figures["period"] == period].iloc[0]

    def partner_name(self, partner_id: str) -> str:
        """A partner as the reader reads it (labels.partner_name: its Chinese name on Chinese pages)."""
        rows = zip(self.partners["partner_id"], self.partners["name"], self.partners["name_zh"], strict=True)
        for found, name, name_zh in rows:
            if found == partner_id:
                return labels.partner_name(name, name_zh)
        return partner_id

    @property
    def partner_names(self) -> tuple[str, ...]:
        """The scope's partners as the reader reads them, in alphabetical order (empty: all partners)."""
        if not self.scope.partners:
            return ()
        known = set(self.partners["partner_id"])
        return tuple(sorted(self.partner_name(p) for p in self.scope.partners if p in known))


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


def _top_neighborhoods(frame: pd.DataFrame, limit: int) -> pd.DataFrame:
    """Per year, the TOP_NEIGHBORHOODS largest named neighborhoods (of more than `limit` people: a
    small one is never singled out) by name; the rest together as "Other neighborhoods". Decided
    on the exact counts before protection, so "Other neighborhoods" is a cell like any other."""
    if frame.empty:
        return frame
    parts = []
    for _year, rows in frame.groupby("year", sort=True):
        named = rows[~rows["neighborhood"].isin(TRANSLATED_GROUPS) & (rows["people"] > limit)]
        top = named.sort_values(["people", "neighborhood"], ascending=[False, True]).head(TOP_NEIGHBORHOODS)
        rest = rows["neighborhood"].where(
            rows["neighborhood"].isin(top["neighborhood"]) | (rows["neighborhood"] == NOT_RECORDED),
            OTHER_NEIGHBORHOOD,
        )
        parts.append(rows.assign(neighborhood=rest))
    merged = pd.concat(parts, ignore_index=True)
    return merged.groupby(["year", "neighborhood"], as_index=False)["people"].sum()


def build_report(scope: PublicScope, run: Runner, limit: int | None = None) -> Report:
    """Query the scope's figures and decide, for all of them at once, what may be shown."""
    limit = threshold() if limit is None else limit
    params = scope.params()
    figures = run("impact_figures", **params)
    languages = _group(run("impact_people_by_language", **params), "language", vocab.LANGUAGES, OTHER_LANGUAGE, None)
    neighborhoods = _top_neighborhoods(
        _group(
            run("impact_people_by_neighborhood", **params),
            "neighborhood",
            vocab.NEIGHBORHOODS,
            OTHER_NEIGHBORHOOD,
            NOT_RECORDED,
        ),
        limit,
    )
    pairs = run("impact_cohost_pairs", **params)
    answers = run("public_survey_answers", **params)
    together = _working_together(scope, figures, run)

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
    # how we work together: each a part of the period's events, the years adding up to all years;
    # the events held together over all years are the union of the pairs' events
    for row in together.itertuples():
        for measure in TOGETHER:
            key = (measure, row.period)
            values[key] = int(getattr(row, measure))
            cost[key] = _COST["cell"] * 10
            bounds.append(privacy.AtMost(key, ("events", row.period)))
    for measure in TOGETHER:
        relations.append(privacy.Relation((measure, ALL), tuple((measure, str(y)) for y in years)))
    if not pairs.empty:
        pair_parts = tuple(("pair", a, b) for a, b in zip(pairs["partner_a"], pairs["partner_b"], strict=True))
        relations.append(privacy.Relation(("events_together", ALL), pair_parts, False))
    # survey answers: each (year, question) total is the sum of its answers; a small total is not
    # broken down (privacy withholds the breakdown), so a handful of people are never read one by one
    survey_keys: dict[tuple[int, str], list[tuple]] = {}
    for row in answers.itertuples():
        key = ("answer", int(row.year), row.question, row.answer)
        values[key] = int(row.responses)
        survey_keys.setdefault((int(row.year), row.question), []).append(key)
    for (year, question), parts in survey_keys.items():
        total = ("responses", year, question)
        values[total] = sum(values[p] for p in parts)
        cost[total] = _COST["year"]
        relations.append(privacy.Relation(total, tuple(parts), breakdown=True))

    protection = privacy.protect(values, relations, bounds, limit, cost)

    shown = figures[["period", "year", *COVERAGE]].copy()
    for measure in (*COUNTED, *TOGETHER):
        shown[measure] = [protection.label((measure, p)) for p in figures["period"]]
        shown[f"{measure}_value"] = [protection.published((measure, p)) for p in figures["period"]]
    shown[STAFF_LANGUAGES] = together[STAFF_LANGUAGES].tolist()

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
    totals = sorted(survey_keys)
    survey_rows = [k for t in totals for k in survey_keys[t] if protection.status[k] is not privacy.Status.WITHHELD]
    named = _partners(scope, pairs, run)
    extent = run("data_extent").iloc[0]
    report = Report(
        scope=scope,
        threshold=limit,
        figures=shown,
        languages=table("language", languages, "language"),
        neighborhoods=table("neighborhood", neighborhoods, "neighborhood"),
        pairs=pd.DataFrame(
            {
                "partner_a": pairs["partner_a"].tolist(),
                "partner_b": pairs["partner_b"].tolist(),
                "events": [protection.label(k) for k in pair_keys],
                "events_value": [protection.published(k) for k in pair_keys],
            }
        ),
        withheld_years=withheld_years,
        suppressed=len(protection.suppressed),
        partners=named,
        survey=pd.DataFrame(
            {
                "year": [k[1] for k in survey_rows],
                "question": [k[2] for k in survey_rows],
                "answer": [k[3] for k in survey_rows],
                "responses": [protection.label(k) for k in survey_rows],
                "responses_value": [protection.published(k) for k in survey_rows],
            }
        ),
        survey_totals=pd.DataFrame(
            {
                "year": [y for y, _q in totals],
                "question": [q for _y, q in totals],
                "responses": [protection.label(("responses", y, q)) for y, q in totals],
                "responses_value": [protection.published(("responses", y, q)) for y, q in totals],
                "shown": [protection.status[("responses", y, q)] is not privacy.Status.SMALL for y, q in totals],
            }
        ),
        milestones=goals.public_milestones(scope.start, scope.end, run, scope.partners).reset_index(drop=True),
        data_version=data_version(run),
        built_at=datetime.now(UTC).replace(tzinfo=None),
        is_demo=bool(extent["is_demo"]),
        first_day=None if pd.isna(extent["first_day"]) else pd.Timestamp(extent["first_day"]).date(),
        last_day=None if pd.isna(extent["last_day"]) else pd.Timestamp(extent["last_day"]).date(),
    )
    return from_json(to_json(report))  # exactly what a visit reads back from the store


def _working_together(scope: PublicScope, figures: pd.DataFrame, run: Runner) -> pd.DataFrame:
    """How the scope's partners worked together in each period of `figures` (all years, each year):
    events held together, town halls and community meetings, languages their staff spoke."""
    rows = []
    for period, year in zip(figures["period"], figures["year"], strict=True):
        start, end = (scope.start, scope.end) if period == ALL else scope.year_span(int(year))
        found = run("impact_working_together", start=start, end=end, partners=scope.params()["partners"])
        rows.append({"period": period, **{k: int(found.iloc[0][k]) for k in (*TOGETHER, STAFF_LANGUAGES)}})
    return pd.DataFrame(rows, columns=["period", *TOGETHER, STAFF_LANGUAGES])


def _partners(scope: PublicScope, pairs: pd.DataFrame, run: Runner) -> pd.DataFrame:
    """The partners the report names (the scope's and those of the pairs), with both their names."""
    wanted = set(scope.partners or ()) | set(pairs["partner_a"]) | set(pairs["partner_b"])
    found = run("partner_names")
    return found[found["partner_id"].isin(wanted)][["partner_id", "name", "name_zh"]].reset_index(drop=True)


# --- the stored reports -------------------------------------------------------------------------


def data_version(run: Runner = db.run_query) -> str:
    """What the data is now, as far as the public reports care: the latest batch and how many
    batches are loaded and undone (queries/public_data_version.sql). Every load and every undo
    changes it."""
    row = run("public_data_version").iloc[0]
    return f"{int(row['latest_batch'])}.{int(row['loaded_batches'])}.{int(row['undone_batches'])}"


def _frame(frame: pd.DataFrame) -> dict[str, list[Any]]:
    """A frame as JSON-ready columns: numbers as ints, missing values as null, dates as ISO text."""

    def plain(value: Any) -> Any:
        if value is None or (not isinstance(value, str | bool) and pd.isna(value)):
            return None
        if isinstance(value, pd.Timestamp | datetime | date):
            return pd.Timestamp(value).date().isoformat()
        if hasattr(value, "item"):
            return value.item()
        return value

    return {str(c): [plain(v) for v in frame[c]] for c in frame.columns}


def _unframe(columns: dict[str, list[Any]], dates: tuple[str, ...] = ()) -> pd.DataFrame:
    """The frame `_frame` wrote: published numbers (`*_value`) as ints or None, as build_report made them."""
    out = {}
    for column, found in columns.items():
        if column in dates:
            out[column] = [date.fromisoformat(v) if v else None for v in found]
        elif column.endswith("_value"):
            out[column] = pd.Series([None if v is None else int(v) for v in found], dtype=object)
        else:
            out[column] = found
    return pd.DataFrame(out)


def to_json(report: Report) -> str:
    """The report as JSON (never pickle: a stored report is data, not code)."""
    return json.dumps(
        {
            "format": REPORT_FORMAT,
            "scope": report.scope.to_dict(),
            "threshold": report.threshold,
            "figures": _frame(report.figures),
            "languages": {str(y): _frame(f) for y, f in report.languages.items()},
            "neighborhoods": {str(y): _frame(f) for y, f in report.neighborhoods.items()},
            "pairs": _frame(report.pairs),
            "withheld_years": sorted(report.withheld_years),
            "suppressed": report.suppressed,
            "partners": _frame(report.partners),
            "survey": _frame(report.survey),
            "survey_totals": _frame(report.survey_totals),
            "milestones": _frame(report.milestones),
            "data_version": report.data_version,
            "built_at": report.built_at.isoformat() if report.built_at else None,
            "is_demo": report.is_demo,
            "first_day": report.first_day.isoformat() if report.first_day else None,
            "last_day": report.last_day.isoformat() if report.last_day else None,
        },
        ensure_ascii=False,
    )


def from_json(text: str) -> Report:
    found = json.loads(text)
    if found.get("format") != REPORT_FORMAT:
        raise ValueError(f"a stored report of format {found.get('format')!r}, not {REPORT_FORMAT}")
    return Report(
        scope=PublicScope.from_dict(found["scope"]),
        threshold=int(found["threshold"]),
        figures=_unframe(found["figures"]),
        languages={int(y): _unframe(f) for y, f in found["languages"].items()},
        neighborhoods={int(y): _unframe(f) for y, f in found["neighborhoods"].items()},
        pairs=_unframe(found["pairs"]),
        withheld_years=set(found["withheld_years"]),
        suppressed=int(found["suppressed"]),
        partners=_unframe(found["partners"]),
        survey=_unframe(found["survey"]),
        survey_totals=_unframe(found["survey_totals"]),
        milestones=_unframe(found["milestones"], dates=("date",)),
        data_version=found["data_version"],
        built_at=datetime.fromisoformat(found["built_at"]) if found.get("built_at") else None,
        is_demo=bool(found.get("is_demo")),
        first_day=date.fromisoformat(found["first_day"]) if found.get("first_day") else None,
        last_day=date.fromisoformat(found["last_day"]) if found.get("last_day") else None,
    )


def _runner(database: Path | str | None) -> Runner:
    return lambda name, **params: db.run_query(name, db=database, **params)


def _store(key: str, report: Report, database: Path | str | None) -> None:
    with db.transaction(database) as cur:
        cur.execute("delete from public_reports where scope_key = $key", {"key": key})
        _insert(cur, key, report)


def _insert(cur: db.Connection, key: str, report: Report) -> None:
    cur.execute(
        """insert into public_reports (scope_key, data_version, built_at, report, first_day, last_day)
        values ($key, $version, $at, $report, $first_day, $last_day)""",
        {
            "key": key,
            "version": report.data_version,
            "at": report.built_at,
            "report": to_json(report),
            "first_day": report.first_day,
            "last_day": report.last_day,
        },
    )


def data_extent(database: Path | str | None = None, version: str | None = None) -> dict[str, date | None]:
    """The data's first and last day (queries/data_extent.sql), as the stored reports of the current
    data version recorded them: a visit need not scan every contact for it (a third of a second at a
    million contacts). Without a stored report of this version, the query runs."""
    run = _runner(database)
    version = data_version(run) if version is None else version
    found = db.run_sql(
        # a report stored before the extent was recorded has none: then the query
        "select first_day, last_day from public_reports where data_version = $version and last_day is not null limit 1",
        {"version": version},
        database,
    )
    if found.empty:
        found = run("data_extent")
    row = found.iloc[0]
    return {
        "first_day": None if pd.isna(row["first_day"]) else pd.Timestamp(row["first_day"]).date(),
        "last_day": None if pd.isna(row["last_day"]) else pd.Timestamp(row["last_day"]).date(),
    }


def _read(key: str, version: str, database: Path | str | None) -> Report | None:
    found = db.run_sql(
        "select report from public_reports where scope_key = $key and data_version = $version",
        {"key": key, "version": version},
        database,
    )
    if found.empty:
        return None
    try:
        return from_json(found["report"].iloc[0])
    except (ValueError, KeyError) as exc:  # another shape (an older version): built again
        log.info("stored public report not read (%s); building it again", exc)
        return None


def stored_report(scope: PublicScope, database: Path | str | None = None, limit: int | None = None) -> Report:
    """The stored protected report of `scope` for the current data; built and stored if there is none
    (a database from before, a scope not stored yet, data changed by another process), and logged."""
    limit = threshold() if limit is None else limit
    run = _runner(database)
    version = data_version(run)
    key = scope.key(limit)
    report = _read(key, version, database)
    if report is not None:
        return report
    log.warning("no stored public report for %s at data version %s: building it now", key, version)
    report = build_report(scope, run, limit)
    _store(key, report, database)
    return report


def open_scope(database: Path | str | None = None, today: date | None = None) -> PublicScope | None:
    """The open page's scope today (public_scope of the data's extent)."""
    extent = _runner(database)("data_extent").iloc[0]
    first = None if pd.isna(extent["first_day"]) else pd.Timestamp(extent["first_day"]).date()
    last = None if pd.isna(extent["last_day"]) else pd.Timestamp(extent["last_day"]).date()
    return public_scope(first, last, today or date.today())


def active_scopes(database: Path | str | None = None, today: date | None = None) -> list[PublicScope]:
    """The scopes a visitor can open today: the open page's and every active share link's."""
    from impact import shares  # shares reads links; it never needs this module back

    run = _runner(database)
    found = [open_scope(database, today)]
    extent = run("data_extent").iloc[0]
    last = None if pd.isna(extent["last_day"]) else pd.Timestamp(extent["last_day"]).date()
    links = shares.list_links(database, today)
    for link in links[links["state"] == "active"].itertuples():
        start, end = pd.Timestamp(link.start_date).date(), pd.Timestamp(link.end_date).date()
        found.append(shared_scope(start, end, shares.partner_tuple(link.partners), last, today))
    return [s for s in dict.fromkeys(found) if s is not None]


def refresh_reports(database: Path | str | None = None, today: date | None = None, *, force: bool = False) -> int:
    """Make sure the protected report of the open page and of every active share link's scope is stored
    for the current data: each one missing or built from older data is built now (all of them with
    `force`); stored reports of other scopes or older data are removed. Returns how many reports are
    stored for the active scopes."""
    limit = threshold()
    run = _runner(database)
    version = data_version(run)
    wanted = {s.key(limit): s for s in active_scopes(database, today)}
    current = (
        set()
        if force
        else {
            key
            for (key,) in db.run_sql(
                "select scope_key from public_reports where data_version = $version", {"version": version}, database
            ).itertuples(index=False)
        }
    )
    built = {key: build_report(scope, run, limit) for key, scope in wanted.items() if key not in current}
    with db.transaction(database) as cur:
        cur.execute(
            "delete from public_reports where data_version <> $version or not list_contains($keys, scope_key)",
            {"version": version, "keys": list(wanted)},
        )
        for key, report in built.items():
            cur.execute("delete from public_reports where scope_key = $key", {"key": key})
            _insert(cur, key, report)
    log.info("public reports: %d built, %d kept, at data version %s", len(built), len(wanted) - len(built), version)
    return len(wanted)


def _after_change(database: Path | str | None) -> None:
    """After a load or an undo (ingest.batches.on_change): the reports a visitor reads, built now.
    The change itself has been committed; if this fails, a visit builds the report instead."""
    try:
        refresh_reports(database)
    except Exception:  # the load stands; the log says why its report waits for the first visit
        log.exception("public reports not rebuilt after a data change; a visit will build them")


batches.on_change(_after_change)
