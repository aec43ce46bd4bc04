"""Chart builders: DataFrame in, plotly Figure out. No Streamlit here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from impact import i18n, markup, periods, vocab
from impact.i18n import _

# Okabe-Ito: distinguishable with the common kinds of colour blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
# The chart font follows the interface language: Traditional and Simplified Chinese write some
# characters differently (and a browser without a hint draws them with Japanese forms), so
# each script's CJK font comes first for its own language. English and Spanish charts still
# show Chinese names (partners, titles) in Traditional forms, as most partners write them.
_TRADITIONAL = "Noto Sans CJK TC, PingFang TC, Microsoft JhengHei"
_SIMPLIFIED = "Noto Sans CJK SC, PingFang SC, Microsoft YaHei"
FONTS = {
    "en": f"Noto Sans, {_TRADITIONAL}, {_SIMPLIFIED}, sans-serif",
    "zh_Hant": f"Noto Sans, {_TRADITIONAL}, {_SIMPLIFIED}, sans-serif",
    "zh_Hans": f"Noto Sans, {_SIMPLIFIED}, {_TRADITIONAL}, sans-serif",
    "es": f"Noto Sans, {_TRADITIONAL}, {_SIMPLIFIED}, sans-serif",
}


def without_unused_styles(fig: go.Figure) -> go.Figure:
    """The figure with its template's trace styles kept only for the kinds of trace it draws.

    Streamlit's plotly template styles ten kinds of trace (heat maps, contours, tables, waterfalls...):
    about 2 KB of the 5 KB a dashboard's figure is sent as, on every view, styling nothing it draws.
    The template's layout (the theme's colours, which the browser fills in) stays whole."""
    template = fig.layout.template
    drawn = {trace.type for trace in fig.data}
    kept = {kind: styles for kind in drawn if (styles := getattr(template.data, kind, None))}
    fig.layout.template = go.layout.Template(layout=template.layout, data=kept)
    return fig


def font_family(language: str | None = None) -> str:
    """The font list for charts in `language` (default: the reader's, read when a chart is built)."""
    return FONTS.get(language or i18n.current(), FONTS[i18n.DEFAULT_LANGUAGE])


def _layout(fig: go.Figure, title: str, y_title: str | None) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        font={"family": font_family()},
        yaxis_title=y_title,
        xaxis_title=None,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        hovermode="x unified",
        separators=".,",
    )
    fig.update_yaxes(rangemode="tozero", tickformat=",d")
    _whole_number_ticks(fig)
    _long_legend_aside(fig)
    return fig


def _whole_number_ticks(fig: go.Figure) -> None:
    """Counts up to a handful get a tick per whole number (no 0, 1, 1, 2, 2 from half steps), on
    the value axis: y for upright bars and lines, x for horizontal bars."""
    for axis, horizontal in (("y", False), ("x", True)):
        layout_axis = fig.layout.yaxis if axis == "y" else fig.layout.xaxis
        if layout_axis.tickformat != ",d":
            continue
        largest = _largest_count(fig, horizontal)
        if largest is not None and 0 < largest <= 6:
            fig.update_yaxes(dtick=1, tick0=0) if axis == "y" else fig.update_xaxes(dtick=1, tick0=0)


def _largest_count(fig: go.Figure, horizontal: bool) -> float | None:
    """The largest value (stacked bars: the largest stack) drawn along the value axis; None when a
    value is not a whole number (a share, not a count)."""
    stacked = fig.layout.barmode == "stack"
    totals: dict[object, float] = {}
    largest = 0.0
    for trace in fig.data:
        if trace.type not in ("bar", "scatter") or (getattr(trace, "orientation", None) == "h") != horizontal:
            continue
        values, positions = (trace.x, trace.y) if horizontal else (trace.y, trace.x)
        if values is None:
            continue
        for position, value in zip(positions if positions is not None else range(len(values)), values, strict=False):
            if value is None or pd.isna(value):
                continue
            if float(value) != int(value):
                return None
            if stacked and trace.type == "bar":
                totals[position] = totals.get(position, 0.0) + float(value)
            else:
                largest = max(largest, float(value))
    return max([largest, *totals.values()])


def _long_legend_aside(fig: go.Figure) -> None:
    """More than three legend entries (partners, languages) go in a column on the right, where
    they never run into the title."""
    entries = {trace.name for trace in fig.data if trace.showlegend is not False and trace.name}
    if len(entries) > 3:
        fig.update_layout(legend={"orientation": "v", "yanchor": "top", "y": 1, "xanchor": "left", "x": 1.02})


def monthly_reach(frame: pd.DataFrame, *, title: str, people: str, contacts: str, y_title: str) -> go.Figure:
    """Unique people (bars) and contacts (line) per month; pages pass the titles translated."""
    fig = go.Figure()
    fig.add_bar(
        x=frame["month"],
        y=frame["unique_people"],
        name=people,
        marker_color=PALETTE[0],
        hovertemplate="%{y:,d}",
    )
    fig.add_scatter(
        x=frame["month"],
        y=frame["contacts"],
        name=contacts,
        mode="lines+markers",
        line={"color": PALETTE[1], "width": 2},
        hovertemplate="%{y:,d}",
    )
    _months(fig, frame["month"])
    return _layout(fig, title, y_title)


