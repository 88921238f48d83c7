with

source as (

    select * from {{ source('lake', 'facebook__comments') }}

),

accounts as (

    select * from {{ ref('stg_config__tracked_accounts') }}
    where platform = 'facebook'

),

renamed as (

    select
        -- ids
        'facebook' as platform,
        coalesce(capture_account_id, split_part(post_id, '_', 1)) as account_id,
        comment_id,
        post_id,
        parent_comment_id,
        author_id,
        -- dimensions
        author_name,
        message as text,
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
