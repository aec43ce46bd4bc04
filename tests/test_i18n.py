"""impact.i18n: the language of a run, catalogs compiled from .po text, locale formats, category labels."""

from __future__ import annotations

import os
import threading
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from impact import i18n, labels, metrics, vocab
from impact.i18n import _
from impact.web import ui


def write_catalog(root: Path, language: str, entries: dict[tuple[str | None, str], str]) -> Path:
    """A small .po file for `language` under `root` (msgctxt, msgid) -> msgstr."""
    catalog = Catalog(locale=language, domain=i18n.DOMAIN, fuzzy=False)
    for (context, msgid), msgstr in entries.items():
        catalog.add(msgid, msgstr, context=context)
    path = root / language / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        write_po(out, catalog)
    return path


@pytest.fixture
def small_catalogs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Catalogs with two strings, in place of locales/."""
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    monkeypatch.setattr(i18n, "_loaded", {})
    write_catalog(tmp_path, "zh_Hant", {(None, "Hello"): "你好", ("channel", "Other"): "其他渠道"})
    write_catalog(tmp_path, "zh_Hans", {(None, "Hello"): "你好（简体）"})
    write_catalog(tmp_path, "es", {(None, "Hello"): "Hola"})
    return tmp_path


@pytest.mark.parametrize(
    ("tag", "language"),
    [
        ("zh-TW", "zh_Hant"),
        ("zh-HK", "zh_Hant"),
        ("zh-MO", "zh_Hant"),
        ("zh-Hant", "zh_Hant"),
        ("zh-Hant-US", "zh_Hant"),
        ("zh_Hant", "zh_Hant"),
        ("yue", "zh_Hant"),
        ("zh", "zh_Hans"),
        ("zh-CN", "zh_Hans"),
        ("zh-SG", "zh_Hans"),
        ("zh-Hans", "zh_Hans"),
        ("zh-Hans-HK", "zh_Hans"),
        ("es", "es"),
        ("es-419", "es"),
        ("ES-us", "es"),
        ("en-GB", "en"),
        ("fr-FR", None),
        ("", None),
        (None, None),
    ],
)
def test_a_language_tag_maps_to_an_interface_language(tag: str | None, language: str | None) -> None:
    """Browser and URL spellings of Chinese, Spanish and English map to the four interface languages."""
    assert i18n.language_from_tag(tag) == language


def test_the_url_wins_over_the_browser_and_english_is_the_last_resort() -> None:
    """?lang= decides; without it (or with a value we do not know) the browser's locale; else English."""
    assert i18n.choose_language("es", "zh-TW") == "es"
    assert i18n.choose_language(None, "zh-TW") == "zh_Hant"
    assert i18n.choose_language("klingon", "zh-CN") == "zh_Hans"
    assert i18n.choose_language(None, "fr-FR") == "en"
    assert i18n.choose_language(None, None) == "en"
    assert set(i18n.URL_CODES) == set(i18n.LANGUAGES) == set(i18n.FORMAT_LOCALES)
    assert all(i18n.choose_language(code, None) == language for language, code in i18n.URL_CODES.items())


def test_outside_a_run_strings_are_english(small_catalogs: Path) -> None:
    """Without activate() (command line, tests), _() returns the English msgid."""
    assert i18n.current() == "en"
    assert _("Hello") == "Hello"


def test_using_translates_inside_the_block_only(small_catalogs: Path) -> None:
    """using() switches the language for a block and restores it afterwards."""
    with i18n.using("zh_Hant"):
        assert _("Hello") == "你好"
        assert _("Not in the catalog") == "Not in the catalog"
    assert _("Hello") == "Hello"