# --- colours that mean the same thing on every page -------------------------------------
# Okabe-Ito first (without its yellow, too pale for thin bars on white, and black), then
# Paul Tol's colour-blind-safe "muted" colours for the ninth category onwards.
CATEGORY_PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#882255",
    "#44AA99",
    "#332288",
    "#999933",
    "#AA4499",
    "#DDCC77",
    "#000000",
    "#F0E442",
)
NEUTRAL = "#BBBBBB"  # no category: "not recorded", months without data to expect
HIGHLIGHT = "#D55E00"  # what needs attention (a gap), vermillion in both palettes
SEQUENTIAL = "Blues"  # heat maps: one hue from light to dark reads in every kind of colour vision


def _cycle(position: int) -> str:
    return CATEGORY_PALETTE[position % len(CATEGORY_PALETTE)]


def partner_colors(partner_ids: Iterable[str]) -> dict[str, str]:
    """One colour per partner, the same on every page: pass every partner id, not a filtered few.

    Partners take the palette in the order of their ids, so a colour depends only on which
    partners the coalition has, never on the filters or on which partners a chart shows.
    """
    return {partner: _cycle(i) for i, partner in enumerate(sorted(set(partner_ids)))}


def language_colors(languages: Iterable[str]) -> dict[str, str]:
    """One colour per language, the same on every page: the contract's languages keep fixed
    colours (Cantonese is always the first); other languages follow in alphabetical order."""
    known = {language: _cycle(i) for i, language in enumerate(vocab.LANGUAGES)}
    others = sorted(set(languages) - known.keys())
    return known | {language: _cycle(len(vocab.LANGUAGES) + i) for i, language in enumerate(others)}


def event_type_colors() -> dict[str, str]:
    return {event_type: _cycle(i) for i, event_type in enumerate(vocab.EVENT_TYPES)}


# --- builders ------------------------------------------------------------------------------


FEW_MONTHS = 18  # up to this many monthly cells in a row, each can show its number


def _month_labels(months: pd.Series) -> pd.Series:
    """Months as the reader names them (Mar 2024, 2024年3月), for charts with a column per month."""
    return pd.Series([i18n.format_date(pd.Timestamp(m).date(), "month_short") for m in months], index=months.index)


def _months(fig: go.Figure, months: pd.Series) -> None:
    """A calendar-month x axis with month names in the reader's language (plotly's are English)."""
    values, text = i18n.month_ticks(pd.Timestamp(m).date() for m in months if pd.notna(m))
    fig.update_xaxes(tickvals=values, ticktext=text)


def mark_partial_months(fig: go.Figure, partial: Sequence[periods.PartialMonth]) -> go.Figure:
    """Draw the months a period covers only in part apart from the others, so that a month under
    way never reads as a collapse: a shaded band with "to date" (or "from <day>") above it, the
    same words in the month's tick label and hover, lighter hatched bars and hollow line markers."""
    if not partial:
        return fig
    notes = {pd.Timestamp(p.month): _partial_note(p) for p in partial}
    for month, note in notes.items():
        fig.add_vrect(
            x0=month - pd.Timedelta(days=15),
            x1=month + pd.Timedelta(days=15),
            fillcolor=NEUTRAL,
            opacity=0.25,
            line_width=0,
            layer="below",
            annotation_text=note,
            annotation_position="top",
            annotation_font_size=11,
        )
    ticks = fig.layout.xaxis
    if ticks.tickvals is not None and ticks.ticktext is not None:
        text = [
            f"{label}<br>{notes[pd.Timestamp(value)]}" if pd.Timestamp(value) in notes else label
            for value, label in zip(ticks.tickvals, ticks.ticktext, strict=True)
        ]
        fig.update_xaxes(ticktext=text)
    for trace in fig.data:
        if trace.type not in ("bar", "scatter") or trace.x is None or getattr(trace, "orientation", None) == "h":
            continue
        where = [notes.get(pd.Timestamp(x)) if pd.notna(x) else None for x in trace.x]
        if not any(where):
            continue
        template = trace.hovertemplate or "%{y}"
        trace.hovertemplate = [f"{template} ({note})" if note else template for note in where]
        if trace.type == "bar":
            trace.marker.opacity = [0.45 if note else 1.0 for note in where]
            trace.marker.pattern = {"shape": ["/" if note else "" for note in where], "solidity": 0.3}
        else:
            trace.marker.symbol = ["circle-open" if note else "circle" for note in where]
            trace.marker.size = [9 if note else 5 for note in where]
    return fig


def _partial_note(month: periods.PartialMonth) -> str:
    if month.to_date:
        return _("to date ({day})").format(day=i18n.format_date(month.last, "day_month"))
    return _("from {day}").format(day=i18n.format_date(month.first, "day_month"))


def _bar_height(rows: int) -> int:
    return max(260, 90 + 30 * rows)


