"""The run: one file decoded, staged in DuckDB, checked as a whole and stored as one batch, or several
files checked together in load order."""

from __future__ import annotations

import functools
import hashlib
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from impact import config, contract, db, pseudonym, textfile
from impact.i18n import Message
from impact.ingest import batches, first_contacts, workbook
from impact.ingest.columns import detect_kind, match_columns
from impact.ingest.messages import (
    AFTER_TODAY,
    ALREADY_LOADED,
    ALREADY_STORED,
    ALREADY_STORED_FOR_PARTNER,
    ALSO_MEANS,
    CELL_ERROR,
    COLUMN_MISSING,
    CONTROL_CHARACTER,
    DUPLICATE,
    DUPLICATE_FOR_PARTNER,
    DUPLICATE_TARGET,
    EMPTY_ROWS_SKIPPED,
    END_BEFORE_START,
    FILE_EMPTY,
    FILE_TOO_LARGE,
    IS_HOST,
    KIND_UNCLEAR,
    LINE_TOO_LONG,
    NO_ANSWER,
    NO_ANSWER_COLUMNS,
    NO_DATA_ROWS,
    NO_HEADER,
    NOT_A_COLUMN,
    NOT_CHECKED,
    ON_ROWS,
    REFERRED_BY_OWN_PARTNER,
    RESPONSE_AFTER_TODAY,
    ROW_UNREADABLE,
    STAFF_END_BEFORE_START,
    STRAY_QUOTE,
    TABLE_UNREADABLE,
    TARGET_STORED,
    TOO_FEW_FIELDS,
    TOO_MANY_COLUMNS,
    TOO_MANY_FIELDS,
    UNKNOWN_EVENT,
    UNKNOWN_PARTNER,
    VALUE_REQUIRED,
    ColumnMatch,
    FileReport,
    IngestUsageError,
    Problem,
)
from impact.ingest.values import _SQL_TYPES, _mapping_frame, _normaliser

MAX_LISTED_PROBLEMS = 200  # problems listed one by one; the rest are counted


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _today() -> date:
    return date.today()


