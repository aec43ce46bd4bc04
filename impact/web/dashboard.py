"""What the four executive dashboards draw the same way: KPI cards, a chart with the numbers
behind it (a table and a formula-safe CSV), and the friendly empty states.

Pages decide what to show; this module decides how, so every page reads alike.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from impact import charts, config, export, filters, goals, i18n, markup, metrics, periods
from impact.i18n import _
from impact.web import filters as filter_widgets
from impact.web import ui

# The session-state key of a chart's "numbers behind" expander is this and the chart's name.
NUMBERS_KEY = "numbers."
# Column kinds: how a value is shown on the page and written to the CSV.
TEXT, INTEGER, PERCENT, MONTH, DAY, MOMENT = "text", "integer", "percent", "month", "day", "moment"


class PageTop(NamedTuple):
    run: metrics.Runner  # the internal audience's cached query runner
    scope: metrics.Scope  # what the sidebar's filters chose
    options: metrics.FilterOptions  # what the filters offer (names for captions and colours)
    figures: dict[str, int]  # the scope's KPIs (kpis.sql)
    period: periods.Period  # the chosen period and the one it is compared with


def page_top(title: str) -> PageTop:
    """The top the four dashboards share, run right after `ui.page_setup`: the title, the demo
    banner, the sidebar's filters and the scope's KPIs. When nothing in the store matches the
    scope, the page shows the empty state and stops here."""
    run = ui.runner("internal")
    st.title(title)
    ui.demo_banner(run)
    scope, period = filter_widgets.sidebar(run)
    options = metrics.filter_options(run)
    figures = metrics.kpis(scope, run)
    if metrics.is_empty(figures):
        no_data_for_scope(scope, options)
    return PageTop(run, scope, options, figures, period)


@dataclass(frozen=True)
class Column:
    source: str  # the result's column
    label: str  # the header people read (already translated)
    kind: str = TEXT


def target_columns(name: str | None = None, partner_first: bool = False) -> list[Column]:
    """The columns of a table of targets with their progress (goals.progress_frame): the Goals page's
    tables and each partner's targets on /partners. `name` is the target's name column (target_name)."""
    measure, partner = Column("metric_name", _("Measure"), TEXT), Column("partner_name", _("Partner"), TEXT)
    return [
        *((partner, measure) if partner_first else (measure, partner)),
        Column(name or "target_name", _("Target"), TEXT),
        Column("period_start", _("From"), DAY),
        Column("period_end", _("To"), DAY),
        Column("target", _("Target value"), INTEGER),
        Column("actual", _("Actual so far"), INTEGER),
        Column("share", _("% of target"), PERCENT),
        Column("expected_text", _("Pace expected by now"), TEXT),
        Column("status_name", _("Status"), TEXT),
    ]


def kpi_cards(
    now: dict[str, int],
    before: dict[str, int] | None,
    trend: pd.DataFrame,
    scope: metrics.Scope,
    previous: metrics.Scope | None,
    kpis: Sequence[metrics.Kpi] = metrics.KPIS,
    per_row: int = 4,
    progress: Mapping[str, goals.Progress] | None = None,
) -> None:
    """One card per KPI: the period's value, its change against the period it is compared with
    (none for all time), and a small line of its values in the period's complete months, with
    that line's scale in words. Counts of categories (languages, neighborhoods, partners) get no
    line: 6, 7, 6 languages would draw a zigzag. The help text is the KPI's definition.

    The small line is text (sparkline): st.metric's own line is a Vega-Lite chart, whose library
    the browser loaded for these cards alone and drew after everything else on the page."""
    whole = _complete_months(trend, scope)
    for first in range(0, len(kpis), per_row):
        row = kpis[first : first + per_row]
        for column, kpi in zip(st.columns(per_row), row, strict=False):
            change = None if before is None else metrics.change(now[kpi.key], before[kpi.key])
            help_text = _(kpi.help)
            if before is not None and previous is not None:
                help_text += "\n\n" + _("Compared with {start} to {end}: {value}.").format(
                    start=i18n.format_date(previous.start),
                    end=i18n.format_date(previous.end),
                    value=i18n.format_number(before[kpi.key]),
                )
            line = None if kpi.counts_categories or len(whole) < 2 else [int(v) for v in whole[kpi.key]]
            with column:
                st.metric(
                    _(kpi.label),
                    i18n.format_number(now[kpi.key]),
                    delta=None if change is None else i18n.format_percent(change / 100, signed=True),
                    delta_description=_("vs. the period compared") if change is not None else None,
                    delta_arrow="off" if change == 0 else "auto",
                    delta_color="off" if change == 0 else "normal",
                    help=help_text,
                    border=True,
                )
                if line is not None:
                    st.caption(sparkline(line))
                    st.caption(sparkline_scale(whole["month"], line))
                target = (progress or {}).get(kpi.key)
                if target is not None:  # "62% of the City grant 2026 target of 5,000"
                    st.caption(markup.text(goals.card_text(target)))


def rate_card(label: str, rate: metrics.Rate, of: str, help_text: str) -> None:
    """A card for a share, always with its base. `of` says what the base counts, with {n}
    ("of {n} new people"). On fewer than IMPACT_MIN_RATE_BASE the card shows the counts and a
    caution instead of a percentage as a headline."""
    base = of.format(n=i18n.format_number(rate.base))
    if rate.share is None:
        st.metric(label, "–", help=help_text, border=True)
        st.caption(base)
    elif rate.reliable:
        st.metric(label, i18n.format_percent(rate.share), help=help_text, border=True)
        st.caption(base)
    else:
        st.metric(
            label,
            _("{part} of {base}").format(part=i18n.format_number(rate.part), base=i18n.format_number(rate.base)),
            help=help_text,
            border=True,
        )
        st.caption(
            _("Too few to give a share that means much (fewer than {n}): the counts are shown instead.").format(
                n=i18n.format_number(metrics.min_rate_base())
            )
        )


def _complete_months(trend: pd.DataFrame, scope: metrics.Scope) -> pd.DataFrame:
    """The trend's rows for the months the period covers in full (a month under way would end the
    line in a cliff)."""
    if trend.empty:
        return trend
    partial = {p.month for p in periods.partial_months(scope.start, scope.end)}
    return trend[[day not in partial for day in pd.to_datetime(trend["month"]).dt.date]]


SPARK_LEVELS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[int]) -> str:
    """Monthly values as a line of blocks, from the lowest (▁) to the highest (█); all alike: ▄."""
    low, high = min(values), max(values)
    if high == low:
        return SPARK_LEVELS[3] * len(values)
    top = len(SPARK_LEVELS) - 1
    return "".join(SPARK_LEVELS[round((value - low) / (high - low) * top)] for value in values)


def sparkline_scale(months: pd.Series, values: Sequence[int]) -> str:
    """A small line's scale in words: its months and its lowest and highest value."""
    days = pd.to_datetime(months).dt.date
    return _("Monthly, {first} to {last}: lowest {low}, highest {high}").format(
        first=i18n.format_date(days.min(), "month_short"),
        last=i18n.format_date(days.max(), "month_short"),
        low=i18n.format_number(min(values)),
        high=i18n.format_number(max(values)),
    )


