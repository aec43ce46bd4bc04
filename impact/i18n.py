"""Translation of what people read, and numbers and dates in the reader's language.

Every user-visible string goes through `_()`, with whole sentences as msgids and
`{name}` placeholders filled with `.format()` *after* translation:

    _("{n} rows ready").format(n=i18n.format_number(rows))

English is the source language (the msgids). The catalogs for 繁體中文, 简体中文 and
Español are the text files locales/<code>/LC_MESSAGES/messages.po; they are read and
compiled in memory on first use, so there is no build step and no .mo file in git.
`python -m impact.i18n_catalog` keeps them in step with the code (see the README).

The language is per script run, not per process: Streamlit runs each session's script in
its own thread, so the active language is a context variable that `impact.web.ui.page_setup`
sets (`activate`) at the start of every run. Outside a run (command line, tests) it is
English unless `activate` or `using` says otherwise.

Module-level constants (KPI labels, page titles, category labels) cannot be translated
when the module is imported: mark them with `N_()` (or `NP_()` with a context) so that the
extractor finds them, and call `_()` (or `labels.label()`) where they are shown. Never call `_()`
inside an `st.cache_data` function unless the language is one of its arguments.

Code that writes messages without knowing who reads them (the ingest engine: the command
line prints English, the upload page shows the reader's language) returns a `Message`:
the marked template and its values, rendered with `.english()` or `.translated()`.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from threading import Lock

from babel import Locale, dates, numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from impact import config

# The interface languages, each named in its own language (never translated).
LANGUAGES = {"en": "English", "zh_Hant": "繁體中文", "zh_Hans": "简体中文", "es": "Español"}
DEFAULT_LANGUAGE = "en"
SOURCE_LANGUAGE = "en"  # the msgids; it has no catalog
# How a language is spelled in `?lang=` (BCP 47, as browsers spell languages).
URL_CODES = {"en": "en", "zh_Hant": "zh-Hant", "zh_Hans": "zh-Hans", "es": "es"}
# The CLDR locale used for numbers and dates. US conventions where they differ: Taiwan's
# rather than Hong Kong's Traditional Chinese (no day-first numeric dates), and US Spanish
# (1,234.5 as in the charts, not 1.234,5).
FORMAT_LOCALES = {"en": "en_US", "zh_Hant": "zh_Hant_TW", "zh_Hans": "zh_Hans_CN", "es": "es_US"}

LOCALES_DIR = config.PROJECT_ROOT / "locales"
DOMAIN = "messages"

_current: ContextVar[str] = ContextVar("impact_language", default=DEFAULT_LANGUAGE)
_loaded: dict[Path, tuple[int, gettext.NullTranslations]] = {}  # catalog file -> (mtime, compiled)
_load_lock = Lock()


def catalog_path(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


# --- which language -------------------------------------------------------------------


def language_from_tag(tag: str | None) -> str | None:
    """One of LANGUAGES for a language tag (`zh-TW`, `zh_Hant`, `es-419`, `yue`), or None.

    Traditional Chinese: a Hant script, or Taiwan, Hong Kong or Macau, or Cantonese (yue).
    Simplified Chinese: any other Chinese (zh, zh-CN, zh-SG, zh-Hans, cmn).
    """
    if not tag:
        return None
    parts = tag.strip().replace("_", "-").lower().split("-")
    primary, subtags = parts[0], set(parts[1:])
    if primary == "en":
        return "en"
    if primary == "es":
        return "es"
    if primary == "yue":
        return "zh_Hant"
    if primary in {"zh", "cmn"}:
        if "hant" in subtags or (subtags & {"tw", "hk", "mo"} and "hans" not in subtags):
            return "zh_Hant"
        return "zh_Hans"
    return None


def choose_language(url_value: str | None, browser_locale: str | None) -> str:
    """`?lang=` wins, else the browser's language, else English."""
    return language_from_tag(url_value) or language_from_tag(browser_locale) or DEFAULT_LANGUAGE


