"""Synthetic demo data: six fictional partners, their events and five years of contacts.

The dashboard needs something to show before a coalition has loaded its own files, and the
ingest engine needs a realistic volume to be tried against. Everything here is invented: the
organisations, the event titles and the people (participant ids are random numbers). The
files follow the data contract exactly, so they load through the same engine as an
analyst's upload.

The patterns a reader of the dashboard should be able to find: seasonal outreach (a peak
around Lunar New Year, busy spring and fall, a summer and a late-December dip), steady
growth, people who come back (long-tailed), a language mix led by Cantonese and Mandarin
with one rare language spoken by only a handful of people, a partner that joined two years
ago, co-hosted events and regular meetings with officials; partners that send people to one
another along the relationships of their story (referrals), and staff who are mostly bilingual,
who come and go over the years, speaking the languages of the people each partner serves (no
staff member speaks the rare language).

Generation is vectorised (numpy) and written in chunks: ten million contacts take about half
a minute and under a gigabyte of memory. The output depends only on (engagements, seed,
today).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from impact import vocab

DEMO_PARTNER_IDS = ("PTYC", "MTEC", "FFRH", "CBNN", "JKSA", "BLNS")
LATE_PARTNER_ID = "BLNS"
RARE_LANGUAGE = "Tagalog"

YEARS = 5
WRITE_CHUNK_ROWS = 500_000
# A year's contacts go in parts of at most this many rows (about 90 MB), so every demo file
# stays under the 200 MB upload limit, as an analyst splits a large export.
MAX_ROWS_PER_FILE = 1_000_000
EVENT_LINKED_SHARE = 0.15  # contacts recorded at an event (engagement.event_id set)
SHARED_PERSON_CHANCE = 0.12  # a partner's person who is already known to an earlier partner
RETURNING_CHANCE = 0.42  # a partner's person who comes back at least once (overall ~47%)

PARTNER_COLUMNS = ("partner_id", "name", "name_zh", "focus_areas", "joined_on")
EVENT_COLUMNS = (
    "event_id",
    "event_date",
    "host_partner_id",
    "co_host_partner_ids",
    "event_type",
    "title",
    "neighborhood",
    "languages",
    "attendance",
)
ENGAGEMENT_COLUMNS = (
    "engagement_id",
    "engaged_on",
    "partner_id",
    "participant_id",
    "language",
    "neighborhood",
    "age_group",
    "channel",
    "service_type",
    "event_id",
    "referred_by_partner_id",
)
STAFF_COLUMNS = ("staff_id", "partner_id", "languages", "role", "started_on", "ended_on", "fte")

LANGUAGES = (
    "Cantonese",
    "Mandarin",
    "English",
    "Toisanese",
    "Spanish",
    "Vietnamese",
    RARE_LANGUAGE,
)
# Share of people by language before each partner's own lean; the rare language is given to
# a handful of people by hand (see _assign_rare_language), never by weight.
LANGUAGE_WEIGHTS = {
    "Cantonese": 0.45,
    "Mandarin": 0.25,
    "English": 0.11,
    "Toisanese": 0.09,
    "Spanish": 0.05,
    "Vietnamese": 0.05,
}
AGE_GROUPS = vocab.AGE_GROUPS
CHANNELS = (
    "in_person",
    "phone",
    "wechat",
    "text",
    "door_to_door",
    "social_media",
    "online",
    "other",
)
SERVICE_TYPES = (
    "outreach",
    "safety_workshop",
    "case_management",
    "language_access",
    "victim_support",
    "safety_escort",
    "wellness_check",
    "youth_program",
)
# The contract's own lists (same order, so the files stay byte-identical for a seed).
EVENT_TYPES = vocab.EVENT_TYPES
NEIGHBORHOODS = vocab.NEIGHBORHOODS
# Where people live whichever partner sees them: a thin spread over the city, thicker where
# many Chinese immigrant families live. Parks and the Presidio get almost nobody.
_BACKGROUND_NEIGHBORHOODS = {
    "Chinatown": 0.05,
    "Visitacion Valley": 0.04,
    "Sunset/Parkside": 0.05,
    "Excelsior": 0.04,
    "Bayview Hunters Point": 0.03,
    "Tenderloin": 0.03,
    "Outer Richmond": 0.04,
    "Inner Richmond": 0.02,
    "Nob Hill": 0.015,
    "North Beach": 0.015,
    "Russian Hill": 0.008,
    "Portola": 0.02,
    "Outer Mission": 0.015,
    "Oceanview/Merced/Ingleside": 0.015,
    "Mission": 0.012,
    "South of Market": 0.012,
    "Inner Sunset": 0.01,
    "Lakeshore": 0.008,
    "West of Twin Peaks": 0.005,
    "Western Addition": 0.006,
    "Bernal Heights": 0.005,
    "Financial District/South Beach": 0.004,
    "Japantown": 0.003,
}
_FALLBACK_NEIGHBORHOOD_WEIGHT = 0.0005
# People who speak a language other than Cantonese/Mandarin live in somewhat different places.
_NEIGHBORHOOD_LEAN_BY_LANGUAGE = {
    "Mandarin": {"Sunset/Parkside": 1.4, "Outer Richmond": 1.2, "Visitacion Valley": 1.2},
    "Toisanese": {"Chinatown": 1.6, "Sunset/Parkside": 1.3, "North Beach": 1.3},
    "Spanish": {
        "Mission": 8.0,
        "Excelsior": 2.5,
        "Outer Mission": 3.0,
        "Bernal Heights": 4.0,
        "Bayview Hunters Point": 1.5,
        "Portola": 1.5,
        "Chinatown": 0.2,
    },
    "Vietnamese": {
        "Tenderloin": 5.0,
        "Visitacion Valley": 1.5,
        "Bayview Hunters Point": 1.5,
        "South of Market": 2.0,
        "Chinatown": 0.3,
    },
}
_RARE_LANGUAGE_NEIGHBORHOODS = {
    "Excelsior": 0.35,
    "Outer Mission": 0.25,
    "South of Market": 0.25,
    "Visitacion Valley": 0.15,
}

_AGE_CHANNELS = {  # in_person, phone, wechat, text, door_to_door, social_media, online, other
    "0-17": (0.46, 0.04, 0.03, 0.20, 0.04, 0.15, 0.06, 0.02),
    "18-24": (0.36, 0.06, 0.06, 0.22, 0.05, 0.15, 0.08, 0.02),
    "25-44": (0.32, 0.16, 0.20, 0.10, 0.07, 0.07, 0.06, 0.02),
    "45-64": (0.34, 0.22, 0.22, 0.05, 0.09, 0.03, 0.03, 0.02),
    "65+": (0.42, 0.30, 0.12, 0.01, 0.10, 0.01, 0.01, 0.03),
}

# Event types: the headcount a host records when it keeps individual contacts
# (officials' meetings have none), the chance of co-hosts, and the service recorded.
_EVENT_LINKED_CONTACTS = {
    "workshop": 25.0,
    "community_meeting": 20.0,
    "town_hall": 45.0,
    "training": 14.0,
    "outreach": 50.0,
    "stakeholder_meeting": 0.0,
    "crisis_response": 30.0,
    "cultural_event": 70.0,
    "other": 8.0,
}
_CO_HOST_CHANCE = {
    "workshop": 0.12,
    "community_meeting": 0.15,
    "town_hall": 0.55,
    "training": 0.15,
    "outreach": 0.12,
    "stakeholder_meeting": 0.45,
    "crisis_response": 0.35,
    "cultural_event": 0.3,
    "other": 0.1,
}
_EVENT_SERVICE = {
    "workshop": "safety_workshop",
    "community_meeting": "outreach",
    "town_hall": "outreach",
    "training": "safety_workshop",
    "outreach": "outreach",
    "stakeholder_meeting": "outreach",
    "crisis_response": "victim_support",
    "cultural_event": "outreach",
    "other": "outreach",
}
_MEDIAN_ATTENDANCE = {
    "workshop": 22,
    "community_meeting": 30,
    "town_hall": 85,
    "training": 16,
    "outreach": 60,
    "stakeholder_meeting": 8,
    "crisis_response": 40,
    "cultural_event": 150,
    "other": 12,
}
_ATTENDANCE_MISSING_CHANCE = 0.12
# Monday .. Sunday
_WEEKDAY_ACTIVITY = (1.0, 1.0, 1.0, 1.0, 0.95, 0.6, 0.3)
_WEEKDAY_EVENTS = {
    "stakeholder_meeting": (1.0, 1.2, 1.2, 1.2, 0.8, 0.0, 0.0),
    "cultural_event": (0.1, 0.1, 0.1, 0.1, 0.3, 1.5, 1.2),
    "other": (1.0, 1.0, 1.0, 1.0, 1.0, 0.2, 0.0),
}
_WEEKDAY_EVENTS_DEFAULT = (0.8, 0.9, 0.9, 0.9, 0.9, 1.3, 0.5)

_TITLES = {
    "workshop": (
        "Scam Prevention Workshop for Seniors",
        "Know Your Rights Workshop",
        "Home Safety Basics Workshop",
        "How to Report a Hate Incident",
        "Pedestrian Safety Workshop",
        "Tenant Safety and Repairs Workshop",
        "Phone and Online Fraud Workshop",
        "Safe Routes to School Workshop",
    ),
    "community_meeting": (
        "{hood} Neighbors Safety Meeting",
        "Monthly Community Safety Circle",
        "Small Merchants Safety Meeting",
        "Parents Safety Roundtable",
        "Senior Housing Residents Meeting",
    ),
    "town_hall": (
        "{hood} Public Safety Town Hall",
        "Town Hall on Transit Safety",
        "Town Hall on Safety for Elders",
        "Youth Voices on Safety Town Hall",
    ),
    "training": (
        "Bystander Intervention Training",
        "Safety Ambassador Training",
        "Volunteer Escort Training",
        "First Aid and CPR Training",
        "De-escalation Training for Youth Leaders",
        "Interpreter Skills Training for Volunteers",
    ),
    "outreach": (
        "{hood} Door Knocking Day",
        "Muni Stop Safety Outreach",
        "Farmers Market Outreach Table",
        "Senior Housing Outreach Visit",
        "Park Safety Walk in {hood}",
        "School Pickup Safety Outreach",
    ),
    "stakeholder_meeting": (
        "Meeting with Board of Supervisors Public Safety Committee Staff",
        "Briefing for the Police Commission",
        "Meeting with the Mayor's Office on Community Safety",
        "Community Meeting with the SFPD District Captain",
        "Meeting with District Attorney Victim Services",
        "Meeting with the Department of Emergency Management",
        "Consultation with the Human Rights Commission",
        "Meeting with the Department of Disability and Aging Services",
        "Budget Hearing Testimony at the Board of Supervisors",
        "Meeting with SFMTA on Street Safety in {hood}",
    ),
    "crisis_response": (
        "Community Response Gathering after Neighborhood Incident",
        "Emergency Safety Check-in for Seniors",
        "Rapid Response Support Circle",
        "Family Support Session after Incident in {hood}",
    ),
    "cultural_event": (
        "Intergenerational Tea Social",
        "Neighborhood Potluck and Safety Talk",
        "Night Market Safety Booth",
    ),
    "other": (
        "Partner Coordination Call",
        "Volunteer Appreciation Night",
        "Coalition Data Review Session",
        "Coalition Planning Retreat",
    ),
}
_LUNAR_NEW_YEAR_TITLES = (
    "Lunar New Year Safety Fair",
    "Lunar New Year Senior Lunch and Safety Talk",
    "Lunar New Year Parade Safety Volunteers Briefing",
)
_MID_AUTUMN_TITLES = ("Mid-Autumn Festival Mooncake Social", "Mid-Autumn Lantern Night Safety Walk")
_DRAGON_BOAT_TITLES = ("Dragon Boat Festival Family Picnic",)
_STAKEHOLDER_LANGUAGES = (
    ("English", 0.45),
    ("English;Cantonese", 0.4),
    ("English;Cantonese;Mandarin", 0.15),
)

# Lunar New Year (first day) by Gregorian year; years outside the table use early February.
_LUNAR_NEW_YEAR = {
    2010: (2, 14),
    2011: (2, 3),
    2012: (1, 23),
    2013: (2, 10),
    2014: (1, 31),
    2015: (2, 19),
    2016: (2, 8),
    2017: (1, 28),
    2018: (2, 16),
    2019: (2, 5),
    2020: (1, 25),
    2021: (2, 12),
    2022: (2, 1),
    2023: (1, 22),
    2024: (2, 10),
    2025: (1, 29),
    2026: (2, 17),
    2027: (2, 6),
    2028: (1, 26),
    2029: (2, 13),
    2030: (2, 3),
    2031: (1, 23),
    2032: (2, 11),
    2033: (1, 31),
    2034: (2, 19),
    2035: (2, 8),
}


@dataclass(frozen=True)
class _Partner:
    """One fictional partner and the habits that shape its data."""

    partner_id: str
    name: str
    name_zh: str
    focus_areas: tuple[str, ...]
    joined: tuple[int, int, int] | None  # (years before the data starts, month, day); None: late
    volume: float  # relative contacts per day
    growth: float  # yearly growth of contacts
    return_scale: float  # how many times its returning people come back, relative
    ages: tuple[float, float, float, float, float]
    language_lean: dict[str, float]
    neighborhoods: dict[str, float]
    channel_lean: dict[str, float]
    services: tuple[float, ...]  # in SERVICE_TYPES order
    events_per_month: float
    event_types: dict[str, float]
    event_languages: tuple[tuple[str, float], ...]


_PARTNERS = (
    _Partner(
        partner_id="PTYC",
        name="Pearl Tide Youth Collective",
        name_zh="珠潮青年團",
        focus_areas=("youth safety", "violence prevention", "mentoring"),
        joined=(9, 4, 12),
        volume=0.20,
        growth=0.10,
        return_scale=1.0,
        ages=(0.45, 0.30, 0.10, 0.07, 0.08),
        language_lean={"English": 2.0, "Toisanese": 0.5, "Spanish": 1.3},
        neighborhoods={
            "Visitacion Valley": 0.3,
            "Excelsior": 0.2,
            "Bayview Hunters Point": 0.15,
            "Portola": 0.08,
            "Oceanview/Merced/Ingleside": 0.05,
            "Chinatown": 0.05,
        },
        channel_lean={"social_media": 1.3, "text": 1.2},
        services=(0.30, 0.15, 0.10, 0.03, 0.05, 0.07, 0.0, 0.30),
        events_per_month=1.1,
        event_types={
            "workshop": 3.0,
            "community_meeting": 1.0,
            "town_hall": 0.3,
            "training": 3.0,
            "outreach": 3.0,
            "stakeholder_meeting": 0.4,
            "crisis_response": 0.15,
            "cultural_event": 1.2,
            "other": 0.5,
        },
        event_languages=(
            ("English;Cantonese", 0.5),
            ("English;Cantonese;Mandarin", 0.3),
            ("English", 0.15),
            ("English;Cantonese;Spanish", 0.05),
        ),
    ),
    _Partner(
        partner_id="MTEC",
        name="Morning Tea Elders Circle",
        name_zh="早茶長者會",
        focus_areas=("elder safety", "scam prevention", "wellness checks"),
        joined=(12, 1, 20),
        volume=0.24,
        growth=0.08,
        return_scale=1.5,
        ages=(0.02, 0.02, 0.06, 0.20, 0.70),
        language_lean={
            "Cantonese": 1.3,
            "Toisanese": 2.0,
            "English": 0.3,
            "Mandarin": 0.8,
            "Spanish": 0.2,
            "Vietnamese": 0.3,
        },
        neighborhoods={
            "Chinatown": 0.4,
            "North Beach": 0.1,
            "Nob Hill": 0.1,
            "Sunset/Parkside": 0.08,
            "Tenderloin": 0.05,
            "Russian Hill": 0.03,
        },
        channel_lean={"phone": 1.2},
        services=(0.25, 0.15, 0.12, 0.10, 0.05, 0.13, 0.20, 0.0),
        events_per_month=1.0,
        event_types={
            "workshop": 3.0,
            "community_meeting": 2.0,
            "town_hall": 0.3,
            "training": 0.5,
            "outreach": 1.5,
            "stakeholder_meeting": 0.4,
            "crisis_response": 0.15,
            "cultural_event": 2.0,
            "other": 0.4,
        },
        event_languages=(
            ("Cantonese", 0.35),
            ("Cantonese;Toisanese", 0.3),
            ("Cantonese;English", 0.25),
            ("Cantonese;Mandarin;English", 0.1),
        ),
    ),
    _Partner(
        partner_id="FFRH",
        name="Fogline Family Resource Hub",
        name_zh="霧線家庭資源中心",
        focus_areas=("family safety", "language access", "school safety"),
        joined=(6, 9, 3),
        volume=0.18,
        growth=0.12,
        return_scale=1.1,
        ages=(0.25, 0.08, 0.30, 0.17, 0.20),
        language_lean={
            "Mandarin": 1.4,
            "Cantonese": 1.1,
            "Toisanese": 0.6,
            "Spanish": 0.3,
            "Vietnamese": 0.4,
        },
        neighborhoods={
            "Sunset/Parkside": 0.35,
            "Outer Richmond": 0.25,
            "Inner Richmond": 0.08,
            "Inner Sunset": 0.05,
            "Lakeshore": 0.04,
        },
        channel_lean={"wechat": 1.3},
        services=(0.30, 0.15, 0.20, 0.15, 0.08, 0.02, 0.05, 0.05),
        events_per_month=0.9,
        event_types={
            "workshop": 3.0,
            "community_meeting": 1.5,
            "town_hall": 0.4,
            "training": 1.0,
            "outreach": 2.0,
            "stakeholder_meeting": 0.4,
            "crisis_response": 0.1,
            "cultural_event": 1.2,
            "other": 0.4,
        },
        event_languages=(
            ("Cantonese;Mandarin;English", 0.45),
            ("Mandarin;English", 0.25),
            ("Cantonese;English", 0.25),
            ("Cantonese;Mandarin", 0.05),
        ),
    ),
    _Partner(
        partner_id="CBNN",
        name="Copper Bridge Neighbors Network",
        name_zh="銅橋街坊網絡",
        focus_areas=("neighborhood safety", "tenant safety", "merchant safety"),
        joined=(10, 6, 1),
        volume=0.16,
        growth=0.07,
        return_scale=1.0,
        ages=(0.08, 0.06, 0.20, 0.26, 0.40),
        language_lean={
            "Cantonese": 1.3,
            "Toisanese": 1.6,
            "Mandarin": 0.9,
            "English": 0.6,
            "Spanish": 0.3,
            "Vietnamese": 0.4,
        },
        neighborhoods={
            "Chinatown": 0.35,
            "North Beach": 0.12,
            "Nob Hill": 0.12,
            "Financial District/South Beach": 0.04,
            "Russian Hill": 0.04,
            "Tenderloin": 0.05,
        },
        channel_lean={"door_to_door": 2.5},
        services=(0.45, 0.15, 0.10, 0.10, 0.05, 0.10, 0.05, 0.0),
        events_per_month=1.0,
        event_types={
            "workshop": 2.0,
            "community_meeting": 3.0,
            "town_hall": 0.5,
            "training": 1.0,
            "outreach": 3.0,
            "stakeholder_meeting": 0.6,
            "crisis_response": 0.2,
            "cultural_event": 1.0,
            "other": 0.4,
        },
        event_languages=(
            ("Cantonese;English", 0.45),
            ("Cantonese;Toisanese;English", 0.25),
            ("Cantonese", 0.2),
            ("Cantonese;Mandarin;English", 0.1),
        ),
    ),
    _Partner(
        partner_id="JKSA",
        name="Jade Kite Safety Alliance",
        name_zh="玉鳶安全聯盟",
        focus_areas=("victim support", "crisis response", "hate incident reporting"),
        joined=(2, 2, 15),
        volume=0.14,
        growth=0.14,
        return_scale=1.3,
        ages=(0.12, 0.14, 0.30, 0.22, 0.22),
        language_lean={
            "Cantonese": 0.9,
            "Mandarin": 0.9,
            "English": 1.4,
            "Spanish": 2.2,
            "Vietnamese": 2.5,
            "Toisanese": 0.6,
        },
        neighborhoods={
            "Bayview Hunters Point": 0.25,
            "Tenderloin": 0.2,
            "South of Market": 0.12,
            "Visitacion Valley": 0.1,
            "Excelsior": 0.06,
            "Mission": 0.05,
        },
        channel_lean={"door_to_door": 1.5, "phone": 1.2},
        services=(0.20, 0.10, 0.25, 0.10, 0.30, 0.03, 0.02, 0.0),
        events_per_month=0.8,
        event_types={
            "workshop": 2.0,
            "community_meeting": 1.5,
            "town_hall": 0.6,
            "training": 2.0,
            "outreach": 2.0,
            "stakeholder_meeting": 0.6,
            "crisis_response": 0.8,
            "cultural_event": 0.6,
            "other": 0.4,
        },
        event_languages=(
            ("English;Cantonese", 0.35),
            ("English;Cantonese;Mandarin", 0.25),
            ("English;Cantonese;Spanish", 0.2),
            ("English;Vietnamese;Cantonese", 0.2),
        ),
    ),
    _Partner(
        partner_id="BLNS",
        name="Bamboo Ladder Newcomer Services",
        name_zh="竹梯新移民服務中心",
        focus_areas=("newcomer services", "language access", "know your rights"),
        joined=None,
        volume=0.12,
        growth=0.20,
        return_scale=1.0,
        ages=(0.15, 0.10, 0.35, 0.25, 0.15),
        language_lean={
            "Mandarin": 1.8,
            "Cantonese": 0.9,
            "English": 0.3,
            "Spanish": 0.8,
            "Vietnamese": 0.5,
            "Toisanese": 0.5,
        },
        neighborhoods={
            "Sunset/Parkside": 0.25,
            "Excelsior": 0.2,
            "Outer Richmond": 0.12,
            "Visitacion Valley": 0.1,
            "Oceanview/Merced/Ingleside": 0.06,
            "Portola": 0.05,
        },
        channel_lean={"wechat": 1.8, "online": 1.5},
        services=(0.25, 0.10, 0.20, 0.40, 0.05, 0.0, 0.0, 0.0),
        events_per_month=0.7,
        event_types={
            "workshop": 3.0,
            "community_meeting": 1.0,
            "town_hall": 0.2,
            "training": 1.0,
            "outreach": 2.0,
            "stakeholder_meeting": 0.3,
            "crisis_response": 0.1,
            "cultural_event": 0.8,
            "other": 0.3,
        },
        event_languages=(
            ("Mandarin;English", 0.35),
            ("Mandarin;Cantonese;English", 0.35),
            ("Mandarin;Cantonese", 0.2),
            ("Mandarin;Spanish;English", 0.1),
        ),
    ),
)
assert tuple(p.partner_id for p in _PARTNERS) == DEMO_PARTNER_IDS


def write_demo_csvs(
    out_dir: Path, engagements: int = 200_000, seed: int = 7, today: date | None = None, outcomes: bool = False
) -> list[Path]:
    """Write the demo files into out_dir and return their paths in load order.

    The files are partners.csv, events.csv and one engagements_<YEAR>.csv per calendar year
    (engagements_<YEAR>_part<K>.csv when a year has more than MAX_ROWS_PER_FILE rows),
    returned as partners, events, then engagements by year; with `outcomes`, then also
    targets.csv, milestones.csv, surveys.csv (see _write_outcomes) and staff.csv (see
    _staff_frame). The same (engagements,
    seed, today) always gives byte-identical files; today defaults to date.today() and nothing
    is dated after it.
    """
    if engagements < 0:
        raise ValueError(f"engagements must be 0 or more, not {engagements}")
    if seed < 0:
        raise ValueError(f"seed must be 0 or more, not {seed}")
    today = today or date.today()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    calendar = _Calendar(today)
    joined = _joined_dates(calendar)
    events = _make_events(np.random.default_rng([seed, 1]), calendar, joined, engagements)
    contacts = _make_engagements(np.random.default_rng([seed, 2]), calendar, joined, events, engagements)
    contacts.referred_by = _make_referrals(np.random.default_rng([seed, 4]), contacts)

    paths = [_write_partners(out_dir, joined), _write_events(out_dir, calendar, events)]
    paths += _write_engagements(out_dir, calendar, events, contacts)
    if outcomes:
        paths += _write_outcomes(out_dir, np.random.default_rng([seed, 3]), calendar, events, contacts)
        paths.append(out_dir / "staff.csv")
        _write_frame(paths[-1], _staff_frame(np.random.default_rng([seed, 5]), calendar, joined), header=True, mode="w")
    return paths


# --- calendar -------------------------------------------------------------------------------


def _lunar_new_year(year: int) -> date:
    month, day = _LUNAR_NEW_YEAR.get(year, (2, 4))
    return date(year, month, day)


class _Calendar:
    """Every day from 1 January five years back to today, with how busy each day is."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.start = date(today.year - YEARS + 1, 1, 1)
        self.days = pd.date_range(self.start, today, freq="D")
        self.size = len(self.days)
        self.labels = np.asarray(self.days.strftime("%Y-%m-%d"), dtype=object)
        self.weekday = self.days.day_of_week.to_numpy()
        self.years = list(range(self.start.year, today.year + 1))
        self.year_starts = np.array([self.index(date(y, 1, 1)) for y in self.years])
        lunar = np.array([self.index(_lunar_new_year(y)) for y in range(self.start.year - 1, today.year + 2)])
        self.lunar_distance = np.abs(np.arange(self.size)[:, None] - lunar[None, :]).min(axis=1)
        self.activity = (
            _seasonality(self.days.day_of_year.to_numpy(), self.lunar_distance)
            * np.asarray(_WEEKDAY_ACTIVITY)[self.weekday]
        )

    def index(self, day: date) -> int:
        return (day - self.start).days


