-- Written by dashboard.metrics.indicators.refresh(con) after every load, correction or rederive: each
-- distinct heading triple of indicator_scores (as written; nulls kept) filed by the indicator taxonomy
-- (data/indicator_taxonomy.toml). indicator_facts (002_staging.sql) joins it, so it is created first.
-- level1_group   the row's group (产出/效益/满意度/预算执行/决策/过程/管理, 其他 when no rule matches)
-- level2_group   the 二级指标 cleaned and folded (数量指标 and 产出数量 are 数量)
-- indicator      the 三级指标 cleaned (1.服务对象满意度指标 is 服务对象满意度); the deepest heading without one
-- indicator_group the one group the indicator is listed under, whatever group each report filed it in
create table if not exists indicator_groups (
    level1          varchar,
    level2          varchar,
    level3          varchar,
    level1_group    varchar not null,
    level2_group    varchar,
    indicator       varchar,
    indicator_group varchar not null
);
