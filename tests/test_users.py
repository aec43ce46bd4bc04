"""Local accounts: bcrypt hashes in a 0600 file, waits after repeated failures, the `users` command."""

from __future__ import annotations

import io
import json
import stat
import subprocess
import sys
from pathlib import Path

import bcrypt
import pytest

from impact import cli, config, users

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def fast_bcrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap bcrypt rounds keep the tests quick; the algorithm and checks stay the same."""
    monkeypatch.setattr(users, "BCRYPT_ROUNDS", 4)


@pytest.fixture
def store(tmp_path: Path) -> users.UserStore:
    return users.UserStore(tmp_path / "users.json", users.Throttle(free_failures=2, answer_seconds=0))


def test_the_file_holds_a_bcrypt_hash_never_the_password_and_is_private(store: users.UserStore) -> None:
    """The stored record is a salted bcrypt hash that checks out, the file mode is 0600."""
    store.add("Mei", "director", PASSWORD)
    text = store.path.read_text(encoding="utf-8")
    assert PASSWORD not in text
    record = json.loads(text)["users"]["mei"]
    assert record["role"] == "director"
    assert record["password_hash"].startswith("$2b$")
    assert bcrypt.checkpw(PASSWORD.encode(), record["password_hash"].encode())
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600


def test_two_accounts_with_the_same_password_get_different_salts(store: users.UserStore) -> None:
    """Salting: equal passwords never give equal hashes."""
    store.add("a", "analyst", PASSWORD)
    store.add("b", "analyst", PASSWORD)
    assert store.get("a").password_hash != store.get("b").password_hash


def test_bad_names_roles_and_passwords_are_refused_with_a_reason(store: users.UserStore) -> None:
    """Each refusal says what to change."""
    with pytest.raises(users.AccountError, match="not a valid account name"):
        store.add("bad name!", "analyst", PASSWORD)
    with pytest.raises(users.AccountError, match="not a role"):
        store.add("ok", "public", PASSWORD)
    with pytest.raises(users.AccountError, match="too short"):
        store.add("ok", "analyst", "short")
    with pytest.raises(users.AccountError, match="too long"):
        store.add("ok", "analyst", "長" * 30)
    store.add("ok", "analyst", PASSWORD)
    with pytest.raises(users.AccountError, match="already an account"):
        store.add("OK", "admin", PASSWORD)
    assert [a.name for a in store.list()] == ["ok"]


def test_sign_in_accepts_the_right_password_in_any_name_case(store: users.UserStore) -> None:
    """Names are case-blind; the password is not."""
    store.add("Mei", "director", PASSWORD)
    assert store.verify(" MEI ", PASSWORD).ok
    assert not store.verify("mei", PASSWORD.upper()).ok
    assert not store.verify("nobody", PASSWORD).ok


def test_a_right_password_resets_the_failure_count(store: users.UserStore) -> None:
    """Only wrong passwords in a row count towards a wait."""
    store.add("mei", "director", PASSWORD)
    store.verify("mei", "wrong password 1")
    store.verify("mei", "wrong password 2")
    assert store.verify("mei", PASSWORD).ok
    store.verify("mei", "wrong password 3")
    assert store.get("mei").failed_attempts == 1
    assert store.get("mei").wait_until is None


def test_the_wait_doubles_up_to_a_minute_at_most() -> None:
    """After 3 free failures: 5 s, 10 s, 20 s, 40 s, then 60 s however many more (the defaults)."""
    throttle = users.Throttle()
    assert [throttle.wait(n) for n in range(10)] == [0, 0, 0, 0, 5, 10, 20, 40, 60, 60]


def test_throttle_settings_come_from_the_environment_and_never_exceed_a_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """Operators can tune the waits without code changes, but no setting keeps the owner out longer than a minute."""
    monkeypatch.setenv("IMPACT_LOGIN_FREE_FAILURES", "7")
    monkeypatch.setenv("IMPACT_LOGIN_BASE_DELAY", "2")
    monkeypatch.setenv("IMPACT_LOGIN_MAX_DELAY", "900")
    monkeypatch.setenv("IMPACT_LOGIN_ANSWER_SECONDS", "1.5")
    throttle = users.Throttle.from_env()
    assert (throttle.free_failures, throttle.base_wait_seconds, throttle.answer_seconds) == (7, 2, 1.5)
    assert throttle.max_wait_seconds == 60 and throttle.wait(100) == 60


def test_role_change_and_sign_out_end_earlier_sessions(store: users.UserStore) -> None:
    """Both move sessions_valid_after forward, so older sign-in cookies stop working."""
    store.add("mei", "analyst", PASSWORD)
    assert store.get("mei").sessions_valid_after is None
    store.set_role("mei", "director")
    changed = store.get("mei")
    assert changed.role == "director" and changed.sessions_valid_after is not None
    store.end_sessions("mei")
    assert store.get("mei").sessions_valid_after >= changed.sessions_valid_after


def test_users_file_defaults_beside_the_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Without $IMPACT_USERS_FILE the accounts live next to the DuckDB file, in a folder git ignores."""
    monkeypatch.delenv("IMPACT_USERS_FILE", raising=False)
    monkeypatch.setenv("IMPACT_DB", str(tmp_path / "x.duckdb"))
    assert users.users_path() == tmp_path / "users.json"
    monkeypatch.delenv("IMPACT_DB")
    assert users.users_path() == config.DEFAULT_DB.with_name("users.json")
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "data/users.json"], cwd=config.PROJECT_ROOT, check=False
    ).returncode
    assert ignored == 0


