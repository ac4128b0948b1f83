"""Who may see and change what: accounts and roles (store), sign-in in the dashboard (session), the
unit scope every read carries (dashboard.warehouse.read_scope) and the audit trail (store.audit).

Accounts and the audit trail live in a SQLite file of their own (setting security_db_path), outside the
warehouse versions: a load, a rebuild or a new demo warehouse never touches them.
"""
