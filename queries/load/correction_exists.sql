-- Corrections import: whether this very correction (same record, field, value, who and, when given, time)
-- is already in the warehouse, so importing a file twice adds nothing.
-- Grain: one row (a count). Parameters: $content_hash, $record_index, $field, $new_value, $corrected_by,
-- $corrected_at (null: any time).
select count(*) as n
from corrections
where content_hash = $content_hash
  and record_index = $record_index
  and field = $field
  and new_value is not distinct from $new_value
  and corrected_by = $corrected_by
  and ($corrected_at is null or corrected_at = $corrected_at)
