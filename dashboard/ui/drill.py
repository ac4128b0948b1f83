"""Opening the 项目档案 page from a widget callback (where st.switch_page cannot run): the callback
records the report, the next run of the page follows it (dashboard.ui.navigation.open_project)."""
from __future__ import annotations

import streamlit as st

from dashboard.ui.navigation import open_project

STATE_PENDING = "drill_pending_project"


def request_open(evaluation_id: str | None) -> None:
    """From a widget callback: open this report's project on the page's next run."""
    if evaluation_id:
        st.session_state[STATE_PENDING] = evaluation_id


def follow_pending() -> None:
    """Switch to the project page when a callback asked for it (call at the top of the page)."""
    evaluation_id = st.session_state.pop(STATE_PENDING, None)
    if evaluation_id:
        open_project(evaluation_id, None)
