with

source as (

    select * from {{ source('lake', 'instagram__media') }}

),

accounts as (

    select * from {{ ref('stg_config__tracked_accounts') }}
    where platform = 'instagram'

),

renamed as (

    select
        -- ids
        'instagram' as platform,
        capture_account_id as account_id,
        media_id,
        -- dimensions
        caption as text,
        permalink as url,
        media_type,
        media_product_type,
        -- measures (lifetime)
        like_count,
        comments_count,
        -- timestamps
        published_at,
        fetched_at,
        -- lineage
        source_file,
        source_line

    from source

),

final as (

    select
        renamed.*,
        {{ local_date('renamed.published_at', 'accounts.timezone') }} as published_date,
        {{ local_date('renamed.fetched_at', 'accounts.timezone') }} as fetched_date

    from renamed
    left join accounts
        on renamed.account_id = accounts.account_id

)

select * from final
