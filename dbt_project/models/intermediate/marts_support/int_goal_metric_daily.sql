-- The daily series a goal can be measured on, per brand, platform (plus 'all') and brand-local date.
-- Level metric: followers = the sum over the brand's accounts of each account's latest known
-- end-of-day followers on or before the date (dates on which any of those accounts was snapshotted).
-- Flow metrics (value per day, 0 on covered days without activity): engagements (snapshot-delta
-- activity, as in fct_engagement_daily), posts (posts published), mentions (mentions naming the brand),
-- sessions and conversions (social sessions on the brand's GA4 property and their key events; covered
-- days are the dates the property reports any traffic).
-- A row exists for every date with data for that brand and platform, which is what `as_of` reads.

with

followers_end_of_day as (

    select * from {{ ref('int_account_followers_end_of_day') }}
    where followers is not null

),

deltas as (

    select * from {{ ref('int_post_metric_deltas') }}

),

posts as (

    select * from {{ ref('int_posts') }}

),

mentions as (

    select * from {{ ref('int_mentions_scored') }}

),

matches as (

    select * from {{ ref('int_mention_brand_matches') }}

),

brands as (

    select * from {{ ref('stg_config__brands') }}

),

site_traffic as (

    select * from {{ ref('int_site_traffic') }}

),

social_sources as (

    select * from {{ ref('social_traffic_sources') }}

),

-- followers (level) --------------------------------------------------------------------------
scoped_followers as (

    select
        brand_id,
        platform as scope_platform,
        platform,
        account_id,
        local_date,
        followers
    from followers_end_of_day
    union all
    select
        brand_id,
        'all' as scope_platform,
        platform,
        account_id,
        local_date,
        followers
    from followers_end_of_day

),

follower_dates as (

    select distinct
        brand_id,
        scope_platform,
        local_date as date
    from scoped_followers

),

scoped_accounts as (

    select distinct
        brand_id,
        scope_platform,
        platform,
        account_id
    from scoped_followers

),

-- Each account's latest snapshot on or before each date, by an as-of join (one row per account and
-- date, unique as int_account_followers_end_of_day is by account and date). Joining every earlier
-- snapshot and keeping the latest made ~19 million pairs at scale 70 (1.3 s; now 0.6 s).
followers_as_of as (

    select
        follower_dates.brand_id,
        follower_dates.scope_platform,
        follower_dates.date,
        scoped_followers.followers
    from follower_dates
    inner join scoped_accounts
        on
            follower_dates.brand_id = scoped_accounts.brand_id
            and follower_dates.scope_platform = scoped_accounts.scope_platform
    asof inner join scoped_followers
        on
            scoped_accounts.brand_id = scoped_followers.brand_id
            and scoped_accounts.scope_platform = scoped_followers.scope_platform
            and scoped_accounts.platform = scoped_followers.platform
            and scoped_accounts.account_id = scoped_followers.account_id
            and follower_dates.date >= scoped_followers.local_date

),

followers_series as (

    select
        brand_id,
        scope_platform as platform,
        'followers' as metric,
        'level' as metric_kind,
        date,
        sum(followers) as value
    from followers_as_of
    group by brand_id, scope_platform, date

),

-- engagements and posts (flow) ---------------------------------------------------------------
-- Coverage: local dates with a post or follower snapshot of one of the brand's accounts.
account_activity as (

    select
        brand_id,
        platform,
        activity_date as date,
        {{ engagements_sum(
            'sum(likes_delta)', 'sum(comments_delta)', 'sum(shares_delta)', 'sum(saves_delta)'
        ) }} as engagements
    from deltas
    group by brand_id, platform, activity_date
    union all
    select
        brand_id,
        platform,
        local_date as date,
        0 as engagements
    from followers_end_of_day

),

scoped_engagement as (

    select
        brand_id,
        platform,
        date,
        engagements
    from account_activity
    union all
    select
        brand_id,
        'all' as platform,
        date,
        engagements
    from account_activity

),

engagements_series as (

    select
        brand_id,
        platform,
        'engagements' as metric,
        'flow' as metric_kind,
        date,
        sum(engagements) as value
    from scoped_engagement
    group by brand_id, platform, date

),

scoped_posts as (

    select
        brand_id,
        platform,
        published_date as date,
        post_id
    from posts
    union all
    select
        brand_id,
        'all' as platform,
        published_date as date,
        post_id
    from posts

),

post_dates as (

    select
        brand_id,
        platform,
        date
    from scoped_engagement
    union
    select
        brand_id,
        platform,
        date
    from scoped_posts

),

