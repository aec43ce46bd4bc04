"""Local accounts: names, roles and bcrypt password hashes in a JSON file outside git.

The file (`data/users.json` beside the database, or `$IMPACT_USERS_FILE`) holds no
password, only salted bcrypt hashes. It also keeps each account's failed sign-in
attempts and the time it is locked until, so a restart of the app does not reset a
lockout. Every change is a read-modify-write under an exclusive file lock, written to a
temporary file with mode 0600 and moved into place, so neither the app nor the command
line ever leaves a half-written file.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import bcrypt

from impact import config
from impact.roles import ACCOUNT_ROLES

NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")
MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_BYTES = 72  # bcrypt reads no further; longer passwords are refused, not cut
BCRYPT_ROUNDS = 12
FILE_VERSION = 1

# A hash of nothing anyone can type, so that a sign-in with an unknown name costs the
# same bcrypt time as one with a known name (no timing hint about which names exist).
_DUMMY_HASH = bcrypt.hashpw(b"no account has this password", bcrypt.gensalt(BCRYPT_ROUNDS)).decode()


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message says why."""


@dataclass(frozen=True)
class Lockout:
    """How repeated wrong passwords are slowed down and stopped."""

    max_failures: int = 5  # wrong passwords in a row before the account locks
    lock_minutes: float = 15.0
    base_delay_seconds: float = 0.5  # doubles with each failure in a row ...
    max_delay_seconds: float = 8.0  # ... up to this

    @classmethod
    def from_env(cls) -> Lockout:
        """$IMPACT_LOGIN_MAX_FAILURES, $IMPACT_LOGIN_LOCK_MINUTES, $IMPACT_LOGIN_BASE_DELAY, $IMPACT_LOGIN_MAX_DELAY."""
        env = os.environ
        return cls(
            max_failures=int(env.get("IMPACT_LOGIN_MAX_FAILURES", cls.max_failures)),
            lock_minutes=float(env.get("IMPACT_LOGIN_LOCK_MINUTES", cls.lock_minutes)),
            base_delay_seconds=float(env.get("IMPACT_LOGIN_BASE_DELAY", cls.base_delay_seconds)),
            max_delay_seconds=float(env.get("IMPACT_LOGIN_MAX_DELAY", cls.max_delay_seconds)),
        )

    def delay(self, failures: int) -> float:
        """Seconds to wait before answering a wrong password, growing with the failures in a row."""
        if failures <= 0:
            return 0.0
        return min(self.base_delay_seconds * 2 ** (failures - 1), self.max_delay_seconds)


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    password_hash: str = field(repr=False)
    created_at: str
    failed_attempts: int = 0
    locked_until: str | None = None  # ISO time (UTC)
    # Sign-in cookies issued before this time are no longer accepted (set by sign-out,
    # a password change or a role change).
    sessions_valid_after: str | None = None

    def locked_at(self, now: datetime) -> datetime | None:
        """The end of the lock if the account is locked at `now`, else None."""
        if self.locked_until is None:
            return None
        until = datetime.fromisoformat(self.locked_until)
        return until if until > now else None


@dataclass(frozen=True)
class SignInResult:
    ok: bool
    account: Account | None = None
    locked_until: datetime | None = None
    delay: float = 0.0  # seconds the caller should wait before answering

    @property
    def locked(self) -> bool:
        return self.locked_until is not None


def users_path(database: Path | str | None = None) -> Path:
    """The accounts file: $IMPACT_USERS_FILE, else users.json beside the database."""
    env = os.environ.get("IMPACT_USERS_FILE")
    if env:
        return Path(env)
    return config.db_path(database).with_name("users.json")


def now_utc() -> datetime:
    return datetime.now(UTC)


def normalise_name(name: str) -> str:
    """Names are matched without regard to case or surrounding spaces."""
    return name.strip().lower()


def check_name(name: str) -> str:
    clean = normalise_name(name)
    if not NAME_PATTERN.fullmatch(clean):
        raise AccountError(
            f"'{name}' is not a valid account name: use 1 to 64 letters, digits, '.', '_', '-' or '@', "
            "starting with a letter or digit."
        )
    return clean


def check_role(role: str) -> str:
    if role not in ACCOUNT_ROLES:
        raise AccountError(f"'{role}' is not a role; choose one of: {', '.join(ACCOUNT_ROLES)}.")
    return role


def check_password(password: str) -> bytes:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"The password is too short: use at least {MIN_PASSWORD_CHARS} characters.")
    encoded = password.encode("utf-8")
    if len(encoded) > MAX_PASSWORD_BYTES:
        raise AccountError(f"The password is too long: bcrypt uses at most {MAX_PASSWORD_BYTES} bytes of it.")
    return encoded


def hash_password(password: str) -> str:
    return bcrypt.hashpw(check_password(password), bcrypt.gensalt(BCRYPT_ROUNDS)).decode("ascii")


def _password_matches(password: str, password_hash: str) -> bool:
    encoded = password.encode("utf-8")
    if len(encoded) > MAX_PASSWORD_BYTES:
        bcrypt.checkpw(b"x", password_hash.encode("ascii"))  # same cost either way
        return False
    return bcrypt.checkpw(encoded, password_hash.encode("ascii"))


