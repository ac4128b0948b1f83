-- execution_by_project: budget execution of each project in each year (a project's reports linked
-- across years by project_key). Only reports with both amounts count.
-- Grain: one row per project_key and year.
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
    project_key,
    year,
    any_value(project_canonical order by loaded_at desc) as project_name,
    any_value(department_canonical order by loaded_at desc) as department_canonical,
    count(*) as n_reports,
    sum(budget_wan) as budget_wan,
    sum(spent_wan) as spent_wan,
    sum(spent_wan) / nullif(sum(budget_wan), 0) * 100 as execution_rate
from facts
where execution_rate is not null
group by project_key, year
order by department_canonical, project_name, year
