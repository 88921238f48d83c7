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

)

select * from renamed
