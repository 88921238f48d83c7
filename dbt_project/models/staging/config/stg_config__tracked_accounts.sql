-- The account registry every platform staging model joins to find the brand timezone of an account.
with

brand_accounts as (

    select * from {{ ref('stg_config__brand_accounts') }}

),

brands as (

    select * from {{ ref('stg_config__brands') }}

),

final as (

    select
        brand_accounts.platform,
        brand_accounts.account_id,
        brand_accounts.brand_id,
        brands.is_own,
        brands.timezone

    from brand_accounts
    inner join brands
        on brand_accounts.brand_id = brands.brand_id

)

select * from final
