-- inflation_corrected_problems: the stated problems of corrected reports, whose report-level flags
-- are recomputed after a correction.
-- Grain: one row per problem of a corrected evaluation, in report order.
-- Parameters: none.
with corrected as (
    select evaluation_id
    from evaluation_facts
    where corrected
)
select
    p.evaluation_id,
    p.problem_index,
    p.problem_text
from problem_facts as p
join corrected as c on c.evaluation_id = p.evaluation_id
order by p.evaluation_id, p.problem_index