def _seasonality(day_of_year: np.ndarray, lunar_distance: np.ndarray) -> np.ndarray:
    """Relative outreach by day: Lunar New Year peak, busy spring and fall, quiet summer and holidays."""
    doy = day_of_year.astype(float)
    season = 1.0 + 0.6 * np.exp(-0.5 * (lunar_distance / 9.0) ** 2)
    season += 0.3 * np.exp(-0.5 * ((doy - 100) / 28) ** 2)  # spring
    season += 0.35 * np.exp(-0.5 * ((doy - 290) / 25) ** 2)  # fall
    season -= 0.3 * np.exp(-0.5 * ((doy - 205) / 20) ** 2)  # summer
    holidays = np.abs(doy - 361)
    holidays = np.minimum(holidays, 365 - holidays)
    season -= 0.55 * np.exp(-0.5 * (holidays / 5.0) ** 2)  # late December, New Year's Day
    return season


def _joined_dates(calendar: _Calendar) -> list[date]:
    joined = []
    for partner in _PARTNERS:
        if partner.joined is None:
            two_years_ago = calendar.today - timedelta(days=730)
            joined.append(two_years_ago.replace(day=1))
        else:
            years_before, month, day = partner.joined
            joined.append(date(calendar.start.year - years_before, month, day))
    return joined


