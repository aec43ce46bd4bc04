"""What the Upload and Data pages need, without Streamlit.

Templates and the data dictionary are built from impact/contract.py and impact/vocab.py,
so they cannot drift from what the ingest engine accepts. Checking and loading go
through the engine (there is no second validator here); this module only turns its
reports into tables people can act on, and guards loading and undoing by role.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from impact import audit, contract, db, export, ingest, labels, markup, textfile, vocab
from impact.i18n import (
    N_,
    Enumeration,
    Message,
    _,
    format_date,
    format_moment,
    format_number,
    format_percent,
    ngettext,
)
from impact.ingest import targets
from impact.roles import LOADERS, User

PREVIEW_ROWS = 20

Progress = Callable[[str, float], None]


class NotAllowed(PermissionError):
    """The signed-in role may not change the data."""


def kind_label(kind: str) -> str:
    return {
        "partners": _("Partners"),
        "events": _("Events"),
        "engagements": _("Engagements (contacts)"),
        "targets": _("Targets"),
        "milestones": _("Milestones"),
        "surveys": _("Survey responses"),
        "staff": _("Staff"),
    }[kind]


# The contract's columns as people read them in a table header (the data dictionary and the
# column matches keep the contract's names: they are what a file's header may say).
COLUMN_LABELS = {
    "line": N_("Line"),
    "partner_id": N_("Partner ID"),
    "name": N_("Name"),
    "name_zh": N_("Chinese name"),
    "focus_areas": N_("Focus areas"),
    "joined_on": N_("Joined on"),
    "event_id": N_("Event ID"),
    "event_date": N_("Event date"),
    "host_partner_id": N_("Host partner"),
    "co_host_partner_ids": N_("Co-host partners"),
    "event_type": N_("Event type"),
    "title": N_("Title"),
    "neighborhood": N_("Neighborhood"),
    "languages": N_("Languages"),
    "attendance": N_("Attendance"),
    "topic": N_("Topic"),
    "engagement_id": N_("Contact ID"),
    "engaged_on": N_("Contact date"),
    "participant_id": N_("Participant ID"),
    "language": N_("Language"),
    "age_group": N_("Age group"),
    "channel": N_("Channel"),
    "service_type": N_("Service type"),
    "metric": N_("Metric"),
    "period_start": N_("Period start"),
    "period_end": N_("Period end"),
    "target": N_("Target"),
    "label": N_("Label"),
    "milestone_id": N_("Milestone ID"),
    "date": N_("Date"),
    "kind": N_("Kind"),
    "partner_ids": N_("Partners"),
    "description": N_("Description"),
    "public": N_("On the public page"),
    "response_id": N_("Response ID"),
    "responded_on": N_("Response date"),
    "felt_safer": N_("Felt safer"),
    "knows_where_to_get_help": N_("Knows where to get help"),
    "trusts_organization": N_("Trusts the organization"),
    "satisfied": N_("Satisfied"),
    "would_recommend": N_("Would recommend"),
    "comment": N_("Comment"),
    "referred_by_partner_id": N_("Referred by"),
    "staff_id": N_("Staff ID"),
    "role": N_("Role"),
    "started_on": N_("Started on"),
    "ended_on": N_("Ended on"),
    "fte": N_("FTE"),
}
# Which category labels (impact.labels) a contract column's values take.
LABEL_KINDS = {
    "metric": "metric",
    "kind": "milestone_kind",
    "event_type": "event_type",
    "channel": "channel",
    "age_group": "age_group",
    "language": "language",
    "languages": "language",
    "neighborhood": "neighborhood",
    "role": "staff_role",
    "focus_areas": "focus_area",
}


def column_label(name: str) -> str:
    """A contract column as a table header in the reader's language ("Contact date")."""
    return _(COLUMN_LABELS[name]) if name in COLUMN_LABELS else name


def step_label(step: str) -> str:
    """The engine's progress steps, in the reader's language."""
    return {
        "Reading the file": _("Reading the file"),
        "Reading the rows": _("Reading the rows"),
        "Checking every value": _("Checking every value"),
        "Checking ids and references": _("Checking ids and references"),
        "Storing the rows": _("Storing the rows"),
        "Done": _("Done"),
    }.get(step, step)


def delimiter_label(delimiter: str | None) -> str:
    if delimiter is None:
        return "—"
    return {",": _("comma"), ";": _("semicolon"), "\t": _("tab")}[delimiter]


# ------------------------------------------------------------------------ templates

