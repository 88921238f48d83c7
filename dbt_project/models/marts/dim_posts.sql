-- Own-account posts only (the mart contract); competitor posts appear in fct_post_performance.

with

posts as (

    select * from {{ ref('int_posts') }}

),

own_brands as (

    select brand_id
    from {{ ref('stg_config__brands') }}
    where is_own

),

final as (

    select
        cast(posts.platform as varchar) as platform,
        cast(posts.post_id as varchar) as post_id,
        cast(posts.account_id as varchar) as account_id,
        cast(posts.brand_id as varchar) as brand_id,
        cast(posts.published_at as timestamp with time zone) as published_at,
        cast(posts.published_date as date) as published_date,
        cast(posts.content_type as varchar) as content_type,
        cast(posts.text as varchar) as text,
        cast(posts.url as varchar) as url,
        cast(posts.is_deleted as boolean) as is_deleted,
        cast(posts.is_hidden as boolean) as is_hidden
    from posts
    inner join own_brands
        on posts.brand_id = own_brands.brand_id

)

select * from final
