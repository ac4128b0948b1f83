-- inflation_corrected_evaluator_scores: individual evaluators' scores of corrected reports.
-- Grain: one row per evaluator of a corrected evaluation, in report order.
-- Parameters: none.
with corrected as (
    select evaluation_id
    from evaluation_facts
    where corrected
)
select
    s.evaluation_id,
    s.evaluator_index,
    s.score
from evaluator_scores as s
join corrected as c on c.evaluation_id = s.evaluation_id
order by s.evaluation_id, s.evaluator_index
