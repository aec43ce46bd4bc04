"""How we work together: the coalition's six essential ingredients, in its own order, each with its
definition, one to three measures and their trend by calendar year, and a plain statement where the
data to measure it is missing (never an empty chart).

Trends run by calendar year from the first year with data to the end of the chosen period (the year
it cuts short says so); lists and matrices cover the chosen period. The partner, language and
neighborhood filters apply throughout.

Queries: ingredients_voice_by_year, ingredients_gatherings_by_year, ingredients_contacts_by_channel_year,
ingredients_contacts_where_people_are_by_year, ingredients_cohosted_events_by_year,
ingredients_partner_links_by_year, ingredients_partner_years, ingredients_referrals_by_year,
ingredients_shared_people_by_year, ingredients_focus_areas, ingredients_events_by_type_year,
ingredients_staff_by_language, ingredients_language_demand, ingredients_staff_tenure,
ingredients_officials_meetings_by_year, ingredients_community_events, milestones, ingredients_reach_by_year,
ingredients_returning_by_first_year, ingredients_staff_by_year.
"""

import pandas as pd
import streamlit as st

from impact import charts, filters, goals, i18n, ingredients, labels, markup, metrics, vocab, voice
from impact.i18n import _
from impact.web import dashboard, ui
from impact.web.dashboard import DAY, INTEGER, PERCENT, TEXT, Column

ctx = ui.page_setup("ingredients")
run, scope, options, figures, period = dashboard.page_top(_("How we work together"))
st.caption(markup.text(filters.describe(scope, options)))
trend = ingredients.trend_scope(scope, run)
st.caption(
    _(
        "Trends are by calendar year, from {first} to {end} (the end of the chosen period; a year it covers only "
        "in part says to which day and is drawn pale). Lists and matrices cover the chosen period."
    ).format(first=trend.start.year, end=i18n.format_date(scope.end))
)

names = metrics.partner_names(run)
partner_colors = {names.get(p, p): c for p, c in charts.partner_colors(names).items()}
records_only, joint_events, events_per_partner = (
    metrics.MEASURE_BY_KEY[key] for key in ("records_only", "joint_events", "events_per_partner")
)
year = Column("year_label", _("Year"), TEXT)
partner = Column("partner_name", _("Partner"), TEXT)


def named(frame: pd.DataFrame, id_column: str = "partner_id", name_column: str = "partner_name") -> pd.DataFrame:
    """The frame with the partner of `id_column` as the reader reads it."""
    return frame.assign(**{name_column: [names.get(p, p) for p in frame[id_column]]})


def section(key: str) -> None:
    found = ingredients.INGREDIENT_BY_KEY[key]
    st.header(_(found.title), divider="gray")
    st.markdown(_(found.definition))


# --- 1. community accountability ------------------------------------------------------------------

section("accountability")
st.subheader(_("What community members say"))
said = ingredients.voice_by_year(trend, run)
if said["responses"].sum() == 0:
    dashboard.nothing_to_show(
        _(
            "No survey responses for these filters, so the community's own voice is missing here. Load the "
            "partners' surveys on the Upload page."
        )
    )
else:
    measures = [(f"{key}_share", _(label)) for key, _high, _answered, label in ingredients.VOICE_MEASURES]
    dashboard.chart(
        "ingredients_voice_by_year",
        trend,
        lambda: charts.year_shares(said, measures, _("What survey respondents said, by year"), _("Share of answers")),
        said,
        [
            year,
            Column("responses", _("Responses"), INTEGER),
            *[
                column
                for key, high, answered, label in ingredients.VOICE_MEASURES
                for column in (
                    Column(answered, _("{question}: answers").format(question=_(label)), INTEGER),
                    Column(high, _("{question}: yes or 4-5").format(question=_(label)), INTEGER),
                    Column(f"{key}_share", _("{question} (%)").format(question=_(label)), PERCENT),
                )
            ],
        ],
        caption=_(
            "Of the responses that answered each question. A year with {n} answers or fewer to a question shows "
            "its counts only, no share."
        ).format(n=i18n.format_number(voice.threshold())),
    )

