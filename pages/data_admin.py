"""数据管理 (数据管理员 only): upload report files and load them in the background; files that failed and
why; the 待核实 list of implausible values; records that lack a field; corrections of extracted fields
(kept with the signed-in account, when, old and new value, surviving re-ingestion)."""
from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import settings
from dashboard.auth import session, store
from dashboard.ingest.load import CorrectionError, add_correction
from dashboard.ingest.readers import SUPPORTED_EXTENSIONS
from dashboard.metrics import completeness
from dashboard.ui import data_inflation as data
from dashboard.ui.data import NoWarehouse
from dashboard.ui.export import download_buttons
from dashboard.ui.filters import KIND_LABELS
from dashboard.ui.inflation_labels import STATUS_LABELS, chinese_columns
from dashboard.ui.layout import chinese_uploader, header
from dashboard.ui.failures import explain_failure
from dashboard.ui.theme import error_text, fmt_count, for_display
from dashboard.ui import upload_jobs
from dashboard.ui.upload import file_label, load_running, loaded_hashes, original_names, save_uploads, with_original_names
from dashboard.warehouse import WarehouseError

# Fields a user may correct, with their Chinese names (all are in dashboard.ingest.load.CORRECTABLE_FIELDS).
FIELD_LABELS = {
    "department": "单位", "year": "年度", "budget_wan": "预算(万元)", "spent_wan": "实际支出(万元)",
    "initial_budget_wan": "年初预算(万元)", "received_wan": "到位资金(万元)", "self_score": "自评分",
    "grade": "自评等级", "project_name": "项目名称", "region": "地区", "supervising_department": "主管部门",
    "kind": "评价类型",
}
STATE_LAST_LOAD = "admin_last_load"
STATE_LAST_CORRECTION = "admin_last_correction"
CORRECT_CHOICES = 1000  # what a picker can sensibly offer; the search narrows the rest

account = session.require_role("admin")
filters = header("数据管理", "上传报告并导入；查看读取失败的文件和提示；核对可疑数值；更正抽取错误的字段（保留更正人、时间、原值和新值，重新导入后仍然有效）。")
names = original_names()

# --- Upload ------------------------------------------------------------------------------------
st.subheader("上传报告")
max_mb = int(settings.get("max_upload_mb"))
chinese_uploader(max_mb, "、".join(e.lstrip(".").upper() for e in SUPPORTED_EXTENSIONS))
st.file_uploader(
    f"选择报告文件（可多选；{' '.join(SUPPORTED_EXTENSIONS)}；单个文件不超过 {max_mb} MB）",
    type=[e.lstrip(".") for e in SUPPORTED_EXTENSIONS], accept_multiple_files=True, key="admin_upload",
    max_upload_size=max_mb)
if st.button("导入上传的文件", key="admin_ingest_button", type="primary"):
    files = st.session_state.get("admin_upload") or []
    if not files:
        st.warning("请先选择要上传的报告文件。")
    else:
        # Content already loaded or already waiting in a job is reported here and never saved.
        batch = save_uploads([(f.name, f) for f in files], uploaded_by=account.name,
                             loaded_hashes=loaded_hashes(), pending_hashes=upload_jobs.pending_hashes())
        job_id = upload_jobs.start_job(batch, uploaded_by=account.name) if batch.saved else None
        store.audit(account.name, "upload", f"导入任务 {job_id or '（无）'}",
                    f"保存 {len(batch.saved)} 个文件；重复 {len(batch.duplicates)}；拒收 {len(batch.rejected)}",
                    role=account.role, address=session.client_address())
        st.session_state[STATE_LAST_LOAD] = {
            "job": job_id, "saved": len(batch.saved),
            "lines": [f"{name}: {reason}" for name, reason in batch.duplicates + batch.rejected]}
last_load = st.session_state.get(STATE_LAST_LOAD)
if isinstance(last_load, dict):
    last_job = upload_jobs.read_job(last_load["job"]) if last_load["job"] else None
    if last_job is not None and last_job.get("state") in upload_jobs.UNFINISHED:
        st.info(f"已保存 {last_load['saved']} 个文件，正在服务器后台导入：刷新、离开或关闭页面都不会中断导入，"
                "进度和结果显示在下方“导入任务”中。")
    elif not last_load["job"]:
        st.warning("没有需要导入的新文件。")
    if last_load["lines"]:
        st.warning(f"{len(last_load['lines'])} 个文件未上传：")
        st.text("\n".join(last_load["lines"]))  # file names come from the browser: plain text only