@dataclass(frozen=True)
class Rendered:
    """What a chart or table puts on the page, built once per data, scope and language."""

    figure: go.Figure | None
    table: pd.DataFrame
    csv: bytes


@st.cache_data(show_spinner=False)
def _data_generation() -> str:
    """A token that changes whenever the cached data is cleared (ui.data_changed after an upload or
    an undo), so that rendered charts of the data before are never shown again."""
    return uuid.uuid4().hex


@st.cache_resource(ttl=3600, max_entries=256, show_spinner=False)
def _rendered(
    generation: str,
    database: str,
    name: str,
    scope: tuple[tuple[str, Any], ...],
    variant: str,
    language: str,
    _figure: Callable[[], go.Figure] | None,
    _frame: pd.DataFrame,
    _columns: Sequence[Column],
) -> Rendered:
    """Build a chart's figure, table and CSV once; every later view of the same data, scope and
    language reuses them (the objects are shared between sessions and never changed)."""
    shown = display_frame(_frame, _columns)
    # names from the data go into charts raw; markup.figure makes every one of them plain text
    figure = charts.without_unused_styles(markup.figure(_figure())) if _figure else None
    return Rendered(figure=figure, table=shown, csv=export.safe_csv(shown))


def _render(
    name: str,
    scope: metrics.Scope,
    figure: Callable[[], go.Figure] | None,
    frame: pd.DataFrame,
    columns: Sequence[Column],
    variant: str,
) -> Rendered:
    key = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in scope.params().items()))
    database = str(config.db_path())
    return _rendered(_data_generation(), database, name, key, variant, i18n.current(), figure, frame, columns)


