"""Opening the 项目档案 page from another page, keeping the shared filters in the URL.

The project page reads `evaluation` (an evaluation_id) and/or `project` (a project_key) from the URL.
"""
from __future__ import annotations

import streamlit as st

from dashboard import settings
from dashboard.ui.filters import current

PROJECT_PAGE = settings.ROOT / "pages" / "project.py"
URL_EVALUATION = "evaluation"
URL_PROJECT = "project"
STATE_PENDING = "drill_pending_project"


def project_params(evaluation_id: str | None = None, project_key: str | None = None) -> dict:
    """The project page's URL parameters, the current filters included."""
    params: dict = dict(current().url_params())
    if evaluation_id:
        params[URL_EVALUATION] = evaluation_id
    if project_key:
        params[URL_PROJECT] = project_key
    return params


def open_project(evaluation_id: str | None = None, project_key: str | None = None) -> None:
    """Switch to the project page now (ends this run)."""
    st.switch_page(PROJECT_PAGE, query_params=project_params(evaluation_id, project_key))


def request_open(evaluation_id: str | None) -> None:
    """From a widget callback (where switching is not allowed): open the project on this run."""
    if evaluation_id:
        st.session_state[STATE_PENDING] = evaluation_id


def follow_pending() -> None:
    """Switch to the project page when a callback asked for it (call near the top of the page)."""
    evaluation_id = st.session_state.pop(STATE_PENDING, None)
    if evaluation_id:
        open_project(evaluation_id=evaluation_id)
