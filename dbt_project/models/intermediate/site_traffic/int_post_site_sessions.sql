-- Social site traffic attributed to own posts (domain.md "Post attribution"). A social traffic row
-- belongs to a post when its ad content (utm_content) is the id of one of the brand's posts on the
-- platform its source maps to; otherwise, when its landing page without UTM parameters is a page a post
-- of that brand and platform links to. Several posts linking to the same page: the one published most
-- recently on or before the session date takes it (the one people were clicking), then the higher id.
-- Rows matching neither belong to their platform and campaign only.
with

traffic as (

    select * from {{ ref('int_site_traffic') }}
    where is_social

),

posts as (

    select * from {{ ref('int_posts') }}

),

links as (

    select * from {{ ref('int_post_site_links') }}

),

traffic_with_ad_post as (

    -- the post named by the row's utm_content, if any
    select
        traffic.*,
        posts.post_id as ad_content_post_id
    from traffic
    left join posts
        on
            traffic.brand_id = posts.brand_id
            and traffic.platform = posts.platform
            and traffic.ad_content = posts.post_id

),

by_ad_content as (

    select
        *,
        ad_content_post_id as post_id,
        'utm_content' as attributed_by
    from traffic_with_ad_post
    where ad_content_post_id is not null

),

by_landing_page as (

    select
        traffic_with_ad_post.*,
        links.post_id,
        'landing_page' as attributed_by
    from traffic_with_ad_post
    inner join links
        on
            traffic_with_ad_post.brand_id = links.brand_id
            and traffic_with_ad_post.platform = links.platform
            and traffic_with_ad_post.landing_page_without_utm = links.page_without_utm
            and traffic_with_ad_post.date >= links.published_date
    where traffic_with_ad_post.ad_content_post_id is null
    qualify row_number() over (
            partition by
                traffic_with_ad_post.property_id,
                traffic_with_ad_post.date,
                traffic_with_ad_post.session_source,
                traffic_with_ad_post.session_medium,
                traffic_with_ad_post.campaign,
                traffic_with_ad_post.ad_content,
                traffic_with_ad_post.landing_page
            order by links.published_date desc, links.post_id desc
        ) = 1

),

final as (

    select
        -- ids
        platform,
        post_id,
        brand_id,
        -- dimensions
        attributed_by,
        is_paid,
        campaign,
        -- measures
        sessions,
        engaged_sessions,
        conversions,
        revenue,
        new_users,
        -- dates
        date
    from by_ad_content
    union all
    select
        platform,
        post_id,
        brand_id,
        attributed_by,
        is_paid,
        campaign,
        sessions,
        engaged_sessions,
        conversions,
        revenue,
        new_users,
        date
    from by_landing_page

)

select * from final
