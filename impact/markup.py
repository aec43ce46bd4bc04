"""Text that people or files supplied, shown as text: never as markup.

Streamlit reads Markdown in st.markdown, captions, alerts, titles, widget labels, help texts
and st.table cells (links, images, `:material/icons:`, `$math$`, autolinked addresses), and
plotly reads a few HTML tags in every chart text (`<a href>`, `<b>`, `<br>`, `<span style>`:
labels, legends, hovers, ticks). A partner named `[x](https://evil.example)` or
`<a href="https://evil.example">x</a>` must read as those characters, never become a link.

Everything a person or a file supplied (partner, event-derived and file names, share-link
labels, values read from the URL) goes through one of these before it is drawn:

- `text()` for Streamlit's Markdown elements: every character that starts Markdown inline
  (backslash, backtick, `* _ { } [ ] < > & ~ $ |`) is backslash-escaped, and so is what starts a block at
  the start of the text (`#`, `-`, `+`, `=`, `1.`); addresses, emails and shortcodes are
  broken by an invisible word joiner (Streamlit links and draws them after parsing, where
  escapes no longer count); line breaks become spaces. Commas, quotes, parentheses and the
  like need nothing and stay as they are. Elements that show text literally (st.dataframe,
  st.code, widget options) need nothing.
- `chart()` for one plotly text, `figure()` for every text of a built figure (how the
  dashboards and the impact page draw charts: data goes into charts raw, once, here).

No Streamlit and no plotly import: these are string functions (tests/test_security_markup.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

# Characters that start Markdown anywhere in a line: code, emphasis, strikethrough, math, links
# and images ([...]), HTML and autolinks (<...>), entities (&...;), tables, directives' {...}.
_MARKDOWN_INLINE = re.compile(r"([\\`*_{}\[\]<>&~$|])")
# ... and what starts a block only at the start of the text: headings, lists, rules, quotes.
_MARKDOWN_BLOCK_START = re.compile(r"^(\s*)(#|\+|-|=|\d+(?=[.)]))")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
# Streamlit turns some plain text into links and icons after the Markdown is parsed, on the text
# itself, where escapes no longer count: addresses (https://..., www....), emails (a@b.org) and
# shortcodes (:material/icon:, :smile:). An invisible WORD JOINER before every ':' and '@' and
# after 'www' breaks each of those patterns and changes nothing a reader sees.
_WORD_JOINER = "\u2060"
_AUTOLINK_PARTS = re.compile(r"(?i)(?<=www)(?=\.)|(?=[:@])")
_CHART_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})

# Trace attributes that can carry data (names, categories, labels); numbers pass unchanged.
_TRACE_TEXTS = ("name", "text", "hovertext", "x", "y", "z", "labels", "customdata", "ids", "legendgroup")
# Axis attributes that list categories (they must match the escaped categories). Tick texts
# are the builders' own labels (month names, with a <br> where they want one) and stay as made.
_AXIS_TEXTS = ("categoryarray",)


def text(value: object) -> str:
    """`value` as literal text inside any Streamlit element that reads Markdown."""
    plain = _AUTOLINK_PARTS.sub(_WORD_JOINER, _LINE_BREAKS.sub(" ", str(value)).lstrip())
    escaped = _MARKDOWN_INLINE.sub(r"\\\1", plain)
    return _MARKDOWN_BLOCK_START.sub(_escape_block_start, escaped)


def _escape_block_start(found: re.Match[str]) -> str:
    """`# x`, `- x`, `+ x`, `= x` and `1. x` at the start read as themselves, not as a heading or a list."""
    marker = found.group(2)
    return found.group(1) + (marker + "\\" if marker[0].isdigit() else "\\" + marker)


def chart(value: object) -> str:
    """`value` as literal text inside a plotly label, legend, hover or tick."""
    return str(value).translate(_CHART_ENTITIES)


def _escaped(value: Any) -> Any:
    """Every string in `value` (a string, a sequence, an array, nested) passed through chart()."""
    if isinstance(value, str):
        return chart(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "OUS":
            return np.array([_escaped(v) for v in value.ravel()], dtype=object).reshape(value.shape)
        return value
    if isinstance(value, pd.Series | pd.Index):
        return _escaped(value.to_numpy())
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_escaped(v) for v in value)
    return value


def figure(fig: Any) -> Any:
    """Escape, in place, every text of a plotly figure that data can reach; returns the figure.

    Titles and tick texts are the builders' own (translated sentences, month names) and stay
    as they are; hover templates are code (`%{y}: %{text}`) and must never hold data (a builder
    puts a name in `name` or `text` and refers to it, as `%{fullData.name}` or `%{text}`).
    Run once per figure.
    """
    for trace in fig.data:
        for attribute in _TRACE_TEXTS:
            if attribute in trace and trace[attribute] is not None:
                trace[attribute] = _escaped(trace[attribute])
    for axis in _axes(fig.layout):
        for attribute in _AXIS_TEXTS:
            if axis[attribute] is not None:
                axis[attribute] = _escaped(axis[attribute])
    return fig


def _axes(layout: Any) -> Iterable[Any]:
    for name in layout:
        if name.startswith(("xaxis", "yaxis")):
            yield layout[name]
