"""Loading while the dashboard runs, in a real browser: `python -m dashboard ingest` in another process
adds reports that the running server shows at its next rerun (no restart), and files uploaded on the
数据管理 page are loaded with their names kept and their failures explained."""
from __future__ import annotations

import pytest

from tests.e2e.browser import (
    FORMS,
    ROOT,
    SEEDS,
    chromium_page,
    ingest,
    open_page,
    require_chromium,
    screenshot,
    streamlit_server,
    wait_idle,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    require_chromium()
    root = tmp_path_factory.mktemp("e2e_live")
    db = root / "warehouse.duckdb"
    ingest(SEEDS[:2], db)
    (root / "uploads").mkdir()
    with streamlit_server(db, root / "uploads") as url, chromium_page() as page:
        yield url, page, db


def _metric(page, label: str) -> int:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return int(card.locator('[data-testid="stMetricValue"]').inner_text().strip().replace(",", ""))


def test_cli_ingest_shows_up_at_the_next_rerun(site):
    url, page, db = site
    open_page(page, f"{url}/inflation", "虚高识别", "标记与证据")
    assert _metric(page, "报告数") == 2
    ingest(SEEDS[2:], db)  # another process, while the server keeps running
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="清除筛选").click()  # any rerun
    wait_idle(page)
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stMetric"]')]
                 .some(m => m.innerText.includes('报告数') && m.innerText.includes('5'))""")
    assert _metric(page, "报告数") == 5
    screenshot(page, "live_reload_after_ingest")
    assert page.dialogs == []


def test_upload_page_loads_files_with_their_names(site):
    url, page, _db = site
    open_page(page, f"{url}/data", "数据管理", "更正字段")
    loaded_before = _metric(page, "已导入文件")
    page.locator('input[type="file"]').set_input_files([
        str(FORMS / "health_pipe.txt"), str(ROOT / "tests" / "fixtures" / "bad" / "scanned.pdf")])
    page.get_by_text("health_pipe.txt").first.wait_for()
    wait_idle(page)
    page.get_by_role("button", name="导入上传的文件").click()
    # The load runs as a background job; its outcome replaces the progress when it is done.
    headline = page.get_by_text("完成导入").first
    headline.wait_for()
    wait_idle(page)
    assert "导入 1、" in headline.inner_text() and "失败 1" in headline.inner_text()
    summary = page.locator('[data-testid="stText"]').filter(has_text="scanned.pdf: ").first.inner_text()
    assert "没有文字层" in summary
    assert "/uploads/" not in summary and "/tmp" not in summary  # no server path reaches the browser
    assert _metric(page, "已导入文件") == loaded_before + 1
    assert _metric(page, "读取失败") == 1
    screenshot(page, "upload_done")
    assert page.dialogs == []
