"""Value rules: each distinct value of a column normalised once (dates, counts, categories, lists, ids)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

import pandas as pd

from impact import contract, vocab
from impact.i18n import N_, Message

_SEP = "\x1f"  # joins list items inside the mapping tables

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_YMD_SLASH = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
_US = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+")
# A normaliser takes one distinct raw value and returns (stored value, error, warning);
# a list's warning names each item it is about.
Normalised = tuple[Any, Message | None, Message | list[Message] | None]


def parse_date(text: str) -> Normalised:
    for pattern, order in ((_ISO, "ymd"), (_YMD_SLASH, "ymd"), (_US, "mdy")):
        found = pattern.fullmatch(text)
        if not found:
            continue
        a, b, c = (int(g) for g in found.groups())
        year, month, day = (a, b, c) if order == "ymd" else (c, a, b)
        if not 1 <= month <= 12:
            return None, Message(N_("is not a real date: there is no month {month}"), {"month": str(month)}), None
        try:
            return date(year, month, day), None, None
        except ValueError:
            no_day = N_("is not a real date: {month} has no day {day}")
            return None, Message(no_day, {"month": f"{year}-{month:02d}", "day": str(day)}), None
    return None, Message(N_("is not a date; write dates as YYYY-MM-DD (2024-03-15), YYYY/M/D or M/D/YYYY")), None


def parse_count(text: str) -> Normalised:
    cleaned = text.replace(" ", "")
    if _THOUSANDS.fullmatch(cleaned):
        cleaned = cleaned.replace(",", "")
    if re.fullmatch(r"-\d+(\.0+)?", cleaned):
        return None, Message(N_("must be 0 or more")), None
    if re.fullmatch(r"\d+(\.0+)?", cleaned):
        number = int(cleaned.split(".")[0])
        if number > 2_000_000_000:
            return None, Message(N_("is too large for a headcount")), None
        return number, None, None
    return None, Message(N_("is not a whole number")), None


_DECIMAL = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(%?)")


def parse_fte(text: str) -> Normalised:
    """A staff member's full-time equivalent: more than 0, at most 1 (0.5, .5, 1.0; 50% is 0.5)."""
    found = _DECIMAL.fullmatch(text.replace(" ", ""))
    if found is None:
        return None, Message(N_("is not a number; write the share of full time, such as 1, 0.5 or 50%")), None
    number = float(found.group(1)) / (100 if found.group(2) else 1)
    if not 0 < number <= 1:
        return None, Message(N_("must be more than 0 and at most 1 (full time is 1, half time 0.5)")), None
    return number, None, None


def parse_yes_no(text: str) -> Normalised:
    """yes/no, y/n, true/false, 1/0, 是/否, sí, read spelling-blind (a BOOLEAN when stored)."""
    value = vocab.YES_NO_LOOKUP.get(vocab.norm_key(text))
    if value is None:
        return None, Message(N_("is not yes or no (write yes, no, y, n, true, false, 1, 0, 是 or 否)")), None
    return value, None, None


def parse_scale(text: str) -> Normalised:
    """A survey answer on the scale 1 to 5: a whole number (5 and 5.0 alike)."""
    cleaned = text.replace(" ", "")
    if re.fullmatch(r"[+-]?\d+(\.0+)?", cleaned) and vocab.SCALE_MIN <= int(cleaned.split(".")[0]) <= vocab.SCALE_MAX:
        return int(cleaned.split(".")[0]), None, None
    scale = {"low": str(vocab.SCALE_MIN), "high": str(vocab.SCALE_MAX)}
    return None, Message(N_("is not a whole number from {low} to {high}"), scale), None


def _category(lookup: dict[str, str], choices: Sequence[str]) -> Callable[[str], Normalised]:
    def normalise(text: str) -> Normalised:
        value = lookup.get(vocab.norm_key(text))
        if value is None:
            return None, Message(N_("is not one of: {choices}"), {"choices": ", ".join(choices)}), None
        return value, None, None

    return normalise


_UNKNOWN_OPEN_VALUE = {
    "language": N_("is not a known language; kept as written"),
    "neighborhood": N_("is not a known neighborhood; kept as written"),
    "focus_area": N_("is not one of the contract's focus areas; kept as written"),
}
_ITEM = N_("'{item}' {note}")  # one item of a list, and what is wrong with it


