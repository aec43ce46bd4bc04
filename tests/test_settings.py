"""Numeric settings ($IMPACT_*): a mistyped value never stops a page or a command and never turns
a protection off; it is logged, and the safe default is used."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from impact import cli, config, metrics, periods, privacy, public, users
from tests.conftest import sql


@pytest.mark.parametrize("written", ["ten", "1GB", "nan", "inf", "-3", "0", "2.5", "1e400"])
def test_a_suppression_threshold_that_is_not_a_whole_number_of_at_least_one_keeps_the_default(
    written: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("IMPACT_SUPPRESSION_THRESHOLD", written)
    with caplog.at_level(logging.WARNING):
        assert public.threshold() == privacy.DEFAULT_THRESHOLD
    assert "IMPACT_SUPPRESSION_THRESHOLD must be a whole number of at least 1" in caplog.text
    assert repr(written) in caplog.text


def test_good_values_are_read_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMPACT_SUPPRESSION_THRESHOLD", " 5 ")
    monkeypatch.setenv("IMPACT_DUCKDB_MEMORY_MB", "1024")
    monkeypatch.setenv("IMPACT_MAX_UPLOAD_MB", "0.5")
    monkeypatch.setenv("IMPACT_MIN_RATE_BASE", "30")
    monkeypatch.setenv("IMPACT_FISCAL_YEAR_START", "7")
    monkeypatch.setenv("IMPACT_LOGIN_ANSWER_SECONDS", "0.25")
    assert public.threshold() == 5
    assert config.duckdb_memory_mb() == 1024
    assert config.max_upload_bytes() == 512 * 1024
    assert metrics.min_rate_base() == 30
    assert periods.fiscal_year_start() == 7
    assert users.Throttle.from_env().answer_seconds == 0.25


@pytest.mark.parametrize(
    ("name", "written", "read"),
    [
        ("IMPACT_DUCKDB_MEMORY_MB", "1GB", lambda: config.duckdb_memory_mb() == config.DEFAULT_DUCKDB_MEMORY_MB),
        ("IMPACT_DUCKDB_MEMORY_MB", "10", lambda: config.duckdb_memory_mb() == config.DEFAULT_DUCKDB_MEMORY_MB),
        ("IMPACT_MAX_UPLOAD_MB", "lots", lambda: config.max_upload_bytes() == config.DEFAULT_MAX_UPLOAD_MB * 2**20),
        ("IMPACT_MIN_RATE_BASE", "0", lambda: metrics.min_rate_base() == metrics.DEFAULT_MIN_RATE_BASE),
        ("IMPACT_FISCAL_YEAR_START", "13", lambda: periods.fiscal_year_start() == 1),
        ("IMPACT_LOGIN_FREE_FAILURES", "three", lambda: users.Throttle.from_env().free_failures == 3),
        ("IMPACT_LOGIN_MAX_DELAY", "inf", lambda: users.Throttle.from_env().max_wait_seconds == users.MAX_WAIT_SECONDS),
    ],
)
def test_each_numeric_setting_falls_back_to_its_default_with_a_logged_reason(
    name: str, written: str, read, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(name, written)
    with caplog.at_level(logging.WARNING):
        assert read()
    assert name in caplog.text and repr(written) in caplog.text


def test_the_command_line_runs_with_mistyped_settings_and_prints_no_traceback(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An undo opens the database under a mistyped memory limit and rebuilds the public page's
    figures under a mistyped threshold (either crashed every command with a ValueError before)."""
    monkeypatch.setenv("IMPACT_DUCKDB_MEMORY_MB", "1GB")
    monkeypatch.setenv("IMPACT_SUPPRESSION_THRESHOLD", "ten")
    last = sql(fixture_db, "select max(batch_id) from batches where kind = 'engagements'")[0][0]
    code = cli.main(["undo", str(last), "--db", str(fixture_db), "--by", "ana"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Traceback" not in out + err
    assert sql(fixture_db, "select status from batches where batch_id = $b", {"b": last}) == [("undone",)]
