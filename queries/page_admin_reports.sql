-- page_admin_reports: every file offered to the loader with its status, the reason it failed and the
-- loader's warnings, for the 数据管理 page; failures first, then the most recently loaded.
-- Not filtered by the shared filters: a file that failed has no unit or year to filter by.
-- Grain: one row per file content (content_hash).
-- Parameters:
--   $status      loaded | failed | duplicate (the same report in another format), or null for all
--   $limit_rows  how many rows, or null for all
select
    content_hash,
    file_name,
    file_path,
    format,
    size_bytes,
    ingested_at,
    status,
    error,
    coalesce(warnings, []) as warnings,
    n_records,
    loaded_by
from reports
where ($status is null or status = $status)
order by status = 'loaded', ingested_at desc, file_name
limit coalesce($limit_rows, 9223372036854775807)
