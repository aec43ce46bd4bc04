"""Share links in a real browser: a director makes one for a recipient in a language, a funder opens it
in a fresh browser in that language, editing the URL cannot widen it, the director previews it as the
funder sees it, revokes it after confirming, and revoked or expired links show no data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Page, expect

from impact import db, i18n, shares
from impact.i18n import _
from tests.browser.conftest import build_fixture_db, rerun_after, sign_in, wait_for_app


def _main_text(page: Page, url: str, shows: str | None = None) -> str:
    """The main area's text once the page's run is over (and, if given, the text `shows` is drawn)."""
    page.goto(url)
    wait_for_app(page)
    page.locator("[data-testid='stMain'] h1").first.wait_for()
    if shows is not None:
        page.locator("[data-testid='stMain']").get_by_text(shows).first.wait_for()
    wait_for_app(page)
    return page.locator("[data-testid='stMain']").inner_text()


def _people(page: Page, label: str) -> list[str]:
    """The values of the headline figures called `label`, once one is drawn."""
    metrics = page.locator("[data-testid='stMetric']").filter(has_text=label)
    metrics.first.wait_for()
    return [v.strip() for v in metrics.locator("[data-testid='stMetricValue']").all_inner_texts()]


def _choose(page: Page, selectbox: str, option: str, in_form: bool = False) -> None:
    """Choose an option by typing it (a menu opened by a click can close again when the page above it
    grows, as the list's table does once drawn), then wait for the run the choice starts (a choice in a
    form starts none: it shows in the box)."""
    label = page.locator("[data-testid='stWidgetLabel']").get_by_text(selectbox, exact=True)
    box = page.locator("[data-testid='stSelectbox']").filter(has=label).locator("input")
    box.scroll_into_view_if_needed()
    box.click()
    box.press_sequentially(option)
    choice = page.get_by_role("option").filter(has_text=option).first
    if in_form:
        choice.click()
        expect(box).to_have_value(option)  # the box shows the chosen option
    else:
        rerun_after(page, choice.click)


def _data_elements(page: Page) -> int:
    return page.locator(
        "[data-testid='stMain'] :is([data-testid='stMetric'], [data-testid='stTable'], .js-plotly-plot)"
    ).count()


def test_a_share_link_is_created_opened_locked_revoked_and_expired(
    tmp_path: Path, start_server, page: Page, person: Callable[[], Page], accounts: dict
) -> None:
    """The whole life of a link, as a director and a funder would live it."""
    path = build_fixture_db(tmp_path / "coalition.duckdb")
    cur = db.cursor(path)
    scoped_people = cur.execute(
        "select count(distinct participant_key) from engagements "
        "where partner_id = 'HYC' and engaged_on between '2024-01-01' and '2024-12-31'"
    ).fetchone()[0]
    all_people = cur.execute(
        "select count(distinct participant_key) from engagements where engaged_on between '2024-01-01' and '2024-12-31'"
    ).fetchone()[0]
    cur.close()
    _old, expired_token = shares.create(
        "Old grant",
        None,
        date(2024, 1, 1),
        date(2024, 12, 31),
        date.today() - timedelta(days=2),
        "dir",
        path,
        today=date.today() - timedelta(days=10),
    )
    db.close(path)
    assert scoped_people != all_people  # the test would not notice a widened scope otherwise
    server = start_server(path)

    # A director makes a link for one partner and 2024, for a recipient, in Spanish.
    sign_in(page, server.url, accounts["director"])
    _main_text(page, server.url + "/share_links")
    page.get_by_role("textbox", name="Label").fill("2024 grant report")
    page.get_by_role("textbox", name="Recipient").fill("Harbor Fund")
    _choose(page, "Language of the page", "Español", in_form=True)
    partners = page.locator("[data-testid='stMultiSelect']").first
    partners.click()
    page.keyboard.type("Harbor")
    page.get_by_role("option").filter(has_text="Harbor").first.click()  # the one offered, not Enter's guess
    expect(partners).to_contain_text("Harbor Youth Center")  # the chosen partner shows in the box
    page.keyboard.press("Escape")
    # the period defaults to the data's last complete year, 2024
    rerun_after(page, page.get_by_role("button", name="Create link").click)
    code = page.locator("[data-testid='stCode']").first
    assert code.count() == 1, page.locator("[data-testid='stMain']").inner_text()  # else: what the page said
    url = code.inner_text().strip()
    assert url.startswith(server.url + "/impact?share=") and "lang=" not in url
    page.get_by_text("Link created for Harbor Fund.").wait_for()

    # A funder opens it in a fresh browser (an English one): in Spanish, for Harbor Fund, exactly one partner
    # and 2024, and never the director's label.
    with i18n.using("es"):
        prepared = _("Prepared for {recipient}").format(recipient="Harbor Fund")
        people = _("Unique people reached")
        shown_people = i18n.format_number(scoped_people)
    funder = person()
    text = _main_text(funder, url, shows=prepared)
    expect(funder.locator("html")).to_have_attribute("lang", "es")  # set by a script after the text is drawn
    assert funder.get_by_role("heading", name=prepared).is_visible()  # a heading, not a grey caption
    assert "2024 grant report" not in text
    assert shown_people in _people(funder, people)

    # Editing the URL cannot widen it: extra parameters are ignored, a changed token opens nothing.
    _main_text(funder, url + "&partners=HYC,CLA,SSE,VVF,TSN,RBA&start=2015-01-01&end=2030-12-31", shows=prepared)
    assert shown_people in _people(funder, people)
    token = url.split("share=")[1]
    text = _main_text(funder, url.replace(token, token[:-1] + ("A" if token[-1] != "A" else "B")), shows="not valid")
    assert "not valid" in text and _data_elements(funder) == 0
    text = _main_text(funder, server.url + "/impact?share=", shows="not valid")
    assert "not valid" in text and _data_elements(funder) == 0

    # The director previews it from the list: the funder's page (Spanish, Harbor Fund, the same figures).
    _main_text(page, server.url + "/share_links")
    _choose(page, "Link", "2024 grant report")
    page.get_by_role("link", name="Preview as the funder sees it").click()
    page.get_by_role("heading", name=prepared).wait_for()
    wait_for_app(page)
    assert "preview=" in page.url
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert shown_people in _people(page, people)

    # ... and revokes it after confirming: the list then shows it revoked.
    _main_text(page, server.url + "/share_links?lang=en")
    listing = page.locator("[data-testid='stDataFrame']").first
    listing.wait_for()
    _choose(page, "Link", "2024 grant report")
    page.get_by_text("stops it at once: Harbor Fund will see no data").wait_for()
    revoke = page.get_by_role("button", name="Revoke link #")
    assert revoke.is_disabled()
    rerun_after(page, lambda: page.get_by_text("Yes, revoke link #").click())
    assert revoke.is_enabled()
    revoke.click()
    page.get_by_text("is revoked: it shows no data from now on.").wait_for()
    # the page's rerun after the revocation lists the link as revoked (in the table's accessible cells)
    listing.locator("td").filter(has_text="Revoked").first.wait_for(state="attached")
    wait_for_app(page)
    funder_again = person()
    text = _main_text(funder_again, url, shows="no longer active")
    assert "no longer active" in text and _data_elements(funder_again) == 0
    assert "Harbor Fund" not in text

    # A link past its expiry date opens nothing either.
    text = _main_text(funder_again, f"{server.url}/impact?share={expired_token}", shows="has expired")
    assert "has expired" in text and _data_elements(funder_again) == 0
