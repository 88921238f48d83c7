"""GA4 Data API: each own brand's site (one property), whose social sessions follow its posts' clicks.

Some own posts carry a link to the brand's site in their text:
- tagged with UTM parameters and `utm_content` = the post id (attributable by ad content);
- tagged with UTM parameters but no `utm_content`, on a page of its own (attributable by landing page);
- untagged, on a page of its own: visits arrive as referrals from the platform's link host
  (l.facebook.com, t.co, …; attributable by landing page only).
A post's visits follow the same saturating curve as its counters; they are dated by the property's
local day. On top: a paid campaign on Facebook and Instagram, and non-social traffic (search, direct,
email, a partner referral), so social is a share of the site.

Each morning run pulls a runReport for the last three closed local days (GA4 restates for ~48 h, so a
day's first capture shows a little less than its last), paged by `limit`/`offset`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from random import Random
from typing import Any

from pipelines.sandbox.generator import ids
from pipelines.sandbox.generator.catalog import Brand
from pipelines.sandbox.generator.common import Emit, closed_local_days
from pipelines.sandbox.generator.fetch import Fetch, envelope
from pipelines.sandbox.generator.timeutil import local_midnight
from pipelines.sandbox.generator.world import Account, Post

P = "ga4"
PAGE_LIMIT = 250
DIMENSIONS = (
    "date",
    "sessionSource",
    "sessionMedium",
    "sessionCampaignName",
    "sessionManualAdContent",
    "landingPagePlusQueryString",
)
METRICS = (
    ("sessions", "TYPE_INTEGER"),
    ("engagedSessions", "TYPE_INTEGER"),
    ("keyEvents", "TYPE_INTEGER"),
    ("totalRevenue", "TYPE_CURRENCY"),
    ("newUsers", "TYPE_INTEGER"),
)
NOT_SET = "(not set)"
CURRENCY = {"Europe/Kyiv": "UAH", "Europe/Bucharest": "RON", "Europe/Chisinau": "MDL"}
AVERAGE_ORDER = {"UAH": 420.0, "RON": 55.0, "MDL": 210.0}
# How much of a closed day the first, second and third capture shows (GA4 restates recent days).
COMPLETENESS = (0.93, 0.98, 1.0)

# utm_source spellings people really use per platform (case varies too), and the hosts a click
# through the platform's own link wrapper arrives from.
UTM_SOURCES = {
    "facebook": ("facebook", "fb", "Facebook"),
    "instagram": ("instagram", "ig", "IG"),
    "x": ("twitter", "x", "Twitter"),
    "linkedin": ("linkedin", "LinkedIn"),
    "youtube": ("youtube", "yt"),
    "tiktok": ("tiktok", "TikTok"),
    "vk": ("vk", "VK"),
    "telegram": ("telegram", "tg"),
}
REFERRERS = {
    "facebook": ("l.facebook.com", "lm.facebook.com", "m.facebook.com"),
    "instagram": ("l.instagram.com",),
    "x": ("t.co",),
    "linkedin": ("lnkd.in", "linkedin.com"),
    "youtube": ("youtube.com", "m.youtube.com"),
    "tiktok": ("tiktok.com",),
    "vk": ("away.vk.com", "m.vk.com"),
    "telegram": ("t.me", "web.telegram.org"),
}
_PAGES = ("/menu", "/shop/beans", "/shop/gift-box", "/spring", "/locations")
# Non-social sources: (source, medium, campaign, sessions per day at size 1, landing pages).
_OTHER = (
    ("google", "organic", "(organic)", 420, ("/", "/menu", "/locations")),
    ("(direct)", "(none)", "(direct)", 260, ("/", "/shop/beans")),
    ("newsletter", "email", "weekly_digest", 45, ("/shop/beans?utm_source=newsletter&utm_medium=email",)),
    ("bing", "organic", "(organic)", 22, ("/",)),
    ("coffeeguide.example", "referral", "(referral)", 14, ("/shop/gift-box",)),
)
PAID_CAMPAIGN = "spring_sale"
_PAID = (("facebook", "paid_social", "carousel_a"), ("instagram", "cpc", "reel_b"))

Dims = tuple[str, str, str, str, str]  # source, medium, campaign, ad content, landing page


@dataclass
class _Link:
    """The link one own post carries and how its visits arrive."""

    kind: str  # "utm_content" | "utm" | "referral"
    url: str
    dims: Dims
    visits: int  # lifetime visits to the site from this post


@dataclass
class SiteTraffic:
    """One own brand's GA4 property: the finished (fully restated) figures of each local date."""

    brand: Brand
    property_id: str
    seed: int
    links: dict[str, tuple[Post, _Link]] = field(default_factory=dict)
    days: dict[date, dict[Dims, list[float]]] = field(default_factory=dict)

    @property
    def currency(self) -> str:
        return CURRENCY.get(self.brand.timezone, "EUR")

    @property
    def site(self) -> str:
        return f"https://{self.brand.handle}.example"

    # ------------------------------------------------------------------ links in post texts
    def add_links(self, account: Account, posts: Iterable[Post]) -> None:
        """Give some of an own account's new posts a link to the site (appended to the text)."""
        for post in posts:
            if post.reply_to is not None:
                continue
            rng = Random(f"{self.seed}/ga4/link/{post.id}")
            roll = rng.random()
            if roll < 0.4:
                continue
            link = self._link(account.platform, post, rng, roll)
            post.text = f"{post.text} {link.url}"
            self.links[post.id] = (post, link)

    def _link(self, platform: str, post: Post, rng: Random, roll: float) -> _Link:
        own_page = f"/journal/{ids.etag(post.id)[:8]}"
        campaign = f"{self.brand.handle}_{platform}_organic"
        source = rng.choice(UTM_SOURCES[platform])
        visits = _lifetime_visits(platform, post, rng)
        if roll < 0.75:  # tagged, with the post id as utm_content
            page = rng.choice(_PAGES)
            query = f"utm_source={source}&utm_medium=social&utm_campaign={campaign}&utm_content={post.id}"
            return _Link(
                "utm_content",
                f"{self.site}{page}?{query}",
                (source, "social", campaign, post.id, f"{page}?{query}"),
                visits,
            )
        if roll < 0.88:  # tagged, no utm_content: its own page identifies the post
            query = f"utm_source={source}&utm_medium=social&utm_campaign={campaign}"
            return _Link(
                "utm",
                f"{self.site}{own_page}?{query}",
                (source, "social", campaign, NOT_SET, f"{own_page}?{query}"),
                visits,
            )
        host = rng.choice(REFERRERS[platform])
        return _Link(
            "referral", f"{self.site}{own_page}", (host, "referral", "(referral)", NOT_SET, own_page), visits
        )

    # ------------------------------------------------------------------ a day's figures
    def close_day(self, d: date, start: date, days: int) -> None:
        """Record local date `d`: the visits each linked post brought that day, the paid campaign and
        the non-social traffic. Call once every post published before the day's end exists."""
        tz = self.brand.timezone
        begin, end = local_midnight(d, tz), local_midnight(d + timedelta(days=1), tz)
        day: dict[Dims, list[float]] = {}
        # A slowly improving site: the conversion rate grows through the period (the goal has a trend).
        progress = (d - start).days / max(days, 1)
        conversion = 0.035 * (1 + 0.35 * max(-0.2, progress))
        for post_id, (post, link) in sorted(self.links.items()):
            n = _visits(post, link.visits, end) - _visits(post, link.visits, begin)
            if n > 0:
                rng = Random(f"{self.seed}/ga4/{post_id}/{d}")
                self._add(day, link.dims, n, conversion, rng)
        rng = Random(f"{self.seed}/ga4/{self.property_id}/{d}")
        weekday = (1.0, 1.05, 1.05, 1.0, 0.95, 0.8, 0.75)[d.weekday()]
        paid_from = start + timedelta(days=days // 4)
        if paid_from <= d < paid_from + timedelta(days=max(3, days // 3)):
            for platform, medium, creative in _PAID:
                source = platform
                page = f"/spring?utm_source={source}&utm_medium={medium}&utm_campaign={PAID_CAMPAIGN}&utm_content={creative}"
                n = round(self.brand.size * rng.uniform(45, 90) * weekday)
                self._add(day, (source, medium, PAID_CAMPAIGN, creative, page), n, conversion * 0.8, rng)
        for source, medium, campaign, per_day, pages in _OTHER:
            total = round(self.brand.size * per_day * weekday * rng.uniform(0.85, 1.15))
            for i, page in enumerate(pages):
                share = total // len(pages) + (1 if i < total % len(pages) else 0)
                content = "digest" if medium == "email" else NOT_SET
                self._add(day, (source, medium, campaign, content, page), share, conversion * 0.7, rng)
        self.days[d] = day

    def _add(self, day: dict[Dims, list[float]], dims: Dims, n: int, conversion: float, rng: Random) -> None:
        if n <= 0:
            return
        engaged = sum(rng.random() < 0.62 for _ in range(n))
        converted = sum(rng.random() < conversion for _ in range(n))
        revenue = round(
            sum(AVERAGE_ORDER[self.currency] * rng.uniform(0.5, 1.8) for _ in range(converted)), 2
        )
        new = sum(rng.random() < 0.7 for _ in range(n))
        figures = day.setdefault(dims, [0, 0, 0, 0.0, 0])
        for i, value in enumerate((n, engaged, converted, revenue, new)):
            figures[i] += value

    # ------------------------------------------------------------------ the morning report
    def captures(self, f: Fetch, emit: Emit, account: Account) -> None:
        """The runReport of the last three closed local days, one line per page."""
        closed = closed_local_days(account, f.t)
        if not closed:
            return
        first, last = closed[0][0], closed[-1][0]
        rows = []
        for d, _, _ in closed:
            age = (last - d).days  # 0 = the newest day (captured for the first time)
            share = COMPLETENESS[min(age, len(COMPLETENESS) - 1)]
            for dims, figures in sorted(self.days.get(d, {}).items()):
                rows.append(_row(d, dims, figures, share))
        rows.sort(key=lambda r: (-int(r["metricValues"][0]["value"]), r["dimensionValues"][0]["value"]))
        rows = [r for r in rows if r["metricValues"][0]["value"] != "0"]
        pages = [rows[i : i + PAGE_LIMIT] for i in range(0, len(rows), PAGE_LIMIT)] or [[]]
        for offset, page in zip(range(0, max(len(rows), 1), PAGE_LIMIT), pages, strict=False):
            response: dict[str, Any] = {
                "dimensionHeaders": [{"name": name} for name in DIMENSIONS],
                "metricHeaders": [{"name": name, "type": kind} for name, kind in METRICS],
            }
            if page:
                response["rows"] = page
            response |= {
                "rowCount": len(rows),
                "metadata": {"currencyCode": self.currency, "timeZone": self.brand.timezone},
                "propertyQuota": _quota(f.t, offset),
                "kind": "analyticsData#runReport",
            }
            params = {
                "dateRanges": [{"startDate": first.isoformat(), "endDate": last.isoformat()}],
                "dimensions": [{"name": name} for name in DIMENSIONS],
                "metrics": [{"name": name} for name, _ in METRICS],
                "limit": PAGE_LIMIT,
                "offset": offset,
                "returnPropertyQuota": True,
            }
            endpoint = f"/v1beta/{self.property_id}:runReport"
            emit(P, "traffic", envelope(f, self.property_id, endpoint, self.property_id, params, response))


# Visits per view where a platform counts no clicks: short-video feeds send the fewest.
_VIEW_TO_VISIT = {"tiktok": (0.0004, 0.0012), "telegram": (0.002, 0.006)}


def _lifetime_visits(platform: str, post: Post, rng: Random) -> int:
    """Site visits a linked post brings over its life: most of its link clicks where the platform
    counts them (never more), a small share of its views or impressions elsewhere."""
    finals = post.finals
    if "clicks" in finals:
        return round(finals["clicks"] * rng.uniform(0.55, 0.85))
    base = finals.get("views") or finals.get("impressions") or finals.get("reach") or 0
    low, high = _VIEW_TO_VISIT.get(platform, (0.004, 0.012))
    return round(base * rng.uniform(low, high))


def _visits(post: Post, lifetime: int, t: int) -> int:
    """Visits by `t`: the post's fast curve (clicks come while the post is fresh)."""
    if t <= post.published:
        return 0
    return int(lifetime * (1.0 - math.exp(-(t - post.published) / post.tau_fast)))


def _row(d: date, dims: Dims, figures: list[float], share: float) -> dict[str, Any]:
    sessions, engaged, converted, revenue, new = figures
    seen = math.floor(sessions * share)
    # Restated counts shrink together, so no earlier capture shows more conversions than sessions.
    scaled = [
        seen,
        math.floor(engaged * share),
        math.floor(converted * share),
        round(revenue * share, 2),
        math.floor(new * share),
    ]
    values = [str(int(v)) for v in scaled[:3]] + [_money(scaled[3]), str(int(scaled[4]))]
    return {
        "dimensionValues": [{"value": v} for v in (d.strftime("%Y%m%d"), *dims)],
        "metricValues": [{"value": v} for v in values],
    }


def _money(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _quota(t: int, offset: int) -> dict[str, Any]:
    used = 10 + offset // PAGE_LIMIT * 4
    return {
        "tokensPerDay": {"consumed": used, "remaining": 200000 - used * (1 + t // 86400 % 7)},
        "tokensPerHour": {"consumed": used, "remaining": 40000 - used},
        "concurrentRequests": {"consumed": 0, "remaining": 10},
        "serverErrorsPerProjectPerHour": {"consumed": 0, "remaining": 10},
        "potentiallyThresholdedRequestsPerHour": {"consumed": 0, "remaining": 120},
        "tokensPerProjectPerHour": {"consumed": used, "remaining": 14000 - used},
    }