# Upload jobs run in a worker process of their own: this panel only reads their job files, polling
# while one is unfinished, and reruns the page once they are all done (fresh file tables, no polling).
jobs_unfinished = bool(upload_jobs.unfinished_jobs())


@st.fragment(run_every=1.0 if jobs_unfinished else None)
def upload_jobs_panel() -> None:
    jobs = upload_jobs.list_jobs()
    unfinished = [j for j in jobs if j.get("state") in upload_jobs.UNFINISHED]
    if jobs_unfinished and not unfinished:
        st.rerun()
    if unfinished:
        upload_jobs.ensure_worker()  # after a server restart or a worker that died: take the jobs up again
    finished = [j for j in jobs if j.get("state") == upload_jobs.FINISHED][::-1][:6]
    if not unfinished and not finished:
        return
    st.markdown("#### 导入任务")
    for job in unfinished:
        text, share = upload_jobs.job_status(job)
        if share is None:
            st.info(text)
        else:
            st.progress(min(max(share, 0.0), 1.0), text=text)
    if unfinished:
        st.caption("导入在服务器后台进行：刷新、离开或关闭页面都不会中断，回到本页即可看到进度和结果。")
    for index, job in enumerate(finished[:1] if unfinished else finished):
        if index == 1:
            st.caption("此前的导入：")
        ok, headline, lines = upload_jobs.job_outcome(job)
        (st.success if ok else st.warning)(headline)
        if lines:
            st.text("\n".join(lines))  # file names come from the browser: plain text only


upload_jobs_panel()

# --- Files -------------------------------------------------------------------------------------
st.subheader("文件状态")
try:
    files = data.file_statuses(filters)
except (NoWarehouse, WarehouseError):
    files = pl.DataFrame()
if files.is_empty():
    st.info("还没有导入过任何文件。请在上方上传报告，或在服务器上运行 python -m dashboard ingest 文件夹。")
    st.stop()

files = files.with_columns(
    pl.col("file_name").map_elements(lambda n: with_original_names(n, names), return_dtype=pl.String),
    pl.col("error").map_elements(lambda e: with_original_names(e, names), return_dtype=pl.String),
    pl.col("status").replace(STATUS_LABELS).alias("status_label"),
)
failed = files.filter(pl.col("status") == "failed")
duplicates = files.filter(pl.col("status") == "duplicate")
cols = st.columns(4)
cols[0].metric("已导入文件", fmt_count(files.filter(pl.col("status") == "loaded").height))
cols[1].metric("读取失败", fmt_count(failed.height))
cols[2].metric("同一报告的其他格式", fmt_count(duplicates.height),
               help="内容与已导入的报告相同（单位、项目、年度、金额、得分一致）的其他格式文件，只计入一次。")
cols[3].metric("有提示的文件", fmt_count(files.filter(pl.col("warnings").list.len() > 0).height))

st.markdown("#### 读取失败的文件")
if failed.is_empty():
    st.success("没有读取失败的文件。")
else:
    explained = failed.with_columns(
        pl.col("error").map_elements(lambda e: explain_failure(e)[0], return_dtype=pl.String).alias("error_kind"),
        pl.col("error").map_elements(lambda e: explain_failure(e)[1], return_dtype=pl.String).alias("advice"),
    )
    failure_table = chinese_columns(explained.rename({"error": "error_reason"}),
                                    ["file_name", "error_kind", "error_reason", "advice", "format", "ingested_at",
                                     "loaded_by"])
    st.dataframe(for_display(failure_table), key="admin_failures", hide_index=True,
                 column_config={"原因说明": st.column_config.TextColumn(width="large")})
    download_buttons(failure_table, "数据管理_读取失败", key="admin_failures_download")

st.markdown("#### 导入时的提示")
warned = files.filter(pl.col("warnings").list.len() > 0).explode("warnings").rename({"warnings": "warning"})
if warned.is_empty():
    st.success("已导入的文件没有提示。")
else:
    warning_table = chinese_columns(warned, ["file_name", "warning", "ingested_at", "loaded_by"])
    st.dataframe(for_display(warning_table), key="admin_warnings", hide_index=True,
                 column_config={"提示": st.column_config.TextColumn(width="large")})
    download_buttons(warning_table, "数据管理_导入提示", key="admin_warnings_download")