def new_vs_returning(frame: pd.DataFrame, title: str, new: str, returning: str, y_title: str) -> go.Figure:
    """Unique people per month, stacked: new to the coalition below, returning above."""
    fig = go.Figure()
    for column, name, colour in (("new_people", new, PALETTE[2]), ("returning_people", returning, PALETTE[0])):
        fig.add_bar(x=frame["month"], y=frame[column], name=name, marker_color=colour, hovertemplate="%{y:,d}")
    fig.update_layout(barmode="stack")
    _months(fig, frame["month"])
    return _layout(fig, title, y_title)


def lines_by(
    frame: pd.DataFrame,
    y: str,
    group: str,
    names: Mapping[str, str],
    colors: Mapping[str, str],
    title: str,
    y_title: str,
    percent: bool = False,
    order: Sequence[str] | None = None,
) -> go.Figure:
    """One line per group (partner, language) over calendar months, in the group's colour; the
    legend lists the groups in `order` when given (languages most used first)."""
    fig = go.Figure()
    hover = "%{y:.1%}" if percent else "%{y:,d}"
    groups = dict(tuple(frame.groupby(group, sort=False)))
    keys = [k for k in order if k in groups] + [k for k in groups if k not in order] if order else list(groups)
    for key in keys:
        rows = groups[key]
        fig.add_scatter(
            x=rows["month"],
            y=rows[y],
            name=names.get(key, str(key)),
            mode="lines+markers",
            line={"color": colors.get(key, NEUTRAL), "width": 2},
            marker={"size": 5},
            hovertemplate=hover,
        )
    _months(fig, frame["month"])
    _layout(fig, title, y_title)
    if percent:
        fig.update_yaxes(tickformat=".0%")
    return fig


def ranked_bars(
    frame: pd.DataFrame,
    label: str,
    value: str,
    title: str,
    x_title: str,
    colors: Sequence[str] | str = PALETTE[0],
    percent: bool = False,
    rank: bool = True,
    row_height: int = 30,
    text: str | None = None,
) -> go.Figure:
    """Horizontal bars, largest on top (or in the frame's order), each with its number (or the
    `text` column) written beside it, so a category with a handful of people stays readable
    next to one with thousands. `colors`: one colour, or one per row of the frame."""
    order = frame[value].sort_values(ascending=False, kind="stable").index if rank else frame.index
    rows = frame.loc[order]
    if not isinstance(colors, str):
        colors = list(pd.Series(list(colors), index=frame.index).loc[order])
    number = "%{x:.1%}" if percent else "%{x:,d}"
    fig = go.Figure(
        go.Bar(
            x=rows[value],
            y=rows[label],
            orientation="h",
            marker_color=colors,
            text=list(rows[text]) if text else None,
            texttemplate="%{text}" if text else number,
            textposition="outside",
            cliponaxis=False,
            hovertemplate=f"%{{y}}: {'%{text}' if text else number}<extra></extra>",
        )
    )
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        font={"family": font_family()},
        height=max(260, 90 + row_height * len(rows)),
        margin={"l": 10, "r": 60, "t": 60, "b": 10},
        showlegend=False,
        separators=".,",
    )
    fig.update_xaxes(title=x_title, tickformat=".0%" if percent else ",d", range=_room_for_labels(rows[value], text))
    fig.update_yaxes(autorange="reversed", title=None, automargin=True, type="category")
    _whole_number_ticks(fig)
    return fig


def _room_for_labels(values: pd.Series, text: str | None = None) -> list[float]:
    """An x range that leaves room right of the longest bar for the number written beside it."""
    largest = float(values.max()) if len(values) and pd.notna(values.max()) else 0.0
    return [0, max(largest, 1e-9) * (1.45 if text else 1.18)]


def cumulative_by_year(frame: pd.DataFrame, month_names: Sequence[str], title: str, y_title: str) -> go.Figure:
    """Unique people so far in the year, one line per year (the latest year drawn boldest)."""
    fig = go.Figure()
    years = sorted(frame["year"].unique())
    for position, year in enumerate(years):
        rows = frame[frame["year"] == year].sort_values("month_of_year")
        latest = position == len(years) - 1
        fig.add_scatter(
            x=[month_names[m - 1] for m in rows["month_of_year"]],
            y=rows["cumulative_people"],
            name=str(year),
            mode="lines+markers",
            line={"color": PALETTE[0] if latest else NEUTRAL, "width": 3 if latest else 2},
            hovertemplate="%{y:,d}",
        )
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=list(month_names))
    return _layout(fig, title, y_title)


def return_share(frame: pd.DataFrame, title: str, y_title: str, complete: str, incomplete: str) -> go.Figure:
    """The share of each month's new people who came back within 90 days; months whose 90 days
    are not over yet are drawn pale, since their share can still grow."""
    fig = go.Figure()
    for done, name, colour in ((True, complete, PALETTE[0]), (False, incomplete, "#A6CEE3")):
        rows = frame[frame["complete"] == done]
        if rows.empty:
            continue
        fig.add_bar(
            x=rows["month"],
            y=rows["share_returned"],
            name=name,
            marker_color=colour,
            customdata=rows[["returned_within_90_days", "new_people"]],
            hovertemplate="%{y:.1%} (%{customdata[0]:,d} / %{customdata[1]:,d})",
        )
    _months(fig, frame["month"])
    _layout(fig, title, y_title)
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    return fig


