"""Overview: the coalition's headline numbers for the period, their change, and monthly reach.

Queries: kpis (this period and the one it is compared with), kpis_by_month (the cards' trend lines, and
the monthly reach chart: metrics.reach_by_month), new_vs_returning_by_month; targets and contacts_by_partner (the cards' progress, the contacts' goal line),
milestones (the timeline, and the marks on every monthly chart).
"""

import streamlit as st

from impact import charts, filters, goals, i18n, markup, metrics
from impact.i18n import _
from impact.web import dashboard, ui
from impact.web.dashboard import DAY, INTEGER, MONTH, TEXT, Column

ctx = ui.page_setup("overview")
run, scope, options, now, period = dashboard.page_top(_("Coalition overview"))
previous = filters.comparison(scope, period)
before = None if previous is None else metrics.kpis(previous, run)
if previous is None:
    st.caption(
        _("{scope}. All time has no earlier period to compare with.").format(
            scope=markup.text(filters.describe(scope, options))
        )
    )
else:
    st.caption(
        _("{scope}, compared with {start} to {end}.").format(
            scope=markup.text(filters.describe(scope, options)),
            start=i18n.format_date(previous.start),
            end=i18n.format_date(previous.end),
        )
    )
trend = metrics.kpis_by_month(scope, run)
dashboard.kpi_cards(now, before, trend, scope, previous, progress=goals.card_progress(scope, run))

people, contacts = metrics.KPI_BY_KEY["unique_people"], metrics.KPI_BY_KEY["contacts"]
reach = metrics.reach_by_month(scope, run)
dashboard.chart(
    "reach_by_month",
    scope,
    lambda: charts.monthly_reach(
        reach,
        title=_("Unique people and contacts by month"),
        people=_("Unique people"),
        contacts=_("Contacts"),
        y_title=_("People / contacts"),
    ),
    reach,
    [
        Column("month", _("Month"), MONTH),
        Column("unique_people", _("Unique people"), INTEGER),
        Column("contacts", _("Contacts"), INTEGER),
    ],
    caption=_("A person seen in two months counts once in each. {people} {contacts}").format(
        people=_(people.help), contacts=_(contacts.help)
    ),
    by_month=True,
    goal="contacts",
)

new, returning = metrics.MEASURE_BY_KEY["new_people"], metrics.MEASURE_BY_KEY["returning_people"]
split = metrics.new_vs_returning_by_month(scope, run)
if dashboard.is_empty(split, "new_people", "returning_people"):
    dashboard.nothing_to_show(_("No individual contacts in this period, so there are no new or returning people."))
else:
    dashboard.chart(
        "new_vs_returning_by_month",
        scope,
        lambda: charts.new_vs_returning(
            split,
            title=_("New and returning people by month"),
            new=_(new.label),
            returning=_(returning.label),
            y_title=_("People"),
        ),
        split,
        [
            Column("month", _("Month"), MONTH),
            Column("new_people", _(new.label), INTEGER),
            Column("returning_people", _(returning.label), INTEGER),
        ],
        caption=_("{new}: {new_definition} {returning}: {returning_definition}").format(
            new=_(new.label),
            new_definition=_(new.help),
            returning=_(returning.label),
            returning_definition=_(returning.help),
        ),
        by_month=True,
    )

# --- milestones -------------------------------------------------------------------------------

st.subheader(_("Milestones"))
marks = goals.milestone_marks(goals.milestones(scope, run), metrics.partner_names(run))
if marks.empty:
    dashboard.nothing_to_show(_("No milestones in this period. Analysts load them as a milestones file."))
else:
    dashboard.chart(
        "milestones",
        scope,
        lambda: charts.milestone_timeline(marks, _("Milestones in this period (filled: shown on the public page)")),
        marks.assign(
            partners=marks["partners"].where(marks["partners"] != "", None),
            public_text=marks["public"].map({True: _("Yes"), False: _("No")}),
        ),
        [
            Column("date", _("Date"), DAY),
            Column("title", _("Milestone"), TEXT),
            Column("kind_name", _("Kind"), TEXT),
            Column("partners", _("Partners"), TEXT),
            Column("public_text", _("On the public page"), TEXT),
        ],
        caption=_(
            "Moments that explain the numbers: policies, crises, campaigns, meetings with officials, media and "
            "funding. Each is marked on the monthly charts; hover over a ◆ to read it."
        ),
    )
