"""The ingest engine: the only code that writes coalition data.

The command line and the upload page both call it. A file is decoded and its columns
matched in Python, read by DuckDB into a temporary table, and checked as a whole:
per-value rules run once per *distinct* value (so a million rows cost a few thousand
Python calls), per-row rules run as SQL. Nothing is stored unless every check passes,
and then the whole file is stored in one transaction as one batch.

    messages   what the engine says (msgids) and the report of a check
    values     value rules, each distinct value normalised once
    columns    which contract column each header names; which kind a header row is
    engine     the run: one file, or several checked together in load order
    workbook   an Excel workbook's sheet read as the rows of text a CSV file gives
    batches    batches and undo
    first_contacts  each person's first contact, kept with the contacts by every load and undo
    targets    a save of the Goals page's targets: the whole set, replacing the current one

`from impact import ingest` gives the whole API below.
"""

from impact.ingest.batches import UndoRefused, UndoResult, list_batches, undo_batch
from impact.ingest.columns import detect_kind, match_columns
from impact.ingest.engine import (
    MAX_LISTED_PROBLEMS,
    Upload,
    check_uploads,
    header_kind,
    load_files,
    load_order,
    process,
    sha256_of,
)
from impact.ingest.messages import (
    AFTER_TODAY,
    ALREADY_LOADED,
    ALREADY_STORED,
    ALREADY_STORED_FOR_PARTNER,
    ALSO_MEANS,
    CELL_ERROR,
    COLUMN_MISSING,
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
    NO_SHEET_RECOGNISED,
    NO_SUCH_SHEET,
    NOT_A_COLUMN,
    NOT_A_SPREADSHEET,
    NOT_A_WORKBOOK,
    NOT_CHECKED,
    OLD_OR_PROTECTED_WORKBOOK,
    ON_ROWS,
    OTHER_SPREADSHEET,
    REFERRED_BY_OWN_PARTNER,
    RESPONSE_AFTER_TODAY,
    ROW_UNREADABLE,
    STAFF_END_BEFORE_START,
    STRAY_QUOTE,
    TABLE_UNREADABLE,
    TARGET_STORED,
    TOO_FEW_FIELDS,
    TOO_MANY_FIELDS,
    UNKNOWN_EVENT,
    UNKNOWN_PARTNER,
    VALUE_REQUIRED,
    WORKBOOK_TOO_LARGE,
    ColumnMatch,
    FileReport,
    IngestUsageError,
    Problem,
)
from impact.ingest.values import parse_count, parse_date
from impact.ingest.workbook import SheetInfo, WorkbookProblem, is_workbook

__all__ = [
    "AFTER_TODAY",
    "ALREADY_LOADED",
    "ALREADY_STORED",
    "ALREADY_STORED_FOR_PARTNER",
    "ALSO_MEANS",
    "CELL_ERROR",
    "COLUMN_MISSING",
    "DUPLICATE",
    "DUPLICATE_FOR_PARTNER",
    "DUPLICATE_TARGET",
    "EMPTY_ROWS_SKIPPED",
    "END_BEFORE_START",
    "FILE_EMPTY",
    "FILE_TOO_LARGE",
    "IS_HOST",
    "KIND_UNCLEAR",
    "LINE_TOO_LONG",
    "MAX_LISTED_PROBLEMS",
    "NOT_A_COLUMN",
    "NOT_A_SPREADSHEET",
    "NOT_A_WORKBOOK",
    "NOT_CHECKED",
    "NO_ANSWER",
    "NO_ANSWER_COLUMNS",
    "NO_DATA_ROWS",
    "NO_HEADER",
    "NO_SHEET_RECOGNISED",
    "NO_SUCH_SHEET",
    "OLD_OR_PROTECTED_WORKBOOK",
    "ON_ROWS",
    "OTHER_SPREADSHEET",
    "REFERRED_BY_OWN_PARTNER",
    "RESPONSE_AFTER_TODAY",
    "ROW_UNREADABLE",
    "STAFF_END_BEFORE_START",
    "STRAY_QUOTE",
    "TABLE_UNREADABLE",
    "TARGET_STORED",
    "TOO_FEW_FIELDS",
    "TOO_MANY_FIELDS",
    "UNKNOWN_EVENT",
    "UNKNOWN_PARTNER",
    "VALUE_REQUIRED",
    "WORKBOOK_TOO_LARGE",
    "ColumnMatch",
    "FileReport",
    "IngestUsageError",
    "Problem",
    "SheetInfo",
    "UndoRefused",
    "UndoResult",
    "Upload",
    "WorkbookProblem",
    "check_uploads",
    "detect_kind",
    "header_kind",
    "is_workbook",
    "list_batches",
    "load_files",
    "load_order",
    "match_columns",
    "parse_count",
    "parse_date",
    "process",
    "sha256_of",
    "undo_batch",
]
