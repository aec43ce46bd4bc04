"""Partner activity: whether each partner's data is in (months without data, shown first so a
director sees gaps before trusting a trend; each partner's latest dates one click away), the events
each partner held, how partners work together, and the coalition's meetings with officials.

Queries: kpis, partner_activity_by_month, partner_freshness, events_by_partner_month,
events_by_partner_type, collaboration_by_partner, cohost_pairs, officials_meetings_by_month; targets
(each partner's progress, the meetings' goal line) and contacts_by_partner (partners' contacts targets).
"""

import streamlit as st

from impact import charts, filters, goals, i18n, labels, markup, metrics
from impact.i18n import _
from impact.web import dashboard, ui
from impact.web.dashboard import DAY, INTEGER, MOMENT, MONTH, TEXT, Column

ctx = ui.page_setup("partners")
run, scope, options, figures, period = dashboard.page_top(_("Partner activity"))
st.caption(markup.text(filters.describe(scope, options)))

colors = charts.partner_colors(options.partners)
events_label = _("Events")

# --- is the data in? ------------------------------------------------------------------------

st.subheader(_("Data freshness"))
gap = metrics.MEASURE_BY_KEY["data_gap"]
activity = metrics.partner_activity_by_month(scope, run)
freshness = metrics.partner_freshness(scope, activity, run)
with_gaps = freshness[freshness["months_without_data"] > 0]
if with_gaps.empty:
    st.success(_("Every partner has data in every month of this period."), icon=":material/check_circle:")
else:
    lines = [
        _("{partner}: {months}").format(
            partner=markup.text(row.partner_name),
            months=", ".join(i18n.format_date(m, "month_short") for m in row.gap_months),
        )
        for row in with_gaps.itertuples()
    ]
    st.warning(
        _("Months without data — check these uploads before trusting a trend:")
        + "\n\n"
        + "\n".join(f"- {line}" for line in lines),
        icon=":material/warning:",
    )
freshness = freshness.assign(
    gap_list=[", ".join(i18n.format_date(m, "month_short") for m in months) for months in freshness["gap_months"]]
)
dashboard.table(
    "partner_freshness",
    scope,
    freshness,
    [
        Column("partner_name", _("Partner"), TEXT),
        Column("last_upload", _("Last upload"), MOMENT),
        Column("last_contact", _("Last contact"), DAY),
        Column("last_event", _("Last event"), DAY),
        Column("last_activity", _("Last activity"), DAY),
        Column("months_without_data", _("Months without data in the period"), INTEGER),
        Column("gap_list", _("Which months"), TEXT),
    ],
    folded=_("Each partner's last upload, contact, event and activity"),
)
st.caption(_(gap.help) + " " + _("The dates are over all data; only the partner filter applies to this section."))
if not activity.empty:
    dashboard.chart(
        "partner_activity_by_month",
        scope,
        lambda: charts.data_calendar(
            activity,
            _("Contacts and events per partner and month (vermillion: no data)"),
            has_data=_("Data"),
            gap=_(gap.label),
            not_expected=_("Before the partner's first data"),
            gap_text=_("no data"),
        ),
        activity.assign(gap_text=activity["gap"].map({True: _("Yes"), False: _("No")})),
        [
            Column("month", _("Month"), MONTH),
            Column("partner_name", _("Partner"), TEXT),
            Column("contacts", _("Contacts"), INTEGER),
            Column("events", events_label, INTEGER),
            Column("gap_text", _(gap.label), TEXT),
        ],
        caption=_(
            "Events count for their host and for each co-host. The Data page counts the rows each partner's "
            "files sent, so there an event counts for its host only and a co-hosted event makes the figures "
            "differ; it lists the co-hosted events apart."
        ),
    )

# --- events ---------------------------------------------------------------------------------

st.subheader(_("Events"))
per_partner = metrics.MEASURE_BY_KEY["events_per_partner"]
by_month = metrics.events_by_partner_month(scope, run)
if dashboard.is_empty(by_month, "events"):
    dashboard.nothing_to_show(_("No events were held in this period."))
