-- inflation_reflag_evaluator_scores: individual evaluators' scores of the reports whose report-level
-- flags are recomputed: corrected reports after a correction, every report on `python -m dashboard rederive`.
-- Grain: one row per evaluator of such an evaluation, in report order.
-- Parameters:
--   $everything  true for every report, null or false for corrected reports only
with reflagged as (
    select evaluation_id
    from evaluation_facts
    where corrected or coalesce($everything, false)
)
select
    s.evaluation_id,
    s.evaluator_index,
    s.score
from evaluator_scores as s
join reflagged as r on r.evaluation_id = s.evaluation_id
order by s.evaluation_id, s.evaluator_index
