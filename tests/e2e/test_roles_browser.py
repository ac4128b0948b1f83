"""Each role in Chromium against a real `streamlit run`: before signing in there is only the sign-in
form; a 领导 sees every unit but no 数据管理; a 部门 account sees its own unit only (filters, tables)
and no 数据管理; a 数据管理员 reaches 数据管理 and 账号与审计. Signing out returns to the form, and a
wrong password is refused."""
from __future__ import annotations

import pytest

from tests.conftest import add_department_account
from tests.e2e.browser import (
    SEEDS,
    SIGN_IN_TEXT,
    chromium_page,
    ingest,
    require_chromium,
    screenshot,
    sign_in,
    streamlit_server,
    wait_idle,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
OWN = "县委编办"
OTHER = "富民县财政局"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    root = tmp_path_factory.mktemp("e2e_roles")
    db = root / "warehouse.duckdb"
    ingest(list(SEEDS), db)
    (root / "uploads").mkdir()
    add_department_account("dept_browser", (OWN,))
    with streamlit_server(db, root / "uploads") as url:
        yield url


def _nav(page) -> set[str]:
    # each link's text is its icon's ligature name, then its title
    return {t.strip().split("\n")[-1].strip() for t in page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()}


def _signed_in_as(page, url: str, name: str) -> None:
    page.goto(url)
    page.get_by_text(SIGN_IN_TEXT).first.wait_for()
    assert page.locator('[data-testid="stMetric"]').count() == 0, "no figure before signing in"
    sign_in(page, name)
    page.get_by_role("heading", name="总览", exact=True).first.wait_for()
    page.wait_for_function("() => document.cookie.includes('perf_session=')")
    wait_idle(page)


def test_a_wrong_password_is_refused(server):
    with chromium_page() as page:
        page.goto(server)
        page.get_by_text(SIGN_IN_TEXT).first.wait_for()
        sign_in(page, "leader", "not-the-password")
        page.get_by_text("账号或密码不正确").first.wait_for()
        assert page.locator('[data-testid="stMetric"]').count() == 0


@pytest.mark.parametrize("name, sees_admin", [("leader", False), ("dept_browser", False), ("admin", True)])
def test_each_role_sees_what_it_may(server, name, sees_admin):
    with chromium_page() as page:
        _signed_in_as(page, server, name)
        screenshot(page, f"role_{name}")
        nav = _nav(page)
        assert {"总览", "虚高识别", "项目档案"} <= nav
        assert ({"数据管理", "账号与审计"} <= nav) is sees_admin
        assert not ({"数据管理", "账号与审计"} & nav) or sees_admin
        body = page.locator("body").inner_text()
        if name == "dept_browser":
            assert OTHER not in body
            page.goto(f"{server}/execution")  # the session survives a reload (cookie)
            page.get_by_role("heading", name="预算执行", exact=True).first.wait_for()
            wait_idle(page)
            assert OTHER not in page.locator("body").inner_text()
            page.goto(f"{server}/data")  # not registered for this role: no admin page
            wait_idle(page)
            assert page.get_by_text("更正字段").count() == 0
            page.goto(server)
            page.get_by_role("heading", name="总览", exact=True).first.wait_for()
            wait_idle(page)
        if sees_admin:
            page.goto(f"{server}/accounts")
            page.get_by_role("heading", name="账号与审计", exact=True).first.wait_for()
            page.get_by_text("审计日志").first.wait_for()
            wait_idle(page)
            assert page.get_by_text("登录", exact=True).count() >= 1  # the sign-ins are in the audit trail
        page.get_by_role("button", name="退出登录").click()
        page.get_by_text(SIGN_IN_TEXT).first.wait_for()
        page.goto(server)  # the cookie no longer signs in
        page.get_by_text(SIGN_IN_TEXT).first.wait_for()
        assert page.locator('[data-testid="stMetric"]').count() == 0
