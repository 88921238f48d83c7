-- The links to a site that own posts carry in their text, as attribution compares them: path + query
-- without UTM parameters (macro page_without_utm). Trailing punctuation a sentence puts after a link
-- is not part of it.
with

posts as (

    select * from {{ ref('int_posts') }}

),

own_brands as (

    select brand_id
    from {{ ref('stg_config__brands') }}
    where is_own

),

links as (

    select
        posts.platform,
        posts.post_id,
        posts.brand_id,
        posts.published_date,
        rtrim(unnest(regexp_extract_all(posts.text, 'https?://[^\s<>"]+')), '.,;:!?)') as link
    from posts
    inner join own_brands
        on posts.brand_id = own_brands.brand_id
    where posts.text is not null

),

final as (

    select distinct
        platform,
        post_id,
        brand_id,
        published_date,
        link,
        {{ page_without_utm('link') }} as page_without_utm
    from links

)

select * from final
