-- department_summary: each department over the filtered years, for comparing units side by side:
-- reports, amounts, execution (budget-weighted and median), scores, grade 优 share, problems stated.
-- Grain: one row per department_canonical.
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
),
-- Counts straight from the child tables by evaluation_id: the views would add a join per row.
problem_counts as (
    select evaluation_id, count(*) as n_problems
    from problems
    group by evaluation_id
)
select
    f.department_canonical,
    count(*) as n_evaluations,
    count(distinct f.project_key) as n_projects,
    min(f.year) as first_year,
    max(f.year) as last_year,
    sum(f.budget_wan) filter (where f.execution_rate is not null) as budget_wan,
    sum(f.spent_wan) filter (where f.execution_rate is not null) as spent_wan,
    sum(f.spent_wan) filter (where f.execution_rate is not null)
        / nullif(sum(f.budget_wan) filter (where f.execution_rate is not null), 0) * 100 as execution_rate_weighted,
    median(f.execution_rate) as execution_rate_median,
    avg(f.self_score) as self_score_mean,
    median(f.self_score) as self_score_median,
    count(*) filter (where f.grade = '优') / nullif(count(f.grade), 0) as share_excellent,
    coalesce(sum(p.n_problems), 0)::bigint as n_problems
from facts as f
left join problem_counts as p on p.evaluation_id = f.evaluation_id
group by f.department_canonical
order by f.department_canonical
