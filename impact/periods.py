"""Calendar-aware periods: what each preset covers, what it is compared with, and which of its
months are only partly covered.

Every preset counts from the *anchor*: the latest day with data, never after today. A director
who pastes a chart into a board deck must not see a month under way as a collapse, nor compare
eleven months with twelve, so:

- "Last 12 complete months" (the default) ends with the last month the anchor completes.
- Year, quarter and fiscal year "to date" end at the anchor and are compared with the same days
  one year earlier; last year, last quarter and the last fiscal year with the same span a year
  earlier (like with like: the coalition's work is seasonal, Lunar New Year and summer programs).
- A custom period is compared with the same number of days just before it; all time with nothing.
- A month the period covers only in part is *partial*: charts draw it apart and say "to date".
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import date, timedelta

from impact import config
from impact.i18n import N_

log = logging.getLogger(__name__)

LAST_12_MONTHS = "last-12-months"
CUSTOM = "custom"
ALL_TIME = "all-time"

# URL codes (stable: links in old board decks keep working) and their labels, in the menu's order.
PRESETS = {
    LAST_12_MONTHS: N_("Last 12 complete months"),
    "this-year": N_("Year to date"),
    "last-year": N_("Last calendar year"),
    "quarter-to-date": N_("Quarter to date"),
    "last-quarter": N_("Last quarter"),
    "fiscal-year": N_("Fiscal year to date"),
    "last-fiscal-year": N_("Last fiscal year"),
    ALL_TIME: N_("All time"),
    CUSTOM: N_("Custom dates"),
}
DEFAULT = LAST_12_MONTHS
DEFAULT_FISCAL_YEAR_START = 1


@dataclass(frozen=True)
class Period:
    """The days a preset covers and the days it is compared with (None: no comparison)."""

    code: str
    start: date
    end: date
    compare_start: date | None = None
    compare_end: date | None = None

    @property
    def compared(self) -> bool:
        return self.compare_start is not None and self.compare_end is not None


def fiscal_year_start() -> int:
    """The month a fiscal year starts: $IMPACT_FISCAL_YEAR_START (1-12), default 1 (January).
    A value that is not a month is logged on the server and January is used."""
    return int(config.number_setting("IMPACT_FISCAL_YEAR_START", DEFAULT_FISCAL_YEAR_START, minimum=1, maximum=12))


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), moved back to the month's last day where needed."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def year_earlier(day: date) -> date:
    """The same day a year earlier; 29 February becomes the 28th."""
    return add_months(day, -12)


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _fiscal_start(day: date, first_month: int) -> date:
    year = day.year if day.month >= first_month else day.year - 1
    return date(year, first_month, 1)


def resolve(
    code: str,
    anchor: date,
    first_day: date,
    start: date | None = None,
    end: date | None = None,
    fiscal_first_month: int | None = None,
) -> Period:
    """The period a preset means on data that runs from `first_day` to `anchor`."""
    if code == CUSTOM and start is not None and end is not None:
        days = (end - start).days + 1
        return Period(code, start, end, start - timedelta(days=days), start - timedelta(days=1))
    if code == ALL_TIME:
        return Period(code, month_start(first_day), anchor)
    if code in ("this-year", "quarter-to-date", "fiscal-year"):
        if code == "this-year":
            first = date(anchor.year, 1, 1)
        elif code == "quarter-to-date":
            first = _quarter_start(anchor)
        else:
            first = _fiscal_start(anchor, fiscal_first_month or fiscal_year_start())
        return Period(code, first, anchor, year_earlier(first), year_earlier(anchor))
    if code == "last-year":
        first, last = date(anchor.year - 1, 1, 1), date(anchor.year - 1, 12, 31)
    elif code == "last-quarter":
        last = _quarter_start(anchor) - timedelta(days=1)
        first = _quarter_start(last)
    elif code == "last-fiscal-year":
        last = _fiscal_start(anchor, fiscal_first_month or fiscal_year_start()) - timedelta(days=1)
        first = add_months(last.replace(day=1), -11)
    else:  # the last 12 complete months: the anchor's month counts once the anchor is its last day
        last = anchor if anchor == month_end(anchor) else month_start(anchor) - timedelta(days=1)
        first = add_months(month_start(last), -11)
    return Period(code, first, last, year_earlier(first), month_end(year_earlier(last)))


@dataclass(frozen=True)
class PartialMonth:
    """A month a period covers only in part: from `first` to `last` of it."""

    month: date  # the month's first day
    first: date
    last: date

    @property
    def to_date(self) -> bool:
        """The period stops inside this month (the month under way, or a custom end)."""
        return self.last != month_end(self.month)


def partial_months(start: date, end: date) -> list[PartialMonth]:
    """The months at either edge of start..end that the period covers only in part."""
    found = []
    if start.day != 1 or (month_start(start) == month_start(end) and end != month_end(end)):
        found.append(PartialMonth(month_start(start), start, min(end, month_end(start))))
    if month_start(end) != month_start(start) and end != month_end(end):
        found.append(PartialMonth(month_start(end), month_start(end), end))
    return found
