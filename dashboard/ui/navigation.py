"""The registered pages (the entrypoint builds st.navigation from PAGES; tests iterate the same list)
and switching to the 项目档案 page for one report."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dashboard import settings

PAGES_DIR = settings.ROOT / "pages"
# Query parameters the 项目档案 page reads (agreed with its owner).
URL_EVALUATION = "evaluation"
URL_PROJECT = "project"
STATE_EVALUATION = "selected_evaluation_id"
STATE_PROJECT = "selected_project_key"


@dataclass(frozen=True)
class PageSpec:
    file: str
    title: str
    icon: str
    url_path: str
    default: bool = False
    roles: tuple[str, ...] = ("leader", "department", "admin")  # who may open it (dashboard.auth.store.ROLES)

    @property
    def path(self) -> Path:
        return PAGES_DIR / self.file


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview.py", "总览", ":material/dashboard:", "overview", default=True),
    PageSpec("execution.py", "预算执行", ":material/account_balance_wallet:", "execution"),
    PageSpec("scores.py", "评分分布", ":material/bar_chart:", "scores"),
    PageSpec("deductions.py", "扣分原因", ":material/rule:", "deductions"),
    PageSpec("inflation.py", "虚高识别", ":material/warning:", "inflation"),
    PageSpec("project.py", "项目档案", ":material/folder_open:", "project"),
    PageSpec("data_admin.py", "数据管理", ":material/upload_file:", "data", roles=("admin",)),
    PageSpec("definitions.py", "指标说明", ":material/menu_book:", "definitions"),
    PageSpec("accounts.py", "账号与审计", ":material/admin_panel_settings:", "accounts", roles=("admin",)),
)


def pages_for(role: str) -> tuple[PageSpec, ...]:
    """The pages an account of this role may open (the only ones registered in its navigation)."""
    return tuple(p for p in PAGES if role in p.roles)


def page(url_path: str) -> PageSpec:
    return next(p for p in PAGES if p.url_path == url_path)


def open_project(evaluation_id: str | None, project_key: str | None) -> None:
    """Switch to 项目档案 for one report: session state and query params `evaluation` and `project`,
    keeping the shared filters in the URL."""
    import streamlit as st

    from dashboard.ui.filters import current

    st.session_state[STATE_EVALUATION] = evaluation_id
    st.session_state[STATE_PROJECT] = project_key
    params: dict[str, str | list[str]] = dict(current().url_params())
    if evaluation_id:
        params[URL_EVALUATION] = evaluation_id
    if project_key:
        params[URL_PROJECT] = project_key
    st.switch_page(page("project").path, query_params=params)
