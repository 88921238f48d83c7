{{ config(materialized='table') }}

-- Which tracked brands a mention names. Matching happens here, in SQL, from the configured aliases
-- (plus each brand's display name): case- and accent-insensitive on both sides, whole words in Latin
-- and Cyrillic, '#tag' and '@handle' aliases literally. A mention naming two brands yields two rows.
-- Mentions written by a tracked brand's own accounts are not share of voice and are dropped.
-- Both sides are reduced to padded tokens (macro match_tokens); the text is also matched with '#' and
-- '@' removed, so a plain alias still finds '@aurora' or '#aurora', as a word-boundary regex would.

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
        {{ match_tokens(text_normalized('alias')) }} as alias_tokens
    from aliases
    where nullif(trim(alias), '') is not null

),

matchable_aliases as (

    select
        *,
        split_part(trim(alias_tokens), ' ', 1) as first_token
    from alias_patterns
    where trim(alias_tokens) != ''

),

-- Materialized: three CTEs read it, and DuckDB would otherwise inline it and normalise and tokenise every
-- text three times (2.5 s -> 2.0 s at scale 70).
candidate_mentions as materialized (

    select
        *,
        {{ match_tokens(text_normalized('text')) }}
        || '|'
        || {{ match_tokens("replace(replace(" ~ text_normalized('text') ~ ", '#', ' '), '@', ' ')") }}
            as text_tokens
    from mentions
    where not coalesce(is_brand_author, false)

),

-- A mention can contain an alias only if the alias's first token is one of the mention's tokens: an
-- equi-join on that token finds the candidate pairs, and contains() checks only those. Joining every
-- mention to every alias on contains() alone was a nested loop growing with mentions × aliases
-- (126 s at scale 70; docs/benchmarks.md, 2026-11-22).
mention_tokens as (

    select distinct
        mention_id,
        unnest(string_split(trim(text_tokens), ' ')) as token
    from candidate_mentions

),

matches as (

    select
        candidate_mentions.mention_id,
        matchable_aliases.brand_id,
        -- The longest alias found (ties: the one with punctuation, as written), for explaining a match.
        first(
            matchable_aliases.alias_normalized
            order by length(matchable_aliases.alias_normalized) desc, matchable_aliases.alias_normalized desc
        ) as matched_alias
    from candidate_mentions
    inner join mention_tokens
        on candidate_mentions.mention_id = mention_tokens.mention_id
    inner join matchable_aliases
        on
            mention_tokens.token = matchable_aliases.first_token
            and contains(candidate_mentions.text_tokens, matchable_aliases.alias_tokens)
    group by candidate_mentions.mention_id, matchable_aliases.brand_id

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
