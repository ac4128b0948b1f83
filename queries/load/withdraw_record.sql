-- withdraw_record: take one evaluation out of every figure (kept in the warehouse; see 001f_withdrawals.sql).
-- Grain: one row per withdrawn evaluation (a second withdrawal of it changes nothing).
-- Parameters: $content_hash, $record_index, $withdrawn_by, $withdrawn_at, $reason
insert into withdrawals (content_hash, record_index, withdrawn_by, withdrawn_at, reason)
values ($content_hash, $record_index, $withdrawn_by, $withdrawn_at, $reason)
on conflict do nothing
