with

source as (

    select * from {{ source('lake', 'config__brand_accounts') }}

),

renamed as (

    select
        brand_id,
        lower(platform) as platform,
        account_id

    from source
    -- a brand's GA4 property (accounts.ga4) is its site, not a social account: stg_config__ga4_properties
    where lower(platform) != 'ga4'

)

select * from renamed
