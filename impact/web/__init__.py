"""Everything that imports Streamlit: page set-up and audiences, the sidebar, filter widgets,
sign-in widgets, the language switcher and the dashboard helpers.

The core (`impact/` outside this package) never imports from here; pages import both.
"""
