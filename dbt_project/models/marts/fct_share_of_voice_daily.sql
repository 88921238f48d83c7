-- Share of voice per competitor set, brand, platform (plus 'all') and local date in the timezone of
-- the set's own brand. Every brand of the set gets a row for each date and platform on which the set
-- has at least one mention (0 mentions, SoV 0). A mention naming two brands of the set counts for
-- both, so the set total is the sum over its brands and each set-day-platform sums to 1.

with

matches as (

    select * from {{ ref('int_mention_brand_matches') }}

),

set_members as (

    select * from {{ ref('int_competitor_set_members') }}

),

set_matches as (

    select
        set_members.competitor_set_id,
        matches.brand_id,
        matches.platform,
        {{ local_date('matches.published_at', 'set_members.set_timezone') }} as date,
        matches.mention_id,
        matches.sentiment,
        matches.mention_engagements,
        matches.mention_reach
    from matches
    inner join set_members
        on matches.brand_id = set_members.brand_id

),

with_all_platforms as (

    select * from set_matches
    union all
    select * replace ('all' as platform)
    from set_matches

),

brand_days as (

    select
        competitor_set_id,
        brand_id,
        platform,
        date,
        count(*) as mentions,
        sum(mention_engagements) as mention_engagements,
        sum(mention_reach) as mention_reach,
        count(*) filter (where sentiment = 'positive') as positive_mentions,
        count(*) filter (where sentiment = 'neutral') as neutral_mentions,
        count(*) filter (where sentiment = 'negative') as negative_mentions
    from with_all_platforms
    group by competitor_set_id, brand_id, platform, date

),

set_days as (

    select distinct
        competitor_set_id,
        platform,
        date
    from with_all_platforms

),

grid as (

    select
        set_days.date,
        set_days.competitor_set_id,
        set_members.brand_id,
        set_days.platform
    from set_days
    inner join set_members
        on set_days.competitor_set_id = set_members.competitor_set_id

),

filled as (

    select
        grid.date,
        grid.competitor_set_id,
        grid.brand_id,
        grid.platform,
        coalesce(brand_days.mentions, 0) as mentions,
        -- No mentions: 0. Mentions whose engagements/reach are all unknown: NULL.
        case when brand_days.mentions is null then 0 else brand_days.mention_engagements end
            as mention_engagements,
        case when brand_days.mentions is null then 0 else brand_days.mention_reach end as mention_reach,
        coalesce(brand_days.positive_mentions, 0) as positive_mentions,
        coalesce(brand_days.neutral_mentions, 0) as neutral_mentions,
        coalesce(brand_days.negative_mentions, 0) as negative_mentions
    from grid
    left join brand_days
        on
            grid.competitor_set_id = brand_days.competitor_set_id
            and grid.brand_id = brand_days.brand_id
            and grid.platform = brand_days.platform
            and grid.date = brand_days.date

),

final as (

    select
        cast(date as date) as date,
        cast(competitor_set_id as varchar) as competitor_set_id,
        cast(brand_id as varchar) as brand_id,
        cast(platform as varchar) as platform,
        cast(mentions as bigint) as mentions,
        cast(mention_engagements as bigint) as mention_engagements,
        cast(mention_reach as bigint) as mention_reach,
        cast(positive_mentions as bigint) as positive_mentions,
        cast(neutral_mentions as bigint) as neutral_mentions,
        cast(negative_mentions as bigint) as negative_mentions,
        {{ safe_ratio('mentions', 'sum(mentions) over set_day') }} as sov_mentions,
        {{ safe_ratio('mention_engagements', 'sum(mention_engagements) over set_day') }} as sov_engagement,
        {{ safe_ratio('mention_reach', 'sum(mention_reach) over set_day') }} as sov_reach,
        {{ safe_ratio('positive_mentions - negative_mentions', 'positive_mentions + negative_mentions') }}
            as net_sentiment,
        {{ safe_ratio('positive_mentions - negative_mentions', 'mentions') }} as net_sentiment_all
    from filled
    window set_day as (partition by competitor_set_id, platform, date)

)

select * from final