def chart(
    name: str,
    scope: metrics.Scope,
    figure: Callable[[], go.Figure],
    frame: pd.DataFrame,
    columns: Sequence[Column],
    caption: str | None = None,
    variant: str = "",
    by_month: bool = False,
    goal: str | None = None,
) -> None:
    """A chart, an optional caption, and the numbers behind it with their CSV download.

    `name` names the result (and the CSV file); `figure` builds the chart from `frame`, which
    is the result of `scope`'s query; `variant` tells apart two charts of one result (the
    measure a toggle chose). `by_month`: the x axis is the scope's calendar months, and a month
    the period covers only in part is drawn apart ("to date"). Built once, then reused while
    the data stays the same. A chart by month also marks the period's milestones, and `goal` (a
    target's metric, goals.goal_lines) draws the targets that apply to the scope as goal lines.
    """
    if by_month:  # the marks and goal lines are worked out only when the figure is built, not on every view
        build, run = figure, ui.runner("internal")

        def figure() -> go.Figure:
            drawn = charts.mark_partial_months(build(), periods.partial_months(scope.start, scope.end))
            if goal is not None and "month" in frame:
                months = sorted({pd.Timestamp(m).date() for m in frame["month"]})
                goal_lines = goals.goal_lines(goal, goals.current_targets(run), scope, months)
                if not goal_lines.empty:
                    charts.add_goal_lines(drawn, goal_lines, _("Target: {name}"))
            marks = goals.milestone_marks(goals.milestones(scope, run), metrics.partner_names(run))
            return charts.mark_milestones(drawn, marks)

    rendered = _render(name, scope, figure, frame, columns, variant)
    st.plotly_chart(rendered.figure, width="stretch", key=f"chart.{name}", config={"displaylogo": False})
    if caption:
        st.caption(caption)
    _numbers_behind(rendered, columns, name)


def _numbers_behind(
    rendered: Rendered, columns: Sequence[Column], name: str, label: str | None = None, icon: str = ":material/table:"
) -> None:
    """The table and its CSV download in an expander (`label`, by default "The numbers behind this
    chart"), drawn only once it is opened: a closed expander's grid and button would still be sent
    and drawn (the grid's code loaded) on every view. Opening or closing it reruns only this
    fragment, which draws the table at once."""

    @ui.guarded_fragment
    def numbers() -> None:
        box = st.expander(
            label or _("The numbers behind this chart"), icon=icon, key=NUMBERS_KEY + name, on_change="rerun"
        )
        if box.open:
            with box:
                _show_table(rendered, columns, name)

    numbers()


def table(
    name: str, scope: metrics.Scope, frame: pd.DataFrame, columns: Sequence[Column], folded: str | None = None
) -> None:
    """A table as people read it (labelled headers, separators, one-decimal percentages) and a
    CSV of exactly that table, with spreadsheet formulas neutralised. `folded`: the label of an
    expander the table is drawn in once it is opened (a table that supports what the page shows
    above it, so that a view does not load and draw a grid nobody opened)."""
    rendered = _render(name, scope, None, frame, columns, "")
    if folded is None:
        _show_table(rendered, columns, name)
    else:
        _numbers_behind(rendered, columns, name, folded, icon=":material/table_rows:")


