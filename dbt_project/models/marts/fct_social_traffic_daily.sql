-- Site sessions from social per brand × platform × campaign × paid/organic × property-local date, with
-- their key events and revenue (domain.md "Social traffic and conversions"). social_share_of_sessions
-- divides by every session of the brand's site that date (social or not), so a date's rows sum to the
-- social share of the site.
with

traffic as (

    select * from {{ ref('int_site_traffic') }}

),

site_days as (

    select
        brand_id,
        date,
        sum(sessions) as site_sessions
    from traffic
    group by brand_id, date

),

social as (

    select
        brand_id,
        platform,
        campaign,
        is_paid,
        date,
        max(currency) as currency,
        sum(sessions) as sessions,
        sum(engaged_sessions) as engaged_sessions,
        sum(conversions) as conversions,
        sum(revenue) as revenue,
        sum(new_users) as new_users
    from traffic
    where is_social
    group by brand_id, platform, campaign, is_paid, date

),

final as (

    select
        cast(social.date as date) as date,
        cast(social.brand_id as varchar) as brand_id,
        cast(social.platform as varchar) as platform,
        cast(social.campaign as varchar) as campaign,
        cast(social.is_paid as boolean) as is_paid,
        cast(social.sessions as bigint) as sessions,
        cast(social.engaged_sessions as bigint) as engaged_sessions,
        cast(social.conversions as double) as conversions,
        cast(social.revenue as double) as revenue,
        cast(social.currency as varchar) as currency,
        cast(social.new_users as bigint) as new_users,
        {{ safe_ratio('social.conversions', 'social.sessions') }} as conversion_rate,
        {{ safe_ratio('social.engaged_sessions', 'social.sessions') }} as engaged_session_rate,
        {{ safe_ratio('social.revenue', 'social.sessions') }} as revenue_per_session,
        {{ safe_ratio('social.sessions', 'site_days.site_sessions') }} as social_share_of_sessions
    from social
    inner join site_days
        on social.brand_id = site_days.brand_id and social.date = site_days.date

)

select * from final
