-- Every mention of a tracked brand, one row per mention and brand it names: the rows behind share of
-- voice and the alerts. Brand matching, sentiment, engagements and reach come from the same
-- intermediates as fct_share_of_voice_daily; authors stay the pseudonyms staging gave them (tracked
-- brands' own posts are not mentions and were dropped by the matching). The date is in the timezone
-- of the competitor set's own brand (int_competitor_set_members, as in share of voice); a brand in
-- several sets takes the set it owns, else the first by id; a brand in no set takes its own timezone.

with

matches as (

    select * from {{ ref('int_mention_brand_matches') }}

),

mentions as (

    select * from {{ ref('int_mentions') }}

),

set_members as (

    select * from {{ ref('int_competitor_set_members') }}

),

brands as (

    select * from {{ ref('stg_config__brands') }}

),

brand_sets as (

    select
        brand_id,
        competitor_set_id,
        set_timezone
    from set_members
    qualify row_number() over (
            partition by brand_id
            order by is_set_owner desc, competitor_set_id asc
        ) = 1

),

final as (

    select
        cast(matches.mention_id as varchar) as mention_id,
        cast(matches.platform as varchar) as platform,
        cast(matches.published_at as timestamptz) as published_at,
        {{ local_date('matches.published_at', 'coalesce(brand_sets.set_timezone, brands.timezone)') }} as date,
        cast(matches.brand_id as varchar) as brand_id,
        cast(brand_sets.competitor_set_id as varchar) as competitor_set_id,
        cast(mentions.url as varchar) as url,
        cast(mentions.text as varchar) as text,
        cast(coalesce(mentions.author_id, mentions.author_handle) as varchar) as author_pseudonym,
        cast(mentions.author_followers as bigint) as author_followers,
        cast(matches.mention_reach as bigint) as reach,
        cast(matches.mention_engagements as bigint) as engagements,
        cast(matches.sentiment as varchar) as sentiment,
        cast(matches.sentiment_source as varchar) as sentiment_source,
        cast(mentions.language as varchar) as language,
        cast(matches.source as varchar) as source,
        cast(matches.matched_alias as varchar) as matched_alias
    from matches
    inner join mentions
        on matches.mention_id = mentions.mention_id
    inner join brands
        on matches.brand_id = brands.brand_id
    left join brand_sets
        on matches.brand_id = brand_sets.brand_id

)

select * from final
