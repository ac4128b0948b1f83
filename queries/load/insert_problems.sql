-- Loader: a file's problem statements, bound as one list of structs.
-- Grain: one row per (evaluation, problem index). Parameters: $rows (list of structs named like the columns).
insert into problems by name
select unnest($rows, recursive := true)