class UserStore:
    """The accounts file. Every method reads the file afresh, so the app sees CLI changes at once."""

    _thread_lock = threading.Lock()  # flock is per process; threads of the app also queue here

    def __init__(self, path: Path | str | None = None, lockout: Lockout | None = None):
        self.path = Path(path) if path else users_path()
        self.lockout = lockout or Lockout.from_env()

    # -- file access -------------------------------------------------------------------

    def _read(self) -> dict[str, Account]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except json.JSONDecodeError as exc:
            raise AccountError(f"The accounts file {self.path} is damaged ({exc}); restore it from a backup.") from None
        return {name: Account(**record) for name, record in raw.get("users", {}).items()}

    def _write(self, accounts: dict[str, Account]) -> None:
        payload = {
            "version": FILE_VERSION,
            "users": {name: asdict(a) for name, a in sorted(accounts.items())},
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".users-", suffix=".tmp", dir=self.path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(payload, out, ensure_ascii=False, indent=2)
                out.write("\n")
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_file = self.path.with_name(self.path.name + ".lock")
        with self._thread_lock:
            fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)

    def _change(self, change: Callable[[dict[str, Account]], Any]) -> Any:
        with self._locked():
            accounts = self._read()
            result = change(accounts)
            self._write(accounts)
            return result

    # -- reading -----------------------------------------------------------------------

    def list(self) -> list[Account]:
        return sorted(self._read().values(), key=lambda a: a.name)

    def get(self, name: str) -> Account | None:
        return self._read().get(normalise_name(name))

    # -- managing accounts -------------------------------------------------------------

    def add(self, name: str, role: str, password: str) -> Account:
        clean, role = check_name(name), check_role(role)
        password_hash = hash_password(password)

        def change(accounts: dict[str, Account]) -> Account:
            if clean in accounts:
                raise AccountError(f"There is already an account named '{clean}'.")
            accounts[clean] = Account(clean, role, password_hash, now_utc().isoformat(timespec="seconds"))
            return accounts[clean]

        return self._change(change)

    def remove(self, name: str) -> None:
        clean = normalise_name(name)

        def change(accounts: dict[str, Account]) -> None:
            if accounts.pop(clean, None) is None:
                raise AccountError(f"There is no account named '{clean}'.")

        self._change(change)

    def set_role(self, name: str, role: str) -> Account:
        clean, role = normalise_name(name), check_role(role)
        return self._update(clean, lambda a: replace(a, role=role, sessions_valid_after=now_utc().isoformat()))

    def set_password(self, name: str, password: str) -> Account:
        password_hash = hash_password(password)
        return self._update(
            normalise_name(name),
            lambda a: replace(
                a,
                password_hash=password_hash,
                failed_attempts=0,
                locked_until=None,
                sessions_valid_after=now_utc().isoformat(),
            ),
        )

    def unlock(self, name: str) -> Account:
        return self._update(normalise_name(name), lambda a: replace(a, failed_attempts=0, locked_until=None))

    def end_sessions(self, name: str, at: datetime | None = None) -> None:
        """Refuse every sign-in cookie of this account issued before `at` (sign-out)."""
        moment = (at or now_utc()).isoformat()
        self._update(normalise_name(name), lambda a: replace(a, sessions_valid_after=moment))

    def _update(self, clean: str, update: Callable[[Account], Account]) -> Account:
        def change(accounts: dict[str, Account]) -> Account:
            if clean not in accounts:
                raise AccountError(f"There is no account named '{clean}'.")
            accounts[clean] = update(accounts[clean])
            return accounts[clean]

        return self._change(change)

    # -- signing in --------------------------------------------------------------------

    def verify(self, name: str, password: str, now: datetime | None = None) -> SignInResult:
        """Check a password, counting failures and locking the account after too many.

        A locked account is refused without looking at the password, so guessing during
        the lock teaches nothing. Unknown names cost the same bcrypt time as known ones.
        """
        now = now or now_utc()
        clean = normalise_name(name)
        account = self._read().get(clean)
        if account is None:
            _password_matches(password, _DUMMY_HASH)
            return SignInResult(False, delay=self.lockout.delay(1))
        until = account.locked_at(now)
        if until is not None:
            return SignInResult(False, account, locked_until=until)
        if _password_matches(password, account.password_hash):
            if account.failed_attempts or account.locked_until:
                account = self._update(clean, lambda a: replace(a, failed_attempts=0, locked_until=None))
            return SignInResult(True, account)

        def record_failure(a: Account) -> Account:
            # an expired lock starts a new count
            failures = 1 if a.locked_until and a.locked_at(now) is None else a.failed_attempts + 1
            locked_until = None
            if failures >= self.lockout.max_failures:
                locked_until = (now + timedelta(minutes=self.lockout.lock_minutes)).isoformat()
            return replace(a, failed_attempts=failures, locked_until=locked_until)

        account = self._update(clean, record_failure)
        return SignInResult(
            False,
            account,
            locked_until=account.locked_at(now),
            delay=self.lockout.delay(account.failed_attempts),
        )


def wait(seconds: float) -> None:
    """Slow down an answer to a wrong password (a separate function so tests can skip it)."""
    if seconds > 0:
        time.sleep(seconds)
