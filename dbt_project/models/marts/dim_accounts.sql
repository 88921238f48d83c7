with

accounts as (

    select * from {{ ref('int_accounts') }}

),

final as (

    select
        cast(platform as varchar) as platform,
        cast(account_id as varchar) as account_id,
        cast(brand_id as varchar) as brand_id,
        cast(handle as varchar) as handle,
        cast(account_name as varchar) as account_name
    from accounts

)

select * from final
