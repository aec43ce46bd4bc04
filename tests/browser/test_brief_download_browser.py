"""The PDF brief of a share link's page, downloaded in headless Chromium: revoking the link stops it at
once, for its recipient and for a director's preview drawn before the revocation (the button's file is
made on click, so a page drawn while the link was open must not hand one out after)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page

from impact import db, shares
from tests.browser.conftest import build_fixture_db, rerun_after, sign_in, wait_for_app
from tests.browser.test_share_links_browser import _choose

pytestmark = pytest.mark.browser


@pytest.fixture
def contexts(person: Callable[[], Page]) -> tuple[BrowserContext, BrowserContext]:
    """A funder's browser and a director's."""
    return person().context, person().context


def _download_works(page: Page) -> None:
    """Click the page's 'Download PDF': a PDF comes."""
    with page.expect_download(timeout=90_000) as download:
        page.get_by_role("button", name="Download PDF").click()
    assert download.value.path().read_bytes().startswith(b"%PDF-")


def _download_refused(page: Page) -> None:
    """Click the page's 'Download PDF': Streamlit says it failed, and no file comes."""
    downloads: list[object] = []
    page.on("download", lambda download: downloads.append(download))
    page.get_by_role("button", name="Download PDF").click()
    page.get_by_text("Failed to generate file for download").wait_for(timeout=90_000)
    assert downloads == []


def test_revoking_a_link_stops_its_pdf_at_once_for_its_recipient_and_a_directors_preview(
    tmp_path: Path, start_server, accounts, contexts
) -> None:
    """The funder's page and the director's preview, both drawn while the link was open, download the brief;
    once a director revokes the link, the same buttons give no file."""
    path = build_fixture_db(tmp_path / "coalition.duckdb")
    link, token = shares.create(
        "2024 grant report",
        ["HYC", "CLA"],
        date(2024, 1, 1),
        date(2024, 12, 31),
        date.today() + timedelta(days=30),
        by="test",
        database=path,
        recipient="Harbor Fund",
    )
    db.close(path)
    server = start_server(path)
    funder_context, director_context = contexts
    funder = funder_context.new_page()
    funder.goto(f"{server.url}/impact?share={token}&lang=en")
    wait_for_app(funder)
    funder.get_by_role("heading", name="Prepared for Harbor Fund").wait_for()
    preview = director_context.new_page()
    sign_in(preview, server.url, accounts["director"])
    preview.goto(f"{server.url}/impact?preview={link.link_id}&lang=en")
    wait_for_app(preview)
    preview.get_by_text(f"Preview of link #{link.link_id}").wait_for()
    _download_works(funder)
    _download_works(preview)

    # A director revokes the link (in another tab), after confirming.
    listing = director_context.new_page()
    listing.goto(server.url + "/share_links?lang=en")
    wait_for_app(listing)
    _choose(listing, "Link", "2024 grant report")
    rerun_after(listing, lambda: listing.get_by_text("Yes, revoke link #").click())
    listing.get_by_role("button", name="Revoke link #").click()
    listing.get_by_text("is revoked: it shows no data from now on.").wait_for()

    _download_refused(funder)
    _download_refused(preview)
