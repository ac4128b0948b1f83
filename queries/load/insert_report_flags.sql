-- Loader: a file's report-level flags (scope 'report'), from the Arrow table registered as flag_rows.
-- Grain: one row per flag. Parameters: none (rows come from flag_rows).
insert into flags by name
select * from flag_rows
