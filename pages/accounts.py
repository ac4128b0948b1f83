"""账号与审计 (数据管理员 only): accounts and their roles and units, withdrawn reports, and the audit
trail of sign-ins, uploads, corrections, withdrawals and account changes (kept outside the warehouse)."""
from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.auth import session, store
from dashboard.ingest.withdraw import restore
from dashboard.ui import data
from dashboard.ui import data_inflation
from dashboard.ui.export import download_buttons
from dashboard.ui.theme import error_text, for_display
from dashboard.warehouse import WarehouseError

AUDIT_PAGE_ROWS = 200
account = session.require_role("admin")
st.title("账号与审计")
st.caption("账号、角色与可查看的单位；撤回的报告；登录、上传、更正、撤回和账号变更的审计日志。"
           "账号与日志保存在数据仓库之外，重建或重新导入数据不会丢失。")


def _done(message: str) -> None:
    st.session_state["accounts_message"] = message
    st.rerun()


if st.session_state.get("accounts_message"):
    st.success(st.session_state.pop("accounts_message"))

# --- Accounts ----------------------------------------------------------------------------------
st.subheader("账号")
accounts = store.accounts()
st.dataframe(for_display(pl.DataFrame({
    "账号": [a.name for a in accounts], "名称": [a.display_name for a in accounts],
    "角色": [a.role_label for a in accounts], "可查看的单位": ["、".join(a.units) or "全部单位" for a in accounts],
    "状态": ["已停用" if a.disabled else "可用" for a in accounts],
    "统一身份认证邮箱": [a.oidc_email or "" for a in accounts]}, schema={c: pl.String for c in (
        "账号", "名称", "角色", "可查看的单位", "状态", "统一身份认证邮箱")})), key="accounts_table", hide_index=True)

options, _n = data.warehouse_status()
units_known = [u for u in options.departments]
with st.expander("新建账号"):
    with st.form("accounts_add", clear_on_submit=True):
        name = st.text_input("账号名", max_chars=40)
        display_name = st.text_input("显示名称（可选）", max_chars=40)
        role = st.selectbox("角色", list(store.ROLES), format_func=lambda r: f"{store.ROLES[r]}：{store.ROLE_HELP[r]}")
        units = st.multiselect("可查看的单位（部门账号必选）", units_known, placeholder="选择单位")
        password = st.text_input(f"初始密码（至少 {store.MIN_PASSWORD_CHARS} 个字符）", type="password", max_chars=200)
        if st.form_submit_button("创建", type="primary"):
            try:
                store.add(name.strip(), password, role, tuple(units), by=account.name, display_name=display_name.strip())
            except store.AccountError as exc:
                st.error(f"未创建：{error_text(exc)}")
            else:
                _done(f"已创建账号「{name.strip()}」。")

if accounts:
    with st.expander("修改账号"):
        names = [a.name for a in accounts]
        chosen = st.selectbox("账号", names, key="accounts_pick")
        target = next(a for a in accounts if a.name == chosen)
        new_units = st.multiselect("可查看的单位", sorted(set(units_known) | set(target.units)),
                                   default=list(target.units), key="accounts_units", placeholder="选择单位")
        new_role = st.selectbox("角色", list(store.ROLES), index=list(store.ROLES).index(target.role),
                                format_func=store.ROLES.get, key="accounts_role")
        if st.button("保存角色与单位", key="accounts_save"):
            if target.name == account.name and new_role != "admin":
                st.error("不能取消自己的数据管理员角色。")
            else:
                try:
                    store.change(target.name, by=account.name, role=new_role, units=tuple(new_units))
                except store.AccountError as exc:
                    st.error(f"未保存：{error_text(exc)}")
                else:
                    _done(f"已修改账号「{target.name}」。")
        new_password = st.text_input("新密码", type="password", key="accounts_password", max_chars=200)
        if st.button("重设密码", key="accounts_reset"):
            try:
                store.change(target.name, by=account.name, password=new_password)
            except store.AccountError as exc:
                st.error(f"未重设：{error_text(exc)}")
            else:
                _done(f"已重设「{target.name}」的密码，其已登录的会话均已结束。")
        if target.name != account.name:
            label = "启用账号" if target.disabled else "停用账号"
            if st.button(label, key="accounts_toggle"):
                store.change(target.name, by=account.name, disabled=not target.disabled)
                _done(f"已{label[:2]}「{target.name}」。")

# --- Withdrawn reports -------------------------------------------------------------------------
st.subheader("已撤回的报告")
try:
    withdrawn = data_inflation.withdrawn_reports()
except (data.NoWarehouse, WarehouseError):
    withdrawn = pl.DataFrame()
if withdrawn.is_empty():
    st.info("没有撤回的报告。撤回在“项目档案”页进行。")
else:
    shown = withdrawn.select(
        pl.col("project_name").alias("项目名称"), pl.col("department").alias("单位"), pl.col("year").alias("年度"),
        pl.col("withdrawn_by").alias("撤回人"), pl.col("withdrawn_at").alias("撤回时间"),
        pl.col("withdraw_reason").alias("撤回原因"))
    st.dataframe(for_display(shown), key="accounts_withdrawn", hide_index=True)
    rows = list(withdrawn.iter_rows(named=True))
    pick = st.selectbox("恢复哪一份", range(len(rows)), key="accounts_restore_pick",
                        format_func=lambda i: f"{rows[i]['project_name'] or '（未写明项目名称）'} · {rows[i]['year'] or '年度不详'}")
    if st.button("恢复", key="accounts_restore"):
        row = rows[pick]
        try:
            restore(None, row["content_hash"], row["record_index"])
        except WarehouseError as exc:
            st.error(f"未恢复：{error_text(exc)}")
        else:
            store.audit(account.name, "restore", f"{row['project_name'] or '（未写明项目名称）'} · {row['year'] or '年度不详'}",
                        role=account.role, address=session.client_address())
            _done("已恢复，该报告重新计入各页数字。")

# --- Audit trail -------------------------------------------------------------------------------
st.subheader("审计日志")
left, right = st.columns(2)
who = left.selectbox("账号", [None, *[a.name for a in accounts]], format_func=lambda n: "全部账号" if n is None else n,
                     key="audit_account")
action = right.selectbox("操作", [None, *store.ACTIONS], format_func=lambda a: "全部操作" if a is None else store.ACTIONS[a],
                         key="audit_action")
page_no = st.number_input("页码", min_value=1, value=1, step=1, key="audit_page")
rows, total = store.audit_rows(limit=AUDIT_PAGE_ROWS, offset=(int(page_no) - 1) * AUDIT_PAGE_ROWS, account=who,
                               action=action)
st.caption(f"共 {total:,} 条，每页 {AUDIT_PAGE_ROWS} 条，最新的在前。")
audit = pl.DataFrame({
    "时间": [r["at"] for r in rows], "账号": [r["account"] for r in rows],
    "角色": [store.ROLES.get(r["role"], r["role"]) for r in rows],
    "操作": [store.ACTIONS.get(r["action"], r["action"]) for r in rows], "对象": [r["target"] for r in rows],
    "说明": [r["detail"] for r in rows], "来源地址": [r["address"] for r in rows]},
    schema={c: pl.String for c in ("时间", "账号", "角色", "操作", "对象", "说明", "来源地址")})
st.dataframe(for_display(audit), key="audit_table", hide_index=True)
download_buttons(audit, "审计日志", key="audit_download")
