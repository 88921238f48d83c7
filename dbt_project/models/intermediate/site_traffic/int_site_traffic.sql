-- The site traffic that counts, per brand property and property-local date: the rows of the date's
-- latest capture run. GA4 restates a day for ~48 h, so a later capture of a date replaces an earlier one
-- whole (a source that vanished on restatement vanishes here too). The pages of one paginated run carry
-- slightly different fetched_at: rows fetched within `listing_session_gap_minutes` of the date's latest
-- capture belong to that run. GA4's date is already the property's local date: no conversion.
-- Each row says which platform its source maps to (seed social_traffic_sources; NULL = not social),
-- whether a paid medium brought it, and its landing page without UTM parameters (post attribution).
with

traffic as (

    select * from {{ ref('stg_ga4__traffic') }}

),

properties as (

    select * from {{ ref('stg_config__ga4_properties') }}

),

sources as (

    select * from {{ ref('social_traffic_sources') }}

),

latest_run as (

    select *
    from traffic
    qualify fetched_at > max(fetched_at) over (partition by property_id, report_date)
        - to_minutes(cast({{ var('listing_session_gap_minutes') }} as bigint))

),

deduplicated as (

    -- a row a run returned twice (data changing between its pages) counts once: the later page's
    select *
    from latest_run
    qualify row_number() over (
            partition by
                property_id, report_date, session_source, session_medium, campaign, ad_content, landing_page
            order by fetched_at desc, source_file desc, source_line desc
        ) = 1

),

final as (

    select
        -- ids
        properties.brand_id,
        deduplicated.property_id,
        sources.platform,
        -- dimensions
        sources.platform is not null as is_social,
        {{ is_paid_medium('deduplicated.session_medium') }} as is_paid,
        deduplicated.session_source,
        deduplicated.session_medium,
        deduplicated.campaign,
        deduplicated.ad_content,
        deduplicated.landing_page,
        {{ page_without_utm('deduplicated.landing_page') }} as landing_page_without_utm,
        deduplicated.currency,
        -- measures
        deduplicated.sessions,
        deduplicated.engaged_sessions,
        deduplicated.conversions,
        deduplicated.revenue,
        deduplicated.new_users,
        -- dates
        deduplicated.report_date as date,
        -- timestamps
        deduplicated.fetched_at

    from deduplicated
    inner join properties
        on deduplicated.property_id = properties.property_id
    left join sources
        on {{ traffic_source_key('deduplicated.session_source') }} = sources.source

)

select * from final
