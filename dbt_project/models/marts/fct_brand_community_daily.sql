-- The brand platform's community: followers summed over all of a brand's accounts per local date.
-- An account without a snapshot that day carries its last known count forward (followers are a level),
-- and the day-over-day change only counts accounts known on both days, so an account that starts
-- reporting later does not show up as a jump in growth.

with

end_of_day as (

    select * from {{ ref('int_account_followers_end_of_day') }}
    where followers is not null

),

brand_bounds as (

    select
        brand_id,
        min(local_date) as first_date,
        max(local_date) as last_date
    from end_of_day
    group by brand_id

),

spine as (

    select
        brand_id,
        cast(unnest(generate_series(first_date, last_date, interval 1 day)) as date) as date
    from brand_bounds

),

brand_accounts as (

    select distinct
        brand_id,
        platform,
        account_id
    from end_of_day

),

account_days as (

    select
        spine.brand_id,
        spine.date,
        brand_accounts.platform,
        brand_accounts.account_id
    from spine
    inner join brand_accounts
        on spine.brand_id = brand_accounts.brand_id

),

carried as (

    select
        account_days.brand_id,
        account_days.date,
        account_days.platform,
        account_days.account_id,
        end_of_day.followers
    from account_days
    asof left join end_of_day
        on
            account_days.platform = end_of_day.platform
            and account_days.account_id = end_of_day.account_id
            and account_days.date >= end_of_day.local_date

),

with_previous as (

    select
        *,
        lag(followers) over (
            partition by platform, account_id
            order by date
        ) as previous_followers
    from carried

),

final as (

    select
        date,
        brand_id,
        cast(sum(followers) as bigint) as followers,
        count(followers) as accounts_reporting,
        cast(sum(followers - previous_followers) as bigint) as net_follower_change,
        sum(followers - previous_followers)
        / nullif(sum(previous_followers) filter (where followers is not null), 0) as follower_growth_rate
    from with_previous
    group by date, brand_id

)

select * from final
