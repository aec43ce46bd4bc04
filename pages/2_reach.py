"""Outreach reach: whom the coalition reached, through which partners and channels, where,
at what ages, how reach builds up over the year, and whether people come back.

Queries: kpis, reach_by_partner_month, reach_by_channel, reach_by_neighborhood,
reach_by_age_group, cumulative_reach, return_within_90_days; targets (the year's unique people target as
a goal line on the year-to-date chart).
"""

import streamlit as st

from impact import charts, filters, goals, i18n, labels, markup, metrics
from impact.i18n import _
from impact.web import dashboard, ui
from impact.web.dashboard import INTEGER, MONTH, PERCENT, TEXT, Column

ctx = ui.page_setup("reach")
run, scope, options, figures, period = dashboard.page_top(_("Outreach reach"))
st.caption(markup.text(filters.describe(scope, options)))

people_label, contacts_label = _("Unique people"), _("Contacts")
partner_reach = metrics.MEASURE_BY_KEY["partner_reach"]
records_only = metrics.MEASURE_BY_KEY["records_only"]
came_back = metrics.MEASURE_BY_KEY["share_returned"]
colors = charts.partner_colors(options.partners)
returns = metrics.return_within_90_days(scope, run)
came_back_rate = metrics.returned_within_90_days(returns)

cards = st.columns(4)
for column, kpi in zip(cards, (metrics.KPI_BY_KEY["unique_people"], metrics.KPI_BY_KEY["contacts"]), strict=False):
    column.metric(_(kpi.label), i18n.format_number(figures[kpi.key]), help=_(kpi.help), border=True)
with cards[2]:
    dashboard.rate_card(
        _(came_back.label),
        came_back_rate,
        _("of {n} new people whose 90 days are over"),
        _(came_back.help) + " " + _("Over the months of the period whose 90 days are over."),
    )

# --- by month and partner: a fragment, so switching the measure redraws this chart only ---


@ui.guarded_fragment
def by_partner() -> None:
    frame = metrics.reach_by_partner_month(scope, run)
    if dashboard.is_empty(frame, "unique_people", "contacts"):
        dashboard.nothing_to_show(_("No partner reached anyone in this period."))
        return
    measure = st.segmented_control(
        _("Show"),
        ["unique_people", "contacts"],
        format_func={"unique_people": people_label, "contacts": contacts_label}.get,
        default="unique_people",
        required=True,
        key="reach.partner_measure",
    )
    title = {
        "unique_people": _("Unique people by month and partner"),
        "contacts": _("Contacts by month and partner"),
    }[measure]
    names = dict(zip(frame["partner_id"], frame["partner_name"], strict=False))
    dashboard.chart(
        "reach_by_partner_month",
        scope,
        lambda: charts.lines_by(
            frame,
            measure,
            "partner_id",
            names,
            colors,
            title,
            _("People") if measure == "unique_people" else contacts_label,
        ),
        frame,
        [
            Column("month", _("Month"), MONTH),
            Column("partner_name", _("Partner"), TEXT),
            Column("unique_people", people_label, INTEGER),
            Column("contacts", contacts_label, INTEGER),
        ],
        caption=_(partner_reach.help),
        variant=measure,
        by_month=True,
    )


by_partner()

# --- by channel and by age group, side by side ----------------------------------------------

left, right = st.columns(2)
with left:
    channels = metrics.reach_by_channel(scope, run)
    if dashboard.is_empty(channels, "contacts"):
        dashboard.nothing_to_show(_("No individual contacts in this period, so there are no channels to show."))
    else:
        channels = channels.assign(channel_name=labels.relabel(channels["channel"], "channel"))
        dashboard.chart(
            "reach_by_channel",
            scope,
            lambda: charts.paired_bars(
                channels,
                "channel_name",
                [("unique_people", people_label), ("contacts", contacts_label)],
                _("Unique people and contacts by channel"),
                _("People / contacts"),
            ),
            channels,
            [
                Column("channel_name", _("Channel"), TEXT),
                Column("unique_people", people_label, INTEGER),
                Column("contacts", contacts_label, INTEGER),
            ],
            caption=_(records_only.help),
        )
