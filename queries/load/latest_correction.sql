-- Corrections: the value a field was last corrected to, if it ever was (the largest seq).
-- Grain: at most one row. Parameters: $content_hash, $record_index, $field.
select new_value
from corrections
where content_hash = $content_hash
  and record_index = $record_index
  and field = $field
order by seq desc
limit 1
