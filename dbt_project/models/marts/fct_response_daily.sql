-- Responsiveness per own account and local date of the inbound items (only dates with inbound).
-- Times are calendar minutes from the inbound item to the first own reply; medians of an even count
-- are the mean of the middle two (DuckDB median = quantile_cont 0.5).

with

inbound as (

    select * from {{ ref('int_response_inbound_items') }}

),

daily as (

    select
        local_date as date,
        platform,
        account_id,
        brand_id,
        count(*) as inbound,
        count(*) filter (where is_responded) as responded,
        -- Averaged over whole seconds (exact integer sums; the minutes are whole seconds / 60 by
        -- construction), then in minutes: a double average depends on the order parallel threads add
        -- in, and a rerun must give bit-identical marts.
        avg(cast(round(first_response_minutes * 60) as bigint)) / 60.0 as first_response_minutes_mean,
        median(first_response_minutes) as first_response_minutes_median,
        -- NULL (not 0) when the brand has no business hours configured.
        sum(case when is_business_hours then 1 when not is_business_hours then 0 end)
            as inbound_business_hours,
        sum(
            case
                when is_business_hours and is_responded then 1
                when is_business_hours is not null then 0
            end
        ) as responded_business_hours,
        median(first_response_minutes) filter (where is_business_hours)
            as first_response_minutes_median_business_hours
    from inbound
    group by local_date, platform, account_id, brand_id

),

final as (

    select
        cast(date as date) as date,
        cast(platform as varchar) as platform,
        cast(account_id as varchar) as account_id,
        cast(brand_id as varchar) as brand_id,
        cast(inbound as bigint) as inbound,
        cast(responded as bigint) as responded,
        {{ safe_ratio('responded', 'inbound') }} as response_rate,
        cast(first_response_minutes_mean as double) as first_response_minutes_mean,
        cast(first_response_minutes_median as double) as first_response_minutes_median,
        cast(inbound_business_hours as bigint) as inbound_business_hours,
        cast(responded_business_hours as bigint) as responded_business_hours,
        cast(first_response_minutes_median_business_hours as double)
            as first_response_minutes_median_business_hours
    from daily

)

select * from final
