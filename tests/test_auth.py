"""Who may see what: signed cookies, SSO roles, every page as every role, sign-in, lockout and sign-out."""

from __future__ import annotations

import stat
import time
from datetime import timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from impact import config, users
from impact.web import auth, ui
from tests.conftest import STAFF_PASSWORD, sign_in_as

KEY = b"k" * 32
ROLES = ("public", "analyst", "director", "admin")
# The audiences: public sees only the impact page (and sign-in); analysts the
# dashboards (with goals and community voice), upload and data pages; directors the dashboards
# and share links; admins all.
EXPECTED = {
    "public": {"signin", "impact"},
    "analyst": {
        "signin",
        "overview",
        "reach",
        "languages",
        "partners",
        "goals",
        "voice",
        "ingredients",
        "impact",
        "upload",
        "data",
    },
    "director": {
        "signin",
        "overview",
        "reach",
        "languages",
        "partners",
        "goals",
        "voice",
        "ingredients",
        "impact",
        "data",
        "share_links",
    },
    "admin": {p.id for p in ui.PAGES},
}


def test_a_token_round_trips_and_any_change_breaks_it() -> None:
    """The cookie's payload is signed: edits, other keys and expiry all make it worthless."""
    now = time.time()
    token = auth.make_token("mei", KEY, now, hours=1)
    assert auth.read_token(token, KEY, now + 10)["u"] == "mei"
    payload, signature = token.split(".")
    forged = auth.make_token("admin", b"other key", now, hours=1).split(".")[0] + "." + signature
    assert auth.read_token(forged, KEY, now) is None
    assert auth.read_token(payload + "." + signature[:-2] + "AA", KEY, now) is None
    assert auth.read_token(token, b"another key", now) is None
    assert auth.read_token(token, KEY, now + 3601) is None
    assert auth.read_token("junk", KEY, now) is None


def test_a_sign_in_ends_when_the_account_signs_out_changes_role_or_is_removed(tmp_path: Path) -> None:
    """The role is read from the accounts file at every check, never from the cookie."""
    store = users.UserStore(tmp_path / "users.json")
    store.add("mei", "analyst", STAFF_PASSWORD)
    issued = time.time()
    assert auth.account_user("mei", issued, store) == auth.User("mei", "analyst", "local")
    store.end_sessions("mei", at=users.now_utc() + timedelta(seconds=1))
    assert auth.account_user("mei", issued, store) is None
    later = time.time() + 5
    assert auth.account_user("mei", later, store).role == "analyst"
    store.remove("mei")
    assert auth.account_user("mei", later, store) is None


def test_sso_emails_get_roles_from_the_allow_list_only() -> None:
    """Case-blind match; the highest listed role wins; anyone else is public."""
    allow = {"director": ["ED@Partner.org"], "admin": ["it@coalition.org", "ed@partner.org"], "analyst": ["a@b.org"]}
    assert auth.sso_role("ed@partner.org", allow) == "admin"
    assert auth.sso_role("a@b.org", allow) == "analyst"
    assert auth.sso_role("stranger@example.org", allow) == "public"
    assert auth.sso_role(None, allow) == "public"


