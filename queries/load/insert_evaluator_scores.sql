-- Loader: a file's individual evaluator scores, from the Arrow table registered as evaluator_rows.
-- Grain: one row per (evaluation, evaluator index). Parameters: none (rows come from evaluator_rows).
insert into evaluator_scores by name
select * from evaluator_rows
