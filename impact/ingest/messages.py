"""What the engine says about a file: message templates (msgids) and the report of a check."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from impact.i18n import N_, NN_, Message

# What the engine says about a file, as msgids (English with {placeholders}). A Problem's
# `reason` is the English sentence; its `message` keeps template and values, so the upload
# page shows it in the reader's language (and knows which problem it is without parsing
# English). Named here when other code tells them apart; the rest are marked where used.
FILE_TOO_LARGE = N_(
    "the file is {size} MB; the limit is {limit} MB. Split it (by year or by partner) and load the parts."
)
FILE_EMPTY = N_("the file is empty: it needs a header row and at least one data row")
NO_HEADER = N_("the first line should be a header row naming the columns")
TOO_MANY_COLUMNS = N_(
    "the header row has {columns} columns; a file may have at most {limit}. Keep the contract's columns "
    "(delete the others, or save only them) and try again"
)
KIND_UNCLEAR = N_(
    "cannot tell which kind of file this is from its header (the kinds are: {kinds}); "
    "check the column names or choose the kind"
)
NOT_A_COLUMN = N_("is not a column of the contract; it is ignored")
ALSO_MEANS = N_("also means '{column}', like column '{other}'; keep one of them")
COLUMN_MISSING = N_("the required column is missing (accepted headers: {headers})")
ALREADY_LOADED = N_("this exact file was already loaded as batch {batch} on {day} by {by}; it was not loaded again")
TABLE_UNREADABLE = N_("the rows cannot be read as a table ({detail}); save the file again as CSV")
TOO_MANY_FIELDS = N_(
    "the row has more than the header's {width} fields (a value with the delimiter in it must be wrapped in double quotes)"
)
TOO_FEW_FIELDS = N_("the row has fewer than the header's {width} fields")
STRAY_QUOTE = N_("a value has a stray double quote (wrap the value in double quotes and double any quote inside it)")
LINE_TOO_LONG = N_("the line is far too long (is a quote left open?)")
ROW_UNREADABLE = N_("the row cannot be read ({error})")
NOT_CHECKED = N_("the rows above could not be read, so the values were not checked yet; fix them and try again")
EMPTY_ROWS_SKIPPED = NN_("skipped {n} row with every cell empty", "skipped {n} rows with every cell empty")
NO_DATA_ROWS = N_("the file has a header but no data rows")
VALUE_REQUIRED = N_("a value is required")
CONTROL_CHARACTER = N_(
    "contains a control character (shown as \ufffd), such as a NUL, a tab or a line break; delete it and "
    "type the value again"
)
DUPLICATE = N_("appears more than once in the file (first on line {first_line})")
DUPLICATE_FOR_PARTNER = N_("appears more than once for this partner in the file (first on line {first_line})")
ALREADY_STORED = N_("is already stored (batch {batch}); to correct it, undo that batch and load the corrected file")
ALREADY_STORED_FOR_PARTNER = N_(
    "is already stored for partner {partner} (batch {batch}); to correct it, undo that batch and load the corrected file"
)
UNKNOWN_PARTNER = N_("is not a known partner (load the partners file first, or check the spelling)")
UNKNOWN_EVENT = N_("is not a known event (load the events file first, or check the id)")
IS_HOST = N_("is the host; list only the other partners")
AFTER_TODAY = N_("is after today ({today}); a contact cannot be in the future")
# targets, milestones and surveys
DUPLICATE_TARGET = N_("this metric, partner and period appear more than once in the file (first on line {first_line})")
TARGET_STORED = N_(
    "a target for this metric, partner and period is already stored (batch {batch}); change it on the Goals page, "
    "or undo that batch and load the corrected file"
)
END_BEFORE_START = N_("is before period_start ({start}); a period ends on or after the day it starts")
RESPONSE_AFTER_TODAY = N_("is after today ({today}); a response cannot be in the future")
NO_ANSWER_COLUMNS = N_("the file has none of the answer columns; it needs at least one of: {columns}")
NO_ANSWER = N_("the row has no answer; fill in at least one of: {columns}")
# staff and referrals
STAFF_END_BEFORE_START = N_("is before started_on ({start}); a staff member leaves on or after the day they started")
REFERRED_BY_OWN_PARTNER = N_("is the contact's own partner; a referral comes from another partner")
# a warning about one distinct value: what is wrong with it, and on how many rows
ON_ROWS = NN_("{note} ({n} row)", "{note} ({n} rows)")

# Workbooks (.xlsx, .xlsm): what cannot be read, which sheet, and cells holding an error.
NOT_A_WORKBOOK = N_(
    "the file cannot be read as an Excel workbook: it is damaged or not really an .xlsx file. "
    "Open it in Excel and save it again as Excel Workbook (.xlsx), or as CSV UTF-8."
)
NOT_A_SPREADSHEET = N_("the file is a zip archive, not an Excel workbook; load the workbook or the CSV file itself")
OLD_OR_PROTECTED_WORKBOOK = N_(
    "the file is an Excel 97-2003 workbook (.xls) or is protected by a password; open it in Excel and save it "
    "as Excel Workbook (.xlsx) without a password, or as CSV UTF-8"
)
OTHER_SPREADSHEET = N_(
    "only workbooks saved as .xlsx or .xlsm are read; save this spreadsheet as Excel Workbook (.xlsx) or as CSV UTF-8"
)
WORKBOOK_TOO_LARGE = N_(
    "the workbook unpacks to {size} MB, more than {limit} MB; split it (by year or by partner) and load the parts"
)
NO_SUCH_SHEET = N_("the workbook has no sheet named '{sheet}'; its sheets are: {sheets}")
NO_SHEET_RECOGNISED = N_(
    "none of the workbook's sheets has the header row of a file of the contract ({sheets}; the kinds are: "
    "{kinds}); check the column names, or name the sheet to read"
)
CELL_ERROR = N_("is an error value, not data (a formula that failed); correct the cell in the workbook")


# ---------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file (or, as a warning, worth knowing).

    `reason` is English (the command line prints it); `message` is the same sentence as
    template and values, for showing it translated (`message.translated()`).
    """

    line: int | None
    column: str | None
    value: str | None
    reason: str
    hint: str = ""
    message: Message | None = field(default=None, compare=False, repr=False)
    sheet: str | None = None  # the workbook's sheet the line is on (None for a CSV file)

    @classmethod
    def of(cls, line: int | None, column: str | None, value: str | None, message: Message) -> Problem:
        return cls(line, column, value, message.english(), message=message)

    @property
    def template(self) -> str:
        """The msgid this problem was written from (the reason itself for a plain-text problem)."""
        return self.message.template if self.message is not None else self.reason

    def __str__(self) -> str:
        where = ", ".join(
            part
            for part in (
                f"sheet '{self.sheet}'" if self.sheet is not None else "",
                f"line {self.line}" if self.line is not None else "",
                f"column {self.column}" if self.column else "",
            )
            if part
        )
        what = f"value '{self.value}' - {self.reason}" if self.value is not None else self.reason
        return f"{where}: {what}" if where else what


@dataclass(frozen=True)
class ColumnMatch:
    position: int
    header: str
    column: str | None  # the contract column, or None when the column is ignored


@dataclass
class FileReport:
    file_name: str
    sha256: str
    kind: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None  # the sheet read, for a workbook
    row_count: int = 0
    columns: list[ColumnMatch] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    warnings: list[Problem] = field(default_factory=list)
    preview: pd.DataFrame | None = None
    batch_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)
        self.problem_count += 1


class IngestUsageError(ValueError):
    """The request itself is wrong (unknown kind, missing file): exit code 2."""
