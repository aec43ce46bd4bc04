"""Chart builders: DataFrame in, plotly Figure out. No Streamlit here."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

# Okabe-Ito: distinguishable with the common kinds of colour blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
FONT = "Noto Sans, Noto Sans CJK TC, Noto Sans CJK SC, PingFang TC, Microsoft JhengHei, sans-serif"


def _layout(fig: go.Figure, title: str, y_title: str) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        font={"family": FONT},
        yaxis_title=y_title,
        xaxis_title=None,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        hovermode="x unified",
        separators=".,",
    )
    fig.update_yaxes(rangemode="tozero", tickformat=",d")
    return fig


def monthly_reach(frame: pd.DataFrame) -> go.Figure:
    """Unique people (bars) and contacts (line) per month."""
    fig = go.Figure()
    fig.add_bar(
        x=frame["month"],
        y=frame["unique_people"],
        name="Unique people",
        marker_color=PALETTE[0],
        hovertemplate="%{y:,d}",
    )
    fig.add_scatter(
        x=frame["month"],
        y=frame["contacts"],
        name="Contacts",
        mode="lines+markers",
        line={"color": PALETTE[1], "width": 2},
        hovertemplate="%{y:,d}",
    )
    fig.update_xaxes(dtick="M1" if len(frame) <= 13 else None, tickformat="%b %Y")
    return _layout(fig, "Unique people and contacts by month", "People / contacts")
