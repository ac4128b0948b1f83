-- evaluations_list: the filtered reports as a table to browse and export, with counts of their
-- problems and flags.
-- Grain: one row per evaluation, newest year first.
-- Parameters (shared filters, each null for all, then the row limit):
--   $departments  list of canonical department names (department_canonical), or null for all
--   $year_from    first fiscal year included, or null
--   $year_to      last fiscal year included, or null
--   $year_unknown true: only reports whose fiscal year is not known (年度不详), or null
--   $region       county or city (county), or null
--   $grade        优 | 良 | 中 | 差, or null
--   $kinds        list of kinds (project_self, department_self, external), or null for all
--   $limit_rows   how many rows, or null for all
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
),
-- Counts straight from the child tables by evaluation_id: the views would add a join per row.
problem_counts as (
    select evaluation_id, count(*) as n_problems
    from problems
    group by evaluation_id
),
flag_counts as (
    select evaluation_id, count(*) as n_flags
    from flags
    group by evaluation_id
)
select
    f.evaluation_id,
    f.project_key,
    f.year,
    f.department_canonical,
    f.project_name,
    f.kind,
    f.county,
    f.budget_wan,
    f.spent_wan,
    f.execution_rate,
    f.stated_execution_rate,
    f.self_score,
    f.grade,
    coalesce(p.n_problems, 0) as n_problems,
    coalesce(g.n_flags, 0) as n_flags,
    f.corrected,
    f.source
from facts as f
left join problem_counts as p on p.evaluation_id = f.evaluation_id
left join flag_counts as g on g.evaluation_id = f.evaluation_id
order by f.year desc nulls last, f.department_canonical, f.project_name, f.evaluation_id
limit coalesce($limit_rows, 9223372036854775807)
