"""The dashboard in a real browser: one `streamlit run` on a fixture warehouse built by the real loader
(reference reports, forms, and a report carrying markup), Debian's chromium through Playwright.

Every page opens with its Chinese heading rendered (screenshots in test-artifacts/e2e/), the sidebar
filters change what a page shows and stay in the URL, a row drills down to 项目档案, tables download
as .xlsx and .csv, and markup inside a report never runs (no dialog) but shows literally."""
from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlparse

import openpyxl
import pytest

from dashboard.ui.navigation import PAGES
from tests.e2e.browser import (
    ARTIFACTS,
    FORMS,
    HOSTILE,
    SEEDS,
    chromium_page,
    glyphs_render,
    ingest,
    not_blank,
    open_page,
    require_chromium,
    route,
    screenshot,
    streamlit_server,
    wait_idle,
    write_hostile_report,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# A line of each page that only appears once its data has rendered.
PAGE_TEXT = {"inflation": "标记与证据", "project": "报告原文", "data": "更正字段"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    require_chromium()
    root = tmp_path_factory.mktemp("e2e_pages")
    db = root / "warehouse.duckdb"
    hostile = write_hostile_report(root / "incoming")
    # water_flat.txt with its spending changed: the same figures as anhui_water.docx would be one report
    # in two formats, loaded once.
    second = root / "incoming" / "water_flat_again.txt"
    second.write_text((FORMS / "water_flat.txt").read_text(encoding="utf-8").replace("108.60", "100.00"),
                      encoding="utf-8")
    ingest([*SEEDS, FORMS / "anhui_water.docx", second, FORMS / "health_pipe.txt", hostile], db)
    (root / "uploads").mkdir()
    with streamlit_server(db, root / "uploads") as url, chromium_page() as page:
        yield url, page, db


def _metric(page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text().strip()


@pytest.mark.parametrize("spec", PAGES, ids=lambda s: s.url_path)
def test_each_page_renders_in_chinese(site, spec):
    url, page, _db = site
    open_page(page, f"{url}/{route(spec)}", spec.title, PAGE_TEXT.get(spec.url_path))
    shot = screenshot(page, f"page_{spec.url_path}")
    assert not_blank(shot)
    assert glyphs_render(page, spec.title), "Chinese glyphs draw as boxes: install fonts-noto-cjk"
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.dialogs == []


def test_filters_change_the_page_and_live_in_the_url(site):
    url, page, _db = site
    open_page(page, f"{url}/inflation", "虚高识别", "标记与证据")
    before = int(_metric(page, "报告数"))
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.locator('[data-testid="stMultiSelect"]').first.click()
    page.get_by_role("option", name="农村供水管理站", exact=True).click()
    page.keyboard.press("Escape")
    wait_idle(page)
    page.wait_for_function("() => location.search.includes('dept=')")
    after = int(_metric(page, "报告数"))
    assert after == 2 and before > after
    assert parse_qs(urlparse(page.url).query)["dept"] == ["农村供水管理站"]
    screenshot(page, "filtered_inflation")
    page.reload()  # a shared link: the filter survives a reload
    page.get_by_role("heading", name="虚高识别", exact=True).wait_for()
    wait_idle(page)
    assert int(_metric(page, "报告数")) == 2
    sidebar.get_by_role("button", name="清除筛选").click()
    wait_idle(page)
    assert int(_metric(page, "报告数")) == before and "dept=" not in page.url


def test_drill_down_from_the_ranking_to_the_project(site):
    url, page, _db = site
    open_page(page, f"{url}/inflation", "虚高识别", "标记与证据")
    page.get_by_role("button", name="打开", exact=True).click()
    page.wait_for_url(re.compile(r"/project\?.*evaluation="))
    page.get_by_role("heading", name="项目档案", exact=True).wait_for()
    page.get_by_text("报告原文", exact=True).wait_for()
    wait_idle(page)
    assert page.locator("mark.evidence").count() >= 1  # the flagged evidence is highlighted in the text
    assert "得分违反执行率规则" in page.content() or page.get_by_text("历年情况").count() == 1
    screenshot(page, "drill_project")
    # A click on a ranking row's selection box opens that report's project too.
    open_page(page, f"{url}/inflation", "虚高识别", "标记与证据")
    grid = page.locator('[data-testid="stDataFrame"]').first
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # header row, then the first row's checkbox
    page.wait_for_url(re.compile(r"/project\?.*evaluation="))
    page.get_by_text("报告原文", exact=True).wait_for()
    wait_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0


def test_tables_download_as_xlsx_and_csv(site):
    url, page, _db = site
    open_page(page, f"{url}/inflation", "虚高识别", "标记与证据")
    with page.expect_download() as excel:
        page.get_by_role("button", name="下载 Excel").first.click()
    xlsx = ARTIFACTS / "risk_ranking.xlsx"
    excel.value.save_as(xlsx)
    sheet = openpyxl.load_workbook(xlsx).active
    header = [c.value for c in sheet[1]]
    assert "风险分" in header and "项目名称" in header and sheet.max_row >= 9
    with page.expect_download() as csv:
        page.get_by_role("button", name="下载 CSV").first.click()
    csv_path = ARTIFACTS / "risk_ranking.csv"
    csv.value.save_as(csv_path)
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "风险分".encode() in raw
    # A table's own toolbar offers no CSV download (it would not neutralise formulas).
    page.locator('[data-testid="stDataFrame"]').first.hover()
    page.wait_for_timeout(500)
    assert page.locator('[data-testid="stElementToolbar"]').first.is_visible()
    assert page.get_by_role("button", name="Download as CSV").count() == 0
    assert page.get_by_label("Download as CSV").count() == 0


def test_markup_in_a_report_never_runs_and_shows_literally(site):
    url, page, _db = site
    name = f"恶意{HOSTILE}测试经费"
    for spec in PAGES:  # every page: tables, charts, selectboxes and captions may show the name
        open_page(page, f"{url}/{route(spec)}", spec.title, PAGE_TEXT.get(spec.url_path))
        assert page.locator('img[src="x"]').count() == 0
    # 项目档案 of the hostile report: its name as a heading and its text with the evidence marked.
    open_page(page, f"{url}/inflation", "虚高识别", "标记与证据")
    select = page.locator('[data-testid="stSelectbox"]').filter(has_text="打开项目档案")
    select.click()
    page.get_by_role("option", name=re.compile("^恶意")).click()
    wait_idle(page)
    page.get_by_role("button", name="打开", exact=True).click()
    page.wait_for_url(re.compile(r"/project\?"))
    page.get_by_text("报告原文", exact=True).wait_for()
    wait_idle(page)
    page.get_by_role("heading", name=name).wait_for()
    text_block = page.locator("div.report-text")
    assert HOSTILE in text_block.inner_text()
    assert "[点我](javascript:alert(1)) ![图](http://x/y.png) **粗体**" in text_block.inner_text()
    assert text_block.locator("img, script, a").count() == 0
    assert page.locator('img[src="x"], img[src="http://x/y.png"], a[href^="javascript"]').count() == 0
    assert not page.evaluate("() => [...document.scripts].some(s => s.textContent.includes('alert(1)'))")
    screenshot(page, "hostile_project")
    assert page.dialogs == []
    assert html.escape(HOSTILE) not in text_block.inner_text()  # shown as the characters, not as entities


# English a page may show: file formats and sizes, and report text quoted as evidence (the hostile
# fixture's markup and file name, shown literally on purpose).
ALLOWED_ENGLISH = {"txt", "docx", "pdf", "xlsx", "xls", "csv", "excel", "mb", "script", "alert", "img", "src",
                   "onerror", "javascript", "http", "png", "hostile",
                   # account names (data, like file names) on 账号与审计 and in the sidebar's 当前账号
                   "admin", "leader", "tests", "limited", "dept", "scope"}


# The text a reader sees: visible text nodes, without icon ligatures (Material Symbols draw a word
# such as `upload_file` as an icon) and without links hidden off-screen for screen readers.
VISIBLE_TEXT = """() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode, el = node.parentElement;
        if (!el || !node.textContent.trim()) continue;
        const style = getComputedStyle(el);
        if (style.visibility !== 'visible' || style.display === 'none' || el.closest('style,script')) continue;
        if (/Material/.test(style.fontFamily)) continue;
        const box = el.getBoundingClientRect();
        if (box.width <= 1 || box.height <= 1 || box.right < 0 || box.bottom < 0) continue;
        out.push(node.textContent);
    }
    return out.join(' ');
}"""


@pytest.mark.parametrize("spec", PAGES, ids=lambda s: s.url_path)
def test_no_english_and_no_none_on_any_page(site, spec):
    """What a reader sees (the main area and the sidebar, uploader included) is Chinese: no English
    word outside file formats and quoted report text, and never None/nan/null for a missing value."""
    url, page, _db = site
    open_page(page, f"{url}/{route(spec)}", spec.title, PAGE_TEXT.get(spec.url_path))
    wait_idle(page)
    text = page.evaluate(VISIBLE_TEXT)
    words = set(re.findall(r"[A-Za-z]{2,}", text))
    file_names = set(re.findall(r"[A-Za-z]{2,}", " ".join(re.findall(r"\S+\.(?:txt|docx|pdf|xlsx)", text))))
    assert not {w for w in words if w in ("None", "nan", "NaN", "null")}, spec.title
    assert {w for w in words - file_names if w.lower() not in ALLOWED_ENGLISH} == set(), spec.title
