-- Loader: the extracted fields of every loaded report's records, from which the loader computes their
-- fingerprints (dashboard.ingest.record.fingerprint_of) to recognise the same report in another format.
-- Read from the current version, which may predate the fingerprint column, so the column is not read.
-- Grain: one row per evaluation, the earliest loaded report first. Parameters: none.
select
    e.evaluation_id,
    e.content_hash,
    r.file_name,
    e.kind,
    e.department,
    e.project_name,
    e.year,
    e.budget_wan,
    e.initial_budget_wan,
    e.received_wan,
    e.spent_wan,
    e.self_score
from evaluations as e
join reports as r on r.content_hash = e.content_hash
where r.status = 'loaded'
order by r.ingested_at, e.content_hash, e.record_index
