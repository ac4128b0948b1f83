-- lowest_executors: the reports with the lowest budget execution, with their amounts.
-- Grain: one row per evaluation, lowest execution rate first.
-- Parameters (shared filters, each null for all, then the row limit):
--   $departments  list of canonical department names (department_canonical), or null for all
--   $year_from    first fiscal year included, or null
--   $year_to      last fiscal year included, or null
--   $year_unknown true: only reports whose fiscal year is not known (年度不详), or null
--   $region       county or city (county), or null
--   $grade        优 | 良 | 中 | 差, or null
--   $kinds        list of kinds (project_self, department_self, external), or null for all
--   $include_doubtful  true to count amounts marked 待核实 (doubtful_values); null or false leaves them out
--   $basis        budget basis: adjusted (全年预算数, default) or initial (年初预算数), or null
--   $limit_rows   how many rows, or null for 20
with facts as (
    -- the budget basis: 全年（调整后）预算数 by default, 年初预算数 when $basis = 'initial'
    select * replace (
        case when $basis = 'initial' then initial_budget_wan else budget_wan end as budget_wan,
        case when coalesce($basis, 'adjusted') <> 'initial' then execution_rate
             when initial_budget_wan > 0 and spent_wan is not null
             then round(spent_wan / initial_budget_wan * 100, 2) end as execution_rate
    )
    from evaluation_facts
    where ($departments is null or list_contains($departments, coalesce(department_canonical, '')))
      and ($year_from is null or year >= $year_from)
      and ($year_to is null or year <= $year_to)
      and (not coalesce($year_unknown, false) or year is null)
      and ($region is null or county = $region)
      and ($grade is null or grade = $grade)
      and ($kinds is null or list_contains($kinds, kind))
      and (coalesce($include_doubtful, false) or not amounts_doubtful)
)
select
    evaluation_id,
    project_key,
    project_name,
    department_canonical,
    year,
    budget_wan,
    spent_wan,
    budget_wan - spent_wan as unspent_wan,
    execution_rate,
    self_score,
    grade
from facts
where execution_rate is not null
order by execution_rate, budget_wan desc, evaluation_id
limit coalesce($limit_rows, 20)
