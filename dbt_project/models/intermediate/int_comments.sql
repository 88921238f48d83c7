-- Comments and replies on own accounts' posts (Facebook, Instagram, YouTube, VK), latest capture of each.
-- is_own_author marks the account answering on its own post: the replies responsiveness is measured by.
with

own_accounts as (

    select * from {{ ref('stg_config__tracked_accounts') }}
    where is_own

),

accounts as (

    select * from {{ ref('int_accounts') }}

),

comments as (

    select
        platform,
        comment_id,
        post_id,
        account_id,
        author_id,
        cast(null as varchar) as author_handle,
        parent_comment_id,
        created_at,
        created_date,
        text,
        fetched_at,
        source_file,
        source_line
    from {{ ref('stg_facebook__comments') }}
    union all
    select
        platform,
        comment_id,
        media_id as post_id,
        account_id,
        author_id,
        author_username as author_handle,
        parent_comment_id,
        created_at,
        created_date,
        text,
        fetched_at,
        source_file,
        source_line
    from {{ ref('stg_instagram__comments') }}
    union all
    select
        platform,
        comment_id,
        video_id as post_id,
        account_id,
        author_channel_id as author_id,
        cast(null as varchar) as author_handle,
        parent_comment_id,
        created_at,
        created_date,
        text,
        fetched_at,
        source_file,
        source_line
    from {{ ref('stg_youtube__comment_threads') }}
    union all
    select
        platform,
        comment_id,
        post_id,
        account_id,
        author_id,
        cast(null as varchar) as author_handle,
        parent_comment_id,
        created_at,
        created_date,
        text,
        fetched_at,
        source_file,
        source_line
    from {{ ref('stg_vk__comments') }}

),

latest as (

    select * from comments
    qualify row_number() over (
            partition by platform, comment_id
            order by fetched_at desc, source_file desc, source_line desc
        ) = 1

),

final as (

    select
        -- ids
        latest.platform,
        latest.comment_id,
        latest.post_id,
        latest.account_id,
        own_accounts.brand_id,
        latest.author_id,
        latest.parent_comment_id,
        -- dimensions
        coalesce(
            latest.author_id = latest.account_id,
            -- Instagram withholds `from` on some comments; the username then identifies the account
            lower(latest.author_handle) = lower(accounts.handle),
            false
        ) as is_own_author,
        latest.text,
        -- timestamps
        latest.created_at,
        latest.created_date

    from latest
    inner join own_accounts
        on
            latest.platform = own_accounts.platform
            and latest.account_id = own_accounts.account_id
    left join accounts
        on
            latest.platform = accounts.platform
            and latest.account_id = accounts.account_id

)

select * from final
