"""Findings 3 and 4 (sign-in) and build item 8 (accounts and the audit log in the app).

Nobody can lock an owner out: wrong passwords make an account wait, never more than a minute;
nobody can tell names apart: unknown, wrong and waiting answer alike, in the same time; admins
see the failures and manage accounts on /admin through the same code as the command line.
"""

from __future__ import annotations

import stat
import statistics
import time
from datetime import timedelta
from pathlib import Path

import bcrypt
import pytest
from streamlit.testing.v1 import AppTest

from impact import audit, cli, config, users
from impact.web import auth
from tests.conftest import STAFF_PASSWORD, sign_in_as

PASSWORD = "correct horse battery"


def _dummy_hash(rounds: int) -> str:
    return bcrypt.hashpw(b"no account has this password", bcrypt.gensalt(rounds)).decode()


FAST_DUMMY = _dummy_hash(4)


@pytest.fixture(autouse=True)
def fresh_clients_and_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no client's failures remembered and an audit log of its own; hashes are cheap
    (the same algorithm; the timing test sets real costs)."""
    users.CLIENTS.clear()
    monkeypatch.setenv("IMPACT_AUDIT_FILE", str(tmp_path / "audit.jsonl"))
    monkeypatch.setattr(users, "BCRYPT_ROUNDS", 4)
    monkeypatch.setattr(users, "_DUMMY_HASH", FAST_DUMMY)


@pytest.fixture
def store(tmp_path: Path) -> users.UserStore:
    """An accounts file with 'mei' (the waits of the defaults; answers without the 1 s padding)."""
    made = users.UserStore(tmp_path / "users.json", users.Throttle(answer_seconds=0))
    made.add("mei", "admin", PASSWORD)
    return made


def test_no_number_of_wrong_passwords_keeps_the_right_one_out_for_more_than_a_minute(store: users.UserStore) -> None:
    """Forty wrong passwords from someone who knows the name: a minute after the last, the owner signs in."""
    now = users.now_utc()
    for attempt in range(40):
        now += timedelta(minutes=2)  # each guess after the previous wait is over, so every one counts
        assert not store.verify("mei", f"wrong password {attempt}", now=now).ok
    waiting = store.get("mei").waiting_at(now)
    assert waiting is not None and waiting - now <= timedelta(seconds=60)
    assert store.verify("mei", PASSWORD, now=now + timedelta(seconds=61)).ok
    assert store.get("mei").failed_attempts == 0


def test_attempts_during_a_wait_are_refused_unchecked_and_neither_count_nor_lengthen_it(
    store: users.UserStore,
) -> None:
    """Guessing during a wait teaches nothing (even the right password is refused) and cannot extend the wait."""
    now = users.now_utc()
    for attempt in range(5):
        store.verify("mei", f"wrong {attempt}", now=now)
    before = store.get("mei")
    assert before.waiting_at(now) is not None
    for attempt in range(50):
        assert not store.verify("mei", f"during {attempt}", now=now + timedelta(seconds=1)).ok
    assert not store.verify("mei", PASSWORD, now=now + timedelta(seconds=1)).ok
    after = store.get("mei")
    assert (after.failed_attempts, after.wait_until) == (before.failed_attempts, before.wait_until)


def test_the_first_wrong_passwords_cost_no_wait(store: users.UserStore) -> None:
    """Three typos in a row are free; the right password then works at once."""
    now = users.now_utc()
    for attempt in range(3):
        assert store.verify("mei", f"typo {attempt}", now=now).outcome == "wrong_password"
    assert store.get("mei").wait_until is None
    assert store.verify("mei", PASSWORD, now=now).ok


def test_one_client_trying_many_names_is_slowed_down_and_others_are_not(tmp_path: Path) -> None:
    """Wrong sign-ins from one address, on any names, make that address wait; another address signs in."""
    made = users.UserStore(tmp_path / "users.json", users.Throttle(answer_seconds=0, client_free_failures=5))
    made.add("mei", "analyst", PASSWORD)
    now = users.now_utc()
    for attempt in range(10):
        made.verify(f"guess-{attempt}", "wrong password", now=now, client="203.0.113.9")
    refused = made.verify("mei", PASSWORD, now=now, client="203.0.113.9")
    assert (refused.ok, refused.outcome) == (False, "client_waiting")
    assert made.verify("mei", PASSWORD, now=now, client="198.51.100.7").ok
    assert made.get("mei").failed_attempts == 0  # the client's failures never touched mei's account


def _answer_time(made: users.UserStore, name: str, password: str) -> float:
    started = time.perf_counter()
    result = made.verify(name, password)
    users.wait(result.delay)
    assert not result.ok
    return time.perf_counter() - started


ANSWER = 0.8  # seconds: well above a cost-10 hash (about 0.1 s), short enough for nine answers


def test_unknown_wrong_and_waiting_answers_take_the_same_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With real bcrypt costs, an unknown name, a wrong password and a waiting account all answer after the
    configured time, so timing tells no name apart (before: unknown 1.4 s, known 1.4, 1.9, 2.9, 4.9, 9.5 s)."""
    monkeypatch.setattr(users, "BCRYPT_ROUNDS", 10)  # a real bcrypt cost (production: 12), under the answer time
    monkeypatch.setattr(users, "_DUMMY_HASH", _dummy_hash(10))  # the dummy costs what a real hash costs
    made = users.UserStore(tmp_path / "users.json", users.Throttle(answer_seconds=ANSWER, base_wait_seconds=30))
    made.add("mei", "analyst", PASSWORD)
    timings = {
        "unknown": [_answer_time(made, "nobody-here", "wrong password") for _ in range(3)],
        "wrong": [_answer_time(made, "mei", f"wrong {n}") for n in range(3)],
        "waiting": [_answer_time(made, "mei", f"more {n}") for n in range(4)][1:],  # the 4th wrong starts the wait
    }
    assert made.get("mei").waiting_at(users.now_utc()) is not None
    medians = {kind: statistics.median(times) for kind, times in timings.items()}
    # Never sooner than the answer time; the medians alike (a single answer may be late when the
    # suite's other worker holds the CPU, which says nothing about the name asked for).
    assert all(t >= ANSWER for times in timings.values() for t in times), timings
    assert all(m < ANSWER + 0.5 for m in medians.values()), medians
    assert max(medians.values()) - min(medians.values()) < 0.25, medians


