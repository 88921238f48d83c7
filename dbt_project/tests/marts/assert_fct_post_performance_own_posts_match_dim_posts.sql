-- fct_post_performance covers own and competitor posts; dim_posts only own ones. The own-brand rows of
-- the fact must be exactly the posts of the dimension (no orphan, none missing).
with

own_facts as (

    select
        performance.platform,
        performance.post_id
    from {{ ref('fct_post_performance') }} as performance
    inner join {{ ref('dim_brands') }} as brands
        on performance.brand_id = brands.brand_id
    where brands.is_own

),

dimension as (

    select
        platform,
        post_id
    from {{ ref('dim_posts') }}

),

facts_without_dimension as (

    select
        platform,
        post_id
    from own_facts
    except
    select
        platform,
        post_id
    from dimension

),

dimension_without_facts as (

    select
        platform,
        post_id
    from dimension
    except
    select
        platform,
        post_id
    from own_facts

)

select
    'fact without dim_posts row' as problem,
    platform,
    post_id
from facts_without_dimension
union all
select
    'dim_posts row without fact' as problem,
    platform,
    post_id
from dimension_without_facts
