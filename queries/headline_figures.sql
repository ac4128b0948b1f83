-- headline_figures: the figures leadership reads first, for the filtered reports.
-- Grain: one row.
-- Parameters (shared filters, each null for all):
--   $departments  list of canonical department names (department_canonical), or null for all
--   $year_from    first fiscal year included, or null
--   $year_to      last fiscal year included, or null
--   $year_unknown true: only reports whose fiscal year is not known (年度不详), or null
--   $region       county or city (county), or null
--   $grade        优 | 良 | 中 | 差, or null
--   $kinds        list of kinds (project_self, department_self, external), or null for all
with facts as (
    select *
    from evaluation_facts
    where ($departments is null or list_contains($departments, coalesce(department_canonical, '')))
      and ($year_from is null or year >= $year_from)
      and ($year_to is null or year <= $year_to)
      and (not coalesce($year_unknown, false) or year is null)
      and ($region is null or county = $region)
      and ($grade is null or grade = $grade)
      and ($kinds is null or list_contains($kinds, kind))
)
select
    count(*) as n_evaluations,
    count(distinct department_canonical) as n_departments,
    count(distinct project_key) as n_projects,
    count(execution_rate) as n_with_amounts,
    sum(budget_wan) filter (where execution_rate is not null) as budget_wan,
    sum(spent_wan) filter (where execution_rate is not null) as spent_wan,
    sum(spent_wan) filter (where execution_rate is not null)
        / nullif(sum(budget_wan) filter (where execution_rate is not null), 0) * 100 as execution_rate_weighted,
    median(execution_rate) as execution_rate_median,
    count(self_score) as n_scored,
    avg(self_score) as self_score_mean,
    median(self_score) as self_score_median,
    count(*) filter (where grade = '优') as n_excellent,
    count(*) filter (where grade = '优') / nullif(count(grade), 0) as share_excellent,
    count(*) filter (where execution_rate < 90) as n_under_90
from facts
