-- Loader: a file's indicator rows, bound as one list of structs.
-- Grain: one row per (evaluation, row index). Parameters: $rows (list of structs named like the columns).
insert into indicator_scores by name
select unnest($rows, recursive := true)
