"""What the four executive dashboards draw the same way: KPI cards, a chart with the numbers
behind it (a table and a formula-safe CSV), and the friendly empty states.

Pages decide what to show; this module decides how, so every page reads alike.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from impact import config, export, filters, i18n, markup, metrics
from impact.i18n import _
from impact.web import filters as filter_widgets
from impact.web import ui

# Column kinds: how a value is shown on the page and written to the CSV.
TEXT, INTEGER, PERCENT, MONTH, DAY, MOMENT = "text", "integer", "percent", "month", "day", "moment"


class PageTop(NamedTuple):
    run: metrics.Runner  # the internal audience's cached query runner
    scope: metrics.Scope  # what the sidebar's filters chose
    options: metrics.FilterOptions  # what the filters offer (names for captions and colours)
    figures: dict[str, int]  # the scope's KPIs (kpis.sql)


def page_top(title: str) -> PageTop:
    """The top the four dashboards share, run right after `ui.page_setup`: the title, the demo
    banner, the sidebar's filters and the scope's KPIs. When nothing in the store matches the
    scope, the page shows the empty state and stops here."""
    run = ui.runner("internal")
    st.title(title)
    ui.demo_banner(run)
    scope = filter_widgets.sidebar(run)
    options = metrics.filter_options(run)
    figures = metrics.kpis(scope, run)
    if metrics.is_empty(figures):
        no_data_for_scope(scope, options)
    return PageTop(run, scope, options, figures)


@dataclass(frozen=True)
class Column:
    source: str  # the result's column
    label: str  # the header people read (already translated)
    kind: str = TEXT


def kpi_cards(
    now: dict[str, int],
    before: dict[str, int],
    trend: pd.DataFrame,
    previous: metrics.Scope,
    kpis: Sequence[metrics.Kpi] = metrics.KPIS,
    per_row: int = 4,
) -> None:
    """One card per KPI: the period's value, its change against the previous period of the same
    length, and a small line of its monthly values. The help text is the KPI's definition."""
    compared = _("Compared with {start} to {end}: {value}.")
    for first in range(0, len(kpis), per_row):
        row = kpis[first : first + per_row]
        for column, kpi in zip(st.columns(per_row), row, strict=False):
            change = metrics.change(now[kpi.key], before[kpi.key])
            help_text = (
                _(kpi.help)
                + "\n\n"
                + compared.format(
                    start=i18n.format_date(previous.start),
                    end=i18n.format_date(previous.end),
                    value=i18n.format_number(before[kpi.key]),
                )
            )
            column.metric(
                _(kpi.label),
                i18n.format_number(now[kpi.key]),
                delta=None if change is None else i18n.format_percent(change / 100, signed=True),
                delta_description=_("vs. previous period") if change is not None else None,
                delta_arrow="off" if change == 0 else "auto",
                delta_color="off" if change == 0 else "normal",
                help=help_text,
                border=True,
                chart_data=[int(v) for v in trend[kpi.key]] if len(trend) > 1 else None,
                chart_type="line",
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
    figure = markup.figure(_figure()) if _figure else None
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
) -> None:
    """A chart, an optional caption, and the numbers behind it with their CSV download.

    `name` names the result (and the CSV file); `figure` builds the chart from `frame`, which
    is the result of `scope`'s query; `variant` tells apart two charts of one result (the
    measure a toggle chose). Built once, then reused while the data stays the same.
    """
    rendered = _render(name, scope, figure, frame, columns, variant)
    st.plotly_chart(rendered.figure, width="stretch", key=f"chart.{name}", config={"displaylogo": False})
    if caption:
        st.caption(caption)
    with st.expander(_("The numbers behind this chart"), icon=":material/table:"):
        _show_table(rendered, columns, name)


def table(name: str, scope: metrics.Scope, frame: pd.DataFrame, columns: Sequence[Column]) -> None:
    """A table as people read it (labelled headers, separators, one-decimal percentages) and a
    CSV of exactly that table, with spreadsheet formulas neutralised."""
    _show_table(_render(name, scope, None, frame, columns, ""), columns, name)


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
