-- Loader: the status of every file ever offered, to skip content already loaded or recognised as another
-- format of a loaded report (loaded | duplicate; a failed one is retried).
-- Grain: one row per content hash. Parameters: none.
select content_hash, status
from reports
