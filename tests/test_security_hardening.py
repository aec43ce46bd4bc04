"""Findings 5, 8 and 9: errors, URL values, downloads, uploads, the page icon, share-link openings,
stored labels, and the dependency lock."""

from __future__ import annotations

import re
import subprocess
import time
import tomllib
from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from impact import config, shares, users
from impact.roles import STAFF, User
from impact.web import security, ui
from tests.conftest import sign_in_as, sql
from tests.dashboards import open_numbers

ROOT = config.PROJECT_ROOT


# -- 5. errors and URL values ------------------------------------------------------------------


def test_no_error_detail_is_configured_to_reach_a_browser() -> None:
    """client.showErrorDetails is "none" (Streamlit's default, "full", sends tracebacks to every client)."""
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["client"]["showErrorDetails"] == "none"


@pytest.mark.parametrize(
    "query",
    [
        {"period": "custom", "start": "0001-01-01", "end": "9999-12-31"},
        {"period": "custom", "start": "1899-12-31", "end": "2024-01-01"},
        {"start": "2024-01-01", "end": "99999-01-01"},
    ],
)
def test_dates_outside_any_sensible_range_in_the_url_get_a_sentence(
    fixture_db: Path, accounts: dict, query: dict
) -> None:
    """/overview?period=custom&start=0001-01-01&end=9999-12-31 raised OverflowError; now the link's dates are
    refused with a sentence and the default period is shown."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    sign_in_as(at, accounts["director"])
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page("pages/1_overview.py").run()
    assert not at.exception
    assert any("dates" in w.value for w in at.warning)
    assert at.metric


# -- 7. downloads and uploads ------------------------------------------------------------------


def test_a_download_is_made_only_while_the_viewer_may_still_see_its_page(accounts: dict) -> None:
    """The data of a staff download is produced on click; after the account signs out anywhere, or loses the
    role, the click gets nothing."""
    name = accounts["director"]
    viewer = security.Pass(User(name, "director", "local"), issued_at=time.time())
    data = security.guarded_data(viewer, STAFF, lambda: b"partner,contacts\n")
    assert data() == b"partner,contacts\n"
    users.UserStore().end_sessions(name)
    with pytest.raises(PermissionError):
        data()
    again = security.Pass(User(name, "director", "local"), issued_at=time.time() + 1)
    assert again.still_valid_for(STAFF)
    users.UserStore().remove(name)
    assert not again.still_valid_for(STAFF)


def test_the_pages_hand_downloads_a_function_not_the_data(fixture_db: Path, accounts: dict) -> None:
    """Every staff download button on the dashboards is deferred (Streamlit makes the file on click)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    sign_in_as(at, accounts["director"])
    at.switch_page("pages/1_overview.py").run()
    open_numbers(at)  # the downloads are drawn with the numbers behind each chart, once opened
    buttons = at.get("download_button")
    assert buttons and all(b.proto.deferred_file_id or not b.proto.url for b in buttons)
    assert not any(b.proto.url.startswith("/mock/media") for b in buttons)


def test_a_session_nobody_wrote_down_may_not_upload() -> None:
    """The server's upload guard refuses any session page_setup has not seen with a role that may upload."""
    assert not security.may_upload("a-session-that-never-ran-the-upload-page")


# -- 7. the page icon, share-link openings, labels --------------------------------------------


def test_the_tab_icon_is_drawn_by_the_browser_not_fetched_from_a_font_server() -> None:
    """A ':material/...:' page icon makes each visitor's browser fetch it from fonts.gstatic.com."""
    assert not ui.PAGE_ICON.startswith(":")
    pages = (ROOT / "impact" / "web" / "ui.py").read_text(encoding="utf-8")
    assert re.search(r"page_icon=PAGE_ICON", pages)


def _open_share_link(token: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["share"] = token
    at.switch_page("pages/5_impact.py").run()
    assert not at.exception
    return at


def test_a_reload_of_a_share_link_is_not_counted_as_another_opening(fixture_db: Path) -> None:
    """Two page loads by the same browser (a reload is a new session) count once; "times opened" counted both."""
    link, token = shares.create(
        "Bay Area Safety Fund", None, date(2024, 1, 1), date(2024, 12, 31), date.today() + timedelta(days=5), by="t"
    )
    _open_share_link(token)
    _open_share_link(token)
    assert sql(fixture_db, "select times_opened from share_links where link_id = $id", {"id": link.link_id}) == [(1,)]


def test_openings_count_once_per_visitor_and_visit(fixture_db: Path) -> None:
    """The same visitor within half an hour is one visit; another visitor is another."""
    link, token = shares.create(
        "Funder", None, date(2024, 1, 1), date(2024, 12, 31), date.today() + timedelta(days=5), by="t"
    )
    for visitor in ("visitor-a", "visitor-a", "visitor-a", "visitor-b"):
        assert shares.open_link(token, visitor=visitor).state is shares.LinkState.OK
    assert sql(fixture_db, "select times_opened from share_links where link_id = $id", {"id": link.link_id}) == [(2,)]


@pytest.mark.parametrize("label", ["Fund\x00", "Fund\nSign in again", "Fund\u202ednuF", "Fund\x1b[31m"])
def test_a_share_link_label_with_a_control_character_is_refused(fixture_db: Path, label: str) -> None:
    """Labels are shown to funders and in the links list: no NUL, line break, escape or direction mark."""
    with pytest.raises(shares.ShareError, match="control character"):
        shares.create(label, None, date(2024, 1, 1), date(2024, 12, 31), date.today(), by="t")


# -- 9. the dependency lock --------------------------------------------------------------------


def _pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", line)
        if match:
            found[match.group(1).lower().replace("_", "-")] = match.group(2)
    return found


def _entries(path: Path) -> list[str]:
    """The lock's requirements, each with its continuation lines joined."""
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    return [line for line in text.splitlines() if re.match(r"^[A-Za-z0-9]", line)]


@pytest.mark.parametrize(
    ("inputs", "lock"), [("requirements.txt", "requirements.lock"), ("requirements-dev.txt", "requirements-dev.lock")]
)
def test_the_whole_dependency_tree_is_pinned_with_hashes(inputs: str, lock: str) -> None:
    """Every package the lock installs, indirect ones included, has one version and at least one sha256; every
    package the human-edited list names is in the lock at the listed version."""
    entries = _entries(ROOT / lock)
    assert entries
    for entry in entries:
        assert re.match(r"^[A-Za-z0-9_.\-]+==\S+", entry), entry
        assert "--hash=sha256:" in entry, entry
    locked = _pins(ROOT / lock)
    for indirect in ("starlette", "uvicorn", "protobuf", "tornado" if "tornado" in locked else "websockets"):
        assert indirect in locked
    wanted = _pins(ROOT / "requirements.txt")
    if inputs == "requirements-dev.txt":
        wanted |= _pins(ROOT / "requirements-dev.txt")
    assert {name: locked.get(name) for name in wanted} == wanted


def test_make_installs_only_from_the_locks_and_checks_every_hash() -> None:
    """`make run` and `make test` install the lock files with --require-hashes, never the unpinned lists."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    installs = [line.strip() for line in makefile.splitlines() if "pip install" in line and "pip-tools" not in line]
    assert installs and all("--require-hashes" in line and ".lock" in line for line in installs), installs


def test_the_audit_log_and_the_lock_venv_stay_out_of_git() -> None:
    """The audit log holds who signed in from where: never committed."""
    for path in ("data/coalition.audit.jsonl", ".lock-venv/bin/pip"):
        ignored = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT, check=False).returncode
        assert ignored == 0, path
