-- Every mapping in the platform_metric_map seed targets a canonical metric of domain.md (or a
-- community / share-of-voice measure), names a known platform, and has a valid date window.
select
    platform,
    source_field,
    canonical_metric,
    valid_from,
    valid_to
from {{ ref('platform_metric_map') }}
where
    canonical_metric not in (
        'likes', 'comments', 'shares', 'saves', 'clicks', 'views', 'impressions', 'reach',
        'followers', 'followers_gained', 'followers_lost',
        'mention_reach', 'mention_engagements', 'sentiment'
    )
    or platform not in (
        'facebook', 'instagram', 'x', 'linkedin', 'youtube', 'tiktok', 'vk', 'telegram', 'listening'
    )
    or valid_to <= valid_from
