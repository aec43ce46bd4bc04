"""The essential ingredients: the coalition's own model of how it works together, measured.

Six ingredients, in the coalition's order, each defined once here with the measures the staff page
`/ingredients` shows for it. Every function takes query results (or runs one, named after it) and
returns a DataFrame or a number; nothing here draws. Trends are by calendar year, over the years of
data up to the end of the chosen period (`trend_scope`); the year the period cuts short is named so
("2024 (to Nov 30)"), never drawn as if it were whole.

The collaboration network follows the PARTNER tool's scores: a year's density is the share of all
possible pairs of that year's active partners that held at least one event together, and a
partner's degree is how many other partners it held an event with that year.

The public impact page's short "How we work together" chart is not built here: it is part of the
page's protected report (impact.public, queries/impact_working_together.sql), so that its small
counts are suppressed together with everything else the public sees.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from impact import db, i18n, labels, metrics, vocab, voice
from impact.i18n import N_, _

Runner = metrics.Runner


@dataclass(frozen=True)
class Ingredient:
    key: str
    title: str
    definition: str  # one sentence: what the coalition means by it


INGREDIENTS = (
    Ingredient(
        "accountability",
        N_("Community accountability"),
        N_(
            "The coalition answers to community members at the grassroots: it asks them how they fare, meets "
            "them in public, and reaches them where they are, in their own language and neighborhood."
        ),
    ),
    Ingredient(
        "trust",
        N_("Trust among partners"),
        N_(
            "Partners trust each other enough to hold events together, send people to one another and serve "
            "the same families."
        ),
    ),
    Ingredient(
        "expertise",
        N_("Breadth of expertise"),
        N_(
            "Partners bring different fields of work and share what they know with the others, in trainings "
            "and workshops held together."
        ),
    ),
    Ingredient(
        "languages",
        N_("Multilingual capacity"),
        N_(
            "Partners hire bilingual staff, many of whom grew up in San Francisco, so that people are served in "
            "the language they speak."
        ),
    ),
    Ingredient(
        "recognition",
        N_("Political and community recognition"),
        N_(
            "Together the partners can call meetings with people in power and bring the community out to "
            "town halls and community events."
        ),
    ),
    Ingredient(
        "long_term",
        N_("Commitment to long-term change"),
        N_("The partners stay, year after year, and so do the people they serve and the staff who serve them."),
    ),
)
INGREDIENT_BY_KEY = {i.key: i for i in INGREDIENTS}

GATHERING_TYPES = ("community_meeting", "town_hall", "cultural_event")
SHARING_TYPES = ("workshop", "training")  # where partners share their analysis with the others
OFFICIALS_TYPE = "stakeholder_meeting"


# --- years -----------------------------------------------------------------------------------


def trend_scope(scope: metrics.Scope, run: Runner = db.run_query) -> metrics.Scope:
    """The scope of the trends by year: from January 1 of the first year with data to the end of
    the chosen period, with the chosen partners, languages and neighborhoods."""
    first = metrics.data_extent(run)["first_day"]
    if first is None or first.year >= scope.start.year:
        return replace(scope, start=date(scope.start.year, 1, 1))
    return replace(scope, start=date(first.year, 1, 1))


def is_partial(year: int, scope: metrics.Scope) -> bool:
    """True when the scope covers `year` only in part (it starts after January 1 or ends before
    December 31)."""
    return scope.start > date(year, 1, 1) or scope.end < date(year, 12, 31)


def year_label(year: int, scope: metrics.Scope) -> str:
    """A year as the charts name it: "2024", or "2024 (to Nov 30)" for the year the scope cuts short."""
    if scope.end < date(year, 12, 31) and scope.end.year == year:
        return _("{year} (to {day})").format(year=year, day=i18n.format_date(scope.end, "day_month"))
    if scope.start > date(year, 1, 1) and scope.start.year == year:
        return _("{year} (from {day})").format(year=year, day=i18n.format_date(scope.start, "day_month"))
    return str(year)


def years_of(scope: metrics.Scope) -> list[int]:
    return list(range(scope.start.year, scope.end.year + 1))


def by_year(frame: pd.DataFrame, scope: metrics.Scope) -> pd.DataFrame:
    """One row per year of the scope (a year without a row of counts gets zeros, so a quiet year
    shows as 0, not as a gap), with the year's label and whether the scope covers it only in part.
    For results of counts with one row per year."""
    years = pd.DataFrame({"year": years_of(scope)})
    merged = years.merge(frame, on="year", how="left")
    counts = [c for c in frame.columns if c != "year" and pd.api.types.is_numeric_dtype(frame[c])]
    merged[counts] = merged[counts].fillna(0).astype("int64")
    return label_years(merged, scope)


def label_years(frame: pd.DataFrame, scope: metrics.Scope, column: str = "year") -> pd.DataFrame:
    """The frame with `year_label` and `partial` beside its `column` of years."""
    return frame.assign(
        year_label=[year_label(int(y), scope) for y in frame[column]],
        partial=[is_partial(int(y), scope) for y in frame[column]],
    )


def share(part: pd.Series, base: pd.Series) -> pd.Series:
    """part / base, empty where the base is 0."""
    return (part / base.where(base > 0)).astype("Float64")


# --- 1. community accountability ------------------------------------------------------------------

VOICE_MEASURES = (
    ("felt_safer", "felt_safer_high", "felt_safer_answers", N_("Felt safer (4 or 5 of 5)")),
    ("trusts_organization", "trusts_high", "trusts_answers", N_("Trust the organization (4 or 5 of 5)")),
    ("knows_where_to_get_help", "knows_help_yes", "knows_help_answers", N_("Know where to get help")),
)


def voice_by_year(scope: metrics.Scope, run: Runner = db.run_query) -> pd.DataFrame:
    """Survey responses per year and, per question, the share answering high (or yes); a year whose
    answers to a question are as few as the public page would suppress has its count only."""
    frame = by_year(run("ingredients_voice_by_year", **scope.params()), scope)
    small = voice.threshold()
    for key, high, answered, _label in VOICE_MEASURES:
        enough = frame[answered] > small
        frame = frame.assign(**{f"{key}_share": share(frame[high], frame[answered]).where(enough)})
    return frame


def gatherings_by_year(scope: metrics.Scope, run: Runner = db.run_query) -> pd.DataFrame:
    """Community meetings, town halls and cultural events held and their attendance, per year and type."""
    frame = run("ingredients_gatherings_by_year", **scope.params())
    return label_years(frame.assign(attendance=frame["attendance"].fillna(0).astype("int64")), scope)


def contacts_by_channel_year(scope: metrics.Scope, run: Runner = db.run_query) -> pd.DataFrame:
    return label_years(run("ingredients_contacts_by_channel_year", **scope.params()), scope)


def where_people_are_by_year(scope: metrics.Scope, run: Runner = db.run_query) -> pd.DataFrame:
    """Per year: contacts, the share not in English, and of the contacts at events where both places
    are known, the share in the person's own neighborhood."""
    frame = run("ingredients_contacts_where_people_are_by_year", **scope.params())
    return label_years(
        frame.assign(
            not_in_english_share=share(frame["not_in_english"], frame["contacts"]),
            own_neighborhood_share=share(frame["in_own_neighborhood"], frame["at_placed_events"]),
        ),
        scope,
    )


