"""Excel workbooks (.xlsx, .xlsm): one sheet turned into the rows of text a CSV file gives.

The engine checks a sheet exactly as it checks a CSV file, so every rule stays in one place.
This module only finds the sheet and its header row and writes the rows as CSV text, each
with its workbook row number as one more field: problems then name the row a spreadsheet
shows. Cells become the text a person sees in them: a real date is `YYYY-MM-DD`, `9000.0`
is `9000`, a formula gives its cached value.

python-calamine (Rust) reads the cells, about ten times faster than openpyxl's read-only
mode. It reads a cell holding an error (`#REF!`) as empty, so the places of error cells are
looked up in the sheet's XML, and only when the XML holds any.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import python_calamine

from impact import config, contract
from impact.i18n import Enumeration, Message
from impact.ingest.columns import detect_kind
from impact.ingest.messages import (
    FILE_EMPTY,
    NO_SHEET_RECOGNISED,
    NO_SUCH_SHEET,
    NOT_A_SPREADSHEET,
    NOT_A_WORKBOOK,
    OLD_OR_PROTECTED_WORKBOOK,
    OTHER_SPREADSHEET,
    WORKBOOK_TOO_LARGE,
)

SUFFIXES = (".xlsx", ".xlsm")
_OTHER_SUFFIXES = (".xls", ".xlsb", ".ods", ".numbers")
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any password-protected Office file
HEADER_SEARCH_ROWS = 30  # non-empty rows (titles, notes) looked at for the header row
UNPACKED_LIMIT_FACTOR = 10  # a workbook may unpack to ten times the upload limit (XML packs about 10:1)


class WorkbookProblem(Exception):
    """The workbook cannot be read, or no sheet can be chosen; `message` says why (a msgid)."""

    def __init__(self, message: Message):
        super().__init__(message.english())
        self.message = message


def is_workbook(data: bytes, file_name: str = "") -> bool:
    """Whether the bytes are (or are named as) a spreadsheet rather than a text file."""
    return data.startswith((*_ZIP_MAGIC, _OLE_MAGIC)) or file_name.lower().endswith(SUFFIXES + _OTHER_SUFFIXES)


@dataclass(frozen=True)
class SheetInfo:
    """A sheet as the sheet choice shows it: its header row and the kind that header names."""

    name: str
    header_line: int | None  # the workbook row of the header; None when the sheet is empty
    header: tuple[str, ...]
    kind: str | None

    @property
    def has_data(self) -> bool:
        return self.header_line is not None


@dataclass(frozen=True)
class SheetTable:
    """One sheet as the engine reads it."""

    sheet: str
    header_line: int
    header: list[str]
    # CSV (comma, "\n"): the header row, then every row after it with its workbook row
    # number as one more field. Empty rows between data rows are kept (the engine skips
    # and counts them, as in a CSV file); empty rows after the last data row are dropped.
    text: str
    blank_columns: frozenset[int]  # positions with no name and no value in any row
    errors: tuple[tuple[int, int, str], ...]  # (row, position, '#REF!') at or below the header


def cell_text(value: object) -> str:
    """A cell's value as the text a person sees in it (calamine gives str, float, int, bool, dates).

    Line breaks inside a value are left as they are: the engine makes every line break one kind."""
    kind = type(value)  # exact types first: this runs for every cell that is not text
    if kind is float:
        # Excel keeps every number as a float: 9000 typed into an id column is 9000.0
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    if kind is date:
        return value.isoformat()
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return cell_text(float(value))
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        # a time of day is kept, so a date column says what is wrong with it (as in a CSV file)
        return value.isoformat(sep=" ", timespec="seconds" if value.second or value.microsecond else "minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="seconds" if value.second or value.microsecond else "minutes")
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


# ------------------------------------------------------------------------ opening


@contextlib.contextmanager
def _reading() -> Iterator[None]:
    """Whatever a damaged file makes the readers raise becomes one sentence, never a traceback."""
    try:
        yield
    except WorkbookProblem:
        raise
    except (python_calamine.CalamineError, zipfile.BadZipFile, zlib.error, ET.ParseError, EOFError) as exc:
        raise WorkbookProblem(Message(NOT_A_WORKBOOK)) from exc
    except (OSError, ValueError, KeyError, IndexError, UnicodeDecodeError) as exc:
        raise WorkbookProblem(Message(NOT_A_WORKBOOK)) from exc
    except BaseException as exc:
        # the Rust reader turns a crash on malformed XML into pyo3's PanicException (a BaseException)
        if type(exc).__name__ == "PanicException":
            raise WorkbookProblem(Message(NOT_A_WORKBOOK)) from None
        raise


class _Book:
    """An open workbook: the zip (for error cells) and calamine's reader (for values)."""

    def __init__(self, data: bytes):
        if data.startswith(_OLE_MAGIC):
            raise WorkbookProblem(Message(OLD_OR_PROTECTED_WORKBOOK))
        if not data.startswith(_ZIP_MAGIC):
            raise WorkbookProblem(Message(NOT_A_WORKBOOK))
        with _reading():
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            names = set(self.zip.namelist())
            if "xl/workbook.xml" not in names:
                spreadsheet = "xl/workbook.bin" in names or "content.xml" in names
                raise WorkbookProblem(Message(OTHER_SPREADSHEET if spreadsheet else NOT_A_SPREADSHEET))
            # declared sizes: a small file that unpacks to gigabytes is refused before it is read
            unpacked = sum(info.file_size for info in self.zip.infolist())
            limit = UNPACKED_LIMIT_FACTOR * config.max_upload_bytes()
            if unpacked > limit:
                sizes = {"size": f"{unpacked / 2**20:,.0f}", "limit": f"{limit / 2**20:,.0f}"}
                raise WorkbookProblem(Message(WORKBOOK_TOO_LARGE, sizes))
            self.reader = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
            metadata = self.reader.sheets_metadata
        worksheets = [m for m in metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
        self.names = [m.name for m in worksheets]
        self.visible = [m.name for m in worksheets if m.visible == python_calamine.SheetVisibleEnum.Visible]

    def rows(self, name: str) -> tuple[python_calamine.CalamineSheet, Iterator[tuple[int, list[str]]]]:
        with _reading():
            sheet = self.reader.get_sheet_by_name(name)
        return sheet, _rows(sheet)

    def info(self, name: str) -> SheetInfo:
        sheet, rows = self.rows(name)
        with _reading():
            header_line, header, _after = _find_header(rows)
            if header_line is None:
                return SheetInfo(name, None, (), None)
            header = header[: _used_width(header, header_line, sheet)]  # as `read` reads it
        return SheetInfo(name, header_line, tuple(header), detect_kind(_named(header)))


def _rows(sheet: python_calamine.CalamineSheet) -> Iterator[tuple[int, list[str]]]:
    """(workbook row, cells as text) from row 1; cells are padded on the left to column A."""
    start = sheet.start
    if start is None:
        return
    pad = [""] * start[1]
    # python-calamine's iter_rows starts at row 1 (empty rows before the data are given as
    # empty rows) and at the first column that holds data (tests/test_workbook.py checks both)
    for index, cells in enumerate(sheet.iter_rows()):
        yield index + 1, pad + [c if type(c) is str else cell_text(c) for c in cells]


def _blank(cells: list[str]) -> bool:
    return not any(cells) or not any(c.strip() for c in cells)


def _find_header(
    rows: Iterator[tuple[int, list[str]]],
) -> tuple[int | None, list[str], list[tuple[int, list[str]]]]:
    """The header row: the first row whose cells name a kind's columns, among the first non-empty
    rows, so that title and note rows above it are skipped; when no row does, the first non-empty
    row. Returns (its row, its cells, the rows read after it)."""
    buffered: list[tuple[int, list[str]]] = []
    seen = 0
    for line, cells in rows:
        buffered.append((line, cells))
        if _blank(cells):
            continue
        header = [c.strip() for c in cells]
        if detect_kind(_named(header)) is not None:
            return line, header, []
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            break
    for index, (line, cells) in enumerate(buffered):
        if not _blank(cells):
            return line, [c.strip() for c in cells], buffered[index + 1 :]
    return None, [], []


def _named(header: list[str]) -> list[str]:
    """The header up to its last named cell (a row of 16,384 cells is matched as the cells it names)."""
    end = len(header)
    while end and not header[end - 1]:
        end -= 1
    return header[:end]


def _used_width(header: list[str], header_line: int, sheet: python_calamine.CalamineSheet) -> int:
    """The columns the table spans: to the last named header cell, or further to the last column
    holding a value below it. A sheet's range may reach further, to cells holding only spaces or
    an empty text (a formula giving ""); those columns are no columns. One more pass over the
    rows, made only when the range reaches beyond the last named header cell."""
    used = len(_named(header))
    if used == len(header):
        return used
    for line, cells in _rows(sheet):
        if line <= header_line:
            continue
        for position in range(len(cells) - 1, used - 1, -1):
            if cells[position].strip():
                used = position + 1
                break
        if used == len(header):
            break
    return used


def _listing(names: list[str]) -> Enumeration:
    return Enumeration(tuple(f"'{name}'" for name in names))


# ------------------------------------------------------------------------- public


def sheets(data: bytes) -> list[SheetInfo]:
    """The visible worksheets, in workbook order, each with its header row and recognised kind."""
    book = _Book(data)
    return [book.info(name) for name in book.visible]


def offered(infos: list[SheetInfo]) -> list[SheetInfo]:
    """The sheets offered for loading: the only sheet with data, else each sheet whose header row
    is a known kind (the upload page offers a choice of these, the command line takes the first)."""
    with_data = [info for info in infos if info.has_data]
    return with_data if len(with_data) == 1 else [info for info in with_data if info.kind is not None]


def _choose(book: _Book, sheet: str | None, kind: str | None) -> str:
    """The sheet to read: the one named; else the only sheet with data; else the first whose header
    row is a known kind (the given kind, if any)."""
    if sheet is not None:
        if sheet not in book.names:
            raise WorkbookProblem(Message(NO_SUCH_SHEET, {"sheet": sheet, "sheets": _listing(book.names)}))
        return sheet
    if len(book.visible) == 1:
        return book.visible[0]
    infos = [book.info(name) for name in book.visible]
    with_data = [info.name for info in infos if info.has_data]
    if not with_data:
        raise WorkbookProblem(Message(FILE_EMPTY))
    choices = offered(infos)
    if len(with_data) == 1:
        return choices[0].name
    for info in choices:
        if kind in (None, info.kind):
            return info.name
    raise WorkbookProblem(
        Message(NO_SHEET_RECOGNISED, {"sheets": _listing(with_data), "kinds": ", ".join(contract.KINDS)})
    )


def chosen_sheet(data: bytes, sheet: str | None = None, kind: str | None = None) -> SheetInfo:
    """The sheet `read` would read, with its header and kind."""
    book = _Book(data)
    return book.info(_choose(book, sheet, kind))


def read(data: bytes, sheet: str | None = None, kind: str | None = None) -> SheetTable:
    """One sheet as CSV text with each row's workbook row number (see SheetTable).

    Raises WorkbookProblem when the file is not a readable workbook, the named sheet does not
    exist, or several sheets hold data and none has a recognised header row.
    """
    book = _Book(data)
    name = _choose(book, sheet, kind)
    calamine_sheet, rows = book.rows(name)
    with _reading():
        header_line, header, after = _find_header(rows)
        if header_line is None:
            raise WorkbookProblem(Message(FILE_EMPTY))
        width = _used_width(header, header_line, calamine_sheet)
        if width < len(header):
            header = header[:width]
            after = [(line, cells[:width]) for line, cells in after]
            rows = ((line, cells[:width]) for line, cells in rows)
        merged = calamine_sheet.merged_cell_ranges or []
        text, blank_columns = _write_rows(header, header_line, after, rows, merged)
        errors = tuple(e for e in _error_cells(book.zip, _sheet_parts(book.zip).get(name)) if e[0] >= header_line)
    return SheetTable(name, header_line, header, text, blank_columns, errors)


def _write_rows(
    header: list[str],
    header_line: int,
    after: list[tuple[int, list[str]]],
    rows: Iterator[tuple[int, list[str]]],
    merged: list[tuple[tuple[int, int], tuple[int, int]]],
) -> tuple[str, frozenset[int]]:
    width = len(header)
    # A cell merged down over several data rows holds its value in the top row only; each row
    # it covers gets that value in the range's first column (a value merged across columns
    # stays in its first column: it is one value, not one per column).
    merged_down: dict[int, list[tuple[int, int]]] = {}
    for (top, left), (bottom, _right) in merged:
        if bottom > top and top + 1 > header_line and left < width:
            merged_down.setdefault(top + 1, []).append((left, bottom + 1))
    filling: dict[int, tuple[str, int]] = {}  # position -> (value, last row)
    nameless = {position for position, name in enumerate(header) if not name}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    pending: list[int] = []  # empty rows, written only if a data row follows them

    for line, cells in itertools.chain(after, rows):
        if filling:
            for position, (value, last) in list(filling.items()):
                if line > last:
                    del filling[position]
                elif not cells[position]:
                    cells[position] = value
        for position, last in merged_down.get(line, ()):
            filling[position] = (cells[position], last)
        if _blank(cells):
            pending.append(line)
            continue
        for empty_line in pending:
            writer.writerow([""] * width + [empty_line])
        pending.clear()
        if nameless:
            nameless -= {position for position in nameless if cells[position].strip()}
        cells.append(str(line))
        writer.writerow(cells)
    return out.getvalue(), frozenset(nameless)


# ------------------------------------------------------------------- error cells


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the zip member holding its XML (from workbook.xml and its relationships)."""
    book = ET.fromstring(archive.read("xl/workbook.xml"))
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    parts = {}
    for element in book.iter():
        if element.tag.rpartition("}")[2] != "sheet":
            continue
        relation = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
        target = targets.get(relation)
        if target:
            parts[element.get("name", "")] = (
                target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            )
    return parts


_ERROR_MARKS = (b't="e"', b"t='e'")
_CELL_REF = re.compile(r"([A-Za-z]{1,3})(\d+)")


def _error_cells(archive: zipfile.ZipFile, part: str | None) -> list[tuple[int, int, str]]:
    """(row, position, error) of every cell holding an error value (XML `t="e"`)."""
    if part is None or part not in archive.NameToInfo:
        return []
    with archive.open(part) as stream:
        tail = b""
        while chunk := stream.read(1 << 20):
            if any(mark in tail + chunk[:16] or mark in chunk for mark in _ERROR_MARKS):
                break
            tail = chunk[-16:]
        else:
            return []  # the usual case: one fast pass over the bytes, no XML parsing
    with archive.open(part) as stream:
        return _locate_errors(stream)


def _locate_errors(stream: io.BufferedIOBase) -> list[tuple[int, int, str]]:
    found = []
    row = position = next_position = 0
    for event, element in ET.iterparse(stream, events=("start", "end")):
        tag = element.tag.rpartition("}")[2]
        if tag == "row":
            if event == "start":
                number = element.get("r", "")
                row, next_position = (int(number) if number.isdigit() else row + 1), 0
            else:
                element.clear()
        elif tag == "c":
            if event == "start":
                # the reference (E4) is optional: cells without one follow each other
                reference = _CELL_REF.fullmatch(element.get("r", ""))
                if reference:
                    row, position = int(reference[2]), _column_number(reference[1]) - 1
                else:
                    position = next_position
                next_position = position + 1
            elif element.get("t") == "e":
                value = next((child.text or "" for child in element if child.tag.rpartition("}")[2] == "v"), "")
                found.append((row, position, value.strip() or "#VALUE!"))
    return found


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number
