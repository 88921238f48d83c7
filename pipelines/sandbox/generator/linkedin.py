"""LinkedIn Marketing API (versioned REST, 202601): organization, posts, share_statistics, follower_statistics.

Posts carry no counters on LinkedIn; counters come from share statistics, which only the page admin (the
own brand) can read. Times are epoch milliseconds; follower statistics use UTC days.
"""

from __future__ import annotations

from pipelines.sandbox.generator.common import Emit, closed_utc_days
from pipelines.sandbox.generator.fetch import Fetch, envelope
from pipelines.sandbox.generator.world import Account, Post

P = "linkedin"
# Requests send `LinkedIn-Version: 202601` and `X-Restli-Protocol-Version: 2.0.0` headers (not params).


def _ms(t: int) -> int:
    return t * 1000


def captures(acc: Account, f: Fetch, emit: Emit) -> None:
    t = f.t
    org = acc.id
    emit(
        P,
        "organization",
        envelope(
            f,
            org,
            f"/rest/networkSizes/{org}",
            org,
            {"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"},
            {"firstDegreeSize": acc.followers_at(t)},
        ),
    )
    posts = acc.listed(t)
    emit(
        P,
        "posts",
        envelope(
            f,
            org,
            "/rest/posts",
            org,
            {"author": org, "q": "author", "count": 50, "sortBy": "LAST_MODIFIED"},
            {
                "paging": {"start": 0, "count": 50, "links": [], "total": acc.posts_published_by(t)},
                "elements": [_post(org, p) for p in posts],
            },
        ),
    )
    if not acc.own:
        return
    if posts:
        shares = ",".join(p.id for p in posts)
        emit(
            P,
            "share_statistics",
            envelope(
                f,
                org,
                "/rest/organizationalEntityShareStatistics",
                org,
                {
                    "q": "organizationalEntity",
                    "organizationalEntity": org,
                    "shares": f"List({shares})",
                },
                {
                    "paging": {"start": 0, "count": 10, "links": []},
                    "elements": [
                        {
                            "organizationalEntity": org,
                            "share": p.id,
                            "totalShareStatistics": _stats({m: p.value(m, t) for m in _METRICS}),
                        }
                        for p in posts
                    ],
                },
            ),
        )
    if f.morning:
        _org_totals(acc, f, emit)
        _follower_statistics(acc, f, emit)


_METRICS = ("clicks", "comments", "impressions", "likes", "shares", "reach")


def _stats(v: dict[str, int]) -> dict:
    impressions = v["impressions"]
    engaged = v["clicks"] + v["likes"] + v["comments"] + v["shares"]
    return {
        "clickCount": v["clicks"],
        "commentCount": v["comments"],
        "engagement": round(engaged / impressions, 6) if impressions else 0.0,
        "impressionCount": impressions,
        "likeCount": v["likes"],
        "shareCount": v["shares"],
        "uniqueImpressionsCount": v["reach"],
        "shareMentionsCount": 0,
        "commentMentionsCount": 0,
    }


def _post(org: str, p: Post) -> dict:
    item: dict = {
        "id": p.id,
        "author": org,
        "commentary": p.text,
        "visibility": "PUBLIC",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
        "createdAt": _ms(p.published) - 42_000,
        "publishedAt": _ms(p.published),
        "lastModifiedAt": _ms(p.published),
        "lifecycleStateInfo": {"isEditedByAuthor": False},
    }
    if p.kind in ("photo", "video"):
        item["content"] = {
            "media": {
                "id": f"urn:li:{'image' if p.kind == 'photo' else 'video'}:D4E10AQ{p.id[-10:]}",
                "altText": "",
            }
        }
    elif p.kind == "link":
        item["content"] = {
            "article": {"source": "https://example.com/blog/coffee-origins", "title": "Coffee origins"}
        }
    return item


def _org_totals(acc: Account, f: Fetch, emit: Emit) -> None:
    """Lifetime organisation totals (no `shares` filter): the element carries no `share`."""
    t = f.t
    base = acc.initial_followers
    totals = {
        "clicks": base * 9,
        "comments": base // 3,
        "impressions": base * 160,
        "likes": base * 2,
        "shares": base // 4,
        "reach": base * 100,
    }
    for metric in totals:
        totals[metric] += acc.lifetime.get(metric, 0) + sum(p.value(metric, t) for p in acc.posts)
    org = acc.id
    emit(
        P,
        "share_statistics",
        envelope(
            f,
            org,
            "/rest/organizationalEntityShareStatistics",
            org,
            {"q": "organizationalEntity", "organizationalEntity": org},
            {
                "paging": {"start": 0, "count": 10, "links": []},
                "elements": [{"organizationalEntity": org, "totalShareStatistics": _stats(totals)}],
            },
        ),
    )


def _follower_statistics(acc: Account, f: Fetch, emit: Emit) -> None:
    """Time-bound daily gains per UTC day: organic + paid = the day's net change in members."""
    days = closed_utc_days(f.t)
    elements = []
    for d, start, end in days:
        gained, lost = acc.gained_lost(start, end)
        paid = round(gained * 0.2) if (d.toordinal() + acc.brand.index) % 9 == 0 else 0
        elements.append(
            {
                "timeRange": {"start": _ms(start), "end": _ms(end)},
                "followerGains": {"organicFollowerGain": gained - lost - paid, "paidFollowerGain": paid},
                "organizationalEntity": acc.id,
            }
        )
    emit(
        P,
        "follower_statistics",
        envelope(
            f,
            acc.id,
            "/rest/organizationalEntityFollowerStatistics",
            acc.id,
            {
                "q": "organizationalEntity",
                "organizationalEntity": acc.id,
                "timeIntervals": f"(timeRange:(start:{_ms(days[0][1])},end:{_ms(days[-1][2])}),timeGranularityType:DAY)",
            },
            {"paging": {"start": 0, "count": 10, "links": []}, "elements": elements},
        ),
    )
