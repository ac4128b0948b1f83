-- Staging views: what every read query in queries/ selects from.
-- Run after 001 on warehouse creation (the loader runs queries/schema in name order); safe to re-run.
--
-- evaluation_corrected  evaluations with the latest correction (by seq) per (content_hash, record_index, field)
--                       applied; execution_rate recomputed when an amount was corrected.
-- evaluation_facts      evaluation_corrected with canonical names (department_canonical, project_key),
--                       limited to the read scope (variable scope_units) when one is set; withdrawn
--                       reports left out.
-- indicator_facts       indicator rows with points_lost and the evaluation's filter columns; headings as
--                       written and as filed by the indicator taxonomy (001b_indicator_groups.sql).
-- problem_facts         stated problems with the evaluation's filter columns and has_score_table.
-- flag_facts            flags with the evaluation's filter columns.
-- reason_facts          every deduction reason and stated problem, with its normalised text and
--                       category in the reason taxonomy (data/reason_taxonomy.toml).

-- Written by dashboard.metrics.canonical.refresh(con) after every load or correction. The *_source
-- columns hold the names the canonical form was computed from, so a row made stale by a later
-- correction is ignored instead of mislabelling the evaluation.
create table if not exists canonical_names (
    evaluation_id        varchar primary key,
    department_source    varchar,
    region_source        varchar,
    project_source       varchar,
    county               varchar,
    department_canonical varchar,
    project_canonical    varchar,
    project_key          varchar not null
);

-- Written by dashboard.metrics.reasons.refresh(con) after every load or correction: each distinct
-- reason text, problem text and third-level indicator name, normalised and filed in the reason
-- taxonomy (category null when the text matches no category of it).
create table if not exists reason_categories (
    text              varchar primary key,
    reason_normalised varchar,
    category          varchar
);