def heatmap(
    frame: pd.DataFrame,
    x: str,
    y: str,
    z: str,
    title: str,
    text: str | None = None,
    percent: bool = False,
    x_is_month: bool = False,
    x_order: Sequence[str] | None = None,
) -> go.Figure:
    """A grid coloured by `z` (light to dark), each cell labelled with `text` (or `z`); columns in
    `x_order` when given (so languages stand in the same order on every chart)."""
    if x_is_month:  # one labelled column per month, every month named
        frame = frame.assign(**{x: _month_labels(frame[x])})
    grid = frame.pivot_table(index=y, columns=x, values=z, aggfunc="sum", sort=False, fill_value=0)
    if x_order is not None:
        grid = grid.reindex(columns=[c for c in x_order if c in grid.columns])
    labels = frame.pivot_table(index=y, columns=x, values=text or z, aggfunc="sum", sort=False, fill_value=0)
    labels = labels.reindex(index=grid.index, columns=grid.columns)
    cell = "{:.1%}" if percent and text is None else "{:,.0f}"
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(),
            x=list(grid.columns),
            y=list(grid.index),
            text=[[cell.format(v) for v in row] for row in labels.to_numpy()],
            texttemplate="%{text}" if len(grid.columns) <= 2 * FEW_MONTHS else "",
            colorscale=SEQUENTIAL,
            showscale=False,
            xgap=2,
            ygap=2,
            hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
        )
    )
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        font={"family": font_family()},
        height=max(260, 140 + 36 * len(grid.index)),
        margin={"l": 10, "r": 10, "t": 60 if x_is_month else 100, "b": 10},
        separators=".,",
    )
    fig.update_yaxes(autorange="reversed", type="category", automargin=True)
    fig.update_xaxes(type="category", side="bottom" if x_is_month else "top")
    return fig


def data_calendar(
    frame: pd.DataFrame, title: str, has_data: str, gap: str, not_expected: str, gap_text: str
) -> go.Figure:
    """Partners by month: a cell is blue when the partner has data, vermillion (and says so) when
    the month is a gap, grey before the partner's first data or after the coalition's last."""
    status = frame.assign(
        code=frame["gap"].map({True: 2, False: 1}).where(frame["expected"], 0),
        total=frame["contacts"] + frame["events"],
        month=_month_labels(frame["month"]),
    )
    grid = status.pivot_table(index="partner_name", columns="month", values="code", aggfunc="max", sort=False)
    totals = status.pivot_table(index="partner_name", columns="month", values="total", aggfunc="sum", sort=False)
    totals = totals.reindex(index=grid.index, columns=grid.columns)
    roomy = len(grid.columns) <= FEW_MONTHS  # with more months a cell has room for a mark only
    text = [
        [
            (gap_text if roomy else "!") if code == 2 else (f"{int(total):,}" if total and roomy else "")
            for code, total in zip(codes, sums, strict=True)
        ]
        for codes, sums in zip(grid.to_numpy(), totals.to_numpy(), strict=True)
    ]
    names = {0: not_expected, 1: has_data, 2: gap}
    hover = [
        [f"{names[int(code)]} {int(total):,}" for code, total in zip(codes, sums, strict=True)]
        for codes, sums in zip(grid.to_numpy(), totals.fillna(0).to_numpy(), strict=True)
    ]
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(),
            x=list(grid.columns),
            y=list(grid.index),
            zmin=0,
            zmax=2,
            colorscale=[
                [0.0, "#EEEEEE"],
                [0.33, "#EEEEEE"],
                [0.33, "#9ECAE1"],
                [0.66, "#9ECAE1"],
                [0.66, HIGHLIGHT],
                [1.0, HIGHLIGHT],
            ],
            text=text,
            customdata=hover,
            texttemplate="%{text}",
            showscale=False,
            xgap=2,
            ygap=2,
            hovertemplate="%{y} · %{x}: %{customdata}<extra></extra>",
        )
    )
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        font={"family": font_family()},
        height=max(260, 110 + 36 * len(grid.index)),
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        separators=".,",
    )
    fig.update_yaxes(autorange="reversed", type="category", automargin=True)
    fig.update_xaxes(type="category")
    return fig