st.subheader(_("Community meetings and town halls"))
gatherings = ingredients.gatherings_by_year(trend, run)
meetings = gatherings[gatherings["event_type"].isin(["community_meeting", "town_hall"])]
if meetings.empty:
    dashboard.nothing_to_show(
        _("No community meetings or town halls are recorded for these filters (events of those types).")
    )
else:
    meetings = meetings.assign(type_name=labels.relabel(meetings["event_type"], "event_type"))
    type_colors = {labels.label("event_type", t): c for t, c in charts.event_type_colors().items()}
    dashboard.chart(
        "ingredients_community_meetings_by_year",
        trend,
        lambda: charts.year_stacked(
            meetings,
            "events",
            "type_name",
            type_colors,
            _("Community meetings and town halls held, by year"),
            _("Events"),
        ),
        meetings,
        [
            year,
            Column("type_name", _("Event type"), TEXT),
            Column("events", _("Events held"), INTEGER),
            Column("attendance", _("Attendance"), INTEGER),
        ],
        caption=_(
            "Each event counted once, whoever hosted it. Attendance is the headcount, else the contacts recorded "
            "at the event."
        ),
    )

st.subheader(_("Meeting people where they are"))
channels = ingredients.contacts_by_channel_year(trend, run)
if channels.empty:
    dashboard.nothing_to_show(_("No contacts with individual records for these filters, so there are no channels."))
else:
    channels = channels.assign(channel_name=labels.relabel(channels["channel"], "channel"))
    channel_colors = {name: charts.CATEGORY_PALETTE[i] for i, name in enumerate(channels["channel_name"].unique())}
    dashboard.chart(
        "ingredients_contacts_by_channel_year",
        trend,
        lambda: charts.year_stacked(
            channels, "contacts", "channel_name", channel_colors, _("Contacts by channel, by year"), _("Contacts")
        ),
        channels,
        [
            year,
            Column("channel_name", _("Channel"), TEXT),
            Column("contacts", _("Contacts"), INTEGER),
            Column("unique_people", _("Unique people"), INTEGER),
        ],
        caption=_(records_only.help),
    )
places = ingredients.where_people_are_by_year(trend, run)
if not places.empty:
    dashboard.chart(
        "ingredients_contacts_where_people_are_by_year",
        trend,
        lambda: charts.year_shares(
            places,
            [
                ("not_in_english_share", _("In a language other than English")),
                ("own_neighborhood_share", _("At an event in the person's own neighborhood")),
            ],
            _("Contacts in people's own language and neighborhood, by year"),
            _("Share of contacts"),
        ),
        places,
        [
            year,
            Column("contacts", _("Contacts"), INTEGER),
            Column("not_in_english", _("Not in English"), INTEGER),
            Column("not_in_english_share", _("Not in English (%)"), PERCENT),
            Column("at_placed_events", _("At events, both neighborhoods known"), INTEGER),
            Column("in_own_neighborhood", _("In the person's own neighborhood"), INTEGER),
            Column("own_neighborhood_share", _("In own neighborhood (%)"), PERCENT),
        ],
        caption=_(
            "The language recorded with a contact is the person's own. The neighborhood share is of the contacts "
            "recorded at an event whose neighborhood, and the person's, are known."
        ),
    )
    if places["at_placed_events"].sum() == 0:
        st.caption(
            _(
                "No contact is recorded at an event with both neighborhoods known, so whether people were met in "
                "their own neighborhood cannot be told yet (contacts files can give the event_id)."
            )
        )

# --- 2. trust among partners ------------------------------------------------------------------------

section("trust")
st.subheader(_("Events held together"))
together = ingredients.cohosted_events_by_year(trend, run)
if together["events"].sum() == 0:
    dashboard.nothing_to_show(_("No events are recorded for these filters, so there is nothing held together to show."))