create or replace view evaluation_corrected as
with latest as (
    select content_hash, record_index, field, arg_max(new_value, seq) as new_value
    from corrections
    group by content_hash, record_index, field
),
by_record as (
    select
        content_hash,
        record_index,
        bool_or(field = 'project_name') as has_project_name,
        max(new_value) filter (where field = 'project_name') as project_name,
        bool_or(field = 'department') as has_department,
        max(new_value) filter (where field = 'department') as department,
        bool_or(field = 'supervising_department') as has_supervising_department,
        max(new_value) filter (where field = 'supervising_department') as supervising_department,
        bool_or(field = 'region') as has_region,
        max(new_value) filter (where field = 'region') as region,
        bool_or(field = 'kind') as has_kind,
        max(new_value) filter (where field = 'kind') as kind,
        bool_or(field = 'year') as has_year,
        max(new_value) filter (where field = 'year') as year,
        bool_or(field = 'budget_wan') as has_budget_wan,
        max(new_value) filter (where field = 'budget_wan') as budget_wan,
        bool_or(field = 'initial_budget_wan') as has_initial_budget_wan,
        max(new_value) filter (where field = 'initial_budget_wan') as initial_budget_wan,
        bool_or(field = 'received_wan') as has_received_wan,
        max(new_value) filter (where field = 'received_wan') as received_wan,
        bool_or(field = 'spent_wan') as has_spent_wan,
        max(new_value) filter (where field = 'spent_wan') as spent_wan,
        bool_or(field = 'stated_execution_rate') as has_stated_execution_rate,
        max(new_value) filter (where field = 'stated_execution_rate') as stated_execution_rate,
        bool_or(field = 'self_score') as has_self_score,
        max(new_value) filter (where field = 'self_score') as self_score,
        bool_or(field = 'grade') as has_grade,
        max(new_value) filter (where field = 'grade') as grade,
        bool_or(field = 'execution_weight') as has_execution_weight,
        max(new_value) filter (where field = 'execution_weight') as execution_weight,
        bool_or(field = 'execution_score') as has_execution_score,
        max(new_value) filter (where field = 'execution_score') as execution_score,
        bool_or(field = 'firm') as has_firm,
        max(new_value) filter (where field = 'firm') as firm,
        bool_or(field = 'report_number') as has_report_number,
        max(new_value) filter (where field = 'report_number') as report_number
    from latest
    group by content_hash, record_index
),
applied as (
    select
        e.evaluation_id,
        e.content_hash,
        e.record_index,
        e.source,
        case when c.has_project_name then nullif(trim(c.project_name), '') else e.project_name end as project_name,
        case when c.has_department then nullif(trim(c.department), '') else e.department end as department,
        case when c.has_supervising_department then nullif(trim(c.supervising_department), '')
             else e.supervising_department end as supervising_department,
        case when c.has_region then nullif(trim(c.region), '') else e.region end as region,
        case when c.has_kind and trim(c.kind) in ('project_self', 'department_self', 'external')
             then trim(c.kind) else e.kind end as kind,
        case when c.has_year then try_cast(c.year as integer) else e.year end as year,
        case when c.has_budget_wan then try_cast(c.budget_wan as double) else e.budget_wan end as budget_wan,
        case when c.has_initial_budget_wan then try_cast(c.initial_budget_wan as double)
             else e.initial_budget_wan end as initial_budget_wan,
        case when c.has_received_wan then try_cast(c.received_wan as double) else e.received_wan end as received_wan,
        case when c.has_spent_wan then try_cast(c.spent_wan as double) else e.spent_wan end as spent_wan,
        case when c.has_stated_execution_rate then try_cast(c.stated_execution_rate as double)
             else e.stated_execution_rate end as stated_execution_rate,
        e.execution_rate as extracted_execution_rate,
        coalesce(c.has_budget_wan or c.has_spent_wan, false) as amounts_corrected,
        case when c.has_self_score then try_cast(c.self_score as double) else e.self_score end as self_score,
        case when c.has_grade and trim(c.grade) in ('优', '良', '中', '差') then trim(c.grade)
             when c.has_grade then null else e.grade end as grade,
        case when c.has_execution_weight then try_cast(c.execution_weight as double)
             else e.execution_weight end as execution_weight,
        case when c.has_execution_score then try_cast(c.execution_score as double)
             else e.execution_score end as execution_score,
        case when c.has_firm then nullif(trim(c.firm), '') else e.firm end as firm,
        case when c.has_report_number then nullif(trim(c.report_number), '') else e.report_number end as report_number,
        e.conclusion,
        e.full_text,
        e.facts_json,
        e.warnings,
        e.loaded_at,
        c.content_hash is not null as corrected
    from evaluations as e
    left join by_record as c
        on c.content_hash = e.content_hash and c.record_index = e.record_index
)
select
    * exclude (extracted_execution_rate, amounts_corrected),
    case
        when not amounts_corrected then extracted_execution_rate
        when budget_wan > 0 and spent_wan is not null then round(spent_wan / budget_wan * 100, 2)
    end as execution_rate
from applied;

create or replace view evaluation_facts as
with named as (
    select
        ec.*,
        cn.department_source is not distinct from ec.department
            and cn.region_source is not distinct from ec.region
            and cn.project_source is not distinct from ec.project_name as names_current,
        cn.county as canonical_county,
        cn.department_canonical as canonical_department,
        cn.project_canonical as canonical_project,
        cn.project_key as canonical_project_key
    from evaluation_corrected as ec
    left join canonical_names as cn on cn.evaluation_id = ec.evaluation_id
)
select
    * exclude (names_current, canonical_county, canonical_department, canonical_project, canonical_project_key),
    case when names_current then canonical_county else region end as county,
    case when names_current then canonical_department else department end as department_canonical,
    case when names_current then canonical_project else project_name end as project_canonical,
    case when names_current then canonical_project_key else evaluation_id end as project_key,
    -- 待核实: an amount or the rate of this report is in doubtful_values (data/sanity.toml)
    evaluation_id in (select evaluation_id from doubtful_values
                      where field in ('budget_wan', 'spent_wan', 'execution_rate')) as amounts_doubtful
from named
-- Read scope: a signed-in 部门 account's reader sets the variable scope_units to its units
-- (dashboard.warehouse.set_read_scope); unset (the loader, the command line, 领导) reads every unit.
-- Every view below reads evaluation_facts, so they are scoped too. A report of no known unit is the
-- unit '' (单位不详).
where (getvariable('scope_units') is null
       or list_contains(getvariable('scope_units'),
                        coalesce(case when names_current then canonical_department else department end, '')))
  -- a withdrawn report (001f_withdrawals.sql) is in no figure
  and not exists (select 1 from withdrawals as w
                  where w.content_hash = named.content_hash and w.record_index = named.record_index);

