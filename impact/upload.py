"""What the Upload and Data pages need, without Streamlit.

Templates and the data dictionary are built from impact/contract.py and impact/vocab.py,
so they cannot drift from what the ingest engine accepts. Checking and loading go
through the engine (there is no second validator here); this module only turns its
reports into tables people can act on, and guards loading and undoing by role.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from impact import contract, db, export, ingest, textfile, vocab
from impact.i18n import _, format_number, ngettext
from impact.roles import LOADERS, User

PREVIEW_ROWS = 20

Progress = Callable[[str, float], None]


class NotAllowed(PermissionError):
    """The signed-in role may not change the data."""


def kind_label(kind: str) -> str:
    return {"partners": _("Partners"), "events": _("Events"), "engagements": _("Engagements (contacts)")}[kind]


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
        },
    ),
}


def template_frame(kind: str) -> pd.DataFrame:
    """The contract's headers for one kind, in contract order, with two example rows."""
    names = [c.name for c in contract.COLUMNS[kind]]
    return pd.DataFrame([[row[n] for n in names] for row in EXAMPLES[kind]], columns=names, dtype="string")


def template_csv(kind: str) -> bytes:
    return export.safe_csv(template_frame(kind))


# ------------------------------------------------------------------ data dictionary

_VOCABULARIES: dict[str, tuple[tuple[str, ...], dict[str, tuple[str, ...]]]] = {
    "event_type": (vocab.EVENT_TYPES, vocab.EVENT_TYPE_ALIASES),
    "channel": (vocab.CHANNELS, vocab.CHANNEL_ALIASES),
    "age_group": (vocab.AGE_GROUPS, vocab.AGE_GROUP_ALIASES),
    "language": (vocab.LANGUAGES, vocab.LANGUAGE_ALIASES),
    "languages": (vocab.LANGUAGES, vocab.LANGUAGE_ALIASES),
    "neighborhood": (vocab.NEIGHBORHOODS, vocab.NEIGHBORHOOD_ALIASES),
}


def _type_text(kind: str, col: contract.Column) -> str:
    if col.type == "ref":
        target = "event" if col.name == "event_id" else "partner"
        return _("id of a known partner") if target == "partner" else _("id of a known event")
    return {
        "id": _("text (an id)"),
        "text": _("text"),
        "date": _("date"),
        "category": _("one of a fixed list"),
        "open": _("text from a list (other values are kept, with a warning)"),
        "list": _("list, separated by ;"),
        "open_list": _("list from a list, separated by ; (other values are kept, with a warning)"),
        "ref_list": _("list of partner ids, separated by ;"),
        "integer": _("whole number"),
        "person": _("text (pseudonymised when loaded)"),
    }[col.type]


def _rules_text(kind: str, col: contract.Column) -> str:
    rules = {
        "date": _("YYYY-MM-DD, YYYY/M/D or M/D/YYYY; a real calendar date"),
        "integer": _("0 or more; 1,234 and 12.0 are read as whole numbers"),
        "person": _("the raw id is never stored, only a keyed hash of it"),
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
    }
    parts = [_("required") if col.required else _("optional")]
    if col.rule:
        parts.append(contract_rules.get(col.rule, col.rule))
    if col.type in rules:
        parts.append(rules[col.type])
    return "; ".join(dict.fromkeys(parts))


def _accepted_values(col: contract.Column) -> tuple[str, str]:
    """(the values stored, other spellings that are read as them)."""
    found = _VOCABULARIES.get(col.name)
    if found is None or col.type not in ("category", "open", "open_list"):
        return "", ""
    values, aliases = found
    spellings = "; ".join(f"{', '.join(names)} → {value}" for value, names in aliases.items())
    return ", ".join(values), spellings


def data_dictionary(kind: str) -> pd.DataFrame:
    """One row per contract column: what it holds, its rules, accepted values and headers."""
    rows = []
    for col in contract.COLUMNS[kind]:
        values, spellings = _accepted_values(col)
        rows.append(
            {
                _("column"): col.name,
                _("required"): _("yes") if col.required else _("no"),
                _("type"): _type_text(kind, col),
                _("rules"): _rules_text(kind, col),
                _("accepted values"): values,
                _("other spellings accepted"): spellings,
                _("headers accepted"): ", ".join(col.headers),
            }
        )
    return pd.DataFrame(rows, dtype="string")


# ----------------------------------------------------------------- problem tables


def problem_text(problem: ingest.Problem) -> str:
    """What the engine said about a problem, in the reader's language."""
    return problem.message.translated() if problem.message is not None else problem.reason


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
        if col.type == "category":
            return _("Use one of: {values}.").format(values=", ".join(col.choices))
        if col.name == "partner_id":
            return _("Use 1 to 32 letters, digits, '_' or '-' (no spaces).")
    return _("Correct the value in the file and upload it again.")


def problem_columns() -> list[str]:
    return [_("line"), _("column"), _("value"), _("problem"), _("how to fix")]


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
            _("note"): pd.array([problem_text(w) for w in warnings], dtype="string"),
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
    """The first rows as they will be stored (with their line in the file), dates as dates."""
    if report.preview is None:
        return None
    frame = report.preview.copy()
    for name in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[name]):
            frame[name] = frame[name].dt.date
    return frame


# ------------------------------------------------------------- checking and loading


