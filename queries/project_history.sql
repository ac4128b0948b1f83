-- project_history: every report of one project across the years (linked by project_key), with the
-- points it lost, the problems it states and its flags.
-- Grain: one row per evaluation of the project, oldest year first.
-- Parameters:
--   $project_key  the project's key (evaluation_facts.project_key)
with project as (
    select *
    from evaluation_facts
    where project_key = $project_key
),
-- Child rows by the project's evaluation ids, so only its rows are read (the views would be read whole).
lost as (
    select evaluation_id, sum(points_lost) as points_lost, count(*) as n_indicators
    from indicator_facts
    where evaluation_id in (select evaluation_id from project)
    group by evaluation_id
),
stated as (
    select evaluation_id, count(*) as n_problems
    from problems
    where evaluation_id in (select evaluation_id from project)
    group by evaluation_id
),
flagged as (
    select evaluation_id, count(*) as n_flags, list(distinct code order by code) as flag_codes
    from flags
    where evaluation_id in (select evaluation_id from project)
    group by evaluation_id
)
select
    p.evaluation_id,
    p.year,
    p.project_name,
    p.department_canonical,
    p.kind,
    p.budget_wan,
    p.spent_wan,
    p.execution_rate,
    p.self_score,
    p.grade,
    coalesce(l.n_indicators, 0) as n_indicators,
    l.points_lost,
    coalesce(s.n_problems, 0) as n_problems,
    coalesce(g.n_flags, 0) as n_flags,
    coalesce(g.flag_codes, []) as flag_codes,
    p.source
from project as p
left join lost as l on l.evaluation_id = p.evaluation_id
left join stated as s on s.evaluation_id = p.evaluation_id
left join flagged as g on g.evaluation_id = p.evaluation_id
order by p.year nulls last, p.evaluation_id