def _app(name: str | None = None) -> AppTest:
    at = AppTest.from_file(str(config.PROJECT_ROOT / "app.py"), default_timeout=60)
    if name:
        sign_in_as(at, name)
    return at


def _sign_in_with_form(at: AppTest, name: str, password: str) -> str:
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    next(b for b in at.button if b.label == "Sign in").click().run()
    return at.error[0].value if at.error else ""


def test_the_form_gives_one_answer_to_unknown_names_wrong_passwords_and_waits(
    fixture_db: Path, accounts: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same sentence for all three, and an admin account is never locked: after the wait it signs in."""
    monkeypatch.setenv("IMPACT_LOGIN_FREE_FAILURES", "1")
    monkeypatch.setenv("IMPACT_LOGIN_BASE_DELAY", "30")
    monkeypatch.setenv("IMPACT_LOGIN_ANSWER_SECONDS", "0")
    at = _app()
    at.run()
    at.switch_page("pages/0_signin.py").run()
    unknown = _sign_in_with_form(at, "nobody-here", STAFF_PASSWORD)
    wrong = _sign_in_with_form(at, accounts["admin"], "wrong password 1")
    _sign_in_with_form(at, accounts["admin"], "wrong password 2")  # the account now waits
    waiting = _sign_in_with_form(at, accounts["admin"], STAFF_PASSWORD)
    assert unknown == wrong == waiting != ""
    assert "locked" not in waiting
    account = users.UserStore().get(accounts["admin"])
    assert account.waiting_at(users.now_utc()) - users.now_utc() <= timedelta(minutes=1)


def test_sign_ins_and_refusals_are_in_the_audit_log_without_unknown_names(
    fixture_db: Path, accounts: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Admins see every refusal and sign-in; a name that is no account (maybe a password) is never written."""
    monkeypatch.setenv("IMPACT_LOGIN_ANSWER_SECONDS", "0")
    at = _app()
    at.run()
    at.switch_page("pages/0_signin.py").run()
    _sign_in_with_form(at, "my secret password", "x")
    _sign_in_with_form(at, accounts["analyst"], "wrong password")
    _sign_in_with_form(at, accounts["analyst"], STAFF_PASSWORD)
    log = audit.read()
    assert list(log["event"][:3]) == ["sign_in", "sign_in_failed", "sign_in_failed"]
    assert list(log["target"][:3]) == [accounts["analyst"], accounts["analyst"], ""]
    assert [d.get("why") for d in log["detail"][1:3]] == ["wrong_password", "unknown_name"]
    assert "my secret password" not in audit.audit_path().read_text(encoding="utf-8")
    assert stat.S_IMODE(audit.audit_path().stat().st_mode) == 0o600


def _tab(at: AppTest, label: str):
    return next(t for t in at.tabs if t.label == label)


def test_admins_manage_accounts_on_the_admin_page_and_read_the_audit_log(fixture_db: Path, accounts: dict) -> None:
    """Add, change a role, set a password, end a wait and remove: the accounts file changes and each step is logged."""
    at = _app(accounts["admin"])
    at.run()
    at.switch_page("pages/9_admin.py").run()
    assert not at.exception
    add = _tab(at, "Add an account")
    add.text_input[0].input("new-analyst")
    add.selectbox[0].select("analyst")
    add.text_input[1].input(PASSWORD)
    add.text_input[2].input(PASSWORD)
    next(b for b in add.button if b.label == "Add the account").click().run()
    assert not at.exception
    assert users.UserStore().get("new-analyst").role == "analyst"

    role = _tab(at, "Change a role")
    role.selectbox[0].select("new-analyst")
    role.selectbox[1].select("director")
    next(b for b in role.button if b.label == "Change the role").click().run()
    assert users.UserStore().get("new-analyst").role == "director"

    store = users.UserStore(throttle=users.Throttle(free_failures=0, answer_seconds=0))
    store.verify("new-analyst", "wrong password")
    at.run()
    assert any(1 in list(frame.value.iloc[:, 3]) for frame in at.dataframe)  # wrong passwords in a row, shown
    wait = _tab(at, "End a wait")
    wait.selectbox[0].select("new-analyst")
    next(b for b in wait.button if b.label == "Forget its wrong passwords").click().run()
    assert users.UserStore().get("new-analyst").failed_attempts == 0

    password = _tab(at, "Set a password")
    password.selectbox[0].select("new-analyst")
    password.text_input[0].input("another long password")
    password.text_input[1].input("another long password")
    next(b for b in password.button if b.label == "Set the password").click().run()
    assert users.UserStore().verify("new-analyst", "another long password").ok

    remove = _tab(at, "Remove an account")
    remove.selectbox[0].select("new-analyst")
    remove.checkbox[0].check()
    next(b for b in remove.button if b.label == "Remove the account").click().run()
    assert users.UserStore().get("new-analyst") is None

    events = list(audit.read()["event"])
    for event in ("account_added", "role_changed", "account_unlocked", "password_set", "account_removed"):
        assert event in events
    assert set(audit.read()["actor"][audit.read()["event"] == "role_changed"]) == {accounts["admin"]}
    at.run()
    shown = " ".join(frame.value.to_string() for frame in at.dataframe)
    assert "Changed a role" in shown and "Added an account" in shown
    assert [b.label for b in at.get("download_button")] == ["Download the audit log (CSV)"]


def test_an_admin_cannot_take_their_own_account_away_on_the_page(fixture_db: Path, accounts: dict) -> None:
    """The admin's own account is not offered for a role change or removal (the command line can do it)."""
    at = _app(accounts["admin"])
    at.run()
    at.switch_page("pages/9_admin.py").run()
    for label in ("Change a role", "Remove an account", "Set a password"):
        assert accounts["admin"] not in _tab(at, label).selectbox[0].options


def test_account_changes_from_the_command_line_are_audited_under_the_login(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """`python -m impact users set-role` is written to the audit log beside the database, as '<login> (command line)'."""
    import io
    import sys

    monkeypatch.setattr(users, "BCRYPT_ROUNDS", 4)
    database = tmp_path / "coalition.duckdb"
    monkeypatch.setenv("IMPACT_DB", str(database))
    monkeypatch.setenv("IMPACT_USERS_FILE", str(tmp_path / "users.json"))
    monkeypatch.setenv("IMPACT_USER", "it-person")
    monkeypatch.delenv("IMPACT_AUDIT_FILE", raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert cli.main(["users", "add", "mei", "--role", "analyst"]) == 0
    assert cli.main(["users", "set-role", "mei", "director"]) == 0
    log = audit.read()
    assert list(log["event"]) == ["role_changed", "account_added"]
    assert set(log["actor"]) == {"it-person (command line)"}
    assert audit.audit_path() == tmp_path / "coalition.audit.jsonl"


def test_signing_in_is_still_checked_from_the_accounts_file(accounts: dict) -> None:
    """The helper the page uses refuses a wrong password and accepts the right one."""
    assert not users.UserStore().verify(accounts["director"], "wrong password").ok
    assert users.UserStore().verify(accounts["director"], STAFF_PASSWORD).ok
    assert auth.client_address() is None  # outside a browser session there is no address
