"""项目档案: one project across the years (budget, spend, score, flags), one report's indicator table,
problems and flags, and its text with the flagged evidence highlighted (everything escaped).

URL: `evaluation` = evaluation_id and/or `project` = project_key (what other pages link with).
"""
from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts_inflation as charts
from dashboard.auth import session, store
from dashboard.ingest.withdraw import WithdrawError, withdraw
from dashboard.metrics import completeness
from dashboard.ui import data_inflation as data
from dashboard.ui.export import download_buttons
from dashboard.ui.filters import KIND_LABELS
from dashboard.ui.highlight import escape_text, evidence_quotes, missing_quotes, report_text_html
from dashboard.ui.inflation_labels import chinese_columns, with_flag_labels
from dashboard.ui.layout import header, require_reports
from dashboard.ui.navigation import URL_EVALUATION, URL_PROJECT
from dashboard.ui.theme import error_text, fmt_pct, fmt_score, fmt_wan, for_display, register
from dashboard.ui.upload import file_label, original_names
from dashboard.warehouse import WarehouseError

HISTORY_COLUMNS = ["year", "kind", "budget_wan", "spent_wan", "execution_rate", "self_score", "grade",
                   "points_lost", "n_problems", "n_flags", "flag_labels", "source"]
INDICATOR_COLUMNS = ["level1", "level2", "level3", "weight", "score", "points_lost", "reason", "rule", "target",
                     "actual"]
FLAG_COLUMNS = ["code_label", "severity_label", "scope_label", "message", "evidence"]

register()
filters = header("项目档案", "一个项目的历年预算、支出、自评分与标记，所选年度报告的指标评分表、存在的问题，以及标出证据的报告原文。")
require_reports()


def _url_value(name: str) -> str | None:
    values = st.query_params.get_all(name)
    return values[0] if values else None


def _set_project() -> None:
    st.query_params[URL_PROJECT] = st.session_state["project_select"]
    if URL_EVALUATION in st.query_params:
        del st.query_params[URL_EVALUATION]


def _set_report() -> None:
    st.query_params[URL_EVALUATION] = st.session_state["project_report"]


PROJECT_CHOICES = 1000  # what a picker can sensibly offer; the search narrows the rest
options = data.project_options(filters)
search = st.text_input("查找项目或单位", key="project_search", max_chars=50, placeholder="输入项目名称或单位名称的一部分")
options = completeness.matching(options, search, ["project_name", "department_canonical"])
if options.height > PROJECT_CHOICES:
    st.caption(f"筛选范围内有 {options.height:,} 个项目，下拉框列出风险最高的 {PROJECT_CHOICES:,} 个；可用上方查找缩小范围。")
    options = options.head(PROJECT_CHOICES)

evaluation_id = _url_value(URL_EVALUATION)
project_key = _url_value(URL_PROJECT)
report = None
if evaluation_id is not None:
    found = data.project_report(evaluation_id=evaluation_id)["report"]
    if found.is_empty():
        st.warning("网址中的评价编号（evaluation）指向的报告不存在、已撤回或您无权查看，已忽略。")
        evaluation_id = None
    else:
        report = found.row(0, named=True)
        project_key = report["project_key"]
if evaluation_id is None and project_key is not None:
    if data.project_history(project_key=project_key).is_empty():
        st.warning("网址中的项目编号（project）指向的项目不存在或您无权查看，已忽略。")
        project_key = None

choices = options["project_key"].to_list()
names = {k: f"{n or '（未写明项目名称）'} · {d or '单位不详'} · "
         f"{'、'.join(str(y) for y in (ys or [])) or '年度不详'}"
         for k, n, d, ys in zip(*(options[c].to_list() for c in ("project_key", "project_name",
                                                                  "department_canonical", "years")))}
if project_key is not None and project_key not in names:
    choices.insert(0, project_key)  # opened by link from outside the filtered scope
    names[project_key] = "（当前项目，不在筛选范围内）"
if not choices:
    st.info("筛选范围内没有项目。请放宽左侧的筛选条件，或到“数据管理”页导入报告。")
    st.stop()
if project_key is None:
    project_key = choices[0]
if st.session_state.get("project_select") != project_key:
    st.session_state["project_select"] = project_key
st.selectbox("选择项目（按风险从高到低）", choices, key="project_select", format_func=lambda k: names.get(k, k),
             on_change=_set_project)

uploads = original_names()
history = with_flag_labels(data.project_history(project_key=project_key)).with_columns(
    pl.col("source").map_elements(lambda s: file_label(s, uploads), return_dtype=pl.String))
if history.is_empty():
    st.info("该项目没有报告。")
    st.stop()
if report is None or report["project_key"] != project_key:
    evaluation_id = history["evaluation_id"][-1]  # the latest year
latest = history.row(history.height - 1, named=True)
st.markdown(f"### {escape_text(latest['project_name'] or '（未写明项目名称）')}")
st.text(f"单位：{latest['department_canonical'] or '不详'}　　报告 {history.height} 份　　"
        f"年度：{'、'.join(str(y) for y in history['year'].drop_nulls().to_list()) or '不详'}")

