-- doubtful_values (written by dashboard.metrics.doubtful.refresh): the values the sanity rules of
-- data/sanity.toml find implausible, without those a correction has settled.
-- Grain: one row per evaluation and field.
-- Parameters:
--   $amount_max_wan   largest plausible budget or spending of one project, in 万元
--   $spend_ratio_max  largest plausible spending ÷ budget
--   $rate_min         lowest plausible execution rate (percent)
--   $rate_max         highest plausible execution rate (percent)
--   $score_min        lowest plausible self-score
--   $score_max        highest plausible self-score
--   $first_year       earliest plausible fiscal year
--   $last_year        latest plausible fiscal year
with f as (
    select evaluation_id, content_hash, record_index, budget_wan, spent_wan, execution_rate, self_score, year
    from evaluation_facts
),
settled as (
    select distinct content_hash, record_index, field
    from corrections
),
checks as (
    select evaluation_id, content_hash, record_index, 'budget_wan' as field, budget_wan as value,
           '预算数 ' || format('{:,.2f}', budget_wan) || ' 万元超过单个项目的合理上限 '
               || format('{:,.0f}', $amount_max_wan) || ' 万元，疑为以元为单位' as reason,
           round(budget_wan / 10000, 4) as suggested
    from f where budget_wan > $amount_max_wan
    union all
    select evaluation_id, content_hash, record_index, 'spent_wan', spent_wan,
           '实际支出 ' || format('{:,.2f}', spent_wan) || ' 万元超过单个项目的合理上限 '
               || format('{:,.0f}', $amount_max_wan) || ' 万元，疑为以元为单位',
           round(spent_wan / 10000, 4)
    from f where spent_wan > $amount_max_wan
    union all
    select evaluation_id, content_hash, record_index, 'spent_wan', spent_wan,
           '实际支出是预算数的 ' || format('{:.1f}', spent_wan / budget_wan) || ' 倍，预算或支出可能有误', null
    from f where budget_wan > 0 and spent_wan > budget_wan * $spend_ratio_max and spent_wan <= $amount_max_wan
    union all
    select evaluation_id, content_hash, record_index, 'execution_rate', execution_rate,
           '执行率 ' || format('{:.2f}', execution_rate) || '% 不在 ' || format('{:g}', $rate_min::double) || '–'
               || format('{:g}', $rate_max::double) || '% 之间', null
    from f where execution_rate < $rate_min or execution_rate > $rate_max
    union all
    select evaluation_id, content_hash, record_index, 'budget_wan', budget_wan,
           '预算数为负数（' || format('{:,.2f}', budget_wan) || ' 万元）', null
    from f where budget_wan < 0
    union all
    select evaluation_id, content_hash, record_index, 'spent_wan', spent_wan,
           '实际支出为负数（' || format('{:,.2f}', spent_wan) || ' 万元）', null
    from f where spent_wan < 0
    union all
    select evaluation_id, content_hash, record_index, 'self_score', self_score,
           '自评分 ' || format('{:g}', self_score) || ' 不在 ' || format('{:g}', $score_min::double) || '–'
               || format('{:g}', $score_max::double) || ' 分之间', null
    from f where self_score < $score_min or self_score > $score_max
    union all
    select evaluation_id, content_hash, record_index, 'year', year,
           '年度 ' || year || ' 不在 ' || $first_year || '–' || $last_year || ' 之间', null
    from f where year < $first_year or year > $last_year
)
select c.evaluation_id, c.field, c.value, c.reason, c.suggested
from checks as c
anti join settled as s
    on s.content_hash = c.content_hash and s.record_index = c.record_index
   and (s.field = c.field or (c.field = 'execution_rate' and s.field in ('budget_wan', 'spent_wan')))