# --- 2. trust among partners ------------------------------------------------------------------


def cohosted_events_by_year(scope: metrics.Scope, run: Runner = db.run_query) -> pd.DataFrame:
    frame = run("ingredients_cohosted_events_by_year", **scope.params())
    return by_year(frame, scope).assign(cohosted_share=lambda f: share(f["cohosted_events"], f["events"]))


def partner_links_by_year(scope: metrics.Scope, run: Runner = db.run_query) -> pd.DataFrame:
    return run("ingredients_partner_links_by_year", **scope.params())


def partner_years(scope: metrics.Scope, run: Runner = db.run_query) -> pd.DataFrame:
    return run("ingredients_partner_years", **scope.params())


def network_by_year(links: pd.DataFrame, active: pd.DataFrame, scope: metrics.Scope) -> pd.DataFrame:
    """Per year: active partners, pairs that held an event together (`links`), the pairs possible
    among the active partners, and the density (links / possible; none with fewer than 2 partners).

    `links`: year, partner_a, partner_b, events (partner_links_by_year); `active`: year, partner_id
    (partner_years). A partner that held an event is active, so every link joins active partners."""
    partners = active.groupby("year")["partner_id"].nunique().rename("partners")
    pairs = links.groupby("year").size().rename("links")
    frame = pd.DataFrame({"year": years_of(scope)}).set_index("year")
    frame = frame.join(partners).join(pairs).fillna(0).astype("int64").reset_index()
    frame["possible_links"] = frame["partners"] * (frame["partners"] - 1) // 2
    frame["density"] = share(frame["links"], frame["possible_links"])
    return label_years(frame, scope)


