"""Coalition Impact: the router. Every page guards itself (see impact.ui.page_setup)."""

import streamlit as st

from impact import ui

pages = [
    st.Page(spec.file, title=spec.title, icon=spec.icon, url_path=spec.id, default=spec.id == "overview")
    for spec in ui.PAGES
]
st.navigation(pages, position="hidden").run()
