-- A table, not a view: it holds pseudonymised identities, computed once in the build with the key only the
-- pipeline holds (a view would have to carry the key, or lack it, at read time).
-- Incremental by fetch date (the lake's partition): a build replaces the rows of the fetch dates whose
-- lake partitions changed (macro in_build_window); anything else rebuilds it in full (build_plan.py).
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='fetch_date',
        on_schema_change='fail'
    )
}}

with

source as (

    select * from {{ source('lake', 'youtube__comment_threads') }}
    where {{ in_build_window() }}

),

accounts as (

    select * from {{ ref('stg_config__tracked_accounts') }}
    where platform = 'youtube'

),

renamed as (

    select
        -- ids
        'youtube' as platform,
        -- the channel that owns the video (commentThreads snippet.channelId)
        coalesce(channel_id, capture_account_id) as account_id,
        comment_id,
        thread_id,
        video_id,
        parent_comment_id,
        author_channel_id,
        -- dimensions
        author_display_name,
        text,
        -- measures
        like_count,
        -- timestamps
        published_at as created_at,
        fetched_at,
        fetch_date,
        -- lineage
        source_file,
        source_line

    from source

),

flagged as (

    select
        renamed.*,
        -- decided on the raw id, before it is pseudonymised: a tracked channel wrote this comment
        renamed.author_channel_id in (select accounts.account_id from accounts) as is_tracked_author

    from renamed

),

final as (

    select
        -- ids
        flagged.platform,
        flagged.account_id,
        flagged.comment_id,
        flagged.thread_id,
        flagged.video_id,
        flagged.parent_comment_id,
        {{ pseudonymised('flagged.author_channel_id', 'flagged.is_tracked_author') }} as author_channel_id,
        -- dimensions
        {{ pseudonymised('flagged.author_display_name', 'flagged.is_tracked_author') }} as author_display_name,
        flagged.is_tracked_author,
        flagged.text,
        -- measures
        flagged.like_count,
        -- timestamps
        flagged.created_at,
        flagged.fetched_at,
        flagged.fetch_date,
        -- lineage
        flagged.source_file,
        flagged.source_line,
        {{ local_date('flagged.created_at', 'accounts.timezone') }} as created_date

    from flagged
    left join accounts
        on flagged.account_id = accounts.account_id

)

select * from final
