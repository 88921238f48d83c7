with

source as (

    select * from {{ source('lake', 'vk__comments') }}

),

accounts as (

    select * from {{ ref('stg_config__tracked_accounts') }}
    where platform = 'vk'

),

renamed as (

    select
        -- ids
        'vk' as platform,
        coalesce(owner_id, capture_account_id) as account_id,
        comment_id,
        post_id,
        -- comment ids are '{owner_id}_{id}'; the API's reply_to_comment is the bare id
        case
            when reply_to_comment_id is null or contains(reply_to_comment_id, '_') then reply_to_comment_id
            else coalesce(owner_id, capture_account_id) || '_' || reply_to_comment_id
        end as parent_comment_id,
        from_id as author_id,
        reply_to_user_id,
        -- dimensions
        text,
        -- timestamps
        created_at,
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
