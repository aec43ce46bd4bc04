"""The security issue's findings, checked against a real server: through a bare websocket client
(what an attacker sends without a browser) and in headless Chromium (what a page draws).

Each test failed on the code before the fix (see the closing note of the issue).
"""

from __future__ import annotations

import csv
import http.cookiejar
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import BrowserContext, Page
from streamlit.proto.WidgetStates_pb2 import WidgetState

from impact import db, ingest, sessions, shares
from tests.browser.conftest import Server, Staff, build_fixture_db, launch, sign_in, wait_for_app
from tests.browser.streamlit_socket import StreamlitSocket
from tests.conftest import FIXTURES

LINK = "[x](https://evil.example/md) ![p](http://127.0.0.1:9/pixel.png)"
TAGS = '<a href="https://evil.example/tag">Tag link</a><img src="http://127.0.0.1:9/tag.png"><b id="injected">B</b>'
AUTOLINK = "www.evil.example, https://evil.example/auto :material/warning: $x$"
SCRIPT = '[j](javascript:alert(1)) <script id="injected">alert(1)</script>'
HOSTILE_PARTNERS = {"HYC": LINK, "CLA": TAGS, "SSE": AUTOLINK, "VVF": SCRIPT}
HOSTILE_NEIGHBORHOOD = '<a href="https://evil.example/hood">Hood link</a>'
HOSTILE_LANGUAGE = "[l](https://evil.example/lang)"
HOSTILE_LABEL = "[Prepared](https://evil.example/label) ![i](http://127.0.0.1:9/label.png)"
HOSTILE_FILE = "[f](https:evil.example) ![i](http:127.0.0.1:9).csv"
HOSTILE_HEADER = "[h](https://evil.example/header)"
HOSTILE_PERIOD = "%5BSign%20in%20again%5D(https%3A%2F%2Fevil.example)"

# Every attribute that loads or opens something (links, images, handlers, styles), and every element an
# injected tag would make. (Names shown as text may sit in aria-label or title: that is text.)
FIND_INJECTED = """() => {
    const found = [];
    const loads = /^(href|xlink:href|src|srcset|action|formaction|poster|data|background|style|on.*)$/i;
    for (const element of document.querySelectorAll('*')) {
        for (const attribute of element.attributes) {
            if (loads.test(attribute.name) && /evil\\.example|127\\.0\\.0\\.1:9|javascript:/i.test(attribute.value)) {
                found.push(`${element.tagName} ${attribute.name}=${attribute.value.slice(0, 80)}`);
            }
        }
    }
    for (const element of document.querySelectorAll('#injected')) found.push(`injected ${element.tagName}`);
    return found;
}"""


def _rewrite(source: Path, target: Path, change) -> Path:
    """A fixture CSV with some values changed (`change(row) -> row`)."""
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(change(dict(row)) for row in rows)
    return target


def _hostile_partners(row: dict) -> dict:
    row["name"] = HOSTILE_PARTNERS.get(row["partner_id"], row["name"])
    return row


def _hostile_events(row: dict) -> dict:
    if row["neighborhood"] == "Tenderloin":
        row["neighborhood"] = HOSTILE_NEIGHBORHOOD
    return row


def _hostile_engagements(row: dict) -> dict:
    if row["neighborhood"] == "Tenderloin":
        row["neighborhood"] = HOSTILE_NEIGHBORHOOD
    if row["language"] == "Vietnamese":
        row["language"] = HOSTILE_LANGUAGE
    return row


def build_hostile_db(tmp_path: Path) -> tuple[Path, str]:
    """Partners, events and contacts whose names are links, images, tags and scripts, and a share
    link with such a label; returns the database and the link's token."""
    path = tmp_path / "coalition.duckdb"
    files = [
        _rewrite(FIXTURES / "partners.csv", tmp_path / "partners.csv", _hostile_partners),
        _rewrite(FIXTURES / "events.csv", tmp_path / "events.csv", _hostile_events),
        _rewrite(FIXTURES / "engagements_valid.csv", tmp_path / "engagements.csv", _hostile_engagements),
    ]
    db.connection(path)
    reports = ingest.load_files(files, database=path, by="fixture")
    assert all(r.ok for r in reports), [str(p) for r in reports for p in r.problems]
    _link, token = shares.create(
        HOSTILE_LABEL,
        ["HYC", "CLA"],
        date(2023, 1, 1),
        date(2024, 12, 31),
        date.today() + timedelta(days=30),
        by="fixture",
        database=path,
        recipient=HOSTILE_LABEL,  # the page shows the recipient ("Prepared for"), never the label
    )
    db.close(path)
    return path, token