class _Run:
    """One file's trip through the engine, on one cursor."""

    def __init__(self, cur: db.Connection, report: FileReport, key: bytes, today: date):
        self.cur, self.report, self.key, self.today = cur, report, key, today
        # column -> raw value -> what is wrong with it (problems rows with no template point here)
        self.value_errors: dict[str, dict[str, Message]] = {}
        self.replace_targets = False  # a targets file that supersedes every current target (see process)

    def sql(self, statement: str, params: dict[str, Any] | None = None) -> Any:
        return self.cur.execute(statement, params or {})

    # -- staging --------------------------------------------------------------------
    def stage(self, csv_path: Path, width: int, delimiter: str) -> bool:
        """Read the file into `staging` (all text); report broken rows. False if broken."""
        columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
        path_literal = str(csv_path).replace("'", "''")
        delim_literal = {",": ",", ";": ";", "\t": "\\t"}[delimiter]
        self.sql("drop table if exists staging_rejects")
        self.sql("drop table if exists staging_scans")
        try:
            self.sql(
                f"""create or replace temp table staging as
                select * from read_csv('{path_literal}', header = true, delim = e'{delim_literal}',
                    quote = '"', escape = '"', new_line = '\\n', auto_detect = false, columns = {columns},
                    store_rejects = true, rejects_table = 'staging_rejects',
                    rejects_scan = 'staging_scans', strict_mode = true, null_padding = false)"""
            )
        except db.Error as exc:
            detail = str(exc).strip().splitlines()[0]
            self.report.add(Problem.of(None, None, None, Message(TABLE_UNREADABLE, {"detail": detail})))
            return False
        # a row with several extra fields is listed once per field; people need it once
        rejects = self.sql(
            "select distinct line, error_type, csv_line from staging_rejects order by line, error_type"
        ).fetchall()
        for line, error_type, csv_line in rejects:
            template = {
                "TOO MANY COLUMNS": TOO_MANY_FIELDS,
                "MISSING COLUMNS": TOO_FEW_FIELDS,
                "UNQUOTED VALUE": STRAY_QUOTE,
                "LINE SIZE OVER MAXIMUM": LINE_TOO_LONG,
            }.get(error_type, ROW_UNREADABLE)
            reason = Message(template, {"width": width, "error": error_type.lower()})
            self.report.add(Problem.of(int(line), None, (csv_line or "").strip()[:80], reason))
        return not rejects

    # -- per-column checks ------------------------------------------------------------
    def clean(self, kind: str, matches: list[ColumnMatch], line_column: int | None = None) -> None:
        """`cleaned`: one text column per contract column, with empty markers as null."""
        # of a trimmed value: each value is trimmed once, and only the short ones are lowercased
        self.sql(
            "create or replace temp macro nullish(v) as case when length(v) <= 4 and lower(v) in "
            "('', 'na', 'n/a', 'null', '-') then null else v end"
        )
        by_column = {m.column: m.position for m in matches if m.column}
        if line_column is not None:  # a workbook's rows carry their row number
            trimmed = [f"c{line_column}::integer as line"]
        else:  # rowids of a table made inside a transaction start at an offset, in file order
            trimmed = ["(rowid - (select min(rowid) from staging) + 2)::integer as line"]
        select = ["line"]
        for col in contract.COLUMNS[kind]:
            pos = by_column.get(col.name)
            if pos is not None:
                trimmed.append(f"trim(c{pos}) as t{pos}")
            select.append(f"nullish(t{pos}) as {col.name}" if pos is not None else f"null::varchar as {col.name}")
        # rows with no value at all (spreadsheets export them as ",,,,") are not data
        blank = "coalesce(" + ", ".join(f"nullif(trim(c{m.position}), '')" for m in matches) + ") is null"
        self.sql(
            f"create or replace temp table cleaned as select {', '.join(select)} "
            f"from (select {', '.join(trimmed)} from staging where not {blank})"
        )

    def type_columns(self, kind: str, present: set[str]) -> None:
        """`typed`: the rows as they will be stored; problems and warnings per value."""
        joins, select = [], ["c.line"]
        for col in contract.COLUMNS[kind]:
            if col.type == "person" and col.name in present:
                # the keyed hash of each distinct id, in SQL: set-based, parallel, and no Python loop
                table = f"map_{col.name}"
                self.sql(
                    f"""create or replace temp table {table} as
                    select raw, {pseudonym.sql_expression("raw")} as value
                    from (select distinct {col.name} as raw from cleaned where {col.name} is not null)""",
                    pseudonym.sql_parameters(self.key),
                )
                joins.append(f"left join {table} on {table}.raw = c.{col.name}")
                select.append(f"{table}.value as {col.name}")
                continue
            normaliser = _normaliser(kind, col) if col.name in present else None
            if normaliser is None:
                # an absent column still gets its stored type (a list stays a list)
                absent = f"null::{_SQL_TYPES.get(col.type, 'varchar')} as {col.name}"
                select.append(f"c.{col.name}" if col.name in present else absent)
                continue
            distinct = [
                r[0]
                for r in self.sql(f"select distinct {col.name} from cleaned where {col.name} is not null").fetchall()
            ]
            normalised = {text: normaliser(text) for text in distinct}
            frame = _mapping_frame(col, normalised.items())
            self.value_errors[col.name] = {text: error for text, (_, error, _) in normalised.items() if error}
            notes = {text: warning for text, (_, _, warning) in normalised.items() if warning}
            del normalised
            table = f"map_{col.name}"
            self.cur.register(f"{table}_frame", frame)
            self.sql(f"create or replace temp table {table} as select * from {table}_frame")
            self.cur.unregister(f"{table}_frame")
            joins.append(f"left join {table} on {table}.raw = c.{col.name}")
            sql_type = _SQL_TYPES.get(col.type)
            if sql_type == "varchar[]":
                value = f"string_split({table}.value, chr(31))"
            elif sql_type in ("date", "integer", "ubigint", "double"):
                value = f"cast({table}.value as {sql_type})"
            else:
                value = f"{table}.value"
            select.append(f"{value} as {col.name}")
            # no template: the message is value_errors[column][value]
            self.collect(
                f"""select c.line, '{col.name}', c.{col.name}, null, null
                from cleaned c join {table} on {table}.raw = c.{col.name}
                where {table}.failed"""
            )
            for raw, rows, first in self.sql(
                f"""select m.raw, count(*), min(c.line) from cleaned c
                join {table} m on m.raw = c.{col.name} where m.warned
                group by all order by min(c.line)"""
            ).fetchall():
                note = Message.plural_of(ON_ROWS, rows, note=notes[raw])
                self.report.warnings.append(Problem.of(first, col.name, raw, note))
        self.sql(f"create or replace temp table typed as select {', '.join(select)} from cleaned c {' '.join(joins)}")

    def collect(self, select_sql: str, params: dict[str, Any] | None = None) -> None:
        """Add the rows of a (line, column, value, template, params) query to `problems`.

        The template is a msgid given as a parameter; params is a map of the values of its
        {placeholders} (or null), so the English is written, and translated, in Python.
        """
        self.sql(f"insert into problems {select_sql}", params)

    def cell_errors(self, errors: list[tuple[int, str, str]]) -> None:
        """Cells of a sheet holding an error value (#REF!), as (row, contract column, error).

        They were read as empty, so a required column also said "a value is required" there.
        """
        frame = pd.DataFrame(
            {
                "line": pd.Series([e[0] for e in errors], dtype="int32"),
                "col": pd.Series([e[1] for e in errors], dtype="string"),
                "value": pd.Series([e[2] for e in errors], dtype="string"),
            }
        )
        self.cur.register("cell_errors_frame", frame)
        self.sql(
            """delete from problems p using cell_errors_frame e
            where p.line = e.line and p.col = e.col and p.template = $template""",
            {"template": VALUE_REQUIRED},
        )
        self.collect("select line, col, value, $template, null from cell_errors_frame", {"template": CELL_ERROR})
        self.cur.unregister("cell_errors_frame")

    def listed_problems(self, limit: int) -> list[Problem]:
        """The first `limit` problems in line order, as sentences."""
        rows = self.sql(
            "select line, col, value, template, params from problems order by line nulls first, col limit $n",
            {"n": limit},
        ).fetchall()
        found = []
        for line, column, value, template, params in rows:
            message = Message(template, params or {}) if template else self.value_errors[column][value]
            found.append(Problem.of(line, column, value, message))
        return found

    def control_characters(self, kind: str, present: set[str]) -> None:
        """Values holding a control character (contract.CONTROL_CHARACTERS; tabs and line breaks are
        allowed in free text), shown with each one as �. A participant id is reported without
        its value: ids are never shown."""
        columns = [col for col in contract.COLUMNS[kind] if col.name in present]
        if not self.any_control_character(kind, [col.name for col in columns]):
            return  # a clean file, the usual one, needs no pass per column
        for col in columns:
            free = (kind, col.name) in contract.FREE_TEXT_COLUMNS
            pattern = contract.CONTROL_CHARACTERS_IN_FREE_TEXT if free else contract.CONTROL_CHARACTERS
            shown = "null" if col.type == "person" else f"regexp_replace({col.name}, $pattern, '�', 'g')"
            self.collect(
                f"""select line, '{col.name}', {shown}, $template, null from cleaned
                where regexp_matches({col.name}, $pattern)""",
                {"template": CONTROL_CHARACTER, "pattern": pattern},
            )

    def any_control_character(self, kind: str, names: list[str]) -> bool:
        """Whether any of these columns holds a control character, in one pass over each row's values
        joined: a pattern of single characters matches the joined text only where it matches a value."""
        joined, patterns = [], {}
        for free, pattern in ((False, contract.CONTROL_CHARACTERS), (True, contract.CONTROL_CHARACTERS_IN_FREE_TEXT)):
            chosen = [name for name in names if ((kind, name) in contract.FREE_TEXT_COLUMNS) == free]
            if chosen:
                name = f"p{len(joined)}"
                patterns[name] = pattern
                joined.append(f"regexp_matches(concat({', '.join(chosen)}), ${name})")
        if not joined:
            return False
        return self.sql(f"select exists (from cleaned where {' or '.join(joined)})", patterns).fetchone()[0]

    def required(self, kind: str, present: set[str]) -> None:
        """Empty cells in required columns (a missing column is reported once, not per row)."""
        for name in contract.required_columns(kind):
            if name not in present:
                continue
            self.collect(
                f"select line, '{name}', null, $template, null from cleaned where {name} is null",
                {"template": VALUE_REQUIRED},
            )
        if kind == "surveys":
            self.answers(present)

    def answers(self, present: set[str]) -> None:
        """A survey file needs an answer column, and each response at least one answer."""
        needed = ", ".join(contract.SURVEY_ANSWERS)
        if not present & set(contract.SURVEY_ANSWERS):
            self.collect(
                "select null, null, null, $template, map {'columns': $columns}",
                {"template": NO_ANSWER_COLUMNS, "columns": needed},
            )
            return
        unanswered = " and ".join(f"{name} is null" for name in contract.SURVEY_ANSWERS)
        self.collect(
            f"select line, null, null, $template, map {{'columns': $columns}} from cleaned where {unanswered}",
            {"template": NO_ANSWER, "columns": needed},
        )

    def rows(self, kind: str) -> None:
        """Rules that look across rows and at what is stored already."""
        if kind == "partners":
            self.duplicates("partner_id", ["partner_id"], DUPLICATE)
            self.collect(
                """select t.line, 'partner_id', t.partner_id, $template, map {'batch': p.batch_id::varchar}
                from typed t join partners p using (partner_id)""",
                {"template": ALREADY_STORED},
            )
        elif kind == "events":
            self.duplicates("event_id", ["event_id"], DUPLICATE)
            self.collect(
                """select t.line, 'event_id', t.event_id, $template, map {'batch': e.batch_id::varchar}
                from typed t join events e using (event_id)""",
                {"template": ALREADY_STORED},
            )
            self.unknown_partner("host_partner_id")
            self.collect(
                """select line, 'co_host_partner_ids', co_host, template, null from (
                    select t.line, u.co_host,
                        case when u.co_host = t.host_partner_id then $is_host
                             when p.partner_id is null then $unknown_partner
                        end as template
                    from typed t, unnest(t.co_host_partner_ids) as u(co_host)
                    left join partners p on p.partner_id = u.co_host
                ) where template is not null""",
                {"is_host": IS_HOST, "unknown_partner": UNKNOWN_PARTNER},
            )
        elif kind == "targets":
            self.targets()
        elif kind == "staff":
            self.staff()
        elif kind == "milestones":
            self.duplicates("milestone_id", ["milestone_id"], DUPLICATE)
            self.collect(
                """select t.line, 'milestone_id', t.milestone_id, $template, map {'batch': m.batch_id::varchar}
                from typed t join milestones m using (milestone_id)""",
                {"template": ALREADY_STORED},
            )
            self.collect(
                """select t.line, 'partner_ids', u.partner, $template, null
                from typed t, unnest(t.partner_ids) as u(partner)
                left join partners p on p.partner_id = u.partner
                where p.partner_id is null""",
                {"template": UNKNOWN_PARTNER},
            )
        elif kind == "surveys":
            self.duplicates("response_id", ["response_id"], DUPLICATE)
            self.collect(
                """select t.line, 'response_id', t.response_id, $template, map {'batch': s.batch_id::varchar}
                from typed t join surveys s using (response_id)""",
                {"template": ALREADY_STORED},
            )
            self.unknown_partner("partner_id")
            self.collect(
                """select t.line, 'event_id', t.event_id, $template, null
                from typed t anti join events e using (event_id) where t.event_id is not null""",
                {"template": UNKNOWN_EVENT},
            )
            self.collect(
                """select line, 'responded_on', strftime(responded_on, '%Y-%m-%d'), $template,
                    map {'today': strftime($today, '%Y-%m-%d')}
                from typed where responded_on > $today""",
                {"template": RESPONSE_AFTER_TODAY, "today": self.today},
            )
        else:
            self.duplicates("engagement_id", ["partner_id", "engagement_id"], DUPLICATE_FOR_PARTNER)
            self.collect(
                """select t.line, 'engagement_id', t.engagement_id, $template,
                    map {'partner': t.partner_id, 'batch': e.batch_id::varchar}
                from typed t join engagements e using (partner_id, engagement_id)""",
                {"template": ALREADY_STORED_FOR_PARTNER},
            )
            self.unknown_partner("partner_id")
            self.collect(
                """select t.line, 'event_id', t.event_id, $template, null
                from typed t anti join events e using (event_id) where t.event_id is not null""",
                {"template": UNKNOWN_EVENT},
            )
            self.collect(
                """select line, 'engaged_on', strftime(engaged_on, '%Y-%m-%d'), $template,
                    map {'today': strftime($today, '%Y-%m-%d')}
                from typed where engaged_on > $today""",
                {"template": AFTER_TODAY, "today": self.today},
            )
            self.unknown_partner("referred_by_partner_id")
            self.collect(
                """select line, 'referred_by_partner_id', referred_by_partner_id, $template, null
                from typed where referred_by_partner_id = partner_id""",
                {"template": REFERRED_BY_OWN_PARTNER},
            )

    def staff(self) -> None:
        """A staff member once per partner in the file and not stored already (a correction is an undo
        and a new load, as for contacts); a known partner; an end on or after the start. Staff ids are
        never shown, so their problems name the line and column without the value."""
        self.collect(
            """select line, 'staff_id', null, $template, map {'first_line': first_line::varchar}
            from (select line, min(line) over (partition by partner_id, staff_id) as first_line
                  from typed where staff_id is not null and partner_id is not null)
            where line > first_line""",
            {"template": DUPLICATE_FOR_PARTNER},
        )
        self.collect(
            """select t.line, 'staff_id', null, $template, map {'partner': t.partner_id, 'batch': s.batch_id::varchar}
            from typed t join staff s on s.partner_id = t.partner_id and s.staff_key = t.staff_id""",
            {"template": ALREADY_STORED_FOR_PARTNER},
        )
        self.unknown_partner("partner_id")
        self.collect(
            """select line, 'ended_on', strftime(ended_on, '%Y-%m-%d'), $template,
                map {'start': strftime(started_on, '%Y-%m-%d')}
            from typed where ended_on < started_on""",
            {"template": STAFF_END_BEFORE_START},
        )

    def targets(self) -> None:
        """A metric, partner and period once in the file and once among the current targets (unless the
        file replaces them all); a period that ends before it starts; a partner that is known."""
        self.collect(
            """select line, 'metric', metric, $template, map {'first_line': first_line::varchar}
            from (
                select line, metric,
                    min(line) over (partition by metric, partner_id, period_start, period_end) as first_line
                from typed
                where metric is not null and period_start is not null and period_end is not null
            )
            where line > first_line""",
            {"template": DUPLICATE_TARGET},
        )
        if not self.replace_targets:
            self.collect(
                """select t.line, 'metric', t.metric, $template, map {'batch': min(s.batch_id)::varchar}
                from typed t join targets s
                    on s.metric = t.metric and s.partner_id is not distinct from t.partner_id
                    and s.period_start = t.period_start and s.period_end = t.period_end
                where s.superseded_by is null
                group by t.line, t.metric""",
                {"template": TARGET_STORED},
            )
        self.collect(
            """select line, 'period_end', strftime(period_end, '%Y-%m-%d'), $template,
                map {'start': strftime(period_start, '%Y-%m-%d')}
            from typed where period_end < period_start""",
            {"template": END_BEFORE_START},
        )
        self.unknown_partner("partner_id")

    def duplicates(self, column: str, key: list[str], template: str) -> None:
        keys = ", ".join(key)
        # a grouping finds whether any key repeats at a third of the cost of numbering every row's first line
        repeated = f"select 1 from typed where {column} is not null group by {keys} having count(*) > 1"
        if not self.sql(f"select exists ({repeated})").fetchone()[0]:
            return
        self.collect(
            f"""select line, '{column}', {column}, $template, map {{'first_line': first_line::varchar}}
            from (select line, {column}, min(line) over (partition by {keys}) as first_line
                  from typed where {column} is not null)
            where line > first_line""",
            {"template": template},
        )

    def unknown_partner(self, column: str) -> None:
        self.collect(
            f"""select t.line, '{column}', t.{column}, $template, null
            from typed t anti join partners p on p.partner_id = t.{column}
            where t.{column} is not null""",
            {"template": UNKNOWN_PARTNER},
        )

    # -- storing ------------------------------------------------------------------------
    def store(self, kind: str, by: str) -> int:
        report = self.report
        batch_id = self.sql("select coalesce(max(batch_id), 0) + 1 from batches").fetchone()[0]
        self.sql(
            """insert into batches (batch_id, kind, file_name, sha256, row_count, loaded_by,
                loaded_at, encoding, delimiter, warning_count, sheet)
            values ($id, $kind, $file, $sha, $rows, $by, $at, $enc, $delim, $warnings, $sheet)""",
            {
                "id": batch_id,
                "kind": kind,
                "file": report.file_name,
                "sha": report.sha256,
                "rows": report.row_count,
                "by": by,
                "at": datetime.now(UTC).replace(tzinfo=None),
                "enc": report.encoding,
                "delim": textfile.DELIMITERS.get(report.delimiter),  # a workbook has none
                "warnings": len(report.warnings),
                "sheet": report.sheet,
            },
        )
        columns = contract.COLUMNS[kind]
        names = [c.stored_name for c in columns]
        source_names = [c.name for c in columns]
        # engagements are not sorted: sorting a million wide rows by date cost about a third of storing
        # them, and the dashboards' period queries were hardly faster for it (README, decisions)
        order = {
            "partners": "line",
            "events": "event_date, line",
            "engagements": None,
            "targets": "line",
            "milestones": "date, line",
            "surveys": "responded_on, line",
            "staff": "partner_id, started_on, line",
        }[kind]
        if kind == "milestones":  # an empty `public` means no
            source_names = ["coalesce(public, false)" if n == "public" else n for n in source_names]
        if kind == "targets" and self.replace_targets:  # kept, marked, so that an undo brings them back
            self.sql("update targets set superseded_by = $batch where superseded_by is null", {"batch": batch_id})
        self.sql(
            f"insert into {kind} ({', '.join(names)}, batch_id) "
            f"select {', '.join(source_names)}, $batch from typed{f' order by {order}' if order else ''}",
            {"batch": batch_id},
        )
        if kind == "engagements":  # in this transaction, as the contacts themselves
            first_contacts.add_batch(self.cur)
        if kind == "events":
            self.sql(
                """insert into event_cohosts (event_id, partner_id, batch_id)
                select event_id, unnest(co_host_partner_ids), $batch from typed
                where co_host_partner_ids is not null""",
                {"batch": batch_id},
            )
        return batch_id


