-- Loader: a file's individual evaluator scores, bound as one list of structs.
-- Grain: one row per (evaluation, evaluator index). Parameters: $rows (list of structs named like the columns).
insert into evaluator_scores by name
select unnest($rows, recursive := true)
