"""The shared sidebar filters as widgets (the rules are in `impact.filters`).

Within a session the filters follow the reader from page to page (the sidebar's page links
carry only the interface language): the last choice is kept in the session and written
back into each page's URL. A URL that asks for other filters (a shared link) wins.
"""

from __future__ import annotations

import streamlit as st

from impact import i18n, labels, markup, metrics, periods
from impact.filters import (
    LISTS,
    PERIODS,
    URL_KEYS,
    DataSpan,
    FilterState,
    data_span,
    parse_query,
    period_of,
    period_range,
    to_query,
    to_scope,
)
from impact.i18n import _

# session_state keys: the widgets', and what this session chose and wrote into the URL last
_KEY = {name: f"filters.{name}" for name in ("period", "dates", *LISTS)}
_CHOSEN = "filters._chosen"
_PENDING_DATES = "filters._pending_dates"  # a range picker with only its first day picked
_WRITTEN = "filters._written"


def sidebar(run: metrics.Runner) -> tuple[metrics.Scope, periods.Period]:
    """Draw the shared filters in the sidebar; return the scope they choose and its period.

    The lists of partners, languages and neighborhoods come from their own cached query,
    which no filter changes. When the store holds no data at all, the page says so and
    stops here.
    """
    options = metrics.filter_options(run)
    span = data_span(metrics.data_extent(run))
    if span is None:
        st.info(
            _("No data yet. An analyst can load partners, events and contacts on the Upload page."),
            icon=":material/info:",
        )
        st.stop()
    state, problems = _chosen_state(options)
    state = FilterState(
        period=state.period,
        start=state.start,
        end=state.end,
        partners=tuple(p for p in state.partners if p in options.partners),
        languages=tuple(v for v in state.languages if v in options.languages),
        neighborhoods=tuple(v for v in state.neighborhoods if v in options.neighborhoods),
    )  # a partner or language that an undone upload took away is no longer chosen
    _seed_widgets(state, span)
    for problem in problems:  # at the top of the page, where a phone shows it too
        st.warning(markup.text(problem), icon=":material/link_off:")  # it quotes the URL's values
    with st.sidebar:
        st.subheader(_("Filters"))
        _widgets(state, options, span)
    st.session_state[_CHOSEN] = state
    _write_url(state)
    return to_scope(state, span), period_of(state, span)


def clear() -> None:
    """Back to the defaults (a callback of the sidebar's button and of the empty state's)."""
    st.session_state[_CHOSEN] = FilterState()
    st.session_state.pop(_PENDING_DATES, None)


def _url_query() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in URL_KEYS if key in st.query_params}


def _chosen_state(options: metrics.FilterOptions) -> tuple[FilterState, list[str]]:
    """What this run shows: the URL's filters when it asks for a view this session has not
    written itself (a shared link, a new tab), else this session's last choice (kept when a
    page link drops the filters from the URL)."""
    url = _url_query()
    if url and url != st.session_state.get(_WRITTEN):
        parsed = parse_query(url, options)
        st.session_state.pop(_PENDING_DATES, None)
        return parsed.state, parsed.problems
    return st.session_state.get(_CHOSEN) or FilterState(), []


def _seed_widgets(state: FilterState, span: DataSpan) -> None:
    """Give every widget its value from the chosen state before it is drawn. Widgets of the same
    key on another page are other widgets to Streamlit, so the state, not the widget, is the
    memory; the widgets' callbacks keep it up to date."""
    values = {
        "period": state.period,
        "dates": st.session_state.get(_PENDING_DATES) or period_range(state, span),
        "partners": list(state.partners),
        "languages": list(state.languages),
        "neighborhoods": list(state.neighborhoods),
    }
    for name, value in values.items():
        st.session_state[_KEY[name]] = value


def _remember(span: DataSpan) -> None:
    """A widget changed: keep the new choice (callbacks run before the page script)."""
    before = st.session_state.get(_CHOSEN) or FilterState()
    period = st.session_state[_KEY["period"]]
    start = end = None
    if period == "custom":
        picked = st.session_state.get(_KEY["dates"])
        if before.period != "custom":  # just switched: start from the range on screen
            start, end = period_range(before, span)
        elif isinstance(picked, tuple | list) and len(picked) == 2:
            start, end = picked
            st.session_state.pop(_PENDING_DATES, None)
        else:  # only the first day is picked so far: keep it on screen, keep counting the last range
            st.session_state[_PENDING_DATES] = tuple(picked or ())
            start, end = period_range(before, span)
    st.session_state[_CHOSEN] = FilterState(
        period=period,
        start=start,
        end=end,
        partners=tuple(st.session_state[_KEY["partners"]]),
        languages=tuple(st.session_state[_KEY["languages"]]),
        neighborhoods=tuple(st.session_state[_KEY["neighborhoods"]]),
    )


def _widgets(state: FilterState, options: metrics.FilterOptions, span: DataSpan) -> None:
    """The filter widgets, showing `state` (seeded into them); a change reaches the next run
    through `_remember`."""
    changed = {"on_change": _remember, "args": (span,)}
    period = st.selectbox(
        _("Period"), list(PERIODS), format_func=lambda code: _(PERIODS[code]), key=_KEY["period"], **changed
    )
    if period == "custom":
        shown = st.session_state[_KEY["dates"]]
        st.date_input(
            _("From and to"),
            min_value=min(span.first_day, shown[0]),
            max_value=max(span.last_day, shown[-1]),
            key=_KEY["dates"],
            format="YYYY-MM-DD",
            help=_("Pick the first day, then the last day."),
            **changed,
        )
    else:
        first, last = period_range(FilterState(period=period), span)
        st.caption(_("{start} to {end}").format(start=i18n.format_date(first), end=i18n.format_date(last)))
    st.multiselect(
        _("Partners"),
        list(options.partners),
        format_func=lambda pid: options.partners.get(pid, pid),
        key=_KEY["partners"],
        placeholder=_("All partners"),
        **changed,
    )
    st.multiselect(
        _("Languages"),
        list(options.languages),
        format_func=labels.formatter("language"),
        key=_KEY["languages"],
        placeholder=_("All languages"),
        **changed,
    )
    st.multiselect(
        _("Neighborhoods"),
        list(options.neighborhoods),
        format_func=labels.formatter("neighborhood"),
        key=_KEY["neighborhoods"],
        placeholder=_("All neighborhoods"),
        **changed,
    )
    if state != FilterState():
        st.button(_("Clear filters"), on_click=clear, icon=":material/filter_alt_off:", key="filters.clear")


def _write_url(state: FilterState) -> None:
    """Put the state into the URL (only the filter parameters; others, like `lang`, stay)."""
    wanted = to_query(state)
    if _url_query() != wanted:
        # one change of the URL, not one per parameter: the browser's Back goes to the last view
        others = {key: st.query_params.get_all(key) for key in st.query_params if key not in URL_KEYS}
        st.query_params.from_dict(
            {key: values if len(values) > 1 or key in LISTS else values[0] for key, values in (others | wanted).items()}
        )
    st.session_state[_WRITTEN] = wanted