# Two example rows per kind. The engagements rows refer to the example partners and
# events, so the three templates load, in order, into an empty database (a test checks).
EXAMPLES: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "partners": (
        {
            "partner_id": "CLA",
            "name": "Chinatown Legal Aid",
            "name_zh": "華埠法律援助",
            "focus_areas": "legal aid; tenant rights",
            "joined_on": "2015-03-01",
        },
        {
            "partner_id": "SSE",
            "name": "Sunset Senior Exchange",
            "name_zh": "日落區長者交流",
            "focus_areas": "elders; pedestrian safety",
            "joined_on": "2018-09-15",
        },
    ),
    "events": (
        {
            "event_id": "EV-2024-001",
            "event_date": "2024-03-09",
            "host_partner_id": "CLA",
            "co_host_partner_ids": "SSE",
            "event_type": "workshop",
            "title": "Know your rights as a tenant",
            "neighborhood": "Chinatown",
            "languages": "Cantonese; English",
            "attendance": "35",
            "topic": "housing",
        },
        {
            "event_id": "EV-2024-002",
            "event_date": "2024-04-18",
            "host_partner_id": "SSE",
            "co_host_partner_ids": "",
            "event_type": "stakeholder_meeting",
            "title": "Walk audit with the District 4 supervisor",
            "neighborhood": "Sunset/Parkside",
            "languages": "Cantonese; Mandarin",
            "attendance": "12",
            "topic": "pedestrian safety",
        },
    ),
    "engagements": (
        {
            "engagement_id": "C-0001",
            "engaged_on": "2024-03-09",
            "partner_id": "CLA",
            "participant_id": "P-10001",
            "language": "Cantonese",
            "event_id": "EV-2024-001",
            "neighborhood": "Chinatown",
            "age_group": "65+",
            "channel": "in_person",
            "service_type": "legal clinic",
            "referred_by_partner_id": "",
        },
        {
            "engagement_id": "C-0002",
            "engaged_on": "2024-03-12",
            "partner_id": "SSE",
            "participant_id": "P-10002",
            "language": "Mandarin",
            "event_id": "",
            "neighborhood": "Sunset/Parkside",
            "age_group": "45-64",
            "channel": "phone",
            "service_type": "wellness check",
            "referred_by_partner_id": "CLA",
        },
    ),
    "targets": (
        {
            "metric": "unique_people",
            "period_start": "2024-01-01",
            "period_end": "2024-12-31",
            "target": "5000",
            "partner_id": "",
            "label": "City grant 2024",
        },
        {
            "metric": "officials_meetings",
            "period_start": "2024-01-01",
            "period_end": "2024-06-30",
            "target": "6",
            "partner_id": "SSE",
            "label": "",
        },
    ),
    "milestones": (
        {
            "milestone_id": "MS-2024-01",
            "date": "2024-03-19",
            "title": "Board of Supervisors funds language access in 911 calls",
            "kind": "policy",
            "partner_ids": "CLA; SSE",
            "description": "After testimony by twelve elders at the budget hearing",
            "public": "yes",
        },
        {
            "milestone_id": "MS-2024-02",
            "date": "2024-04-18",
            "title": "Walk audit with the District 4 supervisor",
            "kind": "meeting_with_officials",
            "partner_ids": "SSE",
            "description": "",
            "public": "no",
        },
    ),
    "surveys": (
        {
            "response_id": "S-0001",
            "responded_on": "2024-03-09",
            "partner_id": "CLA",
            "language": "Cantonese",
            "participant_id": "P-10001",
            "event_id": "EV-2024-001",
            "neighborhood": "Chinatown",
            "age_group": "65+",
            "felt_safer": "4",
            "knows_where_to_get_help": "yes",
            "trusts_organization": "5",
            "satisfied": "5",
            "would_recommend": "yes",
            "comment": "The lawyer explained everything in Cantonese.",
        },
        {
            "response_id": "S-0002",
            "responded_on": "2024-03-12",
            "partner_id": "SSE",
            "language": "Mandarin",
            "participant_id": "",
            "event_id": "",
            "neighborhood": "Sunset/Parkside",
            "age_group": "45-64",
            "felt_safer": "3",
            "knows_where_to_get_help": "no",
            "trusts_organization": "4",
            "satisfied": "",
            "would_recommend": "yes",
            "comment": "",
        },
    ),
    "staff": (
        {
            "staff_id": "CLA-017",
            "partner_id": "CLA",
            "languages": "Cantonese; Toisanese; English",
            "role": "case_management",
            "started_on": "2016-08-01",
            "ended_on": "",
            "fte": "1",
        },
        {
            "staff_id": "SSE-004",
            "partner_id": "SSE",
            "languages": "Mandarin; English",
            "role": "outreach",
            "started_on": "2019-02-11",
            "ended_on": "2023-06-30",
            "fte": "0.5",
        },
    ),
}


def template_frame(kind: str) -> pd.DataFrame:
    """The contract's headers for one kind, in contract order, with two example rows."""
    names = [c.name for c in contract.COLUMNS[kind]]
    return pd.DataFrame([[row[n] for n in names] for row in EXAMPLES[kind]], columns=names, dtype="string")


def template_csv(kind: str) -> bytes:
    return export.safe_csv(template_frame(kind))


