"""Display names of the contract's category values, in the reader's language.

The database stores canonical values (`stakeholder_meeting`, `Sunset/Parkside`, `65+`);
people read labels. Each label is an English msgid with the category as its context
(`pgettext("event_type", "Stakeholder meeting")`), so "Other" can be translated one way
for a language and another for a channel. Neighborhoods keep their English (DataSF) name
where a language has no common name for them.

    labels.label("neighborhood", "Chinatown")            # 華埠 in 繁體中文
    st.multiselect(_("Neighborhoods"), vocab.NEIGHBORHOODS, format_func=labels.formatter("neighborhood"))
    frame["language"] = labels.relabel(frame["language"], "language")   # before charting

Partners are named here too: `partner_name(name, name_zh)` is the one place that decides how a
partner is called (its Chinese name on Chinese pages, where it has one), and every page that
shows a partner goes through it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from impact import vocab
from impact.i18n import NP_, _, current, pgettext

LANGUAGE = {
    "Cantonese": NP_("language", "Cantonese"),
    "Mandarin": NP_("language", "Mandarin"),
    "Toisanese": NP_("language", "Toisanese"),
    "English": NP_("language", "English"),
    "Spanish": NP_("language", "Spanish"),
    "Vietnamese": NP_("language", "Vietnamese"),
    "Tagalog": NP_("language", "Tagalog"),
    "Korean": NP_("language", "Korean"),
    "Japanese": NP_("language", "Japanese"),
    "Russian": NP_("language", "Russian"),
    "Arabic": NP_("language", "Arabic"),
    "Other": NP_("language", "Other"),
}

NEIGHBORHOOD = {
    "Bayview Hunters Point": NP_("neighborhood", "Bayview Hunters Point"),
    "Bernal Heights": NP_("neighborhood", "Bernal Heights"),
    "Castro/Upper Market": NP_("neighborhood", "Castro/Upper Market"),
    "Chinatown": NP_("neighborhood", "Chinatown"),
    "Excelsior": NP_("neighborhood", "Excelsior"),
    "Financial District/South Beach": NP_("neighborhood", "Financial District/South Beach"),
    "Glen Park": NP_("neighborhood", "Glen Park"),
    "Golden Gate Park": NP_("neighborhood", "Golden Gate Park"),
    "Haight Ashbury": NP_("neighborhood", "Haight Ashbury"),
    "Hayes Valley": NP_("neighborhood", "Hayes Valley"),
    "Inner Richmond": NP_("neighborhood", "Inner Richmond"),
    "Inner Sunset": NP_("neighborhood", "Inner Sunset"),
    "Japantown": NP_("neighborhood", "Japantown"),
    "Lakeshore": NP_("neighborhood", "Lakeshore"),
    "Lincoln Park": NP_("neighborhood", "Lincoln Park"),
    "Lone Mountain/USF": NP_("neighborhood", "Lone Mountain/USF"),
    "Marina": NP_("neighborhood", "Marina"),
    "McLaren Park": NP_("neighborhood", "McLaren Park"),
    "Mission": NP_("neighborhood", "Mission"),
    "Mission Bay": NP_("neighborhood", "Mission Bay"),
    "Nob Hill": NP_("neighborhood", "Nob Hill"),
    "Noe Valley": NP_("neighborhood", "Noe Valley"),
    "North Beach": NP_("neighborhood", "North Beach"),
    "Oceanview/Merced/Ingleside": NP_("neighborhood", "Oceanview/Merced/Ingleside"),
    "Outer Mission": NP_("neighborhood", "Outer Mission"),
    "Outer Richmond": NP_("neighborhood", "Outer Richmond"),
    "Pacific Heights": NP_("neighborhood", "Pacific Heights"),
    "Portola": NP_("neighborhood", "Portola"),
    "Potrero Hill": NP_("neighborhood", "Potrero Hill"),
    "Presidio": NP_("neighborhood", "Presidio"),
    "Presidio Heights": NP_("neighborhood", "Presidio Heights"),
    "Russian Hill": NP_("neighborhood", "Russian Hill"),
    "Seacliff": NP_("neighborhood", "Seacliff"),
    "South of Market": NP_("neighborhood", "South of Market"),
    "Sunset/Parkside": NP_("neighborhood", "Sunset/Parkside"),
    "Tenderloin": NP_("neighborhood", "Tenderloin"),
    "Treasure Island": NP_("neighborhood", "Treasure Island"),
    "Twin Peaks": NP_("neighborhood", "Twin Peaks"),
    "Visitacion Valley": NP_("neighborhood", "Visitacion Valley"),
    "West of Twin Peaks": NP_("neighborhood", "West of Twin Peaks"),
    "Western Addition": NP_("neighborhood", "Western Addition"),
}

EVENT_TYPE = {
    "workshop": NP_("event_type", "Workshop"),
    "community_meeting": NP_("event_type", "Community meeting"),
    "town_hall": NP_("event_type", "Town hall"),
    "training": NP_("event_type", "Training"),
    "outreach": NP_("event_type", "Outreach"),
    "stakeholder_meeting": NP_("event_type", "Stakeholder meeting"),
    "crisis_response": NP_("event_type", "Crisis response"),
    "cultural_event": NP_("event_type", "Cultural event"),
    "other": NP_("event_type", "Other"),
}

CHANNEL = {
    "in_person": NP_("channel", "In person"),
    "phone": NP_("channel", "Phone"),
    "text": NP_("channel", "Text message"),
    "wechat": NP_("channel", "WeChat"),
    "social_media": NP_("channel", "Social media"),
    "door_to_door": NP_("channel", "Door to door"),
    "online": NP_("channel", "Online"),
    "other": NP_("channel", "Other"),
}

AGE_GROUP = {
    "0-17": NP_("age_group", "0–17"),
    "18-24": NP_("age_group", "18–24"),
    "25-44": NP_("age_group", "25–44"),
    "45-64": NP_("age_group", "45–64"),
    "65+": NP_("age_group", "65 and over"),
}

# What a target measures: the KPI cards' words (metrics.KPIS), and the surveys' responses.
METRIC = {
    "unique_people": NP_("metric", "Unique people reached"),
    "contacts": NP_("metric", "Total contacts"),
    "events": NP_("metric", "Events held"),
    "event_attendance": NP_("metric", "Event attendance"),
    "languages_served": NP_("metric", "Languages served"),
    "neighborhoods_reached": NP_("metric", "Neighborhoods reached"),
    "active_partners": NP_("metric", "Active partners"),
    "officials_meetings": NP_("metric", "Meetings with officials"),
    "survey_responses": NP_("metric", "Survey responses"),
}

MILESTONE_KIND = {
    "policy": NP_("milestone_kind", "Policy"),
    "crisis": NP_("milestone_kind", "Crisis"),
    "campaign": NP_("milestone_kind", "Campaign"),
    "meeting_with_officials": NP_("milestone_kind", "Meeting with officials"),
    "media": NP_("milestone_kind", "Media"),
    "funding": NP_("milestone_kind", "Funding"),
    "other": NP_("milestone_kind", "Other"),
}

# A staff member's role (the staff kind).
STAFF_ROLE = {
    "outreach": NP_("staff_role", "Outreach"),
    "case_management": NP_("staff_role", "Case management"),
    "organizing": NP_("staff_role", "Organizing"),
    "leadership": NP_("staff_role", "Leadership"),
    "other": NP_("staff_role", "Other"),
}

# What a partner works on (partners.focus_areas).
FOCUS_AREA = {
    "youth": NP_("focus_area", "Youth"),
    "elders": NP_("focus_area", "Elders"),
    "families": NP_("focus_area", "Families"),
    "community_safety": NP_("focus_area", "Community safety"),
    "violence_prevention": NP_("focus_area", "Violence prevention"),
    "victim_services": NP_("focus_area", "Victim services"),
    "crisis_response": NP_("focus_area", "Crisis response"),
    "anti_hate": NP_("focus_area", "Anti-hate response"),
    "scam_prevention": NP_("focus_area", "Scam prevention"),
    "housing": NP_("focus_area", "Housing and tenants"),
    "language_access": NP_("focus_area", "Language access"),
    "immigrant_rights": NP_("focus_area", "Immigrant rights"),
    "legal_services": NP_("focus_area", "Legal services"),
    "health": NP_("focus_area", "Health and wellness"),
    "small_business": NP_("focus_area", "Small businesses"),
    "economic_justice": NP_("focus_area", "Economic justice"),
    "civic_engagement": NP_("focus_area", "Civic engagement"),
}

# kind -> (canonical values in the contract's order, their English labels)
KINDS: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "language": (vocab.LANGUAGES, LANGUAGE),
    "neighborhood": (vocab.NEIGHBORHOODS, NEIGHBORHOOD),
    "event_type": (vocab.EVENT_TYPES, EVENT_TYPE),
    "channel": (vocab.CHANNELS, CHANNEL),
    "age_group": (vocab.AGE_GROUPS, AGE_GROUP),
    "metric": (vocab.TARGET_METRICS, METRIC),
    "milestone_kind": (vocab.MILESTONE_KINDS, MILESTONE_KIND),
    "staff_role": (vocab.STAFF_ROLES, STAFF_ROLE),
    "focus_area": (vocab.FOCUS_AREAS, FOCUS_AREA),
}


def label(kind: str, value: str | None) -> str:
    """The display name of `value`; a value outside the vocabulary is shown as stored."""
    english = KINDS[kind][1]
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return _("Not recorded")
    if value not in english:
        return str(value)
    return pgettext(kind, english[value])


def formatter(kind: str) -> Callable[[str | None], str]:
    """A `format_func` for selectboxes and multiselects of canonical values."""
    return lambda value: label(kind, value)


def relabel(values: pd.Series, kind: str) -> pd.Series:
    """A column of canonical values as display names (for tables and chart legends)."""
    return values.map(formatter(kind))


def english_label(kind: str, value: str) -> str:
    """The English display name (for exports that must not change with the reader)."""
    return KINDS[kind][1].get(value, value)


def spelling(kind: str, value: str) -> str:
    """A category value as a file may spell it: the label, with the English label after it where the
    reader's differs ("面對面 (In person)"). English labels are accepted spellings of the contract's
    values (files are read case-, space- and punctuation-blind), so a problem or the data dictionary
    can say what to write without showing a code such as in_person."""
    shown, english = label(kind, value), english_label(kind, value)
    return shown if shown == english else _("{label} ({english})").format(label=shown, english=english)


# --- partners ---------------------------------------------------------------------------

CHINESE = frozenset({"zh_Hant", "zh_Hans"})  # the interface languages that read a partner's name_zh
# Columns of query results that name a partner, and the column holding that partner's id.
PARTNER_NAME_COLUMNS = {"partner_name": "partner_id", "partner_a_name": "partner_a", "partner_b_name": "partner_b"}


def _text(value: object) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def partner_name(name: str | None, name_zh: str | None = None) -> str:
    """How a partner is called on the page: its Chinese name (`name_zh`) on Chinese pages when the
    partners file gave one, else its name. Every partner name people read comes from here."""
    chinese = _text(name_zh)
    if chinese is not None and current() in CHINESE:
        return chinese
    return _text(name) or chinese or ""


def partner_names(partners: pd.DataFrame) -> dict[str, str]:
    """partner_id -> the name people read, from a frame of partner_id, name and name_zh."""
    zh = partners["name_zh"] if "name_zh" in partners else [None] * len(partners)
    return {
        str(pid): partner_name(name, chinese)
        for pid, name, chinese in zip(partners["partner_id"], partners["name"], zh, strict=True)
    }


def name_partners(frame: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """A query result with its partner names (partner_name, partner_a_name, partner_b_name) as
    people read them, looked up by the id beside each; a row without an id keeps its value. The
    frame is copied, never changed (it may be a cached result)."""
    renamed = {}
    for column, id_column in PARTNER_NAME_COLUMNS.items():
        if column in frame.columns and id_column in frame.columns:
            looked_up = frame[id_column].map(lambda pid: names.get(pid) if isinstance(pid, str) else None)
            renamed[column] = looked_up.where(looked_up.notna(), frame[column])
    return frame.assign(**renamed) if renamed else frame
