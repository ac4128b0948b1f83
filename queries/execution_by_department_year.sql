-- execution_by_department_year: budget execution of each department in each year, budget-weighted
-- (Σspent / Σbudget) and as the median of its projects' rates, with the share of projects under
-- 60/80/90/95%. Only reports with both amounts count.
-- Grain: one row per department_canonical and year.
-- Parameters (shared filters, each null for all):
--   $departments  list of canonical department names (department_canonical), or null for all
--   $year_from    first fiscal year included, or null
--   $year_to      last fiscal year included, or null
--   $year_unknown true: only reports whose fiscal year is not known (年度不详), or null
--   $region       county or city (county), or null
--   $grade        优 | 良 | 中 | 差, or null
--   $kinds        list of kinds (project_self, department_self, external), or null for all
--   $include_doubtful  true to count amounts marked 待核实 (doubtful_values); null or false leaves them out
--   $basis        budget basis: adjusted (全年预算数, default) or initial (年初预算数), or null
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
    department_canonical,
    year,
    count(*) as n_projects,
    sum(budget_wan) as budget_wan,
    sum(spent_wan) as spent_wan,
    sum(spent_wan) / nullif(sum(budget_wan), 0) * 100 as execution_rate_weighted,
    median(execution_rate) as execution_rate_median,
    count(*) filter (where execution_rate < 60) / count(*) as share_under_60,
    count(*) filter (where execution_rate < 80) / count(*) as share_under_80,
    count(*) filter (where execution_rate < 90) / count(*) as share_under_90,
    count(*) filter (where execution_rate < 95) / count(*) as share_under_95
from facts
where execution_rate is not null
group by department_canonical, year
order by department_canonical, year