create or replace view indicator_facts as
select
    i.evaluation_id,
    i.row_index,
    -- the headings as written (for drill-down), then as filed by the indicator taxonomy (table
    -- indicator_groups): 效果 and 效益指标 are one group, 满意度 under 效果 is 满意度; 其他 until filed
    i.level1,
    i.level2,
    i.level3,
    coalesce(g.level1_group, '其他') as level1_group,
    coalesce(g.level2_group, i.level2) as level2_group,
    coalesce(g.indicator, i.level3) as indicator,
    coalesce(g.indicator_group, g.level1_group, '其他') as indicator_group,
    i.weight,
    i.score,
    i.deduction,
    -- weight - score (what the row's own figures say was lost; a written deduction can be a
    -- misread cell), the written deduction only without a score; never negative, null when unknown
    case when coalesce(i.weight - i.score, i.deduction) is not null
         then greatest(coalesce(i.weight - i.score, i.deduction), 0) end as points_lost,
    i.reason,
    i.rule,
    i.target,
    i.actual,
    f.department_canonical,
    f.project_key,
    f.project_name,
    f.year,
    f.region,
    f.county,
    f.grade,
    f.kind,
    f.self_score
from indicator_scores as i
join evaluation_facts as f on f.evaluation_id = i.evaluation_id
left join indicator_groups as g
    on g.level1 is not distinct from i.level1
   and g.level2 is not distinct from i.level2
   and g.level3 is not distinct from i.level3;

create or replace view problem_facts as
select
    p.evaluation_id,
    p.problem_index,
    p.problem_text,
    f.department_canonical,
    f.project_key,
    f.project_name,
    f.year,
    f.region,
    f.county,
    f.grade,
    f.kind,
    f.self_score,
    p.evaluation_id in (select evaluation_id from indicator_scores) as has_score_table
from problems as p
join evaluation_facts as f on f.evaluation_id = p.evaluation_id;

create or replace view flag_facts as
select
    g.evaluation_id,
    g.code,
    g.severity,
    g.message,
    g.evidence,
    g.scope,
    f.department_canonical,
    f.project_key,
    f.project_name,
    f.year,
    f.region,
    f.county,
    f.grade,
    f.kind,
    f.self_score,
    f.execution_rate,
    f.budget_wan,
    f.spent_wan
from flags as g
join evaluation_facts as f on f.evaluation_id = g.evaluation_id;

-- One row per mention: a deduction (an indicator row that lost points and gives a reason) or a
-- stated problem. A deduction whose text fits no category takes its indicator's category;
-- '其他' is the taxonomy's catch-all.
create or replace view reason_facts as
select
    'deduction' as source,
    i.evaluation_id,
    i.department_canonical,
    i.project_key,
    i.project_name,
    i.year,
    i.region,
    i.county,
    i.grade,
    i.kind,
    i.level1,
    i.level3,
    i.reason as reason_text,
    coalesce(t.reason_normalised, trim(i.reason)) as reason_normalised,
    coalesce(t.category, l.category, '其他') as category,
    i.points_lost,
    true as has_score_table
from indicator_facts as i
left join reason_categories as t on t.text = i.reason
left join reason_categories as l on l.text = i.level3
where i.points_lost > 0 and nullif(trim(i.reason), '') is not null
union all
select
    'problem' as source,
    p.evaluation_id,
    p.department_canonical,
    p.project_key,
    p.project_name,
    p.year,
    p.region,
    p.county,
    p.grade,
    p.kind,
    null as level1,
    null as level3,
    p.problem_text as reason_text,
    coalesce(t.reason_normalised, trim(p.problem_text)) as reason_normalised,
    coalesce(t.category, '其他') as category,
    null as points_lost,
    p.has_score_table
from problem_facts as p
left join reason_categories as t on t.text = p.problem_text
where nullif(trim(p.problem_text), '') is not null;