def injected(page: Page) -> list[str]:
    return page.evaluate(FIND_INJECTED)


def shown(page: Page) -> str:
    """The page's text as a reader sees it (without the invisible word joiners of impact.markup)."""
    return page.evaluate("() => document.body.innerText.replaceAll('\\u2060', '')")


def wait_until_shown(page: Page, text: str) -> None:
    """Wait until the page shows `text` whole, as a reader sees it (a part of it may be drawn first,
    in a run the page then replaces)."""
    page.wait_for_function(
        "(text) => document.body.innerText.replaceAll('\\u2060', '').includes(text)", arg=text, polling=100
    )


def _token(name: str) -> str:
    """A valid sign-in cookie for a local account (the key file is the test's)."""
    return sessions.make_token(name, sessions.cookie_key(), time.time(), 12)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory, staff: Staff) -> Iterator[tuple[Server, dict[str, str]]]:
    """One server on the fixture database for the tests that change nothing another test reads, and its
    accounts (role -> name). A sign-out ends only the sessions begun before it, so later tests sign in
    afresh. This process's environment points at the server's users and cookie-key files, as each
    test's own `accounts` did: `_token` signs cookies with its key, `UserStore` ends its sessions."""
    folder = tmp_path_factory.mktemp("security")
    with pytest.MonkeyPatch.context() as env:
        for name, value in staff.env.items():
            if value is None:
                env.delenv(name, raising=False)
            else:
                env.setenv(name, value)
        server = launch(build_fixture_db(folder / "coalition.duckdb"), folder, staff.env)
        yield server, staff.names
        server.stop()


@pytest.fixture
def context_pair(person: Callable[[], Page]) -> tuple[BrowserContext, BrowserContext]:
    """Two browsers (contexts) of one person."""
    return person().context, person().context


# -- 1. fragments -----------------------------------------------------------------------------


def test_a_fragment_rerun_after_a_sign_out_elsewhere_returns_no_data(shared: tuple[Server, dict[str, str]]) -> None:
    """Signed out in another browser, a session rerunning the reach page's fragment over the websocket gets no chart,
    no partner name: the whole page runs instead and asks to sign in. Each fragment in a session of its own:
    once that whole run has ended, Streamlit drops a rerun of any other of the page's fragments unanswered."""
    from impact import users

    server, accounts = shared
    name = accounts["analyst"]
    tried, count = 0, None
    while count is None or tried < count:
        with StreamlitSocket(server.url, {"impact_session": _token(name)}) as session:
            first = session.rerun(page="reach", query="lang=en")
            assert first.charts(), "the page drew its charts while signed in"
            fragment_ids = sorted(first.fragment_ids())  # the same ids in every session (from the code)
            assert fragment_ids and count in (None, len(fragment_ids))
            count = len(fragment_ids)
            users.UserStore().end_sessions(name)  # what "Sign out" in another browser does
            again = session.rerun(page="reach", query="lang=en", fragment_id=fragment_ids[tried])
            assert again.charts() == []
            assert "Harbor Youth Center" not in again.texts()
            assert "This page is for coalition staff" in again.texts()
        tried += 1


def test_a_fragment_control_clicked_after_a_sign_out_in_another_browser_draws_nothing(
    shared: tuple[Server, dict[str, str]], context_pair
) -> None:
    """Browser B signs out; browser A clicks "Contacts" above the partner chart: no chart comes back."""
    server, accounts = shared
    first, second = (context.new_page() for context in context_pair)
    for page in (first, second):
        sign_in(page, server.url, accounts["director"])
    first.goto(server.url + "/reach")
    wait_for_app(first)
    first.get_by_text("Unique people by month and partner").first.wait_for()
    second.get_by_role("button", name="Sign out").click()
    second.get_by_text("Staff sign-in").wait_for()
    measure = first.locator("[data-testid='stButtonGroup']").filter(has_text="Unique people").first
    measure.get_by_text("Contacts", exact=True).click()
    first.get_by_text("This page is for coalition staff").wait_for()
    wait_for_app(first)
    assert first.get_by_text("Contacts by month and partner").count() == 0
    assert first.locator(".js-plotly-plot").count() == 0


# -- 2. names are text ------------------------------------------------------------------------


def _wait_for_chart_text(page: Page, text: str) -> None:
    page.locator(".js-plotly-plot text", has_text=text).first.wait_for()


