-- page_project_options: the projects the 项目档案 page can open, each linked across years by
-- project_key, with the years it has reports for and its highest risk score; riskiest first.
-- Grain: one row per project_key.
-- Parameters (shared filters, each null for all):
--   $departments  list of canonical department names (department_canonical), or null for all
--   $year_from    first fiscal year included, or null
--   $year_to      last fiscal year included, or null
--   $year_unknown true: only reports whose fiscal year is not known (年度不详), or null
--   $region       county or city (county), or null
--   $grade        优 | 良 | 中 | 差, or null
--   $kinds        list of kinds (project_self, department_self, external), or null for all
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
)
select
    f.project_key,
    any_value(f.project_canonical order by f.year desc nulls last, f.loaded_at desc) as project_name,
    any_value(f.department_canonical order by f.year desc nulls last, f.loaded_at desc) as department_canonical,
    list(distinct f.year order by f.year) filter (where f.year is not null) as years,
    count(*) as n_reports,
    max(r.risk_score) as max_risk_score,
    arg_max(f.evaluation_id, coalesce(f.year, 0) * 1000000 + epoch(f.loaded_at) / 1e6) as latest_evaluation_id
from facts as f
left join report_risk as r on r.evaluation_id = f.evaluation_id
group by f.project_key
order by max_risk_score desc nulls last, department_canonical, project_name, f.project_key