def _open(lookup: dict[str, str], noun: str) -> Callable[[str], Normalised]:
    def normalise(text: str) -> Normalised:
        value = lookup.get(vocab.norm_key(text))
        if value is None:
            return " ".join(text.split()), None, Message(_UNKNOWN_OPEN_VALUE[noun])
        return value, None, None

    return normalise


def _split_list(text: str) -> list[str]:
    items = [item.strip() for item in re.split(r"[;；]", text)]
    return list(dict.fromkeys(item for item in items if item))


_NO_ITEM = N_("lists no value (only separators); write at least one, separated by ';'")


def _list_of(item_normaliser: Callable[[str], Normalised] | None, required: bool) -> Callable[[str], Normalised]:
    """A list cell: each item read by `item_normaliser`. A cell of separators only (`;`, `; ;`) holds
    no item: an error in a required column, no value (empty) in an optional one."""

    def normalise(text: str) -> Normalised:
        items = _split_list(text)
        if not items:
            return (None, Message(_NO_ITEM), None) if required else (None, None, None)
        values, warnings = [], []
        for item in items:
            if item_normaliser is None:
                values.append(item)
                continue
            value, error, warning = item_normaliser(item)
            if error:
                return None, Message(_ITEM, {"item": item, "note": error}), None
            if warning:
                warnings.append(Message(_ITEM, {"item": item, "note": warning}))
            values.append(value)
        return _SEP.join(dict.fromkeys(values)), None, warnings or None

    return normalise


def _partner_id(text: str) -> Normalised:
    if not re.fullmatch(contract.PARTNER_ID_PATTERN, text):
        return None, Message(N_("must be 1 to 32 letters, digits, '_' or '-'")), None
    return text, None, None


def _normaliser(kind: str, col: contract.Column) -> Callable[[str], Normalised] | None:
    """How the distinct values of one column are checked, or None for plain text."""
    if col.type == "date":
        return parse_date
    if col.type == "integer":
        return parse_count
    if col.type == "yes_no":
        return parse_yes_no
    if col.type == "scale":
        return parse_scale
    if col.type == "number":
        return parse_fte
    if col.type == "category":
        return _category(contract.LOOKUPS[col.name], col.choices)
    if col.type == "open":
        noun = "language" if col.name == "language" else "neighborhood"
        return _open(contract.LOOKUPS[col.name], noun)
    if col.type == "open_list":
        noun = "focus_area" if col.name == "focus_areas" else "language"
        return _list_of(_open(contract.LOOKUPS[col.name], noun), col.required)
    if col.type in ("list", "ref_list"):
        return _list_of(None, col.required)
    if kind == "partners" and col.name == "partner_id":
        return _partner_id
    return None


_SQL_TYPES = {
    "date": "date",
    "integer": "integer",
    "person": "ubigint",
    "list": "varchar[]",
    "ref_list": "varchar[]",
    "open_list": "varchar[]",
    "yes_no": "boolean",
    "scale": "tinyint",
    "number": "double",
}


def _mapping_frame(col: contract.Column, rows: Iterable[tuple[str, Normalised]]) -> pd.DataFrame:
    """raw -> value, with whether it failed or has a warning (the messages stay in Python)."""
    raw, values, errors, warnings = [], [], [], []
    for text, (value, error, warning) in rows:
        raw.append(text)
        values.append(value)
        errors.append(error is not None)
        warnings.append(warning is not None)
    if col.type in ("integer", "scale"):
        value_series = pd.Series(values, dtype="Int64")
    elif col.type == "yes_no":
        value_series = pd.Series(values, dtype="boolean")
    elif col.type == "number":
        value_series = pd.Series(values, dtype="Float64")
    elif col.type == "date":
        value_series = pd.Series(values, dtype="object").astype("string")
    else:
        value_series = pd.Series(values, dtype="string")
    return pd.DataFrame(
        {
            "raw": pd.Series(raw, dtype="string"),
            "value": value_series,
            "failed": pd.Series(errors, dtype="boolean"),
            "warned": pd.Series(warnings, dtype="boolean"),
        }
    )
