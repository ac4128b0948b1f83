-- inflation_scoring_indicators: every scored indicator row with its written rule, for re-scoring.
-- Grain: one row per evaluation and indicator row, in table order.
-- Parameters: none.
select
    evaluation_id,
    row_index,
    level1,
    level2,
    level3,
    weight,
    score,
    deduction,
    reason,
    rule,
    target,
    actual
from indicator_facts
order by evaluation_id, row_index
