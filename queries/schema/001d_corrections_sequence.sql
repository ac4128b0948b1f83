-- Corrections are ordered by seq, the order in which they were made (given under the load lock by
-- queries/load/insert_correction.sql as one more than the largest so far), never by wall-clock time:
-- a clock set back, or an import of corrections made elsewhere, cannot make an older value win.
-- reason: why the value was corrected (optional; carried by `python -m dashboard corrections` files).
-- Warehouses made before the column: their rows are numbered once, after any numbered row, by the time
-- they were made and then by their place in the table; safe to re-run (only rows without a seq change).
alter table corrections add column if not exists seq bigint;
alter table corrections add column if not exists reason varchar;
update corrections set seq = numbered.seq
from (
    select
        rowid as row_id,
        (select coalesce(max(seq), 0) from corrections)
            + row_number() over (order by corrected_at, rowid) as seq
    from corrections
    where seq is null
) as numbered
where corrections.rowid = numbered.row_id;
