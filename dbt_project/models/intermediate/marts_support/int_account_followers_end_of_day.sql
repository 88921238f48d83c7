-- Followers at the end of a local day = the latest snapshot taken that local day.

with

snapshots as (

    select * from {{ ref('int_account_follower_snapshots') }}

),

final as (

    select
        platform,
        account_id,
        brand_id,
        local_date,
        followers,
        fetched_at as followers_fetched_at
    from snapshots
    qualify row_number() over (
            partition by platform, account_id, local_date
            order by fetched_at desc
        ) = 1

)

select * from final
