-- Corrections: the reasons a record's values are still marked 待核实 after the derive that followed a
-- correction, to tell the user what remains to check.
-- Grain: one row per doubtful value of the record. Parameters: $evaluation_id.
select reason
from doubtful_values
where evaluation_id = $evaluation_id
order by field
