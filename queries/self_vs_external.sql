-- self_vs_external: a project's self-evaluation beside the independent (third-party / 财政重点) evaluation
-- of the same year, so leadership can see how far self-scores sit above independent ones.
-- Grain: one row per project (project_key) and year that has both kinds of evaluation.
-- Parameters (shared filters, each null for all; $kinds is ignored: both kinds are the point):
--   $departments  list of canonical department names (department_canonical), or null for all
--   $year_from    first fiscal year included, or null
--   $year_to      last fiscal year included, or null
--   $year_unknown true: only reports whose fiscal year is not known (年度不详), or null
--   $region       county or city (county), or null
--   $grade        优 | 良 | 中 | 差 (of the self-evaluation), or null
--   $kinds        accepted for the shared filter set; not applied
with facts as (
    select *
    from evaluation_facts
    where ($departments is null or list_contains($departments, coalesce(department_canonical, '')))
      and ($year_from is null or year >= $year_from)
      and ($year_to is null or year <= $year_to)
      and (not coalesce($year_unknown, false) or year is null)
      and ($region is null or county = $region)
      and ($kinds is null or true)
),
self_evaluations as (
    select project_key, year, department_canonical, project_canonical, evaluation_id, self_score, grade
    from facts
    where kind in ('project_self', 'department_self') and self_score is not null
      and ($grade is null or grade = $grade)
    qualify row_number() over (partition by project_key, year order by evaluation_id) = 1
),
external_evaluations as (
    select project_key, year, evaluation_id, self_score as external_score, grade as external_grade,
           firm, report_number
    from facts
    where kind = 'external' and self_score is not null
    qualify row_number() over (partition by project_key, year order by evaluation_id) = 1
)
select
    s.department_canonical,
    s.project_canonical,
    s.year,
    s.self_score,
    s.grade,
    e.external_score,
    e.external_grade,
    s.self_score - e.external_score as self_minus_external,
    e.firm,
    e.report_number,
    s.evaluation_id,
    e.evaluation_id as external_evaluation_id
from self_evaluations as s
join external_evaluations as e using (project_key, year)
order by self_minus_external desc, s.department_canonical, s.year
