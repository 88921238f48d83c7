with

source as (

    select * from {{ source('lake', 'linkedin__share_statistics') }}

),

renamed as (

    select
        -- ids
        'linkedin' as platform,
        coalesce(organization_urn, capture_account_id) as account_id,
        share_urn,
        -- dimensions
        share_urn is null as is_organization_total,
        -- measures (lifetime)
        like_count,
        comment_count,
        share_count,
        click_count,
        impression_count,
        unique_impressions_count,
        engagement as linkedin_engagement_rate,
        -- timestamps
        fetched_at,
        -- lineage
        source_file,
        source_line

    from source

)

select * from renamed
