-- Every platform's post listing, conformed: the post's attributes and the listing's lifetime counters
-- mapped onto the canonical metrics (domain.md "Field mapping"). Replies, retweets and visitor posts are
-- kept here (flagged by is_post = false) because the listing window used by the is_deleted rule includes
-- them; int_posts and int_post_metric_snapshots keep only is_post rows.
with

facebook as (

    select
        platform,
        account_id,
        post_id,
        published_at,
        status_type as content_type,
        text,
        url,
        coalesce(is_hidden, false) as is_hidden,
        true as is_post,
        true as is_listing,
        reactions_total as likes,
        comments_total as comments,
        shares_count as shares,
        cast(null as bigint) as saves,
        cast(null as bigint) as clicks,
        cast(null as bigint) as views,
        cast(null as bigint) as impressions,
        cast(null as bigint) as reach,
        fetched_at,
        source_file,
        source_line
    from {{ ref('stg_facebook__posts') }}

),

instagram as (

    select
        platform,
        account_id,
        media_id as post_id,
        published_at,
        -- reels and stories are formats in their own right; feed posts are told apart by media type
        case
            when upper(media_product_type) in ('REELS', 'STORY') then lower(media_product_type)
            else lower(coalesce(media_type, media_product_type))
        end as content_type,
        text,
        url,
        false as is_hidden,
        true as is_post,
        true as is_listing,
        like_count as likes,
        comments_count as comments,
        cast(null as bigint) as shares,
        cast(null as bigint) as saves,
        cast(null as bigint) as clicks,
        cast(null as bigint) as views,
        cast(null as bigint) as impressions,
        cast(null as bigint) as reach,
        fetched_at,
        source_file,
        source_line
    from {{ ref('stg_instagram__media') }}

),

x as (

    select
        platform,
        account_id,
        tweet_id as post_id,
        published_at,
        case when is_quote then 'quote' else 'tweet' end as content_type,
        text,
        'https://x.com/i/web/status/' || tweet_id as url,
        false as is_hidden,
        -- replies are responses and retweets are someone else's content: neither is a published post
        not(is_reply or is_retweet) as is_post,
        true as is_listing,
        like_count as likes,
        reply_count as comments,
        case
            when retweet_count is not null or quote_count is not null
                then coalesce(retweet_count, 0) + coalesce(quote_count, 0)
        end as shares,
        bookmark_count as saves,
        cast(null as bigint) as clicks,
        cast(null as bigint) as views,
        impression_count as impressions,
        cast(null as bigint) as reach,
        fetched_at,
        source_file,
        source_line
    from {{ ref('stg_x__tweets') }}

),

linkedin as (

    select
        platform,
        account_id,
        post_urn as post_id,
        published_at,
        'post' as content_type,
        text,
        url,
        false as is_hidden,
        true as is_post,
        true as is_listing,
        -- counters come from share_statistics captures (int_post_insight_captures)
        cast(null as bigint) as likes,
        cast(null as bigint) as comments,
        cast(null as bigint) as shares,
        cast(null as bigint) as saves,
        cast(null as bigint) as clicks,
        cast(null as bigint) as views,
        cast(null as bigint) as impressions,
        cast(null as bigint) as reach,
        fetched_at,
        source_file,
        source_line
    from {{ ref('stg_linkedin__posts') }}

),

youtube as (

    select
        platform,
        account_id,
        video_id as post_id,
        published_at,
        'video' as content_type,
        title as text,
        url,
        false as is_hidden,
        true as is_post,
        true as is_listing,
        like_count as likes,
        comment_count as comments,
        -- the Data API has no shares
        cast(null as bigint) as shares,
        cast(null as bigint) as saves,
        cast(null as bigint) as clicks,
        view_count as views,
        cast(null as bigint) as impressions,
        cast(null as bigint) as reach,
        fetched_at,
        source_file,
        source_line
    from {{ ref('stg_youtube__videos') }}

),

