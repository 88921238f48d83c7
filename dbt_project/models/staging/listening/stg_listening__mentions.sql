-- Social-listening export rows. Not tied to a tracked account (no account_id); dated per competitor set
-- downstream.
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

tracked_handles as (

    select * from {{ ref('stg_config__tracked_handles') }}

),

source as (

    select
        *,
        lower(ltrim(author_handle, '@')) in (select tracked_handles.handle from tracked_handles) as is_tracked_author
    from {{ source('lake', 'listening__mentions') }}
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
        -- a person's handle is pseudonymised; a tracked brand account's handle (decided on the raw
        -- value) stays readable, so mentions written by a brand can be told apart downstream
        {{ pseudonymised('author_handle', 'is_tracked_author') }} as author_handle,
        is_tracked_author,
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
