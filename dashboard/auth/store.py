"""Accounts, failed sign-ins and the audit trail, in one SQLite file (setting security_db_path).

SQLite, not the warehouse: accounts must outlive every warehouse version, and the dashboard's many
sessions and the command line write here while DuckDB's file lock would let only one process in.
Passwords are hashed with argon2 (argon2-cffi); a hash is never shown or exported.
"""
from __future__ import annotations

import hashlib
import json
import re
import secrets
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from dashboard import settings

ROLES = {"leader": "领导", "department": "部门", "admin": "数据管理员"}
ROLE_HELP = {
    "leader": "查看全部单位的数据，只读",
    "department": "只查看本单位（账号所列单位）的数据，只读",
    "admin": "上传、更正、撤回报告，管理账号，查看审计日志",
}
ACTIONS = {
    "sign_in": "登录", "sign_in_failed": "登录失败", "sign_out": "退出登录", "session_expired": "会话过期",
    "upload": "上传报告", "ingest": "导入报告", "correction": "更正字段", "withdrawal": "撤回报告",
    "restore": "恢复报告", "account_add": "新建账号", "account_change": "修改账号", "password_change": "修改密码",
    "account_disable": "停用账号", "account_enable": "启用账号",
}
MIN_PASSWORD_CHARS = 8
_NAME = re.compile(r"^[A-Za-z0-9_.@\-\u4e00-\u9fff]{2,40}$")
_hasher = PasswordHasher()


