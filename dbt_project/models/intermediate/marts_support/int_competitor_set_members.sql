-- Every brand of every competitor set, with the timezone the set's mentions are dated in: that of the
-- set's own brand (domain.md: "Mentions are dated in the timezone of the competitor set's own brand").
-- The one owner of that rule; fct_share_of_voice_daily and fct_mentions both date mentions from here.

with

competitor_sets as (

    select * from {{ ref('stg_config__competitor_sets') }}

),

brands as (

    select * from {{ ref('stg_config__brands') }}

),

set_timezones as (

    select
        competitor_sets.competitor_set_id,
        -- A set without a flagged owner falls back to UTC dates.
        coalesce(max(brands.timezone) filter (where competitor_sets.is_set_owner), 'UTC') as set_timezone
    from competitor_sets
    left join brands
        on competitor_sets.brand_id = brands.brand_id
    group by competitor_sets.competitor_set_id

),

final as (

    select
        competitor_sets.competitor_set_id,
        competitor_sets.brand_id,
        competitor_sets.is_set_owner,
        set_timezones.set_timezone
    from competitor_sets
    inner join set_timezones
        on competitor_sets.competitor_set_id = set_timezones.competitor_set_id

)

select * from final
