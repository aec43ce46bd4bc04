"""Share links: hashed tokens, scope, expiry, revocation, counting, and the directors' page."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from impact import config, shares
from tests.conftest import sign_in_as, sql

TODAY = date(2026, 3, 1)


def _create(db: Path, **changes) -> tuple[shares.ShareLink, str]:
    args = {
        "label": "Bay Area Safety Fund",
        "partners": ["HYC", "CLA"],
        "start": date(2024, 1, 1),
        "end": date(2024, 6, 30),
        "expires_on": TODAY + timedelta(days=30),
        "by": "test-director",
        "database": db,
        "today": TODAY,
    }
    return shares.create(**{**args, **changes})


def test_only_the_sha256_of_a_long_random_token_is_stored(fixture_db: Path) -> None:
    """The token is 43 URL-safe characters (256 bits); the table holds its hash and nowhere the token."""
    link, token = _create(fixture_db)
    _, other = _create(fixture_db)
    assert len(token) == 43 and token != other
    rows = sql(fixture_db, "select * from share_links where link_id = $id", {"id": link.link_id})
    assert token not in repr(rows)
    stored = sql(fixture_db, "select token_sha256 from share_links where link_id = $id", {"id": link.link_id})[0][0]
    assert stored == hashlib.sha256(token.encode()).hexdigest()


def test_a_link_opens_its_scope_and_is_counted(fixture_db: Path) -> None:
    """Opening gives the stored partners and dates; times opened and last opened are kept."""
    link, token = _create(fixture_db)
    first = shares.open_link(token, database=fixture_db, today=TODAY)
    assert first.state is shares.LinkState.OK
    assert first.link.partners == ("CLA", "HYC")
    assert (first.link.start, first.link.end) == (date(2024, 1, 1), date(2024, 6, 30))
    shares.open_link(token, database=fixture_db, today=TODAY)
    shares.open_link(token, database=fixture_db, today=TODAY, count=False)
    listed = shares.list_links(fixture_db, today=TODAY).set_index("link_id").loc[link.link_id]
    assert listed["times_opened"] == 2
    assert listed["last_opened"] is not None and listed["state"] == "active"
    assert listed["label"] == "Bay Area Safety Fund" and listed["created_by"] == "test-director"


def test_revoked_links_open_nothing_at_once(fixture_db: Path) -> None:
    """After revoking, the next visit gets no link and no scope."""
    link, token = _create(fixture_db)
    shares.revoke(link.link_id, by="test-director", database=fixture_db)
    visit = shares.open_link(token, database=fixture_db, today=TODAY)
    assert visit.state is shares.LinkState.REVOKED and visit.link is None
    assert shares.list_links(fixture_db, today=TODAY)["state"].tolist() == ["revoked"]


def test_expired_links_open_nothing(fixture_db: Path) -> None:
    """A link works through its expiry day and not after."""
    _link, token = _create(fixture_db, expires_on=TODAY)
    assert shares.open_link(token, database=fixture_db, today=TODAY).state is shares.LinkState.OK
    later = shares.open_link(token, database=fixture_db, today=TODAY + timedelta(days=1))
    assert later.state is shares.LinkState.EXPIRED and later.link is None
    assert shares.list_links(fixture_db, today=TODAY + timedelta(days=1))["state"].tolist() == ["expired"]


def test_unknown_and_malformed_tokens_open_nothing(fixture_db: Path) -> None:
    """Guesses, truncated links and junk all give 'unknown'."""
    _, token = _create(fixture_db)
    for guess in (None, "", token[:-1], token + "x", "A" * 43, "'; drop table share_links; --"):
        assert shares.open_link(guess, database=fixture_db, today=TODAY).state is shares.LinkState.UNKNOWN


def test_bad_links_are_refused_with_a_reason(fixture_db: Path) -> None:
    """Empty label, reversed dates, past expiry and unknown partners are refused; nothing is stored."""
    with pytest.raises(shares.ShareError, match="label"):
        _create(fixture_db, label="  ")
    with pytest.raises(shares.ShareError, match="starts after it ends"):
        _create(fixture_db, start=date(2024, 7, 1))
    with pytest.raises(shares.ShareError, match="expiry date has passed"):
        _create(fixture_db, expires_on=TODAY - timedelta(days=1))
    with pytest.raises(shares.ShareError, match="Unknown partners: NOPE"):
        _create(fixture_db, partners=["HYC", "NOPE"])
    assert sql(fixture_db, "select count(*) from share_links")[0][0] == 0


def _app(role_name: str | None) -> AppTest:
    at = AppTest.from_file(str(config.PROJECT_ROOT / "app.py"), default_timeout=60)
    if role_name:
        sign_in_as(at, role_name)
    return at


def test_a_director_creates_a_link_on_the_page_and_sees_it_listed(fixture_db: Path, accounts: dict) -> None:
    """The form stores a link whose shown URL carries a token matching the stored hash."""
    at = _app(accounts["director"])
    at.run()
    at.switch_page("pages/8_share_links.py").run()
    assert not at.exception
    at.text_input[0].input("Chinatown Fund")
    at.multiselect[0].select("HYC")
    at.button[0].click().run()  # the form's "Create link"
    assert not at.exception
    url = at.code[0].value
    assert "/impact?share=" in url
    token = url.split("share=")[1]
    rows = sql(fixture_db, "select label, partners, created_by, token_sha256 from share_links")
    assert rows == [("Chinatown Fund", ["HYC"], accounts["director"], hashlib.sha256(token.encode()).hexdigest())]
    listed = at.dataframe[0].value
    assert listed.iloc[0]["Label"] == "Chinatown Fund" and listed.iloc[0]["Times opened"] == 0
    assert listed.iloc[0]["Scope"].startswith("Harbor Youth Center; ")


def test_a_link_for_all_partners_is_listed_and_opens_for_all_partners(fixture_db: Path, accounts: dict) -> None:
    """A null partners list reads 'All partners' and opens unrestricted."""
    _, token = _create(fixture_db, partners=None)
    assert shares.open_link(token, database=fixture_db, today=TODAY).link.partners is None
    at = _app(accounts["director"])
    at.run()
    at.switch_page("pages/8_share_links.py").run()
    assert not at.exception
    assert at.dataframe[0].value.iloc[0]["Scope"].startswith("All partners; ")


def test_a_director_revokes_a_link_on_the_page(fixture_db: Path, accounts: dict) -> None:
    """The revoke form marks the link revoked, with who did it."""
    _link, token = _create(fixture_db, expires_on=date.today() + timedelta(days=5), today=date.today())
    at = _app(accounts["admin"])
    at.run()
    at.switch_page("pages/8_share_links.py").run()
    revoke = next(b for b in at.button if b.label == "Revoke now")
    revoke.click().run()
    assert not at.exception
    assert sql(fixture_db, "select revoked_by from share_links")[0][0] == accounts["admin"]
    assert shares.open_link(token, database=fixture_db).state is shares.LinkState.REVOKED


@pytest.mark.parametrize("role", [None, "analyst"])
def test_the_share_links_page_is_refused_to_the_public_and_analysts(
    fixture_db: Path, accounts: dict, role: str | None
) -> None:
    """No link list, no form: only the refusal (and for the public, a sign-in form)."""
    _create(fixture_db, expires_on=date.today() + timedelta(days=5), today=date.today())
    at = _app(accounts[role] if role else None)
    at.run()
    at.switch_page("pages/8_share_links.py").run()
    assert not at.exception
    assert len(at.dataframe) == 0 and len(at.code) == 0
    assert "Bay Area Safety Fund" not in repr(at._tree)
    assert at.warning[0].value
