-- Each brand's GA4 property (brands.yml accounts.ga4): the site whose social traffic the brand is
-- credited with.
with

source as (

    select * from {{ source('lake', 'config__brand_accounts') }}

),

renamed as (

    select
        brand_id,
        account_id as property_id

    from source
    where lower(platform) = 'ga4'

)

select * from renamed
