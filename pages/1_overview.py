"""Overview: the coalition's headline numbers for the period, their change, and monthly reach.

Queries: kpis (this period and the one before), kpis_by_month (the cards' trend lines),
reach_by_month, new_vs_returning_by_month.
"""

import streamlit as st

from impact import charts, filters, i18n, markup, metrics
from impact.i18n import _
from impact.web import dashboard, ui
from impact.web.dashboard import INTEGER, MONTH, Column

ctx = ui.page_setup("overview")
run, scope, options, now = dashboard.page_top(_("Coalition overview"))
previous = scope.previous()
before = metrics.kpis(previous, run)
st.caption(
    _("{scope}, compared with the {days} days before.").format(
        scope=markup.text(filters.describe(scope, options)), days=i18n.format_number(previous.days)
    )
)
trend = metrics.kpis_by_month(scope, run)
dashboard.kpi_cards(now, before, trend, previous)

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
    )
