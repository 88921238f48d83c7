-- Reporting API export rows. report_date is YouTube's Pacific-time day and is taken as the date as-is
-- (domain rule), so no conversion.
with

source as (

    select * from {{ source('lake', 'youtube__channel_basic_a3') }}

),

renamed as (

    select
        -- ids
        'youtube' as platform,
        channel_id as account_id,
        video_id,
        -- dimensions (breakdowns)
        live_or_on_demand,
        subscribed_status,
        country_code,
        -- measures (that day)
        views,
        likes,
        dislikes,
        comments,
        shares,
        watch_time_minutes,
        average_view_duration_seconds,
        subscribers_gained,
        subscribers_lost,
        -- dates
        report_date,
        -- timestamps (the export's file-name time)
        fetched_at,
        -- lineage
        source_file,
        source_line

    from source

)

select * from renamed