def stacked_bars(
    frame: pd.DataFrame,
    x: str,
    y: str,
    group: str,
    names: Mapping[str, str],
    colors: Mapping[str, str],
    title: str,
    value_title: str,
    horizontal: bool = False,
    x_is_month: bool = False,
    months: pd.Series | None = None,
) -> go.Figure:
    """Bars of `y` by `x`, stacked by `group` (event type, hosting partner) in its colours.
    `months`: every month of the period, so months without a bar still take their place."""
    fig = go.Figure()
    for key, rows in frame.groupby(group, sort=False):
        values = {"x": rows[y], "y": rows[x]} if horizontal else {"x": rows[x], "y": rows[y]}
        fig.add_bar(
            **values,
            name=names.get(key, str(key)),
            marker_color=colors.get(key, NEUTRAL),
            orientation="h" if horizontal else "v",
            # the group's name by reference: a template is code, data never goes into one
            hovertemplate=("%{x:,d}" if horizontal else "%{y:,d}") + " · %{fullData.name}<extra></extra>",
        )
    fig.update_layout(barmode="stack")
    if x_is_month:
        span = pd.to_datetime(months if months is not None else frame[x])
        _months(fig, span)
        fig.update_xaxes(range=[span.min() - pd.Timedelta(days=16), span.max() + pd.Timedelta(days=16)])
    _layout(fig, title, None if horizontal else value_title)
    fig.update_layout(hovermode="closest")
    if horizontal:
        rows = frame[x].nunique()
        fig.update_layout(height=max(_bar_height(rows), 110 + 22 * frame[group].nunique()))
        fig.update_yaxes(autorange="reversed", type="category", tickformat=None, rangemode=None, automargin=True)
        fig.update_xaxes(title=value_title, tickformat=",d", rangemode="tozero")
        _whole_number_ticks(fig)
    return fig


def _outside(x: float, y: float) -> str:
    """Where a label sits so that it points away from the middle of a ring of nodes."""
    if abs(x) < 0.5:
        return "top center" if y > 0 else "bottom center"
    vertical = "top" if y > 0.3 else "bottom" if y < -0.3 else "middle"
    return f"{vertical} {'right' if x > 0 else 'left'}"


def network(
    nodes: pd.DataFrame, edges: pd.DataFrame, colors: Mapping[str, str], title: str, edge_label: str
) -> go.Figure:
    """Partners on a circle (in id order, so a partner sits in the same place every time), joined
    by lines as thick as the number of events they held together, each line labelled with it.

    `nodes`: partner_id, partner_name, events (co-hosted events); `edges`: partner_a, partner_b,
    events.
    """
    ordered = nodes.sort_values("partner_id").reset_index(drop=True)
    angles = np.linspace(0, 2 * np.pi, num=len(ordered), endpoint=False) + np.pi / 2
    position = {pid: (np.cos(a), np.sin(a)) for pid, a in zip(ordered["partner_id"], angles, strict=True)}
    heaviest = max(int(edges["events"].max()), 1) if not edges.empty else 1
    fig = go.Figure()
    for edge in edges.itertuples(index=False):
        (x0, y0), (x1, y1) = position[edge.partner_a], position[edge.partner_b]
        fig.add_scatter(
            x=[x0, x1],
            y=[y0, y1],
            mode="lines",
            line={"color": "#888888", "width": 1.5 + 8.5 * edge.events / heaviest},
            hoverinfo="skip",
            showlegend=False,
        )
    # labels 40% of the way along each line, so lines that cross in the middle keep theirs apart
    midpoints = [
        (
            0.6 * position[e.partner_a][0] + 0.4 * position[e.partner_b][0],
            0.6 * position[e.partner_a][1] + 0.4 * position[e.partner_b][1],
        )
        for e in edges.itertuples(index=False)
    ]
    if midpoints:
        fig.add_scatter(
            x=[m[0] for m in midpoints],
            y=[m[1] for m in midpoints],
            mode="markers+text",
            marker={"size": 22, "color": "white", "line": {"color": "#888888", "width": 1}},
            text=[f"{int(v):,}" for v in edges["events"]],
            textfont={"size": 12},
            customdata=[f"{a} – {b}" for a, b in zip(edges["partner_a_name"], edges["partner_b_name"], strict=True)],
            hovertemplate=f"%{{customdata}}: %{{text}} {edge_label}<extra></extra>",
            showlegend=False,
        )
    most = max(int(ordered["events"].max()), 1) if not ordered.empty else 1
    fig.add_scatter(
        x=[position[p][0] for p in ordered["partner_id"]],
        y=[position[p][1] for p in ordered["partner_id"]],
        mode="markers+text",
        marker={
            "size": [18 + 26 * v / most for v in ordered["events"]],
            "color": [colors.get(p, NEUTRAL) for p in ordered["partner_id"]],
            "line": {"color": "white", "width": 2},
        },
        text=list(ordered["partner_name"]),
        textposition=[_outside(*position[p]) for p in ordered["partner_id"]],
        customdata=ordered["events"],
        hovertemplate=f"%{{text}}: %{{customdata:,d}} {edge_label}<extra></extra>",
        showlegend=False,
    )
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        font={"family": font_family()},
        height=520,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        plot_bgcolor="white",
        separators=".,",
    )
    fig.update_xaxes(visible=False, range=[-1.6, 1.6])
    fig.update_yaxes(visible=False, range=[-1.35, 1.35], scaleanchor="x")
    return fig


