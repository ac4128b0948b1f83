-- page_project_evaluations: reports in full for the 项目档案 page — every corrected field, the report's
-- text, its risk score and supported score — for one evaluation, one project, or the filtered set.
-- Grain: one row per evaluation, newest year first.
-- Parameters (shared filters, each null for all, then):
--   $departments    list of canonical department names (department_canonical), or null for all
--   $year_from      first fiscal year included, or null
--   $year_to        last fiscal year included, or null
--   $year_unknown   true: only reports whose fiscal year is not known (年度不详), or null
--   $region         county or city (county), or null
--   $grade          优 | 良 | 中 | 差, or null
--   $kinds         list of kinds (project_self, department_self, external), or null for all
--   $evaluation_id  one report's evaluation_id, or null for all
--   $project_key    one project's key (evaluation_facts.project_key), or null for all
select
    f.evaluation_id,
    f.content_hash,
    f.record_index,
    f.project_key,
    f.project_name,
    f.project_canonical,
    f.department,
    f.department_canonical,
    f.supervising_department,
    f.county,
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
    f.execution_weight,
    f.execution_score,
    f.firm,
    f.report_number,
    f.conclusion,
    f.full_text,
    f.warnings,
    f.corrected,
    f.source,
    r.supported_score,
    r.score_gap,
    r.risk_score,
    r.max_severity
from evaluation_facts as f
left join report_risk as r on r.evaluation_id = f.evaluation_id
where ($departments is null or list_contains($departments, coalesce(f.department_canonical, '')))
  and ($year_from is null or f.year >= $year_from)
  and ($year_to is null or f.year <= $year_to)
  and (not coalesce($year_unknown, false) or f.year is null)
  and ($region is null or f.county = $region)
  and ($grade is null or f.grade = $grade)
  and ($kinds is null or list_contains($kinds, f.kind))
  and ($evaluation_id is null or f.evaluation_id = $evaluation_id)
  and ($project_key is null or f.project_key = $project_key)
order by f.year desc nulls last, f.loaded_at desc, f.evaluation_id
