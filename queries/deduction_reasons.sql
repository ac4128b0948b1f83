-- deduction_reasons: every deduction reason (an indicator row that lost points) and every problem a
-- report states, with its normalised text and its category in the reason taxonomy
-- (data/reason_taxonomy.toml). Problems of reports that have a score table usually repeat their
-- deductions, so they are left out unless asked for.
-- Grain: one row per mention (source deduction | problem), in department, year and text order.
-- Parameters (shared filters, each null for all, then):
--   $departments  list of canonical department names (department_canonical), or null for all
--   $year_from    first fiscal year included, or null
--   $year_to      last fiscal year included, or null
--   $year_unknown true: only reports whose fiscal year is not known (年度不详), or null
--   $region       county or city (county), or null
--   $grade        优 | 良 | 中 | 差, or null
--   $kinds        list of kinds (project_self, department_self, external), or null for all
--   $include_scored_problems  true to keep problems of reports with a score table (null: false)
--   $category     one category of the taxonomy, or null for all
--   $limit_rows   how many rows, or null for all
with mentions as (
    select *
    from reason_facts
    where ($departments is null or list_contains($departments, coalesce(department_canonical, '')))
      and ($year_from is null or year >= $year_from)
      and ($year_to is null or year <= $year_to)
      and (not coalesce($year_unknown, false) or year is null)
      and ($region is null or county = $region)
      and ($grade is null or grade = $grade)
      and ($kinds is null or list_contains($kinds, kind))
      and (source = 'deduction' or not has_score_table or coalesce($include_scored_problems, false))
      and ($category is null or category = $category)
)
select
    source,
    evaluation_id,
    department_canonical,
    year,
    project_name,
    level1,
    level3,
    reason_text,
    reason_normalised,
    category,
    points_lost,
    has_score_table
from mentions
order by department_canonical nulls last, year, source, evaluation_id, level1, level3, reason_text
limit coalesce($limit_rows, 9223372036854775807)