@functools.cache
def template_xlsx(kind: str) -> bytes:
    """The template as an Excel workbook: the same headers and rows, with dates as real Excel dates
    and the headcount and a share of full time as numbers (as a partner's own workbook would hold
    them), the rest as text."""
    import openpyxl  # only this download writes workbooks
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = kind
    columns = contract.COLUMNS[kind]
    sheet.append([c.name for c in columns])
    for example in EXAMPLES[kind]:
        row: list[object] = []
        for col in columns:
            value = example[col.name]
            if value == "":
                row.append(None)
            elif col.type == "date":
                row.append(date.fromisoformat(value))
            elif col.type == "integer":
                row.append(int(value))
            elif col.type == "number":
                row.append(float(value))
            else:
                row.append(value)
        sheet.append(row)
    for position, col in enumerate(columns, start=1):
        sheet.cell(1, position).font = Font(bold=True)
        longest = max(len(col.name), *(len(example[col.name]) for example in EXAMPLES[kind]))
        sheet.column_dimensions[get_column_letter(position)].width = longest + 4
        if col.type == "date":
            for cell in sheet.iter_rows(min_row=2, min_col=position, max_col=position):
                cell[0].number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ------------------------------------------------------------------ data dictionary

_VOCABULARIES: dict[str, tuple[tuple[str, ...], dict[str, tuple[str, ...]]]] = {
    "event_type": (vocab.EVENT_TYPES, vocab.EVENT_TYPE_ALIASES),
    "channel": (vocab.CHANNELS, vocab.CHANNEL_ALIASES),
    "age_group": (vocab.AGE_GROUPS, vocab.AGE_GROUP_ALIASES),
    "language": (vocab.LANGUAGES, vocab.LANGUAGE_ALIASES),
    "languages": (vocab.LANGUAGES, vocab.LANGUAGE_ALIASES),
    "neighborhood": (vocab.NEIGHBORHOODS, vocab.NEIGHBORHOOD_ALIASES),
    "metric": (vocab.TARGET_METRICS, vocab.TARGET_METRIC_ALIASES),
    "kind": (vocab.MILESTONE_KINDS, vocab.MILESTONE_KIND_ALIASES),
    "role": (vocab.STAFF_ROLES, vocab.STAFF_ROLE_ALIASES),
    "focus_areas": (vocab.FOCUS_AREAS, vocab.FOCUS_AREA_ALIASES),
}


def _type_text(kind: str, col: contract.Column) -> str:
    if col.type == "ref":
        target = "event" if col.name == "event_id" else "partner"
        return _("id of a known partner") if target == "partner" else _("id of a known event")
    return {
        "id": _("text (an id)"),
        "text": _("free text"),
        "date": _("date"),
        "category": _("one of a fixed list"),
        "open": _("text from a list (other values are kept, with a warning)"),
        "list": _("list, separated by ;"),
        "open_list": _("list from a list, separated by ; (other values are kept, with a warning)"),
        "ref_list": _("list of partner ids, separated by ;"),
        "integer": _("whole number"),
        "person": _("text (pseudonymised when loaded)"),
        "yes_no": _("yes or no"),
        "scale": _("whole number from 1 to 5"),
        "number": _("number"),
    }[col.type]


def _rules_text(kind: str, col: contract.Column) -> str:
    rules = {
        "date": _("YYYY-MM-DD, YYYY/M/D or M/D/YYYY; a real calendar date"),
        "integer": _("0 or more; 1,234 and 12.0 are read as whole numbers"),
        "person": _("the raw id is never stored, only a keyed hash of it"),
        "yes_no": _("yes, no, y, n, true, false, 1, 0, 是, 否 or sí"),
    }
    contract_rules = {
        "unique; 1-32 letters, digits, _ or -": _("unique; 1-32 letters, digits, _ or -"),
        "unique across the coalition": _("unique across the coalition"),
        "unique within its partner": _("unique within its partner"),
        "a known partner": _("a partner already loaded, or in the same upload"),
        "known partners, not the host": _("partners already loaded, or in the same upload; not the host"),
        "a known event": _("an event already loaded, or in the same upload"),
        "whole number, 0 or more": _("whole number, 0 or more"),
        "pseudonymised at ingest": _("pseudonymised when loaded"),
        "not after today": _("not after today"),
        "not before period_start": _("not before period_start"),
        "a known partner; empty for the whole coalition": _("a partner already loaded; empty for the whole coalition"),
        "known partners": _("partners already loaded, or in the same upload"),
        "empty means no": _("empty means no; only milestones marked yes ever reach the public page"),
        "1 (not at all) to 5 (very much)": _("1 (not at all) to 5 (very much)"),
        "a known partner, not the contact's own": _(
            "a partner already loaded, or in the same upload; not the contact's own partner"
        ),
        "not before started_on": _("not before started_on"),
        "more than 0, at most 1": _("more than 0, at most 1 (full time is 1, half time 0.5 or 50%)"),
    }
    parts = [_("required") if col.required else _("optional")]
    if col.rule:
        parts.append(contract_rules.get(col.rule, col.rule))
    if col.type in rules:
        parts.append(rules[col.type])
    return "; ".join(dict.fromkeys(parts))


