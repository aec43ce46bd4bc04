"""Reading the bytes of a spreadsheet export: which encoding, which delimiter.

Partners export from Excel and case-management tools in UTF-8, UTF-16, GB18030/GBK, Big5
or Windows-1252. Several of those decode each other's bytes without error, so the
encoding is chosen by how plausible the decoded text is, never assumed.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from impact import contract, vocab
from impact.i18n import N_

# (python codec, label shown to people), in the order tried after the BOM checks.
_CANDIDATES = (
    ("gb18030", "GB18030/GBK"),
    ("cp950", "Big5"),
    ("cp1252", "Windows-1252"),
)
_SAMPLE = 256 * 1024


UNKNOWN_ENCODING = N_(
    "The file's text encoding could not be recognised (it is not UTF-8, UTF-16, "
    "GB18030/GBK, Big5 or Windows-1252). In Excel, use Save As > 'CSV UTF-8' and try again."
)


class EncodingUnknown(ValueError):
    """No encoding reads the file; the message is UNKNOWN_ENCODING (a msgid)."""


@dataclass(frozen=True)
class Decoded:
    text: str
    codec: str
    label: str


@lru_cache(maxsize=1)
def _common_cjk() -> frozenset[str]:
    """The most common Chinese characters: GB2312 level 1 and Big5 level 1."""
    chars: set[str] = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes((lead, trail)).decode("gb2312"))
    for lead in range(0xA4, 0xC7):
        for trail in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes((lead, trail)).decode("cp950"))
    # Big5's level 1 ends at C67E; cp950 puts kana and Cyrillic after it, which are
    # exactly what a wrong codec produces, so only Han characters count.
    return frozenset(ch for ch in chars if "\u4e00" <= ch <= "\u9fff")


@lru_cache(maxsize=1)
def _known_words() -> tuple[str, ...]:
    """Non-ASCII words of the contract (aliases of values and of headers), longest first."""
    words: set[str] = set()
    for table in (
        vocab.LANGUAGE_ALIASES,
        vocab.NEIGHBORHOOD_ALIASES,
        vocab.EVENT_TYPE_ALIASES,
        vocab.CHANNEL_ALIASES,
        vocab.AGE_GROUP_ALIASES,
    ):
        for names in table.values():
            words.update(n for n in names if not n.isascii())
    for columns in contract.COLUMNS.values():
        for column in columns:
            words.update(h for h in column.headers if not h.isascii())
    return tuple(sorted(words, key=len, reverse=True))


def plausibility(text: str) -> float:
    """Score decoded text: common Chinese characters and lone accented letters count for
    it; kana, Greek, Cyrillic, box drawing, private-use and control characters (what a
    wrong Chinese codec makes of the other's bytes) count against it."""
    common = _common_cjk()
    score = 0.0
    # A word of the contract (廣東話, 日期, Русский) is strong evidence; its letters are
    # then not scored one by one (Cyrillic would otherwise count against the right codec).
    for word in _known_words():
        found = text.count(word)
        if found:
            score += 20 * found
            text = text.replace(word, " ")
    prev = ""
    for i, ch in enumerate(text):
        if ch.isascii():
            prev = ch
            continue
        if ch in common:
            score += 2
        elif "\u00c0" <= ch <= "\u00ff" and prev.isalpha() and prev.isascii():
            nxt = text[i + 1] if i + 1 < len(text) else ""
            score += 2 if (nxt.isascii() or not nxt) else -1
        else:
            cat = unicodedata.category(ch)
            name_block = ord(ch)
            if (
                cat in ("Co", "Cc", "Cn")
                or 0x3040 <= name_block <= 0x30FF
                or 0x0370 <= name_block <= 0x052F
                or 0x2500 <= name_block <= 0x257F
            ):
                score -= 4
            elif 0x4E00 <= name_block <= 0x9FFF:
                score -= 0.5  # a real but rare character
            else:
                score -= 1
        prev = ch
    return score


def decode(data: bytes) -> Decoded:
    """Decode a whole file, detecting its encoding; raise EncodingUnknown if none fits."""
    if data.startswith(b"\xef\xbb\xbf"):
        return Decoded(data[3:].decode("utf-8"), "utf-8-sig", "UTF-8 (with BOM)")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Decoded(data.decode("utf-16"), "utf-16", "UTF-16")
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    sample = data[:_SAMPLE]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if text.isascii():
            return Decoded(text, "utf-8", "UTF-8")
        # A few GB18030 characters are also valid UTF-8 (台山話 reads as '̨ɽԒ'). Valid
        # UTF-8 wins unless it reads implausibly and a legacy codec reads words of the
        # contract in it; accented or Cyrillic UTF-8 text often reads as common Chinese
        # characters in GBK, so plausibility alone must not overrule UTF-8.
        utf8_text = text[: len(sample)]
        utf8_score = plausibility(utf8_text)
        if utf8_score >= 0:
            return Decoded(text, "utf-8", "UTF-8")
        utf8_words = _known_word_count(utf8_text)
        for score, _order, codec, label in _score_candidates(sample):
            if score > utf8_score and _known_word_count(sample.decode(codec, "ignore")) > utf8_words:
                with contextlib.suppress(UnicodeDecodeError):
                    return Decoded(data.decode(codec), codec, label)
        return Decoded(text, "utf-8", "UTF-8")
    for _score, _order, codec, label in _score_candidates(sample):
        try:
            return Decoded(data.decode(codec), codec, label)
        except UnicodeDecodeError:
            continue
    raise EncodingUnknown(UNKNOWN_ENCODING)


def _known_word_count(text: str) -> int:
    return sum(text.count(word) for word in _known_words())


def _score_candidates(sample: bytes) -> list[tuple[float, int, str, str]]:
    """(plausibility, preference, codec, label) of each legacy codec that reads the sample, best first."""
    scored = []
    for order, (codec, label) in enumerate(_CANDIDATES):
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError as exc:
            if exc.start < len(sample) - 4:  # a cut multi-byte character at the end is fine
                continue
            text = sample[: exc.start].decode(codec)
        scored.append((plausibility(text), -order, codec, label))
    return sorted(scored, reverse=True)


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 without a byte-order mark: the other encodings never hold zero bytes, and
    the zero bytes of ASCII characters (delimiters, line breaks, digits) sit on odd
    positions in little-endian text and on even positions in big-endian text."""
    codec = _utf16_codec(data[:4096])
    if codec is None:
        return None
    try:
        return Decoded(data.decode(codec), codec, "UTF-16")
    except UnicodeDecodeError:
        return None


def _utf16_codec(head: bytes) -> str | None:
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if max(even, odd) < max(2, len(head) // 64) or min(even, odd) * 4 > max(even, odd):
        return None
    return "utf-16-le" if odd > even else "utf-16-be"


# --- a UTF-8 file read in pieces -------------------------------------------------------------
# Most files are UTF-8. Such a file is read once, a megabyte at a time, for its hash and to check
# that every byte is UTF-8; only its start is decoded (for the delimiter and the header), and
# DuckDB reads the file itself. A 100 MB file is never held in memory, neither as bytes nor as text.

_CHUNK = 1 << 20
_HEAD = 1 << 20  # characters of the start that are decoded; more when the first chunk holds more
_FIRST = 4096  # bytes at least in the first piece: what a byte-order mark and UTF-16 are told by
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Utf8Text:
    """A UTF-8 file as `decode` would read it, described without holding it."""

    sha256: str
    label: str  # as Decoded.label
    head: str  # the decoded start, holding the header and the first 50 lines (or the whole text)
    blank: bool  # nothing but whitespace (the file is empty)
    bom: bool
    carriage_returns: bool  # a line break other than \n somewhere


def chunks(source: bytes | Path) -> Iterator[bytes]:
    """The bytes of a file (or of bytes in memory), a megabyte at a time (the first piece at least _FIRST)."""
    first = max(_CHUNK, _FIRST)
    if isinstance(source, bytes | bytearray):
        yield bytes(source[:first])
        for start in range(first, len(source), _CHUNK):
            yield bytes(source[start : start + _CHUNK])
        return
    with Path(source).open("rb") as data:
        size = first
        while chunk := data.read(size):
            yield chunk
            size = _CHUNK


def read_utf8(source: bytes | Path) -> Utf8Text | None:
    """The file described in one pass, when `decode` would read it as UTF-8 and its start holds the
    header and the lines `detect_delimiter` samples; otherwise None (the caller decodes it whole,
    and `decode` decides, so every file is read exactly as before)."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    head: list[str] = []
    head_size = size = 0
    blank, ascii_only, carriage_returns, bom, whole = True, True, False, False, True
    for number, chunk in enumerate(chunks(source)):
        digest.update(chunk)
        body = chunk
        if number == 0:
            if chunk.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_codec(chunk[:_FIRST]) is not None:
                return None  # UTF-16 (decode tries it first)
            bom = chunk.startswith(_BOM)
            body = chunk[3:] if bom else chunk
        blank = blank and not chunk.strip()
        ascii_only = ascii_only and body.isascii()
        carriage_returns = carriage_returns or b"\r" in chunk
        size += len(chunk)
        try:
            text = decoder.decode(body)
        except UnicodeDecodeError:
            return None
        if head_size < _HEAD:
            head.append(text)
            head_size += len(text)
        else:
            whole = False
    try:
        decoder.decode(b"", final=True)  # a character cut off at the end is not UTF-8
    except UnicodeDecodeError:
        return None
    start = "".join(head)
    if not bom and not ascii_only and plausibility(start[: min(size, _SAMPLE)]) < 0:
        return None  # decode weighs the legacy codecs against it
    if not whole and not _holds_the_start(start):
        return None
    label = "UTF-8 (with BOM)" if bom else "UTF-8"
    return Utf8Text(digest.hexdigest(), label, start, blank, bom, carriage_returns)


def _holds_the_start(start: str) -> bool:
    """Whether the start of a text gives detect_delimiter and read_header what the whole text would:
    its first 50 lines and its header (with any quoted line breaks) end inside it."""
    fifty = _first_lines(start, 50)
    if len(fifty) >= len(start) - 1:  # fewer than 50 lines, or a \r\n that may be cut
        return False
    lines, header = 1, _first_lines(start, 1)
    while header.count('"') % 2:
        if len(header) >= len(start) - 1:
            return False
        lines *= 2
        header = _first_lines(start, lines)
    return len(header) < len(start) - 1


def write_lines(source: bytes | Path, target: Path, text: Utf8Text) -> None:
    """The UTF-8 file at `target` as DuckDB reads it: without a byte-order mark and with every line
    break as \n (files edited on two systems mix them). A file that needs neither change is linked,
    not copied."""
    if isinstance(source, Path) and not text.bom and not text.carriage_returns:
        target.symlink_to(source.resolve())
        return
    pending = b""  # a \r at the end of a chunk, whose \n may start the next
    mark = len(_BOM) if text.bom else 0  # bytes of the byte-order mark still to leave out
    with target.open("wb") as out:
        for piece in chunks(source):
            chunk = pending + piece[mark:]
            mark = max(0, mark - len(piece))
            pending = b""
            if chunk.endswith(b"\r"):
                chunk, pending = chunk[:-1], b"\r"
            out.write(chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n"))
        if pending:
            out.write(b"\n")


DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}


_LINE_BREAK = re.compile(r"\r\n?|\n")


def _first_lines(text: str, count: int) -> str:
    """The first `count` lines of `text` (any kind of line break), whole however long they are:
    a header of 10,000 columns is one line."""
    for number, found in enumerate(_LINE_BREAK.finditer(text), start=1):
        if number == count:
            return text[: found.end()]
    return text


def detect_delimiter(text: str) -> str:
    """The delimiter that splits the header into most fields and the rows consistently."""
    sample_lines = _first_lines(text, 50).splitlines()[:50]
    sample = "\n".join(sample_lines)
    best, best_fields = ",", 0
    for delim in DELIMITERS:
        try:
            rows = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delim) if r]
        except csv.Error:  # a field longer than csv's limit: this delimiter does not split the lines
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        body = rows[1:-1] if len(rows) > 2 else rows[1:]  # the last sampled row may be cut
        consistent = sum(len(r) == width for r in body)
        if body and consistent < len(body) * 0.8:
            continue
        if width > best_fields:
            best, best_fields = delim, width
    return best


def read_header(text: str, delimiter: str) -> list[str]:
    """The first row's cells, read whole (the file's size limit bounds it), never cut short."""
    lines, head = 1, _first_lines(text, 1)
    while head.count('"') % 2 and len(head) < len(text):  # a quoted value runs on: read more lines
        lines *= 2
        head = _first_lines(text, lines)
    try:
        for row in csv.reader(io.StringIO(head, newline=""), delimiter=delimiter):
            return [cell.strip() for cell in row]
    except csv.Error:  # a header cell longer than csv's limit (128 KB) is no header
        return []
    return []
