-- page_trend_by_year: the 总览 trend, one row per fiscal year, each figure over its population in the
-- metric dictionary (data/metrics.toml): money over $money_kinds, scores and grades over $score_kinds,
-- counts and flags over every filtered report. Reports with no stated year are one row (year null).
-- Grain: one row per year.
-- Parameters (shared filters, each null for all):
--   $departments     list of canonical department names (department_canonical), or null for all
--   $year_from       first fiscal year included, or null
--   $year_to         last fiscal year included, or null
--   $year_unknown    true: only reports whose fiscal year is not known (年度不详), or null
--   $region          county or city (county), or null
--   $grade           优 | 良 | 中 | 差, or null
--   $kinds           list of kinds (project_self, department_self, external), or null for all
--   $money_kinds     list of kinds whose amounts are summed (population of the money metrics)
--   $include_doubtful  true to count amounts marked 待核实 (doubtful_values); null or false leaves them out
--   $score_kinds     list of kinds whose scores and grades are counted (population of the score metrics)
--   $excellent_from  lowest score of the 优 band (rulebook [grades])
--   $good_from       lowest score of the 良 band
--   $fair_from       lowest score of the 中 band
with facts as (
    select *,
        list_contains($money_kinds, kind) and execution_rate is not null
            and (coalesce($include_doubtful, false) or not amounts_doubtful) as in_money,
        list_contains($money_kinds, kind) and amounts_doubtful and not coalesce($include_doubtful, false)
            as doubtful_left_out,
        list_contains($score_kinds, kind) as in_scores,
        case when self_score >= $excellent_from then '优' when self_score >= $good_from then '良'
             when self_score >= $fair_from then '中' when self_score is not null then '差' end as score_band
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
    f.year,
    count(*) as n_evaluations,
    count(distinct f.project_key) as n_projects,
    count(*) filter (where f.in_money) as n_with_amounts,
    count(*) filter (where f.doubtful_left_out) as n_doubtful_left_out,
    sum(f.budget_wan) filter (where f.in_money) as budget_wan,
    sum(f.spent_wan) filter (where f.in_money) as spent_wan,
    round(sum(f.spent_wan) filter (where f.in_money)
          / nullif(sum(f.budget_wan) filter (where f.in_money), 0) * 100, 2) as execution_rate_weighted,
    count(f.self_score) filter (where f.in_scores) as n_scored,
    round(avg(f.self_score) filter (where f.in_scores), 2) as self_score_mean,
    count(f.grade) filter (where f.in_scores) as n_graded,
    count(*) filter (where f.in_scores and f.grade = '优')
        / nullif(count(f.grade) filter (where f.in_scores), 0) as share_excellent,
    count(*) filter (where f.in_scores and f.score_band = '优')
        / nullif(count(f.score_band) filter (where f.in_scores), 0) as share_band_excellent,
    count(*) filter (where f.in_scores and f.grade is not null and f.score_band is not null
                     and f.grade <> f.score_band) as n_grade_mismatch,
    count(g.evaluation_id) as n_flagged_reports,
    count(*) filter (where g.high) as n_high_risk_reports
from facts as f
left join flagged as g on g.evaluation_id = f.evaluation_id
group by f.year
order by f.year nulls last
