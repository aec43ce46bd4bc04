"""Impact: the public, privacy-safe page for funders and community members (no account needed).

Only aggregates reach the browser, decided on the server by impact.public and
impact.privacy. Opened with `?share=TOKEN`, it shows exactly a share link's scope.
"""

from datetime import date

import pandas as pd
import streamlit as st

from impact import config, i18n, labels, markup, metrics, public, shares
from impact.i18n import _
from impact.web import security, ui

ctx = ui.page_setup("impact")


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def _report(
    scope: public.PublicScope, limit: int, database: str, audience: str, language: str, _run: public.Runner
) -> public.Report:
    """The protected report, cached per scope (the scope, incl. a share link's, is part of the key) and
    per language (it names partners as the reader reads them)."""
    return public.build_report(scope, _run, limit)


def _visit(token: str) -> shares.Visit:
    """Check the share token; count the visit once per browser session and visitor (not per reload)."""
    counted = st.session_state.setdefault("_impact_counted_links", set())
    visit = shares.open_link(token, count=token not in counted, visitor=security.visitor_key())
    if visit.state is shares.LinkState.OK:
        counted.add(token)
    return visit


# Print: no sidebar, toolbar or widgets' chrome; charts and tables at full width.
st.html(
    """<style>
    @media print {
      [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
      [data-testid="stDecoration"], [data-testid="stSidebarCollapsedControl"] { display: none !important; }
      [data-testid="stMain"] { margin-left: 0 !important; }
      .block-container { padding-top: 0 !important; max-width: 100% !important; }
      [data-testid="stMetric"], .stPlotlyChart, table { break-inside: avoid; }
    }
    </style>"""
)

run = ui.runner("public")
extent = metrics.data_extent(run)
token = st.query_params.get(shares.URL_PARAM)
link = None
if token is not None:
    visit = _visit(token)
    if visit.state is not shares.LinkState.OK:
        st.title(_("Our shared impact"))
        if visit.state is shares.LinkState.EXPIRED:
            st.info(_("This link has expired. Please ask the coalition for a new one."), icon=":material/schedule:")
        elif visit.state is shares.LinkState.REVOKED:
            st.info(
                _("This link is no longer active. Please ask the coalition for a new one."), icon=":material/block:"
            )
        else:
            st.info(_("This link is not valid. Check that it was copied in full, or ask the coalition for a new one."))
        st.stop()
    link = visit.link
    scope = public.shared_scope(link.start, link.end, link.partners, extent["last_day"])
else:
    scope = public.public_scope(extent["first_day"], extent["last_day"], date.today())

st.title(_("Our shared impact"))
ui.demo_banner(run)
if scope is None:
    st.info(_("The first complete year of figures will appear here once the coalition has a full year of data."))
    st.stop()

limit = public.threshold()
audience = f"public:{ctx.user.role}:{scope}"  # the viewer's role and a share link's scope key every cache entry
report = _report(scope, limit, str(config.db_path()), audience, i18n.current(), ui.runner(audience))
small = f"<{limit + 1}"

if link is not None:
    names = report.partner_names
    st.caption(
        _("Prepared for {label}. Partners: {partners}. Period: {start} to {end}.").format(
            label=markup.text(link.label),
            partners=markup.text(", ".join(names)) if names else _("all partners"),
            start=i18n.format_date(scope.start),
            end=i18n.format_date(scope.end),
        )
    )
st.caption(_("Figures as of {day}.").format(day=i18n.format_date(scope.end)))

years = scope.years()


def _year_label(year: int) -> str:
    if year not in years:  # Streamlit also formats what a client sent, offered or not
        return str(year)
    first, last = scope.year_span(year)
    if (first, last) == (date(year, 1, 1), date(year, 12, 31)):
        return str(year)
    return _("{year} ({start} to {end})").format(year=year, start=i18n.format_date(first), end=i18n.format_date(last))


year = st.selectbox(_("Year"), list(reversed(years)), format_func=_year_label, key="impact_year", width=320)
if year not in years:  # a value the page did not offer (sent by hand): the latest year instead
    year = years[-1]


