-- inflation_reflag_problems: the stated problems of the reports whose report-level flags are recomputed:
-- corrected reports after a correction, every report on `python -m dashboard rederive`.
-- Grain: one row per problem of such an evaluation, in report order.
-- Parameters:
--   $everything  true for every report, null or false for corrected reports only
with reflagged as (
    select evaluation_id
    from evaluation_facts
    where corrected or coalesce($everything, false)
)
select
    p.evaluation_id,
    p.problem_index,
    p.problem_text
from problem_facts as p
join reflagged as r on r.evaluation_id = p.evaluation_id
order by p.evaluation_id, p.problem_index