def test_each_thread_reads_its_own_language(small_catalogs: Path) -> None:
    """Two sessions' script threads activated at the same time each keep their language."""
    barrier = threading.Barrier(3)
    seen: dict[str, str] = {}

    def session(language: str) -> None:
        i18n.activate(language)
        barrier.wait()  # both threads have activated before either translates
        seen[language] = _("Hello")

    threads = [threading.Thread(target=session, args=(code,)) for code in ("zh_Hant", "es")]
    for thread in threads:
        thread.start()
    barrier.wait()
    for thread in threads:
        thread.join()
    assert seen == {"zh_Hant": "你好", "es": "Hola"}
    assert _("Hello") == "Hello"  # this thread never activated a language


def test_activate_refuses_an_unknown_language() -> None:
    """A language without catalog and formats is a programming error, not silent English."""
    with pytest.raises(ValueError, match="unknown interface language"):
        i18n.activate("fr")


def test_an_edited_catalog_is_read_again_at_the_next_run(small_catalogs: Path) -> None:
    """activate() re-reads a .po file whose modification time changed (no restart for translators)."""
    i18n.activate("es")
    try:
        assert _("Hello") == "Hola"
        path = write_catalog(small_catalogs, "es", {(None, "Hello"): "Buenas"})
        stamp = path.stat().st_mtime_ns + 1_000_000_000
        os.utime(path, ns=(stamp, stamp))
        assert _("Hello") == "Hola"  # within a run the catalog does not change under the page
        i18n.activate("es")
        assert _("Hello") == "Buenas"
    finally:
        i18n.activate("en")


def test_context_separates_the_same_english_word(small_catalogs: Path) -> None:
    """pgettext('channel', 'Other') is translated apart from other uses of 'Other'."""
    with i18n.using("zh_Hant"):
        assert i18n.pgettext("channel", "Other") == "其他渠道"
        assert _("Other") == "Other"


def test_markers_return_their_argument_unchanged() -> None:
    """N_ and NP_ only mark strings for the extractor; translation happens where they are shown."""
    assert i18n.N_("Impact") == "Impact"
    assert i18n.NP_("event_type", "Workshop") == "Workshop"


@pytest.mark.parametrize(
    ("language", "number", "percent", "change", "day", "month"),
    [
        ("en", "1,234,567", "12.3%", "+12.3%", "Mar 5, 2024", "March 2024"),
        ("zh_Hant", "1,234,567", "12.3%", "+12.3%", "2024年3月5日", "2024年3月"),
        ("zh_Hans", "1,234,567", "12.3%", "+12.3%", "2024年3月5日", "2024年3月"),
        ("es", "1,234,567", "12.3%", "+12.3%", "5 mar 2024", "marzo de 2024"),
    ],
)
def test_numbers_and_dates_follow_the_language(
    language: str, number: str, percent: str, change: str, day: str, month: str
) -> None:
    """Thousands separators, percentages and dates are formatted by the reader's CLDR locale."""
    with i18n.using(language):
        assert i18n.format_number(1234567) == number
        assert i18n.format_percent(0.1234) == percent
        assert i18n.format_percent(0.1234, signed=True) == change
        assert i18n.format_percent(-0.05, signed=True).lstrip("\u200e") == "-5.0%"
        assert i18n.format_date(date(2024, 3, 5)) == day
        assert i18n.format_date(date(2024, 3, 5), "month") == month
        assert "2024" in i18n.format_datetime(datetime(2024, 3, 5, 14, 30))


def test_format_number_keeps_the_decimals_asked_for() -> None:
    """Two decimals stay two decimals, rounded half-even as CLDR does."""
    assert i18n.format_number(1234.5, decimals=2) == "1,234.50"
    assert i18n.format_number(0) == "0"


@pytest.mark.parametrize("kind", list(labels.KINDS))
def test_every_vocabulary_value_has_a_display_label(kind: str) -> None:
    """Each canonical value of the contract has exactly one English label (no value forgotten)."""
    values, english = labels.KINDS[kind]
    assert list(english) == list(values)
    assert all(english[v].strip() for v in values)