def _accepted_values(col: contract.Column) -> tuple[str, str]:
    """(the values a file may hold, other spellings that are read as them), each value named as
    labels.spelling names it: the reader's label and the English one a file may use."""
    found = _VOCABULARIES.get(col.name)
    if found is None or col.type not in ("category", "open", "open_list"):
        return "", ""
    values, aliases = found
    kind = LABEL_KINDS[col.name]
    spellings = "; ".join(f"{', '.join(names)} → {labels.spelling(kind, value)}" for value, names in aliases.items())
    return ", ".join(labels.spelling(kind, value) for value in values), spellings


def data_dictionary(kind: str) -> pd.DataFrame:
    """One row per contract column: what it holds, its rules, accepted values and headers."""
    rows = []
    for col in contract.COLUMNS[kind]:
        values, spellings = _accepted_values(col)
        rows.append(
            {
                _("Column"): col.name,
                _("Required"): _("yes") if col.required else _("no"),
                _("Type"): _type_text(kind, col),
                _("Rules"): _rules_text(kind, col),
                _("Accepted values"): values,
                _("Other spellings accepted"): spellings,
                _("Headers accepted"): ", ".join(col.headers),
            }
        )
    return pd.DataFrame(rows, dtype="string")


# ----------------------------------------------------------------- problem tables


NOT_ONE_OF = "is not one of: {choices}"  # the engine's template (impact/ingest/values.py) for a closed list


def _choices(column: str | None) -> Enumeration | None:
    """The values a category column accepts, as labels.spelling names them, or None."""
    kind = LABEL_KINDS.get(column or "")
    if kind is None:
        return None
    return Enumeration(tuple(labels.spelling(kind, value) for value in labels.KINDS[kind][0]))


# Values of the engine's messages that are dates it wrote as YYYY-MM-DD (today, the day a file was
# loaded...): people read them in their own format. A value as written in a file is never one.
DATE_PARAMS = frozenset({"today", "day", "start"})


def _reader_date(value: object) -> object:
    try:
        return format_date(date.fromisoformat(value)) if isinstance(value, str) else value
    except ValueError:
        return value


def problem_text(problem: ingest.Problem) -> str:
    """What the engine said about a problem, in the reader's language. The engine lists a closed
    list's values as stored (in_person) and dates as YYYY-MM-DD; people read them as labels ("In
    person") and in their date format (Dec 2, 2025)."""
    message = problem.message
    if message is None:
        return problem.reason
    params = {name: _reader_date(v) if name in DATE_PARAMS else v for name, v in message.params.items()}
    choices = _choices(problem.column) if message.template == NOT_ONE_OF else None
    if choices is not None:
        params["choices"] = choices
    return Message(message.template, params, message.plural).translated()


