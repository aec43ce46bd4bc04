"""Languages served: in which languages the coalition reached people, how that changes, which
partner serves which language, and the events offered in each. Every language keeps its own
row, however few its speakers (this page is internal: small counts are shown as they are).

Queries: kpis, language_reach, language_by_month, language_by_partner, events_by_language.
"""

import streamlit as st

from impact import charts, filters, i18n, labels, markup, metrics
from impact.i18n import _
from impact.web import dashboard, ui
from impact.web.dashboard import INTEGER, MONTH, PERCENT, TEXT, Column

ctx = ui.page_setup("languages")
run, scope, options, figures, period = dashboard.page_top(_("Languages served"))
st.caption(markup.text(filters.describe(scope, options)))

people_label, contacts_label = _("Unique people"), _("Contacts")
records_only = metrics.MEASURE_BY_KEY["records_only"]
non_english = metrics.MEASURE_BY_KEY["non_english_share"]
colors = charts.language_colors(options.languages)

by_language = metrics.language_reach(scope, run)
by_language = by_language.assign(language_name=labels.relabel(by_language["language"], "language"))
not_in_english = metrics.not_in_english(by_language)

served, other_than_english, _spacer = st.columns([1, 1, 2])
languages_kpi = metrics.KPI_BY_KEY["languages_served"]
served.metric(
    _(languages_kpi.label),
    i18n.format_number(figures["languages_served"]),
    help=_(languages_kpi.help),
    border=True,
)
with other_than_english:
    dashboard.rate_card(
        _(non_english.label), not_in_english, _("of {n} contacts with individual records"), _(non_english.help)
    )

# --- people and contacts by language --------------------------------------------------------

if dashboard.is_empty(by_language, "contacts"):
    dashboard.nothing_to_show(_("No individual contacts in this period, so there are no languages of contact."))
else:
    language_colors = [colors.get(v, charts.NEUTRAL) for v in by_language["language"]]
    by_language = by_language.assign(
        contacts_text=[
            f"{i18n.format_number(c)} ({dashboard.share_text(s)})"
            for c, s in zip(by_language["contacts"], by_language["share_of_contacts"], strict=True)
        ]
    )
    table_columns = [
        Column("language_name", _("Language"), TEXT),
        Column("unique_people", people_label, INTEGER),
        Column("contacts", contacts_label, INTEGER),
        Column("share_of_contacts", _("Share of contacts (%)"), PERCENT),
    ]
    left, right = st.columns(2)
    with left:
        dashboard.chart(
            "language_reach",
            scope,
            lambda: charts.ranked_bars(
                by_language,
                "language_name",
                "unique_people",
                _("Unique people by language"),
                _("People"),
                colors=language_colors,
            ),
            by_language,
            table_columns,
            caption=_("A person whose contacts were in two languages counts in both."),
        )
    with right:
        dashboard.chart(
            "language_share",
            scope,
            lambda: charts.ranked_bars(
                by_language,
                "language_name",
                "contacts",
                _("Contacts by language, with their share of all contacts"),
                contacts_label,
                colors=language_colors,
                text="contacts_text",
            ),
            by_language,
            table_columns,
            caption=_(records_only.help),
        )

# --- the trend: a fragment, so switching the measure redraws this chart only --------------


@ui.guarded_fragment
def trend() -> None:
    months = metrics.language_by_month(scope, run)
    if dashboard.is_empty(months, "contacts"):
        return
    measure = st.segmented_control(
        _("Show"),
        ["share_of_contacts", "unique_people", "contacts"],
        format_func={
            "share_of_contacts": _("Share of contacts"),
            "unique_people": people_label,
            "contacts": contacts_label,
        }.get,
        default="share_of_contacts",
        required=True,
        key="languages.trend_measure",
    )
    titles = {
        "share_of_contacts": (_("Each language's share of the month's contacts"), _("Share of contacts")),
        "unique_people": (_("Unique people by language and month"), _("People")),
        "contacts": (_("Contacts by language and month"), contacts_label),
    }
    names = {v: labels.label("language", v) for v in months["language"].unique()}
    dashboard.chart(
        "language_by_month",
        scope,
        lambda: charts.lines_by(
            months,
            measure,
            "language",
            names,
            colors,
            *titles[measure],
            percent=measure == "share_of_contacts",
            order=options.languages,
        ),
        months.assign(language_name=labels.relabel(months["language"], "language")),
        [
            Column("month", _("Month"), MONTH),
            Column("language_name", _("Language"), TEXT),
            Column("unique_people", people_label, INTEGER),
            Column("contacts", contacts_label, INTEGER),
            Column("share_of_contacts", _("Share of the month's contacts (%)"), PERCENT),
        ],
        variant=measure,
        by_month=True,
    )
    monthly_share = metrics.non_english_share_by_month(months).assign(series="non_english")
    dashboard.chart(
        "non_english_share_by_month",
        scope,
        lambda: charts.lines_by(
            monthly_share,
            "non_english_share",
            "series",
            {"non_english": _(non_english.label)},
            {"non_english": charts.PALETTE[0]},
            _("Share of contacts in a language other than English, by month"),
            _("Share of contacts"),
            percent=True,
        ),
        monthly_share,
        [
            Column("month", _("Month"), MONTH),
            Column("contacts", contacts_label, INTEGER),
            Column("non_english_share", _("Not in English (%)"), PERCENT),
        ],
        caption=_(non_english.help),
        by_month=True,
    )


trend()

# --- which partner serves which language ----------------------------------------------------

by_partner = metrics.language_by_partner(scope, run)
if not dashboard.is_empty(by_partner, "contacts"):
    by_partner = by_partner.assign(language_name=labels.relabel(by_partner["language"], "language"))
    dashboard.chart(
        "language_by_partner",
        scope,
        lambda: charts.heatmap(
            by_partner,
            x="language_name",
            y="partner_name",
            z="share_of_partner_contacts",
            text="contacts",
            title=_("Contacts by partner and language (darker: a larger share of the partner's contacts)"),
            x_order=[labels.label("language", v) for v in options.languages],
        ),
        by_partner,
        [
            Column("partner_name", _("Partner"), TEXT),
            Column("language_name", _("Language"), TEXT),
            Column("unique_people", people_label, INTEGER),
            Column("contacts", contacts_label, INTEGER),
            Column("share_of_partner_contacts", _("Share of the partner's contacts (%)"), PERCENT),
        ],
    )

# --- events offered in each language --------------------------------------------------------

events = metrics.events_by_language(scope, run)
if dashboard.is_empty(events, "events"):
    dashboard.nothing_to_show(_("No events with a language were held in this period."))
else:
    events = events.assign(language_name=labels.relabel(events["language"], "language"))
    dashboard.chart(
        "events_by_language",
        scope,
        lambda: charts.ranked_bars(
            events,
            "language_name",
            "events",
            _("Events offered in each language"),
            _("Events"),
            colors=[colors.get(v, charts.NEUTRAL) for v in events["language"]],
        ),
        events,
        [
            Column("language_name", _("Language"), TEXT),
            Column("events", _("Events"), INTEGER),
            Column("attendance", _("Attendance"), INTEGER),
        ],
        caption=_("An event offered in two languages counts in both."),
    )
