-- Community size per account and local day. A row exists when the day has a follower snapshot or a
-- platform gained/lost value. net_follower_change compares with the previous available day's end
-- (NULL on the account's first day); gained/lost are reported beside it, never reconciled.

with

followers_end_of_day as (

    select * from {{ ref('int_account_followers_end_of_day') }}

),

flows as (

    select * from {{ ref('int_account_follower_flows') }}

),

account_days as (

    select
        platform,
        account_id,
        brand_id,
        local_date as date
    from followers_end_of_day
    union
    select
        platform,
        account_id,
        brand_id,
        date
    from flows
    where followers_gained is not null or followers_lost is not null

),

joined as (

    select
        account_days.date,
        account_days.platform,
        account_days.account_id,
        account_days.brand_id,
        followers_end_of_day.followers,
        flows.followers_gained,
        flows.followers_lost
    from account_days
    left join followers_end_of_day
        on
            account_days.platform = followers_end_of_day.platform
            and account_days.account_id = followers_end_of_day.account_id
            and account_days.date = followers_end_of_day.local_date
    left join flows
        on
            account_days.platform = flows.platform
            and account_days.account_id = flows.account_id
            and account_days.date = flows.date

),

with_start as (

    select
        *,
        lag(followers ignore nulls) over (
            partition by platform, account_id
            order by date
        ) as followers_start
    from joined

),

final as (

    select
        cast(date as date) as date,
        cast(platform as varchar) as platform,
        cast(account_id as varchar) as account_id,
        cast(brand_id as varchar) as brand_id,
        cast(followers as bigint) as followers,
        cast(followers_gained as bigint) as followers_gained,
        cast(followers_lost as bigint) as followers_lost,
        cast(followers - followers_start as bigint) as net_follower_change,
        {{ safe_ratio('followers - followers_start', 'followers_start') }} as follower_growth_rate
    from with_start

)

select * from final
