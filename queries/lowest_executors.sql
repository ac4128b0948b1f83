-- lowest_executors: the reports with the lowest budget execution, with their amounts.
-- Grain: one row per evaluation, lowest execution rate first.
-- Parameters (shared filters, each null for all, then the row limit):
--   $departments  list of canonical department names (department_canonical), or null for all
--   $year_from    first fiscal year included, or null
--   $year_to      last fiscal year included, or null
--   $region       county or city (county), or null
--   $grade        优 | 良 | 中 | 差, or null
--   $kinds        list of kinds (project_self, department_self, external), or null for all
--   $limit_rows   how many rows, or null for 20
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