def _source_size(source: bytes | Path) -> int:
    if isinstance(source, Path):
        if not source.is_file():
            raise IngestUsageError(f"{source}: no such file")
        return source.stat().st_size
    return len(source)


def _megabytes(size: int) -> str:
    """Sizes in the unit of IMPACT_MAX_UPLOAD_MB (2**20 bytes): 200, 1.5, 0.3."""
    return f"{size / 2**20:,.1f}".removesuffix(".0")


def _utf8_text(source: bytes | Path, name: str) -> textfile.Utf8Text | None:
    """A text file that `textfile.decode` would read as UTF-8, described in one pass over its bytes;
    None for a workbook or a file in another encoding (read whole, as before)."""
    if workbook.is_workbook(next(textfile.chunks(source), b""), name):
        return None
    return textfile.read_utf8(source)


def _read_source(source: bytes | Path) -> bytes:
    if isinstance(source, Path):
        if not source.is_file():
            raise IngestUsageError(f"{source}: no such file")
        return source.read_bytes()
    return source


def _naming_the_sheet(run: Callable[..., FileReport]) -> Callable[..., FileReport]:
    """A workbook's problems and warnings name the sheet they are on (`sheet 'Q2', line 5, ...`)."""

    @functools.wraps(run)
    def named(*args: Any, **kwargs: Any) -> FileReport:
        report = run(*args, **kwargs)
        if report.sheet is not None:
            report.problems = [replace(p, sheet=report.sheet) for p in report.problems]
            report.warnings = [replace(w, sheet=report.sheet) for w in report.warnings]
        return report

    return named