def _fixes() -> dict[str, str]:
    """The engine's problems (by msgid) and what to do about each, in the reader's language."""
    reread = _(
        "Open the file in a spreadsheet, check this row (a value with a comma or quote in it must be "
        "quoted), save it as CSV again."
    )
    already_stored = _(
        "Remove this row if it was loaded before; to correct stored data, undo that batch on the Data page "
        "and load the corrected file."
    )
    export_again = _("Export the file again with a header row and the data rows below it.")
    return {
        ingest.ALREADY_LOADED: _(
            "Nothing to do: this file is loaded already. To replace it, undo that batch on the Data page first."
        ),
        ingest.ALREADY_STORED: already_stored,
        ingest.ALREADY_STORED_FOR_PARTNER: already_stored,
        ingest.DUPLICATE: _("Give each row its own id, or delete the repeated row."),
        ingest.DUPLICATE_FOR_PARTNER: _("Give each row its own id, or delete the repeated row."),
        ingest.UNKNOWN_PARTNER: _(
            "Load the partners file first (or add it to this upload), or correct the partner id."
        ),
        ingest.UNKNOWN_EVENT: _(
            "Load the events file first (or add it to this upload), correct the event id, or leave it empty."
        ),
        ingest.IS_HOST: _("List only the other partners as co-hosts."),
        ingest.COLUMN_MISSING: _(
            "Add this column to the file, or, if the file has it under another name, choose it in the column matches above."
        ),
        ingest.ALSO_MEANS: _(
            "Two columns mean the same thing: set one of them to '(ignore)' in the column matches above."
        ),
        ingest.VALUE_REQUIRED: _("Fill in this cell: it cannot be empty, NA, N/A, null or -."),
        ingest.AFTER_TODAY: _("Check the date: a contact cannot be in the future."),
        ingest.RESPONSE_AFTER_TODAY: _("Check the date: a survey response cannot be in the future."),
        ingest.DUPLICATE_TARGET: _("Keep one row per metric, partner and period, or give the rows different periods."),
        ingest.TARGET_STORED: _(
            "Change stored targets on the Goals page; or undo the batch that loaded them on the Data page and load "
            "the corrected file."
        ),
        ingest.END_BEFORE_START: _("Check the two dates: the period's end may not come before its start."),
        ingest.STAFF_END_BEFORE_START: _(
            "Check the two dates: a staff member cannot leave before they started. Leave ended_on empty for someone "
            "still on staff."
        ),
        ingest.REFERRED_BY_OWN_PARTNER: _(
            "Write the partner that sent the person here, or leave the cell empty if the contact was not a referral."
        ),
        ingest.NO_ANSWER_COLUMNS: _(
            "Add the answer columns to the file, or, if it has them under other names, choose them in the column "
            "matches above."
        ),
        ingest.NO_ANSWER: _("Fill in at least one answer, or delete the row if the response is empty."),
        ingest.KIND_UNCLEAR: _("Choose the kind of file above, or check that the header row names the columns."),
        textfile.UNKNOWN_ENCODING: _("In Excel, use Save As > 'CSV UTF-8', then upload the new file."),
        ingest.FILE_EMPTY: export_again,
        ingest.NO_DATA_ROWS: export_again,
        ingest.NO_HEADER: export_again,
        ingest.FILE_TOO_LARGE: _("Split the file, by year or by partner, and upload the parts."),
        ingest.TOO_MANY_FIELDS: reread,
        ingest.TOO_FEW_FIELDS: reread,
        ingest.STRAY_QUOTE: reread,
        ingest.LINE_TOO_LONG: reread,
        ingest.ROW_UNREADABLE: reread,
        ingest.TABLE_UNREADABLE: reread,
        ingest.NOT_CHECKED: _("Fix the rows listed above first; the values are checked once every row can be read."),
        ingest.NOT_A_WORKBOOK: _(
            "Open the file in Excel and save it again as Excel Workbook (.xlsx), or as CSV UTF-8, then upload the "
            "new file."
        ),
        ingest.NOT_A_SPREADSHEET: _("Unpack the archive and upload the workbooks or CSV files in it."),
        ingest.OLD_OR_PROTECTED_WORKBOOK: _(
            "In Excel, remove the password if there is one, use Save As > Excel Workbook (.xlsx), then upload the "
            "new file."
        ),
        ingest.OTHER_SPREADSHEET: _(
            "Save the spreadsheet as Excel Workbook (.xlsx) or as CSV UTF-8, then upload the new file."
        ),
        ingest.WORKBOOK_TOO_LARGE: _("Split the file, by year or by partner, and upload the parts."),
        ingest.NO_SUCH_SHEET: _("Choose one of the workbook's sheets."),
        ingest.NO_SHEET_RECOGNISED: _(
            "Give the sheet to load a header row naming the columns (the templates show them); title or note rows "
            "above it are fine."
        ),
        ingest.CELL_ERROR: _(
            "Correct the formula in this cell, or type the value instead, then save the workbook and upload it again."
        ),
    }


def how_to_fix(problem: ingest.Problem, kind: str | None) -> str:
    """A sentence on what to do about one problem the engine reported."""
    if problem.hint:
        return problem.hint
    fix = _fixes().get(problem.template)
    if fix is not None:
        return fix
    col = None
    if kind and problem.column:
        col = next((c for c in contract.COLUMNS[kind] if c.name == problem.column), None)
    if col is not None:
        if col.type == "date":
            return _("Write the date as YYYY-MM-DD (2024-03-15), YYYY/M/D or M/D/YYYY, and check it exists.")
        if col.type == "integer":
            return _("Write a whole number of 0 or more, without words or units.")
        if col.type == "yes_no":
            return _("Write yes or no (y, n, true, false, 1, 0, 是 and 否 work too).")
        if col.type == "scale":
            return _("Write a whole number from 1 (not at all) to 5 (very much), or leave the cell empty.")
        if col.type == "number":
            return _("Write the share of full time: more than 0 and at most 1 (0.5 or 50% for half time).")
        if col.type == "category" and _choices(col.name) is not None:
            return Message(N_("Use one of: {values}."), {"values": _choices(col.name)}).translated()
        if col.name == "partner_id":
            return _("Use 1 to 32 letters, digits, '_' or '-' (no spaces).")
    return _("Correct the value in the file and upload it again.")


def problem_columns() -> list[str]:
    return [_("Line"), _("Column"), _("Value"), _("Problem"), _("How to fix")]


def problems_frame(problems: Sequence[ingest.Problem], kind: str | None) -> pd.DataFrame:
    """The engine's problems as a table: line, column, value, problem, how to fix."""
    line, column, value, problem, fix = problem_columns()
    return pd.DataFrame(
        {
            line: pd.array([p.line for p in problems], dtype="Int64"),
            column: pd.array([p.column for p in problems], dtype="string"),
            value: pd.array([p.value for p in problems], dtype="string"),
            problem: pd.array([problem_text(p) for p in problems], dtype="string"),
            fix: pd.array([how_to_fix(p, kind) for p in problems], dtype="string"),
        }
    )


