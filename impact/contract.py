"""The data contract (docs/data-contract.md) as data: kinds, columns, types and aliases."""

from __future__ import annotations

from dataclasses import dataclass, field

from impact import vocab

KINDS = ("partners", "events", "engagements")  # also the dependency (load) order


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # id | text | date | category | open | list | open_list | ref_list | integer | person
    required: bool = False
    aliases: tuple[str, ...] = ()
    rule: str = ""
    choices: tuple[str, ...] = field(default=())

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header that names this column: the name itself, then its aliases."""
        return (self.name, *self.aliases)


PARTNER_ID_PATTERN = r"[A-Za-z0-9_-]{1,32}"

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
        Column("focus_areas", "list", False, ("focus", "issue areas", "服務範疇", "服务范畴")),
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
    ),
}

# Which vocabulary normalises which column (closed lists reject, open lists warn).
LOOKUPS = {
    "event_type": vocab.EVENT_TYPE_LOOKUP,
    "channel": vocab.CHANNEL_LOOKUP,
    "age_group": vocab.AGE_GROUP_LOOKUP,
    "language": vocab.LANGUAGE_LOOKUP,
    "languages": vocab.LANGUAGE_LOOKUP,
    "neighborhood": vocab.NEIGHBORHOOD_LOOKUP,
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
