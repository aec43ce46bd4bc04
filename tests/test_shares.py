"""Share links: hashed tokens, scope, recipient and language, expiry, revocation, counting, previews,
the directors' page and the impact page a link opens."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from impact import config, db, i18n, markup, metrics, public, shares
from impact.i18n import _
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


def test_a_link_keeps_its_recipient_and_language_apart_from_its_label(fixture_db: Path) -> None:
    """Label, recipient and language are stored as given (trimmed) and come back on opening and in the list."""
    link, token = _create(
        fixture_db, label=" 2025 grant report ", recipient=" Bay Area Safety Fund ", language="zh_Hant"
    )
    assert (link.label, link.recipient, link.language) == ("2025 grant report", "Bay Area Safety Fund", "zh_Hant")
    opened = shares.open_link(token, database=fixture_db, today=TODAY).link
    assert (opened.label, opened.recipient, opened.language) == ("2025 grant report", "Bay Area Safety Fund", "zh_Hant")
    assert sql(fixture_db, "select label, recipient, language from share_links") == [
        ("2025 grant report", "Bay Area Safety Fund", "zh_Hant")
    ]
    listed = shares.list_links(fixture_db, today=TODAY).iloc[0]
    assert (listed["recipient"], listed["language"]) == ("Bay Area Safety Fund", "zh_Hant")


def test_a_link_made_without_recipient_or_language_has_neither(fixture_db: Path) -> None:
    """As links made before recipients: no recipient (never the label in its place), the visitor's language."""
    _link, token = _create(fixture_db)
    opened = shares.open_link(token, database=fixture_db, today=TODAY).link
    assert opened.recipient is None and opened.language is None
    assert sql(fixture_db, "select recipient, language from share_links") == [(None, None)]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"recipient": "   "}, "Say who the link is for"),
        ({"recipient": "x" * (shares.MAX_RECIPIENT + 1)}, "recipient is too long: use at most 200"),
        ({"recipient": "Fund\nSign in again"}, "recipient contains a control character"),
        ({"label": "x" * (shares.MAX_LABEL + 1), "recipient": "Fund"}, "label is too long: use at most 200"),
        ({"recipient": "Fund", "language": "fr"}, "Unknown language fr: choose one of English, 繁體中文"),
    ],
)
def test_a_bad_recipient_or_language_is_refused_and_nothing_is_stored(
    fixture_db: Path, changes: dict, message: str
) -> None:
    """Each refusal says what to change; no link is stored."""
    with pytest.raises(shares.ShareError, match=message):
        _create(fixture_db, **changes)
    assert sql(fixture_db, "select count(*) from share_links")[0][0] == 0


def test_a_preview_finds_a_link_by_its_number_and_is_never_counted(fixture_db: Path) -> None:
    """The link and its state as its recipient would find it; times opened and last opened stay as they were."""
    link, _token = _create(fixture_db, recipient="Bay Area Safety Fund", language="es")
    visit = shares.preview(str(link.link_id), database=fixture_db, today=TODAY)
    assert visit.state is shares.LinkState.OK and visit.link == link
    later = shares.preview(link.link_id, database=fixture_db, today=link.expires_on + timedelta(days=1))
    assert later.state is shares.LinkState.EXPIRED and later.link == link  # the director may know which
    shares.revoke(link.link_id, by="test-director", database=fixture_db)
    assert shares.preview(link.link_id, database=fixture_db, today=TODAY).state is shares.LinkState.REVOKED
    assert sql(fixture_db, "select times_opened, last_opened from share_links") == [(0, None)]
    for junk in ("999", "abc", "", "1; drop table share_links", "1.5"):
        assert shares.preview(junk, database=fixture_db, today=TODAY) == shares.Visit(shares.LinkState.UNKNOWN)


# The share_links table as it was before recipients and languages.
OLD_SHARE_LINKS = """
create sequence share_link_id_seq start 1;
create table share_links (
    link_id integer primary key default nextval('share_link_id_seq'),
    token_sha256 varchar not null unique check (regexp_full_match(token_sha256, '[0-9a-f]{64}')),
    label varchar not null check (length(trim(label)) > 0),
    partners varchar[],
    start_date date not null,
    end_date date not null,
    expires_on date not null,
    created_by varchar not null,
    created_at timestamp not null,
    revoked_at timestamp,
    revoked_by varchar,
    last_opened timestamp,
    times_opened integer not null default 0 check (times_opened >= 0),
    check (start_date <= end_date)
);
"""