else:
    dashboard.chart(
        "ingredients_cohosted_events_by_year",
        trend,
        lambda: charts.year_bars(
            together,
            [("events", _("Events held")), ("cohosted_events", _("Held by two or more partners"))],
            _("Events held together, by year"),
            _("Events"),
        ),
        together,
        [
            year,
            Column("events", _("Events held"), INTEGER),
            Column("cohosted_events", _("Held by two or more partners"), INTEGER),
            Column("cohosted_share", _("Held together (%)"), PERCENT),
        ],
        caption=_(joint_events.help),
    )

st.subheader(_("The collaboration network"))
links = ingredients.partner_links_by_year(trend, run)
active = ingredients.partner_years(trend, run)
if links.empty:
    dashboard.nothing_to_show(
        _("No two partners held an event together in these years, so there is no network to measure.")
    )
else:
    network = ingredients.network_by_year(links, active, trend)
    left, right = st.columns(2)
    with left:
        dashboard.chart(
            "ingredients_network_density_by_year",
            trend,
            lambda: charts.year_shares(
                network, [("density", _("Density"))], _("Network density, by year"), _("Pairs linked")
            ),
            network,
            [
                year,
                Column("partners", _("Active partners"), INTEGER),
                Column("links", _("Pairs that held an event together"), INTEGER),
                Column("possible_links", _("Possible pairs"), INTEGER),
                Column("density", _("Density (%)"), PERCENT),
            ],
            caption=_(
                "Of all pairs of the year's active partners, the share that held at least one event together "
                "(the PARTNER tool's density). With a partner filter, the network among the chosen partners."
            ),
        )
    with right:
        degrees = named(ingredients.degree_by_year(links, active, trend))
        dashboard.chart(
            "ingredients_partner_degree_by_year",
            trend,
            lambda: charts.matrix(
                degrees, "year_label", "partner_name", "degree", _("Partners each partner held events with, by year")
            ),
            degrees,
            [
                year,
                partner,
                Column("degree", _("Partners held events with (degree)"), INTEGER),
                Column("pair_events", _("Events with each of them, added up"), INTEGER),
            ],
            caption=_("A partner's degree: how many other partners it held at least one event with that year."),
        )

st.subheader(_("Referrals between partners"))
referrals = ingredients.referrals_by_year(trend, run)
if referrals.empty:
    dashboard.nothing_to_show(
        _(
            "No referrals are recorded for these filters. A contacts file can name the partner that referred the "
            "person (the column referred_by_partner_id)."
        )
    )
else:
    referrals = named(named(referrals, "from_partner_id", "from_name"), "to_partner_id", "to_name")
    by_referrer = referrals.groupby(["year", "year_label", "partial", "from_name"], as_index=False)["contacts"].sum()
    dashboard.chart(
        "ingredients_referrals_by_year",
        trend,
        lambda: charts.year_stacked(
            by_referrer,
            "contacts",
            "from_name",
            partner_colors,
            _("Contacts referred by another partner, by year"),
            _("Contacts"),
        ),
        referrals,
        [
            year,
            Column("from_name", _("Referred by"), TEXT),
            Column("to_name", _("Referred to"), TEXT),
            Column("contacts", _("Contacts"), INTEGER),
            Column("unique_people", _("Unique people"), INTEGER),
        ],
        caption=_("Bars by the referring partner; the table names who referred whom."),
    )

st.subheader(_("People served by more than one partner"))
shared = ingredients.shared_people_by_year(trend, run)
if shared["unique_people"].sum() == 0:
    dashboard.nothing_to_show(_("No contacts with individual records for these filters."))
else:
    dashboard.chart(
        "ingredients_shared_people_by_year",
        trend,
        lambda: charts.year_bars(
            shared,
            [("unique_people", _("Unique people")), ("shared_people", _("Served by two or more partners"))],
            _("People served by two or more partners in the same year"),
            _("People"),
        ),
        shared,
        [
            year,
            Column("unique_people", _("Unique people"), INTEGER),
            Column("shared_people", _("Served by two or more partners"), INTEGER),
            Column("shared_share", _("Served by two or more (%)"), PERCENT),
        ],
        caption=_(
            "Counted on the pseudonymised participant ids: a person counts when two partners recorded the same "
            "coalition-wide id that year."
        ),
    )