# --- 待核实 work list ---------------------------------------------------------------------------
st.subheader("待核实数值", anchor="doubtful")
st.caption("按合理性规则（由管理员维护）判为不合常理的数值：原样保存，附报告原文和建议读法；在核实前不计入"
           "合计、加权执行率和排名。采用建议值或确认原值都会作为更正记录保存（记录更正人和时间）。")
doubtful = data.doubtful_values(filters)
if doubtful.is_empty():
    st.success("筛选范围内没有待核实的数值。")
else:
    doubtful = doubtful.with_columns(pl.col("field").replace_strict(FIELD_LABELS, default=pl.col("field"))
                                     .alias("field_label"),
                                     pl.col("file_name").map_elements(lambda s: file_label(s, names),
                                                                      return_dtype=pl.String),
                                     pl.col("reason").alias("doubt_reason"))
    doubtful_table = chinese_columns(doubtful, ["project_name", "department_canonical", "year", "field_label",
                                                "value", "doubt_reason", "quote", "suggested", "file_name"])
    st.dataframe(for_display(doubtful_table), key="admin_doubtful", hide_index=True,
                 column_config={"报告原文": st.column_config.TextColumn(width="large")})
    download_buttons(doubtful_table, "数据管理_待核实数值", key="admin_doubtful_download")
    rows = list(doubtful.iter_rows(named=True))
    pick = st.selectbox("选择待核实的数值", range(len(rows)), key="admin_doubtful_pick",
                        format_func=lambda i: f"{rows[i]['project_name'] or '（未写明项目名称）'} · "
                                              f"{rows[i]['field_label']} {rows[i]['value']:g}")
    row = rows[pick]
    left, right = st.columns(2)
    actions = []
    if row["suggested"] is not None and row["field"] != "execution_rate":
        actions.append((left, f"采用建议值 {row['suggested']:g}", row["suggested"], "admin_doubtful_accept"))
    if row["field"] != "execution_rate":
        actions.append((right, "原值无误（确认）", row["value"], "admin_doubtful_confirm"))
    else:
        st.caption("执行率由支出 ÷ 预算算得：请核对后在下方“更正字段”中更正预算或支出。")
    for column, label, value, key in actions:
        if column.button(label, key=key):
            try:
                shown = f"{value:g}" if row["field"] != "year" else str(int(value))
                result = add_correction(None, row["content_hash"], row["record_index"], row["field"], shown,
                                        account.name)
                store.audit(account.name, "correction", f"{row['project_name'] or '（未写明项目名称）'} · {row['field_label']}",
                            f"待核实 {row['value']:g} 记为 {shown}", role=account.role, address=session.client_address())
                st.session_state[STATE_LAST_CORRECTION] = (
                    True, "\n".join([f"已保存：{row['field_label']} 记为 {shown}。", *result.warnings]))
                st.rerun()
            except (CorrectionError, WarehouseError) as exc:
                st.error(f"未保存：{error_text(exc)}")

# --- Partial records ---------------------------------------------------------------------------
st.subheader("不完整的记录")
st.caption("报告里没有写明、读取时也没能读出的字段。缺少单位或年度的报告分别归入“单位不详”“年度不详”，"
           "可在左侧筛选中单独查看；缺少金额的报告不计入金额与执行率。可在下方“更正字段”中补全。")
evaluations = data.correctable(filters)
lacking = completeness.with_lacks(evaluations)
partial = lacking.filter(pl.col("lacks").list.len() > 0).with_columns(
    pl.col("lacks").list.join("、").alias("lacks_text"),
    pl.col("file_name").map_elements(lambda n: with_original_names(n, names), return_dtype=pl.String))
if partial.is_empty():
    st.success("筛选范围内的记录都写明了项目名称、单位、年度、自评分和金额。")
else:
    partial_table = chinese_columns(partial, ["project_name", "department", "year", "lacks_text", "file_name"])
    st.dataframe(for_display(partial_table), key="admin_partial", hide_index=True)
    download_buttons(partial_table, "数据管理_不完整的记录", key="admin_partial_download")

# --- Corrections -------------------------------------------------------------------------------
st.subheader("更正字段")
if evaluations.is_empty():
    st.info("筛选范围内没有可更正的评价记录。")
