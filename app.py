"""Coalition Impact: the router. Every page guards itself (see impact.ui.page_setup)."""

import streamlit as st

from impact import auth, ui

# "/" opens the overview for staff and the public impact page for everyone else. Every
# page is registered (a direct URL to a staff page shows a sign-in prompt, not a 404);
# the sidebar lists only the pages of the signed-in role.
home = ui.home_page(auth.current_user())
pages = [
    st.Page(spec.file, title=spec.title, icon=spec.icon, url_path=spec.id, default=spec.id == home) for spec in ui.PAGES
]
st.navigation(pages, position="hidden").run()
