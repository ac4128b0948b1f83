-- page_reason_reports: the reports behind given deduction reasons and stated problems (texts as
-- deduction_reasons returns them), for drilling from a reason category to its reports.
-- Grain: one row per evaluation, source (deduction | problem), indicator and reason text.
-- Parameters (shared filters, each null for all, then):
--   $departments  list of canonical department names (department_canonical), or null for all
--   $year_from    first fiscal year included, or null
--   $year_to      last fiscal year included, or null
--   $region       county or city (county), or null
--   $grade        优 | 良 | 中 | 差, or null
--   $kind         project_self | department_self | external, or null
--   $reason_texts list of reason texts (deduction_reasons.reason_text), or null for all
--   $limit_rows   how many rows, or null for all
with deductions as (
    select
        'deduction' as source,
        evaluation_id,
        project_key,
        project_name,
        department_canonical,
        year,
        level3,
        trim(reason) as reason_text,
        points_lost,
        self_score,
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
        evaluation_id,
        project_key,
        project_name,
        department_canonical,
        year,
        null as level3,
        trim(problem_text) as reason_text,
        null as points_lost,
        self_score,
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
select *
from all_reasons
where $reason_texts is null or list_contains($reason_texts, reason_text)
order by year desc nulls last, department_canonical, project_name, evaluation_id, source, reason_text
limit coalesce($limit_rows, 9223372036854775807)