def degree_by_year(links: pd.DataFrame, active: pd.DataFrame, scope: metrics.Scope) -> pd.DataFrame:
    """Per year and active partner: its degree (how many other partners it held at least one event
    with) and the events it held with another partner, counted once per partner it shared them with."""
    ends = pd.concat(
        [
            links[["year", "partner_a", "events"]].rename(columns={"partner_a": "partner_id"}),
            links[["year", "partner_b", "events"]].rename(columns={"partner_b": "partner_id"}),
        ]
    )
    degrees = ends.groupby(["year", "partner_id"]).agg(degree=("events", "size"), pair_events=("events", "sum"))
    frame = active[["year", "partner_id"]].drop_duplicates().merge(degrees.reset_index(), how="left")
    frame[["degree", "pair_events"]] = frame[["degree", "pair_events"]].fillna(0).astype("int64")
    return label_years(frame.sort_values(["year", "partner_id"]).reset_index(drop=True), scope)


def shared_people_by_year(scope: metrics.Scope, run: Runner = db.run_query) -> pd.DataFrame:
    """Per year: unique people and those served by two or more partners that year (counted on the
    pseudonymised keys in the database; only counts come out)."""
    frame = by_year(run("ingredients_shared_people_by_year", **scope.params()), scope)
    return frame.assign(shared_share=share(frame["shared_people"], frame["unique_people"]))


# --- 3. breadth of expertise -------------------------------------------------------------------


def focus_areas(scope: metrics.Scope, run: Runner = db.run_query) -> pd.DataFrame:
    """partner_id, focus_area (none for a partner without any): the selected partners' fields of work."""
    return run("ingredients_focus_areas", **scope.params())


def focus_area_name(value: str) -> str:
    """A focus area as the reader reads it; an area outside the contract's list as written."""
    return labels.label("focus_area", value)


def unlisted_focus_areas(areas: pd.DataFrame) -> list[str]:
    """The focus areas that are not in the contract's list (kept as the partners file wrote them)."""
    return sorted(set(areas["focus_area"].dropna()) - set(vocab.FOCUS_AREAS))


def events_by_type_year(scope: metrics.Scope, run: Runner = db.run_query) -> pd.DataFrame:
    """Per year, selected partner and event type: events it hosted or co-hosted, and those held with
    another partner."""
    return label_years(run("ingredients_events_by_type_year", **scope.params()), scope)


def shared_trainings_by_year(events: pd.DataFrame) -> pd.DataFrame:
    """Per year and partner: workshops and trainings it held, and those held with another partner
    (from events_by_type_year)."""
    sharing = events[events["event_type"].isin(SHARING_TYPES)]
    keep = [c for c in ("year", "partner_id", "year_label", "partial") if c in sharing.columns]
    frame = sharing.groupby(keep, as_index=False)[["events", "joint_events"]].sum()
    return frame.rename(columns={"events": "trainings", "joint_events": "joint_trainings"})


# --- 4. multilingual capacity --------------------------------------------------------------------

TENURE_BANDS = {
    "under_1": N_("Under 1 year"),
    "1_to_2": N_("1 to 2 years"),
    "2_to_5": N_("2 to 5 years"),
    "5_to_10": N_("5 to 10 years"),
    "10_or_more": N_("10 years or more"),
}


def staff_by_language(scope: metrics.Scope, run: Runner = db.run_query) -> pd.DataFrame:
    """Per selected partner and language: staff who speak it and worked on a day of the period, and
    their full-time equivalents."""
    return run("ingredients_staff_by_language", **scope.params())


