-- The fingerprint of each extracted record (dashboard.ingest.record.fingerprint_of: kind, normalised unit
-- and project name, year, amounts, self-score), written by the loader. A file whose records all carry
-- fingerprints of one loaded report is the same report in another format: it is not loaded again but
-- kept in reports with status 'duplicate'. Null when the record is too bare to tell reports apart, and
-- in warehouses made before the column until the next load fills it in.
alter table evaluations add column if not exists fingerprint varchar;