else:
    doubtful_ids = set(doubtful["evaluation_id"].to_list()) if not doubtful.is_empty() else set()
    flagged = doubtful_ids | set(partial["evaluation_id"].to_list())
    order = pl.concat([partial.select("evaluation_id"), evaluations.select("evaluation_id")]).unique(maintain_order=True)
    order = [e for e in order["evaluation_id"].to_list() if e in doubtful_ids] + \
            [e for e in order["evaluation_id"].to_list() if e not in doubtful_ids]
    find = st.text_input("查找要更正的记录", key="admin_correct_search", max_chars=50,
                         placeholder="输入项目名称、单位或文件名的一部分")
    if find.strip():
        found = completeness.matching(lacking, find, ["project_name", "department", "file_name"])
        matched = set(found["evaluation_id"].to_list())
        if matched:
            order = [e for e in order if e in matched]
        else:
            st.info("没有找到匹配的记录，下拉框仍列出全部。")
    if len(order) > CORRECT_CHOICES:
        st.caption(f"共 {len(order):,} 条记录，下拉框列出前 {CORRECT_CHOICES:,} 条（待核实和不完整的在前）；可用查找缩小范围。")
        order = order[:CORRECT_CHOICES]
    by_id = {row["evaluation_id"]: row for row in lacking.iter_rows(named=True)}
    labels = {e: ("⚠ " if e in flagged else "") +
                 f"{by_id[e]['project_name'] or '（未写明项目名称）'} · {by_id[e]['department'] or '单位不详'} · "
                 f"{by_id[e]['year'] or '年度不详'} · {with_original_names(by_id[e]['file_name'], names) or ''}"
              for e in order}
    chosen = st.selectbox("评价记录（待核实和不完整的排在前面）", list(labels), format_func=lambda e: labels.get(e, e),
                          key="admin_correct_evaluation")
    field = st.selectbox("字段", list(FIELD_LABELS), format_func=lambda f: FIELD_LABELS[f], key="admin_correct_field")
    record = by_id[chosen]
    current_value = record.get(field)
    shown_value = KIND_LABELS.get(current_value, current_value) if field == "kind" else current_value
    st.text(f"当前值：{'（空）' if current_value is None else shown_value}")
    hint = {"kind": "填写 project_self、department_self 或 external", "grade": "填写 优、良、中 或 差",
            "year": "四位数年度，如 2023"}.get(field, "金额以万元计" if field.endswith("_wan") else "")
    new_value = st.text_input("新值", key="admin_correct_value", max_chars=200, help=hint or None)
    if st.button("保存更正", key="admin_correct_save", type="primary"):
        if not new_value.strip():
            st.session_state[STATE_LAST_CORRECTION] = (False, "请填写新值。")
        elif load_running():
            st.session_state[STATE_LAST_CORRECTION] = (False, "另一个导入正在进行，请在其完成后再保存更正。")
        else:
            try:
                result = add_correction(None, record["content_hash"], record["record_index"], field, new_value,
                                        account.name)
                store.audit(account.name, "correction",
                            f"{record['project_name'] or '（未写明项目名称）'} · {FIELD_LABELS[field]}",
                            f"{'（空）' if current_value is None else current_value} → {new_value.strip()}",
                            role=account.role, address=session.client_address())
                st.session_state[STATE_LAST_CORRECTION] = (
                    True, "\n".join([f"已保存：{FIELD_LABELS[field]} 改为 {new_value.strip()}。标记与风险分已按更正后的数值重新计算。",
                                     *result.warnings]))
                st.rerun()
            except CorrectionError as exc:
                st.session_state[STATE_LAST_CORRECTION] = (False, f"未保存：{error_text(exc)}")
            except WarehouseError as exc:
                st.session_state[STATE_LAST_CORRECTION] = (False, f"未保存：{error_text(exc)}")
    last = st.session_state.get(STATE_LAST_CORRECTION)
    if last:
        (st.success if last[0] else st.error)("更正已保存" if last[0] else "更正未保存")
        st.text(last[1])

st.markdown("#### 更正记录")
history = (evaluations.select("evaluation_id", "project_name", "department", "year", "corrections")
           .explode("corrections").drop_nulls("corrections").unnest("corrections"))
if history.is_empty():
    st.info("筛选范围内还没有更正记录。")
else:
    history = history.with_columns(pl.col("field").replace(FIELD_LABELS).alias("field_label")).sort(
        "corrected_at", descending=True)
    history_table = chinese_columns(history, ["corrected_at", "corrected_by", "project_name", "department", "year",
                                              "field_label", "old_value", "new_value"])
    st.dataframe(for_display(history_table), key="admin_corrections", hide_index=True)
    download_buttons(history_table, "数据管理_更正记录", key="admin_corrections_download")
