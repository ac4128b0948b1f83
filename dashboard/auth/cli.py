"""`python -m dashboard users add|list|passwd|disable|enable|demo|audit`: accounts from the command line.

The first 数据管理员 is created here (the dashboard has no account to sign in with before that);
`users demo` creates the documented demo accounts, only in a security file that holds no account.
Passwords are read from the terminal (never echoed) or, for scripts, from stdin with --password-stdin.
"""
from __future__ import annotations

import argparse
import getpass
import sys

from dashboard.auth import store

CLI_ACTOR = "命令行"
# The demo accounts the README names: one per role (the 部门 account sees the demo unit with most reports).
DEMO_PASSWORD = "demo-2024"
DEMO_ACCOUNTS = (("admin", "admin", "演示数据管理员"), ("leader", "leader", "演示领导"),
                 ("dept", "department", "演示部门"))


def _actor() -> str:
    try:
        return f"{CLI_ACTOR}:{getpass.getuser()}"
    except (KeyError, OSError):
        return CLI_ACTOR


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("密码：")
    if getpass.getpass("再输入一次：") != first:
        raise store.AccountError("两次输入的密码不一致")
    return first


def _units(text: str | None) -> tuple[str, ...]:
    return tuple(u.strip() for u in (text or "").replace("，", ",").split(",") if u.strip())


def _cmd_add(args: argparse.Namespace) -> int:
    password = None if args.oidc_email and args.no_password else _password(args)
    account = store.add(args.name, password, args.role, _units(args.units), by=_actor(),
                        display_name=args.display_name or "", oidc_email=args.oidc_email)
    print(f"已创建账号「{account.name}」（{account.role_label}"
          + (f"，单位：{'、'.join(account.units)}" if account.units else "") + "）")
    return 0


def _cmd_list(_args: argparse.Namespace) -> int:
    rows = store.accounts()
    if not rows:
        print("还没有任何账号。创建第一个数据管理员：python -m dashboard users add 账号名 --role admin")
        return 0
    for a in rows:
        print(f"{a.name}\t{a.role_label}\t{'、'.join(a.units) or '全部单位'}\t{'已停用' if a.disabled else '可用'}"
              + (f"\t{a.oidc_email}" if a.oidc_email else ""))
    return 0


def _cmd_passwd(args: argparse.Namespace) -> int:
    store.change(args.name, by=_actor(), password=_password(args))
    print(f"已修改账号「{args.name}」的密码，其已登录的会话均已结束")
    return 0


def _cmd_change(args: argparse.Namespace) -> int:
    store.change(args.name, by=_actor(), role=args.role, units=_units(args.units) if args.units is not None else None)
    print(f"已修改账号「{args.name}」")
    return 0


def _cmd_disable(args: argparse.Namespace, disabled: bool) -> int:
    store.change(args.name, by=_actor(), disabled=disabled)
    print(f"已{'停用' if disabled else '启用'}账号「{args.name}」")
    return 0


def demo_accounts(db_path=None) -> list[str]:
    """Create the demo accounts when the security file holds none; their names (empty when skipped)."""
    if store.count() > 0:
        return []
    from dashboard.warehouse import run_query

    units = run_query("department_summary", {}, db_path=db_path)
    ranked = units.drop_nulls("department_canonical").sort(["n_evaluations", "department_canonical"],
                                                           descending=[True, False])
    unit = ranked["department_canonical"][0] if ranked.height else None
    made = []
    for name, role, label in DEMO_ACCOUNTS:
        if role == "department" and unit is None:
            continue
        store.add(name, DEMO_PASSWORD, role, (unit,) if role == "department" else (), by=_actor(),
                  display_name=label)
        made.append(f"{name}（{store.ROLES[role]}{'，' + unit if role == 'department' else ''}）")
    return made


def _cmd_demo(args: argparse.Namespace) -> int:
    made = demo_accounts(args.db)
    if not made:
        print("已有账号，未创建演示账号（python -m dashboard users list 查看）")
    else:
        print(f"已创建演示账号（密码均为 {DEMO_PASSWORD}）：" + "、".join(made))
    return 0


def _cmd_audit(args: argparse.Namespace) -> int:
    rows, total = store.audit_rows(limit=args.limit, account=args.account)
    for r in rows:
        print(f"{r['at']}\t{r['account']}\t{store.ACTIONS.get(r['action'], r['action'])}\t{r['target']}\t{r['detail']}")
    print(f"共 {total} 条，显示最近 {len(rows)} 条", file=sys.stderr)
    return 0


def run_users(args: argparse.Namespace) -> int:
    handlers = {"add": _cmd_add, "list": _cmd_list, "passwd": _cmd_passwd, "change": _cmd_change,
                "disable": lambda a: _cmd_disable(a, True), "enable": lambda a: _cmd_disable(a, False),
                "demo": _cmd_demo, "audit": _cmd_audit}
    try:
        return handlers[args.users_command](args)
    except store.AccountError as exc:
        print(f"未完成：{exc}", file=sys.stderr)
        return 1


def add_parser(sub) -> None:
    """Register `users …` on the main parser's subcommands."""
    p = sub.add_parser("users", help="accounts, roles and the audit trail (sign-in to the dashboard)")
    users = p.add_subparsers(dest="users_command", required=True)
    roles = list(store.ROLES)

    a = users.add_parser("add", help="create an account: --role admin|leader|department [--units A,B]")
    a.add_argument("name")
    a.add_argument("--role", required=True, choices=roles)
    a.add_argument("--units", default=None, help="department accounts: the units it may see, comma separated")
    a.add_argument("--display-name", default=None)
    a.add_argument("--oidc-email", default=None, help="the e-mail the identity provider signs this account in with")
    a.add_argument("--no-password", action="store_true", help="with --oidc-email: sign-in only through the provider")
    a.add_argument("--password-stdin", action="store_true", help="read the password from one line of stdin")

    users.add_parser("list", help="list accounts")

    a = users.add_parser("passwd", help="set an account's password (ends its sessions)")
    a.add_argument("name")
    a.add_argument("--password-stdin", action="store_true")

    a = users.add_parser("change", help="change an account's role or units")
    a.add_argument("name")
    a.add_argument("--role", choices=roles, default=None)
    a.add_argument("--units", default=None)

    for verb in ("disable", "enable"):
        a = users.add_parser(verb, help=f"{verb} an account")
        a.add_argument("name")

    a = users.add_parser("demo", help="create the documented demo accounts (only when there is no account)")
    a.add_argument("--db", default=None, help="warehouse to choose the 部门 account's unit from")

    a = users.add_parser("audit", help="print the latest lines of the audit trail")
    a.add_argument("--limit", type=int, default=50)
    a.add_argument("--account", default=None)
    p.set_defaults(func=run_users)
