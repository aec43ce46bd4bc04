"""Translation of what people read. Every user-visible string goes through `_()`.

English is the source language; catalogs for 繁體中文, 简体中文 and Español are added by
the interface-languages issue. Until then `_` returns the English text unchanged.
"""

from __future__ import annotations

LANGUAGES = {"en": "English", "zh_Hant": "繁體中文", "zh_Hans": "简体中文", "es": "Español"}


def _(message: str) -> str:
    """The message in the reader's language."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural
