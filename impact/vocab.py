"""Controlled vocabularies of the data contract: canonical values and their aliases.

Everything that turns a spreadsheet's spelling into the value we store lives here, so the
ingest engine, the data dictionary and the translations all read one list.
"""

from __future__ import annotations

import re
import unicodedata

EVENT_TYPES = (
    "workshop",
    "community_meeting",
    "town_hall",
    "training",
    "outreach",
    "stakeholder_meeting",
    "crisis_response",
    "cultural_event",
    "other",
)
CHANNELS = (
    "in_person",
    "phone",
    "text",
    "wechat",
    "social_media",
    "door_to_door",
    "online",
    "other",
)
AGE_GROUPS = ("0-17", "18-24", "25-44", "45-64", "65+")

LANGUAGES = (
    "Cantonese",
    "Mandarin",
    "Toisanese",
    "English",
    "Spanish",
    "Vietnamese",
    "Tagalog",
    "Korean",
    "Japanese",
    "Russian",
    "Arabic",
    "Other",
)

# San Francisco's 41 analysis neighborhoods (DataSF), spelled as DataSF spells them.
NEIGHBORHOODS = (
    "Bayview Hunters Point",
    "Bernal Heights",
    "Castro/Upper Market",
    "Chinatown",
    "Excelsior",
    "Financial District/South Beach",
    "Glen Park",
    "Golden Gate Park",
    "Haight Ashbury",
    "Hayes Valley",
    "Inner Richmond",
    "Inner Sunset",
    "Japantown",
    "Lakeshore",
    "Lincoln Park",
    "Lone Mountain/USF",
    "Marina",
    "McLaren Park",
    "Mission",
    "Mission Bay",
    "Nob Hill",
    "Noe Valley",
    "North Beach",
    "Oceanview/Merced/Ingleside",
    "Outer Mission",
    "Outer Richmond",
    "Pacific Heights",
    "Portola",
    "Potrero Hill",
    "Presidio",
    "Presidio Heights",
    "Russian Hill",
    "Seacliff",
    "South of Market",
    "Sunset/Parkside",
    "Tenderloin",
    "Treasure Island",
    "Twin Peaks",
    "Visitacion Valley",
    "West of Twin Peaks",
    "Western Addition",
)

LANGUAGE_ALIASES = {
    "Cantonese": ("廣東話", "粵語", "广东话", "粤语", "廣府話", "yue", "Chinese - Cantonese", "Chinese (Cantonese)"),
    "Mandarin": ("普通話", "國語", "普通话", "国语", "華語", "华语", "cmn", "Chinese - Mandarin", "Putonghua"),
    "Toisanese": ("台山話", "台山话", "Taishanese", "Toishanese", "Hoisanese"),
    "English": ("英語", "英文", "英语", "eng", "en"),
    "Spanish": ("Español", "Espanol", "西班牙語", "西班牙语", "spa", "es"),
    "Vietnamese": ("Tiếng Việt", "Tieng Viet", "越南話", "越南语", "越南語", "vie"),
    "Tagalog": ("Filipino", "他加祿語", "他加禄语", "tgl"),
    "Korean": ("한국어", "韓語", "韩语", "kor"),
    "Japanese": ("日本語", "日语", "jpn"),
    "Russian": ("Русский", "俄語", "俄语", "rus"),
    "Arabic": ("العربية", "阿拉伯語", "阿拉伯语", "ara"),
    "Other": ("其他",),
}

NEIGHBORHOOD_ALIASES = {
    "Chinatown": ("華埠", "华埠", "唐人街"),
    "Visitacion Valley": ("訪谷", "访谷", "訪客谷", "訪問谷", "Vis Valley"),
    "Sunset/Parkside": ("日落區", "日落区", "Sunset", "Parkside", "Outer Sunset"),
    "Outer Richmond": ("外列治文", "外列治文區"),
    "Inner Richmond": ("內列治文", "内列治文"),
    "Bayview Hunters Point": ("灣景", "湾景", "灣景獵人角", "湾景猎人角", "Bayview", "Hunters Point"),
    "Excelsior": ("精益區", "精益区", "艾克沙修"),
    "Tenderloin": ("田德隆", "田德龍"),
    "South of Market": ("南市場", "南市场", "SoMa", "SOMA"),
    "Mission": ("米慎區", "米慎区", "教會區", "Mission District"),
    "North Beach": ("北灘", "北滩"),
    "Nob Hill": ("諾布山", "诺布山"),
    "Portola": ("波多拉",),
    "Japantown": ("日本城",),
    "Oceanview/Merced/Ingleside": ("OMI", "Oceanview", "Ingleside"),
    "Financial District/South Beach": ("金融區", "金融区", "Financial District"),
}

EVENT_TYPE_ALIASES = {
    "workshop": ("工作坊",),
    "community_meeting": ("community mtg", "社區會議", "社区会议"),
    "town_hall": ("townhall", "市民大會", "市民大会"),
    "training": ("培訓", "培训"),
    "outreach": ("外展",),
    "stakeholder_meeting": (
        "meeting with officials",
        "official meeting",
        "officials meeting",
        "與官員會面",
        "与官员会面",
    ),
    "crisis_response": ("crisis", "emergency response", "危機應對", "危机应对"),
    "cultural_event": ("cultural", "文化活動", "文化活动"),
    "other": ("其他",),
}