def test_category_labels_are_translated_with_their_context(small_catalogs: Path) -> None:
    """label() uses the category as msgctxt and shows unknown values as stored, missing ones as such."""
    with i18n.using("zh_Hant"):
        assert labels.label("channel", "other") == "其他渠道"
        assert labels.label("event_type", "other") == "Other"  # another context, not in this small catalog
        assert labels.label("neighborhood", "Atlantis") == "Atlantis"
    assert labels.label("age_group", "65+") == "65 and over"
    assert labels.label("channel", None) == "Not recorded"
    assert labels.relabel(pd.Series(["phone", None, "wechat"]), "channel").tolist() == [
        "Phone",
        "Not recorded",
        "WeChat",
    ]


def test_real_catalogs_translate_neighborhoods_to_their_common_chinese_names() -> None:
    """華埠, 訪谷, 日落區 and 田德隆 are what Chinese-reading San Franciscans call these places."""
    with i18n.using("zh_Hant"):
        shown = {n: labels.label("neighborhood", n) for n in vocab.NEIGHBORHOODS}
    assert shown["Chinatown"] == "華埠"
    assert shown["Visitacion Valley"] == "訪谷"
    assert shown["Sunset/Parkside"] == "日落區"
    assert shown["Tenderloin"] == "田德隆"
    with i18n.using("zh_Hans"):
        assert labels.label("neighborhood", "Chinatown") == "华埠"
        assert labels.label("language", "Cantonese") == "粤语"
    with i18n.using("es"):
        assert labels.label("event_type", "stakeholder_meeting") != "Stakeholder meeting"


def test_module_level_texts_are_marked_and_translated_where_shown() -> None:
    """Page titles and KPI labels are English constants that _() translates at display time."""
    with i18n.using("zh_Hant"):
        titles = [_(page.title) for page in ui.PAGES]
        kpi_labels = [_(kpi.label) for kpi in metrics.KPIS]
    assert all(t != page.title for t, page in zip(titles, ui.PAGES, strict=True)), titles
    assert all(t != kpi.label for t, kpi in zip(kpi_labels, metrics.KPIS, strict=True)), kpi_labels


def test_month_ticks_name_months_in_the_readers_language_and_thin_out_long_ranges() -> None:
    """A year of months gets every month; five years get a tick each January and July."""
    year = [date(2024, m, 15) for m in range(1, 13)]
    with i18n.using("zh_Hant"):
        values, text = i18n.month_ticks(year)
    assert values == [date(2024, m, 1) for m in range(1, 13)]
    assert text[0] == "2024年1月" and text[-1] == "2024年12月"
    with i18n.using("es"):
        assert i18n.month_ticks([date(2024, 3, 1)])[1] == ["mar 2024"]
    five_years = [date(y, m, 1) for y in range(2020, 2025) for m in range(1, 13)]
    values, text = i18n.month_ticks(five_years)
    assert values == [date(y, m, 1) for y in range(2020, 2025) for m in (1, 7)]
    assert text[:3] == ["Jan 2020", "Jul 2020", "Jan 2021"]
    assert i18n.month_ticks([]) == ([], [])


def test_charts_draw_chinese_in_the_script_of_the_interface_language() -> None:
    """A chart built in 简体中文 asks for Noto Sans CJK SC before TC; in 繁體中文, TC before SC."""
    from impact import charts

    frame = pd.DataFrame({"month": [date(2024, 1, 1)], "new_people": [3], "returning_people": [2]})
    fonts = {}
    for language in ("zh_Hans", "zh_Hant", "en"):
        with i18n.using(language):
            fonts[language] = charts.new_vs_returning(frame, "t", "n", "r", "y").layout.font.family
    for language, first, second in (("zh_Hans", "SC", "TC"), ("zh_Hant", "TC", "SC")):
        family = fonts[language]
        assert family.index(f"Noto Sans CJK {first}") < family.index(f"Noto Sans CJK {second}"), family
    assert fonts["en"] == charts.font_family("en")