# --- 3. breadth of expertise --------------------------------------------------------------------------

section("expertise")
st.subheader(_("Fields of work"))
areas = ingredients.focus_areas(scope, run)
known = areas.dropna(subset=["focus_area"])
if known.empty:
    dashboard.nothing_to_show(
        _("No partner has focus areas recorded. The partners file can list them (the column focus_areas).")
    )
else:
    matrix = named(known).assign(area_name=[ingredients.focus_area_name(a) for a in known["focus_area"]], works_on=1)
    dashboard.chart(
        "ingredients_focus_areas",
        scope,
        lambda: charts.matrix(
            matrix, "area_name", "partner_name", "works_on", _("Partners by focus area"), blank_zeros=True
        ),
        matrix,
        [partner, Column("area_name", _("Focus area"), TEXT)],
        caption=_("A 1 marks a field the partner works in, as the partners file gives it."),
    )
    unlisted = ingredients.unlisted_focus_areas(areas)
    if unlisted:
        st.caption(
            markup.text(
                _("Not in the contract's list of focus areas, shown as the partners file wrote them: {areas}.").format(
                    areas=", ".join(unlisted)
                )
            )
        )
    missing = sorted(set(areas.loc[areas["focus_area"].isna(), "partner_id"]))
    if missing:
        st.caption(
            markup.text(
                _("No focus areas recorded for: {partners}.").format(
                    partners=", ".join(names.get(p, p) for p in missing)
                )
            )
        )

by_type = ingredients.events_by_type_year(scope, run)
if by_type.empty:
    dashboard.nothing_to_show(_("No events are recorded for these filters and this period."))
else:
    period_types = named(
        by_type.groupby(["partner_id", "event_type"], as_index=False)[["events", "joint_events"]].sum()
    )
    period_types = period_types.assign(type_name=labels.relabel(period_types["event_type"], "event_type"))
    dashboard.chart(
        "ingredients_events_by_type",
        scope,
        lambda: charts.matrix(
            period_types, "type_name", "partner_name", "events", _("Events by type and partner in the period")
        ),
        period_types,
        [
            partner,
            Column("type_name", _("Event type"), TEXT),
            Column("events", _("Events"), INTEGER),
            Column("joint_events", _("Held with another partner"), INTEGER),
        ],
        caption=_(events_per_partner.help),
    )

st.subheader(_("Trainings and workshops held with others"))
trainings = named(ingredients.shared_trainings_by_year(ingredients.events_by_type_year(trend, run)))
if trainings.empty or trainings["joint_trainings"].sum() == 0:
    dashboard.nothing_to_show(_("No partner held a training or workshop together with another partner in these years."))
else:
    dashboard.chart(
        "ingredients_joint_trainings_by_year",
        trend,
        lambda: charts.year_stacked(
            trainings[trainings["joint_trainings"] > 0],
            "joint_trainings",
            "partner_name",
            partner_colors,
            _("Trainings and workshops held with another partner, by year"),
            _("Events"),
        ),
        trainings,
        [
            year,
            partner,
            Column("trainings", _("Trainings and workshops"), INTEGER),
            Column("joint_trainings", _("Held with another partner"), INTEGER),
        ],
        caption=_(
            "An event held together counts for each of its partners, so the bars add up to more than the events."
        ),
    )
st.caption(
    _(
        "The analysis partners share with each other (of a piece of safety legislation, say) is not recorded as "
        "such; trainings and workshops held with another partner are the closest the data comes."
    )
)

# --- 4. multilingual capacity -------------------------------------------------------------------------

