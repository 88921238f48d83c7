-- Share of voice of the brands of a set sums to 1 on every date and platform (mentions always;
-- engagement and reach whenever the set total is known and non-zero).
select
    competitor_set_id,
    platform,
    date,
    sum(sov_mentions) as sov_mentions_total,
    sum(sov_engagement) as sov_engagement_total,
    sum(sov_reach) as sov_reach_total
from {{ ref('fct_share_of_voice_daily') }}
group by competitor_set_id, platform, date
having
    abs(sum(sov_mentions) - 1) > 1e-9
    or abs(coalesce(sum(sov_engagement), 1) - 1) > 1e-9
    or abs(coalesce(sum(sov_reach), 1) - 1) > 1e-9