else:
    dashboard.chart(
        "events_by_partner_month",
        scope,
        lambda: charts.heatmap(
            by_month,
            x="month",
            y="partner_name",
            z="events",
            title=_("Events per partner and month"),
            x_is_month=True,
        ),
        by_month,
        [
            Column("month", _("Month"), MONTH),
            Column("partner_name", _("Partner"), TEXT),
            Column("events", events_label, INTEGER),
            Column("hosted", _("Hosted"), INTEGER),
            Column("co_hosted", _("Co-hosted"), INTEGER),
        ],
        caption=_(per_partner.help),
    )
    by_type = metrics.events_by_partner_type(scope, run)
    type_names = {t: labels.label("event_type", t) for t in by_type["event_type"].unique()}
    dashboard.chart(
        "events_by_partner_type",
        scope,
        lambda: charts.stacked_bars(
            by_type,
            x="partner_name",
            y="events",
            group="event_type",
            names=type_names,
            colors=charts.event_type_colors(),
            title=_("Events per partner by type"),
            value_title=events_label,
            horizontal=True,
        ),
        by_type.assign(event_type_name=by_type["event_type"].map(type_names)),
        [
            Column("partner_name", _("Partner"), TEXT),
            Column("event_type_name", _("Event type"), TEXT),
            Column("events", events_label, INTEGER),
        ],
        caption=_(per_partner.help),
    )

# --- working together -----------------------------------------------------------------------

st.subheader(_("Working together"))
joint = metrics.MEASURE_BY_KEY["joint_events"]
collaboration = metrics.collaboration_by_partner(scope, run)
pairs = metrics.cohost_pairs(scope, run)
held, together, _spacer = st.columns([1, 1, 2])
held_kpi = metrics.KPI_BY_KEY["events_held"]
held.metric(_(held_kpi.label), i18n.format_number(collaboration.events), help=_(held_kpi.help), border=True)
together.metric(_(joint.label), i18n.format_number(collaboration.joint_events), help=_(joint.help), border=True)
if pairs.empty:
    dashboard.nothing_to_show(_("No events were held together by two or more partners in this period."))
else:
    nodes = collaboration.partners
    dashboard.chart(
        "cohost_pairs",
        scope,
        lambda: charts.network(
            nodes.assign(events=nodes["joint_events"]),
            pairs,
            colors,
            _("Partners that held events together (line width and label: events held together)"),
            edge_label=_("events held together"),
        ),
        pairs,
        [
            Column("partner_a_name", _("Partner"), TEXT),
            Column("partner_b_name", _("With partner"), TEXT),
            Column("events", _("Events held together"), INTEGER),
        ],
        caption=_("The size of a partner's circle is the number of events it held together with others."),
    )

# --- meetings with officials ----------------------------------------------------------------

st.subheader(_("Meetings with officials"))
officials = metrics.KPI_BY_KEY["officials_meetings"]
meetings = metrics.officials_meetings_by_month(scope, run)
if dashboard.is_empty(meetings, "meetings"):
    dashboard.nothing_to_show(_("No meetings with officials in this period."))
else:
    names = dict(zip(meetings["partner_id"].dropna(), meetings["partner_name"].dropna(), strict=True))
    held_meetings = meetings.dropna(subset=["partner_id"])
    dashboard.chart(
        "officials_meetings_by_month",
        scope,
        lambda: charts.stacked_bars(
            held_meetings,
            x="month",
            y="meetings",
            group="partner_id",
            names=names,
            colors=colors,
            title=_("Meetings with officials per month, by hosting partner"),
            value_title=_("Meetings"),
            x_is_month=True,
            months=meetings["month"],
        ),
        held_meetings,
        [
            Column("month", _("Month"), MONTH),
            Column("partner_name", _("Hosting partner"), TEXT),
            Column("meetings", _("Meetings"), INTEGER),
        ],
        caption=_(officials.help) + " " + _("Each meeting counts once, for its host."),
        by_month=True,
        goal="officials_meetings",
    )

# --- each partner's targets -----------------------------------------------------------------

st.subheader(_("Targets per partner"))
partner_targets = goals.progress_frame(goals.partner_progress(scope, run))
if partner_targets.empty:
    dashboard.nothing_to_show(_("No partner has a target for this period. Directors set targets on the Goals page."))
else:
    drawn = goals.chart_frame(partner_targets)
    status_names = {status: goals.status_label(status) for status in goals.STATUS_LABELS}
    dashboard.chart(
        "partner_targets",
        scope,
        lambda: charts.progress_bars(
            drawn, _("Each partner's targets: share reached so far"), _("Pace expected by now"), status_names
        ),
        drawn,
        dashboard.target_columns(partner_first=True),
        caption=_(goals.DEFINITIONS.help),
    )