# --- events ---------------------------------------------------------------------------------


@dataclass
class _Events:
    day: np.ndarray  # calendar index
    host: np.ndarray  # partner index
    co_hosts: list[tuple[int, ...]]
    event_type: list[str]
    title: list[str]
    neighborhood: list[str]
    languages: list[str]
    attendance: list[int | None]
    event_id: list[str]


def _pick(rng: np.random.Generator, weighted: dict[str, float] | tuple[tuple[str, float], ...]) -> str:
    items = list(weighted.items()) if isinstance(weighted, dict) else list(weighted)
    weights = np.array([w for _, w in items], dtype=float)
    return items[rng.choice(len(items), p=weights / weights.sum())][0]


def _make_events(rng: np.random.Generator, calendar: _Calendar, joined: list[date], engagements: int) -> _Events:
    """A few hundred events; a very large demo gets somewhat more, never in proportion."""
    more = float(np.clip((max(engagements, 1) / 200_000) ** 0.25, 1.0, 3.0))
    joined_index = [calendar.index(d) for d in joined]
    rows: list[dict] = []
    for month in pd.period_range(calendar.start, calendar.today, freq="M"):
        first = calendar.index(month.start_time.date())
        last = min(calendar.index(month.end_time.date()), calendar.size - 1)
        month_activity = float(calendar.activity[first : last + 1].mean())
        years_in = first / 365.25
        # The coalition's regular meeting with officials, hosted in turn by its members.
        if rng.random() < 0.8:
            members = [p for p in range(len(_PARTNERS)) if joined_index[p] <= first]
            weights = np.array([_PARTNERS[p].volume for p in members])
            host = members[rng.choice(len(members), p=weights / weights.sum())]
            rows.append(_event(rng, calendar, joined_index, host, "stakeholder_meeting", first, last))
        for p, partner in enumerate(_PARTNERS):
            lo = max(first, joined_index[p])
            if lo > last:
                continue
            share_of_month = (last - lo + 1) / month.days_in_month
            expected = partner.events_per_month * more * month_activity * share_of_month
            expected *= (1 + partner.growth) ** years_in
            for _ in range(rng.poisson(expected)):
                types = dict(partner.event_types)
                if calendar.lunar_distance[lo : last + 1].min() <= 14 or month.month in (9, 10):
                    types["cultural_event"] *= 5
                rows.append(_event(rng, calendar, joined_index, p, _pick(rng, types), lo, last))

    rows.sort(key=lambda r: (r["day"], r["host"], r["event_type"], r["title"]))
    year_of = np.searchsorted(calendar.year_starts, [r["day"] for r in rows], side="right") - 1
    sequence: dict[int, int] = {}
    event_ids = []
    for y in year_of:
        sequence[y] = sequence.get(y, 0) + 1
        event_ids.append(f"EV-{calendar.years[y]}-{sequence[y]:04d}")
    return _Events(
        day=np.array([r["day"] for r in rows], dtype=np.int64),
        host=np.array([r["host"] for r in rows], dtype=np.int64),
        co_hosts=[r["co_hosts"] for r in rows],
        event_type=[r["event_type"] for r in rows],
        title=[r["title"] for r in rows],
        neighborhood=[r["neighborhood"] for r in rows],
        languages=[r["languages"] for r in rows],
        attendance=[r["attendance"] for r in rows],
        event_id=event_ids,
    )


