"""Encoding and delimiter detection: every encoding of the contract reads back exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from impact import ingest, textfile
from tests import builders
from tests.conftest import sql

TRADITIONAL = (
    "engagement_id,engaged_on,partner_id,participant_id,language,neighborhood,service_type\n"
    "E1,2024-01-02,HYC,陳大文,廣東話,華埠,長者防騙講座\n"
    "E2,2024-01-03,CLA,李小明,台山話,訪谷,法律諮詢\n"
    "E3,2024-01-04,SSE,黃美玲,普通話,日落區,社區安全\n"
)
SIMPLIFIED = (
    "engagement_id,engaged_on,partner_id,participant_id,language,neighborhood,service_type\n"
    "E1,2024-01-02,HYC,陈大文,广东话,华埠,长者防骗讲座\n"
    "E2,2024-01-03,CLA,李小明,普通话,访谷,法律咨询\n"
)
SPANISH = (
    "engagement_id,engaged_on,partner_id,participant_id,language,neighborhood,service_type\n"
    "E1,2024-01-02,HYC,José Muñoz,Español,Mission,Educación para niños\n"
    "E2,2024-01-03,CLA,María Pérez,Español,Excelsior,Asesoría “legal” – señora\n"
)
HEADER_ROW = builders.ENGAGEMENT_HEADER
CHINESE_HEADER = "日期,機構編號,參加者編號,語言,記錄編號\n2024-01-02,HYC,陳大文,廣東話,E1\n"


TEXTS = {"traditional": TRADITIONAL, "simplified": SIMPLIFIED, "spanish": SPANISH, "chinese-header": CHINESE_HEADER}


@pytest.mark.parametrize(
    ("name", "codec", "label"),
    [
        ("traditional", "utf-8", "UTF-8"),
        ("simplified", "utf-8", "UTF-8"),
        ("traditional", "utf-8-sig", "UTF-8 (with BOM)"),
        ("simplified", "gbk", "GB18030/GBK"),
        ("simplified", "gb18030", "GB18030/GBK"),
        ("traditional", "gb18030", "GB18030/GBK"),
        ("traditional", "big5", "Big5"),
        ("traditional", "cp950", "Big5"),
        ("spanish", "cp1252", "Windows-1252"),
        ("traditional", "utf-16", "UTF-16"),
        ("spanish", "utf-16", "UTF-16"),
        ("traditional", "utf-16-le", "UTF-16"),
        ("traditional", "utf-16-be", "UTF-16"),
        ("spanish", "utf-16-le", "UTF-16"),
        ("chinese-header", "utf-16-le", "UTF-16"),
        ("chinese-header", "utf-16-be", "UTF-16"),
    ],
)
def test_each_encoding_of_the_contract_decodes_to_the_exact_text(name: str, codec: str, label: str) -> None:
    """The bytes of each contract encoding are detected and decode to the original characters."""
    text = TEXTS[name]
    decoded = textfile.decode(text.encode(codec))
    assert decoded.label == label
    assert decoded.text == text


def test_utf16_little_endian_without_bom_starting_with_chinese_is_not_read_backwards() -> None:
    """A BOM-less UTF-16-LE file whose first header is Chinese is read as little-endian."""
    decoded = textfile.decode(CHINESE_HEADER.encode("utf-16-le"))
    assert decoded.codec == "utf-16-le"
    assert decoded.text.startswith("日期,機構編號")


def test_mostly_chinese_utf16_without_bom_is_recognised() -> None:
    """UTF-16 with few ASCII characters (only delimiters and line breaks) is still UTF-16."""
    text = "語言,社區\n廣東話,華埠\n普通話,訪谷\n"
    assert textfile.decode(text.encode("utf-16-le")).text == text
    assert textfile.decode(text.encode("utf-16-be")).text == text


def test_gb18030_bytes_that_are_also_valid_utf8_are_read_as_gb18030() -> None:
    """台山話 in GB18030 happens to be valid UTF-8 ('̨ɽԒ'); the contract word decides."""
    data = "engagement_id,language\nE1,台山話\n".encode("gb18030")
    data.decode("utf-8")  # the trap: this does not fail
    assert textfile.decode(data).text == "engagement_id,language\nE1,台山話\n"


@pytest.mark.parametrize(
    "text",
    [
        "id,name\n1,Иван Петров\n2,Русский\n",
        "id,name\n1,Nguyễn Văn Anh\n2,Trần Thị Bình\n",
        "id,name\n1,김민수\n2,한국어\n",
        "id,name\n1,Ελληνικά\n",
        "id,name\n1,ç\n",
        "id,name\n1,محمد\n",
    ],
)
def test_valid_utf8_in_other_scripts_stays_utf8(text: str) -> None:
    """Accented, Cyrillic, Korean, Greek and Arabic UTF-8 text is never re-read as a Chinese codec."""
    decoded = textfile.decode(text.encode("utf-8"))
    assert (decoded.codec, decoded.text) == ("utf-8", text)


@pytest.mark.parametrize("codec", ["gb18030", "cp950"])
def test_short_chinese_header_words_pick_the_right_codec(codec: str) -> None:
    """Header words of the contract (日期, 培訓) tell GB18030 and Big5 apart in a tiny file."""
    for word in ("日期", "培訓", "語言", "社區"):
        text = f"id,{word}\n1,x\n"
        assert textfile.decode(text.encode(codec)).text == text


def test_bytes_no_contract_encoding_can_read_are_refused_with_advice() -> None:
    """Bytes that are none of the contract's encodings raise a message that says what to do."""
    with pytest.raises(textfile.EncodingUnknown, match="CSV UTF-8"):
        textfile.decode(b"id,name\n1,\x81\x20\x8d\n")


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("a,b,c\n1,2,3\n4,5,6\n", ","),
        ("a;b;c\n1;2;3\n4;5;6\n", ";"),
        ("a\tb\tc\n1\t2\t3\n4\t5\t6\n", "\t"),
        ('a,b,c\n1,"x;y;z;w",3\n4,"p;q",6\n', ","),
        ('a;b;c\n1;"1,234,567";3\n4;"x, y, z";6\n', ";"),
        ('a\tb\tc\n1\t"x, y; z"\t3\n4\t5\t6\n', "\t"),
        ('a,b,c\n1,"two\nlines; here",3\n4,"more\nbreaks\nhere",6\n', ","),
        ('a;b;c\n1;"line\r\nbreak, with comma";3\r\n4;5;6\r\n', ";"),
    ],
)
def test_delimiter_is_detected_even_with_quoted_delimiters_and_line_breaks(text: str, delimiter: str) -> None:
    """Comma, semicolon and tab are detected; quoted values may hold the others and line breaks."""
    assert textfile.detect_delimiter(text) == delimiter