def read_header(data: bytes) -> list[str]:
    """The header cells of an uploaded file (for the column-match choices), or [].

    The whole file is decoded, as the engine does: a cut multi-byte character at the end
    of a sample could make the detection pick another encoding.
    """
    try:
        text = textfile.decode(data).text
    except textfile.EncodingUnknown:
        return []
    return textfile.read_header(text, textfile.detect_delimiter(text))


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
    return outcome


def _part(progress: Progress, step: int, steps: int) -> Progress:
    return lambda what, fraction: progress(what, (step + fraction) / steps)


def undo(batch_id: int, user: User, *, database: Path | str | None = None) -> ingest.UndoResult:
    """Undo one batch for a person allowed to (the check is here, not only in the page)."""
    _require_loader(user)
    return ingest.undo_batch(batch_id, database=database, by=user.name)


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
        when=f"{pd.Timestamp(batch['loaded_at']):%Y-%m-%d %H:%M}",
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


def outlier_frame(outliers: pd.DataFrame) -> pd.DataFrame:
    """queries/date_outliers.sql for people: what, which record, its date and why."""
    kinds = {"contact": _("contact"), "event": _("event")}
    return pd.DataFrame(
        {
            _("partner"): outliers["partner_id"],
            _("record"): outliers["record_kind"].map(kinds),
            _("id"): outliers["record_id"],
            _("date"): pd.to_datetime(outliers["day"]).dt.date,
            _("why it stands out"): outliers["reason"].map(outlier_reason),
            _("batch"): outliers["batch_id"],
        }
    )


def received_by_month(quality: pd.DataFrame) -> pd.DataFrame:
    """Rows received (contacts and events) per month (rows, newest first) and partner (columns).

    Every month between the first and the last is listed, so a month in which nobody sent
    anything shows as a row of zeros rather than going missing. Months before
    EARLIEST_PLAUSIBLE (a mistyped year) are left to the outlier list.
    """
    frame = quality.assign(month=pd.to_datetime(quality["month"]), received=quality["contacts"] + quality["events"])
    frame = frame[frame["month"] >= pd.Timestamp(EARLIEST_PLAUSIBLE)]
    if frame.empty:
        return pd.DataFrame()
    table = frame.pivot_table(index="month", columns="partner_id", values="received", aggfunc="sum", fill_value=0)
    months = pd.date_range(table.index.min(), table.index.max(), freq="MS")
    table = table.reindex(months, fill_value=0).sort_index(ascending=False).astype("int64")
    table.index = table.index.strftime("%Y-%m")
    table.index.name = _("month")
    table.columns.name = None
    return table


def partner_month_frame(quality: pd.DataFrame) -> pd.DataFrame:
    """queries/data_quality.sql with people's column names."""
    return pd.DataFrame(
        {
            _("partner"): quality["partner_id"],
            _("month"): pd.to_datetime(quality["month"]).dt.strftime("%Y-%m"),
            _("contacts"): quality["contacts"],
            _("events"): quality["events"],
            _("rows with unknown values"): quality["rows_with_unknown_values"],
            _("possible duplicate contacts"): quality["possible_duplicates"],
            _("people with repeated contacts"): quality["people_with_repeats"],
        }
    )


def gaps_frame(gaps: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            _("partner"): gaps["partner_id"],
            _("partner name"): gaps["partner_name"],
            _("month with no data"): pd.to_datetime(gaps["month"]).dt.strftime("%Y-%m"),
        }
    )


def unknown_values_frame(unknown: pd.DataFrame) -> pd.DataFrame:
    columns = {"language": _("language"), "neighborhood": _("neighborhood")}
    return pd.DataFrame(
        {
            _("column"): unknown["column_name"].map(columns),
            _("value as written"): unknown["value"],
            _("rows"): unknown["rows"],
            _("partners"): unknown["partners"],
        }
    )


def history_frame(ledger: pd.DataFrame) -> pd.DataFrame:
    """queries/batches.sql for people: when, who, file, kind, rows, SHA-256, status."""
    statuses = {"loaded": _("loaded"), "undone": _("undone")}
    return pd.DataFrame(
        {
            _("batch"): ledger["batch_id"],
            _("loaded at (UTC)"): pd.to_datetime(ledger["loaded_at"]),
            _("loaded by"): ledger["loaded_by"],
            _("file name"): ledger["file_name"],
            _("kind"): ledger["kind"].map(kind_label),
            _("rows"): ledger["row_count"],
            _("status"): ledger["status"].map(statuses),
            _("undone at (UTC)"): pd.to_datetime(ledger["undone_at"]),
            _("undone by"): ledger["undone_by"],
            _("encoding"): ledger["encoding"],
            _("warnings"): ledger["warning_count"],
            "SHA-256": ledger["sha256"],
        }
    )


def duplicates_frame(quality: pd.DataFrame) -> pd.DataFrame:
    """The partner-months with possible duplicate contacts, most first."""
    flagged = quality[quality["possible_duplicates"] > 0].sort_values("possible_duplicates", ascending=False)
    return pd.DataFrame(
        {
            _("partner"): flagged["partner_id"],
            _("month"): pd.to_datetime(flagged["month"]).dt.strftime("%Y-%m"),
            _("possible duplicate contacts"): flagged["possible_duplicates"],
            _("people with repeated contacts"): flagged["people_with_repeats"],
        }
    )
