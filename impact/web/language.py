"""The interface language in Streamlit: chosen per run from the URL or the browser, and switched in the sidebar.

The choice lives in the URL (`?lang=zh-Hant`), so a link someone copies opens in the
language they were reading. Without `?lang=`, the language of the session so far, or for
a new session the browser's language, decides; the URL is then given the `lang` it
resolved to, so that a copied link carries it too. (Streamlit 1.67's browser side ignores
a query-parameter change made in a session's very first run: the address bar shows
`lang` from the next run on, i.e. after the first click. A link with `?lang=` and the
switcher are not affected.)
"""

from __future__ import annotations

import json

import streamlit as st

from impact import i18n
from impact.i18n import _

URL_PARAM = "lang"
_SWITCHER_KEY = "_interface_language"
_SESSION_KEY = "_interface_language_of_session"


def activate_language() -> str:
    """Choose this run's language, activate it and write it into the URL.

    `?lang=` wins; a link that drops it (st.switch_page, a page link without query
    parameters) keeps the language this session last read; a new session without it
    follows the browser.
    """
    from_url = i18n.language_from_tag(st.query_params.get(URL_PARAM))
    language = from_url or st.session_state.get(_SESSION_KEY) or i18n.choose_language(None, st.context.locale)
    st.session_state[_SESSION_KEY] = language
    i18n.activate(language)
    if st.query_params.get(URL_PARAM) != i18n.URL_CODES[language]:
        st.query_params[URL_PARAM] = i18n.URL_CODES[language]
    return language


def link_params() -> dict[str, str]:
    """Query parameters for links to other pages, so the language follows the reader."""
    return {URL_PARAM: i18n.URL_CODES[i18n.current()]}


def _switch() -> None:
    chosen = st.session_state[_SWITCHER_KEY]
    if chosen in i18n.URL_CODES:  # a value the switcher did not offer (sent by hand) changes nothing
        st.query_params[URL_PARAM] = i18n.URL_CODES[chosen]


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
    _document_language(language)


def _document_language(language: str) -> None:
    """Tell the browser which language the page is in: <html lang="zh-Hant">.

    Browsers choose a CJK font by the document's language, and Streamlit's page says "en":
    Chinese was drawn with the Japanese forms of Noto Sans CJK. The attribute also tells
    screen readers which voice to read with. (A fixed script, no user input in it.)
    """
    tag = json.dumps(i18n.URL_CODES[language])
    st.html(f"<script>document.documentElement.lang = {tag};</script>", unsafe_allow_javascript=True)