def test_header_cells_are_read_trimmed_and_unquoted() -> None:
    """The header row gives the column names without quotes or surrounding spaces."""
    assert textfile.read_header('" engagement_id ";"Contact Date"; 語言 \n1;2;3\n', ";") == [
        "engagement_id",
        "Contact Date",
        "語言",
    ]


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "gb18030", "big5", "utf-16", "utf-16-le", "utf-16-be"])
def test_chinese_text_is_stored_exactly_whatever_the_encoding(base_db: Path, codec: str) -> None:
    """Free text in a Big5/GB18030/UTF-16 file is stored as the same characters, never garbled."""
    rows = [
        builders.ENGAGEMENT_HEADER,
        builders.engagement(1, language="廣東話", neighborhood="華埠", service="長者防騙講座"),
        builders.engagement(2, language="台山話", neighborhood="訪谷", service="法律諮詢; 社區安全"),
    ]
    report = ingest.process(builders.csv_bytes(rows, encoding=codec), "zh.csv", database=base_db, store=True)
    assert report.ok, [str(p) for p in report.problems]
    stored = sql(base_db, "select engagement_id, language, neighborhood, service_type from engagements order by 1")
    assert stored == [
        ("E1", "Cantonese", "Chinatown", "長者防騙講座"),
        ("E2", "Toisanese", "Visitacion Valley", "法律諮詢; 社區安全"),
    ]


def test_windows_1252_spanish_text_is_stored_exactly(base_db: Path) -> None:
    """Accents and curly quotes of a Windows-1252 export are stored as written."""
    service = "Asesoría “legal” – niños"
    rows = [builders.ENGAGEMENT_HEADER, builders.engagement(1, language="Español", service=service)]
    report = ingest.process(builders.csv_bytes(rows, encoding="cp1252"), "es.csv", database=base_db, store=True)
    assert (report.ok, report.encoding) == (True, "Windows-1252")
    assert sql(base_db, "select language, service_type from engagements") == [("Spanish", service)]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_quoted_values_with_delimiters_and_line_breaks_are_stored_whole(base_db: Path, delimiter: str) -> None:
    """A quoted value holding every delimiter, a quote and a line break is one value."""
    service = 'food bank, rides; "escort"\tand\nfollow-up'
    rows = [builders.ENGAGEMENT_HEADER, builders.engagement(1, service=service), builders.engagement(2)]
    report = ingest.process(builders.csv_bytes(rows, delimiter), "q.csv", database=base_db, store=True)
    assert (report.ok, report.delimiter, report.row_count) == (True, delimiter, 2)
    assert sql(base_db, "select service_type from engagements where engagement_id = 'E1'") == [(service,)]


def test_old_mac_line_breaks_are_read(base_db: Path) -> None:
    """A file whose lines end in a lone carriage return (and holds one inside a row) reads as rows."""
    text = builders.csv_text([HEADER_ROW, builders.engagement(1), builders.engagement(2)]).replace("\n", "\r")
    assert textfile.read_header(text, ",")[:2] == ["engagement_id", "engaged_on"]
    assert textfile.detect_delimiter(text) == ","
    report = ingest.process(text.encode(), "mac.csv", database=base_db, store=True)
    assert (report.ok, report.row_count) == (True, 2), [str(p) for p in report.problems]
