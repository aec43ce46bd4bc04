"""reach page (being built in this session)."""

import streamlit as st

from impact import ui

ctx = ui.page_setup("reach")
st.title(ctx.page.title)
