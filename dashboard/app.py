"""Entrypoint: `streamlit run dashboard/app.py`. Signs the user in, then routes to the pages the
account's role may open; nothing else. No page reads data before `session.require()` has returned."""
import streamlit as st

from dashboard.auth import session
from dashboard.ui import layout, theme
from dashboard.ui.navigation import pages_for

st.set_page_config(page_title="绩效评价分析", page_icon=":material/analytics:", layout="wide")
theme.register()
account = session.require()
navigation = st.navigation([
    st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=spec.default)
    for spec in pages_for(account.role)
])
layout.shared_sidebar()
session.sidebar(account)
with layout.contained_errors():
    navigation.run()
