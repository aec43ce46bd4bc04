"""Calendar-aware periods: what each preset covers, what it is compared with, which months are partial."""

from __future__ import annotations

from datetime import date

import pytest

from impact import periods
from impact.periods import PartialMonth, Period

FIRST_DAY = date(2021, 3, 4)


def _resolve(code: str, anchor: date, **kwargs: object) -> Period:
    return periods.resolve(code, anchor, FIRST_DAY, **kwargs)


def test_year_to_date_is_compared_with_the_same_days_of_last_year() -> None:
    """'This year' on 2026-12-01 compares 2026-01-01..2026-12-01 with 2025-01-01..2025-12-01."""
    assert _resolve("this-year", date(2026, 12, 1)) == Period(
        "this-year", date(2026, 1, 1), date(2026, 12, 1), date(2025, 1, 1), date(2025, 12, 1)
    )


def test_early_in_a_year_the_comparison_is_still_the_same_days_a_year_before() -> None:
    """On January 31 year to date is 31 days, against January of last year (not November-December)."""
    period = _resolve("this-year", date(2026, 1, 31))
    assert (period.compare_start, period.compare_end) == (date(2025, 1, 1), date(2025, 1, 31))


def test_the_29th_of_february_is_compared_with_the_28th() -> None:
    """A leap day has no twin a year earlier: the comparison ends on February 28."""
    assert _resolve("this-year", date(2024, 2, 29)).compare_end == date(2023, 2, 28)


def test_the_last_12_complete_months_leave_out_the_month_under_way() -> None:
    """On 2026-12-01 the default is December 2025 to November 2026, against the 12 months before."""
    assert _resolve("last-12-months", date(2026, 12, 1)) == Period(
        "last-12-months", date(2025, 12, 1), date(2026, 11, 30), date(2024, 12, 1), date(2025, 11, 30)
    )
    # the data's last day ends its month: that month is complete and counts
    assert _resolve("last-12-months", date(2026, 11, 30)).start == date(2025, 12, 1)


def test_quarters_and_last_year_are_compared_with_the_same_span_a_year_earlier() -> None:
    """Quarter to date, last quarter and last calendar year: like with like, one year back."""
    anchor = date(2026, 12, 1)
    assert _resolve("quarter-to-date", anchor) == Period(
        "quarter-to-date", date(2026, 10, 1), anchor, date(2025, 10, 1), date(2025, 12, 1)
    )
    assert _resolve("last-quarter", anchor) == Period(
        "last-quarter", date(2026, 7, 1), date(2026, 9, 30), date(2025, 7, 1), date(2025, 9, 30)
    )
    assert _resolve("last-year", anchor) == Period(
        "last-year", date(2025, 1, 1), date(2025, 12, 31), date(2024, 1, 1), date(2024, 12, 31)
    )


def test_the_fiscal_year_starts_in_the_month_the_setting_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """With IMPACT_FISCAL_YEAR_START=7 the fiscal year to date on 2026-12-01 starts on 2026-07-01."""
    monkeypatch.setenv("IMPACT_FISCAL_YEAR_START", "7")
    assert _resolve("fiscal-year", date(2026, 12, 1)) == Period(
        "fiscal-year", date(2026, 7, 1), date(2026, 12, 1), date(2025, 7, 1), date(2025, 12, 1)
    )
    assert _resolve("last-fiscal-year", date(2026, 12, 1)) == Period(
        "last-fiscal-year", date(2025, 7, 1), date(2026, 6, 30), date(2024, 7, 1), date(2025, 6, 30)
    )
    assert _resolve("fiscal-year", date(2026, 3, 15)).start == date(2025, 7, 1)  # before July: last July


def test_a_fiscal_year_setting_that_is_not_a_month_falls_back_to_january(monkeypatch: pytest.MonkeyPatch) -> None:
    """A typo in the setting is logged and the calendar year is used; no page fails."""
    monkeypatch.setenv("IMPACT_FISCAL_YEAR_START", "July")
    assert periods.fiscal_year_start() == 1
    monkeypatch.delenv("IMPACT_FISCAL_YEAR_START")
    assert periods.fiscal_year_start() == 1


def test_all_time_has_no_comparison_and_custom_dates_the_same_length_before() -> None:
    """All time starts with the first month of data; a custom range is compared with the days just before it."""
    everything = _resolve("all-time", date(2026, 12, 1))
    assert (everything.start, everything.end, everything.compared) == (date(2021, 3, 1), date(2026, 12, 1), False)
    custom = _resolve("custom", date(2026, 12, 1), start=date(2026, 3, 5), end=date(2026, 4, 10))
    assert (custom.compare_start, custom.compare_end) == (date(2026, 1, 27), date(2026, 3, 4))  # 37 days each


def test_partial_months_are_the_edges_a_period_covers_only_in_part() -> None:
    """A period to the 10th ends in a month 'to date'; one from the 5th starts in a partial month."""
    assert periods.partial_months(date(2026, 1, 1), date(2026, 3, 10)) == [
        PartialMonth(date(2026, 3, 1), date(2026, 3, 1), date(2026, 3, 10))
    ]
    assert periods.partial_months(date(2026, 3, 5), date(2026, 4, 30)) == [
        PartialMonth(date(2026, 3, 1), date(2026, 3, 5), date(2026, 3, 31))
    ]
    assert periods.partial_months(date(2025, 12, 1), date(2026, 11, 30)) == []
    assert periods.partial_months(date(2026, 3, 1), date(2026, 3, 10))[0].to_date
