-- Withdrawn reports (dashboard.ingest.withdraw): a 数据管理员 takes a report out of every figure without
-- deleting it. The row stays while the report is withdrawn; restoring it deletes the row. Who did what
-- and when is also in the audit trail (dashboard.auth.store, outside the warehouse). evaluation_facts
-- (002_staging.sql) leaves these records out, so it is created first.
-- content_hash, record_index  the evaluation (evaluations.content_hash, evaluations.record_index)
-- withdrawn_by                the signed-in account that withdrew it
create table if not exists withdrawals (
    content_hash varchar not null,
    record_index integer not null,
    withdrawn_by varchar not null,
    withdrawn_at timestamp not null,
    reason varchar not null,
    primary key (content_hash, record_index)
);
