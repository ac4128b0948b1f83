-- Loader: a file's report-level flags (scope 'report'), bound as one list of structs.
-- Grain: one row per flag. Parameters: $rows (list of structs named like the columns).
insert into flags by name
select unnest($rows, recursive := true)