def test_names_from_people_and_files_are_shown_as_text_on_every_page(
    tmp_path: Path, start_server, page: Page, accounts
) -> None:
    """Partners, event-derived names, a file, its header, a share-link label and a URL value that are links,
    images, tags and scripts appear as those characters on every page, the public one first: no link, image or
    element of theirs is in the page."""
    path, token = build_hostile_db(tmp_path)
    server = start_server(path)

    page.goto(f"{server.url}/impact?share={token}")
    wait_for_app(page)
    page.get_by_text("Prepared for").wait_for()
    wait_until_shown(page, "[Prepared](https://evil.example/label)")
    assert injected(page) == [], "impact page of a share link"

    page.goto(server.url + "/impact")
    wait_for_app(page)
    page.get_by_text("Events partners held together").first.wait_for()  # the collaboration chart (or its table)
    wait_until_shown(page, LINK)
    assert injected(page) == [], "public impact page"

    sign_in(page, server.url, accounts["admin"])
    page.goto(f"{server.url}/overview?period={HOSTILE_PERIOD}")
    wait_for_app(page)
    wait_until_shown(page, "[Sign in again](https://evil.example)")
    assert injected(page) == [], "overview with a hostile period"

    page.goto(f"{server.url}/overview?period=all-time&partners=HYC&partners=CLA&partners=SSE&partners=VVF")
    wait_for_app(page)
    wait_until_shown(page, AUTOLINK)
    assert injected(page) == [], "overview filtered by hostile partners"

    for path_and_query, chart_text in (
        ("/reach?period=all-time", "Tag link"),
        ("/languages?period=all-time", "Tag link"),
        ("/partners?period=all-time", "Tag link"),
    ):
        page.goto(server.url + path_and_query)
        wait_for_app(page)
        _wait_for_chart_text(page, chart_text)
        page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length > 2")
        assert injected(page) == [], path_and_query

    page.goto(server.url + "/upload")
    wait_for_app(page)
    new_partner = f"partner_id,name,{HOSTILE_HEADER}\nNEW,{LINK},x\n".encode()
    page.locator("input[type=file]").set_input_files(
        files=[{"name": HOSTILE_FILE, "mimeType": "text/csv", "buffer": new_partner}]
    )
    page.get_by_text("1 row ready; no problems").first.wait_for()
    wait_for_app(page)
    assert HOSTILE_FILE in shown(page) and HOSTILE_HEADER in shown(page)
    assert injected(page) == [], "upload page, the file checked"
    page.get_by_role("button", name="Load 1 rows").click()
    page.get_by_text("Loaded 1 rows").wait_for()
    wait_for_app(page)
    assert injected(page) == [], "upload page, the file loaded"

    page.goto(server.url + "/data")
    wait_for_app(page)
    page.locator("[data-testid='stSelectbox']").filter(has_text="Upload to undo").locator("input").click()
    page.get_by_role("option").filter(has_text="evil.example").first.click()
    page.get_by_text("This removes 1 rows").wait_for()
    wait_for_app(page)
    assert injected(page) == [], "data page, the undo warning"

    page.goto(server.url + "/share_links")
    wait_for_app(page)
    assert injected(page) == [], "share links page"


# -- 4. errors ---------------------------------------------------------------------------------


def assert_no_error_details(run) -> None:
    """No error's type, message or stack reached the client (Streamlit's own wrong-type failures included)."""
    for exception in run.exceptions():
        assert list(exception.stack_trace) == [] and not exception.type, exception
        assert "redacted" in exception.message or "Something went wrong" in exception.message, exception
    for detail in ("Traceback", "TypeError", "Error:", "/work/", ".py"):
        assert detail not in run.texts(), detail


def _forged(widget_id: str, field: str, value: object) -> WidgetState:
    state = WidgetState(id=widget_id)
    if field == "string_array_value":
        state.string_array_value.data.extend(value)
    else:
        setattr(state, field, value)
    return state


FORGED_VALUES = (
    ("int_value", 1999),
    ("int_value", 2024),
    ("double_value", 2024.5),
    ("bool_value", True),
    ("string_value", "not a year"),
    ("json_value", "[1]"),
    ("string_array_value", ["2024", "x"]),
    ("bytes_value", b"x"),
)


def test_a_forged_year_on_the_public_page_gets_the_page_not_a_traceback(shared: tuple[Server, dict[str, str]]) -> None:
    """Values the year select never offered (other types, other years), sent over the websocket, show the latest
    year; no error detail reaches the client."""
    server = shared[0]
    with StreamlitSocket(server.url) as session:
        first = session.rerun(page="impact", query="lang=en")
        year = first.widget_id("selectbox", "Year")
        for field, value in FORGED_VALUES:
            forged_run = session.rerun(page="impact", query="lang=en", widgets=[_forged(year, field, value)])
            assert_no_error_details(forged_run)
            if field == "string_value":  # a value of the right type reaches the page, which copes
                assert forged_run.exceptions() == [] and forged_run.charts(), (field, value)