@_naming_the_sheet
def process(
    source: bytes | Path,
    file_name: str | None = None,
    *,
    kind: str | None = None,
    sheet: str | None = None,
    database: Path | str | None = None,
    by: str = "unknown",
    store: bool = False,
    overrides: dict[str, str | None] | None = None,
    today: date | None = None,
    preview_rows: int = 0,
    cursor: db.Connection | None = None,
    progress: Callable[[str, float], None] | None = None,
    replace_targets: bool = False,
) -> FileReport:
    """Check one file as a whole and, if `store` and it is clean, store it as one batch.

    Returns a report either way; nothing is stored when the report lists problems.
    An Excel workbook is read as one of its sheets (`sheet`, else see workbook.read), whose rows
    then go through the same checks as a CSV file's; line numbers are the workbook's rows.
    With `cursor`, the caller owns the transaction (used for dry runs of several files).
    `progress(step, fraction)` is told what is happening, for large files.
    `replace_targets` (a targets file only; ingest.targets.save_targets): the file is the whole new
    set of targets, which supersedes every current one instead of conflicting with it, and may
    hold the same bytes as an earlier set.
    """
    tell = progress or (lambda step, fraction: None)
    if replace_targets and kind != "targets":
        raise IngestUsageError("only a targets file can replace the stored targets")
    tell("Reading the file", 0.0)
    if kind is not None and kind not in contract.KINDS:
        raise IngestUsageError(f"unknown kind {kind!r}; use one of: {', '.join(contract.KINDS)}")
    name = file_name or (source.name if isinstance(source, Path) else "upload.csv")
    limit = config.max_upload_bytes()
    size = _source_size(source)
    if size > limit:  # checked before reading, so a huge file is never held in memory
        report = FileReport(file_name=name, sha256="")
        sizes = {"size": _megabytes(size), "limit": _megabytes(limit)}
        report.add(Problem.of(None, None, None, Message(FILE_TOO_LARGE, sizes)))
        return report
    streamed = _utf8_text(source, name)  # a UTF-8 text file is read in pieces, never held whole
    data = b"" if streamed is not None else _read_source(source)
    report = FileReport(file_name=name, sha256=streamed.sha256 if streamed is not None else sha256_of(data))
    if streamed.blank if streamed is not None else not data.strip():
        report.add(Problem.of(None, None, None, Message(FILE_EMPTY)))
        return report
    table: workbook.SheetTable | None = None
    if streamed is None and workbook.is_workbook(data, name):
        try:
            table = workbook.read(data, sheet, kind)
        except workbook.WorkbookProblem as exc:
            report.add(Problem.of(None, None, None, exc.message))
            return report
        report.sheet, text, header, header_line = table.sheet, table.text, table.header, table.header_line
        decoded = None
    elif streamed is not None:  # its start: the header and the lines the delimiter is told by
        report.encoding, text, decoded = streamed.label, streamed.head, None
        report.delimiter = textfile.detect_delimiter(text)
        header = textfile.read_header(text, report.delimiter)
        header_line = 1
    else:
        try:
            decoded = textfile.decode(data)
        except textfile.EncodingUnknown as exc:
            report.add(Problem.of(None, None, None, Message(str(exc))))  # textfile.UNKNOWN_ENCODING
            return report
        report.encoding = decoded.label
        text = decoded.text
        report.delimiter = textfile.detect_delimiter(text)
        header = textfile.read_header(text, report.delimiter)
        header_line = 1
    if not any(header):
        report.add(Problem.of(header_line, None, None, Message(NO_HEADER)))
        return report
    if len(header) > contract.MAX_COLUMNS:  # before any work per column
        widths = {"columns": f"{len(header):,}", "limit": f"{contract.MAX_COLUMNS:,}"}
        report.add(Problem.of(header_line, None, None, Message(TOO_MANY_COLUMNS, widths)))
        return report

    report.kind = kind or detect_kind(header)
    if report.kind is None:
        report.add(Problem.of(header_line, None, None, Message(KIND_UNCLEAR, {"kinds": ", ".join(contract.KINDS)})))
        return report
    kind = report.kind
    report.columns = match_columns(header, kind, overrides)
    seen: dict[str, ColumnMatch] = {}
    for match in report.columns:
        if match.column is None:
            if table is not None and match.position in table.blank_columns:
                continue  # a sheet's column with no name and no value is nothing to warn about
            label = match.header or f"(column {match.position + 1} has no name)"
            report.warnings.append(Problem.of(header_line, label, None, Message(NOT_A_COLUMN)))
        elif match.column in seen:
            same = {"column": match.column, "other": seen[match.column].header}
            report.add(Problem.of(header_line, match.header, None, Message(ALSO_MEANS, same)))
        else:
            seen[match.column] = match
    cell_errors = _cell_errors(report, table)
    for name in contract.required_columns(kind):
        if name not in seen:
            accepted = ", ".join(contract.column(kind, name).headers)
            report.add(Problem.of(None, name, None, Message(COLUMN_MISSING, {"headers": accepted})))

    with tempfile.TemporaryDirectory(prefix="impact-ingest-") as tmp:
        csv_path = Path(tmp) / "upload.csv"
        if streamed is not None:
            textfile.write_lines(source, csv_path, streamed)
        else:
            # one kind of line break (files edited on two systems mix them); DuckDB reads one
            if "\r" in text:
                text = text.replace("\r\n", "\n").replace("\r", "\n")
            csv_path.write_text(text, encoding="utf-8")
        del text, decoded, data, table  # the file is not held in memory while DuckDB works
        width = len(header) + (1 if report.sheet is not None else 0)  # a sheet's rows end with their row number
        checks = (report, csv_path, width, set(seen), kind, database, by, store, today, preview_rows, tell)
        sheet_rows = {"line_column": len(header) if report.sheet is not None else None, "cell_errors": cell_errors}
        if cursor is not None:
            report = _check_and_store(cursor, *checks, **sheet_rows, replace_targets=replace_targets)
        else:
            with db.transaction(database) as cur:  # a file with problems writes nothing: store() runs last
                report = _check_and_store(cur, *checks, **sheet_rows, replace_targets=replace_targets)
            if report.batch_id is not None:
                batches.changed(database)  # committed: what is built from the data is built again
    tell("Done", 1.0)  # after the commit: a batch reported done has survived
    return report


