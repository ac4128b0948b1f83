-- Who loaded each file: the signed-in account of an upload (数据管理), or 命令行:<user> for
-- `python -m dashboard ingest`. Null for files loaded before the column existed.
alter table reports add column if not exists loaded_by varchar;