section("languages")
staff = ingredients.staff_by_language(scope, run)
staff_recorded = ingredients.has_staff(scope, run)
if not staff_recorded:
    dashboard.nothing_to_show(
        _(
            "No staff are recorded for these partners in this period, so the coalition's languages cannot be set "
            "beside its staff. Load a staff file (one row per staff member: partner, languages, start date) on "
            "the Upload page."
        )
    )
elif staff.empty:
    st.subheader(_("Bilingual staff by language and partner"))
    dashboard.nothing_to_show(_("No staff member of these partners speaks the chosen languages."))
else:
    st.subheader(_("Bilingual staff by language and partner"))
    spoken = named(staff).assign(
        language_name=labels.relabel(staff["language"], "language"),
        fte_text=[i18n.format_number(float(v), 1) for v in staff["fte"]],
    )
    dashboard.chart(
        "ingredients_staff_by_language",
        scope,
        lambda: charts.matrix(
            spoken,
            "language_name",
            "partner_name",
            "staff",
            _("Staff who speak each language, by partner"),
            blank_zeros=True,
            x_order=list(
                dict.fromkeys(
                    [labels.label("language", lang) for lang in vocab.LANGUAGES] + sorted(spoken["language_name"])
                )
            ),
        ),
        spoken,
        [
            partner,
            Column("language_name", _("Language"), TEXT),
            Column("staff", _("Staff"), INTEGER),
            Column("fte_text", _("Full-time equivalents"), TEXT),
        ],
        caption=_(
            "Staff who worked on at least one day of the period; a staff member counts in each language they speak. "
            "Where staff grew up is not recorded, so that part of the ingredient is not measured."
        ),
    )

st.subheader(_("Contacts beside the staff who speak the language"))
demand = ingredients.language_demand(scope, run)
demand = demand.assign(
    language_name=labels.relabel(demand["language"], "language"),
    per_staff_text=[
        dashboard.MISSING if pd.isna(v) else i18n.format_number(float(v)) for v in demand["contacts_per_staff"]
    ],
)
uncovered = demand[demand["no_staff"]]
covered = demand[(demand["staff"] > 0) & (demand["contacts"] > 0)]
if staff_recorded and not covered.empty:
    dashboard.chart(
        "ingredients_language_demand",
        scope,
        lambda: charts.ranked_bars(
            covered.assign(per_staff=covered["contacts_per_staff"].astype("float64").round(0)),
            "language_name",
            "per_staff",
            _("Contacts per staff member who speaks the language"),
            _("Contacts per staff member"),
        ),
        demand,
        [
            Column("language_name", _("Language"), TEXT),
            Column("contacts", _("Contacts"), INTEGER),
            Column("unique_people", _("Unique people"), INTEGER),
            Column("staff", _("Staff who speak it"), INTEGER),
            Column("per_staff_text", _("Contacts per staff member"), TEXT),
        ],
        caption=_("Cantonese, Mandarin and Toisanese are counted apart, as the contacts record them."),
    )
if staff_recorded and not uncovered.empty:
    st.warning(
        _("Contacts in a language nobody on the partners' staff speaks:")
        + "\n\n"
        + "\n".join(
            "- "
            + _("{language}: {contacts} contacts").format(
                language=markup.text(row.language_name), contacts=i18n.format_number(row.contacts)
            )
            for row in uncovered.itertuples()
        ),
        icon=":material/translate:",
    )
elif not staff_recorded and not demand.empty:
    st.caption(_("Without staff records, only the demand is known: see the Languages served page."))

if staff_recorded:
    st.subheader(_("Staff tenure"))
    tenure = ingredients.staff_tenure(scope, run)
    if tenure["staff"].sum() == 0:
        dashboard.nothing_to_show(_("No staff member of these partners was at work on the period's last day."))
    else:
        dashboard.chart(
            "ingredients_staff_tenure",
            scope,
            lambda: charts.ranked_bars(
                tenure,
                "tenure_name",
                "staff",
                _("Staff at work on {day}, by years with their partner").format(day=i18n.format_date(scope.end)),
                _("Staff"),
                rank=False,
            ),
            tenure,
            [Column("tenure_name", _("Years with the partner"), TEXT), Column("staff", _("Staff"), INTEGER)],
        )