def paired_bars(
    frame: pd.DataFrame,
    label: str,
    measures: Sequence[tuple[str, str]],
    title: str,
    x_title: str,
) -> go.Figure:
    """Horizontal bars of two or more measures (unique people, contacts) per category, in the
    frame's order (top first), each bar with its number written beside it."""
    fig = go.Figure()
    for position, (column, name) in enumerate(measures):
        fig.add_bar(
            x=frame[column],
            y=frame[label],
            name=name,
            orientation="h",
            marker_color=PALETTE[position],
            texttemplate="%{x:,d}",
            textposition="outside",
            cliponaxis=False,
            hovertemplate=f"%{{y}} · {name}: %{{x:,d}}<extra></extra>",
        )
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        font={"family": font_family()},
        barmode="group",
        bargap=0.25,
        height=max(260, 100 + 22 * len(measures) * len(frame)),
        margin={"l": 10, "r": 70, "t": 60, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1, "traceorder": "normal"},
        separators=".,",
    )
    largest = pd.concat([frame[column] for column, _ in measures])
    fig.update_xaxes(title=x_title, tickformat=",d", range=_room_for_labels(largest))
    fig.update_yaxes(autorange="reversed", type="category", automargin=True, title=None)
    _whole_number_ticks(fig)
    return fig


# --- targets, milestones and the community's voice ------------------------------------------

GOAL_COLOR = "#000000"
MILESTONE_COLOR = "#882255"
# Answers 1 (not at all) to 5 (very much): vermillion and orange below the middle, grey in it,
# blues above (Okabe-Ito: told apart in every common kind of colour vision).
SCALE_COLORS = ("#D55E00", "#E69F00", "#BBBBBB", "#56B4E9", "#0072B2")
STATUS_COLORS = {
    "met": "#009E73",
    "on_track": "#0072B2",
    "behind": "#D55E00",
    "missed": "#D55E00",
    "under_way": "#56B4E9",
    "not_started": NEUTRAL,
}


def add_goal_lines(
    fig: go.Figure, goals: pd.DataFrame, name: str, month_names: Sequence[str] | None = None
) -> go.Figure:
    """A dashed line per target over a monthly chart (goals: month, goal, name, as goals.goal_lines
    gives them); `name` is the legend's words with {name} for the target's name. `month_names`:
    the chart's x axis names the months of a year (January first) instead of dating them."""
    for target, rows in goals.groupby("name", sort=False):
        x = [month_names[pd.Timestamp(m).month - 1] for m in rows["month"]] if month_names else rows["month"]
        fig.add_scatter(
            x=x,
            y=rows["goal"],
            name=name.format(name=target),
            mode="lines+markers",  # a tick per month: a target that covers one month of the chart still shows
            line={"color": GOAL_COLOR, "width": 2, "dash": "dash"},
            marker={"symbol": "line-ew-open", "size": 12, "color": GOAL_COLOR, "line": {"width": 2}},
            hovertemplate="%{y:,.0f}",
            meta="goal",
        )
    return fig


def mark_milestones(fig: go.Figure, marks: pd.DataFrame) -> go.Figure:
    """Milestones on a chart by month: a dotted line at each month that has one, and a diamond at the
    top of the plot whose hover names them (day, title, partners). marks: month, date, title,
    partners (goals.milestone_marks). Titles and names are people's text and annotations are not
    traces (markup.figure escapes traces), so they are escaped here."""
    if marks.empty:
        return fig
    for month, rows in marks.groupby("month", sort=True):
        lines = []
        for row in rows.itertuples(index=False):
            line = f"{i18n.format_date(row.date)} · {markup.chart(row.title)}"
            if row.partners:
                line += f" ({markup.chart(row.partners)})"
            lines.append(line)
        fig.add_shape(
            type="line",
            x0=month,
            x1=month,
            xref="x",
            y0=0,
            y1=1,
            yref="paper",
            line={"color": MILESTONE_COLOR, "width": 1, "dash": "dot"},
            layer="below",
            name="milestone",  # i18n: ignore (a name for code and tests, never shown)
        )
        fig.add_annotation(
            x=month,
            y=1,
            xref="x",
            yref="paper",
            yanchor="top",
            text="◆" if len(lines) == 1 else f"◆{len(lines)}",
            showarrow=False,
            font={"color": MILESTONE_COLOR, "size": 13},
            hovertext="<br>".join(lines),
            name="milestone",  # i18n: ignore (a name for code and tests, never shown)
        )
    return fig


def monthly_bars(frame: pd.DataFrame, y: str, name: str, title: str, y_title: str) -> go.Figure:
    """One bar per calendar month (survey responses); the numbers in the hover."""
    fig = go.Figure()
    fig.add_bar(x=frame["month"], y=frame[y], name=name, marker_color=PALETTE[0], hovertemplate="%{y:,d}")
    _months(fig, frame["month"])
    return _layout(fig, title, y_title)


def cumulative_progress(
    frame: pd.DataFrame, goals: pd.DataFrame, target: int, title: str, actual: str, goal: str, y_title: str
) -> go.Figure:
    """A target's actual so far at the end of each month (bars) against the pace expected by then
    (dashed) and the target itself (a line across). frame: month, cumulative."""
    fig = go.Figure()
    fig.add_bar(x=frame["month"], y=frame["cumulative"], name=actual, marker_color=PALETTE[0], hovertemplate="%{y:,d}")
    add_goal_lines(fig, goals, goal)
    fig.add_hline(y=target, line={"color": GOAL_COLOR, "width": 1}, layer="below")
    _months(fig, frame["month"])
    _layout(fig, title, y_title)
    fig.update_yaxes(range=[0, max([target, *frame["cumulative"].fillna(0)]) * 1.1 or 1])
    return fig


