-- execution_by_department_year: budget execution of each department in each year, budget-weighted
-- (Σspent / Σbudget) and as the median of its projects' rates, with the share of projects under
-- 60/80/90/95%. Only reports with both amounts count.
-- Grain: one row per department_canonical and year.
-- Parameters (shared filters, each null for all):
--   $departments  list of canonical department names (department_canonical), or null for all
--   $year_from    first fiscal year included, or null
--   $year_to      last fiscal year included, or null
--   $region       county or city (county), or null
--   $grade        优 | 良 | 中 | 差, or null
--   $kinds        list of kinds (project_self, department_self, external), or null for all
with facts as (
    select *
    from evaluation_facts
    where ($departments is null or list_contains($departments, department_canonical))
      and ($year_from is null or year >= $year_from)
      and ($year_to is null or year <= $year_to)
      and ($region is null or county = $region)
      and ($grade is null or grade = $grade)
      and ($kinds is null or list_contains($kinds, kind))
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
