"""No user-visible English outside the catalog: the scan of pages/ and impact/, and what it counts."""

from __future__ import annotations

import textwrap

from impact import i18n_scan


def findings(source: str, path: str = "pages/x.py") -> list[tuple[int, str]]:
    return [(f.line, f.text) for f in i18n_scan.scan_source(textwrap.dedent(source), path)]


def test_no_user_visible_literal_is_left_outside_the_catalog() -> None:
    """Every title, label, help text, message and chart title of pages/ and impact/ goes through _()."""
    found = i18n_scan.scan()
    assert not found, f"{len(found)} user-visible literals are not wrapped in _():\n" + "\n".join(map(str, found))


def test_streamlit_text_and_labels_are_user_visible() -> None:
    """Titles, messages, widget labels, help, tabs and metric labels given as literals are found."""
    source = """
        import streamlit as st
        st.title("Reach")
        st.sidebar.error(f"Could not read {name}")
        left, right = st.columns(2)
        left.metric("People", "1,234", help="Counted once")
        for column, kpi in zip(st.columns(4), kpis):
            column.button("Go")
        with st.expander("Details") as box:
            box.write("Some", "words")
        tabs = st.tabs(["Upload", "History"])
        st.radio(_("Kind"), ["Partners", "Events"])
        st.markdown("Total: " + str(n))
        st.info("{n} rows".format(n=n))
    """
    assert sorted(text for _, text in findings(source)) == sorted(
        [
            "Reach",
            "f'Could not read {name}'",
            "People",
            "Counted once",
            "Go",
            "Details",
            "Some",
            "words",
            "Upload",
            "History",
            "Partners",
            "Events",
            "Total: ",
            "{n} rows",
        ]
    )


def test_translated_data_and_markup_are_not_user_visible_text() -> None:
    """_() calls, variables, options with a format_func, keys, icons, numbers and bare markup pass."""
    source = """
        import streamlit as st
        from impact.i18n import _
        st.title(_("Reach"))
        st.markdown(f"### {_(APP_TITLE)}")
        st.markdown("---")
        st.markdown("<style>.x {color: red}</style>", unsafe_allow_html=True)
        st.metric(_(kpi.label), f"{value:,}", delta=f"{delta:+.1f}%")
        st.selectbox(_("Language"), ["en", "es"], format_func=names.get, key="lang_choice")
        st.info(_("Loaded {n} rows.").format(n=3), icon=":material/check:")
        st.page_link("pages/2_reach.py", label=_(page.title))
        st.dataframe(frame, column_config={"n": st.column_config.NumberColumn(_("People"))})
        logger.info("Loaded the file")
        title = "not shown".title()
        st.caption("Internal note")  # i18n: ignore
    """
    assert findings(source) == []


def test_plotly_titles_trace_names_and_helper_arguments_are_user_visible() -> None:
    """In a module using plotly, titles, axis titles, legend names, title arguments and defaults are found."""
    source = """
        import plotly.graph_objects as go

        def _layout(fig, title, y_title):
            fig.update_layout(title={"text": title, "x": 0}, yaxis_title=y_title, hovermode="x unified")
            return fig

        def chart(frame):
            fig = go.Figure()
            fig.add_bar(x=frame["m"], y=frame["n"], name="People", hovertemplate="%{y:,d}")
            fig.add_scatter(x=frame["m"], y=frame["c"], name=_("Contacts"), hovertemplate="Contacts: %{y}")
            fig.update_layout(title={"text": "By month"}, xaxis_title="Month", legend={"orientation": "h"})
            frame = frame.rename(columns={"n": "count"}).to_frame(name="total")
            return _layout(fig, "Reach by month", _("People"))

        def stacked(frame, title="Stacked reach", new="New people", colour="#0072B2", mode="lines"):
            fig = go.Figure()
            fig.add_bar(x=frame["m"], y=frame["new"], name=new, marker_color=colour)
            return _layout(fig, title, None)
    """
    assert sorted(text for _, text in findings(source, "impact/charts.py")) == sorted(
        ["People", "Contacts: %{y}", "By month", "Month", "Reach by month", "Stacked reach", "New people"]
    )


def test_a_formatted_msgid_is_reported() -> None:
    """_() of an f-string or of an already formatted string cannot be extracted: format after translating."""
    source = """
        from impact.i18n import _
        a = _(f"{n} rows")
        b = _("{n} rows".format(n=n))
        c = _("{n} rows").format(n=n)
    """
    assert findings(source) == [(3, "f'{n} rows'"), (4, "'{n} rows'.format(n=n)")]