def progress_bars(frame: pd.DataFrame, title: str, pace: str, names: Mapping[str, str]) -> go.Figure:
    """Each target's actual as a share of it (a bar in its status's colour, with the counts beside
    it) and the share expected by now (a black tick). frame: label, share, expected_share, status,
    text (goals.progress_frame and the page's words); `names`: status -> its words."""
    rows = frame.reset_index(drop=True)
    fig = go.Figure()
    fig.add_bar(
        x=rows["share"].fillna(0).clip(upper=1.5),
        y=rows["label"],
        orientation="h",
        marker_color=[STATUS_COLORS.get(s, NEUTRAL) for s in rows["status"]],
        text=list(rows["text"]),
        textposition="outside",
        cliponaxis=False,
        customdata=[names.get(s, s) for s in rows["status"]],
        hovertemplate="%{y}: %{text} · %{customdata}<extra></extra>",
        showlegend=False,
    )
    expected = rows.dropna(subset=["expected_share"])
    if not expected.empty:
        fig.add_scatter(
            x=expected["expected_share"].clip(upper=1.5),
            y=expected["label"],
            mode="markers",
            marker={
                "symbol": "line-ns-open",
                "size": 22,
                "color": GOAL_COLOR,
                "line": {"width": 3, "color": GOAL_COLOR},
            },
            name=pace,
            hovertemplate="%{x:.0%}<extra></extra>",
        )
    fig.add_vline(x=1, line={"color": NEUTRAL, "width": 1, "dash": "dot"}, layer="below")
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        font={"family": font_family()},
        height=max(260, 110 + 34 * len(rows)),
        margin={"l": 10, "r": 120, "t": 60, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
        separators=".,",
    )
    fig.update_xaxes(tickformat=".0%", range=[0, max(1.1, float(rows["share"].fillna(0).clip(upper=1.5).max()) + 0.1)])
    fig.update_yaxes(autorange="reversed", type="category", automargin=True)
    return fig


def milestone_timeline(marks: pd.DataFrame, title: str) -> go.Figure:
    """Milestones along the period: a row per kind, a diamond per milestone (public ones filled),
    its title beside it. marks: date, title, kind_name, partners, public (goals.milestone_marks)."""
    fig = go.Figure()
    for public, symbol in ((True, "diamond"), (False, "diamond-open")):
        rows = marks[marks["public"] == public]
        if rows.empty:
            continue
        fig.add_scatter(
            x=[pd.Timestamp(d) for d in rows["date"]],
            y=rows["kind_name"],
            mode="markers+text",
            text=list(rows["title"]),
            textposition="top center",
            textfont={"size": 11},
            customdata=[[i18n.format_date(d), p] for d, p in zip(rows["date"], rows["partners"], strict=True)],
            marker={
                "symbol": symbol,
                "size": 13,
                "color": MILESTONE_COLOR,
                "line": {"width": 2, "color": MILESTONE_COLOR},
            },
            hovertemplate="%{customdata[0]} · %{text}<br>%{customdata[1]}<extra></extra>",
            showlegend=False,
        )
    kinds = list(dict.fromkeys(marks["kind_name"]))
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        font={"family": font_family()},
        height=max(240, 120 + 48 * len(kinds)),
        margin={"l": 10, "r": 30, "t": 60, "b": 10},
        separators=".,",
    )
    fig.update_yaxes(type="category", automargin=True, categoryorder="array", categoryarray=kinds)
    if len(marks):
        first, last = pd.Timestamp(min(marks["date"])), pd.Timestamp(max(marks["date"]))
        fig.update_xaxes(range=[first - pd.Timedelta(days=30), last + pd.Timedelta(days=30)])
    return fig


def diverging_bars(frame: pd.DataFrame, title: str, answer_names: Sequence[str], x_title: str) -> go.Figure:
    """Answers on a scale of 1 to 5 per group, as bars that diverge from the middle: 1 and 2 to the
    left, 4 and 5 to the right, 3 split across the middle, so groups compare at a glance by how far
    their bars reach each way. frame: label (the group, with its number of responses), share_1 ..
    share_5, count_1 .. count_5, in the order to show; `answer_names`: the words of 1 .. 5."""
    fig = go.Figure()
    # relative bars stack outwards from 0 in the order they are added: the middle first
    order = ((3, -0.5), (2, -1.0), (1, -1.0), (3, 0.5), (4, 1.0), (5, 1.0))
    for answer, sign in order:
        share = frame[f"share_{answer}"].fillna(0)
        fig.add_bar(
            x=share * sign,
            y=frame["label"],
            orientation="h",
            name=answer_names[answer - 1],
            legendgroup=str(answer),
            legendrank=answer,
            showlegend=not (answer == 3 and sign < 0),
            marker_color=SCALE_COLORS[answer - 1],
            customdata=list(zip(share, frame[f"count_{answer}"].fillna(0).astype(int), strict=True)),
            hovertemplate="%{y} · %{fullData.name}: %{customdata[0]:.0%} (%{customdata[1]:,d})<extra></extra>",
        )
    ticks = [-1.0, -0.5, 0.0, 0.5, 1.0]
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        font={"family": font_family()},
        barmode="relative",
        height=max(240, 120 + 34 * len(frame)),
        margin={"l": 10, "r": 10, "t": 70, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1, "traceorder": "normal"},
        separators=".,",
    )
    fig.update_xaxes(
        title=x_title,
        range=[-1.02, 1.02],
        tickvals=ticks,
        ticktext=[i18n.format_percent(abs(t), 0) for t in ticks],
        zeroline=True,
        zerolinecolor="#555555",
    )
    fig.update_yaxes(autorange="reversed", type="category", automargin=True)
    return fig


