-- Loader: a file's indicator rows, from the Arrow table the loader registers as indicator_rows.
-- Grain: one row per (evaluation, row index). Parameters: none (rows come from indicator_rows).
insert into indicator_scores by name
select * from indicator_rows