def test_a_link_of_an_older_database_keeps_working_without_recipient_or_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opened by the current version, the table gets the new columns; the old link opens, counts and lists,
    with no recipient and no language; new links store both."""
    path = tmp_path / "old.duckdb"
    monkeypatch.setenv("IMPACT_DB", str(path))
    token = shares.new_token()
    old = duckdb.connect(str(path))
    old.execute(OLD_SHARE_LINKS)
    old.execute(
        """insert into share_links (token_sha256, label, partners, start_date, end_date, expires_on, created_by,
        created_at) values ($hash, 'Harbor Fund', null, '2024-01-01', '2024-12-31', '2030-01-01', 'dir', now())""",
        {"hash": shares.token_hash(token)},
    )
    old.close()
    try:
        visit = shares.open_link(token, database=path, today=TODAY)
        assert visit.state is shares.LinkState.OK
        assert (visit.link.label, visit.link.recipient, visit.link.language) == ("Harbor Fund", None, None)
        listed = shares.list_links(path, today=TODAY)
        assert listed[["label", "times_opened", "state"]].values.tolist() == [["Harbor Fund", 1, "active"]]
        link, _token = shares.create(
            "2025", None, TODAY, TODAY, TODAY, "dir", path, today=TODAY, recipient="Fund", language="es"
        )
        assert shares.preview(link.link_id, database=path, today=TODAY).link.language == "es"
    finally:
        db.close(path)


def _app(role_name: str | None, **params: str) -> AppTest:
    at = AppTest.from_file(str(config.PROJECT_ROOT / "app.py"), default_timeout=60)
    if role_name:
        sign_in_as(at, role_name)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def _page(at: AppTest, page: str) -> AppTest:
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def _visitor(**params: str) -> AppTest:
    """The impact page as a signed-out visitor opens a URL ("/" leads them to it)."""
    at = _app(None, **params)
    at.run()
    assert not at.exception and at.title[0].value != "Overview"
    return at


def _links_page(role_name: str | None) -> AppTest:
    return _page(_app(role_name), "pages/8_share_links.py")


def _labelled(widgets, label: str):
    return next(w for w in widgets if w.label == label)


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def _sent(at: AppTest) -> str:
    """Everything the page sent to the browser (every element's message, tables decoded)."""
    parts = []
    for node in _walk(at._tree):
        if getattr(node, "proto", None) is not None:
            parts.append(str(node.proto))
        if type(node).__name__ in ("Table", "Dataframe"):
            parts.append(node.value.to_csv())
    return "\n".join(parts)


def _people_shown(at: AppTest) -> list[str]:
    return [m.value for m in at.metric if m.label == "Unique people reached"]


def test_a_director_creates_a_link_with_recipient_and_language_and_sees_it_listed(
    fixture_db: Path, accounts: dict
) -> None:
    """The form stores label, recipient, language and partners; the shown URL's token matches the stored hash;
    the list puts State, Recipient, Label, Last opened and Times opened first."""
    at = _links_page(accounts["director"])
    _labelled(at.text_input, "Label").input("2025 grant report")
    _labelled(at.text_input, "Recipient").input("Chinatown Fund")
    _labelled(at.selectbox, "Language of the page").select("zh_Hant")
    _labelled(at.multiselect, "Partners").select("HYC")
    _labelled(at.button, "Create link").click().run()
    assert not at.exception
    url = at.code[0].value
    assert "/impact?share=" in url
    token = url.split("share=")[1]
    rows = sql(fixture_db, "select label, recipient, language, partners, created_by, token_sha256 from share_links")
    assert rows == [
        (
            "2025 grant report",
            "Chinatown Fund",
            "zh_Hant",
            ["HYC"],
            accounts["director"],
            hashlib.sha256(token.encode()).hexdigest(),
        )
    ]
    assert any("Link created for Chinatown Fund" in s.value for s in at.success)
    listed = at.dataframe[0].value
    assert list(listed.columns[:5]) == ["State", "Recipient", "Label", "Last opened (UTC)", "Times opened"]
    first = listed.iloc[0]
    assert (first["State"], first["Recipient"], first["Label"]) == ("Active", "Chinatown Fund", "2025 grant report")
    assert first["Times opened"] == 0 and first["Last opened (UTC)"] == "–"
    assert first["Language"] == "繁體中文" and first["Scope"].startswith("Harbor Youth Center; ")
    link_id = sql(fixture_db, "select link_id from share_links")[0][0]
    assert _preview_links(at) == [{"preview": [str(link_id)], "lang": ["zh-Hant"]}]  # in the link's language
    # the link's protected report is stored before anyone opens it
    [scope] = [s for s in public.active_scopes(fixture_db) if s.partners == ("HYC",)]
    stored = sql(fixture_db, "select scope_key from public_reports")
    assert (scope.key(public.threshold()),) in stored


def _preview_links(at: AppTest) -> list[dict]:
    """The query parameters of the page's links to /impact ("Preview as the funder sees it")."""
    found = [n.proto for n in _walk(at._tree) if type(getattr(n, "proto", None)).__name__ == "PageLink"]
    return [parse_qs(p.query_string) for p in found if p.page.endswith("impact") and "preview" in p.query_string]


@pytest.mark.parametrize(
    ("label", "recipient", "message"),
    [
        ("", "Chinatown Fund", "Give the link a label"),
        ("2025 grant report", "", "Say who the link is for"),
    ],
)
def test_the_form_refuses_a_link_without_label_or_recipient_with_a_sentence(
    fixture_db: Path, accounts: dict, label: str, recipient: str, message: str
) -> None:
    """An error that says what to fill in; no link, no URL."""
    at = _links_page(accounts["director"])
    _labelled(at.text_input, "Label").input(label)
    _labelled(at.text_input, "Recipient").input(recipient)
    _labelled(at.button, "Create link").click().run()
    assert not at.exception
    assert message in at.error[0].value and len(at.code) == 0
    assert sql(fixture_db, "select count(*) from share_links")[0][0] == 0


def test_the_list_shows_a_link_made_without_recipient_with_a_dash_and_all_partners(
    fixture_db: Path, accounts: dict
) -> None:
    """A null partners list reads 'All partners' and opens unrestricted; no recipient reads '–'."""
    _, token = _create(fixture_db, partners=None)
    assert shares.open_link(token, database=fixture_db, today=TODAY).link.partners is None
    listed = _links_page(accounts["director"]).dataframe[0].value.iloc[0]
    assert listed["Scope"].startswith("All partners; ") and listed["Recipient"] == "–"
    assert listed["Language"] == "The visitor's"


def test_revoking_asks_for_confirmation_naming_the_link_and_the_list_then_shows_it_revoked(
    fixture_db: Path, accounts: dict
) -> None:
    """The button is disabled until the director confirms; afterwards the link is revoked (by whom), the list
    says Revoked and a message names the link."""
    link, token = _create(
        fixture_db, recipient="Harbor Fund", expires_on=date.today() + timedelta(days=5), today=date.today()
    )
    at = _links_page(accounts["admin"])
    assert _preview_links(at) == []
    at.selectbox(key="share_pick").select(link.link_id).run()
    assert _preview_links(at) == [{"preview": [str(link.link_id)], "lang": ["en"]}]  # a link without a language
    warning = at.warning[0].value
    assert f"Revoking link #{link.link_id} (Bay Area Safety Fund)" in warning and "Harbor Fund" in warning
    revoke = at.button(key="share_revoke")
    assert revoke.disabled  # until the checkbox is ticked
    at.checkbox(key=f"share_revoke_confirm_{link.link_id}").check().run()
    assert not at.button(key="share_revoke").disabled
    at.button(key="share_revoke").click().run()
    assert not at.exception
    assert sql(fixture_db, "select revoked_by from share_links")[0][0] == accounts["admin"]
    assert shares.open_link(token, database=fixture_db).state is shares.LinkState.REVOKED
    assert at.dataframe[0].value.iloc[0]["State"] == "Revoked"
    assert [s.value for s in at.success] == [
        f"Link #{link.link_id} (Bay Area Safety Fund) is revoked: it shows no data from now on."
    ]
    assert any("This link was revoked on" in c.value for c in at.caption)
    assert not [b for b in at.button if b.key == "share_revoke"]  # nothing left to revoke


@pytest.mark.parametrize("role", [None, "analyst"])
def test_the_share_links_page_is_refused_to_the_public_and_analysts(
    fixture_db: Path, accounts: dict, role: str | None
) -> None:
    """No link list, no form: only the refusal (and for the public, a sign-in form)."""
    _create(fixture_db, recipient="Harbor Fund", expires_on=date.today() + timedelta(days=5), today=date.today())
    at = _links_page(accounts[role] if role else None)
    assert len(at.dataframe) == 0 and len(at.code) == 0
    assert "Bay Area Safety Fund" not in repr(at._tree) and "Harbor Fund" not in repr(at._tree)
    assert at.warning[0].value


# -- the impact page a link opens ---------------------------------------------------------------


def _language_shown(at: AppTest) -> str:
    """The language the page was drawn in (the sidebar's switcher shows it)."""
    return at.selectbox(key="_interface_language").value


def test_a_link_opens_in_its_language_unless_the_url_names_one(fixture_db: Path) -> None:
    """Without ?lang= the page is in the link's language (the URL then carries it); ?lang=es wins; the visit
    is counted once."""
    _link, token = _create(
        fixture_db,
        recipient="Harbor Fund",
        language="zh_Hant",
        expires_on=date.today() + timedelta(days=5),
        today=date.today(),
    )
    at = _visitor(share=token)
    assert _language_shown(at) == "zh_Hant" and at.query_params["lang"] in ("zh-Hant", ["zh-Hant"])
    with i18n.using("zh_Hant"):
        prepared = _("Prepared for {recipient}").format(recipient="Harbor Fund")
    assert [h.value for h in at.subheader if "Harbor Fund" in h.value] == [prepared]
    assert sql(fixture_db, "select times_opened from share_links") == [(1,)]
    spanish = _visitor(share=token, lang="es")  # as the switcher sets it
    assert _language_shown(spanish) == "es"
    assert sql(fixture_db, "select times_opened from share_links") == [(1,)]  # the same browser, not a new visit


def test_an_old_link_without_recipient_shows_no_prepared_for_line_and_never_its_label(fixture_db: Path) -> None:
    """The label is the director's name for the link: it is not shown as if it were the recipient."""
    _link, token = _create(
        fixture_db, label="Old grant link", expires_on=date.today() + timedelta(days=5), today=date.today()
    )
    at = _visitor(share=token)
    assert not [h for h in at.subheader if "Prepared for" in h.value]
    assert "Old grant link" not in _sent(at)
    assert at.metric  # the page itself is there


def test_a_director_previews_a_link_as_its_recipient_sees_it_without_counting(fixture_db: Path, accounts: dict) -> None:
    """Its scope (the same headline figures as the recipient's visit, one of them an independent count), its
    language and its recipient, a banner saying it is a preview; times opened stays 0."""
    link, token = _create(
        fixture_db,
        partners=["HYC"],
        start=date(2024, 1, 1),
        end=date(2024, 12, 31),
        recipient="Harbor Fund",
        language="es",
        expires_on=date.today() + timedelta(days=5),
        today=date.today(),
    )
    scoped = sql(
        fixture_db,
        "select count(distinct participant_key) from engagements "
        "where partner_id = 'HYC' and engaged_on between '2024-01-01' and '2024-12-31'",
    )[0][0]
    at = _app(accounts["director"])
    at.run()  # the director's overview, in English
    at.query_params[shares.PREVIEW_PARAM] = str(link.link_id)
    del at.query_params["lang"]  # the preview's address as typed, without ?lang=
    at.switch_page("pages/5_impact.py").run()
    assert not at.exception
    assert _language_shown(at) == "es" and at.query_params["lang"] in ("es", ["es"])
    with i18n.using("es"):
        prepared = _("Prepared for {recipient}").format(recipient="Harbor Fund")
        banner = _("Preview of link #{id} ({label}): this is the page as {recipient} sees it.").format(
            id=link.link_id, label="Bay Area Safety Fund", recipient="Harbor Fund"
        )
    assert banner in at.info[0].value
    assert prepared in [h.value for h in at.subheader]
    assert sql(fixture_db, "select times_opened, last_opened from share_links") == [(0, None)]
    funder = _visitor(share=token, lang="es")
    with i18n.using("es"):
        people = _(next(k.label for k in metrics.PUBLIC_KPIS if k.key == "unique_people"))
    previewed = [m.value for m in at.metric if m.label == people]
    assert previewed == [m.value for m in funder.metric if m.label == people]
    assert i18n.format_number(scoped) in previewed or f"{scoped:,}" in previewed
    assert [m.value for m in at.metric] == [m.value for m in funder.metric]


@pytest.mark.parametrize("role", [None, "analyst"])
def test_a_preview_is_refused_to_everyone_but_directors_who_get_the_public_page(
    fixture_db: Path, accounts: dict, role: str | None
) -> None:
    """Signed out or as an analyst, ?preview= shows the open public page with a sentence: nothing of the link,
    no count."""
    link, _token = _create(
        fixture_db,
        recipient="Harbor Fund",
        language="es",
        expires_on=date.today() + timedelta(days=5),
        today=date.today(),
    )
    at = _page(_app(accounts[role] if role else None, preview=str(link.link_id), lang="en"), "pages/5_impact.py")
    assert "Only the coalition's directors can preview a share link" in at.info[0].value
    page = _sent(at)
    assert "Harbor Fund" not in page and "Bay Area Safety Fund" not in page and "Preview of link" not in page
    assert _language_shown(at) == "en"
    public_page = _visitor(lang="en")
    assert [m.value for m in at.metric] == [m.value for m in public_page.metric]
    assert sql(fixture_db, "select times_opened from share_links") == [(0,)]


@pytest.mark.parametrize(("state", "message"), [("revoked", "no longer active"), ("unknown", "There is no share link")])
def test_a_director_previewing_a_closed_or_missing_link_sees_what_its_recipient_would(
    fixture_db: Path, accounts: dict, state: str, message: str
) -> None:
    """A revoked link's preview shows the recipient's message and no data; a number that is no link says so."""
    link, _token = _create(
        fixture_db, recipient="Harbor Fund", expires_on=date.today() + timedelta(days=5), today=date.today()
    )
    if state == "revoked":
        shares.revoke(link.link_id, by="test-director", database=fixture_db)
    wanted = str(link.link_id) if state == "revoked" else "999"
    at = _page(_app(accounts["director"], preview=wanted), "pages/5_impact.py")
    assert any(message in i.value for i in at.info)
    assert len(at.metric) + len(at.table) + len(at.get("plotly_chart")) == 0


HOSTILE_RECIPIENT = "[Fund](https://evil.example/r) <b>bold</b>"
HOSTILE_LABEL = "# :material/warning: **2025**"


def test_a_recipient_and_label_from_a_person_are_shown_as_text_on_both_pages(fixture_db: Path, accounts: dict) -> None:
    """The created message, the revoke confirmation and the preview banner escape them: no link, no markup."""
    at = _links_page(accounts["director"])
    _labelled(at.text_input, "Label").input(HOSTILE_LABEL)
    _labelled(at.text_input, "Recipient").input(HOSTILE_RECIPIENT)
    _labelled(at.button, "Create link").click().run()
    assert not at.exception
    assert markup.text(HOSTILE_RECIPIENT) in at.success[0].value
    link_id = sql(fixture_db, "select link_id from share_links")[0][0]
    at.selectbox(key="share_pick").select(link_id).run()
    warning = at.warning[0].value
    assert markup.text(HOSTILE_LABEL) in warning and markup.text(HOSTILE_RECIPIENT) in warning
    assert HOSTILE_RECIPIENT not in warning
    preview = _page(_app(accounts["director"], preview=str(link_id)), "pages/5_impact.py")
    banner = preview.info[0].value
    assert markup.text(HOSTILE_LABEL) in banner and markup.text(HOSTILE_RECIPIENT) in banner
    assert HOSTILE_RECIPIENT not in _sent(preview).replace(markup.text(HOSTILE_RECIPIENT), "")
