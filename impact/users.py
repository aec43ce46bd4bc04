"""Local accounts: names, roles and bcrypt password hashes in a JSON file outside git.

The file (`data/users.json` beside the database, or `$IMPACT_USERS_FILE`) holds no
password, only salted bcrypt hashes. It also keeps each account's wrong passwords in a row
and the time before which no password is checked (a wait of at most a minute), so a restart
of the app does not reset them. Every change is a read-modify-write under an exclusive file
lock, written to a temporary file with mode 0600 and moved into place, so neither the app
nor the command line ever leaves a half-written file.

Signing in is built so that nobody can turn it against an account's owner or learn which
names exist (README, "Sign-in and roles"): wrong passwords make the account wait, growing
with the failures in a row but never more than a minute, instead of locking it; one client's
failures across accounts make that client wait too; and every refusal (unknown name, wrong
password, a wait not over) gets the same message after the same time, with a bcrypt check
against a dummy hash where no real one is checked.
"""

from __future__ import annotations

import collections
import fcntl
import json
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import bcrypt

from impact import audit, config
from impact.i18n import _
from impact.roles import ACCOUNT_ROLES

NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")
MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_BYTES = 72  # bcrypt reads no further; longer passwords are refused, not cut
BCRYPT_ROUNDS = 12
FILE_VERSION = 1

# A hash of nothing anyone can type, so that a sign-in with an unknown name costs the
# same bcrypt time as one with a known name (no timing hint about which names exist). Made on
# first use: at import it cost every freshly started server a bcrypt hash (0.3-1.3 s) before
# its first page, the public one included.
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = bcrypt.hashpw(b"no account has this password", bcrypt.gensalt(BCRYPT_ROUNDS)).decode()
    return _DUMMY_HASH


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message says why."""


MAX_WAIT_SECONDS = 60.0  # no wait, however many failures, keeps the right password out longer


@dataclass(frozen=True)
class Throttle:
    """How repeated wrong passwords are slowed down, without ever locking the owner out.

    After `free_failures` wrong passwords in a row, each further one makes the account wait
    `base_wait_seconds`, doubling, up to `max_wait_seconds` (at most a minute) before any
    password is checked again; attempts during a wait are refused unchecked and neither count
    nor lengthen it. A client (an address) gets the same schedule over its failures on any
    accounts in the last `client_window_minutes`, after `client_free_failures`. Every refusal
    is answered `answer_seconds` after the attempt began.
    """

    free_failures: int = 3
    base_wait_seconds: float = 5.0
    max_wait_seconds: float = MAX_WAIT_SECONDS
    answer_seconds: float = 2.0  # above a bcrypt check (12 rounds) even on a slow, busy machine
    client_free_failures: int = 10
    client_window_minutes: float = 15.0

    @classmethod
    def from_env(cls) -> Throttle:
        """$IMPACT_LOGIN_FREE_FAILURES, $IMPACT_LOGIN_BASE_DELAY, $IMPACT_LOGIN_MAX_DELAY, $IMPACT_LOGIN_ANSWER_SECONDS."""
        setting = config.number_setting
        return cls(
            free_failures=int(setting("IMPACT_LOGIN_FREE_FAILURES", cls.free_failures, minimum=0)),
            base_wait_seconds=setting("IMPACT_LOGIN_BASE_DELAY", cls.base_wait_seconds, minimum=0, whole=False),
            max_wait_seconds=setting(
                "IMPACT_LOGIN_MAX_DELAY", cls.max_wait_seconds, minimum=0, maximum=MAX_WAIT_SECONDS, whole=False
            ),
            answer_seconds=setting("IMPACT_LOGIN_ANSWER_SECONDS", cls.answer_seconds, minimum=0, whole=False),
        )

    def wait(self, failures: int, free: int | None = None) -> float:
        """Seconds before the next password is checked, after `failures` in a row."""
        over = failures - (self.free_failures if free is None else free)
        if over <= 0:
            return 0.0
        return min(self.base_wait_seconds * 2 ** (over - 1), self.max_wait_seconds, MAX_WAIT_SECONDS)


class ClientFailures:
    """Wrong sign-ins per client (address) in a sliding window, in this process's memory.

    A restart forgets them; they only slow down one client trying many names or passwords.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: dict[str, collections.deque[float]] = {}

    def _recent(self, client: str, now: float, window: float) -> collections.deque[float]:
        times = self._failures.setdefault(client, collections.deque())
        while times and times[0] < now - window:
            times.popleft()
        return times

    def wait_until(self, client: str | None, throttle: Throttle, now: float) -> float:
        """The moment (time.time()) before which this client's next attempt is refused unchecked."""
        if not client:
            return 0.0
        with self._lock:
            times = self._recent(client, now, throttle.client_window_minutes * 60)
            if not times:
                return 0.0
            return times[-1] + throttle.wait(len(times), throttle.client_free_failures)

    def record(self, client: str | None, throttle: Throttle, now: float) -> None:
        if not client:
            return
        with self._lock:
            self._recent(client, now, throttle.client_window_minutes * 60).append(now)
            if len(self._failures) > 10_000:  # forget quiet clients
                self._failures = {c: t for c, t in self._failures.items() if t and t[-1] >= now - 3600}

    def clear(self) -> None:
        with self._lock:
            self._failures.clear()


