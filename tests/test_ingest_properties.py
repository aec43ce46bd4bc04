"""Property tests of the validator: generated valid files round-trip, one bad value is found.

Hypothesis writes engagements (and events) files with random header aliases (Chinese
ones too), column order, optional columns, value spellings, date formats, delimiters and
encodings. A valid file must load with every stored value equal to the canonical value
it was generated from, and participant keys equal to the HMAC of the raw ids. The same
file with one bad value of a random kind at a random row must be refused, naming that
line and column, with nothing stored.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from impact import config, contract, ingest, vocab
from tests import builders
from tests.conftest import sql

TODAY = date(2025, 3, 14)
SETTINGS = settings(  # how many examples: the profile loaded in tests/conftest.py
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-be", "gb18030", "big5")
EMPTY_MARKERS = ("", "NA", "n/a", "null", "-")
_EMPTY = {m.lower() for m in EMPTY_MARKERS}
CHINESE_NAMES = ("陳大文", "李小明", "黃美玲", "王芳", "張偉", "劉志強", "林嘉欣")
ENGAGEMENT_COLUMNS = {c.name: c for c in contract.COLUMNS["engagements"]}
OPTIONAL = tuple(name for name, col in ENGAGEMENT_COLUMNS.items() if not col.required)


def _spellings(canonical: tuple[str, ...], aliases: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    """(as written, canonical) pairs: each value in three casings, and each alias."""
    pairs = [(text, value) for value in canonical for text in (value, value.upper(), value.lower().replace("_", " "))]
    return pairs + [(name, value) for value, names in aliases.items() for name in names]


LANGUAGE = _spellings(vocab.LANGUAGES, vocab.LANGUAGE_ALIASES)
NEIGHBORHOOD = _spellings(vocab.NEIGHBORHOODS, vocab.NEIGHBORHOOD_ALIASES)
AGE_GROUP = _spellings(vocab.AGE_GROUPS, vocab.AGE_GROUP_ALIASES)
CHANNEL = _spellings(vocab.CHANNELS, vocab.CHANNEL_ALIASES)
CHINESE_LANGUAGE = [(text, value) for text, value in LANGUAGE if not text.isascii() and "\u4e00" <= text[0] <= "\u9fff"]


def _date_text(day: date, style: int) -> str:
    return (
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.month}/{day.day}/{day.year}",
        f"{day.month:02d}/{day.day:02d}/{day.year}",
    )[style]


def _cased(header: str, style: int) -> str:
    if not header.isascii():
        return header
    return (header, header.upper(), header.title(), header.replace("_", " "))[style]


@dataclass
class Generated:
    """A file as rows of written cells, and what each row must be stored as."""

    header: list[str]
    columns: list[str]  # contract column of each header cell
    rows: list[list[str]]
    expected: list[dict[str, object]]
    delimiter: str
    encoding: str
    people: list[str] = field(default_factory=list)

    def data(self) -> bytes:
        text = builders.csv_text([self.header, *self.rows], self.delimiter)
        return text.encode(self.encoding)


optional_text = st.text(
    alphabet=st.sampled_from("abcXYZ019 -_.,;\t\"'\n長者防騙講座法律諮詢é"), min_size=1, max_size=15
).filter(lambda s: s == s.strip() and s.lower() not in _EMPTY)
participant = st.one_of(
    st.builds(lambda n: f"P-{n:05d}", st.integers(0, 99_999)),
    st.builds(lambda name, n: f"{name}{n}", st.sampled_from(CHINESE_NAMES), st.integers(1, 99)),
    st.text(alphabet=st.sampled_from("AZaz09-_,;\"' "), min_size=1, max_size=10).filter(
        lambda s: s == s.strip() and s.lower() not in _EMPTY
    ),
)


@st.composite
def engagement_files(draw: st.DrawFn) -> Generated:
    """A valid engagements file (rows, header, delimiter, encoding chosen at random)."""
    optional = draw(st.lists(st.sampled_from(OPTIONAL), unique=True))
    names = [*contract.required_columns("engagements"), *optional]
    names = draw(st.permutations(names))
    header = [_cased(draw(st.sampled_from(ENGAGEMENT_COLUMNS[n].headers)), draw(st.integers(0, 3))) for n in names]
    count = draw(st.integers(1, 25))
    rows, expected = [], []
    for number in range(count):
        day = draw(st.dates(date(2015, 1, 1), TODAY))
        partner = draw(st.sampled_from(builders.PARTNER_IDS))
        person = draw(participant)
        language = draw(st.sampled_from(LANGUAGE))
        written = {
            "engagement_id": f"R{number}",
            "engaged_on": _date_text(day, draw(st.integers(0, 3))),
            "partner_id": partner,
            "participant_id": person,
            "language": language[0],
        }
        stored: dict[str, object] = {
            "engagement_id": f"R{number}",
            "engaged_on": day,
            "partner_id": partner,
            "participant_id": person,
            "language": language[1],
        }
        for name, choices in (("neighborhood", NEIGHBORHOOD), ("age_group", AGE_GROUP), ("channel", CHANNEL)):
            text, value = draw(st.one_of(st.sampled_from(choices), st.sampled_from([(m, None) for m in EMPTY_MARKERS])))
            written[name], stored[name] = text, value
        event = draw(st.sampled_from([*builders.EVENT_IDS, "", "NA"]))
        written["event_id"], stored["event_id"] = event, event if event in builders.EVENT_IDS else None
        service = draw(st.one_of(optional_text, st.sampled_from(EMPTY_MARKERS)))
        written["service_type"], stored["service_type"] = service, None if service.lower() in _EMPTY else service
        referrer = draw(st.sampled_from([*(p for p in builders.PARTNER_IDS if p != partner), "", "NA"]))
        written["referred_by_partner_id"] = referrer
        stored["referred_by_partner_id"] = referrer if referrer in builders.PARTNER_IDS else None
        rows.append([written[n] for n in names])
        expected.append({n: (stored[n] if n in names else None) for n in ENGAGEMENT_COLUMNS})
    encoding = draw(st.sampled_from(ENCODINGS))
    generated = Generated(header, names, rows, expected, draw(st.sampled_from([",", ";", "\t"])), encoding)
    if encoding in ("gb18030", "big5"):
        # a legacy Chinese file comes from a Chinese system: it holds Chinese words
        _put_chinese_language(generated, draw(st.sampled_from(CHINESE_LANGUAGE)))
    try:
        generated.data()
    except UnicodeEncodeError:
        generated.encoding = "utf-8"
    return generated


def _put_chinese_language(generated: Generated, spelling: tuple[str, str]) -> None:
    position = generated.columns.index("language")
    generated.rows[0][position] = spelling[0]
    generated.expected[0]["language"] = spelling[1]


def _hmac64(key: bytes, raw: str) -> int:
    return int.from_bytes(hmac.new(key, raw.encode("utf-8"), hashlib.sha256).digest()[:8], "big")


@SETTINGS
@given(generated=engagement_files())
def test_any_valid_engagements_file_loads_and_round_trips(generated: Generated, base_db: Path) -> None:
    """Every generated valid file loads, and every stored value is the canonical value generated."""
    path = base_db
    report = ingest.process(generated.data(), "gen.csv", database=path, by="hypothesis", store=True, today=TODAY)
    try:
        assert report.ok, [str(p) for p in report.problems[:5]]
        assert (report.kind, report.row_count, report.delimiter) == (
            "engagements",
            len(generated.rows),
            generated.delimiter,
        )
        assert report.warnings == []
        key = bytes.fromhex(config.key_path(path).read_text().strip())
        stored = sql(
            path,
            """select engagement_id, engaged_on, partner_id, participant_key, language, event_id, neighborhood,
            age_group, channel, service_type, referred_by_partner_id from engagements order by engagement_id""",
        )
        expected = sorted(
            (
                e["engagement_id"],
                e["engaged_on"],
                e["partner_id"],
                _hmac64(key, e["participant_id"]),
                e["language"],
                e["event_id"],
                e["neighborhood"],
                e["age_group"],
                e["channel"],
                e["service_type"],
                e["referred_by_partner_id"],
            )
            for e in generated.expected
        )
        assert stored == expected
    finally:
        if report.batch_id is not None:
            ingest.undo_batch(report.batch_id, database=path)


BAD_VALUES = {
    # kind of bad value: (column, strategy of the written value)
    "unreadable date": ("engaged_on", st.sampled_from(["someday", "15.03.2024", "2024-03", "03-15-2024", "20240315"])),
    "impossible date": (
        "engaged_on",
        st.sampled_from(["2024-02-30", "2023-02-29", "4/31/2024", "2024/13/1", "13/13/2024"]),
    ),
    "future date": ("engaged_on", st.integers(1, 4000).map(lambda d: (TODAY + timedelta(days=d)).isoformat())),
    "unknown partner": ("partner_id", st.sampled_from(["NOPE", "hyc-x", "ZZZ9"])),
    "unknown event": ("event_id", st.sampled_from(["EV404", "ev1x", "事件1"])),
    "unknown channel": ("channel", st.sampled_from(["carrier pigeon", "fax", "信鴿"])),
    "unknown age group": ("age_group", st.sampled_from(["ancient", "17-18", "-5", "100+"])),
    "missing participant": ("participant_id", st.sampled_from(EMPTY_MARKERS)),
    "missing language": ("language", st.sampled_from(EMPTY_MARKERS)),
    "duplicate id": ("engagement_id", st.just("")),  # filled in from an earlier row
}


def _with_column(generated: Generated, name: str) -> int:
    """The position of column `name`, adding it (empty in every row) if the file lacks it."""
    if name not in generated.columns:
        generated.columns.append(name)
        generated.header.append(name)
        for row in generated.rows:
            row.append("")
    return generated.columns.index(name)


@SETTINGS
@given(generated=engagement_files(), kind=st.sampled_from(sorted(BAD_VALUES)), data=st.data())
def test_one_bad_value_anywhere_is_refused_at_its_line_and_column(
    generated: Generated, kind: str, data: st.DataObject, base_db: Path
) -> None:
    """A valid file with one bad value of a random kind at a random row is refused, naming that line and column."""
    column, values = BAD_VALUES[kind]
    low = 1 if kind == "duplicate id" else 0
    if len(generated.rows) <= low:
        generated.rows.append(list(generated.rows[0]))
        generated.rows[-1][generated.columns.index("engagement_id")] = "R-extra"
    row = data.draw(st.integers(low, len(generated.rows) - 1), label="row")
    position = _with_column(generated, column)
    if kind == "duplicate id":
        earlier = data.draw(st.integers(0, row - 1), label="earlier row")
        for name in ("engagement_id", "partner_id"):
            at = generated.columns.index(name)
            generated.rows[row][at] = generated.rows[earlier][at]
    else:
        generated.rows[row][position] = data.draw(values, label="bad value")
    try:
        payload = generated.data()
    except UnicodeEncodeError:
        generated.encoding = "utf-8"
        payload = generated.data()
    report = ingest.process(payload, "bad.csv", database=base_db, by="hypothesis", store=True, today=TODAY)
    assert not report.ok
    assert (row + 2, column) in [(p.line, p.column) for p in report.problems], [str(p) for p in report.problems]
    assert report.batch_id is None
    assert sql(base_db, "select count(*) from engagements") == [(0,)]
    assert sql(base_db, "select count(*) from batches where kind = 'engagements'") == [(0,)]


@st.composite
def event_files(draw: st.DrawFn) -> tuple[list[list[str]], list[tuple]]:
    """A valid events file as rows (header first) and the stored (id, type, attendance, co-hosts)."""
    header = ["event_id", "event_date", "host_partner_id", "co_host_partner_ids", "event_type", "attendance"]
    rows, expected = [header], []
    for number in range(draw(st.integers(1, 15))):
        host = draw(st.sampled_from(builders.PARTNER_IDS))
        others = [p for p in builders.PARTNER_IDS if p != host]
        co_hosts = draw(st.lists(st.sampled_from(others), unique=True, max_size=2))
        event_type = draw(st.sampled_from(_spellings(vocab.EVENT_TYPES, vocab.EVENT_TYPE_ALIASES)))
        attendance = draw(st.one_of(st.none(), st.integers(0, 1_000_000)))
        written = (
            "" if attendance is None else draw(st.sampled_from([f"{attendance}", f"{attendance:,}", f"{attendance}.0"]))
        )
        day = draw(st.dates(date(2015, 1, 1), date(2030, 12, 31)))
        rows.append([f"G{number}", day.isoformat(), host, ";".join(co_hosts), event_type[0], written])
        expected.append((f"G{number}", event_type[1], attendance, co_hosts or None))
    return rows, expected


EVENT_BAD_VALUES = {
    "negative attendance": (5, "attendance", st.integers(1, 10_000).map(lambda n: f"-{n}")),
    "fractional attendance": (5, "attendance", st.sampled_from(["12.5", "3.14", "1,23", "twelve"])),
    "unknown event type": (4, "event_type", st.sampled_from(["party", "meeting", "會議"])),
    "unknown host": (2, "host_partner_id", st.sampled_from(["NOPE", "XYZ"])),
    "co-host is the host": (3, "co_host_partner_ids", st.none()),
}


@SETTINGS
@given(files=event_files(), kind=st.sampled_from(sorted(EVENT_BAD_VALUES)), data=st.data())
def test_events_files_round_trip_and_one_bad_value_is_found(
    files: tuple[list[list[str]], list[tuple]], kind: str, data: st.DataObject, base_db: Path
) -> None:
    """A valid events file stores its canonical values; with one bad value it is refused at that cell."""
    path = base_db
    rows, expected = files
    delimiter = data.draw(st.sampled_from([",", ";", "\t"]), label="delimiter")
    report = ingest.process(builders.csv_bytes(rows, delimiter), "ev.csv", database=path, store=True, today=TODAY)
    try:
        assert report.ok, [str(p) for p in report.problems[:5]]
        stored = sql(
            path,
            "select event_id, event_type, attendance, co_host_partner_ids from events where event_id like 'G%' "
            "order by event_id",
        )
        assert stored == sorted(expected)
    finally:
        if report.batch_id is not None:
            ingest.undo_batch(report.batch_id, database=path)

    position, column, values = EVENT_BAD_VALUES[kind]
    line = data.draw(st.integers(2, len(rows)), label="line")
    bad = [list(r) for r in rows]
    if kind == "co-host is the host":
        bad[line - 1][position] = ";".join([bad[line - 1][2], *filter(None, bad[line - 1][3].split(";"))])
    else:
        bad[line - 1][position] = data.draw(values, label="bad value")
    refused = ingest.process(builders.csv_bytes(bad, delimiter), "ev-bad.csv", database=path, store=True)
    assert (line, column) in [(p.line, p.column) for p in refused.problems], [str(p) for p in refused.problems]
    assert sql(path, "select count(*) from events where event_id like 'G%'") == [(0,)]


messy_text = st.lists(
    st.sampled_from([*'ab1,;\t"\n\r -/NA\x00é廣東話', "2024-01-02", "HYC", "English"]), max_size=200
).map("".join)


@SETTINGS
@given(
    body=messy_text,
    with_header=st.booleans(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030"]),
    store=st.booleans(),
)
def test_any_text_gives_a_report_never_an_exception(
    body: str, with_header: bool, encoding: str, store: bool, base_db: Path
) -> None:
    """Whatever bytes arrive (stray quotes, lone carriage returns, NUL), the engine answers with a report."""
    text = (",".join(builders.ENGAGEMENT_HEADER) + "\n" if with_header else "") + body
    report = ingest.process(text.encode(encoding), "messy.csv", database=base_db, store=store, today=TODAY)
    try:
        assert report.ok or report.problems, "a rejected file must say why"
        if not report.ok:
            assert sql(base_db, "select count(*) from engagements") == [(0,)]
    finally:
        if report.batch_id is not None:
            ingest.undo_batch(report.batch_id, database=base_db)


@SETTINGS
@given(
    body=messy_text,
    header=st.sampled_from([",".join(builders.ENGAGEMENT_HEADER), '"a\nb";c;d', '"x\r\ny",z', "日期\t語言\t地區"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030", "big5"]),
    line_break=st.sampled_from(["\n", "\r\n", "\r"]),
    chunk=st.integers(min_value=1, max_value=16),
    head=st.integers(min_value=1, max_value=64),
)
def test_a_utf8_file_read_in_pieces_reads_as_the_whole_file_does(
    body: str,
    header: str,
    encoding: str,
    line_break: str,
    chunk: int,
    head: int,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """A file read a few bytes at a time (textfile.read_utf8, as a 100 MB file is read a megabyte at a time) has
    the encoding, hash, delimiter, header and text DuckDB reads that decoding it whole gives; any other file is
    left to be decoded whole."""
    from impact import textfile

    text = header + line_break + body.replace("\n", line_break)
    data = text.encode(encoding, "replace")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(textfile, "_CHUNK", chunk)
        patch.setattr(textfile, "_HEAD", head)
        read = textfile.read_utf8(data)
        if read is None:
            return
        whole = textfile.decode(data)
        assert whole.codec in ("utf-8", "utf-8-sig") and read.label == whole.label
        assert read.sha256 == hashlib.sha256(data).hexdigest() and read.blank == (not data.strip())
        delimiter = textfile.detect_delimiter(whole.text)
        assert textfile.detect_delimiter(read.head) == delimiter
        assert textfile.read_header(read.head, delimiter) == textfile.read_header(whole.text, delimiter)
        folder = tmp_path_factory.mktemp("pieces")
        patch.setattr(textfile, "_FIRST", 1)  # a line break or the byte-order mark across pieces
        for source in (data, folder / "upload.bin"):
            if isinstance(source, Path):
                source.write_bytes(data)
            target = folder / f"read-{type(source).__name__}.csv"
            textfile.write_lines(source, target, read)
            expected = whole.text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
            assert target.read_bytes() == expected