def test_the_cookie_key_is_made_once_with_mode_0600(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Generated on first use beside the database (or $IMPACT_COOKIE_KEY_FILE), then reused."""
    monkeypatch.delenv("IMPACT_COOKIE_KEY_FILE", raising=False)
    monkeypatch.setenv("IMPACT_DB", str(tmp_path / "coalition.duckdb"))
    first = auth.cookie_key()
    path = tmp_path / "coalition.cookie.secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 43 and auth.cookie_key() == first


def _app(name: str | None = None) -> AppTest:
    at = AppTest.from_file(str(config.PROJECT_ROOT / "app.py"), default_timeout=60)
    if name:
        sign_in_as(at, name)
    return at


def _shown_data(at: AppTest) -> int:
    """How many data-bearing elements the page drew."""
    return len(at.metric) + len(at.dataframe) + len(at.table) + len(at.get("plotly_chart"))


def _nav(at: AppTest) -> set[str]:
    """The page ids the sidebar links to, without the account block's sign-in link."""
    return {link.proto.page for link in at.sidebar.get("page_link")} - {"signin"}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_opened_as_each_role_shows_only_what_the_role_may_see(
    fixture_db: Path, accounts: dict, role: str
) -> None:
    """Allowed pages draw without a refusal; refused pages draw a refusal and no data at all."""
    for page in ui.PAGES:
        at = _app(None if role == "public" else accounts[role])
        at.run()
        at.switch_page(page.file).run()
        warnings = " ".join(w.value for w in at.warning)
        allowed = role in page.audience
        assert allowed == (page.id in EXPECTED[role]), page.id
        if allowed:
            assert "may not see this page" not in warnings and "for coalition staff" not in warnings, page.id
        else:
            assert not at.exception, page.id
            assert _shown_data(at) == 0, page.id
            assert ("for coalition staff" in warnings) if role == "public" else ("may not see this page" in warnings)
            assert (len(at.text_input) == 2) == (role == "public"), page.id  # the sign-in form, for the public only


@pytest.mark.parametrize("role", ROLES)
def test_navigation_lists_only_the_pages_of_the_signed_in_role(fixture_db: Path, accounts: dict, role: str) -> None:
    """The sidebar's links are exactly the role's pages (the sign-in page is linked separately)."""
    at = _app(None if role == "public" else accounts[role])
    at.run()
    assert _nav(at) == EXPECTED[role] - {"signin"}


def test_anonymous_visitors_land_on_the_impact_page_and_staff_on_the_overview(fixture_db: Path, accounts: dict) -> None:
    """'/' depends on who is looking."""
    public = _app()
    public.run()
    assert public.title[0].value == "Our shared impact"
    staff = _app(accounts["analyst"])
    staff.run()
    assert "overview" in staff.title[0].value.lower()


def _sign_in_with_form(at: AppTest, name: str, password: str) -> None:
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    next(b for b in at.button if b.label == "Sign in").click().run()


def test_signing_in_with_the_form_opens_the_page_and_signing_out_closes_it(fixture_db: Path, accounts: dict) -> None:
    """A direct visit to /data asks for sign-in; the right password opens it; sign-out ends it everywhere."""
    at = _app()
    at.run()
    at.switch_page("pages/7_data.py").run()
    assert "for coalition staff" in at.warning[0].value
    _sign_in_with_form(at, accounts["analyst"], STAFF_PASSWORD)
    assert not at.warning or "for coalition staff" not in at.warning[0].value
    assert any("Signed in as test-analyst" in c.value for c in at.sidebar.caption)
    issued = at.session_state[auth.SESSION_KEY]["iat"]
    assert at.session_state[auth.COOKIE_PENDING_KEY]  # the cookie the browser is asked to keep
    next(b for b in at.sidebar.button if b.label == "Sign out").click().run()
    at.run()
    assert "for coalition staff" in at.warning[0].value
    assert auth.account_user(accounts["analyst"], issued) is None  # that sign-in's cookie no longer works


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(fixture_db: Path, accounts: dict) -> None:
    """Unknown names and wrong passwords get the same message."""
    at = _app()
    at.run()
    at.switch_page("pages/1_overview.py").run()
    _sign_in_with_form(at, accounts["director"], "not the password")
    wrong_password = at.error[0].value
    _sign_in_with_form(at, "nobody-here", STAFF_PASSWORD)
    assert at.error[0].value == wrong_password
    assert _shown_data(at) == 0


def test_repeated_wrong_passwords_make_the_account_wait_on_the_page(
    fixture_db: Path, accounts: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After 2 free failures (configured) the account waits: even the right password gets the same refusal, until
    the wait (under a minute) is over."""
    monkeypatch.setenv("IMPACT_LOGIN_FREE_FAILURES", "2")
    monkeypatch.setenv("IMPACT_LOGIN_BASE_DELAY", "30")
    monkeypatch.setenv("IMPACT_LOGIN_ANSWER_SECONDS", "0")
    at = _app()
    at.run()
    at.switch_page("pages/1_overview.py").run()
    for attempt in range(3):
        _sign_in_with_form(at, accounts["director"], f"wrong password {attempt}")
    refusal = at.error[0].value
    _sign_in_with_form(at, accounts["director"], STAFF_PASSWORD)
    assert at.error[0].value == refusal
    assert _shown_data(at) == 0
    waiting = users.UserStore().get(accounts["director"]).waiting_at(users.now_utc())
    assert waiting is not None and waiting - users.now_utc() <= timedelta(minutes=1)
    users.UserStore().unlock(accounts["director"])  # as an admin would, or a minute later
    _sign_in_with_form(at, accounts["director"], STAFF_PASSWORD)
    assert any("Signed in as test-director" in c.value for c in at.sidebar.caption)


def test_the_single_sign_on_button_appears_only_when_secrets_configure_it(fixture_db: Path, accounts: dict) -> None:
    """With an [auth] section in secrets.toml the sign-in page offers st.login; without it, only local accounts."""
    plain = _app()
    plain.run()
    plain.switch_page("pages/0_signin.py").run()
    assert not [b for b in plain.button if "single sign-on" in b.label]
    with_sso = _app()
    with_sso.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "id",
        "client_secret": "secret",
        "server_metadata_url": "https://accounts.example/.well-known/openid-configuration",
    }
    with_sso.run()
    with_sso.switch_page("pages/0_signin.py").run()
    assert not with_sso.exception
    assert [b for b in with_sso.button if b.label == "Sign in with single sign-on"]
    assert len(with_sso.text_input) == 2  # local accounts still work beside it
