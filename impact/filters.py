"""The sidebar filters every dashboard shares, kept in the URL so that a copied link opens the same view.

    /reach?period=this-year&partners=PTYC&partners=MTEC&languages=Toisanese
    /overview?period=custom&start=2024-01-01&end=2024-06-30&neighborhoods=Chinatown

Values in the URL are stable codes (partner ids, the stored language and neighborhood
names), never display labels, so a link works in every interface language. A parameter
left out means its default: the last 12 complete months, all partners, languages and
neighborhoods.

Periods are counted back from the latest day with data (never after today), not from
today: when uploads lag, "last 12 complete months" still shows 12 months of data. What each
period covers and is compared with is `impact.periods`.

This module holds the rules (periods, parsing and writing the URL, the scope they make);
`impact.web.filters` draws the widgets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from impact import i18n, labels, metrics, periods
from impact.i18n import N_, _

PERIODS = periods.PRESETS
DEFAULT_PERIOD = periods.DEFAULT
LISTS = ("partners", "languages", "neighborhoods")
URL_KEYS = ("period", "start", "end", *LISTS)


@dataclass(frozen=True)
class FilterState:
    """What the reader chose; `start` and `end` only matter for the custom period."""

    period: str = DEFAULT_PERIOD
    start: date | None = None
    end: date | None = None
    partners: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    neighborhoods: tuple[str, ...] = ()


@dataclass(frozen=True)
class DataSpan:
    """The days the store has data for; `last_day` is the day the periods count back from."""

    first_day: date
    last_day: date


@dataclass
class Parsed:
    state: FilterState
    problems: list[str] = field(default_factory=list)


def data_span(extent: Mapping[str, Any], today: date | None = None) -> DataSpan | None:
    """The span of the store's data, its last day capped at today (an event planned for next
    month is not activity yet); None when the store is empty."""
    if extent["first_day"] is None or extent["last_day"] is None:
        return None
    today = today or date.today()
    last = min(extent["last_day"], today)
    return DataSpan(first_day=min(extent["first_day"], last), last_day=last)


def period_of(state: FilterState, span: DataSpan) -> periods.Period:
    """The chosen period and the one it is compared with (see impact.periods)."""
    return periods.resolve(state.period, span.last_day, span.first_day, state.start, state.end)


def period_range(state: FilterState, span: DataSpan) -> tuple[date, date]:
    """The first and last day of the chosen period."""
    period = period_of(state, span)
    return period.start, period.end


def comparison(scope: metrics.Scope, period: periods.Period) -> metrics.Scope | None:
    """The scope's filters over the period it is compared with; None for all time."""
    if not period.compared:
        return None
    return replace(scope, start=period.compare_start, end=period.compare_end)


def to_scope(state: FilterState, span: DataSpan) -> metrics.Scope:
    start, end = period_range(state, span)
    return metrics.Scope(
        start=start,
        end=end,
        partners=tuple(sorted(state.partners)) or None,
        languages=tuple(sorted(state.languages)) or None,
        neighborhoods=tuple(sorted(state.neighborhoods)) or None,
    )


def to_query(state: FilterState) -> dict[str, list[str]]:
    """The URL parameters of a filter state; defaults are left out to keep links short."""
    query: dict[str, list[str]] = {}
    if state.period != DEFAULT_PERIOD:
        query["period"] = [state.period]
    if state.period == "custom" and state.start is not None and state.end is not None:
        query["start"] = [state.start.isoformat()]
        query["end"] = [state.end.isoformat()]
    for name in LISTS:
        values = getattr(state, name)
        if values:
            query[name] = list(values)
    return query


# Custom dates a link may ask for: anything else is a typo (and would overflow date arithmetic).
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2100, 12, 31)
_ALL_OF = {
    "partners": N_("showing all partners instead"),
    "languages": N_("showing all languages instead"),
    "neighborhoods": N_("showing all neighborhoods instead"),
}


def parse_query(query: Mapping[str, Sequence[str]], options: metrics.FilterOptions) -> Parsed:
    """The filter state a URL asks for. Anything that cannot be used is left out, and each
    problem says what is shown instead."""
    problems: list[str] = []
    default = _(PERIODS[DEFAULT_PERIOD]).lower()
    period = (list(query.get("period", [])) or [DEFAULT_PERIOD])[-1]
    start_text = (list(query.get("start", [])) or [None])[-1]
    end_text = (list(query.get("end", [])) or [None])[-1]
    if period not in PERIODS:
        problems.append(
            _("The link's period '{value}' is not one this page knows; showing the {default} instead.").format(
                value=period, default=default
            )
        )
        period = DEFAULT_PERIOD
    if "period" not in query and (start_text or end_text):
        period = "custom"  # a link with only dates means those dates
    start = end = None
    if period == "custom":
        start, end = _day(start_text), _day(end_text)
        if start is None or end is None:
            problems.append(
                _(
                    "The link's dates must be two days written as YYYY-MM-DD (start and end); it had {start} and "
                    "{end}. Showing the {default} instead."
                ).format(start=start_text or "-", end=end_text or "-", default=default)
            )
            period, start, end = DEFAULT_PERIOD, None, None
        elif start > end:
            start, end = end, start
    chosen: dict[str, tuple[str, ...]] = {}
    available = {"partners": options.partners, "languages": options.languages, "neighborhoods": options.neighborhoods}
    for name in LISTS:
        asked = list(dict.fromkeys(v for v in query.get(name, []) if v))
        unknown = [v for v in asked if v not in available[name]]
        chosen[name] = tuple(v for v in asked if v in available[name])
        if unknown:
            instead = _("showing the others you asked for") if chosen[name] else _(_ALL_OF[name])
            problems.append(
                _("The link asked for {values}, which the data does not hold; {instead}.").format(
                    values=", ".join(f"'{v}'" for v in unknown), instead=instead
                )
            )
    state = FilterState(period=period, start=start, end=end, **chosen)
    return Parsed(state, problems)


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return None
    return day if EARLIEST_DAY <= day <= LATEST_DAY else None


def describe(scope: metrics.Scope, options: metrics.FilterOptions) -> str:
    """The scope in words, for captions and the empty state."""
    parts = [
        _("{start} to {end}").format(start=i18n.format_date(scope.start), end=i18n.format_date(scope.end)),
    ]
    if scope.partners:
        parts.append(", ".join(options.partners.get(p, p) for p in scope.partners))
    if scope.languages:
        parts.append(", ".join(labels.label("language", v) for v in scope.languages))
    if scope.neighborhoods:
        parts.append(", ".join(labels.label("neighborhood", v) for v in scope.neighborhoods))
    return " · ".join(parts)