def activate(language: str) -> None:
    """Make `language` the one this run (thread or task) reads; called once per script run."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown interface language {language!r}; expected one of {sorted(LANGUAGES)}")
    _translations(language, reload_if_changed=True)
    _current.set(language)


def current() -> str:
    return _current.get()


@contextmanager
def using(language: str) -> Iterator[None]:
    """Read in `language` inside the block (command line, tests), then go back."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown interface language {language!r}")
    token = _current.set(language)
    try:
        yield
    finally:
        _current.reset(token)


# --- catalogs ---------------------------------------------------------------------------


def _compile(path: Path, language: str) -> gettext.NullTranslations:
    """Read a .po file and compile it in memory; fuzzy entries are left out (English shows)."""
    with path.open("rb") as source:
        catalog = read_po(source, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def _translations(language: str, reload_if_changed: bool = False) -> gettext.NullTranslations:
    """The compiled catalog of `language`; re-read when its file changed (checked per run)."""
    if language == SOURCE_LANGUAGE:
        return _NULL
    path = catalog_path(language)
    cached = _loaded.get(path)
    if cached is not None and not reload_if_changed:
        return cached[1]
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        return _NULL  # a language without a catalog reads English rather than failing
    if cached is not None and cached[0] == stamp:
        return cached[1]
    with _load_lock:
        compiled = _compile(path, language)
        _loaded[path] = (stamp, compiled)
    return compiled


_NULL = gettext.NullTranslations()


def _(message: str) -> str:
    """The message in the reader's language."""
    return _translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural message for `n`, in the reader's language."""
    return _translations(_current.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """The message in the reader's language, for a msgid that means different things by context."""
    return _translations(_current.get()).pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return _translations(_current.get()).npgettext(context, singular, plural, n)


def N_(message: str) -> str:
    """Mark a module-level constant for the extractor; translate it with `_()` where shown."""
    return message


def NP_(context: str, message: str) -> str:
    """Like `N_`, with a context; translate it with `pgettext(context, message)` where shown."""
    return message


def NN_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular and plural pair for the extractor (for `Message.plural_of`)."""
    return singular, plural


# How the items of a list inside a message are joined: whole clauses ("'Hakka' is not...;
# 'Teochew' is not...") and the short items of an enumeration ("batch 2, batch 3").
_CLAUSE_SEPARATOR = NP_("between the clauses of a list", "; ")
_ENUMERATION_SEPARATOR = NP_("between the items of an enumeration", ", ")


@dataclass(frozen=True)
class Message:
    """A sentence kept apart from its values, to be shown in whoever's language reads it.

    Code that runs outside a page (the ingest engine) cannot translate when it writes a
    message: the command line prints English and a page shows the reader's language.
    `template` is an English msgid marked with `N_()` (a plural pair with `NN_()`, the
    count being the value `n`); `english()` fills it in as written, `translated()` in the
    active language. A value is text (shown as written: ids, dates, file contents), an
    int (a count: 1,234 in English, the reader's digits when translated), another
    Message, a list of Messages (clauses, joined with "; ") or an `Enumeration`.
    """

    template: str
    params: Mapping[str, object] = field(default_factory=dict)
    plural: str | None = None

    @classmethod
    def plural_of(cls, forms: tuple[str, str], n: int, **params: object) -> Message:
        singular, plural = forms
        return cls(singular, {"n": n, **params}, plural)

    def english(self) -> str:
        text = self.template if self.plural is None or self.params["n"] == 1 else self.plural
        return text.format(**{name: _english_value(value) for name, value in self.params.items()})

    def translated(self) -> str:
        n = self.params.get("n")
        text = _(self.template) if self.plural is None else ngettext(self.template, self.plural, int(n))
        return text.format(**{name: _translated_value(value) for name, value in self.params.items()})

    def __str__(self) -> str:
        return self.english()


@dataclass(frozen=True)
class Enumeration:
    """Short items named in a message, joined with ", " (in Chinese "、")."""

    items: tuple[object, ...]


def _english_value(value: object) -> str:
    if isinstance(value, Message):
        return value.english()
    if isinstance(value, Enumeration):
        return ", ".join(_english_value(item) for item in value.items)
    if isinstance(value, list | tuple):
        return "; ".join(_english_value(item) for item in value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _translated_value(value: object) -> str:
    if isinstance(value, Message):
        return value.translated()
    if isinstance(value, Enumeration):
        separator = pgettext("between the items of an enumeration", _ENUMERATION_SEPARATOR)
        return separator.join(_translated_value(item) for item in value.items)
    if isinstance(value, list | tuple):
        return pgettext("between the clauses of a list", _CLAUSE_SEPARATOR).join(_translated_value(v) for v in value)
    if isinstance(value, int) and not isinstance(value, bool):
        return format_number(value)
    return str(value)


# --- numbers and dates -----------------------------------------------------------------


def format_locale() -> Locale:
    return Locale.parse(FORMAT_LOCALES[_current.get()])


def format_number(value: float, decimals: int = 0) -> str:
    """1,234,567 with the reader's separators; `decimals` digits after the point."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return numbers.format_decimal(value, format=pattern, locale=format_locale())


def format_percent(fraction: float, decimals: int = 1, signed: bool = False) -> str:
    """A fraction as a percentage: 0.123 -> 12.3%; `signed` adds + to gains (changes)."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "") + "%"
    if signed:
        pattern = f"+{pattern};-{pattern}"
    return numbers.format_percent(fraction, format=pattern, locale=format_locale())


_DATE_SKELETONS = {"month": "yMMMM", "month_short": "yMMM", "year": "y", "day_month": "MMMd"}


def format_date(day: date, format: str = "medium") -> str:
    """A date for the reader: "short", "medium", "long", "full", "month" (March 2024),
    "month_short" (Mar 2024), "day_month" (Mar 5) or "year"."""
    if format in _DATE_SKELETONS:
        return dates.format_skeleton(_DATE_SKELETONS[format], day, locale=format_locale())
    return dates.format_date(day, format=format, locale=format_locale())


def format_datetime(moment: datetime, format: str = "medium") -> str:
    """A date and time for the reader ("short", "medium", "long")."""
    return dates.format_datetime(moment, format=format, locale=format_locale())


def format_moment(moment: datetime) -> str:
    """A time to the minute, as every page shows one: the medium date and the short time, joined
    as the reader's language joins them (Dec 2, 2025, 6:58 PM; 2025年12月2日 下午6:58; 2 dic 2025,
    6:58 p.m.). The app's times are UTC; a page says so once (in a column header), not in each."""
    locale = format_locale()
    day = dates.format_date(moment, format="medium", locale=locale)
    time = dates.format_time(moment, format="short", locale=locale)
    return str(locale.datetime_formats.get("medium", "{1} {0}")).replace("{1}", day).replace("{0}", time)


def month_ticks(months: Iterable[date], most: int = 13) -> tuple[list[date], list[str]]:
    """Tick positions and labels for a monthly chart axis, month names in the reader's language.

    Plotly's own date ticks ("%b %Y") are always English; a chart builder passes these as
    `fig.update_xaxes(tickvals=..., ticktext=...)`. Every month when there are at most
    `most`, else every 2nd, 3rd, 6th or 12th month, starting in January.
    """
    firsts = sorted({date(m.year, m.month, 1) for m in months})
    if not firsts:
        return [], []
    step = next((s for s in (1, 2, 3, 6, 12) if -(-len(firsts) // s) <= most), 12)
    shown = [m for m in firsts if step == 1 or (m.month - 1) % step == 0] or firsts[:1]
    return shown, [format_date(m, "month_short") for m in shown]
