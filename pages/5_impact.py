"""Impact: the public, privacy-safe page for funders and community members."""

import streamlit as st

from impact import ui

ctx = ui.page_setup("impact")
st.title("Our shared impact")
st.info("The public impact page is being built (sign-in and funder pages issue).")