with right:
    ages = metrics.reach_by_age_group(scope, run)
    if dashboard.is_empty(ages, "contacts"):
        dashboard.nothing_to_show(_("No individual contacts in this period, so there are no age groups to show."))
    else:
        ages = ages.assign(age_group_name=labels.relabel(ages["age_group"], "age_group"))
        dashboard.chart(
            "reach_by_age_group",
            scope,
            lambda: charts.paired_bars(
                ages,
                "age_group_name",
                [("unique_people", people_label), ("contacts", contacts_label)],
                _("Unique people and contacts by age group"),
                _("People / contacts"),
            ),
            ages,
            [
                Column("age_group_name", _("Age group"), TEXT),
                Column("unique_people", people_label, INTEGER),
                Column("contacts", contacts_label, INTEGER),
            ],
            caption=_(records_only.help),
        )

# --- by neighborhood, ranked --------------------------------------------------------------

places = metrics.reach_by_neighborhood(scope, run)
if dashboard.is_empty(places, "contacts"):
    dashboard.nothing_to_show(_("No contacts in this period, so there are no neighborhoods to show."))
else:
    places = places.assign(neighborhood_name=labels.relabel(places["neighborhood"], "neighborhood"))
    dashboard.chart(
        "reach_by_neighborhood",
        scope,
        lambda: charts.ranked_bars(
            places,
            "neighborhood_name",
            "unique_people",
            _("Neighborhoods ranked by unique people reached"),
            _("People"),
            row_height=22,
        ),
        places.sort_values("unique_people", ascending=False, kind="stable"),
        [
            Column("neighborhood_name", _("Neighborhood"), TEXT),
            Column("unique_people", people_label, INTEGER),
            Column("contacts", contacts_label, INTEGER),
        ],
        caption=_(
            "A person reached in two neighborhoods counts in each. The table also gives contacts, which "
            "include the headcount of events without individual records, in the event's neighborhood."
        ),
    )

# --- how reach builds up over the year ----------------------------------------------------

cumulative = metrics.MEASURE_BY_KEY["cumulative_people"]
so_far = metrics.cumulative_reach(scope, run)
this_year = scope.end.year
if dashboard.is_empty(so_far, "cumulative_people"):
    dashboard.nothing_to_show(
        _("No individual contacts in {year} or {previous} for these filters.").format(
            year=this_year, previous=this_year - 1
        )
    )
else:
    dashboard.chart(
        "cumulative_reach",
        scope,
        lambda: charts.add_goal_lines(
            charts.cumulative_by_year(
                so_far,
                dashboard.month_names(),
                _("Unique people reached so far in {year}, with {previous} for comparison").format(
                    year=this_year, previous=this_year - 1
                ),
                _("People so far in the year"),
            ),
            goals.year_pace("unique_people", goals.current_targets(run), scope, this_year),
            _("Target: {name}"),
            dashboard.month_names(),
        ),
        so_far,
        [
            Column("month", _("Month"), MONTH),
            Column("cumulative_people", _(cumulative.label), INTEGER),
        ],
        caption=_(cumulative.help)
        + " "
        + _("{year} runs to {end}, the end of the chosen period.").format(
            year=this_year, end=i18n.format_date(scope.end)
        ),
    )

# --- do people come back? -----------------------------------------------------------------

if dashboard.is_empty(returns, "new_people"):
    dashboard.nothing_to_show(_("Nobody had their first contact with the coalition in this period."))
else:
    returns = returns.assign(window=returns["complete"].map({True: _("Yes"), False: _("No")}))
    dashboard.chart(
        "return_within_90_days",
        scope,
        lambda: charts.return_share(
            returns,
            _("Share of new people who came back within 90 days, by month of first contact"),
            _("Came back"),
            complete=_("90 days over"),
            incomplete=_("Still counting (90 days not over)"),
        ),
        returns,
        [
            Column("month", _("Month of first contact"), MONTH),
            Column("new_people", _("New people"), INTEGER),
            Column("returned_within_90_days", _("Came back within 90 days"), INTEGER),
            Column("share_returned", _("Share that came back (%)"), PERCENT),
            Column("window", _("90 days over"), TEXT),
        ],
        caption=_(came_back.help),
        by_month=True,
    )