CLIENTS = ClientFailures()


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    password_hash: str = field(repr=False)
    created_at: str
    failed_attempts: int = 0  # wrong passwords in a row
    last_failed_at: str | None = None  # ISO time (UTC) of the last one
    wait_until: str | None = None  # ISO time (UTC): no password is checked before it (at most a minute)
    # Sign-in cookies issued before this time are no longer accepted (set by sign-out,
    # a password change or a role change).
    sessions_valid_after: str | None = None

    def waiting_at(self, now: datetime) -> datetime | None:
        """The end of the account's wait if it is waiting at `now`, else None."""
        if self.wait_until is None:
            return None
        until = datetime.fromisoformat(self.wait_until)
        return until if until > now else None


@dataclass(frozen=True)
class SignInResult:
    ok: bool
    account: Account | None = None
    delay: float = 0.0  # seconds the caller should wait before answering (the same total for every refusal)
    outcome: str = "ok"  # ok | unknown_name | wrong_password | account_waiting | client_waiting (for the audit log)


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
            _(
                "'{name}' is not a valid account name: use 1 to 64 letters, digits, '.', '_', '-' or '@', "
                "starting with a letter or digit."
            ).format(name=name)
        )
    return clean


def check_role(role: str) -> str:
    if role not in ACCOUNT_ROLES:
        raise AccountError(f"'{role}' is not a role; choose one of: {', '.join(ACCOUNT_ROLES)}.")
    return role


def check_password(password: str) -> bytes:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(_("The password is too short: use at least {n} characters.").format(n=MIN_PASSWORD_CHARS))
    encoded = password.encode("utf-8")
    if len(encoded) > MAX_PASSWORD_BYTES:
        raise AccountError(
            _("The password is too long: bcrypt uses at most {n} bytes of it.").format(n=MAX_PASSWORD_BYTES)
        )
    return encoded


def hash_password(password: str) -> str:
    return bcrypt.hashpw(check_password(password), bcrypt.gensalt(BCRYPT_ROUNDS)).decode("ascii")


def _account_from(name: str, record: object, path: Path) -> Account:
    """One record of the accounts file, checked: a sentence, not a traceback, when it is wrong."""
    if not isinstance(record, dict):
        raise AccountError(
            f"The accounts file {path} is damaged (account '{name}' is not a record); restore it from a backup."
        )
    known = {f.name for f in fields(Account)}
    values = {k: v for k, v in record.items() if k in known}  # older files: locked_until is dropped
    try:
        account = Account(**values)
    except TypeError:
        raise AccountError(
            f"The accounts file {path} is damaged (account '{name}' lacks a name, role, hash or date); "
            "restore it from a backup."
        ) from None
    text_fields = (account.name, account.role, account.password_hash, account.created_at)
    if not all(isinstance(v, str) for v in text_fields) or not isinstance(account.failed_attempts, int):
        raise AccountError(
            f"The accounts file {path} is damaged (account '{name}' has wrong values); restore it from a backup."
        )
    return account


def _password_matches(password: str, password_hash: str) -> bool:
    encoded = password.encode("utf-8")
    if len(encoded) > MAX_PASSWORD_BYTES:
        bcrypt.checkpw(b"x", password_hash.encode("ascii"))  # same cost either way
        return False
    return bcrypt.checkpw(encoded, password_hash.encode("ascii"))


