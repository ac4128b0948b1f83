-- page_withdrawn_reports: the withdrawn evaluations (数据管理员 only: they are in no other figure), newest first.
-- Grain: one row per withdrawn evaluation.
-- Parameters: none.
select
    e.evaluation_id,
    w.content_hash,
    w.record_index,
    e.project_name,
    e.department,
    e.year,
    w.withdrawn_by,
    w.withdrawn_at,
    w.reason as withdraw_reason
from withdrawals as w
join evaluations as e on e.content_hash = w.content_hash and e.record_index = w.record_index
order by w.withdrawn_at desc
