-- page_admin_evaluations: the extracted fields a user can correct on the 数据管理 page, as they stand
-- now (latest corrections applied), with the loader's warnings, the file they came from and the
-- history of their corrections (who, when, field, old and new value; newest first).
-- Grain: one row per evaluation, most recently loaded first.
-- Parameters (shared filters, each null for all, then):
--   $departments    list of canonical department names (department_canonical), or null for all
--   $year_from      first fiscal year included, or null
--   $year_to        last fiscal year included, or null
--   $year_unknown   true: only reports whose fiscal year is not known (年度不详), or null
--   $region         county or city (county), or null
--   $grade          优 | 良 | 中 | 差, or null
--   $kinds         list of kinds (project_self, department_self, external), or null for all
--   $evaluation_id  one report's evaluation_id, or null for all
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
      and ($evaluation_id is null or evaluation_id = $evaluation_id)
),
history as (
    select
        content_hash,
        record_index,
        list(
            {'field': field, 'old_value': old_value, 'new_value': new_value,
             'corrected_by': corrected_by, 'corrected_at': corrected_at, 'seq': seq}
            order by seq desc
        ) as corrections
    from corrections
    group by content_hash, record_index
)
select
    f.evaluation_id,
    f.content_hash,
    f.record_index,
    rp.file_name,
    f.source,
    f.project_name,
    f.department,
    f.department_canonical,
    f.supervising_department,
    f.region,
    f.kind,
    f.year,
    f.budget_wan,
    f.initial_budget_wan,
    f.received_wan,
    f.spent_wan,
    f.stated_execution_rate,
    f.execution_rate,
    f.self_score,
    f.grade,
    f.warnings,
    f.corrected,
    coalesce(h.corrections, []) as corrections,
    f.loaded_at
from facts as f
left join reports as rp on rp.content_hash = f.content_hash
left join history as h on h.content_hash = f.content_hash and h.record_index = f.record_index
order by f.loaded_at desc, f.evaluation_id
