"""Per-platform audience and engagement profiles: the numbers that make the sample plausible.

Sizes are the own brand's starting audience (competitors scale by `Brand.size`); engagement is drawn
per post as a rate of followers (ER by followers) in the ranges analysts expect: Instagram ≈1–3%,
X ≈0.03–0.1%, Facebook ≈0.1–1%, LinkedIn ≈0.5–2%, TikTok higher, Telegram/VK/YouTube view-driven.
`final` counters are a post's lifetime totals; the world reveals them along a saturating curve.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from random import Random


@dataclass(frozen=True)
class Profile:
    platform: str
    followers: int  # own brand, group 0, at the start of the simulation
    gain_rate: float  # expected new followers per day, as a fraction of followers
    loss_rate: float  # expected lost followers per day, as a fraction of followers
    posts_per_day: float  # mean posts per day (capped at 3)
    kinds: tuple[tuple[str, float], ...]  # content type → weight
    tau_hours: float  # how fast engagement saturates after publishing
    history_posts: int  # posts published before the simulation (lifetime counters start there)


PROFILES: dict[str, Profile] = {
    "facebook": Profile(
        "facebook",
        10200,
        0.0016,
        0.0005,
        0.9,
        (("photo", 0.45), ("video", 0.2), ("link", 0.2), ("text", 0.15)),
        5.0,
        1420,
    ),
    "instagram": Profile(
        "instagram",
        10200,
        0.0022,
        0.0007,
        1.1,
        (("photo", 0.35), ("carousel", 0.2), ("reel", 0.4), ("video", 0.05)),
        6.0,
        860,
    ),
    "x": Profile(
        "x",
        5100,
        0.0012,
        0.0008,
        1.6,
        (("text", 0.5), ("photo", 0.3), ("link", 0.15), ("video", 0.05)),
        3.0,
        1302,
    ),
    "linkedin": Profile(
        "linkedin",
        4800,
        0.0020,
        0.0003,
        0.45,
        (("text", 0.3), ("photo", 0.4), ("link", 0.2), ("video", 0.1)),
        12.0,
        57,
    ),
    "youtube": Profile("youtube", 20100, 0.0012, 0.0004, 0.25, (("video", 0.7), ("reel", 0.3)), 20.0, 311),
    "tiktok": Profile("tiktok", 70100, 0.0030, 0.0012, 0.7, (("video", 1.0),), 10.0, 210),
    "vk": Profile(
        "vk",
        45100,
        0.0008,
        0.0006,
        1.0,
        (("photo", 0.5), ("text", 0.2), ("link", 0.2), ("video", 0.1)),
        6.0,
        1200,
    ),
    "telegram": Profile(
        "telegram", 18200, 0.0020, 0.0010, 1.4, (("text", 0.45), ("photo", 0.45), ("video", 0.1)), 8.0, 500
    ),
}

# Reels and videos travel further than photos; links and plain text less.
_KIND_BOOST = {"reel": 1.3, "video": 1.15, "carousel": 1.15, "photo": 1.0, "link": 0.7, "text": 0.6}

# The platform's own counter names for comments: what the explicit comment threads replace for own posts.
COMMENT_METRIC = {"facebook": "comments", "instagram": "comments", "youtube": "comments", "vk": "comments"}


def lognormal(rng: Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0.0, sigma))


def clamp(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


def sround(rng: Random, x: float) -> int:
    """Stochastic rounding: small expected counts (X engagement) stay unbiased instead of rounding to 0."""
    base = math.floor(x)
    return int(base + (1 if rng.random() < x - base else 0))


def pick_kind(profile: Profile, rng: Random) -> str:
    roll = rng.random() * sum(w for _, w in profile.kinds)
    for kind, weight in profile.kinds:
        roll -= weight
        if roll <= 0:
            return kind
    return profile.kinds[-1][0]


def draw_finals(platform: str, kind: str, followers: int, rng: Random) -> dict[str, int]:
    """A post's lifetime counters, drawn from the platform's engagement profile.

    Keys are canonical (likes, comments, shares, saves, views, impressions, reach, clicks, quotes);
    each platform writer maps them onto its own field names.
    """
    f = float(followers)
    boost = _KIND_BOOST.get(kind, 1.0)
    u = rng.uniform
    if platform == "facebook":
        er = clamp(lognormal(rng, 0.004, 0.45) * boost, 0.0012, 0.0095)
        e = f * er
        reach = f * clamp(lognormal(rng, 0.18, 0.4) * boost, 0.05, 0.7)
        click_rate = u(0.04, 0.1) if kind == "link" else u(0.01, 0.04)
        return {
            "likes": sround(rng, e * 0.76),
            "comments": sround(rng, e * 0.11),
            "shares": sround(rng, e * 0.13),
            "reach": round(reach),
            "clicks": round(reach * click_rate),
            "views": round(reach * u(1.15, 1.6)),
        }
    if platform == "instagram":
        er = clamp(lognormal(rng, 0.017, 0.3) * boost, 0.0105, 0.029)
        e = f * er
        likes = sround(rng, e * 0.93)
        reach = f * clamp(lognormal(rng, 0.35, 0.35) * (1.6 if kind == "reel" else 1.0), 0.15, 1.5)
        return {
            "likes": likes,
            "comments": sround(rng, e * 0.07),
            "saves": sround(rng, likes * u(0.03, 0.1)),
            "shares": sround(rng, likes * u(0.01, 0.06)),
            "reach": round(reach),
            "views": round(reach * u(1.2, 2.2)),
        }
    if platform == "x":
        # X engagement hardly depends on the format; the published average is ≈0.03–0.1% of followers.
        er = clamp(lognormal(rng, 0.0006, 0.35), 0.0003, 0.001)
        e = f * er
        return {
            "likes": sround(rng, e * 0.6),
            "shares": sround(rng, e * 0.12),
            "quotes": sround(rng, e * 0.03),
            "comments": sround(rng, e * 0.1),
            "saves": sround(rng, e * 0.15),
            "impressions": round(f * clamp(lognormal(rng, 0.08, 0.5) * boost, 0.02, 0.4)),
        }
    if platform == "linkedin":
        impressions = f * clamp(lognormal(rng, 0.35, 0.4) * boost, 0.1, 1.0)
        er = clamp(lognormal(rng, 0.011, 0.35) * boost, 0.005, 0.02)
        e = f * er
        return {
            "likes": sround(rng, e * 0.8),
            "comments": sround(rng, e * 0.1),
            "shares": sround(rng, e * 0.1),
            "impressions": round(impressions),
            "reach": round(impressions * u(0.6, 0.8)),
            "clicks": round(impressions * u(0.005, 0.025)),
        }
    if platform == "youtube":
        views = f * clamp(lognormal(rng, 0.06, 0.5) * (1.8 if kind == "reel" else 1.0), 0.01, 0.4)
        return {
            "views": round(views),
            "likes": round(views * u(0.025, 0.05)),
            "comments": sround(rng, views * u(0.002, 0.008)),
        }
    if platform == "tiktok":
        views = f * clamp(lognormal(rng, 0.4, 0.7), 0.05, 5.0)
        likes = views * u(0.05, 0.11)
        return {
            "views": round(views),
            "likes": round(likes),
            "comments": sround(rng, likes * u(0.01, 0.05)),
            "shares": sround(rng, likes * u(0.02, 0.08)),
        }
    if platform == "vk":
        er = clamp(lognormal(rng, 0.004, 0.4) * boost, 0.0015, 0.012)
        e = f * er
        return {
            "views": round(f * clamp(lognormal(rng, 0.2, 0.35) * boost, 0.05, 0.6)),
            "likes": sround(rng, e * 0.85),
            "shares": sround(rng, e * 0.07),
            "comments": sround(rng, e * 0.08),
        }
    if platform == "telegram":
        views = f * clamp(lognormal(rng, 0.45, 0.25), 0.2, 0.9)
        return {
            "views": round(views),
            "likes": sround(rng, views * u(0.006, 0.03)),
            "shares": sround(rng, views * u(0.001, 0.006)),
            "comments": sround(rng, views * u(0.0, 0.002)),
        }
    raise ValueError(platform)


def reply_finals(rng: Random) -> dict[str, int]:
    """An own reply tweet: seen by the customer and a few others, hardly engaged with."""
    return {
        "likes": rng.choice((0, 0, 0, 1, 1, 2)),
        "shares": 0,
        "quotes": 0,
        "comments": rng.choice((0, 0, 1)),
        "saves": 0,
        "impressions": rng.randint(8, 90),
    }