class AccountError(ValueError):
    """A refused account change or sign-in; the message is for the user, in Chinese."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    units: tuple[str, ...] = ()
    display_name: str = ""
    disabled: bool = False
    oidc_email: str | None = None

    @property
    def scope(self) -> tuple[str, ...] | None:
        """The units this account may read: None for every unit (领导, 数据管理员)."""
        return None if self.role in ("leader", "admin") else self.units

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    @property
    def shown_name(self) -> str:
        return self.display_name or self.name


def db_path() -> Path:
    return Path(settings.get("security_db_path"))


_SCHEMA = (
    """create table if not exists accounts (
        name text primary key,
        password_hash text,
        role text not null,
        units text not null default '[]',
        display_name text not null default '',
        disabled integer not null default 0,
        oidc_email text unique,
        created_at text not null,
        updated_at text not null
    )""",
    """create table if not exists sign_in_failures (
        account text not null,
        address text not null,
        at real not null
    )""",
    "create index if not exists sign_in_failures_at on sign_in_failures (at)",
    """create table if not exists sessions (
        token_hash text primary key,
        account text not null,
        created_at real not null,
        expires_at real not null,
        address text not null default ''
    )""",
    """create table if not exists audit_log (
        seq integer primary key autoincrement,
        at text not null,
        account text not null,
        role text not null,
        action text not null,
        target text not null default '',
        detail text not null default '',
        address text not null default ''
    )""",
)


def connect(path: str | Path | None = None) -> sqlite3.Connection:
    """A connection to the security file (created with its tables when missing)."""
    path = Path(path or db_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(str(path), timeout=30, isolation_level=None)
    con.execute("pragma journal_mode=wal")
    con.execute("pragma busy_timeout=30000")
    for statement in _SCHEMA:
        con.execute(statement)
    return con


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def _account(row) -> Account:
    name, role, units, display_name, disabled, oidc_email = row
    return Account(name, role, tuple(json.loads(units or "[]")), display_name or "", bool(disabled), oidc_email)


# Each statement written out in full (no SQL assembled from strings; values are bound with ?).
_ACCOUNT_BY_NAME = "select name, role, units, display_name, disabled, oidc_email from accounts where name = ?"
_ACCOUNT_BY_EMAIL = ("select name, role, units, display_name, disabled, oidc_email from accounts"
                     " where lower(oidc_email) = lower(?)")
_ACCOUNTS = "select name, role, units, display_name, disabled, oidc_email from accounts order by role, name"
_AUDIT_COUNT = "select count(*) from audit_log where (? is null or account = ?) and (? is null or action = ?)"
_AUDIT_ROWS = ("select seq, at, account, role, action, target, detail, address from audit_log"
               " where (? is null or account = ?) and (? is null or action = ?) order by seq desc limit ? offset ?")


def get(name: str, path: str | Path | None = None) -> Account | None:
    with closing(connect(path)) as con:
        row = con.execute(_ACCOUNT_BY_NAME, (name,)).fetchall()
    return _account(row[0]) if row else None


def by_oidc_email(email: str, path: str | Path | None = None) -> Account | None:
    with closing(connect(path)) as con:
        row = con.execute(_ACCOUNT_BY_EMAIL, (email,)).fetchall()
    return _account(row[0]) if row else None


def accounts(path: str | Path | None = None) -> list[Account]:
    with closing(connect(path)) as con:
        rows = con.execute(_ACCOUNTS).fetchall()
    return [_account(r) for r in rows]


def count(path: str | Path | None = None) -> int:
    with closing(connect(path)) as con:
        return int(con.execute("select count(*) from accounts").fetchall()[0][0])


def _check(name: str, role: str, units: tuple[str, ...], password: str | None) -> None:
    if not _NAME.match(name or ""):
        raise AccountError("账号名须为 2–40 个字母、数字、汉字或 _ . @ -")
    if role not in ROLES:
        raise AccountError(f"角色须为 {'、'.join(f'{k}（{v}）' for k, v in ROLES.items())} 之一")
    if role == "department" and not units:
        raise AccountError("部门账号须至少指定一个单位（--units）")
    if password is not None and len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"密码至少 {MIN_PASSWORD_CHARS} 个字符")


def add(name: str, password: str | None, role: str, units: tuple[str, ...] = (), *, by: str,
        display_name: str = "", oidc_email: str | None = None, path: str | Path | None = None) -> Account:
    """Create an account (password None: sign-in only through the configured identity provider)."""
    units = tuple(u.strip() for u in units if u.strip())
    _check(name, role, units, password)
    if password is None and not oidc_email:
        raise AccountError("须设置密码，或指定统一身份认证的邮箱（--oidc-email）")
    hashed = _hasher.hash(password) if password is not None else None
    with closing(connect(path)) as con:
        try:
            con.execute("insert into accounts (name, password_hash, role, units, display_name, disabled, oidc_email,"
                        " created_at, updated_at) values (?, ?, ?, ?, ?, 0, ?, ?, ?)",
                        (name, hashed, role, json.dumps(list(units), ensure_ascii=False), display_name,
                         oidc_email, _now(), _now()))
        except sqlite3.IntegrityError as exc:
            raise AccountError(f"账号「{name}」或其统一身份认证邮箱已存在") from exc
    audit(by, "account_add", name, f"角色 {ROLES[role]}" + (f"；单位 {'、'.join(units)}" if units else ""), path=path)
    return Account(name, role, units, display_name, False, oidc_email)


def change(name: str, *, by: str, role: str | None = None, units: tuple[str, ...] | None = None,
           password: str | None = None, disabled: bool | None = None,
           path: str | Path | None = None) -> Account:
    """Change an account's role, units, password or state; each change is audited."""
    current = get(name, path)
    if current is None:
        raise AccountError(f"账号「{name}」不存在")
    new_role = role or current.role
    new_units = tuple(u.strip() for u in units if u.strip()) if units is not None else current.units
    _check(name, new_role, new_units, password)
    with closing(connect(path)) as con:
        if role is not None or units is not None:
            con.execute("update accounts set role = ?, units = ?, updated_at = ? where name = ?",
                        (new_role, json.dumps(list(new_units), ensure_ascii=False), _now(), name))
            audit(by, "account_change", name, f"角色 {ROLES[new_role]}；单位 {'、'.join(new_units) or '（全部）'}",
                  path=path)
        if password is not None:
            con.execute("update accounts set password_hash = ?, updated_at = ? where name = ?",
                        (_hasher.hash(password), _now(), name))
            con.execute("delete from sign_in_failures where account = ?", (name,))
            con.execute("delete from sessions where account = ?", (name,))
            audit(by, "password_change", name, "", path=path)
        if disabled is not None and disabled != current.disabled:
            con.execute("update accounts set disabled = ?, updated_at = ? where name = ?", (int(disabled), _now(), name))
            if disabled:
                con.execute("delete from sessions where account = ?", (name,))
            audit(by, "account_disable" if disabled else "account_enable", name, "", path=path)
    return get(name, path)  # type: ignore[return-value]


def _window_seconds() -> float:
    return float(settings.get("sign_in_window_minutes")) * 60


