-- restore_record: bring a withdrawn evaluation back into the figures.
-- Grain: removes the one withdrawals row of the evaluation.
-- Parameters: $content_hash, $record_index
delete from withdrawals where content_hash = $content_hash and record_index = $record_index
