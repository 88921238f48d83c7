-- Comments and replies on own accounts' posts (Facebook, Instagram, YouTube, VK), latest capture of each.
-- is_own_author marks the account answering on its own post: the replies responsiveness is measured by.
-- Staging pseudonymised every author; a tracked brand account is recognised here by its pseudonym and gets
-- its readable id back (people stay pseudonymised). Local dates are taken here, in the brand's timezone.
with

own_accounts as (

    select * from {{ ref('stg_config__tracked_accounts') }}
    where is_own

),

accounts as (

    select * from {{ ref('int_accounts') }}

),

tracked_ids as (

    select * from {{ ref('int_tracked_pseudonyms') }}
    where identity_kind = 'account_id'

),

tracked_handles as (

    select * from {{ ref('int_tracked_pseudonyms') }}
    where identity_kind = 'handle'

),

-- Not materialized: latest_capture reads it twice, a few columns the first time.
comments as not materialized (

    select
        platform,
        comment_id,
        post_id,
        account_id,
        author_id,
        cast(null as varchar) as author_handle,
        parent_comment_id,
        created_at,
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
        text,
        fetched_at,
        source_file,
        source_line
    from {{ ref('stg_vk__comments') }}

),

latest_captures as (

    {{ latest_capture(
        'comments',
        ['platform', 'comment_id'],
        ['post_id', 'account_id', 'author_id', 'author_handle', 'parent_comment_id', 'text', 'created_at']
    ) }}

),

latest as (

    select
        latest_captures.platform,
        latest_captures.comment_id,
        latest_captures.capture.post_id,
        latest_captures.capture.account_id,
        latest_captures.capture.author_id,
        latest_captures.capture.author_handle,
        latest_captures.capture.parent_comment_id,
        latest_captures.capture.text,
        latest_captures.capture.created_at
    from latest_captures

),

restored as (

    select
        latest.platform,
        latest.comment_id,
        latest.post_id,
        latest.account_id,
        coalesce(author_ids.identity, latest.author_id) as author_id,
        coalesce(author_handles.identity, latest.author_handle) as author_handle,
        latest.parent_comment_id,
        latest.text,
        latest.created_at

    from latest
    left join tracked_ids as author_ids
        on
            latest.platform = author_ids.platform
            and latest.author_id = author_ids.pseudonym
    left join tracked_handles as author_handles
        on latest.author_handle = author_handles.pseudonym

),

final as (

    select
        -- ids
        restored.platform,
        restored.comment_id,
        restored.post_id,
        restored.account_id,
        own_accounts.brand_id,
        restored.author_id,
        restored.parent_comment_id,
        -- dimensions
        coalesce(
            restored.author_id = restored.account_id,
            -- Instagram withholds `from` on some comments; the username then identifies the account
            lower(restored.author_handle) = lower(accounts.handle),
            false
        ) as is_own_author,
        restored.text,
        -- timestamps
        restored.created_at,
        {{ local_date('restored.created_at', 'own_accounts.timezone') }} as created_date

    from restored
    inner join own_accounts
        on
            restored.platform = own_accounts.platform
            and restored.account_id = own_accounts.account_id
    left join accounts
        on
            restored.platform = accounts.platform
            and restored.account_id = accounts.account_id

)

select * from final
