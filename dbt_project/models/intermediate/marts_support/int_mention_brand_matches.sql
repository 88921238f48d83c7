{{ config(materialized='table') }}

-- Which tracked brands a mention names. Matching happens here, in SQL, from the configured aliases
-- (plus each brand's display name): case- and accent-insensitive on both sides, whole words in Latin
-- and Cyrillic, '#tag' and '@handle' aliases literally. A mention naming two brands yields two rows.
-- Mentions written by a tracked brand's own accounts are not share of voice and are dropped.

with

mentions as (

    select * from {{ ref('int_mentions_scored') }}

),

brands as (

    select * from {{ ref('stg_config__brands') }}

),

aliases as (

    select
        brand_id,
        alias
    from {{ ref('stg_config__brand_aliases') }}
    union
    select
        brand_id,
        brand_name as alias
    from brands

),

alias_patterns as (

    select distinct
        brand_id,
        {{ text_normalized('alias') }} as alias_normalized,
        {{ alias_pattern(text_normalized('alias')) }} as alias_regex
    from aliases
    where nullif(trim(alias), '') is not null

),

candidate_mentions as (

    select
        *,
        {{ text_normalized('text') }} as text_normalized
    from mentions
    where not coalesce(is_brand_author, false)

),

matches as (

    select
        candidate_mentions.mention_id,
        alias_patterns.brand_id,
        -- The longest alias found, for explaining a match.
        arg_max(alias_patterns.alias_normalized, length(alias_patterns.alias_normalized)) as matched_alias
    from candidate_mentions
    inner join alias_patterns
        on regexp_matches(candidate_mentions.text_normalized, alias_patterns.alias_regex)
    group by candidate_mentions.mention_id, alias_patterns.brand_id

),

final as (

    select
        candidate_mentions.mention_id,
        matches.brand_id,
        candidate_mentions.platform,
        candidate_mentions.source,
        matches.matched_alias,
        candidate_mentions.sentiment,
        candidate_mentions.sentiment_source,
        candidate_mentions.mention_engagements,
        candidate_mentions.mention_reach,
        candidate_mentions.published_at
    from matches
    inner join candidate_mentions
        on matches.mention_id = candidate_mentions.mention_id

)

select * from final
