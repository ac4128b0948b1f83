"""Sign-in in the dashboard: nothing is read before an account has signed in.

The entrypoint calls `require()` first: without a signed-in, current, enabled account it draws the
sign-in form (or the identity provider's button when OIDC is configured in .streamlit/secrets.toml,
mapped to accounts by e-mail) and stops the run. With one, it sets the read scope of every query
(dashboard.warehouse.set_read_scope) and returns the account. Sessions end after `session_minutes`;
every page's sidebar has 退出登录.
"""
from __future__ import annotations

import re
import time

import streamlit as st

from dashboard import settings
from dashboard.auth import store
from dashboard.warehouse import ALL_UNITS, set_read_scope

STATE_ACCOUNT = "auth_account"
STATE_SINCE = "auth_signed_in_at"
STATE_MESSAGE = "auth_message"
STATE_TOKEN = "auth_token"
STATE_COOKIE = "auth_cookie_pending"  # the cookie to write on this run: the token, or "" to clear it
COOKIE = "perf_session"
_TOKEN = re.compile(r"^[A-Za-z0-9_\-]{20,200}$")
KEY_NAME = "auth_name"
KEY_PASSWORD = "auth_password"
KEY_SUBMIT = "auth_submit"
KEY_SIGN_OUT = "auth_sign_out"
NOTHING: tuple[str, ...] = ()  # the read scope before sign-in: no unit at all


def client_address() -> str:
    try:
        address = st.context.ip_address
        return address if isinstance(address, str) else ""
    except Exception:  # noqa: BLE001 - no request context (AppTest, bare mode)
        return ""


def oidc_configured() -> bool:
    """An identity provider is configured ([auth] in .streamlit/secrets.toml)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all
        return False


def _cookie_token() -> str | None:
    try:
        token = st.context.cookies.get(COOKIE)
    except Exception:  # noqa: BLE001 - no request context (AppTest, bare mode)
        return None
    return token if isinstance(token, str) and _TOKEN.match(token) else None


def _resumed() -> store.Account | None:
    """The account of the browser's session cookie (a reload or a new tab of a signed-in browser)."""
    token = _cookie_token()
    found = store.resume_session(token) if token else None
    if found is None:
        return None
    account, since = found
    st.session_state[STATE_ACCOUNT] = account.name
    st.session_state[STATE_SINCE] = since
    st.session_state[STATE_TOKEN] = token
    return account


def current() -> store.Account | None:
    """The signed-in account, re-read from the store (a disabled or changed account takes effect at
    once); None when nobody is signed in or the session has expired."""
    name = st.session_state.get(STATE_ACCOUNT)
    if not name:
        return _resumed()
    since = float(st.session_state.get(STATE_SINCE) or 0)
    if time.time() - since > float(settings.get("session_minutes")) * 60:
        store.audit(name, "session_expired", name, address=client_address())
        _forget("会话已过期，请重新登录。")
        return None
    account = store.get(name)
    if account is None or account.disabled:
        _forget("账号已停用或已删除，请联系数据管理员。")
        return None
    return account


def _forget(message: str | None = None) -> None:
    store.close_session(st.session_state.get(STATE_TOKEN))
    for key in (STATE_ACCOUNT, STATE_SINCE, STATE_TOKEN):
        st.session_state.pop(key, None)
    st.session_state[STATE_COOKIE] = ""
    if message:
        st.session_state[STATE_MESSAGE] = message


def _remember(account: store.Account) -> None:
    token = store.open_session(account.name, client_address())
    st.session_state[STATE_ACCOUNT] = account.name
    st.session_state[STATE_SINCE] = time.time()
    st.session_state[STATE_TOKEN] = token
    st.session_state[STATE_COOKIE] = token
    st.session_state.pop(STATE_MESSAGE, None)


def _write_cookie() -> None:
    """Write (or clear) the session cookie in the browser, once, after a sign-in or sign-out."""
    token = st.session_state.pop(STATE_COOKIE, None)
    if token is None:
        return
    max_age = int(float(settings.get("session_minutes")) * 60) if token else 0
    # The token is URL-safe base64 (checked by _TOKEN before it is ever read back).
    st.html(f"<script>document.cookie = '{COOKIE}={token}; Path=/; Max-Age={max_age}; SameSite=Strict';</script>",
            unsafe_allow_javascript=True, width=1)


def _on_submit() -> None:
    name = st.session_state.get(KEY_NAME, "")
    password = st.session_state.get(KEY_PASSWORD, "")
    st.session_state[KEY_PASSWORD] = ""
    try:
        account = store.sign_in(name, password, client_address())
    except store.AccountError as exc:
        st.session_state[STATE_MESSAGE] = str(exc)
        return
    _remember(account)


def _oidc_account() -> store.Account | None:
    """The account mapped to the identity provider's signed-in user (by e-mail), if any."""
    if not oidc_configured() or not getattr(st.user, "is_logged_in", False):
        return None
    email = str(st.user.get("email") or "")
    account = store.by_oidc_email(email) if email else None
    if account is None or account.disabled:
        st.session_state[STATE_MESSAGE] = "统一身份认证已通过，但没有对应的可用账号：请联系数据管理员开通。"
        return None
    store.audit(account.name, "sign_in", account.name, "统一身份认证", role=account.role, address=client_address())
    _remember(account)
    return account


def sign_in_form() -> None:
    """The sign-in page (no data, no sidebar filters)."""
    st.title("绩效评价分析")
    st.caption("请先登录。账号由数据管理员开通；领导账号可看全部单位，部门账号只看本单位。")
    message = st.session_state.get(STATE_MESSAGE)
    if message:
        st.warning(message)
    if store.count() == 0:
        st.info("还没有任何账号。请在服务器上创建第一个数据管理员：python -m dashboard users add 账号名 --role admin"
                "（演示数据可运行 python -m dashboard users demo 创建演示账号）。")
    if oidc_configured():
        if st.button("通过统一身份认证登录", key="auth_oidc", type="primary"):
            st.login()
        st.divider()
    with st.form("auth_form"):
        st.text_input("账号", key=KEY_NAME, max_chars=40)
        st.text_input("密码", key=KEY_PASSWORD, type="password", max_chars=200)
        st.form_submit_button("登录", type="primary", on_click=_on_submit)


def require() -> store.Account:
    """The signed-in account, its read scope set; otherwise the sign-in form and the run stops."""
    set_read_scope(NOTHING)  # until an account is known, every read sees no unit
    account = current() or _oidc_account()
    _write_cookie()
    if account is None:
        sign_in_form()
        st.stop()
    set_read_scope(ALL_UNITS if account.scope is None else account.scope)
    return account


def require_role(*roles: str) -> store.Account:
    """Stop a page the signed-in account's role may not open (pages check this themselves too)."""
    account = require()
    if account.role not in roles:
        st.error("您的账号无权查看本页。")
        st.stop()
    return account


def sidebar(account: store.Account) -> None:
    """Who is signed in, and 退出登录 (on every page)."""
    with st.sidebar:
        scope = "全部单位" if account.scope is None else "、".join(account.scope[:3]) + (
            f" 等{len(account.scope)}个单位" if len(account.scope) > 3 else "")
        st.caption(f"当前账号：{account.shown_name}（{account.role_label}，{scope}）")
        if st.button("退出登录", key=KEY_SIGN_OUT):
            store.audit(account.name, "sign_out", account.name, role=account.role, address=client_address())
            _forget("已退出登录。")
            if oidc_configured() and getattr(st.user, "is_logged_in", False):
                st.logout()
            st.rerun()