def _cell_errors(report: FileReport, table: workbook.SheetTable | None) -> list[tuple[int, str, str]]:
    """A sheet's error cells (#REF!): those in the header row are problems now; those in the
    columns that are read come back as (row, contract column, error) for the row checks."""
    if table is None:
        return []
    by_position = {m.position: m for m in report.columns}
    found = []
    for line, position, error in table.errors:
        match = by_position.get(position)
        if line == table.header_line:
            label = match.header if match and match.header else f"(column {position + 1} has no name)"
            report.add(Problem.of(line, label, error, Message(CELL_ERROR)))
        elif match is not None and match.column is not None:
            found.append((line, match.column, error))
    return found


def _check_and_store(
    cur: db.Connection,
    report: FileReport,
    csv_path: Path,
    width: int,
    seen: set[str],
    kind: str,
    database: Path | str | None,
    by: str,
    store: bool,
    today: date | None,
    preview_rows: int,
    tell: Callable[[str, float], None],
    *,
    line_column: int | None = None,
    cell_errors: list[tuple[int, str, str]] | None = None,
    replace_targets: bool = False,
) -> FileReport:
    """The checks across rows, in SQL on `cur`, and the store when the file is clean.

    A workbook's rows carry their row number in column `line_column`; `cell_errors` are its
    cells that hold an error value, as (row, contract column, error).
    """
    # the same file is the same bytes (and, for a workbook, the same sheet)
    duplicate = cur.execute(
        """select batch_id, loaded_at, loaded_by from batches
        where sha256 = $sha and status = 'loaded' and sheet is not distinct from $sheet""",
        {"sha": report.sha256, "sheet": report.sheet},
    ).fetchone()
    if duplicate and not replace_targets:  # a whole set of targets may equal an earlier one
        batch, loaded_at, loaded_by = duplicate
        earlier = {"batch": str(batch), "day": f"{loaded_at:%Y-%m-%d}", "by": loaded_by}
        report.add(Problem.of(None, None, None, Message(ALREADY_LOADED, earlier)))
        return report
    key = pseudonym.load_or_create_key(config.key_path(config.db_path(database)))
    run = _Run(cur, report, key, today or _today())
    run.replace_targets = replace_targets
    tell("Reading the rows", 0.15)
    if not run.stage(csv_path, width, report.delimiter or ","):  # a sheet is written with commas
        report.problems.append(Problem.of(None, None, None, Message(NOT_CHECKED)))
        return report
    tell("Checking every value", 0.35)
    run.clean(kind, report.columns, line_column)
    report.row_count = cur.execute("select count(*) from cleaned").fetchone()[0]
    empty_rows = cur.execute("select count(*) from staging").fetchone()[0] - report.row_count
    cur.execute("drop table staging")  # temp tables live in memory; `cleaned` has it all now
    if empty_rows:
        skipped = Message.plural_of(EMPTY_ROWS_SKIPPED, empty_rows)
        report.warnings.append(Problem.of(None, None, None, skipped))
    if report.row_count == 0:
        report.add(Problem.of(None, None, None, Message(NO_DATA_ROWS)))
        return report
    cur.execute(
        "create or replace temp table problems "
        "(line integer, col varchar, value varchar, template varchar, params map(varchar, varchar))"
    )
    run.required(kind, seen)
    run.control_characters(kind, seen)
    run.type_columns(kind, seen)
    cur.execute("drop table cleaned")  # `typed` has it all now
    tell("Checking ids and references", 0.65)
    run.rows(kind)
    if cell_errors:
        run.cell_errors(cell_errors)
    count = cur.execute("select count(*) from problems").fetchone()[0]
    report.problem_count += count
    report.problems.extend(run.listed_problems(MAX_LISTED_PROBLEMS))
    if preview_rows:
        report.preview = _preview(cur, preview_rows)
    if report.ok and store:
        tell("Storing the rows", 0.8)
        report.batch_id = run.store(kind, by)
    return report


