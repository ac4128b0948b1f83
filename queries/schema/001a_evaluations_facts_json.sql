-- Warehouses made before evaluations kept the extractor's facts (amount and year mentions, the
-- stated rate's precision, quotes) gain the column; their reports are re-flagged from it once reloaded.
alter table evaluations add column if not exists facts_json varchar;