# --- by calendar year (the essential ingredients, pages/13_ingredients.py) ---------------------------
# x: a frame's `year_label` as categories ("2023", "2024 (to Nov 30)"), never a number axis with
# half years; a year the period covers only in part (`partial`) is drawn pale or open.


def _years_axis(fig: go.Figure, labels: Iterable[str]) -> None:
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=list(dict.fromkeys(labels)))


def year_bars(frame: pd.DataFrame, measures: Sequence[tuple[str, str]], title: str, y_title: str) -> go.Figure:
    """Counts per calendar year, one bar per measure side by side (events, and those held together)."""
    fig = go.Figure()
    opacity = [0.45 if partial else 1.0 for partial in frame["partial"]]
    for position, (column, name) in enumerate(measures):
        fig.add_bar(
            x=frame["year_label"],
            y=frame[column],
            name=name,
            marker={"color": PALETTE[position], "opacity": opacity},
            hovertemplate="%{y:,d}",
        )
    fig.update_layout(barmode="group")
    _years_axis(fig, frame["year_label"])
    return _layout(fig, title, y_title)


def year_stacked(
    frame: pd.DataFrame, value: str, group: str, colors: Mapping[str, str], title: str, y_title: str
) -> go.Figure:
    """Counts per calendar year stacked by `group`, a column of names people read (a channel, a
    partner), each in its colour from `colors` (by name)."""
    fig = go.Figure()
    ordered = frame.sort_values("year", kind="stable")
    for name, rows in ordered.groupby(group, sort=False):
        fig.add_bar(
            x=rows["year_label"],
            y=rows[value],
            name=str(name),
            marker={
                "color": colors.get(str(name), NEUTRAL),
                "opacity": [0.45 if partial else 1.0 for partial in rows["partial"]],
            },
            hovertemplate="%{y:,d} · %{fullData.name}<extra></extra>",
        )
    fig.update_layout(barmode="stack")
    _years_axis(fig, ordered["year_label"])
    _layout(fig, title, y_title)
    fig.update_layout(hovermode="closest")
    return fig


def year_shares(frame: pd.DataFrame, measures: Sequence[tuple[str, str]], title: str, y_title: str) -> go.Figure:
    """Shares per calendar year, a line per measure (up to three years, each point with its
    percentage); a year without a share (no base, or too few answers) leaves a gap, and a year the
    period covers in part has an open marker."""
    fig = go.Figure()
    symbols = ["circle-open" if partial else "circle" for partial in frame["partial"]]
    few = len(frame) <= 3  # a year or two read as numbers, not as lone dots; more make a line that reads itself
    for position, (column, name) in enumerate(measures):
        fig.add_scatter(
            x=frame["year_label"],
            y=pd.to_numeric(frame[column], errors="coerce").astype("float64"),
            name=name,
            mode="lines+markers+text" if few else "lines+markers",
            line={"color": PALETTE[position], "width": 2},
            marker={"size": 9, "symbol": symbols},
            texttemplate="%{y:.0%}" if few else None,
            textposition="top center",
            textfont={"color": PALETTE[position]},
            hovertemplate="%{y:.1%}",
        )
    _years_axis(fig, frame["year_label"])
    _layout(fig, title, y_title)
    fig.update_yaxes(tickformat=".0%", range=[0, 1.12])
    return fig


def matrix(
    frame: pd.DataFrame,
    x: str,
    y: str,
    z: str,
    title: str,
    x_order: Sequence[str] | None = None,
    blank_zeros: bool = False,
) -> go.Figure:
    """A heat map whose column names stand below the grid (long names such as focus areas or event
    types would otherwise rise into the title), level up to six columns and slanted beyond;
    `blank_zeros` leaves an empty cell where a count is 0 (who works in which field: the marks read
    at a glance)."""
    fig = heatmap(frame, x, y, z, title, x_order=x_order)
    if blank_zeros:
        fig.data[0].text = [["" if cell == "0" else cell for cell in row] for row in fig.data[0].text]
    fig.update_xaxes(side="bottom", tickangle=0 if len(fig.data[0].x) <= 6 else -30, automargin=True)
    fig.update_layout(margin={"t": 60})
    return fig