def _headline(row: pd.Series, heading: str) -> None:
    st.subheader(heading)
    headlines = metrics.PUBLIC_KPIS
    for columns, items in ((st.columns(4), headlines[:4]), (st.columns(4), headlines[4:])):
        for column, kpi in zip(columns, items, strict=False):
            value = row[kpi.key]
            shown = value if isinstance(value, str) else i18n.format_number(int(value))
            column.metric(_(kpi.label), shown, help=_(kpi.help), border=True)


_headline(report.period(str(year)), _("In {year}").format(year=_year_label(year)))
_headline(
    report.period(public.ALL),
    _("All years, {start} to {end}").format(start=i18n.format_date(scope.start), end=i18n.format_date(scope.end)),
)

st.subheader(_("Year by year"))
trend = report.figures[report.figures["period"] != public.ALL].copy()
trend["year_label"] = [_year_label(int(y)) for y in trend["year"]]
st.plotly_chart(
    markup.figure(
        public.trend_chart(
            trend,
            title=_("Unique people and contacts by year"),
            names={"unique_people": _("Unique people"), "contacts": _("Contacts")},
            y_title=_("People / contacts"),
        )
    ),
    width="stretch",
    config={"displayModeBar": False},
)
st.table(
    pd.DataFrame(
        {
            _("Year"): trend["year_label"],
            _("Unique people"): trend["unique_people"],
            _("Contacts"): trend["contacts"],
            _("Events"): trend["events"],
            _("Meetings with officials"): trend["officials_meetings"],
        }
    ).set_index(_("Year"))
)

st.subheader(_("Reach by language and by neighborhood in {year}").format(year=_year_label(year)))
if year in report.withheld_years:
    st.info(_("Fewer than {n} people were reached this year, so they are not broken down.").format(n=limit + 1))
else:
    left, right = st.columns(2)
    with left:
        frame = report.languages[year]
        st.table(
            pd.DataFrame(
                {
                    _("Main language"): [markup.text(labels.label("language", v)) for v in frame["language"]],
                    _("People"): frame["people"],
                }
            ).set_index(_("Main language"))
        )
    with right:
        frame = report.neighborhoods[year]
        st.table(
            pd.DataFrame(
                {
                    _("Main neighborhood"): [
                        _(v) if v in public.TRANSLATED_GROUPS else markup.text(labels.label("neighborhood", v))
                        for v in frame["neighborhood"]
                    ],
                    _("People"): frame["people"],
                }
            ).set_index(_("Main neighborhood"))
        )

st.subheader(_("Partners working together"))
if report.pairs.empty:
    st.write(_("No co-hosted events in this period."))
else:
    st.table(
        pd.DataFrame(
            {
                _("Partner"): report.pairs["partner_a_name"].map(markup.text),
                _("With partner"): report.pairs["partner_b_name"].map(markup.text),
                _("Events held together"): report.pairs["events"],
            }
        ).set_index(_("Partner"))
    )

st.subheader(_("Definitions and method"))
st.markdown(
    _(
        "- **Unique people reached**: each person counted once per period, across all partners. Partners "
        "record people under coalition-wide ids, replaced by a keyed code before storage; no name or id is "
        "ever shown.\n"
        "- **Contacts**: every recorded contact between a partner and a person, plus the headcount of events "
        "that have no individual records.\n"
        "- **Events** are hosted or co-hosted by the partners; **meetings with officials** are meetings with "
        "elected officials or public agencies.\n"
        "- **Main language** and **main neighborhood**: each person counts once a year, where most of their "
        "contacts that year were, so the rows add up to the year's unique people. Names outside the "
        "coalition's lists are grouped as 'Other'.\n"
        "- **Languages served, neighborhoods and partners** count named categories, not people.\n"
        "- **Small numbers**: any count of people, contacts or events from 1 to {limit} is shown as "
        "'{small}'. Some other numbers are shown as '—' so that a small number cannot be worked out by "
        "adding or subtracting the numbers on this page (across the headline, the years, the breakdowns "
        "and every year you can select). A year with fewer than {n} people is not broken down.\n"
        "- **Years** are calendar years; the page shows only years that have ended, up to the date above."
    ).format(limit=limit, small=small, n=limit + 1)
)
if link is not None:
    st.caption(_("This page shows the scope of a share link; it cannot be changed from here."))
