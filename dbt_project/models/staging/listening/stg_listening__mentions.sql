-- Social-listening export rows. Not tied to a tracked account (no account_id); dated per competitor set
-- downstream.
with

source as (

    select * from {{ source('lake', 'listening__mentions') }}

),

renamed as (

    select
        -- ids
        mention_id,
        -- dimensions
        coalesce(lower(platform), 'other') as platform,
        source_platform,
        url,
        author_handle,
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
        -- lineage
        source_file,
        source_line

    from source

)

select * from renamed