def warnings_frame(warnings: Sequence[ingest.Problem]) -> pd.DataFrame:
    line, column, value = problem_columns()[:3]
    return pd.DataFrame(
        {
            line: pd.array([w.line for w in warnings], dtype="Int64"),
            column: pd.array([w.column for w in warnings], dtype="string"),
            value: pd.array([w.value for w in warnings], dtype="string"),
            _("Note"): pd.array([problem_text(w) for w in warnings], dtype="string"),
        }
    )


def problems_csv(report: ingest.FileReport) -> bytes:
    return export.safe_csv(problems_frame(report.problems, report.kind))


def summary(rows: int, problems: int) -> str:
    """'1,204 rows ready; 3 problems' (the issue's wording), or '...; no problems'."""
    ready = ngettext("{rows} row ready", "{rows} rows ready", rows).format(rows=format_number(rows))
    if problems == 0:
        return _("{ready}; no problems").format(ready=ready)
    listed = ngettext("{n} problem", "{n} problems", problems).format(n=format_number(problems))
    return f"{ready}; {listed}"


def preview_frame(report: ingest.FileReport) -> pd.DataFrame | None:
    """The first rows as they will be stored (with their line in the file), as people read them:
    headers as words, categories as labels, dates and numbers in the reader's format, a dash for
    an empty cell. Participant ids read "pseudonymised": they are never stored."""
    if report.preview is None:
        return None
    shown = {}
    for name in report.preview.columns:
        values = report.preview[name]
        if name == "line":
            shown[column_label(name)] = values
            continue
        if name in ("participant_id", "staff_id"):
            values = values.map(lambda _v: _("pseudonymised"))
        elif pd.api.types.is_datetime64_any_dtype(values):
            values = values.map(lambda d: MISSING if pd.isna(d) else format_date(d.date()))
        elif name in LABEL_KINDS:
            values = values.map(lambda v, kind=LABEL_KINDS[name]: _category_cell(kind, v))
        elif name == "fte":  # a share of full time: 0.5 reads as 50%, as a file may write it
            values = values.map(lambda v: MISSING if pd.isna(v) else format_percent(v, 0))
        elif pd.api.types.is_numeric_dtype(values):
            values = values.map(lambda v: MISSING if pd.isna(v) else format_number(v))
        else:
            values = _text(values).map(lambda v: v if v != "" else MISSING)
        shown[column_label(name)] = values
    return pd.DataFrame(shown)


def _category_cell(kind: str, value: object) -> str:
    """A category cell of the preview: its label, or each label of a list ("Cantonese; English")."""
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return MISSING
    return "; ".join(labels.label(kind, part) for part in str(value).split("; "))


# ------------------------------------------------------------- checking and loading


def read_header(data: bytes, sheet: str | None = None) -> list[str]:
    """The header cells of an uploaded file (a workbook's: of the sheet it is read as), for the
    column-match choices, or [].

    The whole file is decoded, as the engine does: a cut multi-byte character at the end
    of a sample could make the detection pick another encoding.
    """
    if ingest.is_workbook(data):
        try:
            return list(ingest.workbook.chosen_sheet(data, sheet).header)
        except ingest.WorkbookProblem:
            return []
    try:
        text = textfile.decode(data).text
    except textfile.EncodingUnknown:
        return []
    return textfile.read_header(text, textfile.detect_delimiter(text))


def offered_sheets(data: bytes) -> list[ingest.SheetInfo] | None:
    """The sheets of a workbook offered for loading, with their headers and kinds (the only sheet
    with data, else those whose header row is a known kind), or None when the workbook cannot be
    read: checking it then says why."""
    try:
        return ingest.workbook.offered(ingest.workbook.sheets(data))
    except ingest.WorkbookProblem:
        return None


@dataclass
class LoadOutcome:
    loaded: list[ingest.FileReport] = field(default_factory=list)
    rejected: ingest.FileReport | None = None
    not_tried: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(r.row_count for r in self.loaded)


def _require_loader(user: User) -> None:
    if user.role not in LOADERS:
        raise NotAllowed(_("Only analysts and administrators may change the data; directors see it read-only."))


def check(
    uploads: Sequence[ingest.Upload],
    *,
    database: Path | str | None = None,
    progress: Progress | None = None,
    today: date | None = None,
) -> list[ingest.FileReport]:
    """Validate the files of one upload together (stores nothing)."""
    return ingest.check_uploads(uploads, database=database, preview_rows=PREVIEW_ROWS, progress=progress, today=today)


def load(
    uploads: Sequence[ingest.Upload],
    user: User,
    *,
    database: Path | str | None = None,
    progress: Progress | None = None,
    today: date | None = None,
) -> LoadOutcome:
    """Load the files in dependency order, each as its own batch; stop at the first rejection.

    The engine checks each file again as it stores it, so data that changed since the
    check (another analyst's upload) cannot slip through.
    """
    _require_loader(user)
    order = ingest.load_order(uploads)
    outcome = LoadOutcome()
    for step, i in enumerate(order):
        upload = uploads[i]
        report = ingest.process(
            upload.data,
            upload.file_name,
            kind=upload.kind,
            sheet=upload.sheet,
            overrides=upload.overrides,
            database=database,
            by=user.name,
            store=True,
            today=today,
            progress=None if progress is None else _part(progress, step, len(order)),
        )
        if not report.ok:
            outcome.rejected = report
            outcome.not_tried = [uploads[j].file_name for j in order[step + 1 :]]
            break
        outcome.loaded.append(report)
        audit.record(
            "load",
            user.name,
            target=f"batch {report.batch_id}: {report.file_name}",
            detail={"kind": report.kind, "rows": report.row_count},
            database=database,
        )
    return outcome