# --- 5. political and community recognition ---------------------------------------------------------------

section("recognition")
st.subheader(_("Meetings with officials"))
officials = ingredients.officials_meetings_by_year(trend, run)
if officials.empty:
    dashboard.nothing_to_show(
        _("No meetings with officials are recorded for these filters (events of type stakeholder meeting).")
    )
else:
    officials = named(officials)
    totals = ingredients.officials_meetings_totals(officials, trend)
    left, right = st.columns(2)
    with left:
        dashboard.chart(
            "ingredients_officials_meetings_held_by_year",
            trend,
            lambda: charts.year_bars(
                totals, [("meetings", _("Meetings held"))], _("Meetings with officials held, by year"), _("Meetings")
            ),
            totals,
            [
                year,
                Column("meetings", _("Meetings held"), INTEGER),
                Column("partners", _("Partners that took part"), INTEGER),
            ],
            caption=_("Each meeting counted once, whoever hosted it."),
        )
    with right:
        dashboard.chart(
            "ingredients_officials_meetings_by_year",
            trend,
            lambda: charts.matrix(
                officials,
                "year_label",
                "partner_name",
                "meetings",
                _("Meetings with officials each partner took part in"),
                blank_zeros=True,
            ),
            officials,
            [
                year,
                partner,
                Column("meetings", _("Meetings it hosted or co-hosted"), INTEGER),
                Column("hosted_meetings", _("Meetings it hosted"), INTEGER),
            ],
            caption=_(
                "Which partners hold which relationships. A meeting held together counts for each of its "
                "partners; the meetings each partner hosted add up to the meetings held."
            ),
        )

st.subheader(_("Town halls and community events"))
held = ingredients.community_events(scope, run)
attendance = gatherings.assign(type_name=labels.relabel(gatherings["event_type"], "event_type"))
if held.empty:
    dashboard.nothing_to_show(
        _("No town halls, community meetings or cultural events in this period for these filters.")
    )
else:
    type_colors = {labels.label("event_type", t): c for t, c in charts.event_type_colors().items()}
    dashboard.chart(
        "ingredients_gathering_attendance_by_year",
        trend,
        lambda: charts.year_stacked(
            attendance,
            "attendance",
            "type_name",
            type_colors,
            _("Attendance at town halls and community events, by year"),
            _("People"),
        ),
        attendance,
        [
            year,
            Column("type_name", _("Event type"), TEXT),
            Column("events", _("Events held"), INTEGER),
            Column("attendance", _("Attendance"), INTEGER),
        ],
    )
    held = held.assign(
        type_name=labels.relabel(held["event_type"], "event_type"),
        partners=[
            ", ".join(names.get(p, p) for p in [host, *cohosts])
            for host, cohosts in zip(held["partner_id"], held["co_host_partner_ids"], strict=True)
        ],
    )
    dashboard.table(
        "ingredients_community_events",
        scope,
        held,
        [
            Column("event_date", _("Date"), DAY),
            Column("type_name", _("Event type"), TEXT),
            Column("title", _("Title"), TEXT),
            Column("partners", _("Partners"), TEXT),
            Column("attendance", _("Attendance"), INTEGER),
        ],
    )

st.subheader(_("Public milestones"))
public_marks = goals.milestones(scope, run)
public_marks = public_marks[public_marks["public"]]
if public_marks.empty:
    dashboard.nothing_to_show(_("No public milestones in this period. Milestones marked public are listed here."))
else:
    public_marks = public_marks.assign(kind_name=labels.relabel(public_marks["kind"], "milestone_kind"))
    dashboard.table(
        "ingredients_public_milestones",
        scope,
        public_marks,
        [
            Column("date", _("Date"), DAY),
            Column("title", _("Milestone"), TEXT),
            Column("kind_name", _("Kind"), TEXT),
        ],
    )

# --- 6. commitment to long-term change -----------------------------------------------------------------------

