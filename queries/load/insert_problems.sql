-- Loader: a file's problem statements, from the Arrow table the loader registers as problem_rows.
-- Grain: one row per (evaluation, problem index). Parameters: none (rows come from problem_rows).
insert into problems by name
select * from problem_rows
