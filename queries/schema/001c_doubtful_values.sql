-- Written by dashboard.metrics.doubtful.refresh(con) after every load, correction or rederive: each value
-- the sanity rules (data/sanity.toml) find implausible, marked 待核实 until someone corrects or confirms it
-- on 数据管理 (any correction of the field settles it). evaluation_facts (002_staging.sql) reads it, so it
-- is created first. Headline totals, weighted rates and rankings leave a report's amounts out while one
-- of its amounts or its rate is here (unless the reader asks for them).
-- field      budget_wan | spent_wan | execution_rate | self_score | year
-- value      the value as stored
-- reason     why it is doubtful, in Chinese
-- suggested  a suggested reading (e.g. the amount ÷ 10,000 when 元 were stored as 万元), or null
-- quote      the report's own words around the value, when found
create table if not exists doubtful_values (
    evaluation_id varchar not null,
    field         varchar not null,
    value         double,
    reason        varchar not null,
    suggested     double,
    quote         varchar
);
