-- Corrections: one corrected field, with the value it replaces, who corrected it and when.
-- Grain: one row per correction. Parameters: $content_hash, $record_index, $field, $old_value,
-- $new_value, $corrected_by, $corrected_at.
insert into corrections (content_hash, record_index, field, old_value, new_value, corrected_by, corrected_at)
values ($content_hash, $record_index, $field, $old_value, $new_value, $corrected_by, $corrected_at)
