"""Excel workbooks written by the tests (openpyxl), from Python values or from the CSV fixtures.

No workbook is committed: each is built from text, like the fixture databases. openpyxl does
not compute formulas, so a formula's cached value (what Excel saves beside it) is written into
the sheet's XML afterwards, as Excel would have.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date
from xml.sax.saxutils import escape

import openpyxl

from impact import textfile
from tests.conftest import FIXTURES

Rows = Sequence[Sequence[object]]


def workbook_bytes(
    sheets: Mapping[str, Rows],
    *,
    merged: Mapping[str, Sequence[str]] | None = None,
    hidden: Sequence[str] = (),
    formulas: Mapping[str, Mapping[str, tuple[str, object]]] | None = None,
    cells: Mapping[str, Mapping[str, object]] | None = None,
) -> bytes:
    """An .xlsx with one sheet per entry (rows appended from row 1; "" and None are empty cells).

    merged: cell ranges to merge per sheet ("A1:C1"); hidden: sheets to hide; formulas:
    per sheet, cell -> (formula without '=', cached value); cells: per sheet, cell -> value
    written after the rows (an error such as "#REF!" is written as an error cell).
    """
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append([None if value == "" else value for value in row])
        for reference, value in (cells or {}).get(name, {}).items():
            sheet[reference] = value
        for reference in (merged or {}).get(name, ()):
            sheet.merge_cells(reference)
        for reference, (formula, _cached) in (formulas or {}).get(name, {}).items():
            sheet[reference] = f"={formula}"
        if name in hidden:
            sheet.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    for index, name in enumerate(sheets, start=1):
        cached = (formulas or {}).get(name)
        if cached:
            data = _with_cached_values(data, f"xl/worksheets/sheet{index}.xml", cached)
    return data


def _with_cached_values(data: bytes, part: str, formulas: Mapping[str, tuple[str, object]]) -> bytes:
    """Write each formula's cached value into the sheet XML (openpyxl leaves it empty)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    xml = source.read(part).decode("utf-8")
    for reference, (_formula, value) in formulas.items():
        cell = re.compile(rf'<c r="{reference}"([^>]*)><f>(.*?)</f><v(?:\s*/>|></v>)</c>')
        found = cell.search(xml)
        assert found, f"no formula cell {reference} in {part}"
        kind = ' t="str"' if isinstance(value, str) else ""
        text = escape(value) if isinstance(value, str) else repr(value)
        cached = f'<c r="{reference}"{found[1]}{kind}><f>{found[2]}</f><v>{text}</v></c>'
        xml = xml[: found.start()] + cached + xml[found.end() :]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, xml.encode("utf-8") if item.filename == part else source.read(item.filename))
    return out.getvalue()


def fixture_rows(name: str) -> list[list[str]]:
    """A CSV fixture's rows as the engine reads them (its encoding and delimiter detected)."""
    data = (FIXTURES / name).read_bytes()
    if not data.strip():
        return []
    text = textfile.decode(data).text
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=textfile.detect_delimiter(text)) if row]


def typed(text: str) -> object:
    """A value as Excel holds what a person typed: an ISO date as a date, a whole number as a
    number (Excel keeps both as numbers); anything else, an impossible date included, as text."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return text
    if re.fullmatch(r"[1-9]\d{0,14}", text):
        return int(text)
    return text


def fixture_workbook(name: str, *, as_typed: bool = False, sheet: str = "Sheet1", above: Rows = ()) -> bytes:
    """A CSV fixture written as a workbook: its rows on one sheet, under the rows `above` (titles,
    notes). With `as_typed`, dates and whole numbers are Excel dates and numbers, not text."""
    rows = fixture_rows(name)
    if as_typed and rows:
        rows = [rows[0], *([typed(value) for value in row] for row in rows[1:])]
    return workbook_bytes({sheet: [*above, *rows]} if rows else {sheet: []})
