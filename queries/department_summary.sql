-- department_summary: each department over the filtered years, for comparing units side by side:
-- reports, amounts, execution (budget-weighted and median), scores, grade 优 share, problems stated;
-- each figure over its population in the metric dictionary (data/metrics.toml).
-- Grain: one row per department_canonical (null: 单位不详).
-- Parameters (shared filters, each null for all):
--   $departments  list of canonical department names (department_canonical), or null for all
--   $year_from    first fiscal year included, or null
--   $year_to      last fiscal year included, or null
--   $year_unknown true: only reports whose fiscal year is not known (年度不详), or null
--   $region       county or city (county), or null
--   $grade        优 | 良 | 中 | 差, or null
--   $kinds        list of kinds (project_self, department_self, external), or null for all
--   $money_kinds  list of kinds whose amounts are summed (population of the money metrics)
--   $include_doubtful  true to count amounts marked 待核实 (doubtful_values); null or false leaves them out
--   $score_kinds  list of kinds whose scores and grades are counted (population of the score metrics)
with facts as (
    select *,
        list_contains($money_kinds, kind) and execution_rate is not null
            and (coalesce($include_doubtful, false) or not amounts_doubtful) as in_money,
        list_contains($money_kinds, kind) and amounts_doubtful and not coalesce($include_doubtful, false)
            as doubtful_left_out,
        list_contains($score_kinds, kind) as in_scores
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
)
select
    f.department_canonical,
    count(*) as n_evaluations,
    count(distinct f.project_key) as n_projects,
    min(f.year) as first_year,
    max(f.year) as last_year,
    count(*) filter (where f.in_money) as n_with_amounts,
    count(*) filter (where f.doubtful_left_out) as n_doubtful_left_out,
    sum(f.budget_wan) filter (where f.in_money) as budget_wan,
    sum(f.spent_wan) filter (where f.in_money) as spent_wan,
    sum(f.spent_wan) filter (where f.in_money)
        / nullif(sum(f.budget_wan) filter (where f.in_money), 0) * 100 as execution_rate_weighted,
    median(f.execution_rate) filter (where f.in_money) as execution_rate_median,
    count(f.self_score) filter (where f.in_scores) as n_scored,
    avg(f.self_score) filter (where f.in_scores) as self_score_mean,
    median(f.self_score) filter (where f.in_scores) as self_score_median,
    count(*) filter (where f.in_scores and f.grade = '优')
        / nullif(count(f.grade) filter (where f.in_scores), 0) as share_excellent,
    coalesce(sum(p.n_problems), 0)::bigint as n_problems
from facts as f
left join problem_counts as p on p.evaluation_id = f.evaluation_id
group by f.department_canonical
order by f.department_canonical
