"""The public impact page drawn in Streamlit from its view model (impact.public_view.PublicPage).

Phone first: the headline figures wrap two or three to a row, each chart takes the full width,
and each chart's numbers wait in a closed expander (drawn only when opened). Every text a person
or a file supplied is escaped (impact.markup.text); figures come escaped from the view model.
"""

from __future__ import annotations

import functools
import logging
import threading

import pandas as pd
import streamlit as st

from impact import config, i18n, markup, public, public_view
from impact.i18n import _

log = logging.getLogger(__name__)

# The session-state key of a chart's "numbers behind" expander is this and the chart's key.
NUMBERS_KEY = "impact_numbers."
# Plotly's toolbar: a PNG of the chart (named after it) and nothing that edits it.
_REMOVED_BUTTONS = ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines", "hoverClosestCartesian"]


def chart_config(chart: public_view.Chart) -> dict:
    """The toolbar of a public chart: on, with a PNG download named after the chart."""
    return {
        "displayModeBar": True,
        "displaylogo": False,
        "modeBarButtonsToRemove": _REMOVED_BUTTONS,
        "toImageButtonOptions": {"format": "png", "filename": chart.filename, "scale": 2},
    }


def _text_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A table whose cells read Markdown in st.table: every cell and header escaped as text."""
    shown = frame.fillna("").astype(str).map(markup.text)
    shown.columns = [markup.text(c) for c in frame.columns]
    return shown


def _headlines(page: public_view.PublicPage) -> None:
    st.subheader(markup.text(page.year_heading), anchor=False)
    # three to a row on a wide screen, two on a 390 px phone (the page's style, pages/5_impact.py), each
    # with room for its whole label (a card's border would take it), as wide as the others in its row
    with st.container(horizontal=True, gap="small", key="impact_headlines"):
        for headline in page.headlines:
            st.metric(headline.label, headline.value, help=headline.help, border=False, width="stretch")
    notes = [h.note for h in page.headlines if h.note]
    if notes:
        st.caption(markup.text(notes[0]))
    if page.all_years:
        st.markdown(markup.text(page.all_years))


def _chart(chart: public_view.Chart) -> None:
    if chart.figure is None:  # nothing to draw: the message, and the table if it has rows
        st.subheader(markup.text(chart.title), anchor=False)
        st.info(markup.text(chart.message or ""))
        if not chart.table.empty:
            st.table(_text_table(chart.table).set_index(markup.text(chart.table.columns[0])))
            if chart.note:
                st.caption(markup.text(chart.note))
        return
    st.plotly_chart(chart.figure, width="stretch", config=chart_config(chart), key=f"impact_chart.{chart.key}")
    if chart.caption:
        st.caption(markup.text(chart.caption))
    if chart.note:
        st.caption(markup.text(chart.note))
    box = st.expander(
        _("The numbers behind this chart"), icon=":material/table:", key=NUMBERS_KEY + chart.key, on_change="rerun"
    )
    if box.open:
        with box:
            st.table(_text_table(chart.table).set_index(markup.text(chart.table.columns[0])))


def _milestones(page: public_view.PublicPage) -> None:
    if not page.milestones:
        return
    frame = pd.DataFrame(
        {
            _("Date"): [m.date_text for m in page.milestones],
            _("Milestone"): [m.title for m in page.milestones],
            _("Kind"): [m.kind for m in page.milestones],
        }
    )
    box = st.expander(_("Milestones"), icon=":material/flag:", key=NUMBERS_KEY + "milestones", on_change="rerun")
    if box.open:
        with box:
            st.table(_text_table(frame).set_index(markup.text(_("Date"))))


def draw_header(page: public_view.PublicPage) -> None:
    """What comes right under the title (and a share link's heading): demo data, the as-of date."""
    if page.demo_note:
        st.info(markup.text(page.demo_note), icon=":material/science:")
    st.caption(markup.text(page.as_of))


def draw_body(page: public_view.PublicPage) -> None:
    """The chosen year's figures, the charts, the definitions and the method (below the year's choice)."""
    _headlines(page)
    if page.breakdown_note:
        st.info(markup.text(page.breakdown_note))
    for chart in page.charts:
        if chart.message and chart.figure is None and chart.message == page.breakdown_note:
            continue  # said once, above
        _chart(chart)
        if chart.key == "trend":
            _milestones(page)
    if not any(chart.key == "trend" for chart in page.charts):  # a one-year page: no trend to mark them on
        _milestones(page)
    st.subheader(_("Definitions and method"), anchor=False)
    st.markdown("\n".join(f"- **{markup.text(d.term)}**: {markup.text(d.text)}" for d in page.definitions))
    st.markdown("\n\n".join(markup.text(n) for n in (*page.notes, page.suppression_note)))


@functools.cache
def warm_up() -> None:
    """Once per server process (app.py's first run): in the background, what every visitor of the
    public page needs - every language's catalog, the stored report of the open page (built and
    stored if the data changed without it, e.g. an old database), its page in every language -
    so that the first visitor waits for none of it. Not under AppTest: a test's database is its own."""
    if st.config.get_option("global.appTest"):
        return
    threading.Thread(target=_warm, name="impact-public-warm-up", daemon=True).start()


def _warm() -> None:
    try:
        if not config.db_path().exists():  # nothing to warm, and a warm-up never creates a database
            return
        scope = public.open_scope()
        report = public.stored_report(scope) if scope is not None else None
        for language in i18n.LANGUAGES:
            with i18n.using(language):
                _("Our shared impact")  # compiles the language's catalog
                if report is not None:
                    public_view.build_page(report, language)
        log.info("public page warmed up")
    except Exception:  # a visit builds what the warm-up could not, and says why
        log.exception("the public page's warm-up failed")
