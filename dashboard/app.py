"""Entrypoint: `streamlit run dashboard/app.py`. Routes to the registered pages; nothing else."""
import streamlit as st

from dashboard.ui import layout, theme
from dashboard.ui.navigation import PAGES

st.set_page_config(page_title="绩效评价分析", page_icon=":material/analytics:", layout="wide")
theme.register()
navigation = st.navigation([
    st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=spec.default)
    for spec in PAGES
])
layout.shared_sidebar()
with layout.contained_errors():
    navigation.run()