def test_an_error_in_a_page_reaches_the_browser_as_a_sentence_without_details(
    tmp_path: Path, start_server, accounts
) -> None:
    """A damaged accounts file makes every signed-in page fail: the page says so in a sentence; the type, message
    and stack of the error stay in the server's log."""
    server = start_server(build_fixture_db(tmp_path / "coalition.duckdb"))
    token = _token(accounts["admin"])
    Path(accounts_file := tmp_path / "users.json").write_text('["not", "accounts"]', encoding="utf-8")
    assert accounts_file.exists()
    with StreamlitSocket(server.url, {"impact_session": token}) as session:
        for page in ("overview", "impact", ""):
            run = session.rerun(page=page, query="lang=en")
            assert run.exceptions() == [], page
            assert "accounts file cannot be read" in run.texts(), page
            assert "users.json" not in run.texts() and "list" not in run.texts(), page
            assert_no_error_details(run)


# -- 7. hardening --------------------------------------------------------------------------------


def _xsrf_cookie(base_url: str) -> tuple[http.cookiejar.CookieJar, str]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(base_url + "/_stcore/health", timeout=30).read()  # sets Streamlit's XSRF cookie
    value = next(c.value for c in jar if c.name == "_streamlit_xsrf")
    return jar, value


def _upload(base_url: str, session_id: str, data: bytes) -> int:
    """PUT a file into a session's uploads, as the browser's file uploader does; the HTTP status."""
    jar, xsrf = _xsrf_cookie(base_url)
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        f"{base_url}/_stcore/upload_file/{session_id}/{uuid.uuid4()}",
        data=body,
        method="PUT",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "X-Xsrftoken": xsrf},
    )
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    try:
        with opener.open(request, timeout=60) as answer:
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code


def test_only_sessions_that_may_upload_can_put_files_into_the_server(shared: tuple[Server, dict[str, str]]) -> None:
    """An anonymous session's (or a director's) upload is refused before it is kept; an analyst's is taken."""
    server, accounts = shared
    data = b"x" * 1_000_000
    with StreamlitSocket(server.url) as anonymous:
        session_id = anonymous.rerun(page="impact", query="lang=en").session_id
        assert _upload(server.url, session_id, data) == 403
    with StreamlitSocket(server.url, {"impact_session": _token(accounts["director"])}) as director:
        session_id = director.rerun(page="overview", query="lang=en").session_id
        assert _upload(server.url, session_id, data) == 403
    with StreamlitSocket(server.url, {"impact_session": _token(accounts["analyst"])}) as analyst:
        session_id = analyst.rerun(page="upload", query="lang=en").session_id
        assert _upload(server.url, session_id, data) == 204


def test_the_public_page_asks_nothing_of_any_server_but_the_app(
    shared: tuple[Server, dict[str, str]], page: Page
) -> None:
    """Every request a visitor's browser makes for /impact goes to the app itself (the tab's icon included)."""
    server = shared[0]
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(server.url + "/impact")
    wait_for_app(page)
    page.locator(".js-plotly-plot").first.wait_for()
    icon = page.evaluate("() => [...document.querySelectorAll('link[rel~=icon]')].map(link => link.href)")
    elsewhere = [
        url
        for url in [*requested, *icon]
        if urlparse(url).scheme not in ("data", "blob") and urlparse(url).hostname not in ("127.0.0.1", "localhost")
    ]
    assert elsewhere == []


def test_a_chart_download_stops_once_the_session_has_signed_out_elsewhere(
    shared: tuple[Server, dict[str, str]], context_pair
) -> None:
    """The numbers behind a chart download while signed in; after a sign-out in another browser, the same button
    gives nothing."""
    server, accounts = shared
    first, second = (context.new_page() for context in context_pair)
    for page in (first, second):
        sign_in(page, server.url, accounts["director"])
    first.goto(server.url + "/overview")
    wait_for_app(first)
    first.get_by_text("The numbers behind this chart").first.click()
    button = first.get_by_role("button", name="Download CSV").first
    with first.expect_download() as download:
        button.click()
    assert "month" in download.value.path().read_text(encoding="utf-8-sig").lower()
    second.get_by_role("button", name="Sign out").click()
    second.get_by_text("Staff sign-in").wait_for()
    downloads = []
    first.on("download", lambda download: downloads.append(download))
    button.click()
    first.get_by_text("Failed to generate file for download").wait_for()
    assert downloads == []