def _part(progress: Progress, step: int, steps: int) -> Progress:
    return lambda what, fraction: progress(what, (step + fraction) / steps)


def undo(batch_id: int, user: User, *, database: Path | str | None = None) -> ingest.UndoResult:
    """Undo one batch for a person allowed to (the check is here, not only in the page)."""
    _require_loader(user)
    result = ingest.undo_batch(batch_id, database=database, by=user.name)
    audit.record(
        "undo",
        user.name,
        target=f"batch {result.batch_id}: {result.file_name}",
        detail={"kind": result.kind, "rows": result.rows_removed},
        database=database,
    )
    return result


def data_version(database: Path | str | None = None) -> tuple[tuple[int, str], ...]:
    """Which batches are loaded: a check made against an older state is done again."""
    ledger = db.run_query("batches", db=database)
    return tuple(zip(ledger["batch_id"].astype(int), ledger["status"].astype(str), strict=True))


def batch_description(batch_id: int, batch: pd.Series) -> str:
    """'batch 12: 500 Engagements rows from file.csv, loaded by ana on 2024-05-01 14:02 UTC'."""
    return _("batch {id}: {rows} {kind} rows from {file}, loaded by {by} on {when} UTC").format(
        id=batch_id,
        rows=format_number(int(batch["row_count"])),
        kind=kind_label(batch["kind"]),
        file=batch["file_name"],
        by=batch["loaded_by"],
        when=format_moment(pd.Timestamp(batch["loaded_at"]).to_pydatetime()),
    )


def undo_warning(batch: pd.Series) -> str:
    """What undoing a batch does, said before it is done, as Markdown (the names in it escaped). A
    save of the Goals page's table is no file to load again: undoing it brings back the targets
    that save replaced."""
    if targets.is_page_save(batch["kind"], batch["file_name"]):
        return _(
            "This removes the {rows} targets saved on the Goals page by {by} on {when} UTC, and brings back the "
            "targets that save replaced. To have the removed ones back, enter them again on the Goals page."
        ).format(
            rows=format_number(int(batch["row_count"])),
            by=markup.text(batch["loaded_by"]),
            when=format_moment(pd.Timestamp(batch["loaded_at"]).to_pydatetime()),
        )
    return _(
        "This removes {rows} rows ({kind}): all of {file}, loaded by {by}. The dashboards will no "
        "longer count them. To have them back, load the file again."
    ).format(
        rows=format_number(int(batch["row_count"])),
        kind=kind_label(batch["kind"]),
        file=markup.text(batch["file_name"]),
        by=markup.text(batch["loaded_by"]),
    )


# --------------------------------------------------------------------- data quality

EARLIEST_PLAUSIBLE = date(2000, 1, 1)  # the coalition's data starts well after this
OUTLIER_SLACK_DAYS = 365


def quality_params(today: date | None = None) -> dict[str, object]:
    """The parameters of the data-quality queries: the contract's known values, limits."""
    return {
        "known_languages": list(vocab.LANGUAGES),
        "known_neighborhoods": list(vocab.NEIGHBORHOODS),
        "earliest": EARLIEST_PLAUSIBLE,
        "slack_days": OUTLIER_SLACK_DAYS,
        "today": today or date.today(),
    }


def outlier_reason(code: str) -> str:
    return {
        "before_earliest": _("before {year}").format(year=EARLIEST_PLAUSIBLE.year),
        "before_joined": _("before the partner joined the coalition"),
        "far_before": _("more than a year before the partner's usual range"),
        "far_after": _("more than a year after the partner's usual range"),
    }[code]


MISSING = "–"  # a cell without a value (never None, NaN or NaT)


def _month(value: object) -> str:
    return MISSING if pd.isna(value) else format_date(pd.Timestamp(value).date(), "month_short")


def _moment(value: object) -> str:
    return MISSING if pd.isna(value) else format_moment(pd.Timestamp(value).to_pydatetime())


def _text(values: pd.Series) -> pd.Series:
    return values.map(lambda v: MISSING if v is None or (not isinstance(v, str) and pd.isna(v)) else v)


def _partners(frame: pd.DataFrame, names: dict[str, str] | None = None) -> pd.Series:
    """The partners of a quality result by name: its partner_name (already in the reader's language
    when it came through the page's runner), else the name of its partner_id, never the id alone."""
    if "partner_name" in frame:
        return _text(frame["partner_name"])
    return frame["partner_id"].map(lambda pid: (names or {}).get(pid, pid))


