"""The data contract (docs/data-contract.md) as data: kinds, columns, types and aliases."""

from __future__ import annotations

from dataclasses import dataclass, field

from impact import vocab

# Also the dependency (load) order. New kinds go at the end, so that the first three keep their order,
# their recognition and their messages (a file that was valid stays valid).
KINDS = ("partners", "events", "engagements", "targets", "milestones", "surveys", "staff")
FIRST_KINDS = KINDS[:3]  # the contract's first version: recognised first (columns.detect_kind)


@dataclass(frozen=True)
class Column:
    name: str
    # id | text | date | category | open | list | open_list | ref_list | integer | number | person | yes_no | scale
    type: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    rule: str = ""
    choices: tuple[str, ...] = field(default=())
    stored_as: str = ""  # the table's column, where it differs (a person's id is stored as its key)

    @property
    def stored_name(self) -> str:
        return self.stored_as or self.name

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header that names this column: the name itself, then its aliases."""
        return (self.name, *self.aliases)


PARTNER_ID_PATTERN = r"[A-Za-z0-9_-]{1,32}"
# The widest header a file may have: the contract has at most 10 columns a kind, and every
# column of a file costs a match (and a choice on the Upload page) before any row is read.
MAX_COLUMNS = 500
# Characters no value may hold (RE2 classes, as DuckDB reads them): C0 and C1 control characters
# (NUL, escape, backspace...) and the marks that reverse the direction of text (they make a name
# read as another). Free text written as prose (an event's title and topic, a contact's
# service, a milestone's description, a survey comment) may keep tabs and line breaks; names,
# ids, labels, a milestone's title (drawn on the public page's charts) and every other value
# may not. Keyed by kind: the same column name can be prose in one kind and a label in another.
CONTROL_CHARACTERS = r"[\x00-\x1f\x7f-\x9f\x{202a}-\x{202e}\x{2066}-\x{2069}]"
CONTROL_CHARACTERS_IN_FREE_TEXT = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\x{202a}-\x{202e}\x{2066}-\x{2069}]"
FREE_TEXT_COLUMNS = frozenset(
    {
        ("events", "title"),
        ("events", "topic"),
        ("engagements", "service_type"),
        ("milestones", "description"),
        ("surveys", "comment"),
    }
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    "partners": (
        Column(
            "partner_id",
            "id",
            True,
            ("id", "partner", "org id", "organization id", "organisation id", "機構編號", "机构编号"),
            "unique; 1-32 letters, digits, _ or -",
        ),
        Column(
            "name",
            "text",
            True,
            ("partner name", "organization", "organisation", "org name", "機構名稱", "机构名称"),
        ),
        Column("name_zh", "text", False, ("chinese name", "中文名稱", "中文名称")),
        Column(
            "focus_areas",
            "open_list",
            False,
            ("focus", "issue areas", "focus area", "服務範疇", "服务范畴", "服務範圍", "服务范围"),
            choices=vocab.FOCUS_AREAS,
        ),
        Column("joined_on", "date", False, ("joined", "member since", "加入日期")),
    ),
    "events": (
        Column("event_id", "id", True, ("id", "event id", "活動編號", "活动编号"), "unique across the coalition"),
        Column("event_date", "date", True, ("date", "event date", "日期", "活動日期", "活动日期")),
        Column(
            "host_partner_id",
            "ref",
            True,
            ("host", "partner", "partner id", "organization", "主辦機構", "主办机构"),
            "a known partner",
        ),
        Column(
            "co_host_partner_ids",
            "ref_list",
            False,
            ("co hosts", "co-hosts", "partners", "協辦機構", "协办机构"),
            "known partners, not the host",
        ),
        Column(
            "event_type",
            "category",
            True,
            ("type", "event type", "活動類型", "活动类型"),
            choices=vocab.EVENT_TYPES,
        ),
        Column("title", "text", False, ("name", "event name", "活動名稱", "活动名称")),
        Column("neighborhood", "open", False, ("district", "area", "neighbourhood", "社區", "社区")),
        Column("languages", "open_list", False, ("language", "languages used", "語言", "语言")),
        Column(
            "attendance",
            "integer",
            False,
            ("attendees", "headcount", "count", "出席人數", "出席人数"),
            "whole number, 0 or more",
        ),
        Column("topic", "text", False, ("issue", "theme", "主題", "主题")),
    ),
    "engagements": (
        Column("engagement_id", "id", True, ("id", "contact id", "記錄編號", "记录编号"), "unique within its partner"),
        Column(
            "engaged_on",
            "date",
            True,
            ("date", "contact date", "date of service", "service date", "日期", "服務日期", "服务日期"),
            "not after today",
        ),
        Column(
            "partner_id",
            "ref",
            True,
            ("partner", "organization", "organisation", "agency", "機構編號", "机构编号"),
            "a known partner",
        ),
        Column(
            "participant_id",
            "person",
            True,
            ("client id", "person id", "participant", "參加者編號", "参加者编号"),
            "pseudonymised at ingest",
            stored_as="participant_key",
        ),
        Column(
            "language",
            "open",
            True,
            ("language spoken", "preferred language", "語言", "语言"),
        ),
        Column("event_id", "ref", False, ("event", "活動編號", "活动编号"), "a known event"),
        Column("neighborhood", "open", False, ("district", "area", "neighbourhood", "社區", "社区")),
        Column(
            "age_group",
            "category",
            False,
            ("age", "age range", "年齡組", "年龄组"),
            choices=vocab.AGE_GROUPS,
        ),
        Column(
            "channel",
            "category",
            False,
            ("contact method", "mode", "聯絡方式", "联络方式"),
            choices=vocab.CHANNELS,
        ),
        Column("service_type", "text", False, ("service", "服務類型", "服务类型")),
        Column(
            "referred_by_partner_id",
            "ref",
            False,
            ("referred by", "referral from", "referring partner", "referred by partner", "轉介機構", "转介机构"),
            "a known partner, not the contact's own",
        ),
    ),
    # What the coalition set out to do: a number per metric, period and partner (or the whole coalition).
    "targets": (
        Column(
            "metric",
            "category",
            True,
            ("measure", "indicator", "kpi", "指標", "指标"),
            choices=vocab.TARGET_METRICS,
        ),
        Column(
            "period_start",
            "date",
            True,
            ("start", "from", "start date", "開始", "开始", "開始日期", "开始日期"),
        ),
        Column(
            "period_end",
            "date",
            True,
            ("end", "to", "end date", "結束", "结束", "結束日期", "结束日期"),
            "not before period_start",
        ),
        Column("target", "integer", True, ("goal", "target value", "目標", "目标"), "whole number, 0 or more"),
        Column(
            "partner_id",
            "ref",
            False,
            ("partner", "organization", "organisation", "機構編號", "机构编号"),
            "a known partner; empty for the whole coalition",
        ),
        Column("label", "text", False, ("name", "grant", "名稱", "名称")),
    ),
    # Moments that explain a chart: a policy passed, a crisis, a campaign, a meeting with officials.
    "milestones": (
        Column(
            "milestone_id",
            "id",
            True,
            ("id", "milestone id", "里程碑編號", "里程碑编号"),
            "unique across the coalition",
        ),
        Column("date", "date", True, ("milestone date", "日期")),
        Column("title", "text", True, ("name", "標題", "标题")),
        Column("kind", "category", True, ("type", "類型", "类型"), choices=vocab.MILESTONE_KINDS),
        Column(
            "partner_ids",
            "ref_list",
            False,
            ("partners", "partner ids", "合作機構", "合作机构"),
            "known partners",
        ),
        Column("description", "text", False, ("notes", "details", "描述", "說明", "说明", "備註", "备注")),
        Column("public", "yes_no", False, ("is public", "公開", "公开"), "empty means no"),
    ),
    # The community's voice: one row per survey response.
    "surveys": (
        Column(
            "response_id",
            "id",
            True,
            ("response id", "survey id", "回應編號", "回应编号", "問卷編號", "问卷编号"),
            "unique across the coalition",
        ),
        Column(
            "responded_on",
            "date",
            True,
            ("date", "response date", "日期", "回應日期", "回应日期"),
            "not after today",
        ),
        Column(
            "partner_id",
            "ref",
            True,
            ("partner", "organization", "organisation", "agency", "機構編號", "机构编号"),
            "a known partner",
        ),
        Column("language", "open", False, ("language spoken", "preferred language", "語言", "语言")),
        Column(
            "participant_id",
            "person",
            False,
            ("client id", "person id", "participant", "參加者編號", "参加者编号"),
            "pseudonymised at ingest",
            stored_as="participant_key",
        ),
        Column("event_id", "ref", False, ("event", "event id", "活動編號", "活动编号"), "a known event"),
        Column("neighborhood", "open", False, ("district", "area", "neighbourhood", "社區", "社区")),
        Column(
            "age_group",
            "category",
            False,
            ("age", "age range", "年齡組", "年龄组"),
            choices=vocab.AGE_GROUPS,
        ),
        Column(
            "felt_safer",
            "scale",
            False,
            ("feel safer", "safer", "感到更安全"),
            "1 (not at all) to 5 (very much)",
        ),
        Column(
            "knows_where_to_get_help",
            "yes_no",
            False,
            ("knows where to get help", "know where to get help", "知道去哪裡求助", "知道去哪里求助"),
        ),
        Column(
            "trusts_organization",
            "scale",
            False,
            ("trust", "trusts organisation", "trust in organization", "信任機構", "信任机构"),
            "1 (not at all) to 5 (very much)",
        ),
        Column(
            "satisfied",
            "scale",
            False,
            ("satisfaction", "滿意", "满意", "滿意度", "满意度"),
            "1 (not at all) to 5 (very much)",
        ),
        Column("would_recommend", "yes_no", False, ("recommend", "會推薦", "会推荐", "推薦", "推荐")),
        Column("comment", "text", False, ("comments", "feedback", "意見", "意见", "留言")),
    ),
    # The partners' staff, one row per staff member: the coalition's multilingual capacity and its tenure.
    "staff": (
        Column(
            "staff_id",
            "person",
            True,
            ("staff", "staff id", "employee id", "employee", "員工編號", "员工编号"),
            "pseudonymised at ingest",
            stored_as="staff_key",
        ),
        Column(
            "partner_id",
            "ref",
            True,
            ("partner", "organization", "organisation", "agency", "機構編號", "机构编号"),
            "a known partner",
        ),
        Column(
            "languages",
            "open_list",
            True,
            ("languages spoken", "language", "語言", "语言", "使用語言", "使用语言"),
        ),
        Column("role", "category", False, ("position", "job", "job title", "職位", "职位"), choices=vocab.STAFF_ROLES),
        Column(
            "started_on",
            "date",
            True,
            ("start date", "hired", "hire date", "started", "入職日期", "入职日期"),
        ),
        Column(
            "ended_on",
            "date",
            False,
            ("end date", "left", "left on", "離職日期", "离职日期"),
            "not before started_on",
        ),
        Column(
            "fte",
            "number",
            False,
            ("full time equivalent", "full-time equivalent", "工時比例", "工时比例"),
            "more than 0, at most 1",
        ),
    ),
}

# A survey response's answers: a file needs at least one of these columns, a row at least one answer.
SURVEY_ANSWERS = (
    "felt_safer",
    "knows_where_to_get_help",
    "trusts_organization",
    "satisfied",
    "would_recommend",
    "comment",
)

# Which vocabulary normalises which column (closed lists reject, open lists warn).
LOOKUPS = {
    "event_type": vocab.EVENT_TYPE_LOOKUP,
    "channel": vocab.CHANNEL_LOOKUP,
    "age_group": vocab.AGE_GROUP_LOOKUP,
    "language": vocab.LANGUAGE_LOOKUP,
    "languages": vocab.LANGUAGE_LOOKUP,
    "neighborhood": vocab.NEIGHBORHOOD_LOOKUP,
    "metric": vocab.TARGET_METRIC_LOOKUP,
    "kind": vocab.MILESTONE_KIND_LOOKUP,
    "role": vocab.STAFF_ROLE_LOOKUP,
    "focus_areas": vocab.FOCUS_AREA_LOOKUP,
}

NULL_MARKERS = frozenset({"", "na", "n/a", "null", "-"})


def column(kind: str, name: str) -> Column:
    return next(c for c in COLUMNS[kind] if c.name == name)


def required_columns(kind: str) -> list[str]:
    return [c.name for c in COLUMNS[kind] if c.required]


def header_lookup(kind: str) -> dict[str, str]:
    """Normalised header key -> contract column name, for one kind."""
    table: dict[str, str] = {}
    for col in COLUMNS[kind]:
        for header in col.headers:
            table.setdefault(vocab.norm_key(header), col.name)
    return table
