{{ config(materialized='table') }}

-- Every mention candidate from platform searches (X, VK, YouTube) and listening exports, latest capture
-- of each. Brand matching (which brands a mention names) happens downstream from the aliases; here a
-- mention is only conformed and flagged when a tracked brand's own account wrote it.
with

tracked_accounts as (

    select * from {{ ref('stg_config__tracked_accounts') }}

),

accounts as (

    select * from {{ ref('int_accounts') }}

),

x_mentions as (

    select
        'x:' || tweet_id as mention_id,
        platform,
        'api' as source,
        published_at,
        author_id,
        author_username as author_handle,
        author_followers,
        text,
        language,
        like_count as likes,
        reply_count as comments,
        case
            when retweet_count is not null or quote_count is not null
                then coalesce(retweet_count, 0) + coalesce(quote_count, 0)
        end as shares,
        bookmark_count as saves,
        -- X reports impressions, not views (domain mapping): kept apart, never used as views
        cast(null as bigint) as views,
        impression_count as impressions,
        cast(null as bigint) as tool_reach,
        cast(null as bigint) as tool_engagements,
        cast(null as varchar) as tool_sentiment,
        'https://x.com/i/web/status/' || tweet_id as url,
        author_id in (
            select tracked_accounts.account_id from tracked_accounts
            where tracked_accounts.platform = 'x'
        ) as is_brand_author,
        case
            when in_reply_to_user_id in (
                    select tracked_accounts.account_id from tracked_accounts
                    where tracked_accounts.platform = 'x'
                ) then in_reply_to_user_id
        end as in_reply_to_account_id,
        replied_to_tweet_id,
        fetched_at,
        source_file,
        source_line
    from {{ ref('stg_x__mentions') }}

),

vk_mentions as (

    select
        'vk:' || post_id as mention_id,
        platform,
        'api' as source,
        published_at,
        coalesce(from_id, owner_id) as author_id,
        cast(null as varchar) as author_handle,
        cast(null as bigint) as author_followers,
        text,
        cast(null as varchar) as language,
        likes_count as likes,
        comments_count as comments,
        reposts_count as shares,
        cast(null as bigint) as saves,
        views_count as views,
        cast(null as bigint) as impressions,
        cast(null as bigint) as tool_reach,
        cast(null as bigint) as tool_engagements,
        cast(null as varchar) as tool_sentiment,
        url,
        (
            from_id in (
                select tracked_accounts.account_id from tracked_accounts
                where tracked_accounts.platform = 'vk'
            )
            or owner_id in (
                select tracked_accounts.account_id from tracked_accounts
                where tracked_accounts.platform = 'vk'
            )
        ) as is_brand_author,
        cast(null as varchar) as in_reply_to_account_id,
        cast(null as varchar) as replied_to_tweet_id,
        fetched_at,
        source_file,
        source_line
    from {{ ref('stg_vk__search_results') }}

),

youtube_mentions as (

    select
        'youtube:' || video_id as mention_id,
        platform,
        'api' as source,
        published_at,
        channel_id as author_id,
        cast(null as varchar) as author_handle,
        cast(null as bigint) as author_followers,
        -- title and description both carry brand names
        concat_ws(chr(10), title, description) as text,
        cast(null as varchar) as language,
        cast(null as bigint) as likes,
        cast(null as bigint) as comments,
        cast(null as bigint) as shares,
        cast(null as bigint) as saves,
        cast(null as bigint) as views,
        cast(null as bigint) as impressions,
        cast(null as bigint) as tool_reach,
        cast(null as bigint) as tool_engagements,
        cast(null as varchar) as tool_sentiment,
        url,
        channel_id in (
            select tracked_accounts.account_id from tracked_accounts
            where tracked_accounts.platform = 'youtube'
        ) as is_brand_author,
        cast(null as varchar) as in_reply_to_account_id,
        cast(null as varchar) as replied_to_tweet_id,
        fetched_at,
        source_file,
        source_line
    from {{ ref('stg_youtube__search_results') }}

),

brand_handles as (

    -- '@handle' aliases of any tracked brand, and the handles its accounts actually use
    select lower(ltrim(alias, '@')) as handle
    from {{ ref('stg_config__brand_aliases') }}
    where starts_with(alias, '@')
    union
    select lower(handle) as handle
    from accounts
    where handle is not null

),

listening_mentions as (

    select
        'listening:' || mention_id as mention_id,
        platform,
        'listening' as source,
        published_at,
        cast(null as varchar) as author_id,
        author_handle,
        author_followers,
        text,
        language,
        cast(null as bigint) as likes,
        cast(null as bigint) as comments,
        cast(null as bigint) as shares,
        cast(null as bigint) as saves,
        cast(null as bigint) as views,
        cast(null as bigint) as impressions,
        reach as tool_reach,
        engagements as tool_engagements,
        sentiment as tool_sentiment,
        url,
        coalesce(
            lower(ltrim(author_handle, '@')) in (select brand_handles.handle from brand_handles),
            false
        ) as is_brand_author,
        cast(null as varchar) as in_reply_to_account_id,
        cast(null as varchar) as replied_to_tweet_id,
        fetched_at,
        source_file,
        source_line
    from {{ ref('stg_listening__mentions') }}

),

unioned as (

    select * from x_mentions
    union all
    select * from vk_mentions
    union all
    select * from youtube_mentions
    union all
    select * from listening_mentions

),

latest as (

    select * from unioned
    qualify row_number() over (
            partition by mention_id
            order by fetched_at desc, source_file desc, source_line desc
        ) = 1

),

final as (

    select
        -- ids
        mention_id,
        platform,
        source,
        author_id,
        -- dimensions
        author_handle,
        text,
        language,
        url,
        tool_sentiment,
        coalesce(is_brand_author, false) as is_brand_author,
        in_reply_to_account_id,
        replied_to_tweet_id,
        -- measures
        author_followers,
        likes,
        comments,
        shares,
        saves,
        views,
        impressions,
        tool_reach,
        tool_engagements,
        -- timestamps
        published_at,
        fetched_at

    from latest

)

select * from final
