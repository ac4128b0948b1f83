"""What every page shares: the sidebar filters, headers, empty states, error containment and tables
with their download buttons."""
from __future__ import annotations

from contextlib import contextmanager

import duckdb
import polars as pl
import streamlit as st

from dashboard.ui import data, export, figures, filters, navigation, theme
from dashboard.ui.labels import labelled
from dashboard.warehouse import WarehouseError

EMPTY_WAREHOUSE = ("仓库中还没有报告：请在「数据管理」页上传报告文件，"
                   "或在服务器上运行 python -m dashboard ingest 文件夹。")
NO_MATCH = "当前筛选没有匹配的报告：请在左侧放宽筛选条件（单位、年度、地区、等级、评价类型），或点「清除筛选」。"


def shared_sidebar() -> filters.Filters:
    """The sidebar filters every page shares (options from the warehouse)."""
    try:
        options, _count = data.warehouse_status()
    except (WarehouseError, duckdb.Error, OSError):
        options = filters.FilterOptions()
    return filters.sidebar(options)


@contextmanager
def contained_errors():
    """A warehouse that cannot be read shows a reason in Chinese, not a stack trace."""
    try:
        yield
    except data.NoWarehouse:
        st.info(EMPTY_WAREHOUSE)
    except WarehouseError as exc:
        st.error(f"数据仓库暂时无法读取：{theme.error_text(exc)}。请稍后刷新页面；若一直如此，请联系管理员。")
    except duckdb.Error as exc:
        st.error(f"查询数据仓库时出错（{type(exc).__name__}）。请稍后刷新页面；若一直如此，请联系管理员。")


def header(title: str, caption: str) -> filters.Filters:
    """The page title, what it shows, the current scope; returns the filters."""
    st.title(title)
    st.caption(caption)
    current = filters.current()
    st.text(f"当前范围：{current.describe()}")  # plain text: unit names never render as Markdown
    return current


def require_reports() -> None:
    """Stop the page with the empty-warehouse message when nothing was loaded yet."""
    try:
        _options, count = data.warehouse_status()
    except (WarehouseError, duckdb.Error, OSError) as exc:
        st.error(f"数据仓库暂时无法读取：{theme.error_text(exc)}。请稍后刷新页面。")
        st.stop()
    if count == 0:
        st.info(EMPTY_WAREHOUSE)
        st.stop()


def no_match() -> None:
    """Stop the page with the no-match message."""
    st.info(NO_MATCH)
    st.stop()


# What a chart stands on, from the page's headline: (count with the value, count in scope, words).
COVERAGE = {
    "money": ("n_with_amounts", "n_money_population", "份项目支出自评写明了预算与支出"),
    "scores": ("n_scored", "n_score_population", "份自评报告写明了自评分"),
    "grades": ("n_graded", "n_score_population", "份自评报告写明了自评等级"),
    "reports": ("n_evaluations", "n_evaluations", "份报告"),
}


def chart(fig, *, key: str, based_on: str | tuple, head: dict | None = None, where=None, **kwargs) -> None:
    """A Plotly chart with its coverage caption (基于 N / M 份…): `based_on` names a COVERAGE entry read
    from the page's headline `head`, or is (n, of, words) counted by the page itself."""
    target = where or st
    kwargs.setdefault("theme", None)
    target.plotly_chart(fig, key=key, **kwargs)
    if isinstance(based_on, str):
        n_key, of_key, what = COVERAGE[based_on]
        n, of = (head or {}).get(n_key), (head or {}).get(of_key)
    else:
        n, of, what = based_on
    target.caption(figures.coverage(n, of, what))


def require_matches(current: filters.Filters) -> dict:
    """Stop the page with the no-match message when the filters select no report; returns the headline."""
    head = data.headline_figures(current)
    if not head["n_evaluations"]:
        st.info(NO_MATCH)
        st.stop()
    return head


def _column_config(frame: pl.DataFrame) -> dict:
    config = {}
    for name, dtype in frame.schema.items():
        if not dtype.is_numeric():
            continue
        if "(万元)" in name:
            config[name] = st.column_config.NumberColumn(name, format="accounting")
        elif "(%)" in name:
            config[name] = st.column_config.NumberColumn(name, format="%.2f")
        elif "占比" in name or "比例" in name:
            config[name] = st.column_config.NumberColumn(name, format="percent")
        elif name == "年度":
            config[name] = st.column_config.NumberColumn(name, format="%d")
    return config


def table(frame: pl.DataFrame, columns: list[str], key: str, file_stem: str, height: int | str = "auto") -> None:
    """A table as text cells with Chinese column names, and its Excel and CSV downloads."""
    shown = labelled(frame, [c for c in columns if c in frame.columns])
    st.dataframe(theme.for_display(shown), hide_index=True, column_config=_column_config(shown), key=key,
                 height=height)
    export.download_buttons(shown, file_stem, key=f"{key}_download")  # a missing value exports blank


def chinese_uploader(max_mb: int, types: str) -> None:
    """Streamlit's file uploader prints its own English (`Upload`, `50MB per file • TXT…`) and offers no
    parameter to change it: its texts are hidden and drawn in Chinese by CSS (the widget's label, the
    part a page controls, is Chinese already)."""
    st.html(f"""<style>
[data-testid="stFileUploaderDropzone"] button > * {{ display: none; }}
[data-testid="stFileUploaderDropzone"] button::after {{ content: "选择文件"; }}
[data-testid="stFileUploaderDropzoneInstructions"] > * {{ display: none; }}
[data-testid="stFileUploaderDropzoneInstructions"]::after {{
    content: "拖放文件到此处，或点击“选择文件”。单个文件不超过 {max_mb} MB；格式 {types}";
    font-size: 0.875rem; opacity: 0.7;
}}
</style>""")


def doubtful_note(head: dict) -> None:
    """Say how many reports' amounts were left out as 待核实, with the way to the list."""
    left_out = head.get("n_doubtful_left_out") or 0
    if left_out:
        st.warning(f"另有 {left_out:,} 份报告的金额或执行率待核实（如疑为以元计的金额、超过150%的执行率），"
                   "未计入以上合计、执行率和排名；侧栏“计入待核实的金额”可将其计入。")
        st.page_link(navigation.page("data").path, label="查看待核实清单（数据管理）", icon=":material/fact_check:")