def _preview(cur: db.Connection, rows: int) -> pd.DataFrame:
    frame = cur.execute("select * from typed order by line limit $n", {"n": rows}).df()
    for person in ("participant_id", "staff_id"):  # ids are never shown
        if person in frame:
            frame[person] = "pseudonymised"
    for name in frame.columns:
        if frame[name].map(_is_list).any():  # an empty list cell comes back as NA
            frame[name] = frame[name].map(lambda v: "; ".join(v) if _is_list(v) else "")
    return frame


def _is_list(value: object) -> bool:
    return isinstance(value, list | tuple) or getattr(value, "ndim", 0) == 1


def header_kind(source: bytes | Path, sheet: str | None = None) -> str | None:
    """The kind a file's header (a workbook's: that of the sheet it is read as) says it is (used
    to order several files)."""
    if isinstance(source, Path) and not source.is_file():
        raise IngestUsageError(f"{source}: no such file")
    data = next(textfile.chunks(source), b"")  # the start of the file: a text file's header is in it
    if workbook.is_workbook(data, source.name if isinstance(source, Path) else ""):
        try:
            return workbook.chosen_sheet(_read_source(source), sheet).kind
        except workbook.WorkbookProblem:
            return None
    data = data[:65536]
    try:
        text = textfile.decode(data).text
    except textfile.EncodingUnknown:
        return None
    return detect_kind(textfile.read_header(text, textfile.detect_delimiter(text)))


