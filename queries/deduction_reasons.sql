-- deduction_reasons: the free-text reasons behind deductions (indicator rows that lost points) and the
-- problems reports state, identical texts of one department and year counted together. The metrics
-- layer normalises and files them into the reason taxonomy (data/reason_taxonomy.toml).
-- Grain: one row per source (deduction | problem), department_canonical, year, level1, level3 and text.
-- Parameters (shared filters, each null for all):
--   $departments  list of canonical department names (department_canonical), or null for all
--   $year_from    first fiscal year included, or null
--   $year_to      last fiscal year included, or null
--   $region       county or city (county), or null
--   $grade        优 | 良 | 中 | 差, or null
--   $kind         project_self | department_self | external, or null
with deductions as (
    select
        'deduction' as source,
        department_canonical,
        year,
        level1,
        level3,
        trim(reason) as reason_text,
        evaluation_id,
        project_name,
        points_lost,
        true as has_score_table
    from indicator_facts
    where ($departments is null or list_contains($departments, department_canonical))
      and ($year_from is null or year >= $year_from)
      and ($year_to is null or year <= $year_to)
      and ($region is null or county = $region)
      and ($grade is null or grade = $grade)
      and ($kind is null or kind = $kind)
      and points_lost > 0
      and nullif(trim(reason), '') is not null
),
stated_problems as (
    select
        'problem' as source,
        department_canonical,
        year,
        null as level1,
        null as level3,
        trim(problem_text) as reason_text,
        evaluation_id,
        project_name,
        null as points_lost,
        has_score_table
    from problem_facts
    where ($departments is null or list_contains($departments, department_canonical))
      and ($year_from is null or year >= $year_from)
      and ($year_to is null or year <= $year_to)
      and ($region is null or county = $region)
      and ($grade is null or grade = $grade)
      and ($kind is null or kind = $kind)
      and nullif(trim(problem_text), '') is not null
),
all_reasons as (
    select * from deductions
    union all
    select * from stated_problems
)
select
    source,
    department_canonical,
    year,
    level1,
    level3,
    reason_text,
    count(*) as n_mentions,
    count(distinct evaluation_id) as n_reports,
    sum(points_lost) as points_lost,
    bool_or(has_score_table) as has_score_table,
    min(evaluation_id) as example_evaluation_id,
    arg_min(project_name, evaluation_id) as example_project_name
from all_reasons
group by source, department_canonical, year, level1, level3, reason_text
order by source, department_canonical, year, level1, level3, reason_text
