{{ config(materialized='table') }}

-- Every mention candidate from platform searches (X, VK, YouTube) and listening exports, latest capture
-- of each. Brand matching (which brands a mention names) happens downstream from the aliases; here a
-- mention is only conformed and flagged when a tracked brand's own account wrote it. Staging pseudonymised
-- every author; a tracked brand account is recognised here by its pseudonym and gets its readable id or
-- handle back (people stay pseudonymised).
with

tracked_ids as (

    select * from {{ ref('int_tracked_pseudonyms') }}
    where identity_kind = 'account_id'

),

tracked_handles as (

    select * from {{ ref('int_tracked_pseudonyms') }}
    where identity_kind = 'handle'

),

accounts as (

    select * from {{ ref('int_accounts') }}

),

x_mentions as (

    select
        'x:' || mentions.tweet_id as mention_id,
        mentions.platform,
        'api' as source,
        mentions.published_at,
        coalesce(author_ids.identity, mentions.author_id) as author_id,
        coalesce(author_handles.identity, mentions.author_username) as author_handle,
        mentions.author_followers,
        mentions.text,
        mentions.language,
        mentions.like_count as likes,
        mentions.reply_count as comments,
        case
            when mentions.retweet_count is not null or mentions.quote_count is not null
                then coalesce(mentions.retweet_count, 0) + coalesce(mentions.quote_count, 0)
        end as shares,
        mentions.bookmark_count as saves,
        -- X reports impressions, not views (domain mapping): kept apart, never used as views
        cast(null as bigint) as views,
        mentions.impression_count as impressions,
        cast(null as bigint) as tool_reach,
        cast(null as bigint) as tool_engagements,
        cast(null as varchar) as tool_sentiment,
        'https://x.com/i/web/status/' || mentions.tweet_id as url,
        author_ids.identity is not null as is_brand_author,
        reply_ids.identity as in_reply_to_account_id,
        mentions.replied_to_tweet_id,
        mentions.fetched_at,
        mentions.source_file,
        mentions.source_line
    from {{ ref('stg_x__mentions') }} as mentions
    left join tracked_ids as author_ids
        on
            author_ids.platform = 'x'
            and mentions.author_id = author_ids.pseudonym
    left join tracked_ids as reply_ids
        on
            reply_ids.platform = 'x'
            and mentions.in_reply_to_user_id = reply_ids.pseudonym
    left join tracked_handles as author_handles
        on mentions.author_username = author_handles.pseudonym

),

vk_mentions as (

    select
        'vk:' || posts.post_id as mention_id,
        posts.platform,
        'api' as source,
        posts.published_at,
        coalesce(from_ids.identity, posts.from_id, owner_ids.identity, posts.owner_id) as author_id,
        cast(null as varchar) as author_handle,
        cast(null as bigint) as author_followers,
        posts.text,
        cast(null as varchar) as language,
        posts.likes_count as likes,
        posts.comments_count as comments,
        posts.reposts_count as shares,
        cast(null as bigint) as saves,
        posts.views_count as views,
        cast(null as bigint) as impressions,
        cast(null as bigint) as tool_reach,
        cast(null as bigint) as tool_engagements,
        cast(null as varchar) as tool_sentiment,
        posts.url,
        (from_ids.identity is not null or owner_ids.identity is not null) as is_brand_author,
        cast(null as varchar) as in_reply_to_account_id,
        cast(null as varchar) as replied_to_tweet_id,
        posts.fetched_at,
        posts.source_file,
        posts.source_line
    from {{ ref('stg_vk__search_results') }} as posts
    left join tracked_ids as from_ids
        on
            from_ids.platform = 'vk'
            and posts.from_id = from_ids.pseudonym
    left join tracked_ids as owner_ids
        on
            owner_ids.platform = 'vk'
            and posts.owner_id = owner_ids.pseudonym

),

youtube_mentions as (

    select
        'youtube:' || videos.video_id as mention_id,
        videos.platform,
        'api' as source,
        videos.published_at,
        coalesce(channel_ids.identity, videos.channel_id) as author_id,
        cast(null as varchar) as author_handle,
        cast(null as bigint) as author_followers,
        -- title and description both carry brand names
        concat_ws(chr(10), videos.title, videos.description) as text,
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
        videos.url,
        channel_ids.identity is not null as is_brand_author,
        cast(null as varchar) as in_reply_to_account_id,
        cast(null as varchar) as replied_to_tweet_id,
        videos.fetched_at,
        videos.source_file,
        videos.source_line
    from {{ ref('stg_youtube__search_results') }} as videos
    left join tracked_ids as channel_ids
        on
            channel_ids.platform = 'youtube'
            and videos.channel_id = channel_ids.pseudonym

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
        'listening:' || mentions.mention_id as mention_id,
        mentions.platform,
        'listening' as source,
        mentions.published_at,
        cast(null as varchar) as author_id,
        coalesce(author_handles.identity, mentions.author_handle) as author_handle,
        mentions.author_followers,
        mentions.text,
        mentions.language,
        cast(null as bigint) as likes,
        cast(null as bigint) as comments,
        cast(null as bigint) as shares,
        cast(null as bigint) as saves,
        cast(null as bigint) as views,
        cast(null as bigint) as impressions,
        mentions.reach as tool_reach,
        mentions.engagements as tool_engagements,
        mentions.sentiment as tool_sentiment,
        mentions.url,
        coalesce(
            author_handles.identity in (select brand_handles.handle from brand_handles),
            false
        ) as is_brand_author,
        cast(null as varchar) as in_reply_to_account_id,
        cast(null as varchar) as replied_to_tweet_id,
        mentions.fetched_at,
        mentions.source_file,
        mentions.source_line
    from {{ ref('stg_listening__mentions') }} as mentions
    left join tracked_handles as author_handles
        on mentions.author_handle = author_handles.pseudonym

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