def load_files(
    paths: Sequence[Path],
    *,
    kind: str | None = None,
    database: Path | str | None = None,
    by: str = "unknown",
    dry_run: bool = False,
    today: date | None = None,
    progress: Callable[[str, float], None] | None = None,
    sheet: str | None = None,
) -> list[FileReport]:
    """Load several files in dependency order (partners, events, engagements), each as its
    own batch. A dry run checks them all as if loaded in turn, then stores nothing.
    `sheet` names the sheet read from each workbook (CSV files have none).
    `progress` is told '<file name>: <step>' and the fraction of all files done."""
    rank = {k: i for i, k in enumerate(contract.KINDS)}
    # each file's kind only orders several files (reading a workbook's header reads its sheet)
    ordered = (
        sorted(paths, key=lambda p: rank.get(kind or header_kind(p, sheet) or "", len(rank)))
        if len(paths) > 1
        else list(paths)
    )

    def tell(position: int, path: Path) -> Callable[[str, float], None] | None:
        if progress is None:
            return None
        return lambda step, fraction: progress(f"{path.name}: {step}", (position + fraction) / len(ordered))

    if not dry_run:
        with batches.one_change():  # several files are one change for what is built from the data
            return [
                process(
                    p, kind=kind, sheet=sheet, database=database, by=by, store=True, today=today, progress=tell(i, p)
                )
                for i, p in enumerate(ordered)
            ]
    with db.transaction(database, commit=False) as cur:
        return [
            process(
                p,
                kind=kind,
                sheet=sheet,
                database=database,
                by=by,
                store=True,
                today=today,
                cursor=cur,
                progress=tell(i, p),
            )
            for i, p in enumerate(ordered)
        ]


