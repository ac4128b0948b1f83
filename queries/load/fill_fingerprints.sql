-- Loader: fill in the fingerprints of evaluations loaded before they were kept.
-- Grain: one update per evaluation listed. Parameters: $rows (list of structs {evaluation_id, fingerprint}).
update evaluations
set fingerprint = filled.fingerprint
from (select unnest($rows, recursive := true)) as filled
where evaluations.evaluation_id = filled.evaluation_id
  and evaluations.fingerprint is null
