-- Social-listening export rows. Not tied to a tracked account (no account_id); dated per competitor set
-- downstream.
-- A table, not a view: it holds pseudonymised identities, computed once in the build with the key only the
-- pipeline holds (a view would have to carry the key, or lack it, at read time). Every author is
-- pseudonymised here, a tracked brand account too: staging reads its source only, and intermediate
-- recognises the tracked accounts by pseudonym (int_tracked_pseudonyms).
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

    select * from {{ source('lake', 'listening__mentions') }}
    where {{ in_build_window() }}

),

renamed as (

    select
        -- ids
        mention_id,
        -- dimensions
        coalesce(lower(platform), 'other') as platform,
        source_platform,
        url,
        {{ pseudonymised(normalised_handle('author_handle')) }} as author_handle,
        text,
        language,
        -- tools write positive/neutral/negative or -1/0/1: one vocabulary, anything else unknown
        case lower(trim(sentiment))
            when 'positive' then 'positive'
            when '1' then 'positive'
            when '+1' then 'positive'
            when '1.0' then 'positive'
            when 'neutral' then 'neutral'
            when '0' then 'neutral'
            when '0.0' then 'neutral'
            when 'negative' then 'negative'
            when '-1' then 'negative'
            when '-1.0' then 'negative'
        end as sentiment,
        sentiment as sentiment_raw,
        -- measures
        author_followers,
        reach,
        engagements,
        -- timestamps
        published_at,
        fetched_at,
        fetch_date,
        -- lineage
        source_file,
        source_line

    from source

)

select * from renamed