def has_staff(scope: metrics.Scope, run: Runner = db.run_query) -> bool:
    """Whether the selected partners have any staff at work in the period, whatever languages they
    speak (a language filter can leave none who speak the chosen languages; that is not missing data)."""
    return not run("ingredients_staff_by_language", **replace(scope, languages=None).params()).empty


def language_demand(scope: metrics.Scope, run: Runner = db.run_query) -> pd.DataFrame:
    """Per language: the period's contacts and people beside the staff who speak it; contacts per
    staff member (none without staff), and `no_staff`: contacts in the language but nobody on staff
    who speaks it."""
    frame = run("ingredients_language_demand", **scope.params())
    return frame.assign(
        contacts_per_staff=(frame["contacts"] / frame["staff"].where(frame["staff"] > 0)).astype("Float64"),
        no_staff=(frame["contacts"] > 0) & (frame["staff"] == 0),
    )


def staff_by_year(scope: metrics.Scope, run: Runner = db.run_query) -> pd.DataFrame:
    """Per year: staff, those who started and who left, and of the staff there on the year's first
    day the share still there on its last (the period's end for the year it cuts short)."""
    frame = label_years(run("ingredients_staff_by_year", **scope.params()), scope)
    return frame.assign(stayed_share=share(frame["stayed"], frame["on_first_day"]))


def staff_tenure(scope: metrics.Scope, run: Runner = db.run_query) -> pd.DataFrame:
    """Staff at work on the period's last day by how long they had been with their partner."""
    frame = run("ingredients_staff_tenure", **scope.params())
    return frame.assign(tenure_name=[_(TENURE_BANDS[t]) for t in frame["tenure"]])


def referrals_by_year(scope: metrics.Scope, run: Runner = db.run_query) -> pd.DataFrame:
    """Per year, referring and receiving partner: contacts of referred people and the people referred."""
    return label_years(run("ingredients_referrals_by_year", **scope.params()), scope)


# --- 5. political and community recognition -------------------------------------------------------


def officials_meetings_by_year(scope: metrics.Scope, run: Runner = db.run_query) -> pd.DataFrame:
    """Per year and selected partner: meetings with officials it hosted or co-hosted (`meetings`) and
    those it hosted (`hosted_meetings`, which add up to the meetings held)."""
    return label_years(run("ingredients_officials_meetings_by_year", **scope.params()), scope)


def officials_meetings_totals(meetings: pd.DataFrame, scope: metrics.Scope) -> pd.DataFrame:
    """Per year: meetings with officials held (each once) and the partners that took part in them."""
    totals = meetings.groupby("year").agg(meetings=("hosted_meetings", "sum"), partners=("partner_id", "nunique"))
    return by_year(totals.reset_index(), scope)


def community_events(scope: metrics.Scope, run: Runner = db.run_query) -> pd.DataFrame:
    """The period's town halls, community meetings and cultural events, newest first."""
    return run("ingredients_community_events", **scope.params())


# --- 6. commitment to long-term change --------------------------------------------------------------


def years_active(active: pd.DataFrame) -> pd.DataFrame:
    """Per partner: the years it had contacts or events, the first and the latest (from partner_years)."""
    frame = active.groupby("partner_id", as_index=False).agg(
        years_active=("year", "nunique"), first_year=("year", "min"), last_year=("year", "max")
    )
    return frame.sort_values(["years_active", "first_year", "partner_id"], ascending=[False, True, True])


def reach_by_year(scope: metrics.Scope, run: Runner = db.run_query) -> pd.DataFrame:
    """Per year: unique people, contacts with individual records, and people new to the coalition."""
    frame = by_year(run("ingredients_reach_by_year", **scope.params()), scope)
    return frame.assign(returning_people=frame["unique_people"] - frame["new_people"])


def returning_by_first_year(scope: metrics.Scope, run: Runner = db.run_query) -> pd.DataFrame:
    """By the year of their first contact in scope: people, those who came back in a later year, the
    share, and `complete`: False for the scope's last year, whose people have had no later year yet."""
    frame = run("ingredients_returning_by_first_year", **scope.params())
    frame = label_years(frame, scope, column="first_year")
    return frame.assign(
        returned_share=share(frame["returned_later"], frame["people"]),
        complete=frame["first_year"] < scope.end.year,
    )
