-- Corrections: the stored evaluation a correction applies to, every column.
-- Grain: at most one row. Parameters: $evaluation_id.
select *
from evaluations
where evaluation_id = $evaluation_id