def _event(
    rng: np.random.Generator,
    calendar: _Calendar,
    joined_index: list[int],
    host: int,
    event_type: str,
    lo: int,
    hi: int,
) -> dict:
    partner = _PARTNERS[host]
    candidates = np.arange(lo, hi + 1)
    weights = np.asarray(_WEEKDAY_EVENTS.get(event_type, _WEEKDAY_EVENTS_DEFAULT))[calendar.weekday[candidates]]
    near_new_year = calendar.lunar_distance[candidates] <= 14
    if event_type == "cultural_event" and near_new_year.any():
        weights = weights * np.exp(-0.5 * (calendar.lunar_distance[candidates] / 5.0) ** 2)
    if weights.sum() == 0:  # e.g. a weekday-only meeting in a month that has only a weekend left
        weights = np.ones(len(candidates))
    day = int(candidates[rng.choice(len(candidates), p=weights / weights.sum())])

    co_hosts: tuple[int, ...] = ()
    if rng.random() < _CO_HOST_CHANCE[event_type]:
        others = [q for q in range(len(_PARTNERS)) if q != host and joined_index[q] <= day]
        if others:
            count = min(len(others), 1 if rng.random() < 0.7 else 2)
            co_hosts = tuple(sorted(int(q) for q in rng.choice(others, size=count, replace=False)))

    hood = _pick(rng, partner.neighborhoods)
    month = calendar.days[day].month
    if event_type == "cultural_event" and calendar.lunar_distance[day] <= 20:
        titles = _LUNAR_NEW_YEAR_TITLES
    elif event_type == "cultural_event" and month in (9, 10):
        titles = _MID_AUTUMN_TITLES
    elif event_type == "cultural_event" and month == 6:
        titles = _DRAGON_BOAT_TITLES + _TITLES["cultural_event"]
    else:
        titles = _TITLES[event_type]
    title = titles[rng.integers(len(titles))].format(hood=hood)

    if event_type == "stakeholder_meeting":
        languages = _pick(rng, _STAKEHOLDER_LANGUAGES)
    else:
        languages = _pick(rng, partner.event_languages)

    growth = (1 + partner.growth) ** (day / 365.25)
    attendance = round(_MEDIAN_ATTENDANCE[event_type] * growth * rng.lognormal(0.0, 0.45))
    missing = rng.random() < _ATTENDANCE_MISSING_CHANCE
    return {
        "day": day,
        "host": host,
        "co_hosts": co_hosts,
        "event_type": event_type,
        "title": title,
        "neighborhood": hood,
        "languages": languages,
        "attendance": None if missing else max(1, int(attendance)),
    }


# --- engagements ----------------------------------------------------------------------------


@dataclass
class _Contacts:
    day: np.ndarray  # calendar index, ascending
    partner: np.ndarray  # partner index
    sequence: np.ndarray  # 1, 2, ... within partner (engagement_id)
    event: np.ndarray  # event index, -1 for none
    participant: np.ndarray  # person index
    channel: np.ndarray  # CHANNELS index
    service: np.ndarray  # SERVICE_TYPES index
    person_number: np.ndarray  # person index -> the number in participant_id
    person_language: np.ndarray
    person_neighborhood: np.ndarray
    person_age: np.ndarray
    referred_by: np.ndarray | None = None  # the referring partner's index, -1 for none (_make_referrals)


