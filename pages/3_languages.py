"""languages page (being built in this session)."""

import streamlit as st

from impact import ui

ctx = ui.page_setup("languages")
st.title(ctx.page.title)
