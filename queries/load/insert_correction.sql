-- Corrections: one corrected field, with the value it replaces, who corrected it, when and why. seq is
-- one more than the largest so far (the writer holds the load lock): the latest correction is the one
-- with the largest seq, whatever the clock said.
-- Grain: one row per correction. Parameters: $content_hash, $record_index, $field, $old_value,
-- $new_value, $corrected_by, $corrected_at, $reason.
insert into corrections (content_hash, record_index, field, old_value, new_value, corrected_by, corrected_at, reason, seq)
select $content_hash, $record_index, $field, $old_value, $new_value, $corrected_by, $corrected_at, $reason,
       coalesce(max(seq), 0) + 1
from corrections
