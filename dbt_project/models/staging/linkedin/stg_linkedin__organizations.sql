with

source as (

    select * from {{ source('lake', 'linkedin__organization') }}

),

renamed as (

    select
        -- ids
        'linkedin' as platform,
        coalesce(organization_urn, capture_account_id) as account_id,
        -- measures
        follower_count,
        -- timestamps
        fetched_at,
        -- lineage
        source_file,
        source_line

    from source

)

select * from renamed