CHANNEL_ALIASES = {
    "in_person": ("face to face", "in-person", "walk in", "walk-in", "親身", "亲身", "面談", "面谈"),
    "phone": ("telephone", "phone call", "call", "電話", "电话"),
    "text": ("sms", "text message", "短訊", "短信"),
    "wechat": ("weixin", "微信"),
    "social_media": ("social", "facebook", "instagram", "社交媒體", "社交媒体"),
    "door_to_door": ("door knocking", "canvassing", "上門", "上门"),
    "online": ("zoom", "video", "video call", "email", "網上", "网上"),
    "other": ("其他",),
}

AGE_GROUP_ALIASES = {
    "0-17": ("under 18", "0 to 17", "youth", "child", "兒童", "儿童"),
    "18-24": ("18 to 24", "young adult"),
    "25-44": ("25 to 44",),
    "45-64": ("45 to 64",),
    "65+": ("65 and over", "65 or older", "over 65", "senior", "長者", "长者"),
}

# What a target measures (the targets kind): the dashboards' KPIs and the surveys' responses. The
# KPI's English label (metrics.KPIS) is an accepted spelling too, so "Unique people reached" reads.
TARGET_METRICS = (
    "unique_people",
    "contacts",
    "events",
    "event_attendance",
    "languages_served",
    "neighborhoods_reached",
    "active_partners",
    "officials_meetings",
    "survey_responses",
)
TARGET_METRIC_ALIASES = {
    "unique_people": ("Unique people reached", "unique people", "people reached", "不重複人數", "不重复人数"),
    "contacts": ("Total contacts", "接觸次數", "接触次数"),
    "events": ("Events held", "events_held", "活動數目", "活动数目"),
    "event_attendance": ("Event attendance", "活動出席人數", "活动出席人数"),
    "languages_served": ("Languages served", "服務語言", "服务语言"),
    "neighborhoods_reached": ("Neighborhoods reached", "覆蓋社區", "覆盖社区"),
    "active_partners": ("Active partners", "活躍夥伴", "活跃伙伴"),
    "officials_meetings": ("Meetings with officials", "與官員會面次數", "与官员会面次数"),
    "survey_responses": ("Survey responses", "問卷回應", "问卷回应"),
}

# What kind of moment a milestone marks (the milestones kind).
MILESTONE_KINDS = ("policy", "crisis", "campaign", "meeting_with_officials", "media", "funding", "other")
MILESTONE_KIND_ALIASES = {
    "policy": ("policy change", "legislation", "政策"),
    "crisis": ("incident", "危機", "危机"),
    "campaign": ("運動", "运动", "倡議", "倡议"),
    "meeting_with_officials": ("meeting with officials", "officials meeting", "與官員會面", "与官员会面"),
    "media": ("press", "news", "媒體", "媒体"),
    "funding": ("grant", "資助", "资助", "撥款", "拨款"),
    "other": ("其他",),
}

# Yes and no (a milestone's `public`, the surveys' yes/no answers), read spelling-blind.
YES_WORDS = ("yes", "y", "true", "1", "是", "sí", "si")
NO_WORDS = ("no", "n", "false", "0", "否")

# A survey answer on a scale: 1 (not at all) to 5 (very much).
SCALE_MIN, SCALE_MAX = 1, 5

_IGNORED = re.compile(r"[\s_\-\u2010-\u2015]+")


def norm_key(text: str) -> str:
    """The spelling-blind key used to match headers and category values.

    Case, width (NFKC), spaces, underscores, hyphens and punctuation do not count:
    'Partner ID', 'partner_id' and 'PARTNER-ID' all give 'partnerid'.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = _IGNORED.sub("", folded)
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] not in "PS")


def _lookup(canonical: tuple[str, ...], aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    table = {norm_key(value): value for value in canonical}
    for value, names in aliases.items():
        for name in names:
            table.setdefault(norm_key(name), value)
    return table


LANGUAGE_LOOKUP = _lookup(LANGUAGES, LANGUAGE_ALIASES)
NEIGHBORHOOD_LOOKUP = _lookup(NEIGHBORHOODS, NEIGHBORHOOD_ALIASES)
EVENT_TYPE_LOOKUP = _lookup(EVENT_TYPES, EVENT_TYPE_ALIASES)
CHANNEL_LOOKUP = _lookup(CHANNELS, CHANNEL_ALIASES)
AGE_GROUP_LOOKUP = _lookup(AGE_GROUPS, AGE_GROUP_ALIASES)
TARGET_METRIC_LOOKUP = _lookup(TARGET_METRICS, TARGET_METRIC_ALIASES)
MILESTONE_KIND_LOOKUP = _lookup(MILESTONE_KINDS, MILESTONE_KIND_ALIASES)
YES_NO_LOOKUP = {norm_key(word): True for word in YES_WORDS} | {norm_key(word): False for word in NO_WORDS}
