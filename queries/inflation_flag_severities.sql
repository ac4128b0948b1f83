-- inflation_flag_severities: every flag's code and severity (both scopes), the input of the risk score.
-- Grain: one row per flag.
-- Parameters: none.
select
    evaluation_id,
    code,
    severity,
    scope
from flag_facts
order by evaluation_id, code
