-- GA4 runReport rows of every capture. report_date is the property's own day (GA4 reports in the
-- property's time zone) and is taken as the local date as-is (domain rule), so no conversion.
-- Which capture of a date counts (the latest: GA4 restates for ~48 h) is int_site_traffic's rule.
with

source as (

    select * from {{ source('lake', 'ga4__traffic') }}

),

renamed as (

    select
        -- ids
        property_id,
        -- dimensions
        session_source,
        session_medium,
        session_campaign_name as campaign,
        session_manual_ad_content as ad_content,
        landing_page,
        currency_code as currency,
        property_time_zone,
        -- measures (that day)
        sessions,
        engaged_sessions,
        key_events as conversions,
        total_revenue as revenue,
        new_users,
        -- dates
        report_date,
        -- timestamps
        fetched_at,
        -- lineage
        source_file,
        source_line

    from source

)

select * from renamed