tiktok as (

    select
        platform,
        account_id,
        video_id as post_id,
        published_at,
        'video' as content_type,
        coalesce(nullif(description, ''), title) as text,
        url,
        false as is_hidden,
        true as is_post,
        true as is_listing,
        like_count as likes,
        comment_count as comments,
        share_count as shares,
        cast(null as bigint) as saves,
        cast(null as bigint) as clicks,
        view_count as views,
        cast(null as bigint) as impressions,
        cast(null as bigint) as reach,
        fetched_at,
        source_file,
        source_line
    from {{ ref('stg_tiktok__videos') }}

),

vk as (

    select
        platform,
        account_id,
        post_id,
        published_at,
        case when is_repost then 'repost' else 'post' end as content_type,
        text,
        url,
        false as is_hidden,
        -- posts by visitors on the community wall are not the brand's content
        coalesce(from_id = owner_id, true) as is_post,
        true as is_listing,
        likes_count as likes,
        comments_count as comments,
        reposts_count as shares,
        cast(null as bigint) as saves,
        cast(null as bigint) as clicks,
        views_count as views,
        cast(null as bigint) as impressions,
        cast(null as bigint) as reach,
        fetched_at,
        source_file,
        source_line
    from {{ ref('stg_vk__wall_posts') }}

),

telegram_channels as (

    select
        account_id,
        username
    from {{ ref('stg_telegram__channels') }}
    where username is not null
    qualify row_number() over (partition by account_id order by fetched_at desc) = 1

),

telegram as (

    select
        messages.platform,
        messages.account_id,
        messages.post_id,
        messages.published_at,
        'message' as content_type,
        messages.text,
        'https://t.me/' || telegram_channels.username || '/' || messages.message_id as url,
        false as is_hidden,
        true as is_post,
        true as is_listing,
        messages.reactions_total as likes,
        messages.replies as comments,
        messages.forwards as shares,
        cast(null as bigint) as saves,
        cast(null as bigint) as clicks,
        messages.views,
        cast(null as bigint) as impressions,
        cast(null as bigint) as reach,
        messages.fetched_at,
        messages.source_file,
        messages.source_line
    from {{ ref('stg_telegram__messages') }} as messages
    left join telegram_channels
        on messages.account_id = telegram_channels.account_id

),

telegram_export as (

    -- the export fills only messages the API listing never returned
    select
        exported.platform,
        exported.account_id,
        exported.post_id,
        exported.published_at,
        'message' as content_type,
        exported.text,
        'https://t.me/' || telegram_channels.username || '/' || exported.message_id as url,
        false as is_hidden,
        true as is_post,
        -- an export is not a listing run of the API: it does not define the is_deleted window
        false as is_listing,
        exported.reactions_total as likes,
        cast(null as bigint) as comments,
        cast(null as bigint) as shares,
        cast(null as bigint) as saves,
        cast(null as bigint) as clicks,
        cast(null as bigint) as views,
        cast(null as bigint) as impressions,
        cast(null as bigint) as reach,
        exported.fetched_at,
        exported.source_file,
        exported.source_line
    from {{ ref('stg_telegram__export_messages') }} as exported
    left join telegram_channels
        on exported.account_id = telegram_channels.account_id
    where
        coalesce(exported.message_type, 'message') = 'message'
        and exported.post_id not in (
            select messages.post_id
            from {{ ref('stg_telegram__messages') }} as messages
            where messages.post_id is not null
        )

),

unioned as (

    select * from facebook
    union all
    select * from instagram
    union all
    select * from x
    union all
    select * from linkedin
    union all
    select * from youtube
    union all
    select * from tiktok
    union all
    select * from vk
    union all
    select * from telegram
    union all
    select * from telegram_export

),

tracked_accounts as (

    select * from {{ ref('stg_config__tracked_accounts') }}

),

final as (

    select
        unioned.*,
        -- the brand-local publication date (brands.yml timezone; UTC for an account no brand tracks)
        {{ local_date('unioned.published_at', 'tracked_accounts.timezone') }} as published_date

    from unioned
    left join tracked_accounts
        on
            unioned.platform = tracked_accounts.platform
            and unioned.account_id = tracked_accounts.account_id

)

select * from final
