-- Loader: evaluations loaded before fingerprints were kept (the column is null), to fill them in.
-- Grain: one row per such evaluation. Parameters: none.
select evaluation_id
from evaluations
where fingerprint is null