# --- Across the years --------------------------------------------------------------------------
st.subheader("历年情况")
st.plotly_chart(charts.project_years(history), key="project_years_chart")
history_table = chinese_columns(history.with_columns(pl.col("kind").replace(KIND_LABELS)), HISTORY_COLUMNS)
st.dataframe(for_display(history_table), key="project_history_table", hide_index=True)
download_buttons(history_table, "项目档案_历年情况", key="project_history_download")

# --- One report --------------------------------------------------------------------------------
report_ids = history["evaluation_id"].to_list()
report_names = {e: f"{f'{y}年' if y else '年度不详'} · 自评 {fmt_score(s)} · {k} · {src.rsplit('/', 1)[-1]}"
                for e, y, s, k, src in zip(report_ids, history["year"].to_list(), history["self_score"].to_list(),
                                           history["kind"].replace(KIND_LABELS).to_list(),
                                           history["source"].fill_null("").to_list())}
if st.session_state.get("project_report") != evaluation_id:
    st.session_state["project_report"] = evaluation_id
st.selectbox("查看哪一年的报告", report_ids, key="project_report", format_func=lambda e: report_names.get(e, e),
             on_change=_set_report)

parts = data.project_report(evaluation_id=evaluation_id)
if parts["report"].is_empty():
    st.info("所选报告已不在仓库中（可能刚被重新导入）：请重新选择年度。")
    st.stop()
row = parts["report"].row(0, named=True)
st.subheader(f"{row['year'] or '年度不详'}年度报告")
amounts, scores = st.columns(3), st.columns(3)
amounts[0].metric("预算", fmt_wan(row["budget_wan"]))
amounts[1].metric("实际支出", fmt_wan(row["spent_wan"]))
amounts[2].metric("执行率", fmt_pct(row["execution_rate"]))
scores[0].metric("自评分", fmt_score(row["self_score"]) + (f"（{row['grade']}）" if row["grade"] else ""))
scores[1].metric("证据支持的分数", fmt_score(row["supported_score"]))
scores[2].metric("风险分", "—" if row["risk_score"] is None else f"{row['risk_score']:g}")
st.text(f"评价类型：{KIND_LABELS.get(row['kind'], row['kind'] or '不详')}　　主管部门：{row['supervising_department'] or '不详'}"
        f"　　文件：{file_label(row['source'], uploads)}" + ("　　（部分字段已人工更正）" if row["corrected"] else ""))
if row["warnings"]:
    with st.expander(f"抽取时的提示（{len(row['warnings'])} 条）"):
        st.text("\n".join(row["warnings"]))

flags = with_flag_labels(parts["flags"])
st.markdown("#### 标记与证据")
if flags.is_empty():
    st.success("这份报告没有被标记。")
else:
    flag_table = chinese_columns(flags, FLAG_COLUMNS)
    st.dataframe(for_display(flag_table), key="project_flag_table", hide_index=True,
                 column_config={"证据（报告原文）": st.column_config.TextColumn(width="large"),
                                "说明": st.column_config.TextColumn(width="large")})

st.markdown("#### 指标评分表")
if parts["indicators"].is_empty():
    st.info("报告没有附指标评分表。")
else:
    indicator_table = chinese_columns(parts["indicators"], INDICATOR_COLUMNS)
    st.dataframe(for_display(indicator_table), key="project_indicator_table", hide_index=True)
    download_buttons(indicator_table, "项目档案_指标评分表", key="project_indicator_download")

st.markdown("#### 存在的问题")
if parts["problems"].is_empty():
    st.info("报告没有列出存在的问题。")
else:
    st.dataframe(for_display(chinese_columns(parts["problems"], ["problem_text"])), key="project_problem_table", hide_index=True)

st.markdown("#### 报告原文")
quotes = [q for evidence in flags["evidence"].to_list() for q in evidence_quotes(evidence)] if flags.height else []
quotes = list(dict.fromkeys(quotes))
if row["full_text"]:
    if quotes:
        st.caption("黄色底纹为标记所引用的原文。")
    st.html(report_text_html(row["full_text"], quotes))
    absent = missing_quotes(row["full_text"], quotes)
    if absent:
        with st.expander(f"{len(absent)} 处引文未能在原文中定位"):
            st.text("\n".join(absent))
else:
    st.info("没有保存这份报告的原文。")

# --- Withdraw (数据管理员) ------------------------------------------------------------------------
account = session.current()
if account is not None and account.is_admin:
    with st.expander("撤回这份报告（数据管理员）"):
        st.caption("撤回后，这份报告不再计入任何页面的数字、图表和导出，但仍保存在仓库中，可在“账号与审计”页恢复。"
                   "撤回人、时间和原因记入审计日志。")
        reason = st.text_input("撤回原因（必填）", key="project_withdraw_reason", max_chars=200)
        if st.button("撤回", key="project_withdraw", type="primary"):
            try:
                withdraw(None, row["content_hash"], row["record_index"], account.name, reason)
            except (WithdrawError, WarehouseError) as exc:
                st.error(f"未撤回：{error_text(exc)}")
            else:
                store.audit(account.name, "withdrawal", f"{row['project_name'] or '（未写明项目名称）'} · "
                            f"{row['year'] or '年度不详'} · {file_label(row['source'], uploads)}", reason.strip(),
                            role=account.role, address=session.client_address())
                for key in (URL_EVALUATION, URL_PROJECT):
                    if key in st.query_params:
                        del st.query_params[key]
                st.success("已撤回。")
                st.rerun()
