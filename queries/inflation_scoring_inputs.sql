-- inflation_scoring_inputs: what re-scoring, PEER_OUTLIER and BOILERPLATE read for every report,
-- with corrections applied, the canonical department name and the county (BOILERPLATE compares within it).
-- Grain: one row per evaluation.
-- Parameters: none (dashboard.inflation.corpus_flags.refresh reads the whole warehouse).
select
    evaluation_id,
    department_canonical as department,
    county,
    project_name,
    year,
    budget_wan,
    received_wan,
    spent_wan,
    stated_execution_rate,
    execution_rate,
    self_score,
    grade,
    execution_weight,
    execution_score,
    corrected,
    source,
    full_text,
    facts_json
from evaluation_facts
order by evaluation_id