def locked_out(name: str, address: str, path: str | Path | None = None) -> bool:
    """Too many failed sign-ins lately for this account or from this address."""
    since = time.time() - _window_seconds()
    limit = int(settings.get("sign_in_max_failures"))
    with closing(connect(path)) as con:
        con.execute("delete from sign_in_failures where at < ?", (since,))
        by_account = con.execute("select count(*) from sign_in_failures where account = ? and at >= ?",
                                 (name, since)).fetchall()[0][0]
        by_address = con.execute("select count(*) from sign_in_failures where address = ? and at >= ?",
                                 (address, since)).fetchall()[0][0]
    return by_account >= limit or by_address >= limit * 4


def sign_in(name: str, password: str, address: str = "", path: str | Path | None = None) -> Account:
    """The account when the password is right; AccountError (one message for every failure) otherwise."""
    name = (name or "").strip()
    refused = AccountError("账号或密码不正确，或账号已停用")
    if locked_out(name, address, path):
        audit(name or "（空）", "sign_in_failed", name, "失败次数过多，暂时锁定", address=address, path=path)
        minutes = int(settings.get("sign_in_window_minutes"))
        raise AccountError(f"登录失败次数过多，请 {minutes} 分钟后再试")
    with closing(connect(path)) as con:
        rows = con.execute("select password_hash, disabled from accounts where name = ?", (name,)).fetchall()
    ok = False
    if rows and rows[0][0] and not rows[0][1]:
        try:
            ok = _hasher.verify(rows[0][0], password or "")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
    else:
        _hasher.hash("timing: as slow as a real check")
    if not ok:
        with closing(connect(path)) as con:
            con.execute("insert into sign_in_failures (account, address, at) values (?, ?, ?)",
                        (name, address, time.time()))
        audit(name or "（空）", "sign_in_failed", name, "", address=address, path=path)
        raise refused
    account = get(name, path)
    audit(name, "sign_in", name, "", role=account.role if account else "", address=address, path=path)
    return account  # type: ignore[return-value]


def audit(account: str, action: str, target: str = "", detail: str = "", *, role: str | None = None,
          address: str = "", path: str | Path | None = None) -> None:
    """Append one line to the audit trail (never updated or deleted)."""
    if role is None:
        known = get(account, path) if account else None
        role = known.role if known else ""
    with closing(connect(path)) as con:
        con.execute("insert into audit_log (at, account, role, action, target, detail, address)"
                    " values (?, ?, ?, ?, ?, ?, ?)", (_now(), account, role, action, target, detail, address))


def audit_rows(limit: int = 500, offset: int = 0, account: str | None = None, action: str | None = None,
               path: str | Path | None = None) -> tuple[list[dict], int]:
    """The latest audit lines (newest first) matching the filters, and how many match in all."""
    args = (account, account, action, action)
    with closing(connect(path)) as con:
        total = con.execute(_AUDIT_COUNT, args).fetchall()[0][0]
        rows = con.execute(_AUDIT_ROWS, (*args, limit, offset)).fetchall()
    keys = ("seq", "at", "account", "role", "action", "target", "detail", "address")
    return [dict(zip(keys, r)) for r in rows], int(total)


# ---------------------------------------------------------------------------------------------
# Sessions: a browser keeps a random token in a cookie; only its hash is stored here.


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(account: str, address: str = "", path: str | Path | None = None) -> str:
    """A new session token for the account, valid for `session_minutes`."""
    token = secrets.token_urlsafe(32)
    now = time.time()
    with closing(connect(path)) as con:
        con.execute("delete from sessions where expires_at < ?", (now,))
        con.execute("insert into sessions (token_hash, account, created_at, expires_at, address) values (?, ?, ?, ?, ?)",
                    (_token_hash(token), account, now, now + float(settings.get("session_minutes")) * 60, address))
    return token


def resume_session(token: str, path: str | Path | None = None) -> tuple[Account, float] | None:
    """The account of a live session token and when the session began; None when unknown, expired or
    the account is disabled."""
    if not token or len(token) > 200:
        return None
    with closing(connect(path)) as con:
        rows = con.execute("select account, created_at, expires_at from sessions where token_hash = ?",
                           (_token_hash(token),)).fetchall()
    if not rows or rows[0][2] < time.time():
        return None
    account = get(rows[0][0], path)
    if account is None or account.disabled:
        return None
    return account, float(rows[0][1])


def close_session(token: str | None, path: str | Path | None = None) -> None:
    if token:
        with closing(connect(path)) as con:
            con.execute("delete from sessions where token_hash = ?", (_token_hash(token),))


def close_sessions_of(account: str, path: str | Path | None = None) -> None:
    """End every session of an account (after it is disabled or its password changed)."""
    with closing(connect(path)) as con:
        con.execute("delete from sessions where account = ?", (account,))