def outlier_frame(outliers: pd.DataFrame, names: dict[str, str] | None = None) -> pd.DataFrame:
    """queries/date_outliers.sql for people: what, which record, its date and why."""
    kinds = {"contact": _("contact"), "event": _("event")}
    return pd.DataFrame(
        {
            _("Partner"): _partners(outliers, names),
            _("Record"): outliers["record_kind"].map(kinds),
            _("Id"): outliers["record_id"],
            _("Date"): [MISSING if pd.isna(d) else format_date(pd.Timestamp(d).date()) for d in outliers["day"]],
            _("Why it stands out"): outliers["reason"].map(outlier_reason),
            _("Batch"): outliers["batch_id"],
        }
    )


def received_by_month(quality: pd.DataFrame) -> pd.DataFrame:
    """Rows received (contacts and events) per month (rows, newest first) and partner (columns).

    Every month between the first and the last is listed, so a month in which nobody sent
    anything shows as a row of zeros rather than going missing. Months before
    EARLIEST_PLAUSIBLE (a mistyped year) are left to the outlier list. An event is a row its
    host's file sent, so it counts for its host only (co-hosted events are in the detail).
    """
    frame = quality.assign(
        month=pd.to_datetime(quality["month"]),
        received=quality["contacts"] + quality["events"],
        partner=_partners(quality),
    )
    frame = frame[frame["month"] >= pd.Timestamp(EARLIEST_PLAUSIBLE)]
    if frame.empty:
        return pd.DataFrame()
    table = frame.pivot_table(index="month", columns="partner", values="received", aggfunc="sum", fill_value=0)
    months = pd.date_range(table.index.min(), table.index.max(), freq="MS")
    table = table.reindex(months, fill_value=0).sort_index(ascending=False).astype("int64")
    table.index = [_month(m) for m in table.index]
    table.index.name = _("Month")
    table.columns.name = None
    return table


def partner_month_frame(quality: pd.DataFrame) -> pd.DataFrame:
    """queries/data_quality.sql with people's column names."""
    return pd.DataFrame(
        {
            _("Partner"): _partners(quality),
            _("Month"): [_month(m) for m in quality["month"]],
            _("Contacts"): quality["contacts"],
            _("Events hosted"): quality["events"],
            _("Events co-hosted"): quality["co_hosted_events"],
            _("Rows with unknown values"): quality["rows_with_unknown_values"],
            _("Possible duplicate contacts"): quality["possible_duplicates"],
            _("People with repeated contacts"): quality["people_with_repeats"],
        }
    )


def gaps_frame(gaps: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            _("Partner"): _partners(gaps),
            _("Month with no data"): [_month(m) for m in gaps["month"]],
        }
    )


def unknown_values_frame(unknown: pd.DataFrame, names: dict[str, str] | None = None) -> pd.DataFrame:
    columns = {"language": _("Language"), "neighborhood": _("Neighborhood")}

    def partner_list(ids: object) -> str:
        if not isinstance(ids, str):
            return MISSING
        return ", ".join((names or {}).get(pid, pid) for pid in ids.split(", "))

    return pd.DataFrame(
        {
            _("Column"): unknown["column_name"].map(columns),
            _("Value as written"): unknown["value"],
            _("Rows"): unknown["rows"],
            _("Partners"): unknown["partners"].map(partner_list),
        }
    )


def history_frame(ledger: pd.DataFrame) -> pd.DataFrame:
    """queries/batches.sql for people: when, who, file, kind, rows, SHA-256, status. Times are the
    reader's date and time; the headers say they are UTC."""
    statuses = {"loaded": _("Loaded"), "undone": _("Undone")}
    return pd.DataFrame(
        {
            _("Batch"): ledger["batch_id"],
            _("Loaded at (UTC)"): [_moment(m) for m in ledger["loaded_at"]],
            _("Loaded by"): ledger["loaded_by"],
            _("File name"): ledger["file_name"],
            _("Sheet"): _text(ledger["sheet"]),  # of a workbook; a dash for a CSV file
            _("Kind"): ledger["kind"].map(kind_label),
            _("Rows"): ledger["row_count"],
            _("Status"): ledger["status"].map(statuses),
            _("Undone at (UTC)"): [_moment(m) for m in ledger["undone_at"]],
            _("Undone by"): _text(ledger["undone_by"]),
            _("Encoding"): _text(ledger["encoding"]),
            _("Warnings"): ledger["warning_count"],
            "SHA-256": ledger["sha256"],
        }
    )


def duplicates_frame(quality: pd.DataFrame) -> pd.DataFrame:
    """The partner-months with possible duplicate contacts, most first."""
    flagged = quality[quality["possible_duplicates"] > 0].sort_values("possible_duplicates", ascending=False)
    return pd.DataFrame(
        {
            _("Partner"): _partners(flagged),
            _("Month"): [_month(m) for m in flagged["month"]],
            _("Possible duplicate contacts"): flagged["possible_duplicates"],
            _("People with repeated contacts"): flagged["people_with_repeats"],
        }
    )