section("long_term")
st.subheader(_("Years active"))
if active.empty:
    dashboard.nothing_to_show(_("No partner has contacts or events for these filters."))
else:
    spans = named(ingredients.years_active(active))
    spans = spans.assign(
        span=[
            str(first) if first == last else _("{first}–{last}").format(first=first, last=last)
            for first, last in zip(spans["first_year"], spans["last_year"], strict=True)
        ]
    )
    dashboard.chart(
        "ingredients_years_active",
        trend,
        lambda: charts.ranked_bars(
            spans,
            "partner_name",
            "years_active",
            _("Years with contacts or events, per partner"),
            _("Years"),
            text="span",
        ),
        spans,
        [
            partner,
            Column("years_active", _("Years active"), INTEGER),
            Column("first_year", _("First year"), TEXT),
            Column("last_year", _("Latest year"), TEXT),
        ],
        caption=_(
            "Years of data up to the end of the chosen period; a year counts when the partner has a contact or an "
            "event in it."
        ),
    )

st.subheader(_("Reach over the years"))
reach = ingredients.reach_by_year(trend, run)
if reach["unique_people"].sum() == 0:
    dashboard.nothing_to_show(_("No contacts with individual records for these filters."))
else:
    dashboard.chart(
        "ingredients_reach_by_year",
        trend,
        lambda: charts.year_bars(
            reach,
            [("unique_people", _("Unique people")), ("new_people", _("New people"))],
            _("People reached and new people, by year"),
            _("People"),
        ),
        reach,
        [
            year,
            Column("unique_people", _("Unique people"), INTEGER),
            Column("new_people", _("New people"), INTEGER),
            Column("returning_people", _("Seen in an earlier year"), INTEGER),
            Column("contacts", _("Contacts"), INTEGER),
        ],
        caption=_("New people: their first contact with the coalition ever (with any partner) was that year."),
    )

    back = ingredients.returning_by_first_year(trend, run)
    back = back.assign(window=back["complete"].map({True: _("Yes"), False: _("No")}))
    dashboard.chart(
        "ingredients_returning_by_first_year",
        trend,
        lambda: charts.year_shares(
            back.assign(returned_share=back["returned_share"].where(back["complete"])),
            [("returned_share", _("Came back in a later year"))],
            _("People who came back in a later year, by the year of their first contact"),
            _("Share of people"),
        ),
        back,
        [
            Column("year_label", _("Year of first contact"), TEXT),
            Column("people", _("People"), INTEGER),
            Column("returned_later", _("Came back in a later year"), INTEGER),
            Column("returned_share", _("Came back (%)"), PERCENT),
            Column("window", _("A later year to come back in"), TEXT),
        ],
        caption=_(
            "The first contact with the chosen partners, languages and neighborhoods. People first seen in {year} "
            "have had no later year yet, so that year has no share."
        ).format(year=scope.end.year),
    )

st.subheader(_("Staff continuity"))
crew = ingredients.staff_by_year(trend, run)
if crew["staff"].sum() == 0:
    dashboard.nothing_to_show(
        _(
            "No staff are recorded for these partners, so staff continuity cannot be shown. Load a staff file on the "
            "Upload page."
        )
    )
else:
    dashboard.chart(
        "ingredients_staff_by_year",
        trend,
        lambda: charts.year_shares(
            crew,
            [("stayed_share", _("Still there at the year's end"))],
            _("Of the staff at work on January 1, the share still there at the year's end"),
            _("Share of staff"),
        ),
        crew,
        [
            year,
            Column("staff", _("Staff during the year"), INTEGER),
            Column("started", _("Started"), INTEGER),
            Column("left_staff", _("Left"), INTEGER),
            Column("on_first_day", _("At work on January 1"), INTEGER),
            Column("stayed", _("Still there at the year's end"), INTEGER),
            Column("stayed_share", _("Stayed (%)"), PERCENT),
        ],
        caption=_("For the year the period cuts short, the year's end is the period's last day."),
    )