def _show_table(rendered: Rendered, columns: Sequence[Column], name: str) -> None:
    st.dataframe(
        rendered.table,
        hide_index=True,
        width="stretch",
        column_config={c.label: _column_config(c) for c in columns if _column_config(c) is not None},
    )
    st.download_button(
        _("Download CSV"),
        ui.download_data(lambda: rendered.csv),  # made on click, while the viewer may still see the page
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"download.{name}",
        icon=":material/download:",
        on_click="ignore",
    )


def display_frame(frame: pd.DataFrame, columns: Sequence[Column]) -> pd.DataFrame:
    """The frame as people read it, in the page's language: headers as words, months as Dec 2024,
    days as Dec 2, 2024, times as Dec 2, 2024, 6:58 PM (the header says UTC), percentages as 12.3,
    and a dash where there is no value (never None or NaN). The CSV download is this frame."""
    shown = {}
    for c in columns:
        values = frame[c.source]
        if c.kind == INTEGER:
            values = values.fillna(0).round().astype("int64")
        elif c.kind == PERCENT:
            values = values.map(lambda v: MISSING if pd.isna(v) else i18n.format_number(float(v) * 100, 1))
        elif c.kind in (MONTH, DAY, MOMENT):
            values = pd.to_datetime(values).map(lambda moment, kind=c.kind: _when(moment, kind))
        else:
            values = values.map(lambda v: MISSING if pd.api.types.is_scalar(v) and pd.isna(v) else v)
        shown[header(c)] = values.reset_index(drop=True)
    return pd.DataFrame(shown)


MISSING = "–"  # a cell with no value: a partner without events has no last event


def header(column: Column) -> str:
    """A column's header: its label, and for times the zone they are in (said once, not per cell)."""
    return _("{column} (UTC)").format(column=column.label) if column.kind == MOMENT else column.label


def _when(moment: pd.Timestamp, kind: str) -> str:
    if pd.isna(moment):
        return MISSING
    if kind == MONTH:
        return i18n.format_date(moment.date(), "month_short")
    if kind == DAY:
        return i18n.format_date(moment.date())
    return i18n.format_moment(moment.to_pydatetime())


def _column_config(column: Column) -> st.column_config.Column | None:
    if column.kind == INTEGER:
        return st.column_config.NumberColumn(column.label, format="%,d")
    if column.kind == PERCENT:  # text in the reader's format ("12.3", "–" without a share), right-aligned
        return st.column_config.TextColumn(column.label, alignment="right")
    return None


def no_data_for_scope(scope: metrics.Scope, options: metrics.FilterOptions) -> None:
    """The page's empty state: what was asked for, and what to change. Stops the page."""
    st.info(
        _(
            "No contacts or events match these filters ({scope}). Choose a longer period or fewer "
            "partners, languages or neighborhoods in the sidebar."
        ).format(scope=markup.text(filters.describe(scope, options))),
        icon=":material/filter_alt_off:",
    )
    st.button(
        _("Clear filters"), on_click=filter_widgets.clear, key="dashboard.clear", icon=":material/filter_alt_off:"
    )
    st.stop()


def nothing_to_show(message: str) -> None:
    """A chart's own empty state, in place of a blank chart."""
    st.info(message, icon=":material/info:")


def is_empty(frame: pd.DataFrame, *columns: str) -> bool:
    """True when a result has no rows, or only zeros in `columns`: nothing worth drawing."""
    return frame.empty or all(frame[c].fillna(0).abs().sum() == 0 for c in columns)


def share_text(fraction: float) -> str:
    """A share with one decimal; a share too small to show one (a handful of contacts among a
    million) reads "<0.1%", never "0.0%"."""
    if 0 < fraction < 0.0005:
        return "<" + i18n.format_percent(0.001)
    return i18n.format_percent(fraction)


def month_names() -> list[str]:
    """January to December, abbreviated, in the reader's language (for year-on-year axes)."""
    return [i18n.format_date(pd.Timestamp(2000, month, 1).date(), "MMM") for month in range(1, 13)]
