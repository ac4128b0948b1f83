-- Corrections export: every correction in the order it was made, keyed by the report's content hash,
-- record index and field, with the file it came from (for people reading the file; not used on import).
-- Grain: one row per correction. Parameters: none.
select
    c.seq,
    c.content_hash,
    c.record_index,
    c.field,
    c.new_value as value,
    c.old_value,
    c.corrected_by as who,
    c.corrected_at as "when",
    c.reason,
    r.file_name
from corrections as c
left join reports as r on r.content_hash = c.content_hash
order by c.seq