def _make_engagements(
    rng: np.random.Generator, calendar: _Calendar, joined: list[date], events: _Events, total: int
) -> _Contacts:
    n_partners = len(_PARTNERS)
    joined_index = np.array([max(0, calendar.index(d)) for d in joined])

    # Contacts recorded at events: spread over (event, host or co-host) by expected headcount.
    pair_event, pair_partner, pair_weight = [], [], []
    for e, event_type in enumerate(events.event_type):
        base = _EVENT_LINKED_CONTACTS[event_type]
        for q in (int(events.host[e]), *events.co_hosts[e]):
            pair_event.append(e)
            pair_partner.append(q)
            pair_weight.append(base if q == events.host[e] else 0.35 * base)
    weights = np.array(pair_weight, dtype=float)
    at_events = round(total * EVENT_LINKED_SHARE) if weights.sum() > 0 else 0
    event_counts = (
        rng.multinomial(at_events, weights / weights.sum()) if at_events else np.zeros(len(weights), dtype=np.int64)
    )

    # Everything else: by partner and day, following the season, growth and membership.
    years_in = np.arange(calendar.size) / 365.25
    daily = np.zeros((calendar.size, n_partners))
    for p, partner in enumerate(_PARTNERS):
        since = np.arange(calendar.size) - joined_index[p]
        ramp = 1 - np.exp(-(since + 1) / 75.0) if joined_index[p] > 0 else np.ones(calendar.size)
        daily[:, p] = np.where(
            since >= 0,
            partner.volume * calendar.activity * (1 + partner.growth) ** years_in * ramp,
            0.0,
        )
    daily_counts = rng.multinomial(total - at_events, (daily / daily.sum()).ravel())

    pair_event_index = np.array(pair_event, dtype=np.int64)
    cell_day = np.concatenate([np.repeat(np.arange(calendar.size), n_partners), events.day[pair_event_index]])
    cell_partner = np.concatenate(
        [np.tile(np.arange(n_partners), calendar.size), np.array(pair_partner, dtype=np.int64)]
    )
    cell_event = np.concatenate([np.full(calendar.size * n_partners, -1), pair_event_index])
    cell_count = np.concatenate([daily_counts, event_counts])
    keep = cell_count > 0
    order = np.lexsort((cell_event[keep], cell_partner[keep], cell_day[keep]))
    count = cell_count[keep][order]
    day = np.repeat(cell_day[keep][order].astype(np.int32), count)
    partner = np.repeat(cell_partner[keep][order].astype(np.int8), count)
    event = np.repeat(cell_event[keep][order].astype(np.int32), count)
    del daily, daily_counts, cell_day, cell_partner, cell_event, cell_count, keep, order, count

    people = _People()
    participant = np.empty(total, dtype=np.int32)
    sequence = np.empty(total, dtype=np.int64)
    for p, spec in enumerate(_PARTNERS):
        rows = np.flatnonzero(partner == p)
        sequence[rows] = np.arange(1, len(rows) + 1)
        participant[rows] = _assign_people(rng, people, spec, len(rows))
    person_language, person_neighborhood, person_age = people.finish(rng)

    age = person_age[participant]
    channel_table = np.array(
        [
            [_AGE_CHANNELS[a][c] * spec.channel_lean.get(name, 1.0) for c, name in enumerate(CHANNELS)]
            for spec in _PARTNERS
            for a in AGE_GROUPS
        ]
    )
    channel = _choice_by_group(rng, partner.astype(np.int64) * len(AGE_GROUPS) + age, channel_table)
    service = _choice_by_group(rng, partner.astype(np.int64), np.array([spec.services for spec in _PARTNERS]))
    at_event = event >= 0
    channel[at_event] = CHANNELS.index("in_person")
    event_service = np.array([SERVICE_TYPES.index(_EVENT_SERVICE[t]) for t in events.event_type], dtype=np.int8)
    service[at_event] = event_service[event[at_event]]

    numbers = rng.permutation(len(person_language)).astype(np.int64) + 1
    return _Contacts(
        day=day,
        partner=partner,
        sequence=sequence,
        event=event,
        participant=participant,
        channel=channel,
        service=service,
        person_number=numbers,
        person_language=person_language,
        person_neighborhood=person_neighborhood,
        person_age=person_age,
    )


