"""The engine's problems, warnings and refusals: English for the command line, the reader's language on a page."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from impact import i18n, ingest, textfile, upload
from impact.i18n import Enumeration, Message
from impact.ingest import batches as ingest_batches
from impact.ingest import values as ingest_values
from tests.conftest import FIXTURES, load_fixture_files

TODAY = date(2024, 6, 30)


@pytest.fixture
def base_db(empty_db: Path) -> Path:
    load_fixture_files(empty_db, ["partners.csv", "events.csv"])
    return empty_db


def _engagements(*rows: str) -> bytes:
    header = "engagement_id,engaged_on,partner_id,participant_id,language,neighborhood,age_group,channel,service_type"
    return ("\n".join([header, *rows]) + "\n").encode()


def test_a_problem_keeps_its_english_reason_and_reads_translated_on_a_page(base_db: Path) -> None:
    """An unknown partner: the reason stays English; in 繁體中文 the page shows the catalog's sentence."""
    data = _engagements("E1,2024-01-05,NOPE,p1,Cantonese,Chinatown,65+,in_person,outreach")
    report = ingest.process(data, "e.csv", database=base_db, today=TODAY)
    problem = next(p for p in report.problems if p.column == "partner_id")
    assert problem.reason == "is not a known partner (load the partners file first, or check the spelling)"
    assert problem.template == ingest.UNKNOWN_PARTNER
    with i18n.using("zh_Hant"):
        shown = upload.problem_text(problem)
        fix = upload.how_to_fix(problem, "engagements")
        expected_fix = i18n._("Load the partners file first (or add it to this upload), or correct the partner id.")
    assert shown == "不是已知的合作夥伴（請先載入合作夥伴檔案，或檢查拼寫）"
    assert (
        fix == expected_fix
        and fix != "Load the partners file first (or add it to this upload), or correct the partner id."
    )


def test_values_built_in_sql_fill_the_translated_sentence(base_db: Path) -> None:
    """A repeated id names its first line, and a future date names today, in Spanish as in English (the date
    in the reader's format; the command line's English keeps the contract's ISO date)."""
    data = _engagements(
        "E1,2024-01-05,HYC,p1,Cantonese,Chinatown,65+,in_person,outreach",
        "E1,2024-01-06,HYC,p2,Cantonese,Chinatown,65+,in_person,outreach",
        "E2,2024-07-01,HYC,p3,Cantonese,Chinatown,65+,in_person,outreach",
    )
    report = ingest.process(data, "e.csv", database=base_db, today=TODAY)
    by_column = {p.column: p for p in report.problems}
    assert by_column["engagement_id"].reason == "appears more than once for this partner in the file (first on line 2)"
    assert by_column["engaged_on"].reason == "is after today (2024-06-30); a contact cannot be in the future"
    with i18n.using("es"):
        assert upload.problem_text(by_column["engagement_id"]) == (
            "aparece más de una vez para este socio en el archivo (la primera, en la línea 2)"
        )
        assert upload.problem_text(by_column["engaged_on"]) == (
            "es posterior a hoy (30 jun 2024); un contacto no puede estar en el futuro"
        )


def test_a_warning_counts_its_rows_in_the_readers_plural_and_digits(base_db: Path) -> None:
    """Two rows with an unknown language: '(2 rows)' in English, '(2 filas)' in Spanish, '（2 行）' in 简体中文."""
    rows = [f"E{i},2024-01-05,HYC,p{i},Hakka,Chinatown,65+,in_person,outreach" for i in (1, 2)]
    report = ingest.process(_engagements(*rows), "e.csv", database=base_db, today=TODAY)
    warning = next(w for w in report.warnings if w.column == "language")
    assert warning.reason == "is not a known language; kept as written (2 rows)"
    with i18n.using("es"):
        assert upload.problem_text(warning) == "no es un idioma conocido; se guarda tal como está escrito (2 filas)"
    with i18n.using("zh_Hans"):
        assert upload.problem_text(warning) == "不是已知的语言；按原样保留（2 行）"


def test_the_problem_table_is_translated_and_every_fix_is_specific(base_db: Path) -> None:
    """The broken fixture's table in 繁體中文: no English problem text, no generic advice."""
    with i18n.using("zh_Hant"):
        reports = upload.check(
            [ingest.Upload((FIXTURES / "engagements_unknown_partner.csv").read_bytes(), "u.csv")], database=base_db
        )
        table = upload.problems_frame(reports[0].problems, reports[0].kind)
        _line, _column, _value, problem, fix = upload.problem_columns()
        generic = upload.how_to_fix(ingest.Problem(None, None, None, "something new"), None)
    assert (problem, fix) == ("問題", "修正方法")
    english = {p.reason for p in reports[0].problems}
    assert len(table) == len(reports[0].problems) > 0
    assert not english & set(table[problem]), "every problem is shown translated"
    assert generic not in set(table[fix])


def test_the_unreadable_encoding_message_is_one_catalog_entry() -> None:
    """A file no codec reads: the problem is textfile's msgid, with its own fix."""
    report = ingest.process(b"partner_id,name\n" + bytes(range(0x80, 0x100)) * 40, "x.csv")
    assert report.problems[0].template == textfile.UNKNOWN_ENCODING
    assert upload.how_to_fix(report.problems[0], None).startswith("In Excel")


def test_an_undo_refusal_is_english_on_the_command_line_and_translated_on_the_data_page(base_db: Path) -> None:
    """Undoing the partners under stored events names the events batch; in 繁體中文 with 、 between batches."""
    with pytest.raises(ingest.UndoRefused) as refused:
        ingest.undo_batch(1, database=base_db)
    assert str(refused.value) == (
        "batch 1 (partners.csv) cannot be undone while other data refers to it: batch 2 (events). Undo those first."
    )
    with i18n.using("zh_Hant"):
        assert refused.value.message.translated() == (
            "其他資料仍然引用批次 1（partners.csv），因此未能撤銷：批次 2（活動）。請先撤銷這些批次。"
        )


def test_enumerations_and_clause_lists_join_in_each_languages_punctuation() -> None:
    """', ' and '; ' in English; '、' and '；' in Chinese."""
    batches = [Message(ingest_batches._DEPENDENT_BATCH["events"], {"batch": str(b)}) for b in (2, 3)]
    unknown = Message(
        ingest_values._ITEM, {"item": "Hakka", "note": Message("is not a known language; kept as written")}
    )
    message = Message("{batches} / {notes}", {"batches": Enumeration(tuple(batches)), "notes": [unknown, unknown]})
    assert message.english() == (
        "batch 2 (events), batch 3 (events) / "
        "'Hakka' is not a known language; kept as written; 'Hakka' is not a known language; kept as written"
    )
    with i18n.using("zh_Hant"):
        assert message.translated() == (
            "批次 2（活動）、批次 3（活動） / 「Hakka」不是已知的語言；按原樣保留；「Hakka」不是已知的語言；按原樣保留"
        )


def test_a_count_is_written_with_the_readers_digits_in_a_message() -> None:
    """12,345 skipped rows: 12,345 in English; the plural form follows n."""
    message = Message.plural_of(ingest.EMPTY_ROWS_SKIPPED, 12345)
    assert message.english() == "skipped 12,345 rows with every cell empty"
    assert Message.plural_of(ingest.EMPTY_ROWS_SKIPPED, 1).english() == "skipped 1 row with every cell empty"
    with i18n.using("es"):
        assert message.translated() == "se omitieron 12,345 filas con todas las celdas vacías"
