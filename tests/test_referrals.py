"""engagements.referred_by_partner_id: optional, a known partner other than the contact's own, read under
its aliases (Chinese too), errors by line and column; the fixture database holds referrals."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from impact import ingest
from tests import builders
from tests.conftest import FIXTURES, sql

HEADER = (*builders.ENGAGEMENT_HEADER, "referred_by_partner_id")


def _row(number: int, partner: str, referred_by: str) -> tuple[str, ...]:
    return (*builders.engagement(number, partner=partner), referred_by)


def _process(database: Path, rows: list, header=HEADER, encoding: str = "utf-8"):
    data = builders.csv_bytes([header, *rows], encoding=encoding)
    return ingest.process(data, "contacts.csv", database=database, by="test", store=True)


def test_referrals_are_stored_and_the_column_is_optional(base_db: Path) -> None:
    """A referral from another partner is stored; an empty cell is no referral; a file without the column loads."""
    report = _process(base_db, [_row(1, "HYC", "CLA"), _row(2, "HYC", ""), _row(3, "SSE", "HYC")])
    assert report.ok, [str(p) for p in report.problems]
    assert sql(base_db, "select engagement_id, referred_by_partner_id from engagements order by 1") == [
        ("E1", "CLA"),
        ("E2", None),
        ("E3", "HYC"),
    ]
    plain = builders.csv_bytes([builders.ENGAGEMENT_HEADER, builders.engagement(4)])
    assert ingest.process(plain, "plain.csv", database=base_db, store=True).ok


@pytest.mark.parametrize("header", ["referred by", "Referral from", "referring partner", "轉介機構", "转介机构"])
def test_the_column_is_read_under_each_alias(base_db: Path, header: str) -> None:
    """Each alias of the contract names referred_by_partner_id."""
    report = _process(base_db, [_row(1, "HYC", "CLA")], header=(*builders.ENGAGEMENT_HEADER, header))
    assert report.ok and report.kind == "engagements"
    assert sql(base_db, "select referred_by_partner_id from engagements") == [("CLA",)]


@pytest.mark.parametrize(
    ("referred_by", "reason"),
    [
        ("NOPE", "is not a known partner (load the partners file first, or check the spelling)"),
        ("HYC", "is the contact's own partner; a referral comes from another partner"),
    ],
    ids=["unknown", "own-partner"],
)
def test_a_bad_referral_is_named_by_line_and_column_and_nothing_is_stored(
    base_db: Path, referred_by: str, reason: str
) -> None:
    """An unknown partner, or the contact's own, rejects the whole file at that line and column."""
    report = _process(base_db, [_row(1, "HYC", "CLA"), _row(2, "HYC", referred_by)])
    assert [str(p) for p in report.problems] == [
        f"line 3, column referred_by_partner_id: value '{referred_by}' - {reason}"
    ]
    assert sql(base_db, "select count(*) from engagements") == [(0,)]


def test_a_bad_referral_in_a_big5_file_with_chinese_headers_names_its_line_and_column(base_db: Path) -> None:
    """The same rule in a Big5 file whose header is Chinese (轉介機構)."""
    header = (
        "記錄編號",
        "日期",
        "機構編號",
        "參加者編號",
        "語言",
        "活動編號",
        "社區",
        "年齡組",
        "聯絡方式",
        "服務類型",
        "轉介機構",
    )
    rows = [_row(1, "HYC", "CLA"), _row(2, "CLA", "CLA")]
    report = _process(base_db, [tuple("廣東話" if v == "Cantonese" else v for v in r) for r in rows], header, "big5")
    assert (report.encoding, report.kind) == ("Big5", "engagements")
    assert [(p.line, p.column, p.value) for p in report.problems] == [(3, "referred_by_partner_id", "CLA")]


def test_a_partners_batch_cannot_be_undone_under_contacts_it_referred(base_db: Path) -> None:
    """A partner that only referred people is still referred to: its batch's undo waits for the contacts."""
    extra = builders.csv_bytes([builders.PARTNERS[0], ("NEW", "New Partner", "", "", "")])
    added = ingest.process(extra, "new.csv", database=base_db, store=True)
    contacts = _process(base_db, [_row(1, "HYC", "NEW")])
    with pytest.raises(ingest.UndoRefused, match=rf"batch {contacts.batch_id} \(engagements\)"):
        ingest.undo_batch(added.batch_id, database=base_db)


def test_the_fixture_database_holds_the_fixture_files_referrals(fixture_db: Path) -> None:
    """Every referral written in engagements_valid.csv is stored, from the partner written there."""
    with (FIXTURES / "engagements_valid.csv").open(encoding="utf-8", newline="") as handle:
        written = sorted(
            (row["partner_id"], row["engagement_id"], row["referred_by_partner_id"])
            for row in csv.DictReader(handle)
            if row["referred_by_partner_id"]
        )
    stored = sql(
        fixture_db,
        """select partner_id, engagement_id, referred_by_partner_id from engagements
        where referred_by_partner_id is not null order by all""",
    )
    assert len(written) == 50 and stored == written
