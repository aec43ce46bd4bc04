"""Chinese text in a real browser: glyphs drawn, not empty boxes, on the page and in exported charts.

How "glyphs, not boxes" is told apart: a browser without a font for a character draws the
same notdef box for every such character. So each distinct Chinese character of a text is
drawn on its own, with the text's own computed font, and screenshotted: every character
must leave ink, all images must differ from each other, and none may equal the image of
U+10FFFD (a private-use code point that no font covers, i.e. the notdef box itself).
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pandas as pd
import plotly
from PIL import Image, ImageChops
from playwright.sync_api import Page

from impact import charts, i18n
from impact.i18n import _
from tests.browser.conftest import Server, wait_for_app

CJK = re.compile(r"[\u3400-\u9fff]")
NO_FONT_HAS_IT = "\U0010fffd"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"

PROBE = """
([selector, characters]) => {
  const style = getComputedStyle(document.querySelector(selector));
  const box = document.createElement("div");
  box.id = "glyph-probe";
  box.style.cssText = "position:fixed;top:0;left:0;z-index:1000000;background:#fff;display:flex;gap:4px;padding:4px";
  for (const character of characters) {
    const cell = document.createElement("span");
    cell.className = "glyph";
    cell.textContent = character;
    Object.assign(cell.style, {
      fontFamily: style.fontFamily, fontSize: style.fontSize, fontWeight: style.fontWeight,
      color: "#000", display: "inline-block", width: "1.3em", height: "1.5em",
      lineHeight: "1.5em", textAlign: "center", overflow: "hidden",
    });
    box.appendChild(cell);
  }
  document.body.appendChild(box);
}
"""


# The page has drawn its Chinese title and has no loading placeholders left.
SETTLED_IN_CHINESE = """() => {
  const title = document.querySelector("[data-testid='stMain'] h1");
  return title && /[\\u3400-\\u9fff]/.test(title.innerText)
    && !document.querySelector("[data-testid='stSkeleton']");
}"""


def ink(image: Image.Image) -> int:
    """How many pixels are clearly darker than the white background."""
    return sum(image.convert("L").histogram()[:128])


def assert_glyphs_render(page: Page, selector: str) -> str:
    """The Chinese characters of the element at `selector` are drawn as glyphs; returns its text."""
    text = page.locator(selector).first.inner_text()
    characters = list(dict.fromkeys(CJK.findall(text)))[:8]
    assert len(characters) >= 2, f"expected Chinese text at {selector}, found {text!r}"
    page.evaluate(PROBE, [selector, [*characters, NO_FONT_HAS_IT]])
    cells = page.locator("#glyph-probe .glyph").all()
    images = [Image.open(io.BytesIO(cell.screenshot())).convert("L") for cell in cells]
    page.evaluate("() => document.getElementById('glyph-probe').remove()")
    *glyphs, box = images
    assert all(ink(glyph) > 20 for glyph in glyphs), f"a character of {text!r} left no ink"
    assert len({glyph.tobytes() for glyph in glyphs}) == len(glyphs), f"characters of {text!r} look alike: boxes"
    assert all(ImageChops.difference(glyph, box).getbbox() for glyph in glyphs), f"{text!r} is drawn as notdef boxes"
    return text


def test_impact_page_in_traditional_chinese_shows_chinese_glyphs(
    tmp_path: Path, reading_server: Server, page: Page
) -> None:
    """/impact?lang=zh-Hant: sidebar, switcher and title are drawn in Chinese glyphs, in Traditional forms."""
    page.goto(reading_server.url + "/impact?lang=zh-Hant")
    wait_for_app(page)
    page.wait_for_function(SETTLED_IN_CHINESE, timeout=60_000)
    page.screenshot(path=tmp_path / "impact-zh-Hant.png", full_page=True)  # kept for a person to look at
    with i18n.using("zh_Hant"):
        app_title, language = _("Coalition Impact"), _("Language")
    sidebar = "[data-testid='stSidebar']"
    assert assert_glyphs_render(page, f"{sidebar} h3").strip() == app_title
    assert page.locator(f"{sidebar} [data-testid='stWidgetLabel']").filter(has_text=language).count() == 1
    assert "lang=zh-Hant" in page.url
    assert_glyphs_render(page, "[data-testid='stMain'] h1")
    assert page.evaluate("document.documentElement.lang") == "zh-Hant"
    assert fonts_drawing(page, "[data-testid='stMain'] h1") == {"Noto Sans CJK TC"}  # Traditional forms, not Japanese


def fonts_drawing(page: Page, selector: str) -> set[str]:
    """The font families Chromium actually used for the text of an element (DevTools protocol)."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("DOM.enable")
    devtools.send("CSS.enable")
    root = devtools.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = devtools.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = devtools.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    devtools.detach()
    return {font["familyName"] for font in fonts}


def test_the_language_switcher_reloads_the_page_in_the_chosen_language(reading_server: Server, page: Page) -> None:
    """Choosing Español in the sidebar puts lang=es in the URL and the navigation in Spanish."""
    page.goto(reading_server.url + "/impact")  # the browser context is en-US
    wait_for_app(page)
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").click()
    page.get_by_role("option", name="Español").click()
    page.wait_for_url(re.compile(r"lang=es"))
    with i18n.using("es"):
        impact_title = _("Impact")
    spanish_link = page.locator("[data-testid='stSidebar'] [data-testid='stPageLink']").filter(has_text=impact_title)
    spanish_link.first.wait_for()  # the rerun in Spanish has drawn the navigation
    wait_for_app(page)
    assert spanish_link.count()


def chart_png(page: Page, figure_json: str) -> Image.Image:
    """The chart as its PNG download (Plotly.toImage, what the chart's camera button saves)."""
    data_url = page.evaluate(
        """async (figure) => {
            const spec = JSON.parse(figure);
            const chart = document.getElementById("chart");
            await Plotly.newPlot(chart, spec.data, spec.layout);
            return await Plotly.toImage(chart, {format: "png", width: 900, height: 420});
        }""",
        figure_json,
    )
    return Image.open(io.BytesIO(base64.b64decode(data_url.split(",", 1)[1]))).convert("L")


def test_a_chart_exported_as_an_image_keeps_its_chinese_title(page: Page) -> None:
    """A chart's PNG export draws its Chinese title in glyphs: it differs from the same title in notdef boxes."""
    page.set_content("<div id='chart' style='width:900px;height:420px'></div>")
    page.add_script_tag(path=str(PLOTLY_JS))
    frame = pd.DataFrame(
        {"month": pd.date_range("2024-01-01", periods=6, freq="MS"), "unique_people": range(6), "contacts": range(6)}
    )
    title = "華埠長者外展聯絡"  # Chinatown elders' outreach contacts
    variants = {"title": title, "reordered": title[::-1], "boxes": NO_FONT_HAS_IT * len(title)}
    bands = {}
    for name, text in variants.items():
        figure = charts.monthly_reach(frame, title=text, people="人數", contacts="聯絡", y_title="人數／聯絡")
        image = chart_png(page, figure.to_json())
        bands[name] = image.crop((0, 0, image.width, 56))  # the title's band (top margin)
    assert ink(bands["title"]) > 200, "the title left no ink in the exported image"
    assert ImageChops.difference(bands["title"], bands["boxes"]).getbbox(), "the exported title is notdef boxes"
    assert ImageChops.difference(bands["title"], bands["reordered"]).getbbox(), "different characters look alike"