def _cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, argv: list[str], stdin: str = "") -> tuple:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_users_command_adds_lists_changes_and_removes_accounts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """`python -m impact users ...` manages the file named by $IMPACT_USERS_FILE, password from stdin."""
    path = tmp_path / "accounts" / "users.json"
    monkeypatch.setenv("IMPACT_USERS_FILE", str(path))
    code, out, _ = _cli(monkeypatch, capsys, ["users", "add", "Mei", "--role", "director"], PASSWORD + "\n")
    assert code == cli.EXIT_OK and "'mei' added with role director" in out
    assert users.UserStore(path).verify("mei", PASSWORD).ok
    code, out, _ = _cli(monkeypatch, capsys, ["users", "list"])
    assert code == 0 and "mei" in out and "director" in out and "active" in out
    code, out, _ = _cli(monkeypatch, capsys, ["users", "set-role", "mei", "admin"])
    assert code == 0 and users.UserStore(path).get("mei").role == "admin"
    code, _, err = _cli(monkeypatch, capsys, ["users", "add", "mei", "--role", "analyst"], PASSWORD + "\n")
    assert code == cli.EXIT_REJECTED and "already an account" in err
    code, _, err = _cli(monkeypatch, capsys, ["users", "add", "li", "--role", "analyst"], "short\n")
    assert code == cli.EXIT_REJECTED and "too short" in err
    code, out, _ = _cli(monkeypatch, capsys, ["users", "remove", "MEI"])
    assert code == 0 and users.UserStore(path).list() == []
    code, _, err = _cli(monkeypatch, capsys, ["users", "remove", "mei"])
    assert code == cli.EXIT_REJECTED and "no account named 'mei'" in err


def test_users_command_refuses_an_unknown_role_as_bad_usage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """argparse rejects roles outside analyst/director/admin with exit 2."""
    monkeypatch.setenv("IMPACT_USERS_FILE", str(tmp_path / "users.json"))
    with pytest.raises(SystemExit) as exit_info:
        _cli(monkeypatch, capsys, ["users", "add", "x", "--role", "public"], PASSWORD + "\n")
    assert exit_info.value.code == cli.EXIT_USAGE


def test_users_command_runs_as_a_module_with_the_password_piped_in(tmp_path: Path) -> None:
    """The documented command works end to end in a real process."""
    path = tmp_path / "users.json"
    env = {"IMPACT_USERS_FILE": str(path), "PATH": "/usr/bin:/bin", "IMPACT_AUDIT_FILE": str(tmp_path / "audit.jsonl")}
    done = subprocess.run(
        [sys.executable, "-m", "impact", "users", "add", "ana", "--role", "analyst"],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        cwd=config.PROJECT_ROOT,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert users.UserStore(path).verify("ana", PASSWORD).ok
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
