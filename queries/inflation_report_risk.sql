-- inflation_report_risk: every filtered report with its claimed and supported score, the gap, its
-- risk score and the flag codes behind it; highest risk first (the reports behind a unit's index).
-- Grain: one row per evaluation.
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
codes as (
    select evaluation_id, list(distinct code order by code) as flag_codes
    from flags
    group by evaluation_id
)
select
    f.evaluation_id,
    f.department_canonical as department,
    f.project_name,
    f.year,
    f.execution_rate,
    f.self_score,
    r.supported_score,
    r.score_gap,
    r.risk_score,
    r.n_flags,
    r.max_severity,
    r.supported_explanation,
    coalesce(c.flag_codes, []) as flag_codes,
    f.source
from facts as f
join report_risk as r on r.evaluation_id = f.evaluation_id
left join codes as c on c.evaluation_id = f.evaluation_id
order by r.risk_score desc, r.score_gap desc nulls last, f.evaluation_id
limit coalesce($limit_rows, 9223372036854775807)
