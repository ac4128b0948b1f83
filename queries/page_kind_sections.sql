-- page_kind_sections: each kind of evaluation with its own figures, side by side and never summed:
-- a department-wide report and an external evaluation cover the same money as the project
-- self-evaluations beneath them.
-- Grain: one row per kind present in the filtered reports.
-- Parameters (shared filters, each null for all):
--   $departments  list of canonical department names (department_canonical), or null for all
--   $year_from    first fiscal year included, or null
--   $year_to      last fiscal year included, or null
--   $year_unknown true: only reports whose fiscal year is not known (年度不详), or null
--   $region       county or city (county), or null
--   $grade        优 | 良 | 中 | 差, or null
--   $kinds        list of kinds (project_self, department_self, external), or null for all
--   $include_doubtful  true to count amounts marked 待核实 (doubtful_values); null or false leaves them out
with facts as (
    select *, execution_rate is not null
                  and (coalesce($include_doubtful, false) or not amounts_doubtful) as in_money
    from evaluation_facts
    where ($departments is null or list_contains($departments, coalesce(department_canonical, '')))
      and ($year_from is null or year >= $year_from)
      and ($year_to is null or year <= $year_to)
      and (not coalesce($year_unknown, false) or year is null)
      and ($region is null or county = $region)
      and ($grade is null or grade = $grade)
      and ($kinds is null or list_contains($kinds, kind))
),
flagged as (
    select evaluation_id, bool_or(severity = 'high') as high
    from flags
    group by evaluation_id
)
select
    f.kind,
    count(*) as n_evaluations,
    count(distinct f.department_canonical) as n_departments,
    count(*) filter (where f.in_money) as n_with_amounts,
    sum(f.budget_wan) filter (where f.in_money) as budget_wan,
    sum(f.spent_wan) filter (where f.in_money) as spent_wan,
    round(sum(f.spent_wan) filter (where f.in_money)
          / nullif(sum(f.budget_wan) filter (where f.in_money), 0) * 100, 2)
        as execution_rate_weighted,
    count(f.self_score) as n_scored,
    round(avg(f.self_score), 2) as self_score_mean,
    count(*) filter (where f.grade = '优') / nullif(count(f.grade), 0) as share_excellent,
    count(g.evaluation_id) as n_flagged_reports,
    count(*) filter (where g.high) as n_high_risk_reports
from facts as f
left join flagged as g on g.evaluation_id = f.evaluation_id
group by f.kind
order by case f.kind when 'project_self' then 1 when 'department_self' then 2 else 3 end