posts_series as (

    select
        post_dates.brand_id,
        post_dates.platform,
        'posts' as metric,
        'flow' as metric_kind,
        post_dates.date,
        count(scoped_posts.post_id) as value
    from post_dates
    left join scoped_posts
        on
            post_dates.brand_id = scoped_posts.brand_id
            and post_dates.platform = scoped_posts.platform
            and post_dates.date = scoped_posts.date
    group by post_dates.brand_id, post_dates.platform, post_dates.date

),

-- mentions (flow) ----------------------------------------------------------------------------
-- Coverage: any captured mention on the platform, dated in each brand's own timezone.
-- A local date depends only on the timezone: dates are computed once per distinct timezone (a handful)
-- and then given to every brand in it. Dating every mention once per brand grew with mentions × brands
-- (~60 s at scale 70; docs/benchmarks.md, 2026-11-22).
brand_timezones as (

    select
        brand_id,
        coalesce(timezone, 'UTC') as timezone
    from brands

),

timezones as (

    select distinct timezone from brand_timezones

),

mention_dates_by_timezone as (

    select distinct
        timezones.timezone,
        mentions.platform,
        {{ local_date('mentions.published_at', 'timezones.timezone') }} as date
    from mentions
    cross join timezones

),

mention_dates as (

    select
        brand_timezones.brand_id,
        dates.platform,
        dates.date
    from mention_dates_by_timezone as dates
    inner join brand_timezones
        on dates.timezone = brand_timezones.timezone
    union
    select
        brand_timezones.brand_id,
        'all' as platform,
        dates.date
    from mention_dates_by_timezone as dates
    inner join brand_timezones
        on dates.timezone = brand_timezones.timezone

),

scoped_matches as (

    select
        matches.brand_id,
        matches.platform,
        {{ local_date('matches.published_at', 'brands.timezone') }} as date,
        matches.mention_id
    from matches
    inner join brands
        on matches.brand_id = brands.brand_id
    union all
    select
        matches.brand_id,
        'all' as platform,
        {{ local_date('matches.published_at', 'brands.timezone') }} as date,
        matches.mention_id
    from matches
    inner join brands
        on matches.brand_id = brands.brand_id

),

mentions_series as (

    select
        mention_dates.brand_id,
        mention_dates.platform,
        'mentions' as metric,
        'flow' as metric_kind,
        mention_dates.date,
        count(scoped_matches.mention_id) as value
    from mention_dates
    left join scoped_matches
        on
            mention_dates.brand_id = scoped_matches.brand_id
            and mention_dates.platform = scoped_matches.platform
            and mention_dates.date = scoped_matches.date
    group by mention_dates.brand_id, mention_dates.platform, mention_dates.date

),

-- sessions and conversions (flow) ---------------------------------------------------------------
site_dates as (

    select distinct
        brand_id,
        date
    from site_traffic

),

site_scopes as (

    select distinct platform from social_sources
    union all
    select 'all' as platform

),

site_social as (

    select
        brand_id,
        platform,
        date,
        sessions,
        conversions
    from site_traffic
    where is_social
    union all
    select
        brand_id,
        'all' as platform,
        date,
        sessions,
        conversions
    from site_traffic
    where is_social

),

site_series as (

    select
        site_dates.brand_id,
        site_scopes.platform,
        site_dates.date,
        coalesce(sum(site_social.sessions), 0) as sessions,
        coalesce(sum(site_social.conversions), 0) as conversions
    from site_dates
    cross join site_scopes
    left join site_social
        on
            site_dates.brand_id = site_social.brand_id
            and site_scopes.platform = site_social.platform
            and site_dates.date = site_social.date
    group by site_dates.brand_id, site_scopes.platform, site_dates.date

),

sessions_series as (

    select
        brand_id,
        platform,
        'sessions' as metric,
        'flow' as metric_kind,
        date,
        sessions as value
    from site_series

),

conversions_series as (

    select
        brand_id,
        platform,
        'conversions' as metric,
        'flow' as metric_kind,
        date,
        conversions as value
    from site_series

),

final as (

    select * from followers_series
    union all
    select * from engagements_series
    union all
    select * from posts_series
    union all
    select * from mentions_series
    union all
    select * from sessions_series
    union all
    select * from conversions_series

)

select
    cast(brand_id as varchar) as brand_id,
    cast(platform as varchar) as platform,
    cast(metric as varchar) as metric,
    cast(metric_kind as varchar) as metric_kind,
    cast(date as date) as date,
    cast(value as bigint) as value
from final