class _People:
    """Everyone the coalition has met, with what stays the same about a person."""

    def __init__(self) -> None:
        self.count = 0
        self._language: list[np.ndarray] = []
        self._neighborhood: list[np.ndarray] = []
        self._age: list[np.ndarray] = []

    def add(self, rng: np.random.Generator, spec: _Partner, n: int) -> np.ndarray:
        language_weights = np.array(
            [LANGUAGE_WEIGHTS.get(lang, 0.0) * spec.language_lean.get(lang, 1.0) for lang in LANGUAGES]
        )
        language = rng.choice(len(LANGUAGES), size=n, p=language_weights / language_weights.sum()).astype(np.int8)
        hood_base = np.array(
            [
                _BACKGROUND_NEIGHBORHOODS.get(h, _FALLBACK_NEIGHBORHOOD_WEIGHT) + spec.neighborhoods.get(h, 0.0)
                for h in NEIGHBORHOODS
            ]
        )
        hood_table = np.array(
            [
                hood_base * np.array([_NEIGHBORHOOD_LEAN_BY_LANGUAGE.get(lang, {}).get(h, 1.0) for h in NEIGHBORHOODS])
                for lang in LANGUAGES
            ]
        )
        hood = _choice_by_group(rng, language.astype(np.int64), hood_table)
        age = rng.choice(len(AGE_GROUPS), size=n, p=np.asarray(spec.ages) / sum(spec.ages)).astype(np.int8)
        self._language.append(language)
        self._neighborhood.append(hood)
        self._age.append(age)
        ids = np.arange(self.count, self.count + n, dtype=np.int32)
        self.count += n
        return ids

    def finish(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        language = np.concatenate(self._language) if self._language else np.zeros(0, np.int8)
        hood = np.concatenate(self._neighborhood) if self._neighborhood else np.zeros(0, np.int8)
        age = np.concatenate(self._age) if self._age else np.zeros(0, np.int8)
        _assign_rare_language(rng, language, hood)
        return language, hood, age


def _assign_rare_language(rng: np.random.Generator, language: np.ndarray, hood: np.ndarray) -> None:
    """Give the rare language to a handful of people: small numbers must still show up.

    A tiny demo (under a few hundred people) gets fewer speakers, so the language stays rare.
    """
    speakers = min(len(language) // 20, int(rng.integers(7, 13)))
    chosen = rng.choice(len(language), size=speakers, replace=False)
    language[chosen] = LANGUAGES.index(RARE_LANGUAGE)
    names = list(_RARE_LANGUAGE_NEIGHBORHOODS)
    weights = np.array(list(_RARE_LANGUAGE_NEIGHBORHOODS.values()))
    weights /= weights.sum()
    hood[chosen] = [NEIGHBORHOODS.index(names[i]) for i in rng.choice(len(names), size=speakers, p=weights)]


def _contact_counts(rng: np.random.Generator, total: int, scale: float) -> np.ndarray:
    """Contacts per person for one partner, summing to total: half come once, a long tail often."""
    parts = []
    remaining = total
    while remaining > 0:
        size = remaining // 3 + 16
        counts = np.ones(size, dtype=np.int64)
        returning = rng.random(size) < RETURNING_CHANCE
        extra = np.ceil(rng.pareto(1.6, int(returning.sum())) * 2.2 * scale)
        counts[returning] = 1 + np.clip(extra, 1, 250).astype(np.int64)
        running = np.cumsum(counts)
        if running[-1] >= remaining:
            cut = int(np.searchsorted(running, remaining))
            counts = counts[: cut + 1]
            counts[-1] -= running[cut] - remaining
            parts.append(counts)
            break
        parts.append(counts)
        remaining -= int(running[-1])
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _assign_people(rng: np.random.Generator, people: _People, spec: _Partner, n_rows: int) -> np.ndarray:
    """Who each of a partner's contacts (in date order) was with.

    Each person gets a number of contacts and a start; their contacts follow one another at
    a personal pace, so a person's visits cluster in time instead of being strewn over the
    five years. Some people are already known to an earlier partner and keep their language,
    neighborhood and age group.
    """
    counts = _contact_counts(rng, n_rows, spec.return_scale)
    slots = len(counts)
    known_before = people.count
    shared = (rng.random(slots) < SHARED_PERSON_CHANCE) if known_before else np.zeros(slots, dtype=bool)
    person = np.empty(slots, dtype=np.int32)
    person[~shared] = people.add(rng, spec, int((~shared).sum()))
    person[shared] = rng.integers(0, max(known_before, 1), size=int(shared.sum()))

    pace = rng.lognormal(np.log(0.02), 0.8, slots)  # fraction of the partner's contacts between visits
    slot_of_row = np.repeat(np.arange(slots), counts)
    first_row = np.cumsum(counts) - counts
    gaps = rng.exponential(1.0, n_rows) * pace[slot_of_row]
    gaps[first_row] = 0.0
    elapsed = np.cumsum(gaps)
    since_first = elapsed - elapsed[first_row][slot_of_row]
    # A person's run of visits must fit inside the partner's timeline (0..1): a frequent
    # visitor's run is squeezed, then placed at random where it fits. (Letting runs overrun
    # the end piled the heaviest visitors into the last months.)
    span = since_first[first_row + counts - 1]
    squeeze = np.minimum(1.0, 0.9 / np.maximum(span, 1e-9))
    start = rng.uniform(0.0, 1.0, slots) * (1.0 - span * squeeze)
    when = start[slot_of_row] + since_first * squeeze[slot_of_row]
    return person[slot_of_row[np.argsort(when, kind="stable")]]


def _choice_by_group(rng: np.random.Generator, group: np.ndarray, table: np.ndarray) -> np.ndarray:
    """One category per row, drawn from the row's group's weights (table[group])."""
    cdf = np.cumsum(np.asarray(table, dtype=float), axis=1)
    cdf /= cdf[:, -1:]
    draw = rng.random(len(group))
    chosen = np.zeros(len(group), dtype=np.int8)
    for k in range(table.shape[1] - 1):
        chosen += draw >= cdf[group, k]
    return chosen


# --- writing --------------------------------------------------------------------------------


# --- referrals -------------------------------------------------------------------------------
# Who sends people to whom, and how readily: the partners' working relationships in the story. The
# neighbors network finds isolated elders door to door and sends them to the elders' circle, and
# victims of the attacks on elders in Chinatown to the safety alliance; the elders' circle sends
# elders who were scammed or attacked to the safety alliance, and tenants' troubles back to the
# neighbors; the youth collective sends families to the family hub and young witnesses of violence
# to the safety alliance; the family hub and the newcomer services send families to each other
# once the newcomers have joined; the family hub and the safety alliance share Know Your Rights
# week and the walk audit. Partners with no tie here (the youth collective and the elders' circle
# co-host, but do not refer) send nobody to each other.
REFERRALS = {
    ("CBNN", "MTEC"): 0.45,
    ("CBNN", "JKSA"): 0.30,
    ("MTEC", "JKSA"): 0.35,
    ("MTEC", "CBNN"): 0.20,
    ("JKSA", "MTEC"): 0.25,
    ("PTYC", "FFRH"): 0.35,
    ("PTYC", "JKSA"): 0.20,
    ("FFRH", "PTYC"): 0.25,
    ("FFRH", "BLNS"): 0.40,
    ("BLNS", "FFRH"): 0.35,
    ("JKSA", "FFRH"): 0.15,
    ("FFRH", "JKSA"): 0.15,
    ("BLNS", "JKSA"): 0.15,
}


def _make_referrals(rng: np.random.Generator, contacts: _Contacts) -> np.ndarray:
    """The partner that referred each contact (its index), or -1.

    A referral is a person's first contact with a partner, when another partner had seen that person
    before and the two partners work together (REFERRALS: the chance that such a person came by
    referral). So each referral is true to the rest of the data: the referring partner did know them.
    """
    n_partners = len(DEMO_PARTNER_IDS)
    referred_by = np.full(len(contacts.day), -1, dtype=np.int8)
    if len(referred_by) == 0:
        return referred_by
    pair = contacts.participant.astype(np.int64) * n_partners + contacts.partner
    _, first = np.unique(pair, return_index=True)  # contacts are in date order: each pair's first contact
    first_day = np.full((int(contacts.participant.max()) + 1, n_partners), np.iinfo(np.int32).max, dtype=np.int32)
    first_day[contacts.participant[first], contacts.partner[first]] = contacts.day[first]
    person, partner, day = contacts.participant[first], contacts.partner[first].astype(np.int64), contacts.day[first]
    chance = np.zeros((n_partners, n_partners))
    for (sender, receiver), weight in REFERRALS.items():
        chance[DEMO_PARTNER_IDS.index(sender), DEMO_PARTNER_IDS.index(receiver)] = weight
    chosen = np.full(len(first), -1, dtype=np.int8)
    for sender in rng.permutation(n_partners):  # no partner is always asked first
        seen_before = first_day[person, sender] < day
        taken = (chosen < 0) & seen_before & (rng.random(len(first)) < chance[sender, partner])
        chosen[taken] = sender
    referred_by[first] = chosen
    return referred_by


# --- staff ----------------------------------------------------------------------------------
# Each partner's team: how many people at first and by how much it grows a year, its roles, and the
# languages its staff speak with their weights. Most staff grew up in San Francisco in immigrant
# families: English and one or two community languages. Nobody speaks the rare language, so it shows
# as a language with contacts and no staff; Vietnamese is spoken at the safety alliance only, and
# Spanish at three partners.
_STAFF = {
    "PTYC": (
        6,
        0.08,
        {"outreach": 4, "organizing": 3, "case_management": 1, "leadership": 0, "other": 1},
        {"English;Cantonese": 5, "English;Mandarin": 2, "English;Cantonese;Mandarin": 1, "English;Spanish": 1},
    ),
    "MTEC": (
        7,
        0.05,
        {"outreach": 2, "organizing": 1, "case_management": 4, "leadership": 0, "other": 1},
        {"Cantonese;English": 4, "Cantonese;Toisanese;English": 3, "Cantonese;Mandarin": 2, "Cantonese;Toisanese": 1},
    ),
    "FFRH": (
        5,
        0.10,
        {"outreach": 3, "organizing": 1, "case_management": 3, "leadership": 0, "other": 1},
        {
            "Mandarin;English": 4,
            "Cantonese;English": 3,
            "Cantonese;Mandarin;English": 3,
            "Cantonese;Toisanese;English": 1,
        },
    ),
    "CBNN": (
        6,
        0.05,
        {"outreach": 3, "organizing": 4, "case_management": 1, "leadership": 0, "other": 1},
        {"Cantonese;English": 4, "Cantonese;Toisanese;English": 3, "Cantonese;Mandarin;English": 1},
    ),
    "JKSA": (
        4,
        0.12,
        {"outreach": 2, "organizing": 1, "case_management": 4, "leadership": 0, "other": 1},
        {"English;Cantonese": 3, "English;Mandarin": 2, "English;Vietnamese": 2, "English;Spanish": 2},
    ),
    "BLNS": (
        4,
        0.20,
        {"outreach": 3, "organizing": 1, "case_management": 3, "leadership": 0, "other": 1},
        {"Mandarin;English": 4, "Mandarin;Cantonese;English": 3, "Spanish;English": 1},
    ),
}
# The chance that someone in a role leaves in a year: outreach turns over fastest, directors stay.
_LEAVING = {"outreach": 0.22, "organizing": 0.16, "case_management": 0.12, "leadership": 0.05, "other": 0.18}
_PART_TIME = {"outreach": 0.3, "organizing": 0.15, "case_management": 0.1, "leadership": 0.0, "other": 0.5}


def _staff_frame(rng: np.random.Generator, calendar: _Calendar, joined: list[date]) -> pd.DataFrame:
    """Every staff member each partner has had since it joined (see _team)."""
    rows = [
        member
        for p, partner_id in enumerate(DEMO_PARTNER_IDS)
        for member in _team(rng, calendar, partner_id, joined[p])
    ]
    frame = pd.DataFrame(rows, columns=list(STAFF_COLUMNS))
    frame["started_on"] = frame["started_on"].map(date.isoformat)
    frame["ended_on"] = frame["ended_on"].map(lambda d: d.isoformat() if d else "")
    return frame


def _team(rng: np.random.Generator, calendar: _Calendar, partner_id: str, start: date) -> list[dict]:
    """One partner's staff over the years: a director from the day it joined, a team that grows, people
    who leave (by role) and are replaced a month or two later. Nobody starts or leaves after today;
    someone still on staff has no end date."""
    size, growth, roles, languages = _STAFF[partner_id]
    team: list[dict] = []

    def hire(role: str, day: date) -> None:
        part_time = rng.random() < _PART_TIME[role]
        team.append(
            {
                "staff_id": f"{partner_id}-{len(team) + 1:03d}",
                "partner_id": partner_id,
                "languages": _pick(rng, languages),
                "role": role,
                "started_on": day,
                "ended_on": None,
                "fte": str(rng.choice(["0.5", "0.6", "0.8"])) if part_time else "1",
            }
        )

    hire("leadership", start)
    for _ in range(size - 1):
        hire(_pick(rng, roles), start + timedelta(days=int(rng.integers(0, 120))))
    year_start = date(start.year + 1, 1, 1)
    while year_start <= calendar.today:
        for member in [m for m in team if m["ended_on"] is None]:
            if rng.random() < _LEAVING[member["role"]]:
                left = year_start + timedelta(days=int(rng.integers(0, 365)))
                if left > calendar.today or left < member["started_on"]:
                    continue
                member["ended_on"] = left
                replaced = left + timedelta(days=int(rng.integers(20, 75)))
                if replaced <= calendar.today:
                    hire(member["role"], replaced)
        wanted = round(size * (1 + growth) ** (year_start.year - start.year))
        while sum(m["ended_on"] is None for m in team) < wanted:
            day = year_start + timedelta(days=int(rng.integers(0, 200)))
            if day > calendar.today:
                break
            hire(_pick(rng, roles), day)
        year_start = date(year_start.year + 1, 1, 1)
    return team


def _write_frame(path: Path, frame: pd.DataFrame, header: bool, mode: str) -> None:
    with open(path, mode, encoding="utf-8", newline="") as out:
        frame.to_csv(out, header=header, index=False, lineterminator="\n")


def _write_partners(out_dir: Path, joined: list[date]) -> Path:
    path = out_dir / "partners.csv"
    frame = pd.DataFrame(
        {
            "partner_id": [p.partner_id for p in _PARTNERS],
            "name": [p.name for p in _PARTNERS],
            "name_zh": [p.name_zh for p in _PARTNERS],
            "focus_areas": [";".join(p.focus_areas) for p in _PARTNERS],
            "joined_on": [d.isoformat() for d in joined],
        },
        columns=list(PARTNER_COLUMNS),
    )
    _write_frame(path, frame, header=True, mode="w")
    return path


def _write_events(out_dir: Path, calendar: _Calendar, events: _Events) -> Path:
    path = out_dir / "events.csv"
    frame = pd.DataFrame(
        {
            "event_id": events.event_id,
            "event_date": calendar.labels[events.day] if len(events.day) else [],
            "host_partner_id": [DEMO_PARTNER_IDS[h] for h in events.host],
            "co_host_partner_ids": [";".join(DEMO_PARTNER_IDS[q] for q in c) for c in events.co_hosts],
            "event_type": events.event_type,
            "title": events.title,
            "neighborhood": events.neighborhood,
            "languages": events.languages,
            "attendance": pd.array(events.attendance, dtype="Int64"),
        },
        columns=list(EVENT_COLUMNS),
    )
    _write_frame(path, frame, header=True, mode="w")
    return path


def _write_engagements(out_dir: Path, calendar: _Calendar, events: _Events, contacts: _Contacts) -> list[Path]:
    event_ids = np.array(["", *events.event_id], dtype=object)  # index 0: no event
    bounds = np.searchsorted(contacts.day, [*calendar.year_starts, calendar.size])

    paths = []
    for y, year in enumerate(calendar.years):
        first, last = int(bounds[y]), int(bounds[y + 1])
        parts = max(1, -(-(last - first) // MAX_ROWS_PER_FILE))
        edges = np.linspace(first, last, parts + 1).round().astype(int)
        for part in range(parts):
            name = f"engagements_{year}.csv" if parts == 1 else f"engagements_{year}_part{part + 1}.csv"
            paths.append(out_dir / name)
            _write_rows(paths[-1], int(edges[part]), int(edges[part + 1]), calendar, contacts, event_ids)
    return paths


def _write_rows(
    path: Path, first: int, last: int, calendar: _Calendar, contacts: _Contacts, event_ids: np.ndarray
) -> None:
    partner_ids = np.array(DEMO_PARTNER_IDS, dtype=object)
    languages = np.array(LANGUAGES, dtype=object)
    hoods = np.array(NEIGHBORHOODS, dtype=object)
    ages = np.array(AGE_GROUPS, dtype=object)
    channels = np.array(CHANNELS, dtype=object)
    services = np.array(SERVICE_TYPES, dtype=object)
    referrers = np.array(["", *DEMO_PARTNER_IDS], dtype=object)  # index 0: not referred
    _write_frame(path, pd.DataFrame(columns=list(ENGAGEMENT_COLUMNS)), header=True, mode="w")
    for begin in range(first, last, WRITE_CHUNK_ROWS):
        rows = slice(begin, min(begin + WRITE_CHUNK_ROWS, last))
        who = contacts.participant[rows]
        partner = contacts.partner[rows]
        chunk = pd.DataFrame(
            {
                "engagement_id": [
                    f"{pid}-{n:07d}"
                    for pid, n in zip(partner_ids[partner].tolist(), contacts.sequence[rows].tolist(), strict=True)
                ],
                "engaged_on": calendar.labels[contacts.day[rows]],
                "partner_id": partner_ids[partner],
                "participant_id": [f"P{n:07d}" for n in contacts.person_number[who].tolist()],
                "language": languages[contacts.person_language[who]],
                "neighborhood": hoods[contacts.person_neighborhood[who]],
                "age_group": ages[contacts.person_age[who]],
                "channel": channels[contacts.channel[rows]],
                "service_type": services[contacts.service[rows]],
                "event_id": event_ids[contacts.event[rows] + 1],
                "referred_by_partner_id": referrers[contacts.referred_by[rows].astype(np.int64) + 1],
            },
            columns=list(ENGAGEMENT_COLUMNS),
        )
        _write_frame(path, chunk, header=False, mode="a")


# --- targets, milestones and the community's voice ------------------------------------------
# Drawn from the generated contacts after everything above, with their own random streams, so the
# partners, events and engagements files stay byte-identical whether or not these are written.

SURVEY_RESPONSES = 3_000
SURVEY_WITH_PARTICIPANT = 0.35  # responses that give the participant's id (the rest are anonymous)
SURVEY_SKIPPED = 0.08  # the chance that a response leaves a question empty
SURVEY_COMMENT = 0.12
# How the answers lean (on 1-5) by partner and by the respondent's language, and a slow rise by year:
# the partners differ, and people served in their own language answer more warmly.
_ANSWER_BY_PARTNER = {"PTYC": 3.9, "MTEC": 4.1, "FFRH": 3.7, "CBNN": 4.0, "JKSA": 3.4, "BLNS": 3.6}
_ANSWER_BY_LANGUAGE = {
    "Cantonese": 0.25,
    "Mandarin": 0.1,
    "English": -0.3,
    "Toisanese": 0.35,
    "Spanish": -0.2,
    "Vietnamese": -0.35,
    RARE_LANGUAGE: 0.0,
}
_ANSWER_RISE_PER_YEAR = 0.06
_COMMENTS = (
    "The staff spoke Cantonese with my mother, thank you.",
    "工作人員用廣東話解釋，很清楚。",
    "講解很詳細，我現在知道有事可以打電話求助。",
    "希望有更多普通话的讲座。",
    "Please hold the workshop on a weekend, I work weekdays.",
    "Me ayudaron a reportar el robo en español.",
    "Cảm ơn đã có người nói tiếng Việt.",
    "I feel safer walking to the bus stop with the escort program.",
    "The wait on the phone was long.",
    "多謝你哋陪我去警局報案。",
    "The room was too small for everyone.",
    "My son joined the youth program and loves it.",
)
_MILESTONES = (  # (year index, month, day, title, kind, partners, public, description)
    (0, 3, 8, "Coalition launches a multilingual safety hotline", "campaign", ("PTYC", "MTEC", "CBNN"), True, ""),
    (0, 9, 21, "Meeting with the Mayor's Office on language access", "meeting_with_officials", ("MTEC",), False, ""),
    (1, 2, 14, "Attacks on elders in Chinatown", "crisis", ("PTYC", "CBNN"), False, "Escort volunteers doubled"),
    (1, 6, 7, "Board of Supervisors funds community safety ambassadors", "policy", (), True, ""),
    (1, 11, 3, "Local TV segment on scam prevention for seniors", "media", ("MTEC",), False, ""),
    (2, 1, 18, "City grant renewed for three years", "funding", (), True, "Reporting on unique people reached"),
    (2, 5, 22, "Walk audit with the District 11 supervisor", "meeting_with_officials", ("FFRH", "JKSA"), False, ""),
    (2, 10, 5, "Know Your Rights week", "campaign", ("JKSA", "FFRH"), False, ""),
    (3, 3, 12, "Language access ordinance amended", "policy", (), True, "Interpreters at every district station"),
    (3, 8, 19, "Heat wave check-ins for elders", "crisis", ("MTEC", "CBNN"), False, ""),
    (4, 1, 20, "Foundation grant for youth programs", "funding", ("PTYC",), False, ""),
    (4, 2, 2, "Lunar New Year safety fair reaches a record crowd", "media", ("PTYC", "MTEC", "BLNS"), True, ""),
)


def _write_outcomes(
    out_dir: Path, rng: np.random.Generator, calendar: _Calendar, events: _Events, contacts: _Contacts
) -> list[Path]:
    """targets.csv (the coalition's and each partner's, for every year, some met and some behind),
    milestones.csv (a dozen over the five years, a few public) and surveys.csv (a few thousand
    responses whose answers vary by partner and language)."""
    surveys = _survey_frame(rng, calendar, events, contacts)
    paths = [out_dir / "targets.csv", out_dir / "milestones.csv", out_dir / "surveys.csv"]
    _write_frame(paths[0], _target_frame(rng, calendar, events, contacts, surveys), header=True, mode="w")
    _write_frame(paths[1], _milestone_frame(calendar), header=True, mode="w")
    _write_frame(paths[2], surveys, header=True, mode="w")
    return paths


def _survey_frame(rng: np.random.Generator, calendar: _Calendar, events: _Events, contacts: _Contacts) -> pd.DataFrame:
    """Responses after contacts: a sample of contacts, each answered on its day or up to two days
    later, by that person (their language, neighborhood, age group; their id on some)."""
    total = len(contacts.day)
    chosen = np.sort(rng.choice(total, size=min(SURVEY_RESPONSES, total), replace=False)) if total else []
    chosen = np.asarray(chosen, dtype=np.int64)
    n = len(chosen)
    day = np.minimum(contacts.day[chosen] + rng.integers(0, 3, n), calendar.size - 1)
    who = contacts.participant[chosen]
    partner = contacts.partner[chosen]
    language = contacts.person_language[who]
    years_in = day / 365.25
    lean = (
        np.array([_ANSWER_BY_PARTNER[DEMO_PARTNER_IDS[p]] for p in partner])
        + np.array([_ANSWER_BY_LANGUAGE[LANGUAGES[k]] for k in language])
        + _ANSWER_RISE_PER_YEAR * years_in
    )

    def scale(shift: float) -> list[str]:
        answer = np.clip(np.rint(rng.normal(lean + shift, 0.85)), 1, 5).astype(int)
        skipped = rng.random(n) < SURVEY_SKIPPED
        return ["" if s else str(a) for a, s in zip(answer, skipped, strict=True)]

    def yes_no(base: float) -> list[str]:
        chance = np.clip(base + 0.12 * (lean - 3.8), 0.05, 0.98)
        answer = rng.random(n) < chance
        skipped = rng.random(n) < SURVEY_SKIPPED
        return ["" if s else ("yes" if a else "no") for a, s in zip(answer, skipped, strict=True)]

    felt_safer, trusts, satisfied = scale(-0.2), scale(0.1), scale(0.25)
    knows_help, recommend = yes_no(0.72), yes_no(0.86)
    with_id = rng.random(n) < SURVEY_WITH_PARTICIPANT
    commented = rng.random(n) < SURVEY_COMMENT
    comment_pick = rng.integers(0, len(_COMMENTS), n)
    event_ids = np.array(["", *events.event_id], dtype=object)  # index 0: no event
    frame = pd.DataFrame(
        {
            "response_id": [f"S-{i + 1:06d}" for i in range(n)],
            "responded_on": calendar.labels[day] if n else [],
            "partner_id": np.array(DEMO_PARTNER_IDS, dtype=object)[partner] if n else [],
            "language": np.array(LANGUAGES, dtype=object)[language] if n else [],
            "participant_id": [
                f"P{contacts.person_number[w]:07d}" if keep else "" for w, keep in zip(who, with_id, strict=True)
            ],
            "event_id": event_ids[contacts.event[chosen] + 1] if n else [],
            "neighborhood": np.array(NEIGHBORHOODS, dtype=object)[contacts.person_neighborhood[who]] if n else [],
            "age_group": np.array(AGE_GROUPS, dtype=object)[contacts.person_age[who]] if n else [],
            "felt_safer": felt_safer,
            "knows_where_to_get_help": knows_help,
            "trusts_organization": trusts,
            "satisfied": satisfied,
            "would_recommend": recommend,
            "comment": [_COMMENTS[k] if c else "" for k, c in zip(comment_pick, commented, strict=True)],
        }
    )
    answered = frame[["felt_safer", "knows_where_to_get_help", "trusts_organization", "satisfied"]].ne("").any(axis=1)
    frame.loc[~answered, "would_recommend"] = "yes"  # every response answers something
    frame = frame.sort_values(["responded_on", "response_id"], kind="stable").reset_index(drop=True)
    frame["response_id"] = [f"S-{i + 1:06d}" for i in range(len(frame))]  # numbered in date order
    return frame


def _nice(value: float) -> int:
    """A target as people set one: 5,234 -> 5,200; 468 -> 470; 37 -> 37."""
    if value >= 1000:
        return int(round(value, -2))
    if value >= 100:
        return int(round(value, -1))
    return max(1, round(value))


def _target_frame(
    rng: np.random.Generator, calendar: _Calendar, events: _Events, contacts: _Contacts, surveys: pd.DataFrame
) -> pd.DataFrame:
    """Targets for every year: set a little above or below what the year brought (so some are met and
    some missed); the year under way from its pace so far (so some are on track, some behind)."""
    rows = []
    bounds = np.searchsorted(contacts.day, [*calendar.year_starts, calendar.size])
    event_days = np.asarray(events.day)
    survey_years = surveys["responded_on"].str[:4].astype(int) if len(surveys) else pd.Series(dtype=int)
    for y, year in enumerate(calendar.years):
        first, last = int(bounds[y]), int(bounds[y + 1])
        in_year = (event_days >= calendar.year_starts[y]) & (
            event_days < (calendar.year_starts[y + 1] if y + 1 < len(calendar.years) else calendar.size)
        )
        under_way = year == calendar.today.year
        days = (date(year, 12, 31) - date(year, 1, 1)).days + 1
        elapsed = (calendar.today - date(year, 1, 1)).days + 1 if under_way else days
        scale = days / elapsed
        low, high = (0.9, 1.08) if under_way else (0.85, 1.08)
        actual = {
            "unique_people": len(np.unique(contacts.participant[first:last])),
            "contacts": last - first,
            "events": int(in_year.sum()),
            "officials_meetings": sum(
                1 for t, keep in zip(events.event_type, in_year, strict=True) if keep and t == "stakeholder_meeting"
            ),
            "survey_responses": int((survey_years == year).sum()),
        }
        labels = {
            "unique_people": f"City grant {year}",
            "contacts": f"Foundation grant {year}",
            "survey_responses": f"Community voice {year}",
        }
        for metric, value in actual.items():
            if value == 0:
                continue
            rows.append(
                (
                    metric,
                    f"{year}-01-01",
                    f"{year}-12-31",
                    _nice(value * scale * rng.uniform(low, high)),
                    "",
                    labels.get(metric, ""),
                )
            )
        per_partner = np.bincount(contacts.partner[first:last], minlength=len(DEMO_PARTNER_IDS))
        if y >= len(calendar.years) - 2:  # the partners' own agreements, for the last two years
            for p, partner_id in enumerate(DEMO_PARTNER_IDS):
                if per_partner[p]:
                    target = _nice(per_partner[p] * scale * rng.uniform(low, high))
                    rows.append(
                        (
                            "contacts",
                            f"{year}-01-01",
                            f"{year}-12-31",
                            target,
                            partner_id,
                            f"{partner_id} agreement {year}",
                        )
                    )
    this_year = calendar.today.year
    rows.append(("languages_served", f"{this_year}-01-01", f"{this_year}-12-31", len(LANGUAGES), "", ""))
    return pd.DataFrame(rows, columns=["metric", "period_start", "period_end", "target", "partner_id", "label"])


def _milestone_frame(calendar: _Calendar) -> pd.DataFrame:
    rows = []
    for number, (y, month, day, title, kind, partners, public, description) in enumerate(_MILESTONES, start=1):
        when = min(date(calendar.years[0] + y, month, day), calendar.today)
        rows.append(
            (
                f"MS-{number:03d}",
                when.isoformat(),
                title,
                kind,
                ";".join(partners),
                description,
                "yes" if public else "no",
            )
        )
    return pd.DataFrame(rows, columns=["milestone_id", "date", "title", "kind", "partner_ids", "description", "public"])
