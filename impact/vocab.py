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

# A staff member's role (the staff kind).
STAFF_ROLES = ("outreach", "case_management", "organizing", "leadership", "other")
STAFF_ROLE_ALIASES = {
    "outreach": ("outreach worker", "community outreach", "外展", "外展員", "外展员"),
    "case_management": (
        "case manager",
        "case management",
        "case worker",
        "caseworker",
        "個案管理",
        "个案管理",
        "個案工作者",
    ),
    "organizing": (
        "organizer",
        "organiser",
        "community organizer",
        "organising",
        "組織",
        "组织",
        "社區組織者",
        "社区组织者",
    ),
    "leadership": (
        "director",
        "executive director",
        "manager",
        "lead",
        "leader",
        "主任",
        "總監",
        "总监",
        "領導",
        "领导",
    ),
    "other": ("其他",),
}

# What a partner works on (partners.focus_areas): the coalition's own fields, so that partners can be set
# side by side. Partners write their fields in their own words; the aliases read those words (the demo's and
# the example partners' among them) as one of these. A field not on the list is kept as written, with a warning.
FOCUS_AREAS = (
    "youth",
    "elders",
    "families",
    "community_safety",
    "violence_prevention",
    "victim_services",
    "crisis_response",
    "anti_hate",
    "scam_prevention",
    "housing",
    "language_access",
    "immigrant_rights",
    "legal_services",
    "health",
    "small_business",
    "economic_justice",
    "civic_engagement",
)
FOCUS_AREA_ALIASES = {
    "youth": (
        "youth safety",
        "young people",
        "youth programs",
        "youth development",
        "mentoring",
        "school safety",
        "students",
        "青年",
        "青少年",
        "青年安全",
    ),
    "elders": (
        "elder",
        "elder safety",
        "seniors",
        "senior",
        "senior safety",
        "elderly",
        "older adults",
        "aging",
        "長者",
        "长者",
        "長者安全",
        "长者安全",
        "老人",
    ),
    "families": ("family", "family safety", "family support", "parents", "家庭", "家庭安全"),
    "community_safety": (
        "safety",
        "public safety",
        "neighborhood safety",
        "neighbourhood safety",
        "street safety",
        "pedestrian safety",
        "transit safety",
        "社區安全",
        "社区安全",
        "公共安全",
    ),
    "violence_prevention": (
        "violence prevention",
        "bystander intervention",
        "de-escalation",
        "domestic violence",
        "暴力預防",
        "暴力预防",
        "防止暴力",
    ),
    "victim_services": (
        "victim support",
        "victim services",
        "victims",
        "survivor support",
        "survivors",
        "受害者支援",
        "受害者服務",
        "受害者服务",
    ),
    "crisis_response": ("crisis", "rapid response", "emergency response", "危機應對", "危机应对"),
    "anti_hate": (
        "anti-hate",
        "anti-hate response",
        "hate crime response",
        "hate crimes",
        "hate incident reporting",
        "hate incidents",
        "stop asian hate",
        "反仇恨",
        "仇恨罪行",
        "仇恨犯罪",
        "仇恨事件",
    ),
    "scam_prevention": (
        "scams",
        "fraud prevention",
        "scam and fraud prevention",
        "防騙",
        "防骗",
        "防止詐騙",
        "防止诈骗",
    ),
    "housing": (
        "housing and tenants",
        "tenant safety",
        "tenant rights",
        "tenants",
        "tenant",
        "housing rights",
        "住屋",
        "房屋",
        "租客權益",
        "租客权益",
    ),
    "language_access": (
        "language",
        "interpretation",
        "translation",
        "interpreting",
        "語言服務",
        "语言服务",
        "語言通達",
        "语言通达",
        "翻譯",
        "翻译",
    ),
    "immigrant_rights": (
        "immigrants",
        "immigration",
        "know your rights",
        "newcomer services",
        "newcomers",
        "移民權益",
        "移民权益",
        "新移民",
        "新移民服務",
        "新移民服务",
    ),
    "legal_services": ("legal aid", "legal", "legal help", "法律援助", "法律服務", "法律服务"),
    "health": (
        "health and wellness",
        "wellness",
        "wellness checks",
        "mental health",
        "health care",
        "healthcare",
        "健康",
        "身心健康",
    ),
    "small_business": ("merchant safety", "merchants", "small businesses", "商戶", "商户", "小商戶", "小商户"),
    "economic_justice": (
        "workers rights",
        "workers' rights",
        "labor rights",
        "economic security",
        "經濟公義",
        "经济公义",
        "勞工權益",
        "劳工权益",
    ),
    "civic_engagement": (
        "advocacy",
        "civic participation",
        "voter engagement",
        "organizing",
        "community organizing",
        "公民參與",
        "公民参与",
        "倡議",
        "倡议",
    ),
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
STAFF_ROLE_LOOKUP = _lookup(STAFF_ROLES, STAFF_ROLE_ALIASES)
FOCUS_AREA_LOOKUP = _lookup(FOCUS_AREAS, FOCUS_AREA_ALIASES)
YES_NO_LOOKUP = {norm_key(word): True for word in YES_WORDS} | {norm_key(word): False for word in NO_WORDS}