class UserStore:
    """The accounts file. Every method reads the file afresh, so the app sees CLI changes at once."""

    _thread_lock = threading.Lock()  # flock is per process; threads of the app also queue here

    def __init__(
        self,
        path: Path | str | None = None,
        throttle: Throttle | None = None,
        *,
        audit_as: str | None = None,
        database: Path | str | None = None,
    ):
        """`audit_as`: who makes the changes through this store (an admin's account, a command-line
        user); each change is then written to the audit log of `database`."""
        self.path = Path(path) if path else users_path(database)
        self.throttle = throttle or Throttle.from_env()
        self.audit_as = audit_as
        self.database = database

    def _audit(self, event: str, target: str, **detail: Any) -> None:
        if self.audit_as:
            audit.record(event, self.audit_as, target=target, detail=detail, database=self.database)

    # -- file access -------------------------------------------------------------------

    def _read(self) -> dict[str, Account]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except IsADirectoryError:
            raise AccountError(f"The accounts file {self.path} is a folder; it must be a file.") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise AccountError(f"The accounts file {self.path} is damaged ({exc}); restore it from a backup.") from None
        records = raw.get("users", {}) if isinstance(raw, dict) else None
        if not isinstance(records, dict):
            raise AccountError(
                f"The accounts file {self.path} is damaged (it holds no list of accounts); restore it from a backup."
            )
        return {name: _account_from(name, record, self.path) for name, record in records.items()}

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
                raise AccountError(_("There is already an account named '{name}'.").format(name=clean))
            accounts[clean] = Account(clean, role, password_hash, now_utc().isoformat(timespec="seconds"))
            return accounts[clean]

        account = self._change(change)
        self._audit("account_added", account.name, role=role)
        return account

    def remove(self, name: str) -> None:
        clean = normalise_name(name)

        def change(accounts: dict[str, Account]) -> None:
            if accounts.pop(clean, None) is None:
                raise AccountError(_("There is no account named '{name}'.").format(name=clean))

        self._change(change)
        self._audit("account_removed", clean)

    def set_role(self, name: str, role: str) -> Account:
        clean, role = normalise_name(name), check_role(role)
        before = self.get(clean)
        account = self._update(clean, lambda a: replace(a, role=role, sessions_valid_after=now_utc().isoformat()))
        self._audit("role_changed", clean, role=role, before=before.role if before else "")
        return account

    def set_password(self, name: str, password: str) -> Account:
        password_hash = hash_password(password)
        account = self._update(
            normalise_name(name),
            lambda a: replace(
                a,
                password_hash=password_hash,
                failed_attempts=0,
                wait_until=None,
                sessions_valid_after=now_utc().isoformat(),
            ),
        )
        self._audit("password_set", account.name)
        return account

    def unlock(self, name: str) -> Account:
        """Forget the account's wrong passwords and end its wait."""
        account = self._update(normalise_name(name), lambda a: replace(a, failed_attempts=0, wait_until=None))
        self._audit("account_unlocked", account.name)
        return account

    def end_sessions(self, name: str, at: datetime | None = None) -> None:
        """Refuse every sign-in cookie of this account issued before `at` (sign-out)."""
        moment = (at or now_utc()).isoformat()
        self._update(normalise_name(name), lambda a: replace(a, sessions_valid_after=moment))

    def _update(self, clean: str, update: Callable[[Account], Account]) -> Account:
        def change(accounts: dict[str, Account]) -> Account:
            if clean not in accounts:
                raise AccountError(_("There is no account named '{name}'.").format(name=clean))
            accounts[clean] = update(accounts[clean])
            return accounts[clean]

        return self._change(change)

    # -- signing in --------------------------------------------------------------------

    def verify(self, name: str, password: str, now: datetime | None = None, client: str | None = None) -> SignInResult:
        """Check a password, counting wrong ones; answers every refusal alike.

        Refused without a password check, and without counting: a client or an account still
        waiting after earlier failures. Refused after a check: an unknown name (against a dummy
        hash, so it costs the same) and a wrong password (counted; after `free_failures` in a
        row, the account waits). `delay` brings every refusal to `answer_seconds` in all.
        """
        started = time.monotonic()
        now = now or now_utc()
        stamp = now.timestamp()
        clean = normalise_name(name)
        account = self._read().get(clean)
        if CLIENTS.wait_until(client, self.throttle, stamp) > stamp:
            _password_matches(password, _dummy_hash())
            return self._refused(started, account, "client_waiting")
        if account is None:
            _password_matches(password, _dummy_hash())
            CLIENTS.record(client, self.throttle, stamp)
            return self._refused(started, None, "unknown_name")
        if account.waiting_at(now) is not None:
            _password_matches(password, _dummy_hash())
            return self._refused(started, account, "account_waiting")
        if _password_matches(password, account.password_hash):
            if account.failed_attempts or account.wait_until:
                account = self._update(clean, lambda a: replace(a, failed_attempts=0, wait_until=None))
            return SignInResult(True, account)

        def record_failure(a: Account) -> Account:
            failures = a.failed_attempts + 1
            wait = self.throttle.wait(failures)
            until = (now + timedelta(seconds=wait)).isoformat() if wait else None
            return replace(a, failed_attempts=failures, last_failed_at=now.isoformat(), wait_until=until)

        account = self._update(clean, record_failure)
        CLIENTS.record(client, self.throttle, stamp)
        return self._refused(started, account, "wrong_password")

    def _refused(self, started: float, account: Account | None, outcome: str) -> SignInResult:
        spent = time.monotonic() - started
        return SignInResult(False, account, delay=max(self.throttle.answer_seconds - spent, 0.0), outcome=outcome)


def wait(seconds: float) -> None:
    """Slow down an answer to a wrong password (a separate function so tests can skip it)."""
    if seconds > 0:
        time.sleep(seconds)
