"""The interface language in Streamlit: chosen per run from the URL or the browser, and switched in the sidebar.

The choice lives in the URL (`?lang=zh-Hant`), so a link someone copies opens in the
language they were reading. Without `?lang=`, the browser's language decides, and the
URL is then given the `lang` it resolved to, so that a copied link carries it too.
"""

from __future__ import annotations

import streamlit as st

from impact import i18n
from impact.i18n import _

URL_PARAM = "lang"
_SWITCHER_KEY = "_interface_language"


def activate_language() -> str:
    """Choose this run's language (URL, else browser), activate it and write it into the URL."""
    language = i18n.choose_language(st.query_params.get(URL_PARAM), st.context.locale)
    i18n.activate(language)
    if st.query_params.get(URL_PARAM) != i18n.URL_CODES[language]:
        st.query_params[URL_PARAM] = i18n.URL_CODES[language]
    return language


def link_params() -> dict[str, str]:
    """Query parameters for links to other pages, so the language follows the reader."""
    return {URL_PARAM: i18n.URL_CODES[i18n.current()]}


def _switch() -> None:
    st.query_params[URL_PARAM] = i18n.URL_CODES[st.session_state[_SWITCHER_KEY]]


def language_switcher() -> None:
    """A selectbox of the interface languages, each named in its own language."""
    language = i18n.current()
    if st.session_state.get(_SWITCHER_KEY) != language:
        st.session_state[_SWITCHER_KEY] = language
    st.selectbox(
        _("Language"),
        list(i18n.LANGUAGES),
        format_func=i18n.LANGUAGES.__getitem__,
        key=_SWITCHER_KEY,
        on_change=_switch,
    )
