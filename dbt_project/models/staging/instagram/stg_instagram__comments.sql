with

source as (

    select * from {{ source('lake', 'instagram__comments') }}

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
        comment_id,
        media_id,
        parent_comment_id,
        author_id,
        -- dimensions
        author_username,
        text,
        -- timestamps
        created_time as created_at,
        fetched_at,
        -- lineage
        source_file,
        source_line

    from source

),

final as (

    select
        renamed.*,
        {{ local_date('renamed.created_at', 'accounts.timezone') }} as created_date

    from renamed
    left join accounts
        on renamed.account_id = accounts.account_id

)

select * from final