@dataclass(frozen=True)
class Upload:
    """One file as the upload page holds it: bytes, with the kind and column choices made (and,
    for a workbook, the sheet to read)."""

    data: bytes
    file_name: str
    kind: str | None = None
    overrides: dict[str, str | None] | None = None
    sheet: str | None = None


def load_order(uploads: Sequence[Upload]) -> list[int]:
    """Indexes of `uploads` in dependency order (partners, events, engagements)."""
    rank = {k: i for i, k in enumerate(contract.KINDS)}
    return sorted(
        range(len(uploads)),
        key=lambda i: rank.get(uploads[i].kind or header_kind(uploads[i].data, uploads[i].sheet) or "", len(rank)),
    )


def check_uploads(
    uploads: Sequence[Upload],
    *,
    database: Path | str | None = None,
    today: date | None = None,
    preview_rows: int = 0,
    progress: Callable[[str, float], None] | None = None,
) -> list[FileReport]:
    """Dry-run several uploaded files the way `load_files(dry_run=True)` does: in dependency
    order, each seeing the files before it, in one transaction that is rolled back.
    Reports come back in the order given, with no batch ids."""
    reports: dict[int, FileReport] = {}
    order = load_order(uploads)
    with db.transaction(database, commit=False) as cur:  # each file sees the ones before it, then all is undone
        for step, i in enumerate(order):
            upload = uploads[i]
            tell = None
            if progress is not None:

                def tell(what: str, fraction: float, step: int = step) -> None:
                    progress(what, (step + fraction) / len(order))

            reports[i] = process(
                upload.data,
                upload.file_name,
                kind=upload.kind,
                sheet=upload.sheet,
                overrides=upload.overrides,
                database=database,
                store=step < len(order) - 1,  # stored (then rolled back) only for the files after it
                today=today,
                preview_rows=preview_rows,
                cursor=cur,
                progress=tell,
            )
            reports[i].batch_id = None
    return [reports[i] for i in range(len(uploads))]
