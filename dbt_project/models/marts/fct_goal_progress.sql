-- Actual vs target and the run-rate projection per goal (domain.md, Goals).
-- as_of = the latest local date with data for the goal's brand, platform and metric, capped at the
-- end date; elapsed_days = as_of - start + 1; total_days = end - start + 1.
-- Level (followers): actual = the value at as_of; projected = start_value
--   + (actual - start_value) * total_days / elapsed_days, start_value = the value on the start date,
--   else the earliest known value after it.
-- Flow (engagements, mentions, posts): actual = sum from start to as_of;
--   projected = actual * total_days / elapsed_days.
-- No data in the window (or an unknown metric): actual, pct_of_target and projected_at_end are NULL.
-- Relative goals (`change`, e.g. +0.15): baseline = the metric over the total_days just before the start
-- (flow: their sum, only when every one of those dates has data; level: the latest value among them);
-- target = baseline × (1 + change), NULL while the baseline is unknown.

with

goals as (

    select * from {{ ref('stg_config__goals') }}

),

series as (

    select * from {{ ref('int_goal_metric_daily') }}

),

goal_coverage as (

    -- as_of: the latest date with data on or after the start, capped at the end date.
    select
        goals.goal_id,
        any_value(series.metric_kind) as metric_kind,
        least(max(series.date), any_value(goals.end_date)) as as_of
    from goals
    inner join series
        on
            goals.brand_id = series.brand_id
            and goals.platform = series.platform
            and goals.metric = series.metric
            and goals.start_date <= series.date
    group by goals.goal_id

),

goal_baselines as (

    select
        goals.goal_id,
        any_value(series.metric_kind) as metric_kind,
        count(distinct series.date) as dates_covered,
        sum(series.value) as flow_value,
        arg_max(series.value, series.date) as level_value
    from goals
    inner join series
        on
            goals.brand_id = series.brand_id
            and goals.platform = series.platform
            and goals.metric = series.metric
            and series.date
            between goals.start_date - cast(goals.end_date - goals.start_date + 1 as integer)
            and goals.start_date - 1
    where goals.change is not null
    group by goals.goal_id

),

goal_targets as (

    select
        goals.goal_id,
        goals.change,
        case
            when goal_baselines.metric_kind = 'level' then goal_baselines.level_value
            when goal_baselines.dates_covered = goals.end_date - goals.start_date + 1
                then goal_baselines.flow_value
        end as baseline
    from goals
    left join goal_baselines
        on goals.goal_id = goal_baselines.goal_id

),

goal_actuals as (

    select
        goal_coverage.goal_id,
        any_value(goal_coverage.metric_kind) as metric_kind,
        any_value(goal_coverage.as_of) as as_of,
        arg_min(series.value, series.date) as start_value,
        arg_max(series.value, series.date) as last_value,
        sum(series.value) as total_value
    from goal_coverage
    inner join goals
        on goal_coverage.goal_id = goals.goal_id
    inner join series
        on
            goals.brand_id = series.brand_id
            and goals.platform = series.platform
            and goals.metric = series.metric
            and series.date between goals.start_date and goal_coverage.as_of
    group by goal_coverage.goal_id

),

computed as (

    select
        goals.brand_id,
        goals.platform,
        goals.metric,
        coalesce(goals.target, goal_targets.baseline * (1 + goal_targets.change)) as target,
        goal_targets.baseline,
        goal_targets.change,
        goals.start_date,
        goals.end_date,
        goal_actuals.metric_kind,
        goal_actuals.start_value,
        goal_actuals.as_of,
        case goal_actuals.metric_kind
            when 'level' then goal_actuals.last_value
            when 'flow' then goal_actuals.total_value
        end as actual,
        cast(goal_actuals.as_of - goals.start_date + 1 as double) as elapsed_days,
        cast(goals.end_date - goals.start_date + 1 as double) as total_days
    from goals
    left join goal_targets
        on goals.goal_id = goal_targets.goal_id
    left join goal_actuals
        on goals.goal_id = goal_actuals.goal_id

),

final as (

    select
        cast(brand_id as varchar) as brand_id,
        cast(platform as varchar) as platform,
        cast(metric as varchar) as metric,
        cast(target as double) as target,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        cast(actual as bigint) as actual,
        {{ safe_ratio('actual', 'target') }} as pct_of_target,
        cast(
            case metric_kind
                when 'level' then start_value + (actual - start_value) * total_days / nullif(elapsed_days, 0)
                when 'flow' then actual * total_days / nullif(elapsed_days, 0)
            end as double
        ) as projected_at_end,
        cast(baseline as double) as baseline,
        cast(change as double) as change
    from computed

)

select * from final
