"""Coalition Impact: the router. Every page guards itself (see impact.web.ui.page_setup)."""

import streamlit as st

from impact.web import public_page, ui

# "/" opens the overview for staff and the public impact page for everyone else. Every
# page is registered (a direct URL to a staff page shows a sign-in prompt, not a 404);
# the sidebar lists only the pages of the signed-in role.
home = ui.home_page(ui.viewer())


def _go_home() -> None:
    """Send "/" on to the home page under its own URL. Streamlit serves its default page only at
    "/", so a real page as the default would make /overview a "page not found"."""
    st.switch_page(ui.PAGE_BY_ID[home].file, query_params=st.query_params.to_dict())


pages = [
    st.Page(_go_home, title=ui.APP_TITLE, url_path="home", default=True),
    *(st.Page(spec.file, title=spec.title, icon=spec.icon, url_path=spec.id) for spec in ui.PAGES),
]
try:
    st.navigation(pages, position="hidden").run()
except Exception as error:  # the person gets a sentence, the log the traceback
    ui.show_error(error)
finally:
    # once per server process, after its first page run (which it must not slow down): what every
    # visitor of /impact needs, warmed in the background while the browser draws
    public_page.warm_up()
